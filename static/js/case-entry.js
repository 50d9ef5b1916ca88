// Case entry: check each code as it is typed (and say when it belongs to another code set), flag
// Excludes1 conflicts between diagnosis rows, add / remove / move rows with the keyboard.
// On the case page ([data-case-entry]) also: save the draft as the learner types, Enter moves to the
// next row (never grades), and "Grade my answer" shows what will be graded and asks first.
// Without JavaScript the form still works: "Save draft" is its first button, and "Grade my answer"
// goes to a confirmation page.
(function () {
  "use strict";
  var caseForm = document.querySelector("[data-case-entry]");
  var form = caseForm || document.querySelector("[data-exam-form]");
  if (!form || !window.fetch) return;
  var checkUrl = form.getAttribute("data-check-url") || "/api/codes/check";
  var setting = form.getAttribute("data-setting") || "";
  var timers = new WeakMap();
  var started = Date.now();
  var FLAGGED = { invalid: true, incomplete: true, wrong_system: true };

  function message(input, text, state) {
    var id = input.getAttribute("aria-describedby");
    var out = id && document.getElementById(id);
    if (state) input.setAttribute("data-status", state); else input.removeAttribute("data-status");
    if (FLAGGED[state]) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (!out) return;
    out.textContent = text;
    out.className = "code-msg " + (state ? "is-" + state : "");
  }

  function diagnoses() {
    return Array.prototype.map.call(form.querySelectorAll("input[name=dx]"), function (i) { return i.value.trim(); })
      .filter(function (v) { return v; });
  }

  function check(input) {
    var code = input.value.trim();
    if (!code) { message(input, "", ""); return; }
    var url = checkUrl + "?system=" + encodeURIComponent(input.getAttribute("data-system")) + "&code=" + encodeURIComponent(code) +
      (setting ? "&setting=" + encodeURIComponent(setting) : "");
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || input.value.trim() !== code) return;
        if (data.status === "reportable") message(input, "✓ " + (data.description || "valid"), "ok");
        else message(input, data.message, data.status);
      })
      .catch(function () {});
    if (input.name === "dx") conflicts();
  }

  function conflicts() {
    var box = form.querySelector("[data-conflicts]");
    var dx = diagnoses();
    if (!box) return;
    if (dx.length < 1) { box.textContent = ""; return; }
    fetch("/api/codes/conflicts?dx=" + encodeURIComponent(dx.join(",")), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        box.innerHTML = "";
        data.conflicts.forEach(function (c) {
          if (c.kind === "use_additional") return; // a hint, not a problem: shown after grading
          var p = document.createElement("p");
          p.className = "code-msg is-invalid";
          p.textContent = c.message;
          box.appendChild(p);
        });
      })
      .catch(function () {});
  }

  form.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.classList || !input.classList.contains("code-input")) return;
    window.clearTimeout(timers.get(input));
    timers.set(input, window.setTimeout(function () { check(input); }, 250));
  });
  form.querySelectorAll(".code-input").forEach(function (i) { if (i.value) check(i); });

  // row controls: Add row, and on a row: Alt+ArrowUp / Alt+ArrowDown move it, buttons too
  function rowName(li) { return (li.querySelector("label") || {}).textContent || "row"; }
  function nameTools(li) {
    // the buttons say which row they act on, so their names follow the row when it moves
    var name = rowName(li);
    li.querySelectorAll("[data-row-action]").forEach(function (b) {
      b.setAttribute("aria-label", b.getAttribute("data-row-action") + ": " + name);
    });
  }
  function renumber(list) {
    Array.prototype.forEach.call(list.children, function (li, n) {
      var label = li.querySelector("label");
      if (label) label.textContent = label.textContent.replace(/\d+$/, String(n + 1));
      nameTools(li);
    });
  }
  function move(li, dir) {
    var list = li.parentNode;
    if (dir < 0 && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
    if (dir > 0 && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
    renumber(list);
    var input = li.querySelector("input");
    if (input) input.focus();
    conflicts(); changed();
  }
  function addControls(li) {
    var group = document.createElement("span");
    group.className = "row-tools";
    [["↑", "Move up", -1], ["↓", "Move down", 1]].forEach(function (spec) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "link-button"; b.textContent = spec[0];
      b.setAttribute("data-row-action", spec[1]);
      b.addEventListener("click", function () { move(li, spec[2]); });
      group.appendChild(b);
    });
    var del = document.createElement("button");
    del.type = "button"; del.className = "link-button"; del.textContent = "Remove";
    del.setAttribute("data-row-action", "Remove");
    del.addEventListener("click", function () {
      var list = li.parentNode;
      if (list.children.length === 1) {  // the last row stays (Add a row copies it): empty it instead
        li.querySelectorAll("input").forEach(function (i) { i.value = ""; message(i, "", ""); });
        conflicts(); changed(); li.querySelector("input").focus(); return;
      }
      var next = li.nextElementSibling || li.previousElementSibling;
      list.removeChild(li); renumber(list); conflicts(); changed();
      if (next) next.querySelector("input").focus();
    });
    group.appendChild(del);
    li.appendChild(group);
    nameTools(li);
    li.addEventListener("keydown", function (e) {
      if (e.altKey && e.key === "ArrowUp") { e.preventDefault(); move(li, -1); }
      if (e.altKey && e.key === "ArrowDown") { e.preventDefault(); move(li, 1); }
    });
  }
  form.querySelectorAll(".code-rows").forEach(function (list) {
    Array.prototype.forEach.call(list.children, addControls);
    var add = document.createElement("button");
    var what = { dx: "diagnoses", px: "procedures", pcs: "PCS procedures" }[list.parentNode.getAttribute("data-rows")];
    add.type = "button"; add.className = "button secondary small"; add.textContent = "Add a row";
    if (what) {  // the visible words stay first in the name (voice control), the list is added for screen readers
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden"; hidden.textContent = " to " + what;
      add.appendChild(hidden);
    }
    add.addEventListener("click", function () {
      var last = list.lastElementChild;
      var copy = last.cloneNode(true);
      var tools = copy.querySelector(".row-tools"); if (tools) copy.removeChild(tools);
      var stamp = String(Date.now());
      copy.querySelectorAll("input").forEach(function (i) {
        var old = i.id; i.value = ""; i.id = old + "-" + stamp; i.removeAttribute("aria-invalid"); i.removeAttribute("data-status");
        var label = copy.querySelector("label[for='" + old + "']"); if (label) label.htmlFor = i.id;
        if (i.getAttribute("aria-describedby")) i.setAttribute("aria-describedby", i.getAttribute("aria-describedby") + "-" + stamp);
      });
      var msg = copy.querySelector(".code-msg"); if (msg) { msg.id = msg.id + "-" + stamp; msg.textContent = ""; msg.className = "code-msg"; }
      list.appendChild(copy); renumber(list); addControls(copy);
      copy.querySelector("input").focus();
    });
    list.parentNode.appendChild(add);
  });
  function stampSeconds() {
    var field = form.querySelector("[data-seconds]");
    if (field) field.value = String(Math.round((Date.now() - started) / 1000));
  }
  form.addEventListener("submit", stampSeconds);

  // ---- the case page only: drafts, Enter, and grading with a confirmation
  var draftUrl = caseForm && caseForm.getAttribute("data-draft-url");
  var saveTimer = null, saving = null, refused = false;
  var state = caseForm && caseForm.querySelector("[data-draft-state]");
  function say(text) { if (state) state.textContent = text; }
  function fields() {
    var body = {};
    ["dx", "px", "px_mod", "px_units", "pcs"].forEach(function (name) {
      body[name] = Array.prototype.map.call(form.querySelectorAll("input[name=" + name + "]"), function (i) { return i.value.slice(0, 40); });
    });
    ["paste_dx", "paste_px", "paste_pcs"].forEach(function (name) {
      var box = form.querySelector("[name=" + name + "]");
      if (box) body[name] = box.value;
    });
    return body;
  }
  function save(keepalive) {
    window.clearTimeout(saveTimer); saveTimer = null;
    if (!draftUrl || refused) return Promise.resolve();
    var token = form.querySelector("input[name=csrf_token]");
    say("Saving your draft…");
    saving = fetch(draftUrl, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(fields())
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.ok) { say("Draft saved at " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ". It is kept until you grade it."); return; }
        if (r.status === 409) refused = true;
        say("Your draft was not saved: " + (data.error || "the server refused it") + (r.status === 409 ? "" : " Use Save draft to try again."));
      });
    }).catch(function () { say("Your draft was not saved (no connection). Use Save draft to try again."); });
    return saving;
  }
  function changed() {
    if (!draftUrl || refused) return;
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(save, 800);
  }
  if (caseForm) {
    form.addEventListener("input", changed);
    window.addEventListener("pagehide", function () { if (saveTimer) save(true); });
    // Enter in a code field: to the next row's code field, or a new row on the last one; never a submit
    form.addEventListener("keydown", function (e) {
      var input = e.target;
      if (e.key !== "Enter" || e.isComposing || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      if (!input.classList || !(input.classList.contains("code-input") || input.classList.contains("mod-input") || input.classList.contains("units-input"))) return;
      e.preventDefault();
      var li = input.closest("li");
      var next = li && li.nextElementSibling;
      if (next) { next.querySelector(".code-input").focus(); return; }
      var add = li && li.parentNode.parentNode.querySelector(":scope > button");
      if (add) add.click();
    });
  }

  // "Grade my answer": what will be graded, then a confirmation (the server's page without a dialog)
  var gradeButton = caseForm && caseForm.querySelector("[data-grade]");
  var dialog = document.querySelector("[data-grade-dialog]");
  if (!gradeButton || !dialog || typeof dialog.showModal !== "function") return;
  var NAMES = { dx: ["Diagnosis", "diagnosis", "diagnoses"], px: ["Procedure", "procedure (CPT or HCPCS Level II)", "procedures (CPT or HCPCS Level II)"], pcs: ["PCS", "ICD-10-PCS code", "ICD-10-PCS codes"] };
  function summary() {
    var box = dialog.querySelector("[data-grade-summary]");
    box.innerHTML = "";
    var counts = document.createElement("ul"), gaps = [], flagged = [];
    counts.className = "grade-summary";
    form.querySelectorAll("fieldset[data-rows]").forEach(function (group) {
      var kind = group.getAttribute("data-rows"), names = NAMES[kind];
      if (!names) return;
      var inputs = Array.prototype.slice.call(group.querySelectorAll(".code-input"));
      var last = -1, n = 0;
      inputs.forEach(function (i, k) { if (i.value.trim()) { last = k; n += 1; } });
      inputs.forEach(function (i, k) {
        if (!i.value.trim()) { if (k < last) gaps.push(names[0] + " " + (k + 1)); return; }
        if (FLAGGED[i.getAttribute("data-status")]) {
          var msg = document.getElementById(i.getAttribute("aria-describedby"));
          flagged.push(names[0] + " " + (k + 1) + ": " + i.value.trim() + ": " + (msg ? msg.textContent : ""));
        }
      });
      var paste = form.querySelector("[name=paste_" + kind + "]");
      if (paste && paste.value.trim()) n += paste.value.trim().split(/[\s,;]+/).length;
      var li = document.createElement("li");
      li.textContent = n + " " + (n === 1 ? names[1] : names[2]);
      counts.appendChild(li);
    });
    box.appendChild(counts);
    if (gaps.length) {
      var p = document.createElement("p");
      p.textContent = "Empty rows between your codes (they are ignored): " + gaps.join(", ") + ".";
      box.appendChild(p);
    }
    if (flagged.length) {
      var h = document.createElement("h3"); h.textContent = "Check these rows first"; box.appendChild(h);
      var ul = document.createElement("ul"); ul.className = "flagged-rows";
      flagged.forEach(function (text) { var li = document.createElement("li"); li.textContent = text; ul.appendChild(li); });
      box.appendChild(ul);
    }
  }
  gradeButton.addEventListener("click", function (e) {
    e.preventDefault();
    summary();
    dialog.showModal();
    var title = dialog.querySelector("h2"); if (title) title.focus();
  });
  dialog.querySelector("[data-grade-cancel]").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () { if (!form.getAttribute("data-grading")) gradeButton.focus(); });
  dialog.querySelector("[data-grade-confirm]").addEventListener("click", function () {
    if (form.getAttribute("data-grading")) return;  // one grading per click
    form.setAttribute("data-grading", "1");
    window.clearTimeout(saveTimer); saveTimer = null; refused = true;  // the grading request carries the rows
    var action = document.createElement("input");
    action.type = "hidden"; action.name = "action"; action.value = "grade-now";
    form.appendChild(action);
    stampSeconds();
    this.disabled = true;
    form.submit();
  });
})();
