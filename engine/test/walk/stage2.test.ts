// Stage-2-only streams (Config 0b110): start levels from S2SL0, concatenated start-level tables,
// inconsistent geometry as C_BAD_STE, S2AP, stage-2 XN with and without XNX, AF/S2AFFD, S2PS
// address-size faults, walk aborts, S2R, and the stage-1-bypass IAS check. Worked by hand from
// the reference (§2.4, §2.5, §5.3, §5.5, §5.6).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryImage } from "../../src/memory/image";
import type { SmmuProfile } from "../../src/smmuv3/profile";
import { type TranslationRequest, type WalkResult, translate } from "../../src/smmuv3/walk";
import { Tables, type Values, linearSetup, profile, recordHex, request, steWords } from "./tables";

const S2ROOT = 0x40_0000;

interface S2 {
  mem: MemoryImage;
  t: Tables;
  run: (req: TranslationRequest) => WalkResult;
}

function s2(
  granule: "4K" | "16K" | "64K",
  s2t0sz: number,
  sl0: number,
  start: number,
  ste: Values = {},
  prof: Partial<SmmuProfile> = {},
): S2 {
  const mem = new MemoryImage();
  const tg = granule === "4K" ? 0 : granule === "64K" ? 1 : 2;
  const g = granule === "4K" ? 12 : granule === "16K" ? 14 : 16;
  const ia = 64 - s2t0sz;
  const startBits = ia - (g + (3 - start) * (g - 3));
  const rootBytes = 2 ** (startBits + 3);
  const root = Math.ceil(S2ROOT / rootBytes) * rootBytes;
  const setup = linearSetup(
    mem,
    profile(prof),
    0x11,
    steWords({
      Config: 0b110,
      S2T0SZ: s2t0sz,
      S2SL0: sl0,
      S2TG: tg,
      S2PS: 5,
      S2AA64: 1,
      S2R: 1,
      S2TTB: root,
      S2VMID: 7,
      ...ste,
    }),
  );
  const t = new Tables(mem, 2, granule, ia, start, root, 0, rootBytes);
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
  assert.equal(r.fault?.stage, 2);
  assert.equal(r.fault?.class, "IN");
  assert.equal(r.fault?.level, level);
  if (record) assert.deepEqual(recordHex(r.fault?.record), record);
}

const cases: {
  name: string;
  granule: "4K" | "16K" | "64K";
  s2t0sz: number;
  sl0: number;
  start: number;
  level: number;
  ipa: number;
  out: number;
  pa: number;
  size: number;
}[] = [
  {
    name: "4K SL0 0 (L2), S2T0SZ 34",
    granule: "4K",
    s2t0sz: 34,
    sl0: 0,
    start: 2,
    level: 3,
    ipa: 0x3456_789a,
    out: 0x7000,
    pa: 0x789a,
    size: 0x1000,
  },
  {
    name: "4K SL0 1 (L1), 2MB block",
    granule: "4K",
    s2t0sz: 25,
    sl0: 1,
    start: 1,
    level: 2,
    ipa: 0x12_3456_7abc,
    out: 0x8_0000_0000,
    pa: 0x8_0016_7abc,
    size: 0x20_0000,
  },
  {
    name: "4K SL0 2 (L0), 1GB block",
    granule: "4K",
    s2t0sz: 20,
    sl0: 2,
    start: 0,
    level: 1,
    ipa: 0xabc_1234_5678,
    out: 0x7_c000_0000,
    pa: 0x7_d234_5678,
    size: 0x4000_0000,
  },
  {
    name: "16K SL0 1 (L2), page",
    granule: "16K",
    s2t0sz: 28,
    sl0: 1,
    start: 2,
    level: 3,
    ipa: 0x9_8765_4321,
    out: 0x1_0000_4000,
    pa: 0x1_0000_4321,
    size: 0x4000,
  },
  {
    name: "64K SL0 1 (L2), page",
    granule: "64K",
    s2t0sz: 25,
    sl0: 1,
    start: 2,
    level: 3,
    ipa: 0x12_3456_7abc,
    out: 0x3_0000_0000,
    pa: 0x3_0000_7abc,
    size: 0x1_0000,
  },
  {
    name: "4K L1 with 8 concatenated tables, IPA[41:39] = 5",
    granule: "4K",
    s2t0sz: 22,
    sl0: 1,
    start: 1,
    level: 3,
    ipa: 0x280_1234_5678,
    out: 0x4_4444_4000,
    pa: 0x4_4444_4678,
    size: 0x1000,
  },
  {
    name: "16K L3 with 8 concatenated tables",
    granule: "16K",
    s2t0sz: 36,
    sl0: 0,
    start: 3,
    level: 3,
    ipa: 0xabc_d123,
    out: 0x8_8880_0000,
    pa: 0x8_8880_1123,
    size: 0x4000,
  },
];

