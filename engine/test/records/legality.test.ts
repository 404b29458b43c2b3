// STE and CD legality: a legal baseline has no findings; one mutation per rule gives exactly that
// rule's code; every checked rule of LEGALITY_RULES is exercised; random input never throws.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { U64 } from "../../src/bits/u64";
import { DEFAULT_PROFILE, type SmmuProfile } from "../../src/smmuv3/profile";
import {
  CD,
  LEGALITY_RULES,
  STE,
  checkCd,
  checkSte,
  type CdCheckContext,
  type SteCheckContext,
} from "../../src/smmuv3/records";
import { BOTH_TTF, CD_BASE, build } from "./legality-fixtures";

const n = (v: number): U64 => ({ lo: v >>> 0, hi: Math.floor(v / 2 ** 32) });

// Reference §9.2's nested STE, with S1STALLD = 0 (this profile cannot stall).
const STE_BASE = build(STE, {
  V: 1,
  Config: 7,
  S1Fmt: 0,
  S1ContextPtr: 0x48000000,
  S1CDMax: 3,
  S1DSS: 2,
  S1CIR: 1,
  S1COR: 1,
  S1CSH: 3,
  S2VMID: 5,
  S2T0SZ: 24,
  S2SL0: 1,
  S2IR0: 1,
  S2OR0: 1,
  S2SH0: 3,
  S2TG: 0,
  S2PS: 2,
  S2AA64: 1,
  S2PTW: 1,
  S2R: 1,
  S2TTB: 0x880000000,
});
const PROFILE: SmmuProfile = { ...DEFAULT_PROFILE, SSIDSIZE: 8 };

test("the baselines are legal and unsurprising", () => {
  assert.deepEqual(checkSte(STE_BASE, PROFILE), []);
  assert.deepEqual(checkCd(CD_BASE, PROFILE), []);
  assert.deepEqual(checkCd(CD_BASE, PROFILE, { ste: STE_BASE }), []);
});

interface Case {
  readonly profile?: Partial<SmmuProfile>;
  readonly set: Record<string, number>;
  readonly context?: SteCheckContext | CdCheckContext;
  readonly raw?: (w: Uint32Array) => void;
}

// A tiny physical memory for the table scans.
function memory(entries: Record<number, number>): (addr: number) => U64 | undefined {
  return (addr) => (addr in entries ? n(entries[addr]!) : undefined);
}

