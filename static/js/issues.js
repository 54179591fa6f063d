// Triage: a "select all on this page" checkbox. The page works without it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-check-all]").forEach(function (all) {
      var form = all.closest("form");
      all.addEventListener("change", function () {
        form.querySelectorAll('input[type=checkbox][name="ids"]').forEach(function (box) {
          box.checked = all.checked;
        });
      });
    });
  });
})();
