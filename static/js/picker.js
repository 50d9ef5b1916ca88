// The assignment form's item picker without reloading the page. Each picker button (name="pick":
// search, a page, preview, add, remove, up, down) posts the whole form, as it does without this
// script; the picker's part of the answer then replaces the current one, so the rest of the form
// and the scroll position stay, and focus moves to the part that changed (announced politely).
// Any failure falls back to the ordinary submission, which reloads the page at that part.
(function () {
  "use strict";
  var form = document.querySelector("[data-picker-form]");
  var status = document.querySelector("[data-picker-status]");
  if (!form || !window.fetch || !window.FormData || !window.DOMParser) return;
  var plain = false;

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (plain || !button || button.name !== "pick") return;
    event.preventDefault();
    var data = new FormData(form);
    data.append(button.name, button.value);
    var target = (button.getAttribute("formaction") || "").split("#")[1] || "picker";
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("picker");
        var current = document.getElementById("picker");
        if (!fresh || !current) throw new Error("no picker in the answer");
        current.replaceWith(document.importNode(fresh, true));
        var part = document.getElementById(target) || document.getElementById("picker");
        var heading = part.querySelector("h2") || part;
        heading.setAttribute("tabindex", "-1");
        heading.focus();
        if (status) status.textContent = heading.textContent;
      })
      .catch(function () {
        plain = true;
        form.requestSubmit(button);
      });
  });
})();