const STE_CASES: Record<string, Case> = {
  "STE-ILL-V": { set: { V: 0 } },
  "STE-ILL-S1P": { profile: { stages: new Set(["S2"]) }, set: {} },
  "STE-ILL-S2P": { profile: { stages: new Set(["S1"]) }, set: {} },
  "STE-ILL-EATS-SPLIT": { profile: { ATS: 1, NS1ATS: 1 }, set: { EATS: 2 } },
  "STE-ILL-EATS-S2S": { profile: { ATS: 1, STALL_MODEL: 0 }, set: { EATS: 1, S2S: 1 } },
  "STE-ILL-STRW": { profile: { Hyp: 1 }, set: { Config: 5, STRW: 1 } },
  "STE-ILL-S1STALLD": { set: { S1STALLD: 1 } },
  "STE-ILL-S1CDMAX": { set: { S1CDMax: 9 } },
  "STE-ILL-S1FMT": { profile: { CD2L: 0 }, set: { S1Fmt: 2 } },
  "STE-ILL-S1CTXPTR": { set: { S1ContextPtr: 2 ** 44 } },
  "STE-ILL-S2FWB": { profile: { FWB: 1, TTF: new Set(["AArch32", "AArch64"]) }, set: { S2FWB: 1, S2AA64: 0 } },
  "STE-ILL-S2S-NOSTALL": { set: { S2S: 1 } },
  "STE-ILL-S2S-FORCED": { profile: { STALL_MODEL: 2 }, set: {} },
  "STE-ILL-S2AA32": { set: { S2AA64: 0 } },
  "STE-ILL-S2AA64": { profile: { TTF: new Set(["AArch32"]) }, set: {} },
  "STE-ILL-S2HTTU": { set: { S2HA: 1 } },
  "STE-ILL-S2HD": { profile: { HTTU: "AF" }, set: { S2HA: 1, S2HD: 1 } },
  "STE-ILL-S2TG": { set: { S2TG: 3 } },
  "STE-ILL-S2TTB": { set: { S2TTB: 2 ** 40 } },
  "STE-ILL-S2T0SZ": { set: { S2T0SZ: 40 } },
  "STE-ILL-S2SL0": { set: { S2SL0: 0 } },
  "STE-ILL-S2ENDI": { set: { S2ENDI: 1 } },
  "STE-ILL-S2VMID": { profile: { VMID16: 0 }, set: { S2VMID: 0x100 } },
  "STE-ILL-VMSPTR": { profile: { MPAM: 1 }, set: { S1MPAM: 1, VMSPtr: 2 ** 44 } },
  "STE-WARN-RES0": { set: {}, raw: (w) => void (w[1]! |= 1 << 24) },
  "STE-WARN-RES0-FIELD": { set: { S2DS: 1 } },
  "STE-WARN-CONFIG-ABORT": { set: { Config: 0 } },
  "STE-WARN-RESERVED-ENC": { set: { S1CSH: 1 } },
  "STE-WARN-S2PS-CAP": { set: { S2PS: 6 } },
  "STE-WARN-CTXPTR-ALIGN": { set: { S1ContextPtr: 0x48000040 } },
  "STE-WARN-S2TTB-ALIGN": { set: { S2TTB: 0x880001000 } },
  "STE-WARN-EATS-NO-ATS": { set: { EATS: 1 } },
  "STE-WARN-S2-HTTU-NC": { profile: { HTTU: "AF" }, set: { S2HA: 1, S2IR0: 0 } },
  "STE-WARN-S2R-OFF": { set: { S2R: 0 } },
  "STE-WARN-CDMAX-TABLE": { set: {}, context: { cdTableEntries: 4 } },
  "STE-WARN-CTXPTR-S2": { set: {}, context: { stage2Covers: () => false } },
  "STE-WARN-S2-AF0": {
    set: {},
    // S2 L1 entry 0 -> L2 table at 0x881000000; its entry 1 is a 2MB block with AF == 0
    context: { readQword: memory({ 0x880000000: 0x881000003, 0x881000008: 0x00200001, 0x881000000: 0x00000401 }) },
  },
};

const CD_CASES: Record<string, Case> = {
  "CD-ILL-V": { set: { V: 0 } },
  "CD-ILL-S-STALLD": {
    profile: { STALL_MODEL: 0 },
    set: { S: 1 },
    context: { ste: build(STE, { S1STALLD: 1 }, STE_BASE) },
  },
  "CD-ILL-A-TERM": { set: { A: 0 } },
  "CD-ILL-S-NOSTALL": { set: { S: 1 } },
  "CD-ILL-S-FORCED": { profile: { STALL_MODEL: 2 }, set: {} },
  "CD-ILL-ENDI": { set: { ENDI: 1 } },
  "CD-ILL-AA32": { set: { AA64: 0 } },
  "CD-ILL-AA64": { profile: { TTF: new Set(["AArch32"]) }, set: {} },
  "CD-ILL-HTTU": { set: { HA: 1 } },
  "CD-ILL-HD": { profile: { HTTU: "AF" }, set: { HA: 1, HD: 1 } },
  "CD-ILL-ASID": { profile: { ASID16: 0 }, set: { ASID: 0x100 } },
  "CD-ILL-T0SZ": { set: { T0SZ: 40 } },
  "CD-ILL-T1SZ": { set: { EPD1: 0, TTB1: 0x50000000, TG1: 2, T1SZ: 10 } },
  "CD-ILL-TG0": { set: { TG0: 3 } },
  "CD-ILL-TG1": { set: { EPD1: 0, TTB1: 0x50000000, TG1: 0, T1SZ: 25 } },
  "CD-ILL-TTB0": { set: { TTB0: 2 ** 40 } },
  "CD-ILL-TTB1": { set: { EPD1: 0, TTB1: 2 ** 40, TG1: 2, T1SZ: 25 } },
  "CD-WARN-RES0": { set: {}, raw: (w) => void (w[3]! |= 1 << 24) },
  "CD-WARN-RES0-FIELD": { set: { DS: 1 } },
  "CD-WARN-EPD-LIVE": { set: { EPD0: 1 } },
  "CD-WARN-TTB-ZERO": { set: { TTB0: 0 } },
  "CD-WARN-TTB-ALIGN": { set: { TTB0: 0x40000800 } },
  "CD-WARN-IPS-CAP": { set: { IPS: 6 } },
  "CD-WARN-HTTU-NC": { profile: { HTTU: "AF" }, set: { HA: 1, IR0: 0 } },
  "CD-WARN-NO-RECORD": { set: { R: 0 } },
  "CD-WARN-RESERVED-ENC": { set: { SH0: 1 } },
  "CD-WARN-AF0": { set: {}, context: { readQword: memory({ 0x40000008: 0x40000001 }) } },
};

