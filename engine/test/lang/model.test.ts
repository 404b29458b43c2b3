// Semantics: profile, placement, labels, encoding through R1's tables, page-table building, @ipa,
// includes, and the located diagnostics of conflicts.

import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDescription } from "../../src/lang/parser";
import { buildModel, type DescriptionModel } from "../../src/lang/model";

function build(text: string, files: Record<string, string> = {}, root = "/ws"): DescriptionModel {
  return buildModel(parseDescription(text, "/ws/main.iommu"), { root, readInclude: (p) => files[p] });
}

function word(m: DescriptionModel, addr: number): string {
  const out = new Uint32Array(2);
  m.memory.read64(addr, out);
  return "0x" + out[1]!.toString(16).padStart(8, "0") + out[0]!.toString(16).padStart(8, "0");
}

const codes = (m: DescriptionModel): string[] => m.diagnostics.map((d) => d.code);

test("an STE by fields is encoded through the STE table and placed at its linear stream-table slot", () => {
  const m = build(
    "smmu { oas 44; strtab linear @0x8000_0000 log2size 8 }\n" +
      "ste 0x12 {\n  config nested; s1contextptr 0x4000_0000\n  s2t0sz 24; s2sl0 1; s2tg 4k; s2ps 44; s2aa64 1; s2r 1\n  s2ttb 0x9000_0000\n}\n",
  );
  assert.deepEqual(m.diagnostics, []);
  const base = 0x8000_0000 + 0x12 * 64;
  assert.equal(word(m, base), "0x000000004000000f"); // V=1 (default), Config=7, S1ContextPtr
  assert.equal(word(m, base + 16), "0x040c005800000000"); // S2T0SZ 24, S2SL0 1, S2PS 44 (4), S2AA64, S2R
  assert.equal(word(m, base + 24), "0x0000000090000000");
  assert.equal(m.stes.get(0x12)?.pa, base);
  const prov = m.memory.provenanceAt(base + 16);
  assert.equal(prov?.start.line, 3);
  assert.equal(m.profile.OAS, 44);
  assert.deepEqual(m.strtab, { base: 0x8000_0000, fmt: "linear", log2size: 8, split: 8 });
});

test("2-level stream table: the STE goes through its l1std (the seed's 0x7d11 at 0x7e04c440)", () => {
  const m = build(
    "smmu { strtab 2-level @0x7e04_0000 log2size 16 split 8 }\nl1std 0x7d { span 9; l2ptr 0x7e04_c000 }\nste 0x7d11 = 0x1 0 0 0\n",
  );
  assert.deepEqual(m.diagnostics, []);
  assert.equal(word(m, 0x7e04_0000 + 0x7d * 8), "0x000000007e04c009");
  assert.equal(word(m, 0x7e04_c440), "0x0000000000000001");
  assert.equal(m.stes.get(0x7d11)?.pa, 0x7e04_c440);
});

test("stage-2 pagetable with concatenated root tables and a 1G block", () => {
  const m = build(
    "pagetable s2 stage2 granule 4k ia 40 startlevel 1 @0x9000_0000 {\n  map 0x4000_0000 size 1G -> 0x8_4000_0000 s2ap rw memattr 0xf sh ish af\n}\n",
  );
  assert.deepEqual(m.diagnostics, []);
  // IPA[39:30] = 1 selects the second entry of the two concatenated L1 tables
  assert.equal(word(m, 0x9000_0008), "0x00000008400007fd");
  const pt = m.pageTables[0]!;
  assert.equal(pt.startLevel, 1);
  assert.deepEqual(pt.tables, [{ addr: 0x9000_0000, level: 1, size: 0x2000 }]);
});

test("stage-1 pages get intermediate tables allocated right after the root, in map order", () => {
  const m = build(
    "pagetable t stage1 granule 4k ia 39 @0x4010_0000 {\n  map 0x1000 size 4K -> 0x5000_0000 attrindx 1 ap ro af\n  map 0x4000_0000 size 4K -> 0x6000_0000 af\n}\n",
  );
  assert.deepEqual(m.diagnostics, []);
  assert.deepEqual(
    m.pageTables[0]!.tables.map((t) => [t.addr.toString(16), t.level]),
    [
      ["40100000", 1],
      ["40101000", 2],
      ["40102000", 3],
      ["40103000", 2],
      ["40104000", 3],
    ],
  );
  assert.equal(word(m, 0x4010_0000), "0x0000000040101003");
  assert.equal(word(m, 0x4010_2008), "0x00000000500004c7"); // page: AttrIndx 1, AP 0b11, AF
  assert.equal(word(m, 0x4010_0008), "0x0000000040103003");
});

