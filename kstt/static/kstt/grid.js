/* The report page's form grids (reports/report_page.html): totals as you type, spreadsheet keys, one submit.
 *
 * - Each grid's total row is the column sum of its rows' figures (whole numbers from 0 to the form's ceiling,
 *   data-ceiling), exact however big (BigInt); a column holding a cell that is not a figure has no total
 *   (the server computes the same on save). A cell over the ceiling says so on the cell as it is typed.
 * - The rules "a == b + c" of the form (R1–R4 of form 06) and whole numbers are checked on the row being
 *   typed in; the cell is outlined and its message written on the line under the row (tr.row-messages),
 *   as the server shows it: it never covers a cell. The server checks every rule again on save; what it
 *   said of a row, and of the total row (computed again), goes once the row is edited.
 * - "Cells to check: n" counts the cells outlined or missing a reason, as the server does.
 * - Tab / Shift+Tab move along a row (the browser's own order); Enter / Shift+Enter move down / up;
 *   the arrow keys move between cells (left / right only when the caret is at the edge of the text).
 * - Form 06 prefilled from the dossiers (forms.md R8): a cell carries the computed value (data-computed);
 *   once its value differs, the computed value (a link to the dossiers) and a reason input appear beside
 *   it; back to the computed value, they are hidden and the reason is not sent.
 * - A press of Submit (or Save) sends the form once: the pressed button's action is copied into a hidden
 *   field, then every button is disabled until the page comes back.
 */