// Rules that need a profile fact beyond the scenario defaults (HAFT, DPT, S1PI/S2PI/S2PO, D128,
// SEL2, the Security state): the mutated structure, the profile that makes it ILLEGAL, the exact
// fields of the finding, and the profile change (`legal`) under which the very same words are legal.
interface ProfileCase {
  readonly code: string;
  readonly profile: Partial<SmmuProfile>;
  readonly set: Record<string, number>;
  readonly context?: SteCheckContext | CdCheckContext;
  readonly fields: string[];
  readonly legal: Partial<SmmuProfile>;
}

const D128_PROFILE: Partial<SmmuProfile> = { D128: 1, S1PI: 1, S2PI: 1, S2PO: 1 };
// A valid Secure IPA space for STE_BASE: 4KB, 40-bit, start level 1
const SECURE_S2 = { S_S2TG: 0, S_S2T0SZ: 24, S_S2SL0: 1, S_S2TTB: 0x890000000 };
const STE_S1PIE = build(STE, { S1PIE: 1 }, STE_BASE);

const STE_PROFILE_CASES: ProfileCase[] = [
  {
    code: "STE-ILL-SECURE-S2",
    profile: { SEC_STATE: "Secure", SEL2: 0 },
    set: SECURE_S2,
    fields: ["Config"],
    legal: { SEL2: 1 },
  },
  {
    code: "STE-ILL-SECURE-AA32",
    profile: { SEC_STATE: "Realm", TTF: BOTH_TTF },
    set: { S2AA64: 0 },
    fields: ["S2AA64"],
    legal: { SEC_STATE: "NonSecure" },
  },
  {
    code: "STE-ILL-DPT-STRW",
    profile: { ATS: 1, DPT: 1, Hyp: 1 },
    set: { Config: 5, EATS: 3, STRW: 2 },
    fields: ["EATS", "STRW"],
    legal: { DPT: 0 },
  },
  {
    code: "STE-ILL-DPT-VMATCH",
    profile: { SEC_STATE: "Realm", ATS: 1, DPT: 1 },
    set: { EATS: 3, DPT_VMATCH: 1 },
    fields: ["DPT_VMATCH"],
    legal: { SEC_STATE: "NonSecure" },
  },
  {
    code: "STE-ILL-DPT-S2S",
    profile: { ATS: 1, DPT: 1, STALL_MODEL: 0 },
    set: { EATS: 3, S2S: 1 },
    fields: ["EATS", "S2S"],
    legal: { DPT: 0 },
  },
  {
    code: "STE-ILL-SECURE-STRW",
    profile: { SEC_STATE: "Secure" },
    set: { Config: 5, STRW: 3 },
    fields: ["STRW"],
    legal: { SEC_STATE: "NonSecure" }, // IDR0.Hyp == 0: a Non-secure STE's STRW is RES0, not used
  },
  {
    code: "STE-ILL-SECURE-EL3",
    profile: { SEC_STATE: "Secure", RME_IMPL: 1 },
    set: { Config: 5, STRW: 1 },
    fields: ["STRW"],
    legal: { RME_IMPL: 0 },
  },
  {
    code: "STE-ILL-SECURE-SEL2",
    profile: { SEC_STATE: "Secure", SEL2: 0 },
    set: { Config: 5, STRW: 2 },
    fields: ["STRW", "Config"],
    legal: { SEL2: 1 },
  },
  {
    code: "STE-ILL-S2HAFT",
    profile: { HTTU: "AF+dirty", HAFT: 1 },
    set: { S2HAFT: 1 },
    fields: ["S2HAFT", "S2HA"],
    legal: { HAFT: 0 }, // S2HAFT is then RES0 (a warning), not ILLEGAL
  },
  {
    code: "STE-ILL-SECURE-S2GEOM",
    profile: { SEC_STATE: "Secure", SEL2: 1, granules: new Set(["4K", "64K"]) },
    set: { ...SECURE_S2, S_S2TG: 2 },
    fields: ["S_S2TG"],
    legal: { granules: new Set(["4K", "16K", "64K"]) }, // 16KB, start level 2: 15 bits, 16 tables
  },
  {
    code: "STE-ILL-S2PIE-AA32",
    profile: { S2PI: 1, TTF: BOTH_TTF },
    set: { S2AA64: 0, S2PIE: 1 },
    fields: ["S2PIE", "S2AA64"],
    legal: { S2PI: 0 },
  },
  {
    code: "STE-ILL-S2POE-DIRECT",
    profile: { S2PI: 1, S2PO: 1 },
    set: { S2POE: 1 },
    fields: ["S2POE", "S2PIE"],
    legal: { S2PO: 0 },
  },
  {
    code: "STE-ILL-S2POE-HWU",
    profile: { S2PI: 1, S2PO: 1, PBHA: 1 },
    set: { S2POE: 1, S2PIE: 1, S2HWU60: 1 },
    fields: ["S2POE", "S2HWU60"],
    legal: { PBHA: 0 },
  },
  {
    code: "STE-ILL-S2POI",
    profile: { S2PI: 1, S2PO: 1 },
    set: { S2POE: 1, S2PIE: 1, S2POI3: 5 },
    fields: ["S2POE", "S2POI3"],
    legal: { S2PO: 0 },
  },
];

