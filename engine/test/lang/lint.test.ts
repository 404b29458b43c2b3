// Linter and expectations: walk checks through W1's translate, legality, events, unreachable tables.

import { test } from "node:test";
import assert from "node:assert/strict";
import { analyzeDescription } from "../../src/lang/lint";

const S1_ONLY = `smmu { oas 48; strtab linear @0x8000_0000 log2size 8 }
ste 0x42 { config 0b101; s1contextptr @cd0 }
cd cd0 @0x4000_0000 { t0sz 16; tg0 4k; ips 48; aa64 1; r 1; a 1; epd1 1; ttb0 @s1 }
pagetable s1 stage1 granule 4k ia 48 @0x4100_0000 {
  map 0xffff_f000 size 4K -> 0x8_1234_5000 attrindx 1 ap ro sh ish af ng pxn uxn
  map 0x1_0000 size 4K -> 0x7000_0000 ap rw
}
`;

function run(text: string): ReturnType<typeof analyzeDescription> {
  return analyzeDescription(text, "/ws/t.iommu", { root: "/ws" });
}

test("the smmuv3.md §9.3 permission fault: a write to a read-only page", () => {
  const r = run(
    S1_ONLY +
      "expect translate sid 0x42 iova 0xffff_f040 read -> 0x8_1234_5040\n" +
      "expect translate sid 0x42 iova 0xffff_f040 write unprivileged -> fault F_PERMISSION stage 1 level 3\n" +
      "expect translate sid 0x42 iova 0x1_0000 read -> fault F_ACCESS stage 1 level 3\n",
  );
  assert.deepEqual(
    r.expectations.map((e) => e.pass),
    [true, true, true],
  );
  // the only diagnostic: R1's access-flag scan finds the page mapped without `af`
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.severity, d.event, d.span?.start.line]),
    [["CD-WARN-AF0", "warning", "F_ACCESS", 2]],
  );
  const fault = r.expectations[1]!.result?.fault;
  assert.equal(fault?.event, "F_PERMISSION");
  // DW0 type 0x13, StreamID 0x42; DW1 CLASS=IN (0b10 at bits [33:32] of DW1 → hi bit 1), RnW 0
  assert.deepEqual([...(fault?.record ?? [])].slice(0, 4), [0x13, 0x42, 0, 0x200]);
});

test("a failing expectation is an error at the expect line, saying what happened instead", () => {
  const r = run(S1_ONLY + "expect translate sid 0x42 iova 0xffff_f040 read -> 0x8_1234_6040\n");
  const d = r.diagnostics.filter((x) => x.code === "LANG-EXPECT-FAILED");
  assert.equal(d.length, 1);
  assert.equal(d[0]!.span?.start.line, 7);
  assert.equal(d[0]!.message, "expected 0x812346040, but translated to 0x812345040");
  const f = run(S1_ONLY + "expect translate sid 0x42 iova 0x5000 read -> 0x1000\n");
  assert.match(f.diagnostics.at(-1)!.message, /^expected 0x1000, but faulted with F_TRANSLATION stage 1 level 3/);
  assert.equal(f.diagnostics.at(-1)!.event, "F_TRANSLATION");
});

test("expect legal/illegal with a rule code or an event name", () => {
  const text =
    "smmu { granules 4k; strtab linear @0x8000_0000 log2size 8 }\n" +
    "ste 1 { config stage2; s2t0sz 24; s2sl0 1; s2tg 64k; s2aa64 1; s2ps 44; s2r 1; s2ttb 0x9000_0000 }\n";
  const ok = run(text + "expect illegal ste 1 C_BAD_STE\nexpect illegal ste 1 STE-ILL-S2TG\n");
  assert.deepEqual(
    ok.expectations.map((e) => [e.pass, e.message.slice(0, 12)]),
    [
      [true, "STE-ILL-S2TG"],
      [true, "STE-ILL-S2TG"],
    ],
  );
  // expected-illegal findings are information, not errors
  assert.deepEqual(
    ok.diagnostics.map((d) => [d.code, d.severity, d.event]),
    [["STE-ILL-S2TG", "information", "C_BAD_STE"]],
  );
  const bad = run(text + "expect legal ste 1\n");
  assert.deepEqual(
    bad.diagnostics.map((d) => [d.code, d.severity]),
    [
      ["STE-ILL-S2TG", "error"],
      ["LANG-EXPECT-FAILED", "error"],
    ],
  );
  assert.match(bad.diagnostics[0]!.message, /the SMMU raises C_BAD_STE\.$/);
  const none = run(text + "expect legal ste 7\n");
  assert.equal(none.expectations[0]!.message, "the file has no STE for StreamID 0x7 (none described, none in memory)");
});

test("an event line is decoded and tied to the STE of its StreamID", () => {
  const r = run(
    "smmu { strtab 2-level @0x7e04_0000 log2size 16 split 8 }\nl1std 0x7d { span 9; l2ptr 0x7e04_c000 }\n" +
      "ste 0x7d11 { config bypass }\n" +
      "event = 0x00007d1100000004 0x0000100800000080 0x00000000fe040000 0x000000007e04c440\n",
  );
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.severity, d.span?.start.line]),
    [
      ["LANG-EVENT", "information", 3],
      ["LANG-EVENT-PROBLEM", "warning", 3],
    ],
  );
  assert.match(r.diagnostics[0]!.message, /^C_BAD_STE: StreamID 0x7d11.*The described STE is legal/);
  assert.equal(r.diagnostics[0]!.related?.[0]?.span.start.line, 2);
});

