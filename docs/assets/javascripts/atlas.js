/*
 * Loaded first on every page. `atlasOnPage(fn)` runs fn once the page is ready, and again after
 * each of Material's instant-navigation page changes; the page scripts (lookup, picker, Find
 * rulings) start through it.
 *
 * Also a small accessibility repair: Material renders its search overlay as role="dialog"
 * without a name, which screen readers announce as an unnamed dialog, so give it one.
 */
(function () {
  "use strict";

  window.atlasOnPage = function (fn) {
    if (window.document$ && window.document$.subscribe) {
      window.document$.subscribe(fn);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  };

  function nameDialogs() {
    document.querySelectorAll('[role="dialog"]:not([aria-label]):not([aria-labelledby])').forEach(function (dialog) {
      if (dialog.classList.contains("md-search")) dialog.setAttribute("aria-label", "Search this site");
    });
  }

  window.atlasOnPage(nameDialogs);
})();
