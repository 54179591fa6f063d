// Stylesheets that must not hold up the first paint (a third-party widget's, such as
// ALTCHA's) are linked as <link rel="stylesheet" media="print" data-deferred-css>: the browser
// fetches them without blocking rendering, and this script switches them to every medium once
// loaded. Deferred, and placed before the widget's own script, so the widget is styled by the
// time it draws. (The CSP forbids the usual inline onload="this.media='all'".)
(function () {
  "use strict";
  document.querySelectorAll("link[data-deferred-css]").forEach(function (link) {
    function apply() { link.media = "all"; }
    if (link.sheet) apply();
    else link.addEventListener("load", apply);
  });
})();
