// Bar chart of the published composite scores; data from the page's json_script element.
// ECharts is fetched by chart-loader.js when the chart scrolls into view; the chart's height
// (44 px a department) is reserved by static/css/charts.css, so drawing it moves nothing.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("scores-chart");
    var data = document.getElementById("scores-data");
    if (!el || !data || !window.pingyiCharts) return;
    var d = JSON.parse(data.textContent);
    window.pingyiCharts.whenVisible(el, function (echarts) {
      // Same height as the reserved one; only a campaign of more than 40 departments grows here.
      el.style.height = Math.max(160, 44 * d.names.length + 60) + "px";
      var chart = echarts.init(el, null, { renderer: "svg" });
      var names = d.names.slice().reverse();
      var scores = d.scores.map(Number).reverse();
      chart.setOption({
        grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", min: 0, max: 100 },
        yAxis: { type: "category", data: names, axisLabel: { fontSize: 12 } },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        series: [{
          type: "bar", data: scores, barMaxWidth: 26, itemStyle: { color: "#b3261e" },
          label: { show: true, position: "right", formatter: function (p) { return p.value.toFixed(2); } }
        }],
        animation: false
      });
      el.setAttribute("data-ready", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
})();
