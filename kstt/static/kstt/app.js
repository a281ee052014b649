// Behaviour shared by every page, kept out of the HTML: the Content-Security-Policy allows no inline script or
// handler attribute (settings.CONTENT_SECURITY_POLICY).
(function () {
  "use strict";
  // A <select data-kstt-autosubmit> sends its form when its value changes (the language, year and period menus).
  document.addEventListener("change", function (event) {
    const select = event.target.closest("select[data-kstt-autosubmit]");
    if (select && select.form) select.form.submit();
  });
})();
