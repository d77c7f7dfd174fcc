// SPDX-License-Identifier: MIT OR Apache-2.0
// The one JavaScript style of theme/js/: modern syntax (const/let, classes,
// arrow functions), classic scripts that each wrap themselves in a function
// and export through `window`. `.ci/run` runs it; to run it by hand after
// `.ci/run` installed it:
//   NODE_PATH=target/js-lint/<key>/node_modules node target/js-lint/<key>/node_modules/eslint/bin/eslint.js \
//     --config theme/lint/eslint.config.cjs theme/js
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  {
    // Run with --config from the repository's root, which is then the base of these paths.
    files: ["theme/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, ...globals.serviceworker },
    },
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
  },
];
