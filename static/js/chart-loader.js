// Loads ECharts (static/vendor/echarts/, the trimmed build of frontend/echarts/) only when a
// chart comes near the viewport, so a page's text and data tables are readable and
// interactive first and a phone that never scrolls to a chart never downloads it.
// The script tag carries the file's address: <script src="chart-loader.js"
// data-echarts-src="{% static 'vendor/echarts/echarts.min.js' %}" defer>. Chart scripts call
// pingyiCharts.whenVisible(element, function (echarts) { ... }).
(function () {
  "use strict";
  var me = document.currentScript;
  var src = me && me.getAttribute("data-echarts-src");
  var pending = null;

  function load() {
    if (window.echarts) return Promise.resolve(window.echarts);
    if (!pending) {
      pending = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.onload = function () { resolve(window.echarts); };
        script.onerror = function () { pending = null; reject(new Error("echarts: " + src)); };
        document.head.appendChild(script);
      });
    }
    return pending;
  }

  function whenVisible(el, draw) {
    function run() {
      load().then(draw, function () { /* the data table next to the chart still holds every figure */ });
    }
    if (!("IntersectionObserver" in window)) { run(); return; }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        observer.disconnect();
        run();
      }
    }, { rootMargin: "200px 0px" });
    observer.observe(el);
  }

  window.pingyiCharts = { whenVisible: whenVisible, load: load };
})();
