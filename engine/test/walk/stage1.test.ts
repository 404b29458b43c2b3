// Stage-1 walks (Config 0b101): every granule and start level, pages and blocks at the legal
// levels, and every stage-1 fault kind with its exact level and event record. Expected PAs,
// indexes and record dwords are worked out by hand from the reference (§5.1-§5.7, §1.3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryImage } from "../../src/memory/image";
import { u64 } from "../../src/bits/u64";
import { decodeStruct } from "../../src/bits/fields";
import type { SmmuProfile } from "../../src/smmuv3/profile";
import { type TranslationRequest, type WalkResult, translate } from "../../src/smmuv3/walk";
import { Tables, type Values, cdWords, linearSetup, profile, recordHex, request, steWords, writeWords } from "./tables";

const CD_ADDR = 0x20000;
const ROOT = 0x100000;
const VA = 0x1234_5678_9abc;

interface S1 {
  mem: MemoryImage;
  t: Tables;
  run: (req: TranslationRequest) => WalkResult;
}

/** Stage-1-only stream 0x11 with a CD at 0x20000 and tables from 0x100000. */
function s1(
  granule: "4K" | "16K" | "64K",
  txsz: number,
  startLevel: number,
  cd: Values = {},
  prof: Partial<SmmuProfile> = {},
): S1 {
  const mem = new MemoryImage();
  const tg = granule === "4K" ? 0 : granule === "64K" ? 1 : 2;
  writeWords(mem, CD_ADDR, cdWords({ T0SZ: txsz, TG0: tg, TTB0: ROOT, ...cd }));
  const setup = linearSetup(mem, profile(prof), 0x11, steWords({ Config: 0b101, S1ContextPtr: CD_ADDR }));
  const t = new Tables(mem, 1, granule, 64 - txsz, startLevel, ROOT);
  return { mem, t, run: (req) => translate(setup, req) };
}

function ok(r: WalkResult, pa: number, size: number): void {
  assert.equal(r.fault?.reason, undefined);
  assert.equal(r.outcome, "translated");
  assert.equal(r.pa, pa, `pa 0x${r.pa?.toString(16)} != 0x${pa.toString(16)}`);
  assert.equal(r.size, size);
}

function fault(r: WalkResult, event: string, level: number | undefined, record?: string[]): void {
  assert.equal(r.outcome, "fault", `expected ${event}, got ${r.outcome} pa 0x${r.pa?.toString(16)}`);
  assert.equal(r.fault?.event, event, r.fault?.reason);
  assert.equal(r.fault?.stage, 1);
  assert.equal(r.fault?.level, level);
  if (record) assert.deepEqual(recordHex(r.fault?.record), record);
}

