// Review of the legality rules (2026-11-21): cases the rule-by-rule tests did not pin. Each test
// fails when the condition it names (Arm IHI 0070 §5.2.2 SteIllegal(), §5.4.2 CdIllegal() and the
// field texts of §5.2 / §5.4) is dropped or inverted in ste-legality.ts / cd-legality.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_PROFILE, type SmmuProfile } from "../../src/smmuv3/profile";
import { CD, STE, checkCd, checkSte, type LegalityFinding } from "../../src/smmuv3/records";
import { BOTH_TTF, CD_BASE, NESTED_STE, S1_STE, build, illegal } from "./legality-fixtures";

const P: SmmuProfile = DEFAULT_PROFILE;
const AA32: SmmuProfile = { ...P, TTF: BOTH_TTF };
const brief = (fs: LegalityFinding[]): [string, string[], string][] => fs.map((f) => [f.code, f.fields, f.message]);

// A stage-2-only STE with VMSAv8-32 LPAE tables (S2AA64 == 0): S2PS is IGNORED there.
const AA32_S2_STE = build(STE, {
  V: 1,
  Config: 6,
  S2VMID: 1,
  S2T0SZ: 8,
  S2SL0: 1,
  S2IR0: 1,
  S2OR0: 1,
  S2SH0: 3,
  S2AA64: 0,
  S2R: 1,
  S2TTB: 0x80000000,
});

test("STE-29 with a VMSAv8-32 stage 2: S2TTB must be below 2^40 (S2PS is IGNORED, effective 40 bits)", () => {
  assert.deepEqual(checkSte(AA32_S2_STE, AA32), []);
  // the highest legal table base
  assert.deepEqual(checkSte(build(STE, { S2TTB: 2 ** 40 - 16 }, AA32_S2_STE), AA32), []);
  const fs = checkSte(build(STE, { S2TTB: 2 ** 40 }, AA32_S2_STE), AA32);
  assert.deepEqual(brief(fs), [
    [
      "STE-ILL-S2TTB",
      ["S2TTB", "S2PS"],
      "S2TTB 0x10000000000 is at or above 2^40: a VMSAv8-32 stage 2 (S2AA64 == 0) has a 40-bit output address size (S2PS is IGNORED).",
    ],
  ]);
  assert.deepEqual(fs[0]!.event, "C_BAD_STE");
  // a large S2PS does not widen it; stage 2 bypassed (Config 0b101) does not judge it
  assert.deepEqual(illegal(checkSte(build(STE, { S2TTB: 2 ** 44, S2PS: 5 }, AA32_S2_STE), AA32)), ["STE-ILL-S2TTB"]);
  const s1only = build(STE, { Config: 5, S1ContextPtr: 0x48000000, S2TTB: 2 ** 44 }, AA32_S2_STE);
  assert.deepEqual(illegal(checkSte(s1only, AA32)), []);
});

// STE-30/31 with a VMSAv8-32 stage 2 (§5.2 STE.S2T0SZ/S2SL0, the A-profile AArch32.S2Walk() and
// AArch32.S2InconsistentSL()): S2T0SZ[3:0] is a signed -8..7 (IPA 32 - T0SZ bits), [5:4] IGNORED;
// S2SL0 0b00 starts at level 2 (T0SZ -2..7), 0b01 at level 1 (T0SZ -8..1), 0b1x is Reserved.
const s2sl0 = (fs: LegalityFinding[]): [string, string[], string][] => brief(fs);

