// SPDX-License-Identifier: MIT OR Apache-2.0
// What guide pages do with scripts: the narrow-screen menu, the theme switch,
// copy buttons on code blocks, ← / → to the previous and next page, and full
// link addresses when printing. Without scripts every page still reads and
// navigates; only these conveniences are missing.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  // Console blocks (```console) copy only their commands: the text of each
  // command line after its prompt, as the highlighter marks it (the
  // meta.command scope of src/highlight/syntaxes/console.sublime-syntax);
  // prompts and output stay behind. Other blocks copy every line.
  var CONSOLE_LANGUAGES = ["console", "shell-session", "shellsession"];
  function textToCopy(pre) {
    var lines = Array.prototype.slice.call(pre.querySelectorAll(".line"));
    if (lines.length === 0) return pre.textContent;
    if (CONSOLE_LANGUAGES.indexOf(pre.getAttribute("data-lang")) < 0) {
      return lines.map(function (line) { return line.textContent; }).join("");
    }
    return lines
      .map(function (line) { return line.querySelector(".hl-meta.hl-command"); })
      .filter(Boolean)
      .map(function (command) { return command.textContent.replace(/\n$/, "") + "\n"; })
      .join("");
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = document.execCommand("copy");
      area.remove();
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }

  function addCopyButtons() {
    var blocks = document.querySelectorAll(".content pre.hl-code");
    Array.prototype.forEach.call(blocks, function (pre) {
      var wrapper = document.createElement("div");
      wrapper.className = "code-block";
      pre.parentNode.insertBefore(wrapper, pre);
      wrapper.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-code";
      button.textContent = "Copy";
      var isConsole = CONSOLE_LANGUAGES.indexOf(pre.getAttribute("data-lang")) >= 0;
      button.setAttribute("aria-label", isConsole ? "Copy the commands" : "Copy the code");
      button.addEventListener("click", function () {
        copy(textToCopy(pre)).then(function () {
          button.textContent = "Copied";
          button.setAttribute("data-copied", "");
        }, function () {
          button.textContent = "Select and copy";
        });
        setTimeout(function () { button.textContent = "Copy"; button.removeAttribute("data-copied"); }, 2000);
      });
      wrapper.appendChild(button);
    });
  }

  function setUpThemeSwitch() {
    var select = document.querySelector(".theme-select");
    if (!select || !window.lkljsTheme) return;
    select.value = window.lkljsTheme.get();
    select.hidden = false;
    select.addEventListener("change", function () { window.lkljsTheme.set(select.value); });
    window.addEventListener("storage", function () { select.value = window.lkljsTheme.get(); });
  }

  function setUpMenu() {
    var toggle = document.querySelector(".nav-toggle");
    if (!toggle) return;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = root.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Whether a key press belongs to something the reader is typing in.
  function typing(event) {
    var target = event.target;
    if (!target || target === document.body) return false;
    if (target.isContentEditable) return true;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  // ← and →, as in mdBook: the pager's previous and next pages.
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    if (typing(event) || document.querySelector("dialog[open]")) return;
    var link = document.querySelector(event.key === "ArrowLeft" ? "a[rel=prev]" : "a[rel=next]");
    if (!link) return;
    event.preventDefault();
    window.location.href = link.href;
  });

  // Printed links show where they lead, in full (CSS writes data-print-url out).
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".content a[href]:not([href^='#'])"), function (link) {
      link.setAttribute("data-print-url", link.href);
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    setUpThemeSwitch();
    addCopyButtons();
  });

  window.lkljsSite = { textToCopy: textToCopy };
})();
