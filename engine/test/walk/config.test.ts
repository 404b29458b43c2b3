// Before the table walk: StreamID range and stream-table lookup (linear and 2-level), STE fetch
// aborts and validity, Config values, SubstreamID rules and S1DSS, CD fetch from linear and
// 2-level CD tables (4K and 64K leaves), CD validity. Records are worked out from §1.3.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryImage } from "../../src/memory/image";
import { u64 } from "../../src/bits/u64";
import { L1CD, L1STD } from "../../src/smmuv3/records";
import type { SmmuProfile } from "../../src/smmuv3/profile";
import { type TranslationSetup, type WalkResult, translate } from "../../src/smmuv3/walk";
import {
  Tables,
  type Values,
  cdWords,
  encode,
  linearSetup,
  profile,
  recordHex,
  request,
  steWords,
  writeWords,
} from "./tables";

const ROOT = 0x100000;
const VA = 0x1234_5000;

function fault(r: WalkResult, event: string, record?: string[] | null): void {
  assert.equal(r.outcome, "fault", `expected ${event}, got ${r.outcome} ${r.reason ?? ""}`);
  assert.equal(r.fault?.event, event, r.fault?.reason);
  if (record === null) {
    assert.equal(r.fault?.recorded, false);
    assert.equal(r.fault?.record, undefined);
  } else if (record) assert.deepEqual(recordHex(r.fault?.record), record);
}

/** A stage-1 stream whose CD (at `cdAddr`) maps VA 0x12345000 -> 0x5_0000_0000 + n * 0x1000. */
function withCd(mem: MemoryImage, cdAddr: number, n: number, cd: Values = {}): void {
  const root = ROOT + n * 0x10000;
  writeWords(mem, cdAddr, cdWords({ TTB0: root, ...cd }));
  new Tables(mem, 1, "4K", 48, 0, root).map(VA, 0x5_0000_0000 + n * 0x1000, 3);
}

function stage1Stream(
  ste: Values = {},
  prof: Partial<SmmuProfile> = {},
  cd: Values = {},
): { setup: TranslationSetup; mem: MemoryImage } {
  const mem = new MemoryImage();
  withCd(mem, 0x20000, 0, cd);
  return {
    mem,
    setup: linearSetup(mem, profile(prof), 0x11, steWords({ Config: 0b101, S1ContextPtr: 0x20000, ...ste })),
  };
}

// ---- stream table -----------------------------------------------------------------------------

test("a StreamID beyond 2^LOG2SIZE is C_BAD_STREAMID, recorded only with RECINVSID", () => {
  const { setup } = stage1Stream();
  fault(translate(setup, request(VA, "read", { sid: 0x100 })), "C_BAD_STREAMID", [
    "0x10000000002",
    "0x0",
    "0x0",
    "0x0",
  ]);
  const quiet = { ...setup, profile: profile({ RECINVSID: 0 }) };
  fault(translate(quiet, request(VA, "read", { sid: 0x100 })), "C_BAD_STREAMID", null);
  // SIDSIZE caps LOG2SIZE.
  const small = { ...setup, profile: profile({ SIDSIZE: 4 }) };
  fault(translate(small, request(VA)), "C_BAD_STREAMID");
});

test("a linear stream table puts the STE at base + SID * 64", () => {
  const { setup } = stage1Stream();
  const r = translate(setup, request(VA + 0x10));
  assert.equal(r.pa, 0x5_0000_0010);
  assert.equal(r.steps[0]!.addr, 0x10000 + 0x11 * 64);
  assert.equal(r.steps[0]!.spec?.name, "STE");
  assert.equal(r.steps[0]!.structWords?.length, 16);
});

/** 2-level table at 0x80000000, SPLIT 8: L1STD[sid >> 8] -> L2 array. */
function twoLevel(
  sid: number,
  l1std: Values,
  ste: Values = { Config: 0b101, S1ContextPtr: 0x20000 },
): TranslationSetup {
  const mem = new MemoryImage();
  withCd(mem, 0x20000, 0);
  writeWords(mem, 0x8000_0000 + (sid >>> 8) * 8, encode(L1STD, l1std));
  const l2 = l1std["L2Ptr"] ?? 0;
  const span = l1std["Span"] ?? 0;
  const aligned = l2 - (l2 % (2 ** Math.max(span - 1, 0) * 64));
  writeWords(mem, aligned + (sid % 256) * 64, steWords(ste));
  return { profile: profile(), memory: mem, strtab: { base: 0x8000_0000, fmt: "2-level", log2size: 16, split: 8 } };
}

