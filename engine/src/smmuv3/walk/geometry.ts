// Translation-table geometry: granules, start levels, concatenation and which levels may hold
// blocks (SMMUv3 reference §2.4, §2.5, §5.1, §5.2; Arm DDI 0487 D8). Pure arithmetic on small
// numbers: nothing here reads memory.

import type { Granule, SmmuProfile } from "../profile";

/** log2 of the granule size: 12, 14 or 16. */
export function granuleShift(granule: Granule): number {
  return granule === "4K" ? 12 : granule === "16K" ? 14 : 16;
}

/** CD.TG0 and STE.S2TG encoding (0b00 4K, 0b01 64K, 0b10 16K, 0b11 Reserved). */
export function granuleFromTg0(tg: number): Granule | undefined {
  return tg === 0 ? "4K" : tg === 1 ? "64K" : tg === 2 ? "16K" : undefined;
}

/** CD.TG1 encoding (0b00 Reserved, 0b01 16K, 0b10 4K, 0b11 64K): different from TG0 on purpose. */
export function granuleFromTg1(tg: number): Granule | undefined {
  return tg === 1 ? "16K" : tg === 2 ? "4K" : tg === 3 ? "64K" : undefined;
}

/** The shift of the lowest input bit a level resolves: the block/page size at that level is 2^shift. */
export function levelShift(g: number, level: number): number {
  return g + (3 - level) * (g - 3);
}

/**
 * Stage-1 start level for an input size of `ia` bits (§5.2 step 7): 4 - ceil((ia - g) / s).
 * Level -1 only arises for 52-bit inputs with a 4K granule.
 */
export function stage1StartLevel(g: number, ia: number): number {
  const s = g - 3;
  return 4 - Math.ceil((ia - g) / s);
}

/** Stage-1 TxSZ bounds (§4.4 table for CD-14/15). */
export function stage1TxszRange(profile: SmmuProfile, granule: Granule, ds: boolean): { min: number; max: number } {
  const max = profile.STT ? (granule === "64K" ? 47 : 48) : 39;
  const min = profile.VAX >= 1 && (granule === "64K" || (ds && profile.DS === 1)) ? 12 : 16;
  return { min, max };
}

/** Stage-2 S2T0SZ bounds (§2.4): bounded by IAS, not by S2PS. */
export function stage2TxszRange(profile: SmmuProfile, granule: Granule, s2ds: boolean): { min: number; max: number } {
  const max = profile.STT ? (granule === "64K" ? 47 : 48) : 39;
  const floor = granule === "64K" || (s2ds && profile.DS === 1) ? 12 : 16;
  return { min: Math.max(floor, 64 - profile.IAS), max };
}

/** Start level from {S2SL0_2, S2SL0} and the granule (§2.5); undefined for Reserved encodings. */
export function stage2StartLevel(
  profile: SmmuProfile,
  granule: Granule,
  sl0: number,
  s2ds: boolean,
): number | undefined {
  if (granule === "4K") {
    if (sl0 === 0) return 2;
    if (sl0 === 1) return 1;
    if (sl0 === 2) return 0;
    if (sl0 === 3) return profile.STT ? 3 : undefined;
    if (sl0 === 4) return s2ds && profile.DS ? -1 : undefined;
    return undefined;
  }
  if (sl0 === 0) return 3;
  if (sl0 === 1) return 2;
  if (sl0 === 2) return 1;
  if (sl0 === 3) return granule === "16K" && s2ds && profile.DS ? 0 : undefined;
  return undefined;
}

/** The geometry of one stage's walk. */
export interface StageGeometry {
  readonly granule: Granule;
  /** log2 granule (12/14/16). */
  readonly g: number;
  /** Index bits per full level (g - 3). */
  readonly stride: number;
  /** Input address size in bits. */
  readonly ia: number;
  readonly startLevel: number;
  /** Index bits at the start level (more than `stride` when stage-2 tables are concatenated). */
  readonly startBits: number;
  /** Number of concatenated start-level tables (1 when none). */
  readonly concatenated: number;
}

/**
 * Stage-2 geometry from S2T0SZ, {S2SL0_2,S2SL0} and the granule, or the reason it is inconsistent
 * (STE-30/STE-31: C_BAD_STE, never a walk fault). Consistent iff 1 <= r <= s + 4 where r is the
 * number of bits the start level resolves (§2.5 closed form), S2T0SZ is in range (§2.4) and the
 * SL0 encoding is not Reserved.
 */
export function stage2Geometry(
  profile: SmmuProfile,
  granule: Granule,
  s2t0sz: number,
  sl0: number,
  s2ds: boolean,
): StageGeometry | string {
  const range = stage2TxszRange(profile, granule, s2ds);
  if (s2t0sz < range.min || s2t0sz > range.max) {
    return `S2T0SZ ${s2t0sz} is outside ${range.min}..${range.max} for a ${granule} granule (IAS ${profile.IAS}, STT ${profile.STT})`;
  }
  const level = stage2StartLevel(profile, granule, sl0, s2ds);
  if (level === undefined) return `S2SL0 ${sl0} is Reserved for a ${granule} granule`;
  const g = granuleShift(granule);
  const stride = g - 3;
  const ia = 64 - s2t0sz;
  const r = ia - levelShift(g, level);
  if (r < 1 || r > stride + 4) {
    return r < 1
      ? `S2SL0 start level ${level} resolves no bits of a ${ia}-bit IPA with a ${granule} granule`
      : `S2T0SZ ${s2t0sz} at start level ${level} would need ${2 ** (r - stride)} concatenated ${granule} tables (at most 16)`;
  }
  return {
    granule,
    g,
    stride,
    ia,
    startLevel: level,
    startBits: r,
    concatenated: r > stride ? 2 ** (r - stride) : 1,
  };
}

/** Stage-1 geometry for a TxSZ (already range-checked by the caller). */
export function stage1Geometry(granule: Granule, txsz: number): StageGeometry {
  const g = granuleShift(granule);
  const stride = g - 3;
  const ia = 64 - txsz;
  const startLevel = stage1StartLevel(g, ia);
  return { granule, g, stride, ia, startLevel, startBits: ia - levelShift(g, startLevel), concatenated: 1 };
}
