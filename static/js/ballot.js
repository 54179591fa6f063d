// Ballot page: counts the chosen candidates and warns before the slot limit is passed.
// The server enforces the limit; this only helps the member see it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-ballot]");
    if (!form) return;
    var slots = parseInt(form.getAttribute("data-slots"), 10);
    var counter = form.querySelector("[data-ballot-count]");
    var boxes = form.querySelectorAll('input[name="candidates"]');
    function update() {
      var n = 0;
      boxes.forEach(function (b) { if (b.checked) n += 1; });
      counter.textContent = "已选 " + n + " 个，最多可选 " + slots + " 个。";
      counter.classList.toggle("is-over", n > slots);
      boxes.forEach(function (b) { b.disabled = !b.checked && n >= slots; });
    }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  });
})();
