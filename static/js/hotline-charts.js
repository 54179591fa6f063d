// Hotline charts (Apache ECharts, served from static/vendor/echarts/ and fetched by
// chart-loader.js when a chart scrolls into view). Each chart element names a
// <script type="application/json"> block holding its data (Django's json_script), so pages
// carry no inline script. The tables next to each chart hold the same figures.
(function () {
  "use strict";
  var COLORS = ["#b3261e", "#8c96a3", "#1a7f37"];

  function readData(el) {
    var source = document.getElementById(el.getAttribute("data-chart-data"));
    return source ? JSON.parse(source.textContent) : null;
  }

  var builders = {
    monthly: function (d) {
      return {
        tooltip: { trigger: "axis" },
        legend: { data: ["本期", "上年同期", "满意率"], top: 0 },
        grid: { left: 48, right: 48, top: 36, bottom: 48 },
        xAxis: { type: "category", data: d.labels, axisLabel: { rotate: d.labels.length > 6 ? 45 : 0 } },
        yAxis: [
          { type: "value", name: "工单量" },
          { type: "value", name: "满意率%", min: 0, max: 100, splitLine: { show: false } }
        ],
        series: [
          { name: "本期", type: "bar", barMaxWidth: 36, data: d.total },
          { name: "上年同期", type: "line", data: d.last_year },
          { name: "满意率", type: "line", yAxisIndex: 1, data: d.rate, connectNulls: true }
        ]
      };
    },
    bars: function (d) {
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: d.labels.slice().reverse(), axisLabel: { width: 140, overflow: "truncate" } },
        series: [{ name: "工单量", type: "bar", barMaxWidth: 28, data: d.values.slice().reverse() }]
      };
    },
    comparison: function (d) {
      return {
        tooltip: { trigger: "axis" },
        legend: { data: ["评价期", "上年同期", "满意率"], top: 0 },
        grid: { left: 48, right: 48, top: 36, bottom: 90 },
        xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 45, interval: 0 } },
        yAxis: [
          { type: "value", name: "工单量" },
          { type: "value", name: "满意率%", min: 0, max: 100, splitLine: { show: false } }
        ],
        series: [
          { name: "评价期", type: "bar", barMaxWidth: 36, data: d.total },
          { name: "上年同期", type: "bar", barMaxWidth: 36, data: d.last_year },
          { name: "满意率", type: "line", yAxisIndex: 1, data: d.rate }
        ]
      };
    }
  };

  var charts = [];

  function draw(el, build, data, echarts) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    var option = build(data);
    if (el.clientWidth < 520 && option.yAxis && option.yAxis.length) {
      // Phones: the legend needs the room the axis names would take.
      option.yAxis.forEach(function (axis) { axis.name = ""; });
      option.grid.left = 36;
      option.grid.right = 36;
    }
    option.color = COLORS;
    option.animation = false;
    chart.setOption(option);
    el.setAttribute("data-chart-ready", "true");
    charts.push(chart);
  }

  function init() {
    if (!window.pingyiCharts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.getAttribute("data-chart")];
      var data = readData(el);
      if (!build || !data) return;
      window.pingyiCharts.whenVisible(el, function (echarts) { draw(el, build, data, echarts); });
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
