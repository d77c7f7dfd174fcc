// Turns the sidebar into a menu on narrow screens. Without scripts the
// sidebar stays visible above the page, so nothing depends on this file.
(function () {
  "use strict";
  const root = document.documentElement;
  root.classList.add("js");
  document.addEventListener("DOMContentLoaded", () => {
    const toggle = document.querySelector(".nav-toggle");
    if (!toggle) return;
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = root.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
})();
