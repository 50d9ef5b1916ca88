/* The claim form's formats, checked as the learner types (leaving a box): NPI check digits (Luhn
   with the 80840 prefix), real dates MM/DD/YYYY, amounts, units, places of service and modifiers
   from the project's lists, diagnosis pointers A-L naming a filled diagnosis, and codes through the
   code book's check. The server checks the same on submit: without JavaScript nothing is lost. */
(function () {
  "use strict";
  var form = document.querySelector("[data-claim-form]");
  if (!form) return;
  var places = (form.getAttribute("data-places") || "").split(" ").filter(Boolean);
  var modifiers = (form.getAttribute("data-modifiers") || "").split(" ").filter(Boolean);
  var checkUrl = form.getAttribute("data-check-url");

  function npiValid(npi) {
    if (!/^\d{10}$/.test(npi)) return false;
    var digits = "80840" + npi.slice(0, 9), total = 0;
    for (var i = 0; i < digits.length; i++) {
      var n = parseInt(digits.charAt(digits.length - 1 - i), 10);
      if (i % 2 === 0) { n *= 2; if (n > 9) n -= 9; }
      total += n;
    }
    return (10 - (total % 10)) % 10 === parseInt(npi.charAt(9), 10);
  }

  function dateValid(text) {
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
    if (!m) return false;
    var d = new Date(+m[3], +m[1] - 1, +m[2]);
    return d.getFullYear() === +m[3] && d.getMonth() === +m[1] - 1 && d.getDate() === +m[2];
  }

  function filledLetters() {
    var letters = [];
    "ABCDEFGHIJKL".split("").forEach(function (letter) {
      var box = document.getElementById("f-diagnoses-" + letter);
      if (box && box.value.trim()) letters.push(letter);
    });
    return letters;
  }

  function say(input, message) {
    var note = document.getElementById(input.id + "-live");
    if (!note) return;
    note.textContent = message || "";
    note.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  }

  function check(input) {
    var value = input.value.trim(), kind = input.getAttribute("data-kind");
    if (!value) { say(input, ""); return; }
    if (kind === "npi") say(input, npiValid(value) ? "" : "This NPI fails its check digit: look for a mistyped or swapped digit.");
    else if (kind === "date") say(input, dateValid(value) ? "" : "Write a real date as MM/DD/YYYY.");
    else if (kind === "money") say(input, /^\d+(\.\d{1,2})?$/.test(value.replace(/[$,]/g, "")) ? "" : "Write dollars and cents, e.g. 125.00.");
    else if (kind === "units") say(input, /^[1-9]\d*$/.test(value) ? "" : "Units are a whole number of 1 or more.");
    else if (kind === "pos") say(input, places.indexOf(value) >= 0 ? "" : "Not one of the places of service these exercises use (" + places.join(", ") + ").");
    else if (kind === "modifiers") {
      var bad = value.toUpperCase().split(/[\s,]+/).filter(function (m) { return m && modifiers.indexOf(m) < 0; });
      say(input, bad.length ? "Not a modifier on CodePrep's list: " + bad.join(", ") + "." : "");
    } else if (kind === "pointers") {
      var letters = value.toUpperCase().replace(/[\s,]+/g, "").split(""), filled = filledLetters();
      var wrong = letters.filter(function (l) { return filled.indexOf(l) < 0; });
      say(input, letters.length > 4 ? "At most four pointers." : wrong.length ? "Pointer " + wrong.join(", ") + " names no filled diagnosis in box 21." : "");
    } else if (kind === "code" && checkUrl && window.fetch) {
      fetch(checkUrl + "?system=" + encodeURIComponent(input.getAttribute("data-system")) + "&code=" + encodeURIComponent(value),
        { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && input.value.trim() === value) say(input, data.reportable ? "" : data.message); })
        .catch(function () { /* the server checks again on submit */ });
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[data-kind]")) check(event.target);
  });
})();
