// Lint: typescript-eslint's recommended type-aware rules plus the import boundaries between
// folders (see docs/ARCHITECTURE.md, "Invariants"). The compiler enforces the same boundaries
// through each folder's tsconfig (types, lib, references); this rule names the offending import.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Import specifiers as anchored regular expressions (the gitignore-style `group` patterns match any
// path segment, so "vscode-*" would also refuse "@vscode-elements/elements/dist/vscode-table").
const VSCODE = "^(vscode|vscode-[^/]+|@vscode/[^/]+)(/.*)?$";
const NODE_BUILTINS =
  "^(node:.*|fs|path|os|child_process|crypto|util|stream|events|url|readline|worker_threads|net|http|https|buffer|process|zlib|assert)(/.*)?$";
/** A relative import that reaches into another top-level folder (`../../engine/src/x`). */
const into = (...folders) => `^(\\.\\.?/)+(\\.\\./)*(${folders.join("|")})(/.*)?$`;

/**
 * Folders and what they may not import. test/boundaries.test.ts lints probe files with exactly
 * these rules and scans the tree with them, so keep them here and only here.
 */
export const boundaries = [
  {
    files: ["engine/src/**/*.ts"],
    patterns: [
      { regex: VSCODE, message: "engine/ is pure: no VS Code, no Node built-ins, no DOM." },
      { regex: NODE_BUILTINS, message: "engine/ is pure: no VS Code, no Node built-ins, no DOM." },
      {
        regex: into("extension", "language-server", "debug-adapter", "cli", "webview", "protocol", "bench", "test"),
        message: "engine/ imports nothing outside engine/.",
      },
    ],
  },
  {
    files: ["protocol/src/**/*.ts"],
    patterns: [
      { regex: VSCODE, message: "protocol/ is plain types shared by every side; it imports nothing." },
      { regex: NODE_BUILTINS, message: "protocol/ is plain types shared by every side; it imports nothing." },
      {
        regex: into("engine", "extension", "language-server", "debug-adapter", "cli", "webview"),
        message: "protocol/ is plain types shared by every side; it imports nothing.",
      },
    ],
  },
  {
    files: ["extension/src/**/*.ts"],
    patterns: [
      {
        regex: into("engine", "language-server", "debug-adapter", "cli", "webview"),
        message: "extension/ talks LSP and DAP: it never imports the engine or the servers (only protocol/).",
      },
    ],
  },
  {
    files: ["webview/src/**/*.ts"],
    patterns: [
      { regex: VSCODE, message: "webview/ gets typed messages (protocol/) and computes nothing." },
      { regex: NODE_BUILTINS, message: "webview/ gets typed messages (protocol/) and computes nothing." },
      {
        regex: into("engine", "extension", "language-server", "debug-adapter", "cli"),
        message: "webview/ gets typed messages (protocol/) and computes nothing.",
      },
    ],
  },
  {
    files: ["language-server/src/**/*.ts", "debug-adapter/src/**/*.ts", "cli/src/**/*.ts", "bench/**/*.ts"],
    patterns: [
      {
        regex: "^(\\.\\.?/)+(\\.\\./)*engine/src/(?!index$).+",
        message: "hosts use the engine's public API (engine/src/index), not its internals.",
      },
    ],
  },
];

/** The boundary rules as flat-config entries (also used alone by test/boundaries.test.ts). */
export const boundaryConfigs = boundaries.map((b) => ({
  files: b.files,
  rules: { "no-restricted-imports": ["error", { patterns: b.patterns }] },
}));

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "out/",
      "dist/",
      ".cache/",
      ".tmp/",
      "scripts/boundaries/",
      "test-output/",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "Literal[bigint]",
          message: "Keep BigInt out of the engine (hold 64-bit words as two 32-bit halves).",
        },
      ],
    },
  },
  ...boundaryConfigs,
  {
    files: ["**/test/**/*.ts", "test/**/*.ts", "bench/**/*.ts"],
    rules: { "no-restricted-syntax": "off", "@typescript-eslint/no-floating-promises": "off" },
  },
);
