// Shared fixtures of the legality tests (legality.test.ts, legality-profile.test.ts,
// legality-review.test.ts): structures built from field values through the STE/CD tables, the
// reference's example STEs and CD (shared/spec/smmuv3.md §9.2), and short views of findings.

import assert from "node:assert/strict";
import { encodeStruct, type StructSpec } from "../../src/bits/fields";
import type { U64 } from "../../src/bits/u64";
import { CD, STE, type LegalityFinding } from "../../src/smmuv3/records";

const n = (v: number): U64 => ({ lo: v >>> 0, hi: Math.floor(v / 2 ** 32) });

/** The words of `spec` with `fields` set (numbers up to 2^53) over `base`; asserts they encode. */
export function build(spec: StructSpec, fields: Record<string, number>, base?: Uint32Array): Uint32Array {
  const values: Record<string, U64> = {};
  for (const [k, v] of Object.entries(fields)) values[k] = n(v);
  const r = encodeStruct(spec, values, base);
  assert.deepEqual(r.problems, []);
  return r.words;
}

/** A stage-1-only STE (Config 0b101) pointing at one CD. */
export const S1_STE = build(STE, { V: 1, Config: 5, S1ContextPtr: 0x48000000, S1CIR: 1, S1COR: 1, S1CSH: 3 });

/** The reference's nested STE (§9.2): S1_STE plus a 4KB stage 2, 40-bit IPA, start level 1. */
export const NESTED_STE = build(
  STE,
  { Config: 7, S2VMID: 5, S2T0SZ: 24, S2SL0: 1, S2IR0: 1, S2OR0: 1, S2SH0: 3, S2PS: 2, S2AA64: 1, S2R: 1 },
  build(STE, { S2TTB: 0x880000000 }, S1_STE),
);

/** The reference's CD (§9.2, Linux-style: TTB0 only, EPD1, R, A), with Linux's MAIR. */
export const CD_BASE = build(CD, {
  T0SZ: 25,
  TG0: 0,
  IR0: 1,
  OR0: 1,
  SH0: 3,
  EPD1: 1,
  V: 1,
  IPS: 2,
  AA64: 1,
  R: 1,
  A: 1,
  ASID: 1,
  TTB0: 0x40000000,
  MAIR0: 0xf404ff44,
});

/** IDR0.TTF with both table formats (VMSAv8-32 allowed). */
export const BOTH_TTF: ReadonlySet<"AArch32" | "AArch64"> = new Set(["AArch32", "AArch64"] as const);

export const codes = (fs: readonly LegalityFinding[]): string[] => fs.map((f) => f.code);
export const illegal = (fs: readonly LegalityFinding[]): string[] => fs.filter((f) => f.illegal).map((f) => f.code);
