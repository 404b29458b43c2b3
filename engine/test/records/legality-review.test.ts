// Review of the legality rules (2026-11-21): cases the rule-by-rule tests did not pin. Each test
// fails when the condition it names (Arm IHI 0070 §5.2.2 SteIllegal(), §5.4.2 CdIllegal() and the
// field texts of §5.2 / §5.4) is dropped or inverted in ste-legality.ts / cd-legality.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeStruct } from "../../src/bits/fields";
import type { U64 } from "../../src/bits/u64";
import { DEFAULT_PROFILE, type SmmuProfile } from "../../src/smmuv3/profile";
import { CD, STE, checkCd, checkSte, type LegalityFinding } from "../../src/smmuv3/records";

const n = (v: number): U64 => ({ lo: v >>> 0, hi: Math.floor(v / 2 ** 32) });

function build(spec: typeof STE, fields: Record<string, number>, base?: Uint32Array): Uint32Array {
  const values: Record<string, U64> = {};
  for (const [k, v] of Object.entries(fields)) values[k] = n(v);
  const r = encodeStruct(spec, values, base);
  assert.deepEqual(r.problems, []);
  return r.words;
}

const P: SmmuProfile = DEFAULT_PROFILE;
const BOTH_TTF = new Set(["AArch32", "AArch64"] as const);
const AA32: SmmuProfile = { ...P, TTF: BOTH_TTF };
const illegal = (fs: LegalityFinding[]): string[] => fs.filter((f) => f.illegal).map((f) => f.code);
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
