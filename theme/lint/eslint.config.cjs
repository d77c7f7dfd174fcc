// SPDX-License-Identifier: MIT OR Apache-2.0
// The one JavaScript style of theme/js/, of the kernel's host JavaScript
// (demo-build/host/) and of the build's node tools (demo-build/check-js-api.js,
// demo-build/libc/): modern syntax (const/let, classes, arrow functions),
// classic scripts that each wrap themselves in a function and export through
// `window` (theme/js) or Emscripten's `Module` (demo-build/host). `.ci/run`
// runs it; to run it by hand after `.ci/run` installed it:
//   NODE_PATH=target/js-lint/<key>/node_modules node target/js-lint/<key>/node_modules/eslint/bin/eslint.js \
//     --config theme/lint/eslint.config.cjs theme/js demo-build/host demo-build/check-js-api.js demo-build/libc
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

const style = {
  linterOptions: { reportUnusedDisableDirectives: "error" },
  rules: {
    ...js.configs.recommended.rules,
    "no-unused-vars": ["error", { caughtErrors: "none" }],
    "no-var": "error",
    "prefer-const": "error",
    "prefer-arrow-callback": "error",
    "object-shorthand": ["error", "methods"],
    "no-restricted-syntax": [
      "error",
      {
        selector: "AssignmentExpression > MemberExpression.left > MemberExpression.object[property.name='prototype']",
        message: "Define methods in a class rather than on a prototype.",
      },
      {
        selector: "AssignmentExpression > MemberExpression.left[property.name='prototype']",
        message: "Use `class ... extends` rather than assigning a prototype.",
      },
    ],
    eqeqeq: ["error", "always", { null: "ignore" }],
  },
};

// What the host's --pre-js and --post-js files find in boot.js and
// selftest.js, on the main thread (a page or node) and in every worker:
// Emscripten's runtime, the build's generated --pre-js
// (lkljs-syscall-numbers.js) and the host library's C functions that
// JavaScript calls (EMSCRIPTEN_KEEPALIVE in js_api.c, user.c and console.c)
// or that are JavaScript (EM_JS in coroutine.c).
const emscriptenRuntime = Object.fromEntries(
  [
    "Module", "ENVIRONMENT_IS_PTHREAD", "ENVIRONMENT_IS_NODE", "HEAP32", "HEAPU8", "HEAPU32", "_malloc", "_free",
    "lengthBytesUTF8", "stringToUTF8", "stackSave", "stackRestore",
    "locateFile", "readBinary", "addRunDependency", "removeRunDependency",
    // Emscripten's worker pool and the compiled module (host/lkljs-workers.js).
    "PThread", "addOnInit",
    // The function table, abort, exit's exception, the import that
    // suspends and the module's file (host/lkljs-coroutines.js).
    "wasmTable", "abort", "ExitStatus", "lkljs_coroutine_suspend", "wasmBinaryFile",
    "lkljsSyscallNumbers", "lkljsErrno", "lkljsFcntl",
    "_lkljs_channel_open", "_lkljs_channel_submit", "_lkljs_channel_interrupt", "_lkljs_channel_close",
    "_lkljs_user_syscall_entry", "_lkljs_user_result_slot_entry", "_lkljs_user_leave_entry",
    "_lkljs_user_fault_entry", "_lkljs_user_work_pending_entry", "_lkljs_call_on_caller_entry", "_schedule",
    "_lkljs_js_console_input", "_lkljs_js_console_end_input", "_lkljs_js_console_resize",
  ].map((name) => [name, "readonly"]),
);
// The runtime's clock, which host/lkljs-clock.js replaces in a page.
emscriptenRuntime._emscripten_get_now = "writable";
// The runtime's print, which host/lkljs-node-console.js wraps for a broken pipe.
emscriptenRuntime.out = "writable";

module.exports = [
  {
    // Run with --config from the repository's root, which is then the base of these paths.
    files: ["theme/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, ...globals.serviceworker },
    },
    ...style,
  },
  {
    files: ["demo-build/host/**/*.js"],
    languageOptions: {
      // Emscripten 3.1.6 passes these files through its JavaScript optimizer,
      // whose printer (terser 3.14) knows ES2021 but not class fields (ES2022)
      // nor optional chaining (below); node 18 and browsers run the rest.
      ecmaVersion: 2021,
      sourceType: "script",
      globals: { ...globals.browser, ...globals.worker, ...globals.node, ...emscriptenRuntime },
    },
    ...style,
    rules: {
      ...style.rules,
      "no-restricted-syntax": [
        ...style.rules["no-restricted-syntax"],
        { selector: "ChainExpression", message: "Emscripten 3.1.6's JavaScript optimizer cannot print `?.`." },
      ],
      // The files share the scope of Emscripten's runtime: nothing may leak into it.
      "no-implicit-globals": "error",
    },
  },
  {
    // The build's node tools: the JS API check (check-js-api.js) and the
    // libc's program rewriter (lkljs-loop-check.js), CommonJS run by node as they are.
    files: ["demo-build/check-js-api.js", "demo-build/libc/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "commonjs",
      globals: { ...globals.node },
    },
    ...style,
  },
];