test("a pool gives the intermediate tables; an exhausted pool is a diagnostic", () => {
  const ok = build(
    "pagetable t stage1 granule 4k ia 39 pool @0x7000_0000 size 8K @0x4010_0000 {\n map 0x1000 size 4K -> 0x5000_0000 af\n}\n",
  );
  assert.deepEqual(
    ok.pageTables[0]!.tables.map((t) => t.addr.toString(16)),
    ["40100000", "70000000", "70001000"],
  );
  const bad = build(
    "pagetable t stage1 granule 4k ia 39 pool @0x7000_0000 size 4K @0x4010_0000 {\n map 0x1000 size 4K -> 0x5000_0000 af\n}\n",
  );
  assert.deepEqual(codes(bad), ["LANG-POOL-EXHAUSTED"]);
});

test("@ipa placement goes through the stage-2 mappings; labels of IPA structures are IPAs", () => {
  const m = build(
    "pagetable s2 stage2 granule 4k ia 40 startlevel 1 @0x9000_0000 {\n  map 0x4000_0000 size 1G -> 0x8_4000_0000 s2ap rw af\n}\n" +
      "cd g @ipa 0x4000_0040 { t0sz 25; ttb0 @s1 }\n" +
      "pagetable s1 stage1 granule 4k ia 39 @ipa 0x4010_0000 {\n}\n",
  );
  assert.deepEqual(m.diagnostics, []);
  assert.equal(word(m, 0x8_4000_0048), "0x0000000040100000"); // TTB0 holds the IPA
  assert.deepEqual([m.labels.get("g")?.addr, m.labels.get("g")?.space], [0x4000_0040, "ipa"]);
  const un = build(
    "pagetable s2 stage2 granule 4k ia 40 startlevel 1 @0x9000_0000 {\n  map 0x4000_0000 size 4K -> 0x8_4000_0000 af\n}\ncd g @ipa 0x5000_0000 { t0sz 25 }\n",
  );
  assert.deepEqual(codes(un), ["LANG-IPA-UNMAPPED"]);
  assert.equal(un.diagnostics[0]!.span?.start.line, 3);
});

test("field errors: unknown field, unknown enum name, value too large, duplicate field", () => {
  const m = build("ste 1 {\n  config nested\n  s2tz 3\n  s1fmt weird\n  s2t0sz 99\n  config bypass\n}\n");
  assert.deepEqual(
    m.diagnostics.map((d) => [d.code, d.span?.start.line, d.span?.start.character]),
    [
      ["LANG-UNKNOWN-FIELD", 2, 2],
      ["LANG-VALUE-RANGE", 3, 8],
      ["LANG-VALUE-RANGE", 4, 9],
      ["LANG-DUPLICATE-FIELD", 5, 2],
    ],
  );
  assert.match(m.diagnostics[2]!.message, /0x63 does not fit in S2T0SZ \(6 bits, at most 0x3f\)/);
  assert.match(m.diagnostics[1]!.message, /'weird' is not a value of S1Fmt/);
});

test("a word defined twice with different values: LANG-CONFLICT with the first definition related", () => {
  const m = build("memory @0x1000 { 0x1 0x2 }\nmemory @0x1008 { 0x3 }\n");
  assert.deepEqual(codes(m), ["LANG-CONFLICT"]);
  const d = m.diagnostics[0]!;
  assert.equal(d.span?.start.line, 1);
  assert.equal(d.related?.[0]?.span.start.line, 0);
  assert.equal(d.related?.[0]?.span.start.character, 17); // the line of words that defined it
});

test("a map that collides with raw memory, and overlapping maps", () => {
  const m = build(
    "memory @0x4010_0000 { 0xdead }\npagetable t stage1 granule 4k ia 39 @0x4010_0000 {\n map 0x1000 size 4K -> 0x5000_0000\n map 0x0 size 8K -> 0x6000_0000\n}\n",
  );
  assert.deepEqual(codes(m).sort(), ["LANG-MAP-COLLIDES", "LANG-MAP-OVERLAP"]);
  const overlap = m.diagnostics.find((d) => d.code === "LANG-MAP-OVERLAP")!;
  assert.equal(overlap.span?.start.line, 2);
  assert.equal(overlap.related?.[0]?.span.start.line, 3);
});

test("labels: undefined, duplicate, self-referencing", () => {
  assert.deepEqual(codes(build("ste 1 { config 5; s1contextptr @nowhere }")), ["LANG-UNDEFINED-LABEL"]);
  assert.deepEqual(codes(build("label a @0x1000\nlabel a @0x2000")), ["LANG-DUPLICATE-LABEL"]);
  assert.deepEqual(codes(build("label a @b\nlabel b @a")), ["LANG-UNDEFINED-LABEL"]);
});