test("STE-31 with a VMSAv8-32 stage 2: every legal (S2SL0, S2T0SZ) corner gives no finding, its outer neighbour is ILLEGAL", () => {
  // [S2SL0, legal end, one step outside] as S2T0SZ field values: -2 is 0b1110, -8 is 0b1000; the
  // 4-bit field wraps, so one step above 7 is -8 and one step below -8 is 7; bits [5:4] are IGNORED
  const corners: [number, number, number][] = [
    [0, 0xe, 0xd], // level 2, 34-bit IPA (16 concatenated level-2 tables); 35 bits would need 32
    [0, 7, 8], // level 2, 25-bit IPA
    [1, 8, 7], // level 1, 40-bit IPA (2 concatenated level-1 tables)
    [1, 1, 2], // level 1, 31-bit IPA; 30 bits leave level 1 nothing to resolve
    [0, 0x3e, 0x3d], // -2 / -3 with bits [5:4] set
    [1, 0x21, 0x22], // 1 / 2 with bit 5 set
  ];
  for (const [sl0, inside, outside] of corners) {
    const at = (t0sz: number): LegalityFinding[] =>
      checkSte(build(STE, { S2SL0: sl0, S2T0SZ: t0sz }, AA32_S2_STE), AA32);
    assert.deepEqual(at(inside), [], `S2SL0 ${sl0} S2T0SZ ${inside}`);
    assert.deepEqual(illegal(at(outside)), ["STE-ILL-S2SL0"], `S2SL0 ${sl0} S2T0SZ ${outside}`);
  }
});

test("STE-31 with a VMSAv8-32 stage 2: one step outside each end is STE-ILL-S2SL0 (C_BAD_STE)", () => {
  const cases: [number, number, string][] = [
    [
      0,
      0xd,
      "S2SL0 0b00 selects start level 2, which would resolve 14 bits of the IPA of S2T0SZ 13 (bits [3:0] 0b1101 = -3, a 35-bit IPA space) with VMSAv8-32 LPAE tables (4KB granule); it must resolve 1..13 (at most 16 concatenated tables): start level 2 needs S2T0SZ -2..7.",
    ],
    [
      // 8 does not continue past 7: the 4-bit field wraps to -8, a 40-bit IPA
      0,
      8,
      "S2SL0 0b00 selects start level 2, which would resolve 19 bits of the IPA of S2T0SZ 8 (bits [3:0] 0b1000 = -8, a 40-bit IPA space) with VMSAv8-32 LPAE tables (4KB granule); it must resolve 1..13 (at most 16 concatenated tables): start level 2 needs S2T0SZ -2..7.",
    ],
    [
      1,
      2,
      "S2SL0 0b01 selects start level 1, which would resolve no bits of the IPA of S2T0SZ 2 (bits [3:0] 0b0010 = 2, a 30-bit IPA space) with VMSAv8-32 LPAE tables (4KB granule); it must resolve 1..13 (at most 16 concatenated tables): start level 1 needs S2T0SZ -8..1.",
    ],
    [
      // below -8 wraps to 7, a 25-bit IPA
      1,
      7,
      "S2SL0 0b01 selects start level 1, which would resolve no bits of the IPA of S2T0SZ 7 (bits [3:0] 0b0111 = 7, a 25-bit IPA space) with VMSAv8-32 LPAE tables (4KB granule); it must resolve 1..13 (at most 16 concatenated tables): start level 1 needs S2T0SZ -8..1.",
    ],
  ];
  for (const [sl0, t0sz, message] of cases) {
    const fs = checkSte(build(STE, { S2SL0: sl0, S2T0SZ: t0sz }, AA32_S2_STE), AA32);
    assert.deepEqual(s2sl0(fs), [["STE-ILL-S2SL0", ["S2SL0", "S2T0SZ", "S2TG", "S2SL0_2"], message]]);
    assert.equal(fs[0]!.event, "C_BAD_STE");
    assert.equal(fs[0]!.illegal, true);
  }
  // bits [5:4] do not rescue an inconsistent size: 0x32 is 2 as well
  assert.deepEqual(illegal(checkSte(build(STE, { S2SL0: 1, S2T0SZ: 0x32 }, AA32_S2_STE), AA32)), ["STE-ILL-S2SL0"]);
});

