// Every ```iommu block of docs/language.md is a fixture: it parses and builds with no diagnostics
// (errors or warnings), or with exactly the codes its first line declares (`// diagnostics: A B`).
// Blocks whose first line is `// complete` must also lint clean and pass all their expect lines.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDescription } from "../../src/lang/parser";
import { buildModel } from "../../src/lang/model";
import { lintDescriptionFull } from "../../src/lang/lint";
import { repoRoot } from "../support/paths";

interface Block {
  readonly line: number;
  readonly text: string;
}

function blocks(): Block[] {
  const doc = readFileSync(join(repoRoot(), "docs", "language.md"), "utf8");
  const out: Block[] = [];
  const lines = doc.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== "```iommu") continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j]!.trim() !== "```") j++;
    out.push({ line: start + 1, text: lines.slice(start, j).join("\n") + "\n" });
    i = j;
  }
  return out;
}

const stubDumps = {
  importDump: () => ({ words: [], problems: [] }),
  importBinary: () => ({ words: [], problems: [] }),
};

test("docs/language.md has iommu blocks for every statement", () => {
  const all = blocks()
    .map((b) => b.text)
    .join("\n");
  for (const kw of [
    "smmu",
    "ste",
    "cd",
    "l1cd",
    "l1std",
    "pagetable",
    "map",
    "memory",
    "abort",
    "label",
    "event",
    "include",
    "expect",
  ]) {
    assert.match(all, new RegExp(`(^|\\n)\\s*${kw}\\b`), `no example of ${kw}`);
  }
});

for (const b of blocks()) {
  test(`docs/language.md block at line ${b.line}`, () => {
    const first = b.text.split("\n")[0]!;
    const declared = /^\/\/ diagnostics:\s*(.*)$/.exec(first)?.[1]?.split(/\s+/).filter(Boolean) ?? [];
    const parse = parseDescription(b.text, "/doc/block.iommu");
    const model = buildModel(parse, { root: "/doc", readInclude: () => "", dumps: stubDumps });
    const got = model.diagnostics
      .filter((d) => d.severity === "error" || d.severity === "warning")
      .map((d) => d.code)
      .sort();
    assert.deepEqual(got, [...declared].sort(), JSON.stringify(model.diagnostics.map((d) => [d.code, d.message])));
    if (first.trim() === "// complete") {
      const lint = lintDescriptionFull(model);
      assert.deepEqual(
        lint.diagnostics.filter((d) => d.severity === "error" || d.severity === "warning"),
        [],
      );
      assert.ok(lint.expectations.length > 0);
      for (const e of lint.expectations) assert.ok(e.pass, `${e.text}: ${e.message}`);
    }
  });
}
