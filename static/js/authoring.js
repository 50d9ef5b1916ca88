// Item editor: live preview. Posts the form to the preview endpoint (CSRF token in a header and in
// the form) a moment after the author stops typing, and puts the returned fragment, rendered by the
// server with the learner pages' sanitising filters, in the preview panel.
(function () {
  "use strict";
  var form = document.querySelector("form[data-authoring]");
  var panel = document.querySelector("[data-preview-panel]");
  if (!form || !panel || !window.fetch) return;
  var url = form.getAttribute("data-preview-url");
  var tokenField = form.querySelector("input[name='csrf_token']");
  var timer = null;
  var sequence = 0;

  function refresh() {
    var mine = ++sequence;
    var body = new FormData(form);
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": tokenField ? tokenField.value : "", "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) throw new Error("preview " + response.status);
      return response.text();
    }).then(function (html) {
      if (mine !== sequence) return; // an older answer arriving late
      panel.innerHTML = html; // server-rendered, sanitised fragment
      panel.setAttribute("data-preview-ready", String(mine));
    }).catch(function () {
      panel.setAttribute("data-preview-error", "1");
    });
  }

  function later() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  refresh();
})();