test("a 2-level stream table: L1STD[SID[15:8]] then STE SID[7:0] of the L2 array", () => {
  const setup = twoLevel(0x7d11, { Span: 9, L2Ptr: 0x9_0004_0000 });
  const r = translate(setup, request(VA, "read", { sid: 0x7d11 }));
  assert.equal(r.pa, 0x5_0000_0000);
  assert.equal(r.steps[0]!.what, "L1STD");
  assert.equal(r.steps[0]!.addr, 0x8000_0000 + 0x7d * 8);
  assert.deepEqual(r.steps[0]!.index, { bits: "SID[15:8]", value: 0x7d });
  assert.equal(r.steps[1]!.addr, 0x9_0004_0000 + 0x11 * 64);
});

test("L2Ptr bits below the L2 array size are ignored", () => {
  // Span 3: 4 STEs, 256-byte array; L2Ptr 0x61000080 addresses 0x61000000.
  const setup = twoLevel(0x302, { Span: 3, L2Ptr: 0x6100_0080 }, { Config: 0b100 });
  const mem = setup.memory;
  writeWords(mem, 0x6100_0000 + 2 * 64, steWords({ Config: 0b100 }));
  const r = translate(setup, request(0xabc000, "read", { sid: 0x302 }));
  assert.equal(r.outcome, "bypass");
  assert.equal(r.pa, 0xabc000);
  assert.equal(r.steps[1]!.addr, 0x6100_0000 + 2 * 64);
});

test("L1STD Span 0, Reserved, > SPLIT + 1, or too small for the index: C_BAD_STREAMID", () => {
  for (const span of [0, 10, 12, 31]) {
    const r = translate(twoLevel(0x4242, { Span: span, L2Ptr: 0x9_0000_0000 }), request(VA, "read", { sid: 0x4242 }));
    fault(r, "C_BAD_STREAMID", ["0x424200000002", "0x0", "0x0", "0x0"]);
  }
  // Span 2 holds 2 STEs: index 0x42 is beyond it.
  fault(
    translate(twoLevel(0x4242, { Span: 2, L2Ptr: 0x9_0000_0000 }), request(VA, "read", { sid: 0x4242 })),
    "C_BAD_STREAMID",
  );
  assert.equal(
    translate(twoLevel(0x4201, { Span: 2, L2Ptr: 0x9_0000_0000 }), request(VA, "read", { sid: 0x4201 })).pa,
    0x5_0000_0000,
  );
});

test("aborts reading the L1STD or the STE are F_STE_FETCH with FetchAddr", () => {
  const a = twoLevel(0x7d11, { Span: 9, L2Ptr: 0x9_0004_0000 });
  a.memory.addAbort({ addr: 0x8000_0000, size: 0x1000 });
  fault(translate(a, request(VA, "read", { sid: 0x7d11 })), "F_STE_FETCH", [
    "0x7d1100000003",
    "0x0",
    "0x0",
    "0x800003e8",
  ]);
  const b = twoLevel(0x7d11, { Span: 9, L2Ptr: 0x9_0004_0000 });
  b.memory.addAbort({ addr: 0x9_0004_0000, size: 0x4000 });
  const r = translate(b, request(VA, "read", { sid: 0x7d11 }));
  fault(r, "F_STE_FETCH", ["0x7d1100000003", "0x0", "0x0", "0x900040440"]);
  assert.equal(r.fault?.fetchAddr, 0x9_0004_0440);
});

// ---- STE ----------------------------------------------------------------------------------------

test("an invalid STE is C_BAD_STE, recording SSV and SubstreamID of the transaction", () => {
  const { setup } = stage1Stream({ V: 0 });
  fault(translate(setup, request(VA)), "C_BAD_STE", ["0x1100000004", "0x0", "0x0", "0x0"]);
  fault(translate(setup, request(VA, "read", { ssid: 5 })), "C_BAD_STE", ["0x1100005804", "0x0", "0x0", "0x0"]);
});

test("Config 0b000 aborts silently; 0b001..0b011 are Reserved and behave the same", () => {
  for (const config of [0, 1, 2, 3]) {
    const { setup } = stage1Stream({ Config: config });
    const r = translate(setup, request(VA));
    assert.equal(r.outcome, "abort");
    assert.equal(r.fault, undefined);
  }
});

