// Form 06 (kstt/compilation/templates/compilation/form06.html), a static file: the CSP allows no inline script.
(function () {
  // Collapse or expand a district's group of rows; printing shows every row whatever is collapsed (app.css).
  const table = document.querySelector("[data-form06]");
  function show(group, open) {
    group.classList.toggle("collapsed", !open);
    group.querySelector(".group-toggle").setAttribute("aria-expanded", open ? "true" : "false");
  }
  table.addEventListener("click", function (event) {
    const button = event.target.closest(".group-toggle");
    if (button) show(button.closest("tbody"), button.getAttribute("aria-expanded") !== "true");
  });
  document.querySelectorAll("[data-form06-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      table.querySelectorAll("tbody.form06-group").forEach(function (group) {
        show(group, button.dataset.form06All === "expand");
      });
    });
  });
})();
