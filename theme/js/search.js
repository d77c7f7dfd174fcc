// SPDX-License-Identifier: MIT OR Apache-2.0
// Full-text search: a dialog over the page that searches the index the build
// wrote (search-index.json, see src/output/search.rs) with elasticlunr.js,
// both fetched from this site on first use, so nothing comes from another
// origin. Opens with "/" or "s" (except while typing) or the header button;
// ↑ / ↓ move through the results, Enter opens one, Escape closes.
(function () {
  "use strict";
  const MAX_RESULTS = 20;
  const EXCERPT_WORDS = 28;
  const script = document.currentScript;
  const engineUrl = script && script.getAttribute("data-engine");
  const indexUrl = script && script.getAttribute("data-index");
  let loading = null;
  let index = null;
  let dialog, input, results, status, selected = -1, opener = null;

  function load() {
    if (loading) return loading;
    loading = new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = engineUrl;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("cannot load the search engine")); };
      document.head.appendChild(tag);
    }).then(() => {
      return fetch(indexUrl, { credentials: "same-origin" });
    }).then((response) => {
      if (!response.ok) throw new Error("cannot load the search index (" + response.status + ")");
      return response.json();
    }).then((json) => {
      index = window.elasticlunr.Index.load(json);
      return index;
    });
    loading.catch((error) => {
      status.textContent = error.message;
      loading = null;
    });
    return loading;
  }

  // The query's words, lower case, as the reader typed them.
  function words(query) {
    return query.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter((word) => { return word.length > 1; });
  }

  // Appends `text` to `parent`, with every word that starts with a query word in <mark>.
  function appendMarked(parent, text, queryWords) {
    const pattern = queryWords.length
      ? new RegExp("(^|[^\\p{L}\\p{N}_])(" + queryWords.map((word) => {
        return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }).join("|") + ")", "giu")
      : null;
    let last = 0;
    if (pattern) {
      let match;
      while ((match = pattern.exec(text))) {
        const start = match.index + match[1].length;
        parent.appendChild(document.createTextNode(text.slice(last, start)));
        const mark = document.createElement("mark");
        mark.textContent = text.slice(start, start + match[2].length);
        parent.appendChild(mark);
        last = start + match[2].length;
      }
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // About EXCERPT_WORDS words of `body` around the first query word found in it.
  function excerpt(body, queryWords) {
    const tokens = body.split(" ");
    const at = tokens.findIndex((token) => {
      const lower = token.toLowerCase().replace(/^[^\p{L}\p{N}_]+/u, "");
      return queryWords.some((word) => { return lower.indexOf(word) === 0; });
    });
    const start = Math.max(0, (at < 0 ? 0 : at) - Math.floor(EXCERPT_WORDS / 3));
    const end = Math.min(tokens.length, start + EXCERPT_WORDS);
    return (start > 0 ? "… " : "") + tokens.slice(start, end).join(" ") + (end < tokens.length ? " …" : "");
  }

  function select(position) {
    const links = results.querySelectorAll("a");
    if (links.length === 0) { selected = -1; return; }
    selected = (position + links.length) % links.length;
    Array.prototype.forEach.call(links, (link, number) => {
      link.setAttribute("aria-selected", number === selected ? "true" : "false");
    });
    links[selected].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", links[selected].id);
  }

  function render(query) {
    results.textContent = "";
    selected = -1;
    input.removeAttribute("aria-activedescendant");
    const queryWords = words(query);
    if (!index || queryWords.length === 0) {
      status.textContent = index ? "" : "Loading the index…";
      return;
    }
    const found = index.search(query, {
      fields: { title: { boost: 1 }, heading: { boost: 2 }, body: { boost: 1 } },
      bool: "AND",
      expand: true
    }).slice(0, MAX_RESULTS);
    status.textContent = found.length === 0 ? "No results for “" + query + "”."
      : found.length + (found.length === 1 ? " result" : " results") + (found.length === MAX_RESULTS ? " (the best " + MAX_RESULTS + ")" : "") + ".";
    found.forEach((hit, number) => {
      const doc = index.documentStore.getDoc(hit.ref);
      const item = document.createElement("li");
      item.setAttribute("role", "none");
      const link = document.createElement("a");
      link.href = hit.ref;
      link.id = "search-result-" + number;
      link.setAttribute("role", "option");
      link.setAttribute("aria-selected", "false");
      const title = document.createElement("span");
      title.className = "result-title";
      appendMarked(title, doc.title === doc.heading ? doc.title : doc.title + " › " + doc.heading, queryWords);
      const text = document.createElement("span");
      text.className = "result-excerpt";
      appendMarked(text, excerpt(doc.body, queryWords), queryWords);
      link.appendChild(title);
      link.appendChild(text);
      link.addEventListener("click", () => { dialog.close(); });
      item.appendChild(link);
      results.appendChild(item);
    });
    if (found.length) select(0);
  }

  function open(query) {
    if (!dialog.open) {
      opener = document.activeElement;
      dialog.showModal();
    }
    if (typeof query === "string" && query) input.value = query;
    input.focus();
    input.select();
    load().then(() => { render(input.value); }, () => {});
  }

  function typing(target) {
    if (!target || target === document.body) return false;
    const tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  document.addEventListener("DOMContentLoaded", () => {
    dialog = document.getElementById("search");
    if (!dialog || !engineUrl || !indexUrl) return;
    input = dialog.querySelector("input");
    results = dialog.querySelector(".search-results");
    status = dialog.querySelector(".search-status");
    Array.prototype.forEach.call(document.querySelectorAll(".search-open"), (button) => {
      button.hidden = false;
      button.addEventListener("click", () => {
        // The 404 page offers a search for the words of the address that was not found.
        const fromPath = button.hasAttribute("data-query-from-path")
          ? decodeURIComponent(location.pathname).split(/[^\p{L}\p{N}]+/u).filter((word) => {
            return word && word !== "html" && word !== "index";
          }).join(" ")
          : "";
        open(fromPath);
      });
    });
    dialog.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      const links = results.querySelectorAll("a");
      if (selected >= 0 && links[selected]) {
        dialog.close();
        location.href = links[selected].href;
      }
    });
    dialog.querySelector(".search-close").addEventListener("click", () => { dialog.close(); });
    dialog.addEventListener("close", () => { if (opener && opener.focus) opener.focus(); });
    input.addEventListener("input", () => { if (index) render(input.value); });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") { event.preventDefault(); select(selected + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); select(selected - 1); }
      // The dialog closes on Escape by itself too; doing it here keeps it one key press everywhere.
      else if (event.key === "Escape") { event.preventDefault(); dialog.close(); }
    });
    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || dialog.open) return;
      if ((event.key === "/" || event.key === "s") && !typing(event.target)) {
        event.preventDefault();
        open();
      }
    });
  });

  window.lkljsSearch = { open: open };
})();
