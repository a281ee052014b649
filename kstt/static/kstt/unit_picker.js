// The incident form's unit picker (incidents/unit_picker.html). The page holds the plain list of checkboxes,
// which is the whole picker without JavaScript; this script shows the search box and keeps the chosen units
// listed above it, each with a button that removes it.
//
// Which units match is the server's answer (GET incidents:unit_matches?q=, the unit tree's own search:
// name or code, diacritics ignored, "đ" read as "d"), so the matching rule lives in one place; this script
// only shows the checkboxes of the units it names and hides the others (a hidden checkbox stays chosen).
// Keyboard: type in the box, Enter searches at once, Escape clears it, Down arrow goes to the first unit
// shown; Tab moves through the units shown, Space ticks one; each chosen unit's button removes it.
(function () {
  "use strict";

  function setUp(picker) {
    var search = picker.querySelector("[data-unit-search]");
    var status = picker.querySelector("[data-unit-status]");
    var chosenList = picker.querySelector("[data-unit-chosen]");
    var count = picker.querySelector("[data-unit-count]");
    var options = Array.prototype.slice.call(picker.querySelectorAll("[data-unit-option]"));
    var groups = Array.prototype.slice.call(picker.querySelectorAll("[data-unit-group]"));
    var timer = null;
    var asked = 0;

    function box(option) { return option.querySelector("input[type=checkbox]"); }
    function label(option) { return option.querySelector("label").textContent.trim(); }

    function renderChosen() {
      var chosen = options.filter(function (option) { return box(option).checked; });
      chosenList.textContent = "";
      chosen.forEach(function (option) {
        var item = document.createElement("li");
        item.className = "badge text-bg-light border fw-normal d-inline-flex align-items-center gap-1";
        item.dataset.unitChip = option.dataset.unitOption;
        item.appendChild(document.createTextNode(label(option)));
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn-close";
        remove.style.fontSize = ".6rem";
        remove.setAttribute("aria-label", picker.dataset.remove + " " + label(option));
        remove.addEventListener("click", function () { removeChosen(option, item); });
        item.appendChild(remove);
        chosenList.appendChild(item);
      });
      count.textContent = String(chosen.length);
    }

    function removeChosen(option, item) {
      var items = Array.prototype.slice.call(chosenList.children);
      var at = items.indexOf(item);
      box(option).checked = false;
      renderChosen();
      var left = chosenList.querySelectorAll("button");
      var next = left[Math.min(at, left.length - 1)];
      (next || search).focus();
    }

    function show(ids) {
      var shown = 0;
      options.forEach(function (option) {
        var visible = ids === null || ids.has(option.dataset.unitOption);
        option.hidden = !visible;
        if (visible) { shown += 1; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-unit-option]:not([hidden])");
      });
      if (ids === null) {
        status.textContent = "";
      } else {
        status.textContent = shown ? picker.dataset.found + " " + String(shown) : picker.dataset.none;
      }
    }

    function ask() {
      window.clearTimeout(timer);
      var query = search.value.trim();
      asked += 1;
      var mine = asked;
      if (!query) { show(null); return; }
      var url = picker.dataset.matchesUrl + "?q=" + encodeURIComponent(query);
      window.fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          if (mine === asked) { show(new Set(data.units.map(String))); }
        })
        .catch(function () {
          if (mine === asked) { show(null); status.textContent = picker.dataset.failed; }
        });
    }

    search.hidden = false;
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 200);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // searching, not sending the form
        ask();
      } else if (event.key === "Escape" && search.value) {
        event.preventDefault();
        search.value = "";
        ask();
      } else if (event.key === "ArrowDown") {
        var first = options.filter(function (option) { return !option.hidden; })[0];
        if (first) { event.preventDefault(); box(first).focus(); }
      }
    });
    picker.addEventListener("change", function (event) {
      if (event.target.matches("input[type=checkbox]")) { renderChosen(); }
    });
    renderChosen();
    picker.dataset.ready = "true";
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-unit-picker]"), setUp);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
