// Turns the sidebar into a menu on narrow screens. Without scripts the
// sidebar stays visible above the page, so nothing depends on this file.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".nav-toggle");
    if (!toggle) return;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = root.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
})();
