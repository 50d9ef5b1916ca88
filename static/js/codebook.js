// Search as you type in the code book. Without JavaScript the form submits normally.
(function () {
  "use strict";
  var form = document.querySelector("[data-codebook-search]");
  var results = document.querySelector("[data-codebook-results]");
  if (!form || !results || !window.fetch) return;
  // in a panel, Enter searches in place too (without JavaScript the form opens the code book in a new tab)
  if (form.hasAttribute("data-panel")) {
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  }
  var input = form.querySelector("input[type=search]");
  var timer = null;
  var latest = 0;
  function run() {
    var q = input.value.trim();
    var ticket = ++latest;
    var panel = form.hasAttribute("data-panel");
    var url = form.action + "?partial=1" + (panel ? "&panel=1" : "") + "&q=" + encodeURIComponent(q);
    fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (ticket !== latest) return; // a newer query already answered
        results.innerHTML = html;
        if (!panel) { // the code book page keeps its address in step; a panel on another page does not
          var state = q ? "?q=" + encodeURIComponent(q) : "";
          window.history.replaceState(null, "", form.action + state);
        }
      })
      .catch(function () { /* keep the last results; Enter still submits */ });
  }
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 180);
  });
})();
