// Runs the TextMate grammar tests (test/grammar/*.test.iommu, *.test.log, *.test.md) with vscode-tmgrammar-test
// and fails with the tool's output when any scope assertion fails. Also checks that the tool
// really reports a wrong assertion, and that language-configuration.json says what the language
// does (docs/language.md §1).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The repository root, whether this runs from test/ (tsx) or out/test/ (compiled). */
function findRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "syntaxes")) && existsSync(join(dir, "package.json"))) return dir;
    dir = join(dir, "..");
  }
  throw new Error(`cannot find the repository root above ${__dirname}`);
}

const root = findRoot();
const grammarDir = join(root, "test", "grammar");
const tool = join(root, "node_modules", "vscode-tmgrammar-test", "dist", "unit.js");
const config = join(grammarDir, "config.json");

function runTool(files: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [tool, "--config", config, ...files], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test("grammar scope assertions hold (vscode-tmgrammar-test)", () => {
  const files = readdirSync(grammarDir)
    .filter((f) => /\.test\.(iommu|log|md)$/.test(f))
    .map((f) => join(grammarDir, f));
  assert.ok(files.length >= 5, `grammar test files in ${grammarDir}`);
  const r = runTool(files);
  assert.equal(r.status, 0, r.output);
  for (const f of files)
    assert.ok(r.output.includes(f.slice(root.length + 1)) || r.output.includes(f), `the tool ran ${f}`);
});

test("the grammar test tool reports a wrong assertion (so the test above can fail)", () => {
  const dir = mkdtempSync(join(tmpdir(), "iommu-grammar-"));
  try {
    const file = join(dir, "wrong.test.iommu");
    writeFileSync(
      file,
      '// SYNTAX TEST "source.iommu"\nste 0x10 { config nested }\n// <--- constant.numeric.hex.iommu\n',
    );
    const r = runTool([file]);
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /missing required scopes: constant\.numeric\.hex\.iommu/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface LanguageConfiguration {
  comments: { lineComment?: string; blockComment?: [string, string] };
  brackets: [string, string][];
  autoClosingPairs: { open: string; close: string }[];
  wordPattern: string;
  folding?: { markers?: { start: string; end: string } };
}

test("language-configuration.json: // comments, { } blocks, words that include 0x hex with _", () => {
  const lc = JSON.parse(readFileSync(join(root, "language-configuration.json"), "utf8")) as LanguageConfiguration;
  assert.equal(lc.comments.lineComment, "//");
  assert.equal(lc.comments.blockComment, undefined, "the language has no block comments");
  assert.deepEqual(lc.brackets, [["{", "}"]]);
  assert.deepEqual(
    lc.autoClosingPairs.map((p) => p.open + p.close),
    ["{}", '""'],
  );
  const word = new RegExp(`^(?:${lc.wordPattern})$`);
  for (const w of [
    "0x8000_0000",
    "0x8_4000_0000",
    "0b101",
    "64KB",
    "4k",
    "s2t0sz",
    "priv-rw",
    "qemu-xp",
    "F_PERMISSION",
    "a.b",
  ])
    assert.ok(word.test(w), `${w} is one word`);
  for (const w of ["@label", "x->y", "0x1 0x2", "a;b"]) assert.ok(!word.test(w), `${w} is not one word`);
  const markers = lc.folding?.markers;
  assert.ok(
    markers && new RegExp(markers.start).test("  // region tables") && new RegExp(markers.end).test("// endregion"),
  );
});

test("the grammar files are valid JSON with the agreed scope names", () => {
  const iommu = JSON.parse(readFileSync(join(root, "syntaxes", "iommu.tmLanguage.json"), "utf8")) as {
    scopeName: string;
  };
  assert.equal(iommu.scopeName, "source.iommu");
  const log = JSON.parse(readFileSync(join(root, "syntaxes", "iommu-log.injection.tmLanguage.json"), "utf8")) as {
    scopeName: string;
    injectionSelector: string;
  };
  assert.equal(log.scopeName, "iommu-log.injection");
  assert.match(log.injectionSelector, /text\.log/);
  const md = JSON.parse(readFileSync(join(root, "syntaxes", "iommu-markdown.injection.tmLanguage.json"), "utf8")) as {
    scopeName: string;
    injectionSelector: string;
  };
  assert.equal(md.scopeName, "markdown.iommu.codeblock");
  assert.match(md.injectionSelector, /text\.html\.markdown/);
});
