// Records how long a question took (for spaced repetition: right but slow rates Hard).
(function () {
  "use strict";
  var started = Date.now();
  document.querySelectorAll("[data-timed]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var field = form.querySelector("[data-seconds]");
      if (field) field.value = String(Math.round((Date.now() - started) / 1000));
    });
  });
})();
