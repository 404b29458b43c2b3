// Formatter: canonical spacing and indentation, comments kept, raw words aligned, idempotent
// (property), and meaning preserved (the formatted examples build the same memory image).

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { formatDescription } from "../../src/lang/format";
import { parseDescription } from "../../src/lang/parser";
import { buildModel } from "../../src/lang/model";
import { lex } from "../../src/lang/lexer";
import { repoRoot } from "../support/paths";

const EXAMPLES = join(repoRoot(), "examples");
const exampleFiles = (): string[] => readdirSync(EXAMPLES).filter((f) => f.endsWith(".iommu"));

test("spacing, indentation, blank lines", () => {
  const src =
    "smmu   host{\noas 44;sidsize 16\n\n\n   strtab linear @ 0x8000_0000 log2size 8}\nste 1 {config bypass ; s2ttb @t+0x40}\n\n";
  assert.equal(
    formatDescription(src),
    "smmu host {\n  oas 44; sidsize 16\n\n  strtab linear @0x8000_0000 log2size 8 }\nste 1 { config bypass; s2ttb @t + 0x40 }\n",
  );
});

test("raw words are aligned in columns; trailing comments share a column", () => {
  const src =
    "memory @0x1000 {\n  0x1 0x22 0x333\n  0x4444 0x5 0x6\n}\n" +
    "ste 1 = 0x1 0x0 // short\nste 0x7d12 = 0x80100007 0x0 // long\n";
  assert.equal(
    formatDescription(src),
    "memory @0x1000 {\n  0x1    0x22 0x333\n  0x4444 0x5  0x6\n}\n" +
      "ste 1 =      0x1        0x0  // short\nste 0x7d12 = 0x80100007 0x0  // long\n",
  );
});

test("every comment is kept, in order", () => {
  for (const f of exampleFiles()) {
    const src = readFileSync(join(EXAMPLES, f), "utf8");
    const before = lex(src).comments.map((c) => c.text.trimEnd());
    const after = lex(formatDescription(src)).comments.map((c) => c.text);
    assert.deepEqual(after, before, f);
  }
});

test("formatting an example keeps its meaning: same memory image, same diagnostics", () => {
  for (const f of exampleFiles()) {
    const src = readFileSync(join(EXAMPLES, f), "utf8");
    const opts = { root: EXAMPLES, readInclude: (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : undefined) };
    const a = buildModel(parseDescription(src, join(EXAMPLES, f)), opts);
    const b = buildModel(parseDescription(formatDescription(src), join(EXAMPLES, f)), opts);
    const words = (m: typeof a): string[] => [...m.memory.words()].map((w) => `${w.addr}:${w.hi}:${w.lo}`);
    assert.deepEqual(words(b), words(a), f);
    assert.deepEqual(
      b.diagnostics.map((d) => d.code),
      a.diagnostics.map((d) => d.code),
      f,
    );
  }
});

const fragments = [
  "smmu {",
  "}",
  "{",
  "ste 0x7d11 {",
  "config nested; s1cdmax 0",
  "ste 2 = 0x1 0x22 0x333",
  "memory @0x9100_0000 {",
  "0x1 0x2",
  "0x33333 0x4 0x55",
  "map 0x1000 size 4K -> 0x5000 ap rw af",
  "pagetable t stage1 granule 4k @ipa 0x4000_0000 {",
  "// comment",
  "# hash comment",
  "expect translate sid 1 iova 0x10 read -> 0x10 // trailing",
  'include "a.iommu"',
  '"unterminated',
  "@",
  "@ foo",
  "-> -",
  "0x12g;;",
  "event = 1 2 3 4",
  "   ",
  "",
  "\t\tv 1 ;",
  "a$b",
  "}}",
];

test("formatting is idempotent (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 12 })), { maxLength: 30 }),
      fc.constantFrom("\n", "\r\n", " ", "; "),
      (parts, sep) => {
        const once = formatDescription(parts.join(sep));
        assert.equal(formatDescription(once), once);
      },
    ),
    { numRuns: 200, interruptAfterTimeLimit: 10_000 },
  );
});

test("formatting every example is idempotent", () => {
  for (const f of exampleFiles()) {
    const once = formatDescription(readFileSync(join(EXAMPLES, f), "utf8"));
    assert.equal(formatDescription(once), once, f);
  }
});