test("Config 0b100 bypasses both stages; an input beyond OAS is F_ADDR_SIZE stage 1 CLASS=IN", () => {
  const { setup } = stage1Stream({ Config: 0b100 });
  const r = translate(setup, request(0x1234_5678_9ab));
  assert.equal(r.outcome, "bypass");
  assert.equal(r.pa, 0x1234_5678_9ab);
  assert.deepEqual(r.perm, { read: true, write: true, exec: true });
  const f = translate(setup, request(2 ** 44));
  fault(f, "F_ADDR_SIZE", ["0x1100000011", "0x20a00000000", "0x100000000000", "0x0"]);
  assert.equal(f.fault?.stage, 1);
  assert.equal(f.fault?.class, "IN");
});

const illegalStes: [string, Values, Partial<SmmuProfile>][] = [
  ["S1CDMax beyond SSIDSIZE", { S1CDMax: 9 }, { SSIDSIZE: 8 }],
  ["S1ContextPtr beyond OAS", { S1ContextPtr: 2 ** 44 }, {}],
  ["stage 1 on a stage-2-only SMMU", {}, { stages: new Set(["S2"]) }],
  ["2-level CD table without CD2L", { S1CDMax: 4, S1Fmt: 1 }, { SSIDSIZE: 8, CD2L: 0 }],
  ["S1STALLD with STALL_MODEL 1", { S1STALLD: 1 }, {}],
];

for (const [name, ste, prof] of illegalStes) {
  test(`an ILLEGAL STE is C_BAD_STE: ${name}`, () => {
    const { setup } = stage1Stream(ste, prof);
    fault(translate(setup, request(VA)), "C_BAD_STE", ["0x1100000004", "0x0", "0x0", "0x0"]);
  });
}

test("a given STE skips the fetch but is still judged", () => {
  const { setup, mem } = stage1Stream();
  const given: TranslationSetup = {
    profile: setup.profile,
    memory: mem,
    ste: { words: steWords({ Config: 0b101, S1ContextPtr: 0x20000 }) },
  };
  const r = translate(given, request(VA));
  assert.equal(r.pa, 0x5_0000_0000);
  assert.equal(r.steps[0]!.what, "CD dword 0");
  fault(translate({ ...given, ste: { words: steWords({ V: 0 }) } }, request(VA)), "C_BAD_STE");
  const givenCd: TranslationSetup = { ...given, cd: { words: cdWords({ V: 0 }) } };
  fault(translate(givenCd, request(VA)), "C_BAD_CD");
});

// ---- SubstreamIDs -----------------------------------------------------------------------------------

test("C_BAD_SUBSTREAMID: no SubstreamIDs, stage 1 off, S1CDMax 0, SSID beyond S1CDMax", () => {
  const rec = (ssid: number): string[] => [
    "0x" + (0x11 * 2 ** 32 + ssid * 0x1000 + 8).toString(16),
    "0x0",
    "0x0",
    "0x0",
  ];
  fault(translate(stage1Stream().setup, request(VA, "read", { ssid: 3 })), "C_BAD_SUBSTREAMID", rec(3));
  const s2only = stage1Stream({ Config: 0b100 }, { SSIDSIZE: 8 });
  fault(translate(s2only.setup, request(VA, "read", { ssid: 3 })), "C_BAD_SUBSTREAMID", rec(3));
  const cdmax0 = stage1Stream({}, { SSIDSIZE: 8 });
  fault(translate(cdmax0.setup, request(VA, "read", { ssid: 3 })), "C_BAD_SUBSTREAMID", rec(3));
  const cdmax2 = stage1Stream({ S1CDMax: 2 }, { SSIDSIZE: 8 });
  fault(translate(cdmax2.setup, request(VA, "read", { ssid: 4 })), "C_BAD_SUBSTREAMID", rec(4));
});

test("S1DSS: terminate, bypass, CD 0 for traffic without a SubstreamID; SSID 0 reserved with 0b10", () => {
  const term = stage1Stream({ S1CDMax: 2, S1DSS: 0 }, { SSIDSIZE: 8 });
  fault(translate(term.setup, request(VA)), "F_STREAM_DISABLED", ["0x1100000006", "0x0", "0x0", "0x0"]);
  const reserved = stage1Stream({ S1CDMax: 2, S1DSS: 3 }, { SSIDSIZE: 8 });
  fault(translate(reserved.setup, request(VA)), "F_STREAM_DISABLED");
  const bypass = stage1Stream({ S1CDMax: 2, S1DSS: 1 }, { SSIDSIZE: 8 });
  const b = translate(bypass.setup, request(VA));
  assert.equal(b.outcome, "bypass");
  assert.equal(b.pa, VA);
  const cd0 = stage1Stream({ S1CDMax: 2, S1DSS: 2 }, { SSIDSIZE: 8 });
  assert.equal(translate(cd0.setup, request(VA)).pa, 0x5_0000_0000);
  fault(translate(cd0.setup, request(VA, "read", { ssid: 0 })), "F_STREAM_DISABLED", [
    "0x1100000006",
    "0x0",
    "0x0",
    "0x0",
  ]);
});