test("STE-31 with a VMSAv8-32 stage 2: S2SL0 0b1x is Reserved, even with a size level 0 could resolve", () => {
  for (const sl0 of [2, 3]) {
    const fs = checkSte(build(STE, { S2SL0: sl0 }, AA32_S2_STE), AA32);
    assert.deepEqual(s2sl0(fs), [
      [
        "STE-ILL-S2SL0",
        ["S2SL0", "S2T0SZ", "S2TG", "S2SL0_2"],
        `S2SL0 is 0b1${sl0 & 1}, a Reserved start level for a VMSAv8-32 LPAE stage 2 (S2AA64 == 0): 0b00 starts at level 2, 0b01 at level 1.`,
      ],
    ]);
  }
  // Stage 2 bypassed (Config 0b101): S2SL0 is IGNORED
  const s1only = build(STE, { Config: 5, S1ContextPtr: 0x48000000, S2SL0: 2 }, AA32_S2_STE);
  assert.deepEqual(illegal(checkSte(s1only, AA32)), []);
});

test("STE-23 still: the same VMSAv8-32 STE on an AArch64-only SMMU, whatever its geometry", () => {
  for (const fields of [{}, { S2SL0: 0 }, { S2SL0: 3 }]) {
    const w = build(STE, fields, AA32_S2_STE);
    assert.deepEqual(illegal(checkSte(w, P)), ["STE-ILL-S2AA32"]);
    // with AArch32 tables the geometry is judged (S2T0SZ 8 is a 40-bit IPA: level 1 only)
    assert.deepEqual(illegal(checkSte(w, AA32)), "S2SL0" in fields ? ["STE-ILL-S2SL0"] : []);
  }
});

// A VMSAv8-32 LPAE CD (AA64 == 0) with TTB0 walks only; IPS is IGNORED there.
const AA32_CD = build(CD, {
  T0SZ: 0,
  IR0: 1,
  OR0: 1,
  SH0: 3,
  EPD1: 1,
  V: 1,
  AA64: 0,
  R: 1,
  A: 1,
  ASID: 1,
  TTB0: 0x40000000,
  MAIR0: 0xf404ff44,
});

test("CD-18/CD-19 with VMSAv8-32 tables: an enabled TTBx must be below 2^40 (IPS is IGNORED, effective 40 bits)", () => {
  assert.deepEqual(checkCd(AA32_CD, AA32), []);
  assert.deepEqual(checkCd(build(CD, { TTB0: 2 ** 40 - 16, IPS: 0 }, AA32_CD), AA32), []);
  const fs = checkCd(build(CD, { TTB0: 2 ** 40, IPS: 6 }, AA32_CD), AA32);
  assert.deepEqual(brief(fs), [
    [
      "CD-ILL-TTB0",
      ["TTB0", "IPS"],
      "TTB0 0x10000000000 is at or above 2^40: VMSAv8-32 tables (AA64 == 0) have a 40-bit output address size (IPS is IGNORED).",
    ],
  ]);
  assert.equal(fs[0]!.event, "C_BAD_CD");
  // TTB1 when its walks are enabled; a disabled half is not judged (§5.4.1.1 EPDx behavior)
  const ttb1 = build(CD, { EPD1: 0, TTB1: 2 ** 41 }, AA32_CD);
  assert.deepEqual(illegal(checkCd(ttb1, AA32)), ["CD-ILL-TTB1"]);
  assert.deepEqual(illegal(checkCd(build(CD, { EPD1: 1 }, ttb1), AA32)), []);
  assert.deepEqual(illegal(checkCd(build(CD, { EPD0: 1, EPD1: 0, TTB0: 2 ** 40 }, AA32_CD), AA32)), []);
});

const SECURE = { ...P, SEC_STATE: "Secure" as const, SEL2: 1 };
const SECURE_S2 = { S_S2TG: 0, S_S2T0SZ: 24, S_S2SL0: 1, S_S2TTB: 0x890000000 };
const D128 = { ...P, D128: 1, S1PI: 1, S2PI: 1, S2PO: 1 };