for (const c of cases) {
  test(`stage 2 translates: ${c.name}`, () => {
    const w = s2(c.granule, c.s2t0sz, c.sl0, c.start);
    w.t.map(c.ipa, c.out, c.level);
    const r = w.run(request(c.ipa));
    ok(r, c.pa, c.size);
    assert.equal(r.attrs?.memType, "Normal-WB");
    assert.equal(r.attrs?.vmid, 7);
    assert.ok(r.steps.slice(8).every((s) => s.structure === "S2" && s.stage === 2 && s.space === "PA"));
  });
}

test("the concatenated start level indexes IPA[41:30] across the 8 tables", () => {
  const w = s2("4K", 22, 1, 1);
  w.t.map(0x280_1234_5678, 0x4_4444_4000, 3);
  const r = w.run(request(0x280_1234_5678));
  assert.deepEqual(r.steps[8]!.index, { bits: "IPA[41:30]", value: 0xa00 });
  assert.equal(r.steps[8]!.addr, w.t.root + 0xa00 * 8);
  assert.equal(r.steps[8]!.what, "S2 L1 descriptor");
});

const inconsistent: [string, "4K" | "16K" | "64K", number, number, Partial<SmmuProfile>][] = [
  ["4K L2 start with a 40-bit IPA (19 bits at the start level)", "4K", 24, 0, {}],
  ["16K L2 start with S2T0SZ 20 (more than 16 tables)", "16K", 20, 1, {}],
  ["64K SL0 0b11 is Reserved", "64K", 25, 3, {}],
  ["4K SL0 0b11 (L3) needs STT", "4K", 40, 3, {}],
  ["S2T0SZ 40 beyond 39 without STT", "4K", 40, 0, {}],
  ["S2T0SZ 19 below 64 - IAS (44)", "4K", 19, 2, {}],
  ["L1 start resolving no bits", "64K", 34, 2, {}],
];

for (const [name, granule, s2t0sz, sl0, prof] of inconsistent) {
  test(`inconsistent stage-2 geometry is C_BAD_STE, not a walk fault: ${name}`, () => {
    const w = s2(granule, s2t0sz, sl0, 1, {}, prof);
    const r = w.run(request(0x1000));
    assert.equal(r.fault?.event, "C_BAD_STE", r.fault?.reason);
    assert.deepEqual(recordHex(r.fault?.record), ["0x1100000004", "0x0", "0x0", "0x0"]);
  });
}

test("other ILLEGAL stage-2 STEs: S2S without stalls, unsupported S2TG, S2TTB beyond S2PS, S2AA64 0, S2ENDI", () => {
  for (const [ste, prof] of [
    [{ S2S: 1 }, {}],
    [{}, { granules: new Set(["16K"]) }],
    [{ S2PS: 0, S2TTB: 0x1_0000_0000 }, {}],
    [{ S2AA64: 0 }, {}],
    [{ S2ENDI: 1 }, {}],
  ] as [Values, Partial<SmmuProfile>][]) {
    const w = s2("4K", 25, 1, 1, ste, prof);
    assert.equal(w.run(request(0x1000)).fault?.event, "C_BAD_STE", JSON.stringify(ste));
  }
});

test("an IPA beyond the S2T0SZ range is F_TRANSLATION S2=1 CLASS=IN with IPA[51:12] recorded", () => {
  const w = s2("4K", 25, 1, 1);
  const r = w.run(request(0x80_1234_5678));
  fault(r, "F_TRANSLATION", 0, ["0x1100000010", "0x28a00000000", "0x8012345678", "0x8012345000"]);
  assert.equal(r.fault?.ipa, 0x80_1234_5678);
});

