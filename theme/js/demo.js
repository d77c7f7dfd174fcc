// Boots the kernel demo inside the page. Emscripten's generated boot.js reads
// its settings from a global `Module`: the kernel console arrives through
// print/printErr and is appended to the console element; locateFile makes the
// wasm and worker files load from the demo directory.
(function () {
  "use strict";
  function start(root) {
    var button = root.querySelector("[data-demo-boot]");
    var output = root.querySelector("[data-demo-console]");
    var status = root.querySelector("[data-demo-status]");
    var base = root.getAttribute("data-demo-base");
    // A disabled button means the site was built without the kernel: keep the page's explanation.
    if (!button || !output || !base || button.disabled) return;

    function append(line) {
      output.textContent += line + "\n";
      output.scrollTop = output.scrollHeight;
    }

    if (!window.crossOriginIsolated) {
      status.textContent = "This page is not cross-origin isolated, so the browser withholds the shared memory " +
        "that the kernel's threads need. Serve the site with the headers from _headers (COOP/COEP), " +
        "or let the service worker enable them and reload.";
      button.disabled = true;
      return;
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = "Booting…";
      var started = performance.now();
      window.Module = {
        print: append,
        printErr: append,
        locateFile: function (path) { return base + path; },
        onExit: function (code) {
          var seconds = ((performance.now() - started) / 1000).toFixed(2);
          status.textContent = "The kernel stopped with exit code " + code + " after " + seconds + " s.";
        }
      };
      var script = document.createElement("script");
      script.src = base + "boot.js";
      script.onerror = function () {
        status.textContent = "Could not load " + script.src + ".";
        button.disabled = false;
      };
      document.body.appendChild(script);
    }, { once: true });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-demo]").forEach(start);
  });
})();
