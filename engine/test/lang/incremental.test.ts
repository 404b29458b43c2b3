// The incremental analyzer gives exactly what a from-scratch analyzeDescription gives: for random
// edit sequences on the examples and fixtures (characters that change statements, blocks, lines
// and comments), the diagnostics, expectation results, comments and line count are the same,
// and the cheap paths are taken only when they may be.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { IncrementalAnalyzer } from "../../src/lang/incremental";
import { analyzeDescription } from "../../src/lang/lint";
import { repoRoot } from "../support/paths";

const ROOT = repoRoot();
const texts = [join(ROOT, "examples"), join(ROOT, "engine/test/lang/fixtures")].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".iommu"))
    .sort()
    .map((f) => readFileSync(join(dir, f), "utf8")),
);

const opts = { root: "/inc", readInclude: (p: string) => (p.endsWith(".iommu") ? "label inc @0x1000\n" : undefined) };
const FILE = "/inc/edit.iommu";

/** What an editor shows: everything but object identity. */
function observable(r: ReturnType<typeof analyzeDescription>): unknown {
  return JSON.parse(
    JSON.stringify({
      diagnostics: r.diagnostics,
      expectations: r.expectations.map((e) => ({ pass: e.pass, message: e.message, span: e.span })),
      comments: r.parse.comments,
      lineCount: r.parse.lineCount,
      nodes: r.parse.nodes.length,
    }),
  );
}

const edit = fc.record({
  at: fc.nat(),
  remove: fc.integer({ min: 0, max: 3 }),
  insert: fc.oneof(
    fc.constantFrom("", "7", "x", " ", "\n", "{", "}", ";", "// c", "#", "ste 0x3 {", "\n}\n", "memory", "\r\n", "\r"),
    fc.string({ maxLength: 6 }),
    fc.string({ unit: "binary", maxLength: 3 }),
  ),
});

test("random edits: incremental analysis equals a from-scratch analysis", () => {
  fc.assert(
    fc.property(fc.nat(texts.length - 1), fc.array(edit, { minLength: 1, maxLength: 6 }), (which, edits) => {
      let text = texts[which]!;
      const inc = new IncrementalAnalyzer();
      assert.deepEqual(observable(inc.analyze(text, FILE, opts)), observable(analyzeDescription(text, FILE, opts)));
      for (const e of edits) {
        const at = e.at % (text.length + 1);
        text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        const got = inc.analyze(text, FILE, opts);
        assert.deepEqual(observable(got), observable(analyzeDescription(text, FILE, opts)));
      }
    }),
    { numRuns: 120, interruptAfterTimeLimit: 60_000 },
  );
});

test("an edit inside a comment keeps the model; the same text is returned as is; other edits rebuild", () => {
  const base = "smmu s {\n  oas 48\n}\n// a comment\nlabel a @0x1000\n";
  const inc = new IncrementalAnalyzer();
  const first = inc.analyze(base, FILE, opts);
  assert.equal(inc.lastPath, "rebuilt");
  const commented = inc.analyze(base.replace("a comment", "a c0mment"), FILE, opts);
  assert.equal(inc.lastPath, "tree-unchanged");
  assert.equal(commented.model, first.model);
  assert.equal(commented.parse.comments[0]!.text, "// a c0mment");
  inc.analyze(base.replace("a comment", "a c0mment"), FILE, opts);
  assert.equal(inc.lastPath, "unchanged");
  const moved = inc.analyze(base.replace("0x1000", "0x2000").replace("a comment", "a c0mment"), FILE, opts);
  assert.equal(inc.lastPath, "rebuilt");
  assert.equal(moved.model.labels.get("a")?.addr, 0x2000);
});

test("a block left open before the next keyword reports what a whole parse reports", () => {
  const text = "ste 0x1 {\n  config bypass\nlabel b @0x2000\n";
  const inc = new IncrementalAnalyzer();
  inc.analyze("ste 0x1 {\n  config bypass\n}\nlabel b @0x2000\n", FILE, opts);
  const got = inc.analyze(text, FILE, opts);
  const want = analyzeDescription(text, FILE, opts);
  assert.deepEqual(observable(got), observable(want));
  assert.ok(got.diagnostics.some((d) => d.message === "this { has no matching } before 'label' on line 3"));
});