test("STE-06 holds for a Secure STE too (not only Realm): VMSAv8-32 stage 2 with Secure stage 2", () => {
  const w = build(STE, { ...SECURE_S2, S2AA64: 0 }, NESTED_STE);
  assert.deepEqual(illegal(checkSte(w, { ...SECURE, TTF: BOTH_TTF })), ["STE-ILL-SECURE-AA32"]);
  assert.deepEqual(illegal(checkSte(w, AA32)), []);
});

test("STE-09, STE-13: STRW is judged only where it is used (Config 0b101; Non-secure only with IDR0.Hyp)", () => {
  const dpt = { ...P, ATS: 1, DPT: 1, Hyp: 1 };
  // nested: STRW IGNORED (effective StreamWorld EL1), so EATS 0b11 with STRW 0b10 is fine
  assert.deepEqual(illegal(checkSte(build(STE, { EATS: 3, STRW: 2 }, NESTED_STE), dpt)), []);
  // stage 1 only without IDR0.Hyp: STRW is RES0 (a warning), the StreamWorld is NS-EL1
  const s1 = build(STE, { EATS: 3, STRW: 2 }, S1_STE);
  assert.deepEqual(illegal(checkSte(s1, { ...dpt, Hyp: 0 })), []);
  assert.deepEqual(illegal(checkSte(s1, dpt)), ["STE-ILL-DPT-STRW"]);
  // Secure: STRW 0b11 is Reserved only where STRW is used
  const strw3 = build(STE, { ...SECURE_S2, STRW: 3 }, NESTED_STE);
  assert.deepEqual(illegal(checkSte(strw3, SECURE)), []);
  assert.deepEqual(illegal(checkSte(build(STE, { STRW: 3 }, S1_STE), SECURE)), ["STE-ILL-SECURE-STRW"]);
});

test("STE-11: EATS 0b11 with S2S == 1 is ILLEGAL only with stage 2 enabled", () => {
  const dpt = { ...P, ATS: 1, DPT: 1, STALL_MODEL: 0 };
  assert.deepEqual(illegal(checkSte(build(STE, { EATS: 3, S2S: 1 }, S1_STE), dpt)), []);
  assert.deepEqual(illegal(checkSte(build(STE, { EATS: 3, S2S: 1 }, NESTED_STE), dpt)), ["STE-ILL-DPT-S2S"]);
});

test("STE-15 needs Config 0b101: a Secure bypass STE with STRW 0b10 is legal without Secure EL2", () => {
  const noSel2 = { ...SECURE, SEL2: 0 };
  assert.deepEqual(illegal(checkSte(build(STE, { Config: 4, STRW: 2 }, S1_STE), noSel2)), []);
  assert.deepEqual(illegal(checkSte(build(STE, { STRW: 2 }, S1_STE), noSel2)), ["STE-ILL-SECURE-SEL2"]);
});

test("STE-27: S2HAFT == 1 is legal with S2HA == 1", () => {
  const haft = { ...P, HTTU: "AF+dirty" as const, HAFT: 1 };
  assert.deepEqual(checkSte(build(STE, { S2HAFT: 1, S2HA: 1 }, NESTED_STE), haft), []);
});

test("STE-32 is not judged without Secure stage 2: STE-05 alone", () => {
  const w = build(STE, { ...SECURE_S2, S_S2TG: 3, S_S2T0SZ: 63 }, NESTED_STE);
  assert.deepEqual(illegal(checkSte(w, { ...SECURE, SEL2: 0 })), ["STE-ILL-SECURE-S2"]);
  assert.deepEqual(illegal(checkSte(w, SECURE)), ["STE-ILL-SECURE-S2GEOM"]);
});

