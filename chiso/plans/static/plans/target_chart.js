// A target's chart: accepted values, the plan's yearly goals, and the projection to the
// deadline with its interval. Data comes from the page (json_script #target-chart-data).
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("target-chart");
    var source = document.getElementById("target-chart-data");
    if (!holder || !source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var lang = document.documentElement.lang || "vi";
    var fmt = new Intl.NumberFormat(lang === "en" ? "en-GB" : "vi-VN", {maximumFractionDigits: 2});
    var suffix = data.percent ? " %" : (data.unit ? " " + data.unit : "");
    var palette = ["#1f5fa8", "#c0392b", "#16803c", "#8e44ad"];
    var series = [];
    var xs = [];
    data.lines.forEach(function (line, i) {
      var color = palette[i % palette.length];
      var name = data.lines.length > 1 ? " – " + line.name : "";
      line.points.forEach(function (p) { xs.push(p[0]); });
      line.goals.forEach(function (p) { xs.push(p[0]); });
      series.push({name: data.labels.values + name, type: "line", data: line.points,
                   symbolSize: 7, color: color});
      series.push({name: data.labels.goals + name, type: "scatter", data: line.goals,
                   symbol: "diamond", symbolSize: 13, color: color,
                   itemStyle: {borderColor: "#222", borderWidth: 1, opacity: 0.6}});
      if (line.projection) {
        var pr = line.projection;
        xs.push(pr.to[0]);
        series.push({name: data.labels.projection + name, type: "line", data: [pr.from, pr.to],
                     lineStyle: {type: "dashed"}, symbol: "emptyCircle", color: color});
        if (pr.low !== null && pr.high !== null) {
          series.push({name: data.labels.interval + " " + pr.level + " %" + name, type: "line",
                       data: [[pr.to[0], pr.low], [pr.to[0], pr.high]], symbol: "rect",
                       symbolSize: [12, 2], lineStyle: {width: 6, opacity: 0.35}, color: color});
        }
      }
    });
    var minX = Math.floor(Math.min.apply(null, xs));
    var maxX = Math.ceil(Math.max.apply(null, xs));
    var chart = window.echarts.init(holder, null, {renderer: "svg"});
    chart.setOption({
      animation: false,
      legend: {top: 0, type: "scroll"},
      grid: {left: 60, right: 24, top: 48, bottom: 40},
      tooltip: {trigger: "item", formatter: function (p) {
        var x = p.value[0];
        var year = Math.floor(x);
        var month = Math.min(12, Math.max(1, Math.round((x - year) * 12)));
        return p.seriesName + "<br>" + month + "/" + year + ": " +
          fmt.format(p.value[1]) + suffix;
      }},
      // A tick at x = 2025 is the turn of the year: the end of 2024, where 2024's goal
      // and its yearly figure sit.
      xAxis: {type: "value", min: minX, max: maxX, interval: 1, name: data.labels.year,
              axisLabel: {formatter: function (v) { return data.labels.yearEnd + " " + (v - 1); }}},
      yAxis: {type: "value", scale: true, inverse: data.inverse,
              axisLabel: {formatter: function (v) { return fmt.format(v) + suffix; }}},
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
})();
