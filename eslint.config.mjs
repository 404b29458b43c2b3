// Lint: typescript-eslint's recommended type-aware rules plus the import boundaries between
// folders (see docs/ARCHITECTURE.md, "Invariants"). The compiler enforces the same boundaries
// through each folder's tsconfig (types, lib, references); this rule names the offending import.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const nodeBuiltins = [
  "node:*",
  "fs",
  "path",
  "os",
  "child_process",
  "crypto",
  "util",
  "stream",
  "events",
  "url",
  "readline",
  "worker_threads",
  "net",
  "http",
  "buffer",
  "process",
];

/** Folders and what they may not import. */
const boundaries = [
  {
    files: ["engine/src/**/*.ts"],
    patterns: [
      {
        group: ["vscode", "vscode-*", "@vscode/*", ...nodeBuiltins],
        message: "engine/ is pure: no VS Code, no Node built-ins, no DOM.",
      },
      {
        group: [
          "**/extension/**",
          "**/language-server/**",
          "**/debug-adapter/**",
          "**/cli/**",
          "**/webview/**",
          "**/protocol/**",
        ],
        message: "engine/ imports nothing outside engine/.",
      },
    ],
  },
  {
    files: ["protocol/src/**/*.ts"],
    patterns: [
      {
        group: [
          "vscode",
          "vscode-*",
          "@vscode/*",
          ...nodeBuiltins,
          "**/engine/**",
          "**/extension/**",
          "**/language-server/**",
          "**/webview/**",
        ],
        message: "protocol/ is plain types shared by every side; it imports nothing.",
      },
    ],
  },
  {
    files: ["extension/src/**/*.ts"],
    patterns: [
      {
        group: ["**/engine/**", "**/language-server/**", "**/cli/**", "**/webview/**"],
        message: "extension/ talks LSP and DAP: it never imports the engine or the servers (only protocol/).",
      },
    ],
  },
  {
    files: ["webview/src/**/*.ts"],
    patterns: [
      {
        group: [
          "vscode",
          "vscode-*",
          ...nodeBuiltins,
          "**/engine/**",
          "**/extension/**",
          "**/language-server/**",
          "**/debug-adapter/**",
          "**/cli/**",
        ],
        message: "webview/ gets typed messages (protocol/) and computes nothing.",
      },
    ],
  },
  {
    files: ["language-server/src/**/*.ts", "debug-adapter/src/**/*.ts", "cli/src/**/*.ts", "bench/**/*.ts"],
    patterns: [
      {
        group: ["**/engine/src/*/**", "!**/engine/src/index"],
        message: "hosts use the engine's public API (engine/src/index), not its internals.",
      },
    ],
  },
];

export default tseslint.config(
  { ignores: ["node_modules/", "out/", "dist/", ".cache/", "test-output/", "**/*.js", "**/*.mjs", "**/*.cjs"] },
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
  ...boundaries.map((b) => ({
    files: b.files,
    rules: { "no-restricted-imports": ["error", { patterns: b.patterns }] },
  })),
  {
    files: ["**/test/**/*.ts", "test/**/*.ts", "bench/**/*.ts"],
    rules: { "no-restricted-syntax": "off", "@typescript-eslint/no-floating-promises": "off" },
  },
);
