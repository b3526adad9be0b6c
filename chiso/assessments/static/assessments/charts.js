/* Score card and comparison charts (ECharts from node_modules, served as a static file).
   Data come from a JSON <script> in the page; nothing here computes a score. */
(function () {
  "use strict";
  function fmt(v) {
    if (v === null || v === undefined || isNaN(v)) return "–";
    var lang = document.documentElement.lang || "vi";
    return Number(v).toLocaleString(lang === "en" ? "en-GB" : "vi-VN",
      { minimumFractionDigits: 4, maximumFractionDigits: 4 });
  }
  function clean(values) { return values.map(function (v) { return v === null ? 0 : v; }); }
  function radar(el, indicators, series) {
    var chart = echarts.init(el);
    chart.setOption({
      color: ["#a3161b", "#0b5cad", "#1d7a3a", "#9a5b00", "#6a3fb5", "#52606d"],
      tooltip: { trigger: "item", valueFormatter: fmt },
      legend: { bottom: 0 },
      radar: { indicator: indicators, radius: "62%", axisName: { color: "#1b2430" } },
      series: [{ type: "radar", data: series.map(function (s, i) {
        return { name: s.name, value: clean(s.value), areaStyle: i === 0 ? { opacity: 0.15 } : undefined };
      }) }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function bars(el, data) {
    var chart = echarts.init(el);
    chart.setOption({
      color: ["#a3161b", "#9aa5b1"],
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { bottom: 0 },
      grid: { left: 160, right: 20, top: 10, bottom: 40 },
      xAxis: { type: "value", max: 1, axisLabel: { formatter: function (v) { return fmt(v).replace(/0+$/, "").replace(/[,.]$/, ""); } } },
      yAxis: { type: "category", data: data.names, inverse: true, axisLabel: { width: 150, overflow: "truncate" } },
      series: [
        { name: data.labels[0], type: "bar", data: clean(data.unit) },
        { name: data.labels[1], type: "bar", data: clean(data.average) }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("chart-data");
    if (!node || typeof echarts === "undefined") return;
    var data = JSON.parse(node.textContent);
    var r = document.getElementById("radar");
    if (r && data.radar) {
      radar(r, data.radar.indicators, [
        { name: data.radar.labels[0], value: data.radar.unit },
        { name: data.radar.labels[1], value: data.radar.average },
        { name: data.radar.labels[2], value: data.radar.best }]);
    }
    var b = document.getElementById("bars");
    if (b && data.bars) bars(b, data.bars);
    var c = document.getElementById("compare-radar");
    if (c && data.series) radar(c, data.indicators, data.series);
  });
})();