const CD_PROFILE_CASES: ProfileCase[] = [
  {
    code: "CD-ILL-SECURE-AA32",
    profile: { SEC_STATE: "Secure", SEL2: 1, TTF: BOTH_TTF },
    set: { AA64: 0 },
    context: { ste: build(STE, { Config: 5, STRW: 2 }, STE_BASE), e2h: false },
    fields: ["AA64"],
    legal: { SEC_STATE: "NonSecure", Hyp: 1 }, // NS-EL2 may use VMSAv8-32 tables
  },
  {
    code: "CD-ILL-HAFT",
    profile: { HTTU: "AF+dirty", HAFT: 1 },
    set: { HAFT: 1 },
    fields: ["HAFT", "HA"],
    legal: { HAFT: 0 },
  },
  {
    code: "CD-ILL-D128-S1PIE",
    profile: D128_PROFILE,
    set: { AA64: 0 },
    context: { ste: STE_BASE },
    fields: ["AA64", "S1PIE"],
    legal: { D128: 0, TTF: BOTH_TTF }, // then AA64 == 0 is VMSAv8-32
  },
  {
    code: "CD-ILL-D128-EL2",
    profile: { ...D128_PROFILE, Hyp: 1 },
    set: { AA64: 0 },
    context: { ste: build(STE, { Config: 5, STRW: 2, S1PIE: 1 }, STE_BASE), e2h: false },
    fields: ["AA64"],
    legal: { Hyp: 0 }, // STRW then unused: NS-EL1
  },
  {
    code: "CD-ILL-D128-SKL",
    profile: D128_PROFILE,
    set: { AA64: 0, T0SZ: 33, HWU061: 1, HWU062: 1 }, // 31-bit VA, 4KB: start level 1, SKL0 3
    context: { ste: STE_S1PIE },
    fields: ["HWU061", "HWU062", "T0SZ", "TG0"],
    legal: { D128: 0, TTF: BOTH_TTF },
  },
  {
    code: "CD-ILL-PIE",
    profile: { S1PI: 1 },
    set: { PIE: 1, PIIP2: 4 },
    context: { ste: STE_S1PIE },
    fields: ["PIE", "PIIP2"],
    legal: { S1PI: 0 }, // PIE and PIIP are then RES0 (warnings)
  },
];

