/* The administration site (templates/admin/base_site.html): Django's two-box selector (SelectFilter2.js, the
 * permissions and groups of a user) names its magnifier icon with aria-label on a bare <span>, which ARIA
 * does not allow (axe: aria-prohibited-attr). The icon is an image: say so, once Django has drawn it. */
(function () {
  "use strict";
  function nameIcons() {
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  window.addEventListener("load", function () { setTimeout(nameIcons); });
})();