test("includes: relative to the including file, inside the root, no cycles", () => {
  const files = {
    "/ws/sub/a.iommu": 'label a @0x1000\ninclude "b.iommu"',
    "/ws/sub/b.iommu": "label b @0x2000",
  };
  const m = build('include "sub/a.iommu"\nmemory @a { 1 }', files);
  assert.deepEqual(m.diagnostics, []);
  assert.deepEqual(m.files, ["/ws/main.iommu", "/ws/sub/a.iommu", "/ws/sub/b.iommu"]);
  assert.equal(m.labels.get("b")?.addr, 0x2000);
  const esc = build('include "../etc/passwd"\ninclude "sub/../../x.iommu"');
  assert.deepEqual(codes(esc), ["LANG-INCLUDE-ESCAPE", "LANG-INCLUDE-ESCAPE"]);
  assert.deepEqual(esc.diagnostics[0]!.span?.start, { line: 0, character: 8 });
  assert.deepEqual(codes(build('include "nope.iommu"')), ["LANG-INCLUDE-NOT-FOUND"]);
  const cyc = build('include "c.iommu"', { "/ws/c.iommu": 'include "main.iommu"' });
  assert.deepEqual(codes(cyc), ["LANG-INCLUDE-CYCLE"]);
});

test("an STE beyond the stream table cannot be placed (C_BAD_STREAMID)", () => {
  const m = build("smmu { strtab linear @0x8000_0000 log2size 4 }\nste 0x20 { config bypass }");
  assert.deepEqual(codes(m), ["LANG-NO-PLACEMENT"]);
  assert.equal(m.diagnostics[0]!.event, "C_BAD_STREAMID");
});

test("profile settings by ID-register name, with bad values located", () => {
  const m = build("smmu {\n oas 48; granules 4k 64k; stages s2; ssidsize 20; httu af\n ssidsize 99\n frob 1\n}");
  assert.equal(m.profile.OAS, 48);
  assert.deepEqual([...m.profile.granules], ["4K", "64K"]);
  assert.deepEqual([...m.profile.stages], ["S2"]);
  assert.equal(m.profile.HTTU, "AF");
  assert.deepEqual(
    m.diagnostics.map((d) => [d.code, d.span?.start.line]),
    [
      ["LANG-DUPLICATE-FIELD", 2],
      ["LANG-UNKNOWN-FIELD", 3],
      ["LANG-VALUE-RANGE", 2],
    ],
  );
});

test("include dump: words from a QEMU xp paste, with provenance at the dump's lines", () => {
  const files = {
    "/ws/d/x.xp":
      "(qemu) xp /4gx 0x4f000600\n000000004f000600: 0x000000004f10000b 0x00000000000000d4\n000000004f000610: 0x0000000000000000 0x0000000000000001\n",
  };
  const m = build('include dump "d/x.xp" format qemu-xp', files);
  assert.deepEqual(m.diagnostics, []);
  assert.equal(word(m, 0x4f00_0600), "0x000000004f10000b");
  assert.equal(word(m, 0x4f00_0618), "0x0000000000000001");
  const prov = m.memory.provenanceAt(0x4f00_0618);
  assert.equal(prov?.file, "/ws/d/x.xp");
  assert.equal(prov?.start.line, 2);
  const bad = build('include dump "d/x.xp" format frob', files);
  assert.deepEqual(codes(bad), ["LANG-VALUE-RANGE"]);
  assert.deepEqual(bad.diagnostics[0]!.span?.start, { line: 0, character: 29 });
  const conflict = build('memory @0x4f000600 { 0x5 }\ninclude dump "d/x.xp"', files);
  assert.deepEqual(codes(conflict), ["LANG-CONFLICT"]);
  assert.equal(conflict.diagnostics[0]!.span?.start.line, 1);
});

test("include dump: a binary file is read with a base address", () => {
  const bytes = new Uint8Array(16);
  bytes[0] = 0x03;
  bytes[8] = 0xff;
  const m = buildModel(parseDescription('include dump "blob.bin" base 0x9000_0000', "/ws/main.iommu"), {
    root: "/ws",
    readInclude: (p) => (p === "/ws/blob.bin" ? bytes : undefined),
  });
  assert.deepEqual(m.diagnostics, []);
  assert.equal(word(m, 0x9000_0000), "0x0000000000000003");
  assert.equal(word(m, 0x9000_0008), "0x00000000000000ff");
});