for (const level of [0, 1, 2, 3]) {
  test(`an invalid stage-2 descriptor at level ${level} is F_TRANSLATION level ${level}`, () => {
    const w = s2("4K", 16, 2, 0, {}, { OAS: 48, IAS: 48 });
    w.t.map(0x1234_5678_9000, 0x5000, 3);
    w.t.raw(w.t.descriptorAddr(0x1234_5678_9000, level), 0);
    fault(w.run(request(0x1234_5678_9abc)), "F_TRANSLATION", level, [
      "0x1100000010",
      "0x28a00000000",
      "0x123456789abc",
      "0x123456789000",
    ]);
  });
}

test("a Reserved level-3 encoding and a block at a level without blocks are F_TRANSLATION", () => {
  const a = s2("64K", 25, 1, 2);
  const slot = a.t.map(0x12_3456_0000, 0x3_0000_0000, 3);
  a.t.raw(slot, 0x401);
  fault(a.run(request(0x12_3456_0000)), "F_TRANSLATION", 3);
  const b = s2("64K", 20, 2, 1); // 44-bit IPA, 64K start level 1
  b.t.map(0x123_4567_0000, 0x3_0000_0000, 3);
  b.t.raw(b.t.descriptorAddr(0x123_4567_0000, 1), 0x401); // 4TB block without 52-bit PAs
  fault(b.run(request(0x123_4567_0000)), "F_TRANSLATION", 1);
});

const s2apCases: [number, "read" | "write", boolean][] = [
  [0, "read", false],
  [0, "write", false],
  [1, "read", true],
  [1, "write", false],
  [2, "read", false],
  [2, "write", true],
  [3, "read", true],
  [3, "write", true],
];

for (const [s2ap, access, allowed] of s2apCases) {
  test(`S2AP 0b${s2ap.toString(2).padStart(2, "0")} ${access}: ${allowed ? "allowed" : "F_PERMISSION"}`, () => {
    const w = s2("4K", 25, 1, 1);
    w.t.map(0x1234_5000, 0x6_6666_6000, 3, { S2AP: s2ap });
    const r = w.run(request(0x1234_5678, access));
    if (allowed) ok(r, 0x6_6666_6678, 0x1000);
    else
      fault(r, "F_PERMISSION", 3, [
        "0x1100000013",
        access === "read" ? "0x28a00000000" : "0x28200000000",
        "0x12345678",
        "0x12345000",
      ]);
  });
}

for (const [xn, xnx, privOk, unprivOk] of [
  [0, 1, true, true],
  [1, 1, false, true],
  [2, 1, false, false],
  [3, 1, true, false],
  [1, 0, true, true],
  [2, 0, false, false],
] as const) {
  test(`stage-2 XN ${xn} with XNX ${xnx}: privileged exec ${privOk}, unprivileged exec ${unprivOk}`, () => {
    const w = s2("4K", 25, 1, 1, {}, { XNX: xnx });
    w.t.map(0x1234_5000, 0x6_6666_6000, 3, { XN: xn, S2AP: 1 });
    for (const [privileged, allowed] of [
      [true, privOk],
      [false, unprivOk],
    ] as const) {
      const r = w.run(request(0x1234_5678, "exec", { privileged }));
      if (allowed) ok(r, 0x6_6666_6678, 0x1000);
      else
        fault(r, "F_PERMISSION", 3, [
          "0x1100000013",
          privileged ? "0x28e00000000" : "0x28c00000000",
          "0x12345678",
          "0x12345000",
        ]);
      // XN never restricts data reads.
      ok(w.run(request(0x1234_5678, "read", { privileged })), 0x6_6666_6678, 0x1000);
    }
  });
}

test("stage-2 AF 0 is F_ACCESS unless S2AFFD; F_ADDR_SIZE comes first", () => {
  const a = s2("4K", 25, 1, 1);
  a.t.map(0x1234_5000, 0x6_6666_6000, 3, { AF: 0 });
  fault(a.run(request(0x1234_5678)), "F_ACCESS", 3, ["0x1100000012", "0x28a00000000", "0x12345678", "0x12345000"]);
  const b = s2("4K", 25, 1, 1, { S2AFFD: 1 });
  b.t.map(0x1234_5000, 0x6_6666_6000, 3, { AF: 0 });
  ok(b.run(request(0x1234_5678)), 0x6_6666_6678, 0x1000);
  const c = s2("4K", 25, 1, 1, { S2PS: 1 });
  c.t.map(0x1234_5000, 0x10_0000_0000, 3, { AF: 0, S2AP: 1 });
  fault(c.run(request(0x1234_5678, "write")), "F_ADDR_SIZE", 3, [
    "0x1100000011",
    "0x28200000000",
    "0x12345678",
    "0x12345000",
  ]);
});

