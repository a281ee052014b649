/* The browser's own words in the interface's language (kstt/browser_texts.py; the texts come from the page,
 * translated by Django, in the JSON script tag #kstt-browser-texts of the base layout).
 *
 * - File fields: the browser draws "Choose File" / "No file chosen" in the PC's language. Each
 *   input[type=file] gets a button and the chosen file's name in ours, drawn beside it; the real input lies
 *   on top of them, transparent, so a click anywhere opens the file chooser, a file can be dropped on it,
 *   Tab reaches it and Space or Enter opens it, and its label still names it for screen readers.
 * - Validation: every field's validation message (the bubble the browser shows when a form is sent with a
 *   required field empty, a number out of its range, a value not matching its pattern, ...) is ours, set
 *   with setCustomValidity when the page loads and each time the field changes. A message another script
 *   set is left alone.
 * Fields added later (htmx swaps) are handled when they appear.
 */
(function () {
  "use strict";
  var T = {};
  var ours = new WeakSet(); // the fields whose custom message is ours

  function text(key, values) {
    return (T[key] || "").replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    });
  }

  function messageFor(field) {
    var v = field.validity;
    var type = (field.type || "").toLowerCase();
    if (v.valueMissing) {
      if (type === "checkbox") return text("value_missing_checkbox");
      if (type === "radio") return text("value_missing_radio");
      if (type === "file") return text("value_missing_file");
      if (field.tagName === "SELECT") return text("value_missing_select");
      return text("value_missing");
    }
    if (v.badInput) return type === "number" ? text("bad_number") : text("bad_input");
    if (v.typeMismatch) return type === "email" ? text("type_email") : type === "url" ? text("type_url") : text("type_other");
    if (v.patternMismatch) return field.title ? text("pattern") + " " + field.title : text("pattern");
    if (v.tooShort) return text("too_short", { min: field.minLength, count: field.value.length });
    if (v.tooLong) return text("too_long", { max: field.maxLength, count: field.value.length });
    if (v.rangeUnderflow) return text("range_underflow", { min: field.min });
    if (v.rangeOverflow) return text("range_overflow", { max: field.max });
    if (v.stepMismatch) {
      var step = field.getAttribute("step");
      return !step || Number(step) === 1 ? text("step_whole") : text("step", { step: step });
    }
    return text("bad_input");
  }

  /* Our message while the field breaks one of its constraints; none once it keeps them all. */
  function localise(field) {
    if (!field.willValidate || typeof field.setCustomValidity !== "function") return;
    if (field.validity.customError && !ours.has(field)) return; // another script's message
    field.setCustomValidity("");
    ours.delete(field);
    if (field.validity.valid) return;
    field.setCustomValidity(messageFor(field));
    ours.add(field);
  }

  function showChosen(input) {
    var files = input.files ? input.files.length : 0;
    var shown = files === 0 ? text("no_file") : files === 1 ? input.files[0].name : text("files_chosen", { count: files });
    input.parentNode.querySelector(".kstt-file-name").textContent = shown;
    input.title = shown; // the browser's own tooltip would say "No file chosen"
  }

  function drawFileField(input) {
    if (input.parentNode && input.parentNode.classList.contains("kstt-file")) return;
    var box = document.createElement("span");
    box.className = "kstt-file" + (input.classList.contains("form-control-sm") ? " kstt-file-sm" : "");
    var button = document.createElement("span");
    button.className = "kstt-file-button";
    button.setAttribute("aria-hidden", "true");
    button.textContent = text("choose_file");
    var name = document.createElement("span");
    name.className = "kstt-file-name";
    name.setAttribute("aria-hidden", "true");
    input.parentNode.insertBefore(box, input);
    box.append(button, name, input);
    showChosen(input);
    input.addEventListener("change", function () { showChosen(input); });
    if (input.form) {
      input.form.addEventListener("reset", function () { setTimeout(function () { showChosen(input); }); });
    }
  }

  function handle(root) {
    if (!root || root.nodeType !== 1) return;
    var fields = root.matches("input, select, textarea") ? [root] : root.querySelectorAll("input, select, textarea");
    Array.prototype.forEach.call(fields, function (field) {
      if (field.type === "file") drawFileField(field);
      if (field.type === "radio" && field.form && field.name) {
        Array.prototype.forEach.call(field.form.querySelectorAll("input[type=radio]"), function (r) {
          if (r.name === field.name) localise(r); // choosing one answers for the whole group
        });
      }
      localise(field);
    });
  }

  /* Before a form is validated (a submit button pressed, or Enter in a field, which presses the default
     button), every field's message is brought up to date, in case a script changed a value silently. */
  function beforeSubmit(event) {
    var button = event.target.closest && event.target.closest("button, input[type=submit], input[type=image]");
    if (button && button.form && button.type !== "button" && button.type !== "reset") {
      Array.prototype.forEach.call(button.form.elements, localise);
    }
  }

  function init() {
    var data = document.getElementById("kstt-browser-texts");
    if (!data) return;
    T = JSON.parse(data.textContent);
    handle(document.body);
    document.addEventListener("click", beforeSubmit, true);
    ["input", "change", "invalid"].forEach(function (name) {
      document.addEventListener(name, function (event) { handle(event.target); }, true);
    });
    document.addEventListener("reset", function (event) {
      setTimeout(function () { handle(event.target); });
    }, true);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) { change.addedNodes.forEach(handle); });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
