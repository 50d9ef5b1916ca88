// Search as you type in the code book. Without JavaScript the form submits normally.
(function () {
  "use strict";
  var form = document.querySelector("[data-codebook-search]");
  var results = document.querySelector("[data-codebook-results]");
  if (!form || !results || !window.fetch) return;
  var input = form.querySelector("input[type=search]");
  var timer = null;
  var latest = 0;
  function run() {
    var q = input.value.trim();
    var ticket = ++latest;
    var url = form.action + "?partial=1&q=" + encodeURIComponent(q);
    fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (ticket !== latest) return; // a newer query already answered
        results.innerHTML = html;
        var state = q ? "?q=" + encodeURIComponent(q) : "";
        window.history.replaceState(null, "", form.action + state);
      })
      .catch(function () { /* keep the last results; Enter still submits */ });
  }
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 180);
  });
})();