for (const c of [...STE_PROFILE_CASES, ...CD_PROFILE_CASES]) {
  const isSte = c.code.startsWith("STE-");
  test(`profile fact -> exactly ${c.code}, legal with ${JSON.stringify(c.legal, (_k, v: unknown) => (v instanceof Set ? [...v] : v))}`, () => {
    const w = build(isSte ? STE : CD, c.set, isSte ? STE_BASE : CD_BASE);
    const judge = (p: SmmuProfile): ReturnType<typeof checkSte> =>
      isSte ? checkSte(w, p, c.context) : checkCd(w, p, c.context);
    const illegal = judge({ ...PROFILE, ...c.profile }).filter((f) => f.illegal);
    assert.deepEqual(
      illegal.map((f) => f.code),
      [c.code],
      JSON.stringify(illegal, null, 1),
    );
    const rule = LEGALITY_RULES.find((r) => r.code === c.code)!;
    const [f] = illegal;
    assert.deepEqual(f!.fields, c.fields);
    assert.equal(f!.severity, "error");
    assert.equal(f!.event, isSte ? "C_BAD_STE" : "C_BAD_CD");
    assert.equal(f!.section, rule.section);
    assert.ok(rule.checked && rule.ref && f!.section.endsWith(rule.ref), c.code);
    assert.deepEqual(
      judge({ ...PROFILE, ...c.profile, ...c.legal }).filter((x) => x.illegal),
      [],
    );
  });
}

test("every checked STE/CD rule of LEGALITY_RULES has a mutation case, and every case names a rule", () => {
  const checked = LEGALITY_RULES.filter((r) => r.checked && r.structure !== "vSTE").map((r) => r.code);
  const cases = [
    ...Object.keys(STE_CASES),
    ...Object.keys(CD_CASES),
    ...[...STE_PROFILE_CASES, ...CD_PROFILE_CASES].map((c) => c.code),
  ];
  assert.deepEqual(cases.sort(), checked.sort());
  assert.deepEqual(
    LEGALITY_RULES.filter((r) => !r.checked).map((r) => r.code),
    [],
    "every STE/CD rule is decidable from the structure and the profile",
  );
  for (const r of LEGALITY_RULES) {
    assert.equal(r.illegal, r.severity === "error", r.code);
    assert.ok(r.rule.length > 20 && r.section.length > 5, r.code);
    if (r.illegal && r.structure !== "vSTE") assert.equal(r.event, r.structure === "STE" ? "C_BAD_STE" : "C_BAD_CD");
  }
  assert.equal(new Set(LEGALITY_RULES.map((r) => r.code)).size, LEGALITY_RULES.length, "codes are unique");
});

for (const [code, c] of Object.entries(STE_CASES)) {
  test(`STE mutation -> exactly ${code}`, () => {
    const w = build(STE, c.set, STE_BASE);
    c.raw?.(w);
    const findings = checkSte(w, { ...PROFILE, ...c.profile }, c.context);
    assert.deepEqual([...new Set(findings.map((f) => f.code))], [code], JSON.stringify(findings, null, 1));
    const rule = LEGALITY_RULES.find((r) => r.code === code)!;
    for (const f of findings) {
      assert.equal(f.illegal, rule.illegal);
      assert.equal(f.severity, rule.severity);
      assert.equal(f.section, rule.section);
      assert.equal(f.event, rule.event);
      assert.ok(f.message.length > 20);
    }
  });
}

