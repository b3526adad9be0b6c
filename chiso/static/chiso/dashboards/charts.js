/* Charts of the dashboards: each .dash-chart element names a JSON script holding
   {kind, unit, categories, series, links…} (see chiso/dashboards/templatetags/dashboards.py)
   and becomes an ECharts chart. Numbers are written the Vietnamese way (1.234,5);
   colours are the Okabe–Ito palette (distinguishable with colour-blindness) and bars
   carry decal patterns (ECharts aria); clicking an element opens the page behind it. */
(function () {
  "use strict";
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"];
  var TONES = { ok: "#1d7a3a", warn: "#E69F00", bad: "#b3261e" };
  var lang = (document.documentElement.lang || "vi").indexOf("en") === 0 ? "en-GB" : "vi-VN";

  function number(v, digits, fixed) {
    if (v === null || v === undefined || isNaN(v)) return "–";
    return new Intl.NumberFormat(lang, { maximumFractionDigits: digits,
                                         minimumFractionDigits: fixed ? digits : 0 }).format(v);
  }
  function formatter(unit) {
    if (unit === "percent") return function (v) { return number(v, 1) + (lang === "vi-VN" ? "\u00a0%" : "%"); };
    if (unit === "score") return function (v) { return number(v, 4, true); };  // 0,7024 as the DTI publishes
    if (unit === "count" || unit === "rank") return function (v) { return number(v, 0); };
    return function (v) { return number(v, 2); };
  }
  function base(data) {
    return {
      color: PALETTE, animation: false,
      aria: { enabled: true, decal: { show: data.kind !== "line" && data.kind !== "heatmap" } },
      textStyle: { fontFamily: "inherit" },
      tooltip: { trigger: data.kind === "heatmap" || data.kind === "radar" ? "item" : "axis",
                 valueFormatter: formatter(data.unit), confine: true },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true }
    };
  }
  function short(label, n) { label = String(label); return label.length > n ? label.slice(0, n - 1) + "…" : label; }

  var BUILD = {
    line: function (d, o) {
      o.xAxis = { type: "category", data: d.categories, boundaryGap: false };
      o.yAxis = { type: "value", scale: true, axisLabel: { formatter: formatter(d.unit) } };
      o.series = d.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 7 };
      });
    },
    line_rank: function (d, o) {
      o.xAxis = { type: "category", data: d.categories };
      o.yAxis = [{ type: "value", scale: true, axisLabel: { formatter: formatter(d.unit) } },
                 { type: "value", inverse: true, minInterval: 1, axisLabel: { formatter: formatter("rank") } }];
      o.tooltip.valueFormatter = undefined;
      o.series = d.series.map(function (s, i) {
        return { name: s.name, type: i === 0 ? "bar" : "line", yAxisIndex: i === 0 ? 0 : 1, data: s.data,
                 tooltip: { valueFormatter: formatter(s.unit || d.unit) } };
      });
    },
    stacked_bar: function (d, o) {
      o.yAxis = { type: "category", data: d.categories, inverse: true,
                  axisLabel: { formatter: function (v) { return short(v, 28); } } };
      o.xAxis = { type: "value", minInterval: 1, axisLabel: { formatter: formatter(d.unit) } };
      o.series = d.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "all", data: s.data,
                 itemStyle: s.tone ? { color: TONES[s.tone] } : undefined,
                 label: { show: true, formatter: function (p) { return p.value ? formatter(d.unit)(p.value) : ""; } } };
      });
    },
    bar_compare: function (d, o) {
      o.xAxis = { type: "category", data: d.categories, axisLabel: { interval: 0, rotate: d.categories.length > 5 ? 30 : 0 } };
      o.yAxis = { type: "value", axisLabel: { formatter: formatter(d.unit) } };
      o.series = d.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; });
    },
    ranking: function (d, o) {
      o.yAxis = { type: "category", data: d.categories, inverse: true,
                  axisLabel: { formatter: function (v) { return short(v, 24); } } };
      // Scores start at zero: a bar's length must be its value, not its distance to the worst.
      o.xAxis = { type: "value", min: 0, axisLabel: { formatter: function (v) { return number(v, 2); } } };
      o.grid.right = 64;
      o.yAxis.axisLabel.interval = 0;
      o.legend.show = false;
      var hl = d.highlight || [];
      o.series = d.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data.map(function (v, i) {
          return hl.indexOf(i) >= 0 ? { value: v, itemStyle: { color: "#D55E00" } } : v;
        }), barMaxWidth: 22,
           label: { show: true, position: "right", fontSize: 11, formatter: function (p) { return formatter(d.unit)(p.value); } } };
      });
      return Math.max(220, 20 * d.categories.length + 70);  // one readable line per unit
    },
    radar: function (d, o) {
      if (d.categories.length < 3) { return BUILD.bar_compare(d, o); }  // two axes make no radar
      o.tooltip.trigger = "item";
      o.radar = { indicator: d.categories.map(function (c, i) { return { name: short(c, 22), max: (d.max && d.max[i]) || 1 }; }),
                  radius: "62%" };
      delete o.grid;
      o.series = [{ type: "radar", data: d.series.map(function (s) { return { name: s.name, value: s.data }; }),
                    symbolSize: 5, areaStyle: { opacity: 0.08 } }];
    },
    heatmap: function (d, o) {
      var values = d.cells.map(function (c) { return c[2]; }).filter(function (v) { return v !== null; });
      o.xAxis = { type: "category", data: d.x, position: "top", axisLabel: { interval: 0, rotate: 30 } };
      o.yAxis = { type: "category", data: d.y, inverse: true, axisLabel: { interval: 0 } };
      o.grid.top = 70; o.grid.bottom = 50;
      o.legend.show = false;
      o.tooltip.formatter = function (p) {
        return (d.y[p.value[1]]) + "<br>" + (d.x_names ? d.x_names[p.value[0]] : d.x[p.value[0]]) + ": <b>" + formatter(d.unit)(p.value[2]) + "</b>";
      };
      o.visualMap = { min: Math.min.apply(null, values), max: Math.max.apply(null, values), calculable: false,
                      orient: "horizontal", left: "center", bottom: 0, itemHeight: 200,
                      formatter: function (v) { return formatter(d.unit)(v); },
                      inRange: { color: ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"] } };
      o.series = [{ type: "heatmap", data: d.cells, label: { show: d.x.length <= 14, fontSize: 10,
                    formatter: function (p) { return number(p.value[2], d.unit === "score" ? 2 : 0); } },
                    emphasis: { itemStyle: { borderColor: "#000", borderWidth: 1 } } }];
      var height = Math.max(260, 26 * d.y.length + 130);
      return height;
    }
  };

  function render(el) {
    var script = document.getElementById(el.getAttribute("data-chart"));
    if (!script || !window.echarts) return;
    var data = JSON.parse(script.textContent);
    var option = base(data);
    var height = BUILD[data.kind](data, option);
    if (height) el.style.height = height + "px";
    var old = echarts.getInstanceByDom(el);
    if (old) old.dispose();
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    if (data.links) {
      el.style.cursor = "pointer";
      chart.on("click", function (p) {
        var i = data.kind === "heatmap" ? p.value[1] : (data.kind === "line" ? p.seriesIndex : p.dataIndex);
        if (data.kind === "radar") i = null;
        if (i !== null && data.links[i]) window.location.href = data.links[i];
      });
    }
  }

  function renderAll(root) {
    (root || document).querySelectorAll(".dash-chart[data-chart]").forEach(render);
  }
  window.chisoCharts = { renderAll: renderAll };
  document.addEventListener("DOMContentLoaded", function () { renderAll(document); });
  window.addEventListener("resize", function () {
    document.querySelectorAll(".dash-chart").forEach(function (el) {
      var c = window.echarts && echarts.getInstanceByDom(el); if (c) c.resize();
    });
  });
  // A printed dashboard shows every chart's table under the chart.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.chart-table").forEach(function (d) { d.dataset.wasOpen = d.open ? "1" : ""; d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details.chart-table").forEach(function (d) { d.open = d.dataset.wasOpen === "1"; });
  });
})();
