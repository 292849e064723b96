/*
 * Small accessibility repairs to the theme's markup, applied on every page.
 * Material renders its search overlay as role="dialog" without a name; screen readers then
 * announce an unnamed dialog, so give it one.
 */
(function () {
  "use strict";

  function nameDialogs() {
    document.querySelectorAll('[role="dialog"]:not([aria-label]):not([aria-labelledby])').forEach(function (dialog) {
      if (dialog.classList.contains("md-search")) dialog.setAttribute("aria-label", "Search this site");
    });
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(nameDialogs);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", nameDialogs);
  } else {
    nameDialogs();
  }
})();
