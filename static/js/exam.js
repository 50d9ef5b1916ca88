// Exam page: a countdown that displays the server's clock (the server is the authority), announced
// to screen readers only at 30, 10, 5 and 1 minutes; autosave of every answer and flag (a case's
// code rows as they are typed, debounced, and when the page is left); the flag toggle in place;
// keyboard shortcuts. Without JavaScript every button still saves through the form.
(function () {
  "use strict";
  var bar = document.querySelector("[data-exam-timer]");
  var form = document.querySelector("[data-exam-form]");
  var token = document.querySelector("input[name=csrf_token]");

  if (bar) {
    var left = parseInt(bar.getAttribute("data-seconds-left"), 10) || 0;
    var deadline = Date.now() + left * 1000;
    var display = bar.querySelector("[data-time-display]");
    var announce = bar.querySelector("[data-time-announce]");
    var marks = [30, 10, 5, 1];
    var warn = parseInt(bar.getAttribute("data-warn-minutes"), 10) || 30;
    var said = {};
    marks.forEach(function (m) { if (left <= m * 60) said[m] = true; });
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function tick() {
      var s = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      display.textContent = Math.floor(s / 3600) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
      marks.forEach(function (m) {
        if (!said[m] && s <= m * 60) {
          said[m] = true;
          announce.textContent = m + (m === 1 ? " minute" : " minutes") + " left.";
          if (m <= warn) bar.classList.add("is-warning");
        }
      });
      if (s <= 0) {
        window.clearInterval(timer);
        // the server submits the attempt once its tolerance for answers still in flight has passed:
        // say so once, ask its clock until it is closed, then show the result it made (instead of
        // reloading the page again and again while the attempt is still open)
        announce.textContent = "Time is up. Your exam is being submitted.";
        bar.classList.add("is-warning");
        waitForSubmission();
      }
    }
    function waitForSubmission() {
      fetch(bar.getAttribute("data-clock-url"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (d && !d.open) window.location.assign(bar.getAttribute("data-result-url"));
          else window.setTimeout(waitForSubmission, 2000);
        })
        .catch(function () { window.setTimeout(waitForSubmission, 5000); });
    }
    var timer = window.setInterval(tick, 1000);
    tick();
    // resynchronise with the server's clock every minute (sleeping laptops, slow tabs)
    window.setInterval(function () {
      fetch(bar.getAttribute("data-clock-url"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d) { if (!d.open) window.location.assign(bar.getAttribute("data-result-url")); deadline = Date.now() + d.seconds_left * 1000; } })
        .catch(function () {});
    }, 60000);
  }

  if (!form || !window.fetch) return;
  var state = form.querySelector("[data-save-state]");
  var position = parseInt(form.getAttribute("data-position"), 10);
  var url = form.getAttribute("data-answer-url");
  var caseRows = form.querySelector("[data-rows]");
  function post(payload, keepalive) {
    payload.position = position;
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(payload)
    });
  }
  function markPalette(answered) {
    var pal = document.querySelector(".pal.current");
    if (!pal) return;
    pal.classList.toggle("answered", answered);
    var label = pal.getAttribute("aria-label") || "";
    pal.setAttribute("aria-label", label.replace(/, (un)?answered/, answered ? ", answered" : ", unanswered"));
  }
  // what a save did, in the words the page uses without JavaScript: a flag alone is no answer saved
  function done(payload) {
    var said = [];
    if (payload.letters) said.push("Answer saved.");
    if (payload.case) said.push(hasCodes(payload.case) ? "Answer saved." : "Answer cleared.");
    if ("flag" in payload) said.push(payload.flag ? "Flagged for review." : "Flag removed.");
    return said.join(" ");
  }
  // the flag toggle and the palette follow the flag the server stored
  var flagButton = form.querySelector("[data-flag]");
  function showFlag(on) {
    var pal = document.querySelector(".pal.current");
    if (pal) {
      pal.classList.toggle("flagged", on);
      var label = (pal.getAttribute("aria-label") || "").replace(/, flagged$/, "");
      pal.setAttribute("aria-label", on ? label + ", flagged" : label);
    }
    if (!flagButton) return;
    flagButton.setAttribute("aria-pressed", on ? "true" : "false");
    flagButton.value = on ? "unflag" : "flag";  // what a post of the form would set next
    flagButton.querySelector("[data-flag-text]").textContent = on ? "Flagged: remove flag" : "Flag for review";
  }
  function save(payload) {
    state.textContent = "Saving…";
    return post(payload).then(function (r) {
      return r.json().then(function (d) {
        if (!r.ok) { state.textContent = d.error || "Not saved."; if (r.status === 409) window.location.assign(bar.getAttribute("data-result-url")); return false; }
        state.textContent = done(payload);
        if (payload.letters) markPalette(payload.letters.length > 0);
        if (payload.case) markPalette(hasCodes(payload.case));
        if ("flag" in payload) showFlag(payload.flag);
        return true;
      });
    }).catch(function () { state.textContent = "Not saved: no connection. It will be sent when you move on."; return false; });
  }

  // ---- a case's code rows: the lists the form would post (rows, then pasted codes), as JSON
  function values(name) {
    return Array.prototype.map.call(form.querySelectorAll("[name=" + name + "]"), function (i) { return i.value.trim(); });
  }
  function pasted(name) {
    var box = form.querySelector("[name=paste_" + name + "]");
    return box ? box.value.split(/[\s,;]+/).filter(Boolean) : [];
  }
  function caseLists() {
    var codes = values("px"), mods = values("px_mod"), units = values("px_units"), procedures = [];
    codes.forEach(function (code, i) {
      if (!code) return;
      var text = code + (mods[i] || "").replace(/[,-]/g, " ").split(/\s+/).filter(Boolean).map(function (m) { return "-" + m; }).join("");
      var u = units[i] || "";
      procedures.push(u && u !== "1" ? text + "x" + u : text);
    });
    return {
      diagnoses: values("dx").filter(Boolean).concat(pasted("dx")),
      procedures: procedures.concat(pasted("px")),
      pcs: values("pcs").filter(Boolean).concat(pasted("pcs"))
    };
  }
  function hasCodes(lists) { return lists.diagnoses.length + lists.procedures.length + lists.pcs.length > 0; }
  var sent = caseRows ? JSON.stringify(caseLists()) : "";  // what the server holds (the page was rendered from it)
  var pending = null, leaving = false, inflight = false, again = false;
  // one save at a time, so that an older state never lands after a newer one; what changed while
  // one was on its way is sent when it is back (what failed is sent on the next change or on leaving)
  function saveCase() {
    window.clearTimeout(pending); pending = null;
    if (inflight) { again = true; return; }
    var lists = caseLists(), text = JSON.stringify(lists);
    if (text === sent) return;
    inflight = true;
    save({ case: lists }).then(function (ok) {
      inflight = false;
      if (ok) sent = text;
      if (again) { again = false; saveCase(); }
    });
  }
  if (caseRows) {
    form.addEventListener("input", function (e) {
      if (e.target.matches("[data-answer], [data-flag]")) return;
      window.clearTimeout(pending);
      pending = window.setTimeout(saveCase, 800);
    });
    // the buttons post the form, which saves the rows itself: nothing more to send
    form.addEventListener("submit", function () { leaving = true; window.clearTimeout(pending); pending = null; });
    // leaving another way (a link, closing the tab): send what is not saved yet, surviving the unload
    var flush = function () {
      if (leaving) return;
      var lists = caseLists(), text = JSON.stringify(lists);
      if (text === sent) return;
      window.clearTimeout(pending); pending = null;
      sent = text;
      post({ case: lists }, true).catch(function () {});
    };
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });
  }
  form.addEventListener("change", function (e) {
    if (e.target.matches("[data-answer]")) {
      var letters = Array.prototype.filter.call(form.querySelectorAll("[data-answer]"), function (i) { return i.checked; })
        .map(function (i) { return i.value; });
      if (letters.length) save({ letters: letters });
    } else if (caseRows) {
      saveCase();  // a field left (or changed by the row controls): save now rather than later
    }
  });
  // the toggle saves the flag in place (without JavaScript it posts the form and comes back)
  if (flagButton) {
    flagButton.addEventListener("click", function (e) {
      e.preventDefault();
      save({ flag: flagButton.getAttribute("aria-pressed") !== "true" });
    });
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox" || t.tagName === "TEXTAREA"))) return;
    var key = (e.key || "").toUpperCase();
    // only A-F reach the selector: other keys (".", "?", "[") are no shortcut and not valid in an id selector
    var option = key.length === 1 && "ABCDEF".indexOf(key) >= 0 ? form.querySelector("#opt-" + key) : null;
    if (option) {
      e.preventDefault(); option.click(); option.focus(); return;
    }
    if (key === "N" || key === "P") {
      var b = form.querySelector("[data-nav=" + (key === "N" ? "next" : "prev") + "]");
      if (b) { e.preventDefault(); b.click(); }
    }
    if (key === "G") { var f = form.querySelector("[data-flag]"); if (f) { e.preventDefault(); f.click(); } }
  });
})();
