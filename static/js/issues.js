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

// Triage: how many rows are ticked, shown in the sticky bulk-action bar.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var out = document.querySelector("[data-selected-count]");
    if (!out) { return; }
    var form = out.closest("form");
    function update() {
      var n = form.querySelectorAll('input[type=checkbox][name="ids"]:checked').length;
      out.textContent = "（已选 " + n + " 条）";
    }
    form.addEventListener("change", update);
    update();
  });
})();