const successes: {
  name: string;
  granule: "4K" | "16K" | "64K";
  txsz: number;
  start: number;
  level: number;
  va: number;
  out: number;
  pa: number;
  size: number;
  prof?: Partial<SmmuProfile>;
}[] = [
  {
    name: "4K T0SZ 16 L3 page",
    granule: "4K",
    txsz: 16,
    start: 0,
    level: 3,
    va: VA,
    out: 0x8_7654_3000,
    pa: 0x8_7654_3abc,
    size: 0x1000,
  },
  {
    name: "4K L1 1GB block",
    granule: "4K",
    txsz: 16,
    start: 0,
    level: 1,
    va: VA,
    out: 0x8_4000_0000,
    pa: 0x8_5678_9abc,
    size: 0x4000_0000,
  },
  {
    name: "4K L2 2MB block",
    granule: "4K",
    txsz: 16,
    start: 0,
    level: 2,
    va: VA,
    out: 0x8_7640_0000,
    pa: 0x8_7658_9abc,
    size: 0x20_0000,
  },
  {
    name: "4K T0SZ 25 starts at L1",
    granule: "4K",
    txsz: 25,
    start: 1,
    level: 3,
    va: 0x12_3456_7abc,
    out: 0x5000,
    pa: 0x5abc,
    size: 0x1000,
  },
  {
    name: "4K T0SZ 34 starts at L2",
    granule: "4K",
    txsz: 34,
    start: 2,
    level: 3,
    va: 0x3456_789a,
    out: 0x7000,
    pa: 0x789a,
    size: 0x1000,
  },
  {
    name: "16K T0SZ 17 L3 page",
    granule: "16K",
    txsz: 17,
    start: 1,
    level: 3,
    va: VA,
    out: 0x8_7654_4000,
    pa: 0x8_7654_5abc,
    size: 0x4000,
  },
  {
    name: "16K L2 32MB block",
    granule: "16K",
    txsz: 17,
    start: 1,
    level: 2,
    va: VA,
    out: 0x8_7800_0000,
    pa: 0x8_7878_9abc,
    size: 0x200_0000,
  },
  {
    name: "16K T0SZ 16 starts at L0 (2 entries)",
    granule: "16K",
    txsz: 16,
    start: 0,
    level: 3,
    va: 0x8000_0000_4abc,
    out: 0x4000,
    pa: 0x4abc,
    size: 0x4000,
  },
  {
    name: "64K T0SZ 16 L3 page",
    granule: "64K",
    txsz: 16,
    start: 1,
    level: 3,
    va: VA,
    out: 0x8_7654_0000,
    pa: 0x8_7654_9abc,
    size: 0x1_0000,
  },
  {
    name: "64K L2 512MB block",
    granule: "64K",
    txsz: 16,
    start: 1,
    level: 2,
    va: VA,
    out: 0x8_6000_0000,
    pa: 0x8_7678_9abc,
    size: 0x2000_0000,
  },
  {
    name: "64K T0SZ 25 starts at L3",
    granule: "64K",
    txsz: 39,
    start: 3,
    level: 3,
    va: 0x1ab_cdef,
    out: 0x9_0000,
    pa: 0x9_cdef,
    size: 0x1_0000,
  },
  {
    name: "64K L1 4TB block with 52-bit PAs",
    granule: "64K",
    txsz: 16,
    start: 1,
    level: 1,
    va: VA,
    out: 0x400_0000_0000,
    pa: 0x634_5678_9abc,
    size: 0x400_0000_0000,
    prof: { OAS: 52, IAS: 52 },
  },
];

for (const c of successes) {
  test(`stage 1 translates: ${c.name}`, () => {
    const w = s1(c.granule, c.txsz, c.start, c.prof?.OAS === 52 ? { IPS: 6 } : {}, c.prof);
    w.t.map(c.va, c.out, c.level);
    ok(w.run(request(c.va)), c.pa, c.size);
  });
}

test("a 4-level 4K walk reads STE, CD and four descriptors, in order, with the index bits", () => {
  const w = s1("4K", 16, 0);
  w.t.map(VA, 0x8_7654_3000, 3);
  const r = w.run(request(VA));
  assert.equal(r.steps.length, 8 + 8 + 4);
  assert.deepEqual(
    r.steps.map((s) => s.what),
    [
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((d) => `STE dword ${d}`),
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((d) => `CD dword ${d}`),
      "S1 L0 descriptor",
      "S1 L1 descriptor",
      "S1 L2 descriptor",
      "S1 L3 descriptor",
    ],
  );
  assert.equal(r.steps[0]!.addr, 0x10000 + 0x11 * 64);
  assert.equal(r.steps[8]!.addr, CD_ADDR);
  const s1Steps = r.steps.slice(16);
  assert.deepEqual(
    s1Steps.map((s) => s.index),
    [
      { bits: "IOVA[47:39]", value: 0x24 },
      { bits: "IOVA[38:30]", value: 0xd1 },
      { bits: "IOVA[29:21]", value: 0xb3 },
      { bits: "IOVA[20:12]", value: 0x189 },
    ],
  );
  assert.equal(s1Steps[0]!.addr, ROOT + 0x24 * 8);
  assert.ok(s1Steps.every((s) => s.space === "PA" && s.pa === s.addr && s.structure === "S1" && s.stage === 1));
  assert.equal(s1Steps[0]!.spec?.name, "S1_TABLE_4K");
  assert.equal(s1Steps[3]!.spec?.name, "S1_PAGE_4K");
  assert.deepEqual(r.perm, { read: true, write: true, exec: true });
  assert.equal(r.attrs?.memType, "Normal-WB");
  assert.equal(r.attrs?.sh, "inner");
  assert.equal(r.attrs?.mair, 0xff);
});