test("a linear CD table: CD[SSID] at S1ContextPtr + SSID * 64", () => {
  const mem = new MemoryImage();
  withCd(mem, 0x20000 + 5 * 64, 5);
  const setup = linearSetup(
    mem,
    profile({ SSIDSIZE: 8 }),
    0x11,
    steWords({ Config: 0b101, S1ContextPtr: 0x20000, S1CDMax: 3 }),
  );
  const r = translate(setup, request(VA, "read", { ssid: 5 }));
  assert.equal(r.pa, 0x5_0000_5000);
  assert.equal(r.steps[8]!.addr, 0x20000 + 5 * 64);
  // The record of a later fault carries SSV and the SubstreamID.
  const f = translate(setup, request(0x7777_0000, "read", { ssid: 5 }));
  assert.equal(recordHex(f.fault?.record)?.[0], "0x1100005810");
});

for (const [fmt, cdMax, ssid, leafBits] of [
  [1, 10, 0x45, 6],
  [2, 12, 0x4ff, 10],
  [2, 8, 0xff, 10],
] as const) {
  test(`a 2-level CD table with ${fmt === 1 ? "4K" : "64K"} leaves: S1CDMax ${cdMax}, SSID 0x${ssid.toString(16)}`, () => {
    const mem = new MemoryImage();
    const l1Index = Math.floor(ssid / 2 ** leafBits);
    const leaf = 0x30_0000;
    writeWords(mem, 0x20000 + l1Index * 8, encode(L1CD, { V: 1, L2Ptr: leaf }));
    withCd(mem, leaf + (ssid % 2 ** leafBits) * 64, 7);
    const setup = linearSetup(
      mem,
      profile({ SSIDSIZE: 16 }),
      0x11,
      steWords({ Config: 0b101, S1ContextPtr: 0x20000, S1CDMax: cdMax, S1Fmt: fmt }),
    );
    const r = translate(setup, request(VA, "read", { ssid }));
    assert.equal(r.fault?.reason, undefined);
    assert.equal(r.pa, 0x5_0000_7000);
    assert.equal(r.steps[8]!.what, "L1CD");
    assert.equal(r.steps[8]!.addr, 0x20000 + l1Index * 8);
    assert.equal(r.steps[9]!.addr, leaf + (ssid % 2 ** leafBits) * 64);
  });
}

test("L1CD not valid or L2Ptr beyond OAS: C_BAD_SUBSTREAMID; aborts: F_CD_FETCH", () => {
  const build = (l1: Values): TranslationSetup => {
    const mem = new MemoryImage();
    writeWords(mem, 0x20000, encode(L1CD, l1));
    withCd(mem, 0x30_0000 + 5 * 64, 1);
    return linearSetup(
      mem,
      profile({ SSIDSIZE: 16 }),
      0x11,
      steWords({ Config: 0b101, S1ContextPtr: 0x20000, S1CDMax: 6, S1Fmt: 1, S1DSS: 2 }),
    );
  };
  fault(translate(build({ V: 0, L2Ptr: 0x30_0000 }), request(VA, "read", { ssid: 5 })), "C_BAD_SUBSTREAMID", [
    "0x1100005008",
    "0x0",
    "0x0",
    "0x0",
  ]);
  // Without a SubstreamID (S1DSS 0b10 uses CD 0) the record says SubstreamID 0.
  fault(translate(build({ V: 0 }), request(VA)), "C_BAD_SUBSTREAMID", ["0x1100000008", "0x0", "0x0", "0x0"]);
  fault(translate(build({ V: 1, L2Ptr: 2 ** 44 }), request(VA, "read", { ssid: 5 })), "C_BAD_SUBSTREAMID");
  const l1Abort = build({ V: 1, L2Ptr: 0x30_0000 });
  l1Abort.memory.addAbort({ addr: 0x20000, size: 8 });
  fault(translate(l1Abort, request(VA, "read", { ssid: 5 })), "F_CD_FETCH", ["0x1100005809", "0x0", "0x0", "0x20000"]);
  const cdAbort = build({ V: 1, L2Ptr: 0x30_0000 });
  cdAbort.memory.addAbort({ addr: 0x30_0000 + 5 * 64 + 16, size: 8 });
  fault(translate(cdAbort, request(VA, "read", { ssid: 5 })), "F_CD_FETCH", ["0x1100005809", "0x0", "0x0", "0x300140"]);
});

