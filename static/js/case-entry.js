// Case entry: check each code as it is typed, flag Excludes1 conflicts between diagnosis rows,
// add / remove / move rows with the keyboard. Without JavaScript the form still submits and is graded.
(function () {
  "use strict";
  var form = document.querySelector("[data-case-entry]") || document.querySelector("[data-exam-form]");
  if (!form || !window.fetch) return;
  var checkUrl = form.getAttribute("data-check-url") || "/api/codes/check";
  var timers = new WeakMap();
  var started = Date.now();

  function message(input, text, state) {
    var id = input.getAttribute("aria-describedby");
    var out = id && document.getElementById(id);
    if (!out) return;
    out.textContent = text;
    out.className = "code-msg " + (state ? "is-" + state : "");
    if (state === "invalid" || state === "incomplete") input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function diagnoses() {
    return Array.prototype.map.call(form.querySelectorAll("input[name=dx]"), function (i) { return i.value.trim(); })
      .filter(function (v) { return v; });
  }

  function check(input) {
    var code = input.value.trim();
    if (!code) { message(input, "", ""); return; }
    var url = checkUrl + "?system=" + encodeURIComponent(input.getAttribute("data-system")) + "&code=" + encodeURIComponent(code);
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
    conflicts();
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
        conflicts(); li.querySelector("input").focus(); return;
      }
      var next = li.nextElementSibling || li.previousElementSibling;
      list.removeChild(li); renumber(list); conflicts();
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
        var old = i.id; i.value = ""; i.id = old + "-" + stamp; i.removeAttribute("aria-invalid");
        var label = copy.querySelector("label[for='" + old + "']"); if (label) label.htmlFor = i.id;
        if (i.getAttribute("aria-describedby")) i.setAttribute("aria-describedby", i.getAttribute("aria-describedby") + "-" + stamp);
      });
      var msg = copy.querySelector(".code-msg"); if (msg) { msg.id = msg.id + "-" + stamp; msg.textContent = ""; msg.className = "code-msg"; }
      list.appendChild(copy); renumber(list); addControls(copy);
      copy.querySelector("input").focus();
    });
    list.parentNode.appendChild(add);
  });
  form.addEventListener("submit", function () {
    var field = form.querySelector("[data-seconds]");
    if (field) field.value = String(Math.round((Date.now() - started) / 1000));
  });
})();