test("memory types come from the CD's MAIR byte at AttrIndx", () => {
  const cases: [number, string, string][] = [
    [0, "Normal-NC", "outer"],
    [2, "Device-nGnRE", "outer"],
    [3, "Normal-iNC-oWB", "inner"],
  ];
  for (const [idx, type, sh] of cases) {
    const w = s1("4K", 16, 0);
    w.t.map(VA, 0x8_7654_3000, 3, { AttrIndx: idx });
    const r = w.run(request(VA));
    assert.equal(r.attrs?.memType, type);
    assert.equal(r.attrs?.sh, sh);
  }
});

test("big-endian stage-1 tables are read byte-swapped when CD.ENDI is 1", () => {
  const w = s1("4K", 16, 0, { ENDI: 1 }, { TTENDIAN: "mixed" });
  w.t.bigEndian = true;
  w.t.map(VA, 0x8_7654_3000, 3);
  ok(w.run(request(VA)), 0x8_7654_3abc, 0x1000);
});

// ---- faults ---------------------------------------------------------------------------------

const READ_PRIV_IN = "0x20a00000000"; // CLASS=IN, RnW=1, PnU=1

for (const level of [0, 1, 2, 3]) {
  test(`an invalid 4K descriptor at level ${level} is F_TRANSLATION level ${level}`, () => {
    const w = s1("4K", 16, 0);
    w.t.map(VA, 0x8_7654_3000, 3);
    w.t.raw(w.t.descriptorAddr(VA, level), 0xffff_fffe, 0xffff_ffff); // bit 0 clear, rest ignored
    fault(w.run(request(VA)), "F_TRANSLATION", level, ["0x1100000010", READ_PRIV_IN, "0x123456789abc", "0x0"]);
  });
}

for (const [granule, txsz, start] of [
  ["16K", 17, 1],
  ["64K", 16, 1],
] as const) {
  for (let level = start; level <= 3; level++) {
    test(`an invalid ${granule} descriptor at level ${level} is F_TRANSLATION level ${level}`, () => {
      const w = s1(granule, txsz, start);
      w.t.map(VA, 0x8_7654_0000, 3);
      w.t.raw(w.t.descriptorAddr(VA, level), 0);
      fault(w.run(request(VA)), "F_TRANSLATION", level);
    });
  }
}

test("the Reserved level-3 encoding 0b01 is F_TRANSLATION level 3", () => {
  const w = s1("4K", 16, 0);
  const slot = w.t.map(VA, 0x8_7654_3000, 3);
  w.t.raw(slot, (0x8_7654_3000 % 2 ** 32) | 0x401, 0x8); // AF | Type 0b01
  fault(w.run(request(VA)), "F_TRANSLATION", 3);
});

for (const [granule, txsz, start, level] of [
  ["4K", 16, 0, 0],
  ["16K", 16, 0, 1],
  ["64K", 16, 1, 1],
] as const) {
  test(`a ${granule} block at level ${level} is not allowed: F_TRANSLATION level ${level}`, () => {
    const w = s1(granule, txsz, start);
    w.t.map(VA, 0x8_7654_0000, 3);
    const slot = w.t.descriptorAddr(VA, level);
    w.t.raw(slot, 0x401); // AF, Type 0b01 (block), output address 0
    fault(w.run(request(VA)), "F_TRANSLATION", level);
  });
}

