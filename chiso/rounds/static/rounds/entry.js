// Entry form: Enter moves to the next value, the rate of a percentage is shown while
// typing, and nothing typed is lost on a dropped connection: each row is kept in
// localStorage from the moment it is sent until the server answers, and re-sent on
// reload, when the browser comes back online, and every 30 seconds.
(function () {
  "use strict";
  var root = document.getElementById("entry");
  if (!root) return;
  var KEY = root.dataset.store;
  var note = document.getElementById("offline-note");
  var inflight = {};  // rows being sent: a retry must not send them twice

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  function store(all) {
    var pending = Object.keys(all).length;
    if (pending) localStorage.setItem(KEY, JSON.stringify(all)); else localStorage.removeItem(KEY);
    if (note) note.hidden = !pending;
  }
  function rowOf(elt) { return elt && elt.closest ? elt.closest("#entry tr[data-item]") : null; }
  function fields(tr) {
    var out = {};
    tr.querySelectorAll(".field").forEach(function (el) { out[el.name] = el.value; });
    return out;
  }
  function number(text) {  // "1.234,5" -> 1234.5
    text = (text || "").trim().replace(/\s/g, "").replace(/\./g, "").replace(",", ".");
    return text === "" ? NaN : Number(text);
  }
  function rate(tr) {
    var n = tr.querySelector("[name=numerator]"), d = tr.querySelector("[name=denominator]");
    var out = tr.querySelector("output.rate");
    if (!n || !d || !out) return;
    var r = number(n.value) / number(d.value) * 100;
    out.textContent = isFinite(r) ? r.toLocaleString("vi-VN", {maximumFractionDigits: 1}) + "\u00a0%" : "";
  }

  root.addEventListener("input", function (e) { var tr = rowOf(e.target); if (tr) rate(tr); });
  root.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.target.tagName !== "INPUT" || e.target.type === "file") return;
    e.preventDefault();
    // Enter goes down the column of values (Tab still visits comments and files).
    var all = Array.prototype.slice.call(root.querySelectorAll(".field:not(.comment)"));
    var next = all[all.indexOf(e.target) + 1];
    if (next) next.focus(); else e.target.blur();
  });
  document.body.addEventListener("htmx:beforeRequest", function (e) {
    var tr = rowOf(e.detail.elt);
    if (!tr) return;
    inflight[tr.dataset.item] = true;
    var all = load(); all[tr.dataset.item] = fields(tr); store(all);
  });
  document.body.addEventListener("htmx:afterRequest", function (e) {
    var tr = rowOf(e.detail.elt), xhr = e.detail.xhr;
    if (tr) delete inflight[tr.dataset.item];
    if (!tr || !xhr || xhr.status === 0 || xhr.status >= 500) { if (tr) tr.classList.add("unsaved"); return; }
    tr.classList.remove("unsaved");
    var all = load(); delete all[tr.dataset.item]; store(all);
  });

  function retry() {
    var all = load();
    Object.keys(all).forEach(function (item) {
      if (inflight[item]) return;
      var tr = root.querySelector('tr[data-item="' + item + '"]'), first = null;
      Object.keys(all[item]).forEach(function (name) {
        var el = tr && tr.querySelector('.field[name="' + name + '"]');
        if (el) { el.value = all[item][name]; first = first || el; }
      });
      if (!first) { delete all[item]; return; }  // the row is no longer editable
      rate(tr);
      tr.classList.add("unsaved");
      window.htmx.trigger(first, "change");
    });
    store(all);
  }
  window.addEventListener("load", retry);
  window.addEventListener("online", retry);
  setInterval(function () { if (navigator.onLine && Object.keys(load()).length) retry(); }, 30000);
})();
