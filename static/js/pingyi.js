// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("is-open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
  });
})();

// After a failed submit: focus the error summary (templates/includes/error_summary.html), so
// a screen reader reads it and a keyboard user starts from it; its links move focus to the
// field and bring the field's label into view. Without this file, `autofocus` on the
// summary and plain #id links do the same.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    if (document.activeElement !== summary) { summary.focus(); }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) { return; }
      if (!target.matches("input, select, textarea, button, a[href]")) {
        // A wrapper (the ALTCHA box): focus the control inside it.
        target = target.querySelector("input:not([type=hidden]), select, textarea, button") || target;
      }
      event.preventDefault();
      // A field in a closed disclosure (the liaison's "新增整改措施"): open it first, since
      // a control inside a closed <details> cannot take focus.
      for (var d = target.closest("details:not([open])"); d; d = d.parentElement.closest("details:not([open])")) {
        d.open = true;
      }
      var box = target.closest("fieldset, .field, .score-field") || target;
      var legend = box.querySelector("legend, label");
      (legend || box).scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  });
})();