test("table and output addresses beyond the effective IPS are F_ADDR_SIZE at their level", () => {
  // IPS 0b000 = 32 bits: a level-0 table address of 4 GiB is beyond it.
  const a = s1("4K", 16, 0, { IPS: 0 });
  a.t.map(0x1000, 0x5000, 3);
  a.t.raw(a.t.descriptorAddr(0x1000, 0), 0x0000_0003, 0x1); // table at 0x1_0000_0000
  fault(a.run(request(0x1000)), "F_ADDR_SIZE", 0, ["0x1100000011", READ_PRIV_IN, "0x1000", "0x0"]);
  // A leaf output of 4 GiB with IPS 32: level 3.
  const b = s1("4K", 16, 0, { IPS: 0 });
  b.t.map(0x1000, 0x1_0000_0000, 3);
  fault(b.run(request(0x1000)), "F_ADDR_SIZE", 3);
  // IPS 48 is capped by OAS 44: an output at 2^44 faults, one just below translates.
  const c = s1("4K", 16, 0, { IPS: 5 });
  c.t.map(0x1000, 2 ** 44, 3);
  c.t.map(0x2000, 2 ** 44 - 0x1000, 3);
  fault(c.run(request(0x1000)), "F_ADDR_SIZE", 3);
  ok(c.run(request(0x2010)), 2 ** 44 - 0x1000 + 0x10, 0x1000);
  // A 2MB block output beyond IPS 36 at level 2.
  const d = s1("4K", 16, 0, { IPS: 1 });
  d.t.map(0x20_0000, 0x10_0000_0000, 2);
  fault(d.run(request(0x20_0000)), "F_ADDR_SIZE", 2);
});

test("AF 0 is F_ACCESS at the leaf level unless AFFD or hardware AF update", () => {
  for (const level of [1, 2, 3]) {
    const w = s1("4K", 16, 0);
    w.t.map(VA, 0x8_4000_0000, level, { AF: 0 });
    fault(w.run(request(VA, "write")), "F_ACCESS", level, ["0x1100000012", "0x20200000000", "0x123456789abc", "0x0"]);
  }
  const affd = s1("4K", 16, 0, { AFFD: 1 });
  affd.t.map(VA, 0x8_7654_3000, 3, { AF: 0 });
  ok(affd.run(request(VA)), 0x8_7654_3abc, 0x1000);
  const ha = s1("4K", 16, 0, { HA: 1 }, { HTTU: "AF" });
  ha.t.map(VA, 0x8_7654_3000, 3, { AF: 0 });
  const r = ha.run(request(VA));
  ok(r, 0x8_7654_3abc, 0x1000);
  assert.match(r.steps[r.steps.length - 1]!.note ?? "", /AF set by hardware/);
});

test("F_ACCESS comes before F_PERMISSION, F_ADDR_SIZE before both (§1.4)", () => {
  const a = s1("4K", 16, 0);
  a.t.map(VA, 0x8_7654_3000, 3, { AF: 0, AP: 2 });
  fault(a.run(request(VA, "write")), "F_ACCESS", 3);
  const b = s1("4K", 16, 0, { IPS: 0 });
  b.t.map(0x1000, 0x1_0000_0000, 3, { AF: 0, AP: 2 });
  fault(b.run(request(0x1000, "write")), "F_ADDR_SIZE", 3);
});

interface PermCase {
  name: string;
  leaf: Values;
  table?: Values;
  cd?: Values;
  access: "read" | "write" | "exec";
  privileged: boolean;
  allowed: boolean;
  dw1?: string;
}