test("STE-34/35 with a VMSAv9-128 stage 2: indirection is implicit, S2PIE is RES0 (not ILLEGAL), overlays need no S2PIE", () => {
  const w = build(STE, { S2AA64: 0, S2SL0: 0 }, NESTED_STE);
  const pie = checkSte(build(STE, { S2PIE: 1 }, w), D128);
  assert.deepEqual(
    pie.map((f) => [f.code, f.fields]),
    [["STE-WARN-RES0-FIELD", ["S2PIE"]]],
  );
  assert.deepEqual(checkSte(build(STE, { S2POE: 1 }, w), D128), []);
  assert.deepEqual(illegal(checkSte(build(STE, { S2POE: 1, S2AA64: 1, S2SL0: 1 }, w), D128)), ["STE-ILL-S2POE-DIRECT"]);
});

test("STE-38: S2VMID is IGNORED when STRW is used and not 0b00 (NS-EL2), judged when STRW is unused", () => {
  const w = build(STE, { STRW: 2, S2VMID: 0x100 }, S1_STE);
  assert.deepEqual(checkSte(w, { ...P, VMID16: 0, Hyp: 1 }), []);
  assert.deepEqual(illegal(checkSte(w, { ...P, VMID16: 0, Hyp: 0 })), ["STE-ILL-S2VMID"]);
});

test("STE-30 with VMSAv9-128: the minimum S2T0SZ is MAX(8, 64 - IAS)", () => {
  const p56 = { ...D128, OAS: 56, IAS: 56 };
  const w = build(STE, { S2AA64: 0, S2SL0: 0, S2PS: 7 }, NESTED_STE);
  assert.deepEqual(illegal(checkSte(build(STE, { S2T0SZ: 8 }, w), p56)), []);
  assert.deepEqual(illegal(checkSte(build(STE, { S2T0SZ: 7 }, w), p56)), ["STE-ILL-S2T0SZ"]);
});

test("CD-21 is any-EL2 only: a VMSAv9-128 CD is legal in NS-EL2-E2H", () => {
  const ste = build(STE, { STRW: 2, S1PIE: 1 }, S1_STE);
  const cd = build(CD, { AA64: 0 }, CD_BASE);
  assert.deepEqual(checkCd(cd, { ...D128, Hyp: 1 }, { ste }), []);
  assert.deepEqual(illegal(checkCd(cd, { ...D128, Hyp: 1 }, { ste, e2h: false })), ["CD-ILL-D128-EL2"]);
});

test("CD-22: SKL0 is {HWU062, HWU061} (bits [127:126]); start level 2 allows SKL0 1, not 2", () => {
  const ste = build(STE, { S1PIE: 1 }, S1_STE);
  // T0SZ 38: a 26-bit VA with 4KB VMSAv9-128 tables starts at level 3 - ((26 - 1 - 12) DIV 8) = 2
  const cd = build(CD, { AA64: 0, T0SZ: 38 }, CD_BASE);
  assert.deepEqual(checkCd(build(CD, { HWU061: 1 }, cd), D128, { ste }), []);
  const [f] = checkCd(build(CD, { HWU062: 1 }, cd), D128, { ste });
  assert.deepEqual(
    [f!.code, f!.message],
    [
      "CD-ILL-D128-SKL",
      "SKL0 is 2 (HWU062:HWU061), but T0SZ 38 with a 4KB granule starts VMSAv9-128 walks at level 2: skipping 2 level(s) would pass level 3.",
    ],
  );
});