test("a lone high surrogate before a line end does not swallow the line end", () => {
  const text = "label a @0x1000\n\ud800\nlabel b @0x2000 junk\n";
  const r = analyzeDescription(text, FILE, opts);
  assert.equal(r.parse.lineCount, 4);
  const junk = r.diagnostics.find((d) => d.span?.start.line === 2);
  assert.ok(junk, JSON.stringify(r.diagnostics));
  assert.deepEqual(observable(new IncrementalAnalyzer().analyze(text, FILE, opts)), observable(r));
});

test("a description with include lines is rebuilt even for the same text (the included file may have changed)", () => {
  let included = "label inc @0x1000\n";
  const reading = { root: "/inc", readInclude: () => included };
  const text = 'include "part.iommu"\nlabel a @inc\n';
  const inc = new IncrementalAnalyzer();
  assert.equal(inc.analyze(text, FILE, reading).model.labels.get("a")?.addr, 0x1000);
  included = "label inc @0x3000\n";
  assert.equal(inc.analyze(text, FILE, reading).model.labels.get("a")?.addr, 0x3000);
  assert.equal(inc.lastPath, "rebuilt");
});

test("replayed pagetables, structures and legality follow what they read: labels, profile, stream table, words", () => {
  const base = [
    "smmu host {",
    "  oas 48; sidsize 16; granules 4k 64k; stages s1 s2",
    "  strtab linear @0x8000_0000 log2size 8",
    "}",
    "// spare line",
    "ste 0x1 {",
    "  config stage1; s1contextptr @cd1",
    "}",
    "cd cd1 @0x9000_0000 {",
    "  t0sz 25; tg0 4k; ips 48; aa64 1; a 1; asid 3; ttb0 @pt1",
    "}",
    "pagetable pt1 stage1 granule 4k ia 39 @0xa000_0000 {",
    "  map 0x1000 size 8K -> @buf attrindx 1 ap rw sh ish af",
    "}",
    "memory @buf + 0x1000 {",
    "  0x1 0x2",
    "}",
    "label buf @0xb000_0000",
    "expect translate sid 0x1 iova 0x1010 read -> 0xb000_0010",
    "",
  ].join("\n");
  const steps = [
    base,
    base.replace("label buf @0xb000_0000", "label buf @0xc000_0000"), // a map's output label moves
    base.replace("cd cd1 @0x9000_0000", "cd cd1 @0x9100_0000"), // the CD an STE field names moves
    base.replace("granules 4k 64k", "granules 64k"), // the profile no longer has the table's granule
    base.replace("strtab linear @0x8000_0000", "strtab linear @0x8100_0000"), // the STE moves
    base + "memory @0xa000_0000 {\n  0x1234\n}\n", // another statement writes a descriptor's word
    base + "memory @0xb000_1008 {\n  0x3\n}\n", // and a word of a replayed memory block
    base + "label buf @0xd000_0000\n", // the label is defined twice
    base.replace("label buf @0xb000_0000", ""), // the label is gone
    base,
    base.replace("sh ish af", "sh ish"), // the CD's access-flag scan reads other leaf words (CD-WARN-AF0)
    base,
    base.replace("// spare line", "ste 0x1 = 0x0 0x0"), // an STE for the same StreamID before the replayed one
    base,
  ];
  const memoryOf = (r: ReturnType<typeof analyzeDescription>): string[] =>
    [...r.model.memory.words()].map((w) => `${w.addr}:${w.lo}:${w.hi}:${w.provenance?.what ?? ""}`);
  const inc = new IncrementalAnalyzer();
  for (const text of steps) {
    const got = inc.analyze(text, FILE, opts);
    const want = analyzeDescription(text, FILE, opts);
    assert.deepEqual(observable(got), observable(want), text);
    assert.deepEqual(memoryOf(got), memoryOf(want), text);
    assert.deepEqual(
      got.model.structures.map((s) => [s.type, s.addr, s.pa, [...s.words]]),
      want.model.structures.map((s) => [s.type, s.addr, s.pa, [...s.words]]),
    );
    assert.deepEqual(
      got.model.pageTables.map((t) => [t.name, t.root, t.tables]),
      want.model.pageTables.map((t) => [t.name, t.root, t.tables]),
    );
  }
  // the steps do differ from each other (the test would be vacuous otherwise)
  const codes = steps.map((t) =>
    analyzeDescription(t, FILE, opts)
      .diagnostics.map((d) => d.code)
      .join(),
  );
  assert.ok(new Set(codes).size >= 4, codes.join(" | "));
});