const permCases: PermCase[] = [
  {
    name: "AP 0b10 privileged write",
    leaf: { AP: 2 },
    access: "write",
    privileged: true,
    allowed: false,
    dw1: "0x20200000000",
  },
  { name: "AP 0b10 privileged read", leaf: { AP: 2 }, access: "read", privileged: true, allowed: true },
  {
    name: "AP 0b00 unprivileged read",
    leaf: { AP: 0 },
    access: "read",
    privileged: false,
    allowed: false,
    dw1: "0x20800000000",
  },
  { name: "AP 0b01 unprivileged write", leaf: { AP: 1 }, access: "write", privileged: false, allowed: true },
  {
    name: "AP 0b11 unprivileged write",
    leaf: { AP: 3 },
    access: "write",
    privileged: false,
    allowed: false,
    dw1: "0x20000000000",
  },
  {
    name: "APTable 0b01 unprivileged read",
    leaf: { AP: 1 },
    table: { APTable: 1 },
    access: "read",
    privileged: false,
    allowed: false,
  },
  {
    name: "APTable 0b01 privileged write",
    leaf: { AP: 1 },
    table: { APTable: 1 },
    access: "write",
    privileged: true,
    allowed: true,
  },
  {
    name: "APTable 0b10 privileged write",
    leaf: { AP: 0 },
    table: { APTable: 2 },
    access: "write",
    privileged: true,
    allowed: false,
  },
  {
    name: "APTable ignored with HAD0",
    leaf: { AP: 0 },
    table: { APTable: 2 },
    cd: { HAD0: 1 },
    access: "write",
    privileged: true,
    allowed: true,
  },
  {
    name: "PXN privileged exec",
    leaf: { AP: 0, PXN: 1 },
    access: "exec",
    privileged: true,
    allowed: false,
    dw1: "0x20e00000000",
  },
  {
    name: "UXN does not stop privileged exec",
    leaf: { AP: 0, UXN: 1 },
    access: "exec",
    privileged: true,
    allowed: true,
  },
  {
    name: "UXN unprivileged exec",
    leaf: { AP: 3, UXN: 1 },
    access: "exec",
    privileged: false,
    allowed: false,
    dw1: "0x20c00000000",
  },
  { name: "execute-only for EL0 (AP 0b00, UXN 0)", leaf: { AP: 0 }, access: "exec", privileged: false, allowed: true },
  {
    name: "PXNTable privileged exec",
    leaf: { AP: 0 },
    table: { PXNTable: 1 },
    access: "exec",
    privileged: true,
    allowed: false,
  },
  {
    name: "UXNTable unprivileged exec",
    leaf: { AP: 3 },
    table: { UXNTable: 1 },
    access: "exec",
    privileged: false,
    allowed: false,
  },
  {
    name: "UXNTable privileged exec",
    leaf: { AP: 3 },
    table: { UXNTable: 1 },
    access: "exec",
    privileged: true,
    allowed: true,
  },
  {
    name: "unprivileged-writable is never privileged-executable",
    leaf: { AP: 1 },
    access: "exec",
    privileged: true,
    allowed: false,
  },
  {
    name: "WXN privileged exec of a writable page",
    leaf: { AP: 0 },
    cd: { WXN: 1 },
    access: "exec",
    privileged: true,
    allowed: false,
  },
  {
    name: "WXN privileged exec of a read-only page",
    leaf: { AP: 2 },
    cd: { WXN: 1 },
    access: "exec",
    privileged: true,
    allowed: true,
  },
  {
    name: "PAN privileged read of an EL0-readable page",
    leaf: { AP: 3 },
    cd: { PAN: 1 },
    access: "read",
    privileged: true,
    allowed: false,
  },
  {
    name: "PAN privileged read of a privileged-only page",
    leaf: { AP: 0 },
    cd: { PAN: 1 },
    access: "read",
    privileged: true,
    allowed: true,
  },
  {
    name: "PAN does not apply to instruction fetches",
    leaf: { AP: 3 },
    cd: { PAN: 1 },
    access: "exec",
    privileged: true,
    allowed: true,
  },
];

for (const c of permCases) {
  test(`stage-1 permission: ${c.name} is ${c.allowed ? "allowed" : "F_PERMISSION"}`, () => {
    const w = s1("4K", 16, 0, c.cd ?? {});
    w.t.map(VA, 0x8_7654_3000, 3, c.leaf, c.table ?? {});
    const r = w.run(request(VA, c.access, { privileged: c.privileged }));
    if (c.allowed) ok(r, 0x8_7654_3abc, 0x1000);
    else fault(r, "F_PERMISSION", 3, c.dw1 ? ["0x1100000013", c.dw1, "0x123456789abc", "0x0"] : undefined);
  });
}

test("permissions reported are those of the requester's privilege", () => {
  const w = s1("4K", 16, 0);
  w.t.map(VA, 0x8_7654_3000, 3, { AP: 3, PXN: 1 });
  assert.deepEqual(w.run(request(VA)).perm, { read: true, write: false, exec: false });
  assert.deepEqual(w.run(request(VA, "read", { privileged: false })).perm, { read: true, write: false, exec: true });
});