test("registers: raw IDR values give the profile, STRTAB_BASE/_CFG by fields give the stream table", () => {
  const m = build(
    "register SMMU_IDR0 = 0x0840_000b   // S1P S2P, TTF AArch64, TTENDIAN LE, ST_LEVEL 2-level\n" +
      "register SMMU_IDR1 = 0x210         // SIDSIZE 16, SSIDSIZE 8\n" +
      "register SMMU_IDR3 = 0\n" +
      "register SMMU_IDR5 = 0x15          // OAS 48, GRAN4K\n" +
      "register SMMU_STRTAB_BASE = 0x7e04_0000\n" +
      "register STRTAB_BASE_CFG { fmt 2-level; split 8; log2size 16 }\n",
  );
  assert.deepEqual(m.diagnostics, []);
  assert.equal(m.profile.OAS, 48);
  assert.equal(m.profile.SIDSIZE, 16);
  assert.equal(m.profile.SSIDSIZE, 8);
  assert.deepEqual([...m.profile.granules], ["4K"]);
  assert.deepEqual([...m.profile.stages].sort(), ["S1", "S2"]);
  assert.equal(m.profile.ST_LEVEL, "2-level");
  assert.equal(m.profile.TTENDIAN, "LE");
  assert.deepEqual(m.strtab, { base: 0x7e04_0000, fmt: "2-level", log2size: 16, split: 8 });
  // an smmu block refines the IDR profile
  const r = build("register SMMU_IDR5 = 0x15\nsmmu { oas 44 }\n");
  assert.equal(r.profile.OAS, 44);
  assert.equal(r.profile.IAS, 44);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.severity]),
    [
      ["LANG-MISSING-FIELD", "warning"],
      ["LANG-MISSING-FIELD", "warning"],
      ["LANG-MISSING-FIELD", "warning"],
    ],
  );
  assert.deepEqual(codes(build("register SMMU_FROB = 1")), ["LANG-UNKNOWN-FIELD"]);
  assert.deepEqual(codes(build("register SMMU_IDR0 = 0x1_0000_0000")), ["LANG-VALUE-RANGE"]);
  assert.deepEqual(codes(build("register SMMU_STRTAB_BASE_CFG { splat 8 }")), [
    "LANG-UNKNOWN-FIELD",
    "LANG-MISSING-FIELD",
  ]);
});

test("4K granule with a 52-bit input starts at level -1 (16 entries) and uses the DS descriptor layout", () => {
  const m = build(
    "pagetable t stage1 granule 4k ia 52 @0x4000_0000 {\n  map 0xf_0000_0000_0000 size 4K -> 0xa_0000_0000_0000 af\n}\n",
  );
  assert.deepEqual(m.diagnostics, []);
  const t = m.pageTables[0]!;
  assert.equal(t.startLevel, -1);
  assert.deepEqual(
    t.tables.map((x) => [x.level, x.size]),
    [
      [-1, 128],
      [0, 4096],
      [1, 4096],
      [2, 4096],
      [3, 4096],
    ],
  );
  // level -1 index = VA[51:48] = 0xf; OA[51:50] of the page go to bits [9:8] with DS
  assert.equal(word(m, 0x4000_0000 + 0xf * 8), "0x0000000040001003");
  assert.equal(word(m, 0x4000_4000), "0x0002000000000603");
});

test("a long chain of labels neither overflows the stack nor throws", () => {
  const lines = ["label l0 @0x1000"];
  for (let i = 1; i < 5000; i++) lines.push(`label l${i} @l${i - 1} + 8`);
  lines.push("memory @l4999 { 1 }");
  const m = build(lines.join("\n"));
  // resolved in source order, each label one step beyond an already resolved one
  assert.equal(m.labels.get("l4999")?.addr, 0x1000 + 4999 * 8);
  const rev = ["label l0 @0x1000"];
  for (let i = 1; i < 3000; i++) rev.unshift(`label l${i} @l${i - 1} + 8`);
  const r = build(rev.join("\n"));
  assert.ok(r.diagnostics.every((d) => d.code === "LANG-UNDEFINED-LABEL"));
  assert.equal(r.labels.get("l10")?.addr, 0x1000 + 80);
});

test("names that are Object.prototype members are just unknown names", () => {
  const m = build(
    "pagetable t stage1 granule 4k @0x1000_0000 {\n map 0 size 4K -> 0x2000 constructor ap toString sh __proto__\n}\n" +
      "ste 1 { config bypass; constructor 1; toString 2 }\nsmmu { constructor 1 }\nlabel constructor @0x3000\nmemory @constructor { 1 }\n",
  );
  assert.deepEqual(
    m.diagnostics.map((d) => d.code),
    [
      "LANG-UNKNOWN-FIELD",
      "LANG-UNKNOWN-ATTRIBUTE",
      "LANG-VALUE-RANGE",
      "LANG-VALUE-RANGE",
      "LANG-UNKNOWN-FIELD",
      "LANG-UNKNOWN-FIELD",
    ],
  );
  assert.equal(m.labels.get("constructor")?.addr, 0x3000);
});
