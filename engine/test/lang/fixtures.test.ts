// Deliberately broken fixtures (engine/test/lang/fixtures/*.iommu) give exactly these diagnostics:
// code, range (0-based line, character → line, character) and message, the legality findings of
// checkSte/checkCd included. Severity "information" diagnostics are left out; everything else must
// match one for one, in order.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeDescription } from "../../src/lang/lint";

type Expected = [code: string, line: number, character: number, endLine: number, endCharacter: number, message: string];

const FIXTURES: Record<string, Expected[]> = {
  "bad-values.iommu": [
    ["LANG-VALUE-RANGE", 1, 30, 1, 41, "S1ContextPtr holds an address aligned to 0x40 bytes: 0x40000020 is not"],
    ["LANG-VALUE-RANGE", 2, 9, 2, 13, "0x40 does not fit in S2T0SZ (6 bits, at most 0x3f)"],
    ["LANG-VALUE-RANGE", 2, 20, 2, 22, "8k is not a value of S2TG: 4KB (0), 64KB (1), 16KB (2)"],
    [
      "LANG-VALUE-RANGE",
      2,
      29,
      2,
      31,
      "45 is not a value of S2PS: 32-bit (0), 36-bit (1), 40-bit (2), 42-bit (3), 44-bit (4), 48-bit (5), 52-bit (6), 56-bit (7)",
    ],
    [
      "STE-ILL-S2AA32",
      0,
      0,
      0,
      3,
      "S2AA64 is 0 (VMSAv8-32 stage-2 tables) but the SMMU supports only VMSAv8-64 (IDR0.TTF): the SMMU raises C_BAD_STE.",
    ],
  ],
  "labels-and-structures.iommu": [
    ["LANG-DUPLICATE-LABEL", 7, 6, 7, 7, "a is defined twice"],
    ["LANG-DUPLICATE-STRUCTURE", 2, 4, 2, 5, "StreamID 0x1 has two STEs"],
    [
      "LANG-NO-PLACEMENT",
      3,
      4,
      3,
      8,
      "StreamID 0x40 is beyond the stream table (log2size 4, SIDSIZE 16): the SMMU raises C_BAD_STREAMID",
    ],
    ["LANG-NO-PLACEMENT", 5, 0, 5, 2, "a cd needs a placement: @address or @ipa address"],
    ["LANG-MISALIGNED", 8, 7, 8, 13, "memory blocks hold 64-bit words: 0x1004 is not 8-byte aligned"],
    [
      "CD-ILL-AA32",
      4,
      0,
      4,
      2,
      "AA64 is 0 (VMSAv8-32 tables) but the SMMU supports only VMSAv8-64 (IDR0.TTF): the SMMU raises C_BAD_CD.",
    ],
    [
      "CD-WARN-NO-RECORD",
      4,
      0,
      4,
      2,
      "R is 0 and S is 0: stage-1 faults of this context terminate silently, no event is recorded.",
    ],
  ],
  "map-problems.iommu": [
    ["LANG-MISALIGNED", 0, 37, 0, 49, "the root table (0x1000 bytes) must be aligned to its size: 0x40000800 is not"],
    ["LANG-MISALIGNED", 1, 24, 1, 35, "map input, size and output must be 4K-aligned (the granule)"],
    [
      "LANG-MAP-RANGE",
      2,
      6,
      2,
      20,
      "0x8000000fff is beyond the 39-bit input range of pt: the walk raises F_TRANSLATION",
    ],
    ["LANG-MISSING-FIELD", 5, 2, 5, 5, "map needs `size <size>`"],
    ["LANG-MAP-OVERLAP", 4, 2, 4, 38, "this mapping overlaps another one of pt at 0x3000"],
    ["LANG-UNKNOWN-ATTRIBUTE", 3, 39, 3, 49, "'frobnicate' is not a stage-1 mapping attribute"],
    [
      "LANG-UNREACHABLE-TABLE",
      0,
      0,
      0,
      12,
      "no STE, CD or descriptor refers to pagetable pt (root 0x40000800): the SMMU never walks it",
    ],
  ],
  "nested-ipa.iommu": [
    ["LANG-IPA-UNMAPPED", 6, 0, 6, 39, "several stage-2 pagetables: say which one with `via <name>`"],
    ["LANG-IPA-UNMAPPED", 7, 6, 7, 22, "IPA 0x50000000 of this cd is not mapped by the stage-2 tables"],
    [
      "LANG-UNREACHABLE-TABLE",
      0,
      0,
      0,
      13,
      "no STE, CD or descriptor refers to pagetable s2a (root 0x90000000): the SMMU never walks it",
    ],
    [
      "LANG-UNREACHABLE-TABLE",
      3,
      0,
      3,
      13,
      "no STE, CD or descriptor refers to pagetable s2b (root 0x91000000): the SMMU never walks it",
    ],
    [
      "CD-ILL-AA32",
      5,
      0,
      5,
      2,
      "AA64 is 0 (VMSAv8-32 tables) but the SMMU supports only VMSAv8-64 (IDR0.TTF): the SMMU raises C_BAD_CD.",
    ],
    [
      "CD-WARN-NO-RECORD",
      5,
      0,
      5,
      2,
      "R is 0 and S is 0: stage-1 faults of this context terminate silently, no event is recorded.",
    ],
    [
      "CD-ILL-AA32",
      6,
      0,
      6,
      2,
      "AA64 is 0 (VMSAv8-32 tables) but the SMMU supports only VMSAv8-64 (IDR0.TTF): the SMMU raises C_BAD_CD.",
    ],
    [
      "CD-WARN-NO-RECORD",
      6,
      0,
      6,
      2,
      "R is 0 and S is 0: stage-1 faults of this context terminate silently, no event is recorded.",
    ],
    [
      "CD-ILL-AA32",
      7,
      0,
      7,
      2,
      "AA64 is 0 (VMSAv8-32 tables) but the SMMU supports only VMSAv8-64 (IDR0.TTF): the SMMU raises C_BAD_CD.",
    ],
    [
      "CD-WARN-NO-RECORD",
      7,
      0,
      7,
      2,
      "R is 0 and S is 0: stage-1 faults of this context terminate silently, no event is recorded.",
    ],
  ],
  "unclosed-block.iommu": [["LANG-UNCLOSED-BLOCK", 1, 6, 1, 7, "this { has no matching } before 'ste' on line 4"]],
};

// the fixtures live next to the sources; tests run from out/, so find them from the repository root
function fixtureDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "engine", "test", "lang", "fixtures");
    try {
      readFileSync(join(candidate, "unclosed-block.iommu"));
      return candidate;
    } catch {
      dir = join(dir, "..");
    }
  }
  throw new Error("fixtures not found above " + __dirname);
}

for (const [name, expected] of Object.entries(FIXTURES)) {
  test(`fixture ${name}`, () => {
    const text = readFileSync(join(fixtureDir(), name), "utf8");
    const r = analyzeDescription(text, "/fx/" + name, { root: "/fx", readInclude: () => undefined });
    const got = r.diagnostics
      .filter((d) => d.severity !== "information")
      .map((d) => [
        d.code,
        d.span!.start.line,
        d.span!.start.character,
        d.span!.end.line,
        d.span!.end.character,
        d.message,
      ]);
    assert.deepEqual(got, expected);
  });
}