test("HD with DBM makes a write to an AP[2]-read-only page succeed; APTable still denies", () => {
  const w = s1("4K", 16, 0, { HA: 1, HD: 1 }, { HTTU: "AF+dirty" });
  w.t.map(VA, 0x8_7654_3000, 3, { AP: 2, DBM: 1 });
  ok(w.run(request(VA, "write")), 0x8_7654_3abc, 0x1000);
  const t = s1("4K", 16, 0, { HA: 1, HD: 1 }, { HTTU: "AF+dirty" });
  t.t.map(VA, 0x8_7654_3000, 3, { AP: 2, DBM: 1 }, { APTable: 2 });
  fault(t.run(request(VA, "write")), "F_PERMISSION", 3);
});

// ---- TTB selection, range checks, TBI, EPD ------------------------------------------------------

function twoHalves(cd: Values = {}): S1 & { t1: Tables } {
  const w = s1("4K", 16, 0, { EPD1: 0, T1SZ: 16, TG1: 2, TTB1: 0x400000, ...cd });
  const t1 = new Tables(w.mem, 1, "4K", 48, 0, 0x400000);
  return { ...w, t1 };
}

test("VA[55] selects TTB1; its range check needs VA[63:48] all ones", () => {
  const w = twoHalves();
  w.t1.map(0x8000_1234_5000, 0x6_0000_0000, 3);
  ok(w.run(request(u64(0x1234_5abc, 0xffff_8000))), 0x6_0000_0abc, 0x1000);
  // Tagged without TBI1: range fault, level 0 (no descriptor read; Arm DDI 0487 reports level 0).
  fault(w.run(request(u64(0x1234_5abc, 0x5aff_8000))), "F_TRANSLATION", 0, [
    "0x1100000010",
    READ_PRIV_IN,
    "0x5aff800012345abc",
    "0x0",
  ]);
});

test("TBI1 (CD bit 39) ignores the top byte of TTB1 addresses; TBI0 for TTB0", () => {
  const w = twoHalves({ TBI1: 1, TBI0: 1 });
  w.t1.map(0x8000_1234_5000, 0x6_0000_0000, 3);
  w.t.map(0x1234_5000, 0x7_0000_0000, 3);
  ok(w.run(request(u64(0x1234_5abc, 0x5aff_8000))), 0x6_0000_0abc, 0x1000);
  ok(w.run(request(u64(0x1234_5abc, 0x3c00_0000))), 0x7_0000_0abc, 0x1000);
  // VA[55:48] must still be a sign extension.
  fault(w.run(request(u64(0x1234_5000, 0xff80_0000))), "F_TRANSLATION", 0);
  // TBI0 alone does not make TTB1 addresses tag-tolerant.
  const only0 = twoHalves({ TBI0: 1 });
  only0.t1.map(0x8000_1234_5000, 0x6_0000_0000, 3);
  fault(only0.run(request(u64(0x1234_5abc, 0x5aff_8000))), "F_TRANSLATION", 0);
});

test("EPD0 disables only the TTB0 half; EPD1 only TTB1", () => {
  const w = twoHalves({ EPD0: 1 });
  w.t1.map(0x8000_1234_5000, 0x6_0000_0000, 3);
  w.t.map(0x1234_5000, 0x7_0000_0000, 3);
  ok(w.run(request(u64(0x1234_5abc, 0xffff_8000))), 0x6_0000_0abc, 0x1000);
  fault(w.run(request(0x1234_5abc)), "F_TRANSLATION", 0);
  const e1 = twoHalves({ EPD1: 1 });
  fault(e1.run(request(u64(0x1234_5abc, 0xffff_8000))), "F_TRANSLATION", 0);
});

test("an input beyond T0SZ is F_TRANSLATION at level 0 with no table read", () => {
  const w = s1("4K", 25, 1);
  w.t.map(0x1000, 0x5000, 3);
  const r = w.run(request(0x80_0000_1000)); // bit 39 set with a 39-bit range
  fault(r, "F_TRANSLATION", 0, ["0x1100000010", READ_PRIV_IN, "0x8000001000", "0x0"]);
  assert.equal(r.steps.filter((s) => s.structure === "S1").length, 0);
});

