// Robustness: random text, mutated examples and every prefix of every example go through parse,
// build, lint (and, at line prefixes, the expect lines through the walker) without throwing or
// hanging, and every diagnostic has a range inside the text.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parseDescription } from "../../src/lang/parser";
import { buildModel } from "../../src/lang/model";
import { lintDescriptionFull } from "../../src/lang/lint";
import { formatDescription } from "../../src/lang/format";
import type { EngineDiagnostic } from "../../src/diagnostics";
import { repoRoot } from "../support/paths";

const EXAMPLES = join(repoRoot(), "examples");
const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".iommu"))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(EXAMPLES, f), "utf8") }));

const opts = { root: "/fz", readInclude: (p: string) => (p.endsWith(".iommu") ? "label inc @0x1000\n" : undefined) };

function checkRanges(text: string, ds: readonly EngineDiagnostic[]): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of ds) {
    if (!d.span || d.span.file !== "/fz/x.iommu") continue;
    const { start, end } = d.span;
    assert.ok(start.line >= 0 && start.line < lines.length + 1, `${d.code} start line ${start.line}`);
    assert.ok(end.line >= start.line, `${d.code} range ends before it starts`);
    assert.ok(start.character >= 0 && start.character <= (lines[start.line]?.length ?? 0), `${d.code} start character`);
  }
}

function analyse(text: string, expectations: boolean): void {
  const parse = parseDescription(text, "/fz/x.iommu");
  const model = buildModel(parse, opts);
  const { diagnostics } = lintDescriptionFull(model, { expectations });
  checkRanges(text, diagnostics);
}

test("every prefix of every example: parse, build and lint never throw", () => {
  for (const { name, text } of examples) {
    const started = Date.now();
    for (let n = 0; n <= text.length; n++) {
      try {
        analyse(text.slice(0, n), false);
      } catch (e) {
        assert.fail(`${name}, prefix of ${n} characters: ${e instanceof Error ? e.stack : String(e)}`);
      }
    }
    assert.ok(Date.now() - started < 60_000, `${name} took too long`);
  }
});

test("every line prefix of every example, with the expect lines walked", () => {
  for (const { name, text } of examples) {
    const lines = text.split("\n");
    for (let n = 0; n <= lines.length; n++) {
      try {
        analyse(lines.slice(0, n).join("\n"), true);
      } catch (e) {
        assert.fail(`${name}, first ${n} lines: ${e instanceof Error ? e.stack : String(e)}`);
      }
    }
  }
});

const WORDS = [
  "smmu",
  "ste",
  "cd",
  "l1std",
  "l1cd",
  "pagetable",
  "map",
  "memory",
  "abort",
  "label",
  "event",
  "include",
  "expect",
  "translate",
  "legal",
  "illegal",
  "sid",
  "ssid",
  "iova",
  "read",
  "write",
  "exec",
  "fault",
  "stage",
  "level",
  "->",
  "=",
  "{",
  "}",
  ";",
  "@",
  "@ipa",
  "@t",
  "+",
  "size",
  "stage1",
  "stage2",
  "granule",
  "4k",
  "64k",
  "startlevel",
  "ia",
  "pool",
  "via",
  "config",
  "nested",
  "s2ttb",
  "ttb0",
  "t0sz",
  "af",
  "ap",
  "rw",
  "0x0",
  "0x1000",
  "0xffff_ffff_ffff_ffff",
  "0x1_0000_0000_0000_0000",
  "2M",
  "1G",
  "0b101",
  "99999999999999999",
  '"a.iommu"',
  '"../x"',
  "dump",
  "\n",
  "\n",
  "\n",
  "// c",
  "#",
  "strtab",
  "linear",
  "2-level",
  "log2size",
  "split",
];

test("random token soup never throws (property)", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 80 }), (ws) => {
      const text = ws.join(" ");
      analyse(text, true);
      formatDescription(text);
    }),
    { numRuns: 200, interruptAfterTimeLimit: 20_000 },
  );
});

test("random text never throws (property)", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (text) => {
      analyse(text, true);
      formatDescription(text);
    }),
    { numRuns: 200, interruptAfterTimeLimit: 10_000 },
  );
});

test("mutated examples never throw (property)", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...examples),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 4 }),
      (ex, edits) => {
        let text = ex.text;
        for (const [at, del, ins] of edits) {
          const p = at % (text.length + 1);
          text = text.slice(0, p) + ins + text.slice(p + del);
        }
        analyse(text, true);
      },
    ),
    { numRuns: 100, interruptAfterTimeLimit: 20_000 },
  );
});
