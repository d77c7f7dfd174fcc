// SPDX-License-Identifier: MIT OR Apache-2.0
// What guide pages do with scripts: the narrow-screen menu, the theme switch,
// copy buttons on code blocks, wide code blocks focusable for scrolling by
// keyboard, ← / → to the previous and next page, and full
// link addresses when printing. Without scripts every page still reads and
// navigates; only these conveniences are missing.
(function () {
  "use strict";
  const root = document.documentElement;
  root.classList.add("js");

  // Console blocks (```console) copy only their commands: the text of each
  // command line after its prompt, as the highlighter marks it (the
  // meta.command scope of src/highlight/syntaxes/console.sublime-syntax);
  // prompts and output stay behind. Other blocks copy every line.
  const CONSOLE_LANGUAGES = ["console", "shell-session", "shellsession"];
  function textToCopy(pre) {
    const lines = Array.prototype.slice.call(pre.querySelectorAll(".line"));
    if (lines.length === 0) return pre.textContent;
    if (CONSOLE_LANGUAGES.indexOf(pre.getAttribute("data-lang")) < 0) {
      return lines.map((line) => { return line.textContent; }).join("");
    }
    return lines
      .map((line) => { return line.querySelector(".hl-meta.hl-command"); })
      .filter(Boolean)
      .map((command) => { return command.textContent.replace(/\n$/, "") + "\n"; })
      .join("");
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise((resolve, reject) => {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      const done = document.execCommand("copy");
      area.remove();
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }

  function addCopyButtons() {
    const blocks = document.querySelectorAll(".content pre.hl-code");
    Array.prototype.forEach.call(blocks, (pre) => {
      const wrapper = document.createElement("div");
      wrapper.className = "code-block";
      pre.parentNode.insertBefore(wrapper, pre);
      wrapper.appendChild(pre);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "copy-code";
      button.textContent = "Copy";
      const isConsole = CONSOLE_LANGUAGES.indexOf(pre.getAttribute("data-lang")) >= 0;
      button.setAttribute("aria-label", isConsole ? "Copy the commands" : "Copy the code");
      button.addEventListener("click", () => {
        copy(textToCopy(pre)).then(() => {
          button.textContent = "Copied";
          button.setAttribute("data-copied", "");
        }, () => {
          button.textContent = "Select and copy";
        });
        setTimeout(() => { button.textContent = "Copy"; button.removeAttribute("data-copied"); }, 2000);
      });
      wrapper.appendChild(button);
    });
  }

  // A code block wider than its column scrolls sideways. Keyboard readers can
  // scroll only what takes the focus, so such a block, and only such a block,
  // is a tab stop (checked again when the window's width changes).
  function focusScrollableBlocks() {
    Array.prototype.forEach.call(document.querySelectorAll(".content pre"), (pre) => {
      if (pre.scrollWidth > pre.clientWidth) pre.tabIndex = 0;
      else pre.removeAttribute("tabindex");
    });
  }

  function setUpThemeSwitch() {
    const select = document.querySelector(".theme-select");
    if (!select || !window.lkljsTheme) return;
    select.value = window.lkljsTheme.get();
    select.hidden = false;
    select.addEventListener("change", () => { window.lkljsTheme.set(select.value); });
    window.addEventListener("storage", () => { select.value = window.lkljsTheme.get(); });
  }

  function setUpMenu() {
    const toggle = document.querySelector(".nav-toggle");
    if (!toggle) return;
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = root.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Whether a key press belongs to something the reader is typing in, or to
  // a focused code block, whose arrow keys scroll it.
  function typing(event) {
    const target = event.target;
    if (!target || target === document.body) return false;
    if (target.isContentEditable) return true;
    const tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || tag === "PRE";
  }

  // ← and →, as in mdBook: the pager's previous and next pages.
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    if (typing(event) || document.querySelector("dialog[open]")) return;
    const link = document.querySelector(event.key === "ArrowLeft" ? "a[rel=prev]" : "a[rel=next]");
    if (!link) return;
    event.preventDefault();
    window.location.href = link.href;
  });

  // Printed links show where they lead, in full (CSS writes data-print-url out).
  window.addEventListener("beforeprint", () => {
    Array.prototype.forEach.call(document.querySelectorAll(".content a[href]:not([href^='#'])"), (link) => {
      link.setAttribute("data-print-url", link.href);
    });
  });

  document.addEventListener("DOMContentLoaded", () => {
    setUpMenu();
    setUpThemeSwitch();
    addCopyButtons();
    focusScrollableBlocks();
  });
  window.addEventListener("resize", focusScrollableBlocks);

  window.lkljsSite = { textToCopy: textToCopy };
})();