test("an external abort on a stage-1 descriptor is F_WALK_EABT, S2=0, CLASS=TT, FetchAddr", () => {
  const w = s1("4K", 16, 0);
  w.t.map(VA, 0x8_7654_3000, 3);
  const slot = w.t.descriptorAddr(VA, 2);
  w.mem.addAbort({ addr: slot - (slot % 0x1000), size: 0x1000 });
  const r = w.run(request(VA));
  assert.equal(r.fault?.event, "F_WALK_EABT");
  assert.equal(r.fault?.class, "TT");
  assert.equal(r.fault?.fetchAddr, slot);
  assert.deepEqual(recordHex(r.fault?.record), [
    "0x110000000b",
    "0x10a00000000",
    "0x123456789abc",
    "0x" + slot.toString(16),
  ]);
  assert.equal(r.steps[r.steps.length - 1]!.note, "external abort");
});

test("CD.R 0 suppresses the record of a stage-1 translation fault; the fault stays", () => {
  const w = s1("4K", 16, 0, { R: 0 });
  const r = w.run(request(VA));
  fault(r, "F_TRANSLATION", 0);
  assert.equal(r.fault?.recorded, false);
  assert.equal(r.fault?.record, undefined);
});

test("unprivileged and instruction attributes come from STE.PRIVCFG / INSTCFG when supported", () => {
  const mem = new MemoryImage();
  writeWords(mem, CD_ADDR, cdWords({ TTB0: ROOT }));
  const prof = profile({ ATTR_PERMS_OVR: 1 });
  const setup = linearSetup(mem, prof, 0x11, steWords({ Config: 0b101, S1ContextPtr: CD_ADDR, PRIVCFG: 2 }));
  new Tables(mem, 1, "4K", 48, 0, ROOT).map(VA, 0x8_7654_3000, 3, { AP: 0 });
  const r = translate(setup, request(VA));
  assert.equal(r.fault?.event, "F_PERMISSION");
  assert.equal(recordHex(r.fault?.record)?.[1], "0x20800000000"); // PnU 0 after the override
});

for (const [granule, tg1, t1sz, start, level, out, size] of [
  ["16K", 1, 17, 1, 2, 0x6_0000_0000, 0x200_0000],
  ["64K", 3, 16, 1, 3, 0x6_0001_0000, 0x1_0000],
  ["64K", 3, 39, 3, 3, 0x6_0002_0000, 0x1_0000],
  ["4K", 2, 25, 1, 1, 0x6_4000_0000, 0x4000_0000],
] as const) {
  test(`TTB1 with the TG1 encoding ${tg1} (${granule}), T1SZ ${t1sz}: level-${level} leaf`, () => {
    const ia = 64 - t1sz;
    const w = s1("4K", 16, 0, { EPD1: 0, T1SZ: t1sz, TG1: tg1, TTB1: 0x40_0000 });
    const t1 = new Tables(w.mem, 1, granule, ia, start, 0x40_0000);
    // The top of the TTB1 range: VA = 2^64 - size; its low ia bits are 2^ia - size.
    const low = 2 ** ia - size;
    t1.map(low, out, level);
    // VA = 2^64 - 2^ia + low, as halves.
    const va =
      ia >= 32
        ? u64((low % 2 ** 32) + 0x123, Math.floor(low / 2 ** 32) + 2 ** 32 - 2 ** (ia - 32))
        : u64(low + 2 ** 32 - 2 ** ia + 0x123, 0xffff_ffff);
    ok(w.run(request(va)), out + 0x123, size);
  });
}

for (const [granule, txsz, start, tableLevel] of [
  ["16K", 17, 1, 2],
  ["64K", 16, 1, 2],
] as const) {
  test(`${granule}: a level-${tableLevel} table address beyond IPS is F_ADDR_SIZE level ${tableLevel}`, () => {
    const w = s1(granule, txsz, start, { IPS: 2 }); // 40 bits
    w.t.map(0x1_0000_0000, 0x10_0000, 3);
    w.t.raw(w.t.descriptorAddr(0x1_0000_0000, tableLevel), 0x3, 0x100); // next table at 2^40
    fault(w.run(request(0x1_0000_0000)), "F_ADDR_SIZE", tableLevel);
  });
}

