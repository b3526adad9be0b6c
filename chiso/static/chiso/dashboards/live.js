/* Live updates: listen to the dashboard's server-sent events and refetch only the panels
   an event concerns (each panel lists the event kinds it depends on in data-on).
   EventSource reconnects by itself and sends Last-Event-ID; the server replays what was
   missed, or sends "reload" when too much was. Refetches are coalesced per panel: the
   acceptance of one form announces each of its values, the panel is fetched once. */
(function () {
  "use strict";
  var DEBOUNCE_MS = 250;

  function start(bar) {
    var status = bar.querySelector(".live-status");
    var panelUrl = bar.getAttribute("data-panel-url");
    var query = bar.getAttribute("data-query") || "";
    var reloadOnChange = bar.hasAttribute("data-reload-on-change");
    var timers = {};
    var live = window.chisoLive = { events: 0, refreshed: 0, lastEventId: null, connected: false };

    function say(key, extra) {
      status.textContent = status.getAttribute("data-" + key) + (extra || "");
    }
    function refresh(section) {
      var name = section.getAttribute("data-panel");
      var url = panelUrl.replace("__name__", name) + (query ? "?" + query : "");
      fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          var tpl = document.createElement("template");
          tpl.innerHTML = html.trim();
          var fresh = tpl.content.querySelector("[data-panel]");
          if (!fresh) return;
          var current = document.getElementById(section.id) || section;
          current.replaceWith(fresh);
          if (window.chisoCharts) window.chisoCharts.renderAll(fresh);
          fresh.classList.add("just-updated");
          live.refreshed += 1;
          say("updated", " " + new Date().toLocaleTimeString("vi-VN"));
        })
        .catch(function () { /* the next event or a reload will try again */ });
    }
    function schedule(kind) {
      if (reloadOnChange) { window.location.reload(); return; }
      document.querySelectorAll("[data-panel]").forEach(function (section) {
        var on = (section.getAttribute("data-on") || "").split(" ");
        var hit = on.some(function (prefix) { return prefix && kind.indexOf(prefix) === 0; });
        if (!hit) return;
        var name = section.getAttribute("data-panel");
        clearTimeout(timers[name]);
        timers[name] = setTimeout(function () { refresh(document.getElementById(section.id) || section); }, DEBOUNCE_MS);
      });
    }

    var source = new EventSource(bar.getAttribute("data-stream"));
    source.onopen = function () { live.connected = true; bar.setAttribute("data-state", "on"); say("on"); };
    source.onerror = function () { live.connected = false; bar.setAttribute("data-state", "off"); say("off"); };
    source.addEventListener("hello", function (e) { live.lastEventId = e.lastEventId; });
    source.addEventListener("change", function (e) {
      live.events += 1;
      live.lastEventId = e.lastEventId;
      var msg = {};
      try { msg = JSON.parse(e.data); } catch (err) { return; }
      schedule(msg.kind || "");
    });
    source.addEventListener("reload", function () { window.location.reload(); });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var bar = document.querySelector("[data-live]");
    if (bar && window.EventSource) start(bar);
  });
})();
