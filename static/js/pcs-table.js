// ICD-10-PCS table: build a code by choosing values. Without JavaScript the form submits and the
// page says which choices remain valid; with it, each change asks /api/codes/pcs/<table> and
// narrows the later choices and shows the code's validity at once.
(function () {
  "use strict";
  var form = document.querySelector("[data-pcs-builder]");
  var result = document.querySelector("[data-pcs-result]");
  if (!form || !result || !window.fetch) return;
  var selects = form.querySelectorAll("select[data-position]");
  var codeOut = result.querySelector("[data-pcs-code]");
  var statusOut = result.querySelector("[data-pcs-status]");
  var descOut = result.querySelector("[data-pcs-description]");
  var latest = 0;

  function badge(text, kind) {
    var span = document.createElement("span");
    span.className = "badge" + (kind ? " badge-" + kind : "");
    span.textContent = text;
    return span;
  }

  function label(option) {
    // the option's own text, without the note the server or an earlier answer added
    if (!option.hasAttribute("data-label")) {
      option.setAttribute("data-label", option.textContent.replace(/ \(not with the other choices\)$/, ""));
    }
    return option.getAttribute("data-label");
  }

  function show(data) {
    selects.forEach(function (select) {
      var allowed = data.allowed[select.getAttribute("data-position")] || "";
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var ok = allowed.indexOf(option.value) >= 0;
        option.textContent = label(option) + (ok ? "" : " (not with the other choices)");
        option.disabled = !ok && !option.selected;
      });
    });
    codeOut.textContent = data.code || data.partial;
    statusOut.textContent = "";
    descOut.textContent = "";
    if (data.code && data.valid) {
      statusOut.appendChild(badge("Valid for reporting", "ok"));
      var link = document.createElement("a");
      link.href = "/codes/" + encodeURIComponent(data.code);
      link.textContent = data.code;
      descOut.appendChild(link);
      descOut.appendChild(document.createTextNode(" " + (data.description || "")));
    } else if (data.code) {
      statusOut.appendChild(badge("Not a valid code", "warn"));
      descOut.textContent = "No row of this table allows this combination; change a choice marked “not with the other choices”.";
    } else {
      statusOut.appendChild(badge("Incomplete"));
      descOut.textContent = "Choose a value for each position; the lists offer only values that can still make a valid code.";
    }
  }

  function update() {
    var params = [];
    selects.forEach(function (select) {
      if (select.value) params.push(select.name + "=" + encodeURIComponent(select.value));
    });
    var ticket = ++latest;
    var query = params.join("&");
    fetch(form.getAttribute("data-api") + (query ? "?" + query : ""), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        if (ticket !== latest) return;
        show(data);
        var panel = form.querySelector("input[name=panel]");
        window.history.replaceState(null, "", form.action.split("#")[0] + "?" + (panel ? "panel=1&" : "") + query + "#build");
      })
      .catch(function () { /* the form still submits */ });
  }

  selects.forEach(function (select) { select.addEventListener("change", update); });
  update();
})();