test("CD-14 with VMSAv9-128 and 56-bit VAs (IDR5.VAX 0b10): T0SZ 8 only in the EL3 StreamWorld, 9 elsewhere", () => {
  const vax = { ...D128, VAX: 2, OAS: 56, IAS: 56 };
  const cd = build(CD, { AA64: 0, T0SZ: 8 }, CD_BASE);
  const el3 = build(STE, { STRW: 1, S1PIE: 1 }, S1_STE);
  const el1 = build(STE, { S1PIE: 1 }, S1_STE);
  assert.deepEqual(illegal(checkCd(cd, { ...vax, SEC_STATE: "Secure" }, { ste: el3 })), []);
  assert.deepEqual(illegal(checkCd(cd, { ...vax, SEC_STATE: "Secure" }, { ste: el1 })), ["CD-ILL-T0SZ"]);
  assert.deepEqual(illegal(checkCd(build(CD, { T0SZ: 9 }, cd), vax, { ste: el1 })), []);
});

test("CD StreamWorld: STRW 0b01 is EL3 only in a Secure STE; a Non-secure one stays NS-EL1 (ASID judged)", () => {
  const cd = build(CD, { ASID: 0x100 }, CD_BASE);
  const strw1 = build(STE, { STRW: 1 }, S1_STE);
  assert.deepEqual(illegal(checkCd(cd, { ...P, ASID16: 0, Hyp: 1 }, { ste: strw1 })), ["CD-ILL-ASID"]);
  assert.deepEqual(illegal(checkCd(cd, { ...P, ASID16: 0, SEC_STATE: "Secure" }, { ste: strw1 })), []);
});

// VMSAv9-128 maximum TxSZ (docs/SPEC-NOTES.md, "VMSAv9-128 maximum TxSZ"): both checkers follow the
// field texts (STE.S2T0SZ, CD.T0SZ): 48 (4KB/16KB) or 47 (64KB) whatever IDR3.STT says.
test("VMSAv9-128 maximum TxSZ is 48 (4KB/16KB) / 47 (64KB) with and without IDR3.STT, for the STE and the CD alike", () => {
  const ste = build(STE, { S2AA64: 0, S2SL0: 0 }, NESTED_STE);
  const cd = build(CD, { AA64: 0 }, CD_BASE);
  const s1pie = build(STE, { S1PIE: 1 }, S1_STE);
  for (const stt of [0, 1]) {
    const profile = { ...D128, STT: stt };
    for (const [tg, granule] of [
      [0, "4K"],
      [2, "16K"],
      [1, "64K"],
    ] as const) {
      const max = granule === "64K" ? 47 : 48;
      for (let txsz = 36; txsz <= 50; txsz++) {
        const steCodes = illegal(checkSte(build(STE, { S2TG: tg, S2T0SZ: txsz }, ste), profile));
        const cdCodes = illegal(checkCd(build(CD, { TG0: tg, T0SZ: txsz }, cd), profile, { ste: s1pie }));
        const what = `STT ${stt}, ${granule}, TxSZ ${txsz}`;
        assert.deepEqual(steCodes, txsz > max ? ["STE-ILL-S2T0SZ"] : [], what);
        assert.deepEqual(cdCodes, txsz > max ? ["CD-ILL-T0SZ"] : [], what);
      }
    }
  }
  // The messages state the same range
  const [s] = checkSte(build(STE, { S2T0SZ: 49 }, ste), D128);
  const [c] = checkCd(build(CD, { T0SZ: 49 }, cd), D128, { ste: s1pie });
  assert.deepEqual(
    [s!.message, c!.message],
    [
      "S2T0SZ is 49 (a 15-bit IPA space); with a 4KB granule and VMSAv9-128 tables on this SMMU it must be 20..48 (IAS 44).",
      "T0SZ is 49 (a 15-bit VA range); with a 4KB granule and VMSAv9-128 tables on this SMMU it must be 16..48.",
    ],
  );
  // VMSAv8-64 keeps the STT-dependent maximum (39 without STT)
  assert.deepEqual(illegal(checkCd(build(CD, { T0SZ: 40 }, CD_BASE), D128, { ste: s1pie })), ["CD-ILL-T0SZ"]);
  assert.deepEqual(illegal(checkCd(build(CD, { T0SZ: 40 }, CD_BASE), { ...D128, STT: 1 }, { ste: s1pie })), []);
});