for (const [code, c] of Object.entries(CD_CASES)) {
  test(`CD mutation -> exactly ${code}`, () => {
    const w = build(CD, c.set, CD_BASE);
    c.raw?.(w);
    const findings = checkCd(w, { ...PROFILE, ...c.profile }, c.context);
    assert.deepEqual([...new Set(findings.map((f) => f.code))], [code], JSON.stringify(findings, null, 1));
  });
}

test("findings name fields and values in plain words", () => {
  const [f] = checkSte(build(STE, { S1CDMax: 9 }, STE_BASE), PROFILE);
  assert.deepEqual(f, {
    code: "STE-ILL-S1CDMAX",
    severity: "error",
    illegal: true,
    fields: ["S1CDMax"],
    message: "S1CDMax is 9 (2^9 CDs) but the SMMU supports 8 SubstreamID bits (IDR1.SSIDSIZE).",
    section: "SMMUv3 §5.2.2 SteIllegal() (reference §2.3), STE-17",
    event: "C_BAD_STE",
  });
  const t0 = checkSte(build(STE, { S2T0SZ: 40 }, STE_BASE), PROFILE)[0]!;
  assert.equal(
    t0.message,
    "S2T0SZ is 40 (a 24-bit IPA space); with a 4KB granule on this SMMU it must be 20..39 (IAS 44).",
  );
  const af = checkSte(STE_BASE, PROFILE, STE_CASES["STE-WARN-S2-AF0"]!.context)[0]!;
  assert.equal(
    af.message,
    "1 stage-2 leaf descriptor(s) have AF == 0 while S2AFFD == 0 and S2HA == 0 (first: level 2 descriptor at 0x881000008 for IPA 0x200000): accesses through them raise F_ACCESS with S2=1.",
  );
  // S2AFFD silences it
  assert.deepEqual(
    checkSte(build(STE, { S2AFFD: 1 }, STE_BASE), PROFILE, STE_CASES["STE-WARN-S2-AF0"]!.context as SteCheckContext),
    [],
  );
  const a = checkCd(build(CD, { A: 0 }, CD_BASE), PROFILE)[0]!;
  assert.equal(a.event, "C_BAD_CD");
  assert.deepEqual(a.fields, ["A"]);
});

test("stage-2 geometry: legal start levels and concatenation (reference §2.5)", () => {
  // [S2TG, S2SL0, S2T0SZ, legal?]
  const rows: [number, number, number, boolean][] = [
    [0, 2, 16, true], // 4K L0, 48-bit
    [0, 2, 24, true], // 4K L0, 40-bit (2 entries)
    [0, 1, 21, true], // 4K L1, 16 concatenated tables
    [0, 1, 20, false], // 4K L1, 32 tables: too many
    [0, 0, 39, true], // 4K L2
    [0, 0, 30, true], // 4K L2, 16 tables
    [0, 0, 29, false],
    [0, 3, 39, false], // 4K L3 needs STT
    [2, 1, 20, false], // 16K L2 for a 44-bit IPA: 19 bits at the start level, more than 11 + 4
    [2, 2, 20, true], // 16K L1
    [2, 0, 39, true], // 16K L3
    [1, 1, 22, true], // 64K L2, 42-bit IPA
    [1, 2, 20, true], // 64K L1
    [1, 3, 20, false], // 64K SL0 0b11 is Reserved
  ];
  for (const [tg, sl0, t0sz, legal] of rows) {
    const w = build(STE, { S2TG: tg, S2SL0: sl0, S2T0SZ: t0sz, S2TTB: 0x800000000 }, STE_BASE);
    const codes = checkSte(w, PROFILE).map((f) => f.code);
    assert.deepEqual(codes.includes("STE-ILL-S2SL0"), !legal, `TG ${tg} SL0 ${sl0} T0SZ ${t0sz}: ${codes.join(",")}`);
  }
});

test("S2DS is RES0 with a 64KB stage-2 granule even when IDR5.DS == 1", () => {
  const p = { ...PROFILE, DS: 1 };
  const w = build(STE, { S2TG: 1, S2SL0: 1, S2T0SZ: 22, S2DS: 1, S2TTB: 0x880000000 }, STE_BASE);
  assert.deepEqual(
    checkSte(w, p).map((f) => [f.code, f.fields]),
    [["STE-WARN-RES0-FIELD", ["S2DS"]]],
  );
  assert.deepEqual(checkSte(build(STE, { S2DS: 1 }, STE_BASE), p), [], "4KB granule: S2DS is a real field");
});

