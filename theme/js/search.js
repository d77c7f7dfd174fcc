// SPDX-License-Identifier: MIT OR Apache-2.0
// Full-text search: a dialog over the page that searches the index the build
// wrote (search-index.json, see src/output/search.rs) with elasticlunr.js,
// both fetched from this site on first use, so nothing comes from another
// origin. Opens with "/" or "s" (except while typing) or the header button;
// ↑ / ↓ move through the results, Enter opens one, Escape closes.
(function () {
  "use strict";
  var MAX_RESULTS = 20;
  var EXCERPT_WORDS = 28;
  var script = document.currentScript;
  var engineUrl = script && script.getAttribute("data-engine");
  var indexUrl = script && script.getAttribute("data-index");
  var loading = null;
  var index = null;
  var dialog, input, results, status, selected = -1, opener = null;

  function load() {
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = engineUrl;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("cannot load the search engine")); };
      document.head.appendChild(tag);
    }).then(function () {
      return fetch(indexUrl, { credentials: "same-origin" });
    }).then(function (response) {
      if (!response.ok) throw new Error("cannot load the search index (" + response.status + ")");
      return response.json();
    }).then(function (json) {
      index = window.elasticlunr.Index.load(json);
      return index;
    });
    loading.catch(function (error) {
      status.textContent = error.message;
      loading = null;
    });
    return loading;
  }

  // The query's words, lower case, as the reader typed them.
  function words(query) {
    return query.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(function (word) { return word.length > 1; });
  }

  // Appends `text` to `parent`, with every word that starts with a query word in <mark>.
  function appendMarked(parent, text, queryWords) {
    var pattern = queryWords.length
      ? new RegExp("(^|[^\\p{L}\\p{N}_])(" + queryWords.map(function (word) {
        return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }).join("|") + ")", "giu")
      : null;
    var last = 0;
    if (pattern) {
      var match;
      while ((match = pattern.exec(text))) {
        var start = match.index + match[1].length;
        parent.appendChild(document.createTextNode(text.slice(last, start)));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(start, start + match[2].length);
        parent.appendChild(mark);
        last = start + match[2].length;
      }
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // About EXCERPT_WORDS words of `body` around the first query word found in it.
  function excerpt(body, queryWords) {
    var tokens = body.split(" ");
    var at = tokens.findIndex(function (token) {
      var lower = token.toLowerCase().replace(/^[^\p{L}\p{N}_]+/u, "");
      return queryWords.some(function (word) { return lower.indexOf(word) === 0; });
    });
    var start = Math.max(0, (at < 0 ? 0 : at) - Math.floor(EXCERPT_WORDS / 3));
    var end = Math.min(tokens.length, start + EXCERPT_WORDS);
    return (start > 0 ? "… " : "") + tokens.slice(start, end).join(" ") + (end < tokens.length ? " …" : "");
  }

  function select(position) {
    var links = results.querySelectorAll("a");
    if (links.length === 0) { selected = -1; return; }
    selected = (position + links.length) % links.length;
    Array.prototype.forEach.call(links, function (link, number) {
      link.setAttribute("aria-selected", number === selected ? "true" : "false");
    });
    links[selected].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", links[selected].id);
  }

  function render(query) {
    results.textContent = "";
    selected = -1;
    input.removeAttribute("aria-activedescendant");
    var queryWords = words(query);
    if (!index || queryWords.length === 0) {
      status.textContent = index ? "" : "Loading the index…";
      return;
    }
    var found = index.search(query, {
      fields: { title: { boost: 1 }, heading: { boost: 2 }, body: { boost: 1 } },
      bool: "AND",
      expand: true
    }).slice(0, MAX_RESULTS);
    status.textContent = found.length === 0 ? "No results for “" + query + "”."
      : found.length + (found.length === 1 ? " result" : " results") + (found.length === MAX_RESULTS ? " (the best " + MAX_RESULTS + ")" : "") + ".";
    found.forEach(function (hit, number) {
      var doc = index.documentStore.getDoc(hit.ref);
      var item = document.createElement("li");
      item.setAttribute("role", "none");
      var link = document.createElement("a");
      link.href = hit.ref;
      link.id = "search-result-" + number;
      link.setAttribute("role", "option");
      link.setAttribute("aria-selected", "false");
      var title = document.createElement("span");
      title.className = "result-title";
      appendMarked(title, doc.title === doc.heading ? doc.title : doc.title + " › " + doc.heading, queryWords);
      var text = document.createElement("span");
      text.className = "result-excerpt";
      appendMarked(text, excerpt(doc.body, queryWords), queryWords);
      link.appendChild(title);
      link.appendChild(text);
      link.addEventListener("click", function () { dialog.close(); });
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
    load().then(function () { render(input.value); }, function () {});
  }

  function typing(target) {
    if (!target || target === document.body) return false;
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  document.addEventListener("DOMContentLoaded", function () {
    dialog = document.getElementById("search");
    if (!dialog || !engineUrl || !indexUrl) return;
    input = dialog.querySelector("input");
    results = dialog.querySelector(".search-results");
    status = dialog.querySelector(".search-status");
    Array.prototype.forEach.call(document.querySelectorAll(".search-open"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        // The 404 page offers a search for the words of the address that was not found.
        var fromPath = button.hasAttribute("data-query-from-path")
          ? decodeURIComponent(location.pathname).split(/[^\p{L}\p{N}]+/u).filter(function (word) {
            return word && word !== "html" && word !== "index";
          }).join(" ")
          : "";
        open(fromPath);
      });
    });
    dialog.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      var links = results.querySelectorAll("a");
      if (selected >= 0 && links[selected]) {
        dialog.close();
        location.href = links[selected].href;
      }
    });
    dialog.querySelector(".search-close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { if (opener && opener.focus) opener.focus(); });
    input.addEventListener("input", function () { if (index) render(input.value); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); select(selected + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); select(selected - 1); }
      // The dialog closes on Escape by itself too; doing it here keeps it one key press everywhere.
      else if (event.key === "Escape") { event.preventDefault(); dialog.close(); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || dialog.open) return;
      if ((event.key === "/" || event.key === "s") && !typing(event.target)) {
        event.preventDefault();
        open();
      }
    });
  });

  window.lkljsSearch = { open: open };
})();