test("stage-2 table addresses beyond the effective S2PS are F_ADDR_SIZE at their level", () => {
  const w = s2("16K", 28, 1, 2, { S2PS: 1 }); // 36-bit S2PS
  w.t.map(0x2_3456_4000, 0x8000, 3);
  w.t.raw(w.t.descriptorAddr(0x2_3456_7000, 2), 0x3, 0x10); // next table at 2^36
  fault(w.run(request(0x2_3456_7000)), "F_ADDR_SIZE", 2, [
    "0x1100000011",
    "0x28a00000000",
    "0x234567000",
    "0x234567000",
  ]);
  // S2PS 48 is capped by OAS 44.
  const c = s2("4K", 25, 1, 1, { S2PS: 5 });
  c.t.map(0x1000, 2 ** 44, 3);
  fault(c.run(request(0x1000)), "F_ADDR_SIZE", 3);
});

test("a stage-2 descriptor fetch abort is F_WALK_EABT S2=1 CLASS=IN with FetchAddr", () => {
  const w = s2("4K", 25, 1, 1);
  w.t.map(0x1234_5000, 0x6_6666_6000, 3);
  const slot = w.t.descriptorAddr(0x1234_5000, 3);
  w.mem.addAbort({ addr: slot, size: 8 });
  const r = w.run(request(0x1234_5678));
  assert.equal(r.fault?.event, "F_WALK_EABT");
  assert.equal(r.fault?.stage, 2);
  assert.equal(r.fault?.class, "IN");
  assert.deepEqual(recordHex(r.fault?.record), [
    "0x110000000b",
    "0x28a00000000",
    "0x12345678",
    "0x" + slot.toString(16),
  ]);
});

test("STE.S2R 0 suppresses stage-2 fault records", () => {
  const w = s2("4K", 25, 1, 1, { S2R: 0 });
  const r = w.run(request(0x1234_5678));
  fault(r, "F_TRANSLATION", 1);
  assert.equal(r.fault?.recorded, false);
  assert.equal(r.fault?.record, undefined);
});

test("with stage 1 bypassed an input beyond IAS is F_ADDR_SIZE with S2=0, before any stage-2 read", () => {
  const w = s2("4K", 20, 2, 0);
  const r = w.run(request(2 ** 44 + 0x1000));
  assert.equal(r.fault?.event, "F_ADDR_SIZE");
  assert.equal(r.fault?.stage, 1);
  assert.equal(r.fault?.class, "IN");
  assert.deepEqual(recordHex(r.fault?.record), ["0x1100000011", "0x20a00000000", "0x100000001000", "0x0"]);
  assert.equal(r.steps.length, 8);
});

test("big-endian stage-2 tables with S2ENDI 1; memory types from MemAttr", () => {
  const w = s2("4K", 25, 1, 1, { S2ENDI: 1 }, { TTENDIAN: "mixed" });
  w.t.bigEndian = true;
  w.t.map(0x1234_5000, 0x6_6666_6000, 3, { MemAttr: 0x1 });
  const r = w.run(request(0x1234_5678));
  ok(r, 0x6_6666_6678, 0x1000);
  assert.equal(r.attrs?.memType, "Device-nGnRE");
  assert.equal(r.attrs?.sh, "outer");
  assert.deepEqual(r.perm, { read: true, write: true, exec: true });
});

test("S2HD with DBM lets a write to a read-only stage-2 page through", () => {
  const w = s2("4K", 25, 1, 1, { S2HA: 1, S2HD: 1 }, { HTTU: "AF+dirty" });
  w.t.map(0x1234_5000, 0x6_6666_6000, 3, { S2AP: 1, DBM: 1, AF: 0 });
  ok(w.run(request(0x1234_5678, "write")), 0x6_6666_6678, 0x1000);
});