test("MemAttr is RES0 unless MTCFG == 1 (and IDR1.ATTR_TYPES_OVR)", () => {
  const p = { ...PROFILE, ATTR_TYPES_OVR: 1 };
  assert.deepEqual(
    checkSte(build(STE, { MemAttr: 0xf }, STE_BASE), p).map((f) => [f.code, f.fields]),
    [["STE-WARN-RES0-FIELD", ["MemAttr"]]],
  );
  assert.deepEqual(checkSte(build(STE, { MemAttr: 0xf, MTCFG: 1 }, STE_BASE), p), []);
  assert.deepEqual(
    checkSte(build(STE, { MemAttr: 0x8, MTCFG: 1 }, STE_BASE), p).map((f) => f.code),
    ["STE-WARN-RESERVED-ENC"],
  );
});

test("context: a 2-level STE tells checkCd the StreamWorld; a stage-2 32-bit STE makes an AA64 CD illegal", () => {
  const profile = { ...PROFILE, Hyp: 1, ASID16: 0 };
  const el2 = build(STE, { Config: 5, STRW: 2 }, STE_BASE);
  // in EL2 without E2H the ASID is ignored and TTB1 does not exist
  assert.deepEqual(checkCd(build(CD, { ASID: 0x100 }, CD_BASE), profile, { ste: el2, e2h: false }), []);
  assert.deepEqual(
    checkCd(build(CD, { ASID: 0x100 }, CD_BASE), profile, { ste: el2 }).map((f) => f.code),
    ["CD-ILL-ASID"],
  );
  const aa32s2 = build(STE, { S2AA64: 0 }, STE_BASE);
  assert.deepEqual(
    checkCd(CD_BASE, { ...PROFILE, TTF: new Set(["AArch32", "AArch64"]) }, { ste: aa32s2 }).map((f) => f.code),
    ["CD-ILL-AA64"],
  );
});

test("property: checkSte and checkCd never throw on random words and profiles", () => {
  const profiles = fc.record({
    SSIDSIZE: fc.integer({ min: 0, max: 20 }),
    STALL_MODEL: fc.integer({ min: 0, max: 2 }),
    ATS: fc.integer({ min: 0, max: 1 }),
    Hyp: fc.integer({ min: 0, max: 1 }),
    DS: fc.integer({ min: 0, max: 1 }),
    STT: fc.integer({ min: 0, max: 1 }),
    VAX: fc.integer({ min: 0, max: 2 }),
    OAS: fc.constantFrom(32, 40, 44, 48, 52),
    HTTU: fc.constantFrom("none" as const, "AF" as const, "AF+dirty" as const),
    TTENDIAN: fc.constantFrom("mixed" as const, "LE" as const, "BE" as const),
  });
  const mem = (addr: number): U64 | undefined => (addr % 24 === 0 ? { lo: (addr * 7 + 3) >>> 0, hi: 0 } : undefined);
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 0, maxLength: 16 }),
      profiles,
      (arr, p) => {
        const profile: SmmuProfile = { ...DEFAULT_PROFILE, ...p, IAS: p.OAS };
        const steWords = Uint32Array.from(arr);
        steWords[0] = (steWords[0] ?? 0) | 1; // mostly valid STEs, to reach the deep rules
        for (const f of checkSte(steWords, profile, {
          readQword: mem,
          cdTableEntries: 4,
          stage2Covers: () => false,
          maxReads: 2000,
        })) {
          assert.ok(
            LEGALITY_RULES.some((r) => r.code === f.code),
            f.code,
          );
        }
        for (const f of checkCd(arr, profile, { ste: steWords, readQword: mem, maxReads: 2000 })) {
          assert.ok(
            LEGALITY_RULES.some((r) => r.code === f.code),
            f.code,
          );
        }
      },
    ),
    { numRuns: 300 },
  );
});