(function () {
  "use strict";
  var WHOLE = /^[+-]?\d+$/;

  function inputsOf(grid) {
    return Array.prototype.slice.call(grid.querySelectorAll("input.grid-input"));
  }

  function ceilingOf(grid) {
    return /^\d+$/.test(grid.dataset.ceiling || "") ? BigInt(grid.dataset.ceiling) : null;
  }

  // A typed cell as the server reads it: null when empty, a BigInt for a whole number (exact at any size),
  // else undefined (text, a fraction: not a number). The server drops spaces and no-break spaces too.
  function parsed(text) {
    var compact = text.replace(/[\s\u00a0]/g, "");
    if (compact === "") return null;
    return WHOLE.test(compact) ? BigInt(compact) : undefined;
  }

  // A figure: a whole number from 0 to the form's ceiling (rules.md §5).
  function isFigure(value, ceiling) {
    return typeof value === "bigint" && value >= 0n && (ceiling === null || value <= ceiling);
  }

  function recompute(grid) {
    var ceiling = ceilingOf(grid);
    grid.querySelectorAll("output[data-total]").forEach(function (out) {
      var column = out.dataset.total;
      var sum = 0n;
      var any = false;
      var broken = false;
      grid.querySelectorAll("tbody td[data-column='" + column + "'] input.grid-input").forEach(function (input) {
        var value = parsed(input.value);
        if (value === null) return;
        if (isFigure(value, ceiling)) {
          sum += value;
          any = true;
        } else broken = true;
      });
      out.textContent = any && !broken ? sum.toString() : "";
    });
  }

  var WHOLE_MESSAGE = "Số hồ sơ phải là số nguyên không âm";

  function rulesOf(grid) {
    var script = document.getElementById(grid.dataset.rules || "");
    return script ? JSON.parse(script.textContent) : [];
  }

  function checkRow(grid, tr) {
    var values = {};
    var failing = {};
    var ceiling = ceilingOf(grid);
    tr.querySelectorAll("td[data-column]").forEach(function (td) {
      var input = td.querySelector("input.grid-input");
      var value = input ? parsed(input.value) : null;
      if (value === null) return;
      var column = td.dataset.column;
      if (isFigure(value, ceiling)) {
        values[column] = value;
        return;
      }
      var over = typeof value === "bigint" && value > 0n; // a whole number beyond the form's ceiling
      (failing[column] = failing[column] || []).push(over ? grid.dataset.ceilingMessage : WHOLE_MESSAGE);
    });
    rulesOf(grid).forEach(function (rule) {
      var names = [rule.left].concat(rule.right);
      if (!names.every(function (name) { return name in values; })) return;
      var sum = rule.right.reduce(function (total, name) { return total + values[name]; }, 0n);
      if (values[rule.left] !== sum) {
        var shown = rule.right.map(function (name) { return values[name]; }).join(" + ");
        (failing[rule.cell] = failing[rule.cell] || []).push(rule.message + ": " + values[rule.left] + " ≠ " + shown + " = " + sum);
      }
    });
    showMessages(tr, failing);
  }

  // The row's messages go on the line under it (tr.row-messages): they never cover a cell nor catch a click.
  function messagesRow(tr) {
    var next = tr.nextElementSibling;
    return next && next.classList.contains("row-messages") ? next : null;
  }

  function showMessages(tr, failing) {
    var holder = messagesRow(tr);
    var line = holder ? holder.querySelector(".row-messages-cell") : null;
    if (line) {
      // the server's findings on this row are stale once it is edited
      line.querySelectorAll(".cell-message").forEach(function (old) { old.remove(); });
    }
    tr.querySelectorAll("td[data-column]").forEach(function (td) {
      var input = td.querySelector("input.grid-input");
      td.classList.remove("finding-error", "finding-warning");
      if (input) {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      }
      var messages = failing[td.dataset.column];
      if (!messages || !line) return;
      td.classList.add("finding-error");
      var box = document.createElement("div");
      box.className = "cell-message live finding-error";
      box.setAttribute("role", "note");
      box.id = "live-" + (input ? input.name : td.dataset.column);
      var key = input ? input.dataset.testid.replace(/^cell-/, "") : td.dataset.column;
      box.setAttribute("data-testid", "live-" + key);
      box.setAttribute("data-column", td.dataset.column);
      var where = document.createElement("span");
      where.className = "cell-message-where";
      where.textContent = (td.dataset.words || td.dataset.column) + ":";
      box.appendChild(where);
      messages.forEach(function (text, i) {
        var part = document.createElement("span");
        part.textContent = (i ? " · " : " ") + text;
        box.appendChild(part);
      });
      line.appendChild(box);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", box.id);
      }
    });
    if (holder) holder.classList.toggle("d-none", !line.querySelector(".cell-message"));
  }

  // "Cells to check: n" counts cells (a cell with two failing rules is one), as the server does.
  function countCells(grid) {
    var section = grid.closest("section");
    var counter = section ? section.querySelector("[data-cells-count]") : null;
    if (!counter) return;
    var n = 0;
    grid.querySelectorAll("td[data-column]").forEach(function (td) {
      var missing = td.querySelector(".recon.recon-missing:not([hidden])");
      if (td.classList.contains("finding-error") || td.classList.contains("finding-warning") || missing) n += 1;
    });
    counter.querySelector("[data-count]").textContent = String(n);
    counter.hidden = n === 0;
  }

  function differs(input) {
    var value = parsed(input.value);
    var computed = BigInt(input.dataset.computed);
    if (value === null) return computed !== 0n; // an empty cell differs only from a count other than 0
    return value !== computed; // text (undefined) differs; numbers compare exactly
  }

  function reconcile(grid, input) {
    if (!input.dataset || input.dataset.computed === undefined) return;
    var td = input.closest("td");
    var box = td.querySelector(".recon");
    var show = differs(input);
    if (!box && !show) return;
    if (!box) {
      var key = input.dataset.testid.replace(/^cell-/, "");
      box = document.createElement("div");
      box.className = "recon recon-missing";
      box.setAttribute("data-testid", "recon-" + key);
      var shown = document.createElement(input.dataset.link ? "a" : "span");
      shown.className = "recon-computed";
      if (input.dataset.link) {
        shown.href = input.dataset.link;
        shown.target = "_blank";
        shown.rel = "noopener";
        shown.title = grid.dataset.reconTitle || "";
      }
      shown.textContent = (grid.dataset.reconLabel || "") + ": " + input.dataset.computed;
      box.appendChild(shown);
      var reason = document.createElement("input");
      reason.className = "recon-reason form-control form-control-sm";
      reason.name = "r|" + input.name.slice(2);
      reason.maxLength = 500;
      reason.placeholder = grid.dataset.reasonPlaceholder || grid.dataset.reasonLabel || "";
      reason.title = grid.dataset.reasonLabel || "";
      reason.setAttribute("aria-label", (grid.dataset.reasonLabel || "") + ": " + input.getAttribute("aria-label"));
      reason.setAttribute("data-testid", "reason-" + key);
      box.appendChild(reason);
      td.appendChild(box);
    }
    box.hidden = !show;
    var field = box.querySelector("input.recon-reason");
    if (field) {
      field.disabled = !show;
      box.classList.toggle("recon-missing", show && field.value.trim() === "");
    }
  }

  function cellAt(grid, row, col) {
    var rows = grid.querySelectorAll("tbody tr[data-row]");
    if (row < 0 || row >= rows.length) return null;
    var inputs = rows[row].querySelectorAll("input.grid-input");
    return col >= 0 && col < inputs.length ? inputs[col] : null;
  }

  function position(input) {
    var tr = input.closest("tr");
    var rows = Array.prototype.slice.call(tr.parentNode.querySelectorAll("tr[data-row]"));
    var cols = Array.prototype.slice.call(tr.querySelectorAll("input.grid-input"));
    return { row: rows.indexOf(tr), col: cols.indexOf(input) };
  }

  function move(grid, input, dRow, dCol) {
    var at = position(input);
    var target = cellAt(grid, at.row + dRow, at.col + dCol);
    if (target) {
      target.focus();
      target.select();
      return true;
    }
    return false;
  }

  function onKey(event) {
    var input = event.target;
    if (event.key === "Enter" && input.classList && input.classList.contains("recon-reason")) {
      event.preventDefault(); // Enter in a reason never sends the form
      return;
    }
    if (!input.classList || !input.classList.contains("grid-input")) return;
    var grid = input.closest("[data-grid]");
    var start = input.selectionStart;
    var end = input.selectionEnd;
    var moved = false;
    switch (event.key) {
      case "Enter":
        moved = move(grid, input, event.shiftKey ? -1 : 1, 0);
        event.preventDefault(); // Enter never sends the form from a cell
        break;
      case "ArrowDown":
        moved = move(grid, input, 1, 0);
        break;
      case "ArrowUp":
        moved = move(grid, input, -1, 0);
        break;
      case "ArrowRight":
        if (start === end && end === input.value.length) moved = move(grid, input, 0, 1);
        break;
      case "ArrowLeft":
        if (start === end && start === 0) moved = move(grid, input, 0, -1);
        break;
      default:
        return;
    }
    if (moved) event.preventDefault();
  }

  function init() {
    document.querySelectorAll("[data-grid]").forEach(function (grid) {
      grid.addEventListener("input", function (event) {
        recompute(grid);
        var tr = event.target.closest && event.target.closest("tbody tr[data-row]");
        if (tr) checkRow(grid, tr);
        // The total row is computed again: whatever the server said of the old totals no longer holds.
        var total = grid.querySelector("tfoot tr[data-row]");
        if (tr && total) showMessages(total, {});
        if (event.target.classList && event.target.classList.contains("grid-input")) reconcile(grid, event.target);
        if (event.target.classList && event.target.classList.contains("recon-reason")) {
          event.target.closest(".recon").classList.toggle("recon-missing", event.target.value.trim() === "");
        }
        countCells(grid);
      });
      grid.addEventListener("keydown", onKey);
      inputsOf(grid).forEach(function (input) {
        input.addEventListener("focus", function () { input.select(); });
      });
      // What was typed before this script arrived (a slow office PC: the page is usable before its scripts
      // run), or what the browser put back, is handled as if typed now: totals, the row's rules, reconciling.
      inputsOf(grid).forEach(function (input) {
        if (input.value !== input.defaultValue) input.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
    var form = document.querySelector("[data-report-form]");
    if (!form) return;
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (sending) {
        event.preventDefault(); // a second click while the first is on its way
        return;
      }
      sending = true;
      var action = form.querySelector("[data-action]");
      if (event.submitter && event.submitter.name === "action") action.value = event.submitter.value;
      // Empty cells are not sent (an absent cell is an empty one): a form of many rows stays under the
      // server's limit on the number of fields.
      form.querySelectorAll("input.grid-input").forEach(function (input) {
        if (input.value.trim() === "") input.disabled = true;
      });
      // Disabled after this tick, so the browser still sends the form the click started.
      setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
      }, 0);
    });
  }

  // Back to this page from the history: everything usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-report-form] input.grid-input, [data-report-form] button").forEach(function (el) {
      el.disabled = false;
    });
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
