// Translation geometry the legality checks share: PA-size encodings, TxSZ ranges, start levels
// and start-level table sizes for stage 1 (reference §5.2) and stage 2 (reference §2.4, §2.5),
// and 64-bit range tests on U64 values (addresses up to 56 bits do not always fit a number).

import type { U64 } from "../../bits/u64";
import type { Granule, SmmuProfile } from "../profile";

/** PA size in bits of the 3-bit encoding shared by IDR5.OAS, CD.IPS and STE.S2PS. */
export function paSizeBits(encoding: number): number {
  return [32, 36, 40, 42, 44, 48, 52, 56][encoding & 7]!;
}

/** True when `v` has any bit set at or above bit `n` (0 <= n <= 64). */
export function atOrAbove(v: U64, n: number): boolean {
  if (n >= 64) return false;
  if (n >= 32) return v.hi >>> (n - 32) !== 0;
  return v.hi !== 0 || v.lo >>> n !== 0;
}

/** Low `n` bits of `v` (n <= 52) as a number. */
export function lowBits(v: U64, n: number): number {
  if (n <= 0) return 0;
  if (n <= 32) return n === 32 ? v.lo : v.lo & (((1 << n) >>> 0) - 1);
  return (v.hi & ((2 ** (n - 32) - 1) >>> 0)) * 0x1_0000_0000 + v.lo;
}

export function granuleBits(g: Granule): number {
  return g === "4K" ? 12 : g === "16K" ? 14 : 16;
}

export interface TxszRange {
  readonly min: number;
  readonly max: number;
}

/** Legal S2T0SZ range (reference §2.4, SMMUv3.1+, VMSAv8-64). */
export function s2t0szRange(profile: SmmuProfile, granule: Granule, s2ds: boolean): TxszRange {
  const max = profile.STT ? (granule === "64K" ? 47 : 48) : 39;
  const floor = granule === "64K" || (profile.DS === 1 && s2ds) ? 12 : 16;
  return { min: Math.max(floor, 64 - profile.IAS), max };
}

/** Legal stage-1 TxSZ range (reference §4.4 table, VMSAv8-64). */
export function s1TxszRange(profile: SmmuProfile, granule: Granule, ds: boolean): TxszRange {
  const max = profile.STT ? (granule === "64K" ? 47 : 48) : 39;
  const min = profile.VAX >= 1 && (granule === "64K" || (profile.DS === 1 && ds)) ? 12 : 16;
  return { min, max };
}

/** Stage-2 start level from {S2SL0_2,S2SL0} and the granule (reference §2.5), or a reason it is Reserved. */
export function s2StartLevel(
  granule: Granule,
  sl: number,
  profile: SmmuProfile,
  s2ds: boolean,
): { level: number } | { reserved: string } {
  if (granule === "4K") {
    if (sl === 0) return { level: 2 };
    if (sl === 1) return { level: 1 };
    if (sl === 2) return { level: 0 };
    if (sl === 3) return profile.STT ? { level: 3 } : { reserved: "start level 3 with a 4KB granule needs IDR3.STT" };
    if (sl === 4) return s2ds ? { level: -1 } : { reserved: "start level -1 needs S2DS == 1" };
    return { reserved: `{S2SL0_2,S2SL0} = ${sl} is Reserved for a 4KB granule` };
  }
  if (granule === "16K") {
    if (sl <= 2) return { level: 3 - sl };
    if (sl === 3) return s2ds ? { level: 0 } : { reserved: "start level 0 with a 16KB granule needs S2DS == 1" };
    return { reserved: `{S2SL0_2,S2SL0} = ${sl} is Reserved for a 16KB granule` };
  }
  if (sl <= 2) return { level: 3 - sl };
  return { reserved: `S2SL0 = ${sl} is Reserved for a 64KB granule` };
}

/** Bits of the input address the start level resolves: r = ia - (g + (3 - L) * s). */
export function startLevelBits(granule: Granule, inputBits: number, level: number): number {
  const g = granuleBits(granule);
  return inputBits - (g + (3 - level) * (g - 3));
}

/** Stage-1 start level for TxSZ (reference §5.2 step 7). */
export function s1StartLevel(granule: Granule, txsz: number): number {
  const g = granuleBits(granule);
  const s = g - 3;
  const ia = 64 - txsz;
  return 4 - Math.ceil((ia - g) / s);
}

/** True when every bit of the field is 0 (no allocation: the legality checks test many fields). */
export function fieldIsZero(words: ArrayLike<number>, f: { readonly lsb: number; readonly width: number }): boolean {
  let b = f.lsb;
  let left = f.width;
  while (left > 0) {
    const w = Math.min(32, left, 32 - (b & 31));
    const v = (words[b >>> 5] ?? 0) >>> (b & 31);
    if ((w === 32 ? v : v & ((1 << w) - 1)) !== 0) return false;
    b += w;
    left -= w;
  }
  return true;
}

/** True when halves [from, to) are all zero. */
export function halvesZero(words: ArrayLike<number>, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if ((words[i] ?? 0) !== 0) return false;
  return true;
}
