// The folder boundaries (docs/ARCHITECTURE.md, "Invariants") are enforced twice, and this test
// proves both checks work — that they pass on the tree and that they *can fail*:
// (a) the lint rule: eslint.config.mjs's own boundary rules (imported, not copied) scan every
//     source file, and refuse probe files that import across a boundary;
// (b) the compiler: a probe importing "vscode" (or "node:fs", or touching the DOM) does not compile
//     under engine/tsconfig.json, while the same file compiles under extension/tsconfig.json.
// Probes live in memory (lint) or in a temporary folder under .tmp/ (git-ignored) that is removed.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, it } from "node:test";
import { ESLint, type Linter } from "eslint";
import tseslint from "typescript-eslint";

function findRepoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}
const root = findRepoRoot();

async function boundaryLinter(): Promise<ESLint> {
  const config = (await import(pathToFileURL(join(root, "eslint.config.mjs")).href)) as {
    boundaryConfigs: Linter.Config[];
  };
  assert.ok(config.boundaryConfigs.length >= 5, "eslint.config.mjs exports its boundary rules");
  return new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser } }, ...config.boundaryConfigs],
  });
}

async function boundaryErrors(eslint: ESLint, file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("boundaries: the lint rule", () => {
  it("finds no forbidden import anywhere in the source tree", async () => {
    const eslint = await boundaryLinter();
    const folders = ["engine", "protocol", "language-server", "debug-adapter", "cli", "extension", "webview", "bench"];
    const results = await eslint.lintFiles(folders.filter((f) => existsSync(join(root, f))).map((f) => `${f}/**/*.ts`));
    assert.ok(results.length > 20, `scanned ${results.length} files`);
    const offences = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === "no-restricted-imports")
        .map((m) => `${relative(root, r.filePath)}:${m.line}: ${m.message}`),
    );
    assert.deepEqual(offences, []);
  });

  // [file the probe pretends to be, import specifier, refused?]
  const cases: [string, string, boolean][] = [
    ["engine/src/probe.ts", "vscode", true],
    ["engine/src/probe.ts", "vscode-languageserver/node", true],
    ["engine/src/probe.ts", "@vscode/debugadapter", true],
    ["engine/src/probe.ts", "node:fs", true],
    ["engine/src/probe.ts", "fs", true],
    ["engine/src/smmuv3/probe.ts", "../../../cli/src/main", true],
    ["engine/src/smmuv3/probe.ts", "../../../protocol/src/index", true],
    ["engine/src/smmuv3/probe.ts", "../bits/u64", false],
    ["protocol/src/probe.ts", "vscode", true],
    ["protocol/src/probe.ts", "../../engine/src/index", true],
    ["extension/src/probe.ts", "../../engine/src/index", true],
    ["extension/src/probe.ts", "../../engine/src/smmuv3/walk/translate", true],
    ["extension/src/probe.ts", "../../language-server/src/server", true],
    ["extension/src/probe.ts", "vscode", false],
    ["extension/src/probe.ts", "vscode-languageclient/node", false],
    ["extension/src/probe.ts", "../../protocol/src/index", false],
    ["webview/src/panels/probe.ts", "vscode", true],
    ["webview/src/panels/probe.ts", "node:path", true],
    ["webview/src/panels/probe.ts", "../../../engine/src/index", true],
    ["webview/src/panels/probe.ts", "../../../extension/src/extension", true],
    ["webview/src/panels/probe.ts", "../../../protocol/src/index", false],
    ["webview/src/panels/probe.ts", "lit", false],
    ["webview/src/panels/probe.ts", "@vscode-elements/elements/dist/vscode-table/index.js", false],
    ["language-server/src/probe.ts", "../../engine/src/lang/parser", true],
    ["language-server/src/features/probe.ts", "../../../engine/src/index", false],
    ["debug-adapter/src/probe.ts", "../../engine/src/smmuv3/walk/translate", true],
    ["cli/src/verbs/probe.ts", "../../../engine/src/logscan/scan", true],
    ["cli/src/verbs/probe.ts", "../../../engine/src/index", false],
  ];
  for (const [file, specifier, refused] of cases) {
    it(`${refused ? "refuses" : "allows"} ${JSON.stringify(specifier)} in ${file}`, async () => {
      const eslint = await boundaryLinter();
      const errors = await boundaryErrors(eslint, file, `import * as probe from "${specifier}";\nexport { probe };\n`);
      assert.equal(errors.length, refused ? 1 : 0, errors.join("; "));
    });
  }
});

/** Compiles `code` under a temporary tsconfig that extends `project`'s; returns tsc's output and status. */
function compileUnder(project: string, code: string): { status: number | null; output: string } {
  mkdirSync(join(root, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(root, ".tmp", "boundary-probe-"));
  try {
    writeFileSync(join(dir, "probe.ts"), code);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: relative(dir, join(root, project, "tsconfig.json")),
        compilerOptions: {
          rootDir: ".",
          noEmit: true,
          composite: false,
          incremental: false,
          declaration: false,
          declarationMap: false,
        },
        include: ["probe.ts"],
      }),
    );
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { encoding: "utf8" });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("boundaries: the compiler", () => {
  const IMPORT_VSCODE = `import * as vscode from "vscode";\nexport const probe: unknown = vscode;\n`;

  it('refuses `import * as vscode from "vscode"` in engine/', () => {
    const r = compileUnder("engine", IMPORT_VSCODE);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /probe\.ts\(1,25\): error TS2306: File '.*not-importable\.d\.ts' is not a module/);
  });

  it("compiles the very same file in extension/ (so the check above can fail)", () => {
    const r = compileUnder("extension", IMPORT_VSCODE);
    assert.equal(r.output.trim(), "");
    assert.equal(r.status, 0);
  });

  it("refuses vscode in protocol/ and webview/ too", () => {
    for (const project of ["protocol", "webview"]) {
      assert.match(compileUnder(project, IMPORT_VSCODE).output, /error TS2306/, project);
    }
  });

  it("refuses Node built-ins and the DOM in engine/", () => {
    const r = compileUnder(
      "engine",
      `import { readFileSync } from "node:fs";\nexport const probe: unknown = [readFileSync, document];\n`,
    );
    assert.match(r.output, /probe\.ts\(1,30\): error TS2307: Cannot find module 'node:fs'/);
    assert.match(r.output, /probe\.ts\(2,46\): error TS2584: Cannot find name 'document'/);
  });
});