const illegalCds: [string, Values, Partial<SmmuProfile>][] = [
  ["V 0", { V: 0 }, {}],
  ["A 0 with TERM_MODEL 1", { A: 0 }, {}],
  ["S 1 on an SMMU without stalls", { S: 1 }, {}],
  ["T0SZ 15", { T0SZ: 15 }, {}],
  ["T0SZ 40 without STT", { T0SZ: 40 }, {}],
  ["TG0 Reserved", { TG0: 3 }, {}],
  ["TG0 64K unsupported", { TG0: 1 }, { granules: new Set(["4K"]) }],
  ["TTB0 beyond the effective IPS", { TTB0: 2 ** 40, IPS: 2 }, {}],
  ["ENDI 1 on a little-endian-only SMMU", { ENDI: 1 }, {}],
  ["HA without HTTU", { HA: 1 }, {}],
  ["AA64 0 on an AArch64-only SMMU", { AA64: 0 }, {}],
  ["TTB1 in use with T1SZ 0", { EPD1: 0, T1SZ: 0, TG1: 2 }, {}],
];

for (const [name, cd, prof] of illegalCds) {
  test(`an ILLEGAL CD is C_BAD_CD: ${name}`, () => {
    const { setup } = stage1Stream({}, prof, cd);
    fault(translate(setup, request(VA)), "C_BAD_CD", ["0x110000000a", "0x0", "0x0", "0x0"]);
  });
}

test("fields of a disabled TTB half are IGNORED (EPD1 with garbage T1SZ/TG1/TTB1)", () => {
  const { setup } = stage1Stream({}, {}, { EPD1: 1, T1SZ: 0, TG1: 0, TTB1: 2 ** 50 });
  assert.equal(translate(setup, request(VA)).pa, 0x5_0000_0000);
});

test("a bad request never throws: huge StreamID, negative SubstreamID", () => {
  const { setup } = stage1Stream();
  fault(translate(setup, request(VA, "read", { sid: 2 ** 40 })), "C_BAD_STREAMID");
  fault(translate(setup, request(VA, "read", { ssid: -1 })), "C_BAD_SUBSTREAMID");
  assert.equal(translate(setup, request(u64(0xffff_ffff, 0xffff_ffff))).fault?.event, "F_TRANSLATION");
});

test("R1's legality findings ride on the result; the first ILLEGAL one names the C_BAD_STE / C_BAD_CD", () => {
  const { setup } = stage1Stream({ S1CDMax: 9 }, { SSIDSIZE: 8 });
  const r = translate(setup, request(VA));
  const illegal = r.findings?.find((f) => f.illegal && f.event === "C_BAD_STE");
  assert.ok(illegal, JSON.stringify(r.findings));
  assert.ok(r.fault?.reason.startsWith(illegal.code), r.fault?.reason);
  const cd = stage1Stream({}, {}, { T0SZ: 15 });
  const c = translate(cd.setup, request(VA));
  const bad = c.findings?.find((f) => f.illegal && f.event === "C_BAD_CD");
  assert.ok(bad);
  assert.equal(c.fault?.event, "C_BAD_CD");
  assert.ok(c.fault?.reason.startsWith(bad.code));
});

test("a stream-table fetch address beyond OAS is F_STE_FETCH, not a read of nothing", () => {
  const mem = new MemoryImage();
  const setup: TranslationSetup = {
    profile: profile({ OAS: 32, IAS: 32 }),
    memory: mem,
    strtab: { base: 0x1_0000_0000, fmt: "linear", log2size: 8, split: 0 },
  };
  fault(translate(setup, request(VA)), "F_STE_FETCH", ["0x1100000003", "0x0", "0x0", "0x100000440"]);
  const twoLevel: TranslationSetup = {
    ...setup,
    strtab: { base: 0x1_0000_0000, fmt: "2-level", log2size: 16, split: 8 },
  };
  fault(translate(twoLevel, request(VA)), "F_STE_FETCH", ["0x1100000003", "0x0", "0x0", "0x100000000"]);
});

test("legality warnings ride on successful translations too", () => {
  // S1CSH 0b01 is Reserved (behaves as NSH): legal, and R1's linter warns about it.
  const { setup } = stage1Stream({ S1CIR: 0, S1COR: 0, S1CSH: 1 });
  const r = translate(setup, request(VA));
  assert.equal(r.outcome, "translated");
  assert.ok(r.findings && r.findings.length > 0, "expected R1's warnings (S1CSH Reserved) on the result");
  assert.ok(r.findings.every((f) => !f.illegal));
});