test("a pagetable nothing refers to is unreachable", () => {
  const r = run("pagetable lost stage1 granule 4k @0x1000_0000 {\n map 0 size 4K -> 0x2000 af\n}\n");
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.severity, d.span?.start.line]),
    [["LANG-UNREACHABLE-TABLE", "warning", 0]],
  );
});

test("16K granule at both stages: stage-1 32 MiB blocks, stage-2 concatenated start tables", () => {
  const r = run(
    "smmu { oas 48; granules 16k; strtab linear @0x8000_0000 log2size 8 }\n" +
      "ste 7 { config nested; s1contextptr @cd7; s2vmid 2; s2t0sz 24; s2sl0 1; s2tg 16k; s2ps 48; s2aa64 1; s2r 1; s2ttb @s2 }\n" +
      // 16K, 40-bit IPA, start level 2: IPA[39:25] = 15 bits → 16 concatenated L2 tables (S2T0SZ 24 = 16 tables)
      "pagetable s2 stage2 granule 16k ia 40 startlevel 2 @0x9000_0000 {\n" +
      "  map 0x4000_0000 size 256M -> 0x8_4000_0000 s2ap rw memattr 0xf sh ish af\n}\n" +
      "cd cd7 @ipa 0x4000_0000 { t0sz 17; tg0 16k; ips 40; aa64 1; r 1; a 1; epd1 1; ttb0 @s1 }\n" +
      // 16K, 47-bit VA: start level 1
      "pagetable s1 stage1 granule 16k ia 47 @ipa 0x4100_0000 {\n" +
      "  map 0x200_0000 size 32M -> 0x4800_0000 attrindx 0 ap rw af\n" +
      "  map 0x7f_0000_4000 size 16K -> 0x4c00_0000 attrindx 0 ap ro af\n}\n" +
      "expect legal ste 7\n" +
      "expect translate sid 7 iova 0x2ab_cdef read -> 0x8_48ab_cdef\n" +
      "expect translate sid 7 iova 0x7f_0000_4010 read -> 0x8_4c00_0010\n" +
      "expect translate sid 7 iova 0x7f_0000_4010 write -> fault F_PERMISSION stage 1 level 3\n",
  );
  assert.deepEqual(
    r.expectations.map((e) => [e.pass, e.message.slice(0, 60)]),
    r.expectations.map((e) => [true, e.message.slice(0, 60)]),
  );
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === "error"),
    [],
  );
  const s2 = r.model.pageTables.find((t) => t.name === "s2")!;
  assert.equal(s2.tables[0]!.size, 16 * 16384); // 16 concatenated 16K tables
  const s1 = r.model.pageTables.find((t) => t.name === "s1")!;
  assert.equal(s1.startLevel, 1);
});

test("a refused field value is one diagnostic: findings about that field wait, the others stand", () => {
  // s2tg 8k is refused, so S2TG holds 0 (4KB) in the words: judged with it, S2SL0 2 would be an
  // illegal start level. That follows from the one mistake and is not reported; S2R 0 (faults not
  // recorded) has nothing to do with it and is.
  const STE2 = `smmu { oas 44; sidsize 8; strtab linear @0x8000_0000 log2size 8 }
ste 0x2 {
  config s2; s2t0sz 25; s2sl0 2; s2tg 8k; s2ps 44; s2aa64 1
  s2ttb 0x9000_0000
}
`;
  const broken = run(STE2);
  assert.deepEqual(
    broken.diagnostics.map((d) => [d.code, d.span?.start.line]),
    [
      ["LANG-VALUE-RANGE", 2],
      ["STE-WARN-S2R-OFF", 1],
    ],
  );
  const fixed = run(STE2.replace("s2tg 8k", "s2tg 4k"));
  assert.deepEqual(
    fixed.diagnostics.map((d) => [d.code, d.event, d.span?.start.line]),
    [
      ["STE-ILL-S2SL0", "C_BAD_STE", 1],
      ["STE-WARN-S2R-OFF", undefined, 1],
    ],
    "once S2TG is written, the start level is judged with it",
  );
});

test("config accepts the stage names as the sketch abbreviates them (s1, s2) as well as stage1/stage2", () => {
  for (const [written, config] of [
    ["s1", 0b101],
    ["stage1", 0b101],
    ["s2", 0b110],
    ["Stage2", 0b110],
    ["nested", 0b111],
  ] as const) {
    const r = run(`smmu { oas 44; sidsize 8; strtab linear @0x8000_0000 log2size 8 }\nste 0x1 { config ${written} }\n`);
    assert.equal(r.diagnostics.filter((d) => d.code.startsWith("LANG-")).length, 0, written);
    const ste = r.model.structures.find((s) => s.type === "ste")!;
    assert.equal((ste.words[0]! >>> 1) & 7, config, written);
  }
});
