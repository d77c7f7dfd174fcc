// SPDX-License-Identifier: MIT OR Apache-2.0
// Applies the reader's colour theme before anything is drawn, so a stored
// choice never flashes the other theme first. Loaded without `defer` in every
// page's <head>, decks included. The choice ("light", "dark" or none for the
// system's) is kept in localStorage under "lkljs-theme"; the switch in
// site.js changes it. Stylesheets read data-theme on <html>.
(function () {
  "use strict";
  const KEY = "lkljs-theme";
  const root = document.documentElement;
  function apply(choice) {
    if (choice === "light" || choice === "dark") root.setAttribute("data-theme", choice);
    else root.removeAttribute("data-theme");
  }
  function stored() {
    try { return localStorage.getItem(KEY); } catch (error) { return null; }
  }
  apply(stored());
  window.lkljsTheme = {
    get () { const choice = stored(); return choice === "light" || choice === "dark" ? choice : "system"; },
    set (choice) {
      try {
        if (choice === "light" || choice === "dark") localStorage.setItem(KEY, choice);
        else localStorage.removeItem(KEY);
      } catch (error) { /* storage off: the choice lasts for this page only */ }
      apply(choice);
    }
  };
  // Another tab changed the theme: follow it.
  window.addEventListener("storage", (event) => { if (event.key === KEY) apply(event.newValue); });
})();