test("trace steps carry the provenance of the word read and a table that decodes it", () => {
  const w = s1("4K", 16, 0);
  const slot = w.t.map(VA, 0x8_7654_3000, 3, { AP: 2 });
  assert.ok(w.mem.isDefined(slot));
  // Store the leaf again with a provenance, as a description file or dump import would.
  const leafWords = new Uint32Array(2);
  w.mem.read64(slot, leafWords);
  w.mem.store(slot, leafWords[0]!, leafWords[1]!, {
    file: "host.iommu",
    start: { line: 41, character: 0 },
    end: { line: 41, character: 30 },
    what: "map",
  });
  const r = w.run(request(VA));
  const leaf = r.steps[r.steps.length - 1]!;
  assert.equal(leaf.provenance?.file, "host.iommu");
  assert.equal(leaf.provenance?.start.line, 41);
  const decoded = decodeStruct(leaf.spec!, [leaf.value.lo, leaf.value.hi]);
  const fields = new Map(decoded.fields.map((f) => [f.field, f.value]));
  assert.equal(fields.get("OutputAddress"), "0x876543000");
  assert.equal(fields.get("AP"), "0x2");
  assert.equal(fields.get("AF"), "0x1");
  // STE and CD steps carry the whole structure for decoding.
  const cdStep = r.steps.find((s) => s.what === "CD dword 0")!;
  const cd = new Map(decodeStruct(cdStep.spec!, cdStep.structWords!).fields.map((f) => [f.field, f.value]));
  assert.equal(cd.get("TTB0"), "0x100000");
  assert.equal(cd.get("T0SZ"), "0x10");
});

test("with PAN the reported privileged permissions of an EL0-accessible page exclude data access", () => {
  const w = s1("4K", 16, 0, { PAN: 1 });
  w.t.map(VA, 0x8_7654_3000, 3, { AP: 3 });
  assert.deepEqual(w.run(request(VA, "exec")).perm, { read: false, write: false, exec: true });
  assert.deepEqual(w.run(request(VA, "read", { privileged: false })).perm, { read: true, write: false, exec: true });
});

test("52-bit: 4K with DS and T0SZ 12 starts at level -1; outputs above 2^48 are reachable", () => {
  const w = s1("4K", 12, -1, { DS: 1, IPS: 6 }, { OAS: 52, IAS: 52, DS: 1, VAX: 1 });
  w.t.wide = true;
  const va = 0xa_1234_5678_9abc;
  w.t.map(va, 0x9_0000_0000_0000 + 0x5000, 3);
  const r = w.run(request(va));
  ok(r, 0x9_0000_0000_5abc, 0x1000);
  assert.deepEqual(r.steps[16]!.index, { bits: "IOVA[51:48]", value: 0xa });
  assert.equal(r.steps[16]!.what, "S1 L-1 descriptor");
  // Without DS, 4K outputs stop at 48 bits: T0SZ 12 is then ILLEGAL (C_BAD_CD).
  const no = s1("4K", 12, -1, { IPS: 6 }, { OAS: 52, IAS: 52, DS: 1, VAX: 1 });
  assert.equal(no.run(request(va)).fault?.event, "C_BAD_CD");
});

test("52-bit: 64K with OAS 52 takes OA[51:48] from descriptor bits [15:12]", () => {
  const w = s1("64K", 12, 1, { IPS: 6 }, { OAS: 52, IAS: 52, VAX: 1 });
  w.t.wide = true;
  const va = 0xf_1234_5678_9abc;
  w.t.map(va, 0x4_0000_1234_0000, 3);
  ok(w.run(request(va)), 0x4_0000_1234_9abc, 0x1_0000);
  // IPS 48: the same descriptor's output is beyond the IPS.
  const small = s1("64K", 16, 1, { IPS: 5 }, { OAS: 52, IAS: 52, VAX: 1 });
  small.t.wide = true;
  small.t.map(0x1234_0000, 0x4_0000_1234_0000, 3);
  fault(small.run(request(0x1234_5678)), "F_ADDR_SIZE", 3);
});
