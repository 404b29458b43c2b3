// Memory attributes of a translation: the stage-1 MAIR byte, the stage-2 MemAttr, and their
// combination for nested translation (reference §5.4 "Stage-2 MemAttr" and "MAIR byte encodings";
// Arm DDI 0487 D8.6: the stronger memory type and the weaker cacheability win).

import type { WalkAttributes } from "./types";

/** Memory-type ranks: Device-nGnRnE (strongest) .. Device-GRE, then Normal. */
const DEVICE_NAMES = ["Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE"] as const;

/** Cacheability of one half of a Normal type: 0 NC, 1 WT, 2 WB. */
type Cacheability = 0 | 1 | 2;
const CACHE_NAMES = ["NC", "WT", "WB"] as const;

/** A decoded memory type: device kind 0..3, or Normal with inner and outer cacheability. */
export interface MemoryType {
  /** 0..3 for Device (nGnRnE..GRE), -1 for Normal. */
  readonly device: number;
  readonly inner: Cacheability;
  readonly outer: Cacheability;
}

/** One MAIR nibble of a Normal type (0b0100 NC, 0b00RW WT-transient, 0b01RW WB-transient, 0b10RW WT, 0b11RW WB). */
function mairNibble(n: number): Cacheability {
  if (n === 0b0100) return 0;
  if (n >= 0b1100 || (n >= 0b0101 && n <= 0b0111)) return 2;
  if (n >= 0b1000 || (n >= 0b0001 && n <= 0b0011)) return 1;
  return 0;
}

/** Decodes a MAIR Attr<n> byte. Device when the high nibble is 0. */
export function decodeMair(byte: number): MemoryType {
  const outer = (byte >>> 4) & 0xf;
  const inner = byte & 0xf;
  if (outer === 0) return { device: (inner >>> 2) & 3, inner: 0, outer: 0 };
  return { device: -1, inner: mairNibble(inner), outer: mairNibble(outer) };
}

/**
 * Decodes a stage-2 MemAttr[3:0]. S2FWB == 0: [3:2] == 0 Device, else outer [3:2], inner [1:0].
 * S2FWB == 1 (FEAT_S2FWB, Arm DDI 0487 AArch64.S2ApplyFWBMemAttrs): MemAttr[3] is RES0;
 * 0b0xx Device of type [1:0]; 0b101 Normal NC; 0b110 Normal WB (forced); 0b111 "use the stage-1
 * attributes" (alone: the weakest, Normal WB, so the incoming attributes decide); 0b100 Reserved
 * (UNKNOWN: shown as Device-nGnRnE).
 */
export function decodeS2MemAttr(memAttr: number, fwb = false): MemoryType {
  if (fwb) {
    const a = memAttr & 7;
    if ((a & 4) === 0) return { device: a & 3, inner: 0, outer: 0 };
    if ((a & 3) === 0) return { device: 0, inner: 0, outer: 0 };
    const c: Cacheability = (a & 3) === 1 ? 0 : 2;
    return { device: -1, inner: c, outer: c };
  }
  const outer = (memAttr >>> 2) & 3;
  const inner = memAttr & 3;
  if (outer === 0) return { device: inner, inner: 0, outer: 0 };
  const half = (v: number): Cacheability => (v === 3 ? 2 : v === 2 ? 1 : 0);
  return { device: -1, inner: half(inner), outer: half(outer) };
}

/**
 * Nested combination. S2FWB == 0: the stronger type and the weaker cacheability. With S2FWB == 1
 * pass the stage-2 MemAttr as `fwbMemAttr`: stage 2 forces the result (Arm DDI 0487
 * AArch64.S2ApplyFWBMemAttrs): Device (the stronger of two Devices), stage 1's attributes (0b111),
 * Normal WB even over a stage-1 Device (0b110), Normal NC unless stage 1 is Device (0b101).
 */
export function combineTypes(s1: MemoryType, s2: MemoryType, fwbMemAttr?: number): MemoryType {
  if (fwbMemAttr !== undefined) {
    const a = fwbMemAttr & 7;
    if ((a & 4) === 0) {
      return { device: s1.device >= 0 ? Math.min(s1.device, a & 3) : a & 3, inner: 0, outer: 0 };
    }
    if ((a & 3) === 3) return s1;
    if ((a & 3) === 2) return { device: -1, inner: 2, outer: 2 };
    if ((a & 3) === 1) return s1.device >= 0 ? s1 : { device: -1, inner: 0, outer: 0 };
    return { device: 0, inner: 0, outer: 0 };
  }
  if (s1.device >= 0 || s2.device >= 0) {
    const d1 = s1.device >= 0 ? s1.device : 4;
    const d2 = s2.device >= 0 ? s2.device : 4;
    return { device: Math.min(d1, d2), inner: 0, outer: 0 };
  }
  return {
    device: -1,
    inner: Math.min(s1.inner, s2.inner) as Cacheability,
    outer: Math.min(s1.outer, s2.outer) as Cacheability,
  };
}

export function memTypeName(t: MemoryType): string {
  if (t.device >= 0) return DEVICE_NAMES[t.device] ?? "Device-nGnRnE";
  if (t.inner === t.outer) return `Normal-${CACHE_NAMES[t.inner]}`;
  return `Normal-i${CACHE_NAMES[t.inner]}-o${CACHE_NAMES[t.outer]}`;
}

/** Shareability name of an SH[1:0] value; Device and Normal NC/NC are always Outer Shareable. */
export function shareabilityName(t: MemoryType, sh: number): string {
  if (t.device >= 0 || (t.inner === 0 && t.outer === 0)) return "outer";
  return sh === 3 ? "inner" : sh === 2 ? "outer" : "non-shareable";
}

/** Combined shareability of two stages: Outer if either is Outer, else Inner if either is Inner. */
export function combineShareability(a: string, b: string): string {
  if (a === "outer" || b === "outer") return "outer";
  if (a === "inner" || b === "inner") return "inner";
  return "non-shareable";
}

/** Attributes for a result (the optional fields only when known). */
export function attributes(
  type: MemoryType,
  sh: string,
  extra: Omit<WalkAttributes, "memType" | "sh">,
): WalkAttributes {
  return { memType: memTypeName(type), sh, ...extra };
}
