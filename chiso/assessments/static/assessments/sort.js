/* Sort the ranking table in the browser when a column header is clicked (the links also
   sort on the server, so the page works without JavaScript). */
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("table.ranking th a[data-col]");
    if (!link) return;
    ev.preventDefault();
    var table = link.closest("table");
    var col = parseInt(link.dataset.col, 10);
    var numeric = link.dataset.type !== "text";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var desc = link.getAttribute("aria-sort") !== "descending";
    if (!numeric || link.dataset.order === "asc") desc = link.getAttribute("aria-sort") === "ascending";
    rows.sort(function (a, b) {
      var x = a.cells[col], y = b.cells[col];
      if (numeric) {
        var vx = parseFloat(x.dataset.v !== undefined ? x.dataset.v : x.textContent);
        var vy = parseFloat(y.dataset.v !== undefined ? y.dataset.v : y.textContent);
        if (isNaN(vx)) return 1; if (isNaN(vy)) return -1;
        return desc ? vy - vx : vx - vy;
      }
      return (desc ? -1 : 1) * x.textContent.localeCompare(y.textContent, "vi");
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    body.appendChild(frag);
    table.querySelectorAll("th a[data-col]").forEach(function (a) { a.removeAttribute("aria-sort"); });
    link.setAttribute("aria-sort", desc ? "descending" : "ascending");
  });
})();
