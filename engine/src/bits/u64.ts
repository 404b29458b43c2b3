// 64-bit words without BigInt.
//
// The SMMU's structures are arrays of little-endian 64-bit words. JavaScript numbers hold integers
// exactly only up to 2^53, and BigInt is slow on hot paths, so a 64-bit word is kept as two
// unsigned 32-bit halves: either as a `U64` object (cold paths, APIs) or packed into a
// `Uint32Array` as [lo0, hi0, lo1, hi1, ...] (hot paths: decoding, walking). Bit `b` of a
// structure lives in element `b >>> 5`, bit `b & 31`, in both layouts.

/** A 64-bit value as two unsigned 32-bit halves. */
export interface U64 {
  readonly lo: number;
  readonly hi: number;
}

export const ZERO64: U64 = Object.freeze({ lo: 0, hi: 0 });

const TWO32 = 0x1_0000_0000;

/** Builds a U64 from halves, normalising them to unsigned 32-bit. */
export function u64(lo: number, hi: number): U64 {
  return { lo: lo >>> 0, hi: hi >>> 0 };
}

/** A non-negative integer (exact below 2^53) as a U64. */
export function u64FromNumber(n: number): U64 {
  return { lo: n >>> 0, hi: Math.floor(n / TWO32) >>> 0 };
}

/** True when the value fits in a JavaScript number exactly (below 2^53). */
export function fitsNumber(v: U64): boolean {
  return v.hi < 0x20_0000;
}

/** The value as a number; exact when `fitsNumber(v)`, rounded otherwise. */
export function u64ToNumber(v: U64): number {
  return v.hi * TWO32 + v.lo;
}

export function isZero64(v: U64): boolean {
  return v.lo === 0 && v.hi === 0;
}

export function eq64(a: U64, b: U64): boolean {
  return a.lo === b.lo && a.hi === b.hi;
}

const HEX_DIGITS = /^[0-9a-fA-F]+$/;

/**
 * Parses a hexadecimal 64-bit value: optional `0x`/`0X` prefix, `_` separators allowed between
 * digits, at most 16 significant digits. Returns undefined for anything else (never throws).
 */
export function parseHex64(text: string): U64 | undefined {
  let s = text.trim();
  if (s.startsWith("0x") || s.startsWith("0X")) s = s.slice(2);
  if (s.includes("_")) {
    if (s.startsWith("_") || s.endsWith("_") || s.includes("__")) return undefined;
    s = s.replace(/_/g, "");
  }
  if (s.length === 0 || !HEX_DIGITS.test(s)) return undefined;
  s = s.replace(/^0+(?=.)/, "");
  if (s.length > 16) return undefined;
  const loText = s.length > 8 ? s.slice(-8) : s;
  const hiText = s.length > 8 ? s.slice(0, -8) : "0";
  return { lo: parseInt(loText, 16) >>> 0, hi: parseInt(hiText, 16) >>> 0 };
}

/** Contract hex: lowercase, `0x`, no leading zeros (`0x0`, `0x7d11`). */
export function hex64(v: U64): string {
  return hexHalves(v.lo, v.hi);
}

export function hexHalves(lo: number, hi: number): string {
  if (hi === 0) return "0x" + (lo >>> 0).toString(16);
  return "0x" + (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, "0");
}

/** Contract hex of a non-negative integer below 2^53. */
export function hexNumber(n: number): string {
  return "0x" + n.toString(16);
}

/** Fixed-width hex as kernel logs print a dword (`0x%016llx`). */
export function hex64Padded(v: U64): string {
  return "0x" + (v.hi >>> 0).toString(16).padStart(8, "0") + (v.lo >>> 0).toString(16).padStart(8, "0");
}

// ---- bit ranges over packed halves ----------------------------------------------------------

/** Mask of the low `width` bits (0 <= width <= 32) as an unsigned 32-bit number. */
export function mask32(width: number): number {
  return width >= 32 ? 0xffff_ffff : ((1 << width) - 1) >>> 0;
}

/**
 * Reads `width` (1..32) bits starting at absolute bit `lsb` of packed halves. Bits past the
 * end of `words` read as zero.
 */
export function readBits32(words: ArrayLike<number>, lsb: number, width: number): number {
  const index = lsb >>> 5;
  const shift = lsb & 31;
  let v = (words[index] ?? 0) >>> shift;
  if (shift !== 0 && shift + width > 32) v = v | ((words[index + 1] ?? 0) << (32 - shift));
  return (v & mask32(width)) >>> 0;
}

/** Reads `width` (1..64) bits starting at absolute bit `lsb` as a U64. */
export function readBits(words: ArrayLike<number>, lsb: number, width: number): U64 {
  if (width <= 32) return { lo: readBits32(words, lsb, width), hi: 0 };
  return { lo: readBits32(words, lsb, 32), hi: readBits32(words, lsb + 32, width - 32) };
}

/**
 * Reads `width` (1..53) bits starting at `lsb` as a number, exact. The hot-path form for
 * addresses (at most 52 bits in the architecture) and small fields.
 */
export function readBitsNumber(words: ArrayLike<number>, lsb: number, width: number): number {
  if (width <= 32) return readBits32(words, lsb, width);
  return readBits32(words, lsb, 32) + readBits32(words, lsb + 32, width - 32) * TWO32;
}

/** Writes the low `width` (1..32) bits of `value` at absolute bit `lsb`, in place. */
export function writeBits32(words: Uint32Array, lsb: number, width: number, value: number): void {
  const index = lsb >>> 5;
  const shift = lsb & 31;
  const m = mask32(width);
  const v = (value & m) >>> 0;
  if (index >= words.length) return;
  const lowMask = (m << shift) >>> 0;
  words[index] = ((words[index]! & ~lowMask) | (v << shift)) >>> 0;
  if (shift !== 0 && shift + width > 32 && index + 1 < words.length) {
    const highBits = shift + width - 32;
    const highMask = mask32(highBits);
    words[index + 1] = ((words[index + 1]! & ~highMask) | (v >>> (32 - shift))) >>> 0;
  }
}

/** Writes `width` (1..64) bits of `value` at absolute bit `lsb`, in place. */
export function writeBits(words: Uint32Array, lsb: number, width: number, value: U64): void {
  if (width <= 32) {
    writeBits32(words, lsb, width, value.lo);
    return;
  }
  writeBits32(words, lsb, 32, value.lo);
  writeBits32(words, lsb + 32, width - 32, value.hi);
}

/** True when `value` has no bits set at or above `width`. */
export function fitsWidth(value: U64, width: number): boolean {
  if (width >= 64) return true;
  if (width >= 32) return width === 32 ? value.hi === 0 : (value.hi & ~mask32(width - 32)) === 0;
  return value.hi === 0 && (value.lo & ~mask32(width)) === 0;
}

/** Shifts a U64 left by `n` (0..63) bits, dropping bits shifted past bit 63. */
export function shl64(v: U64, n: number): U64 {
  if (n === 0) return v;
  if (n >= 32) return { lo: 0, hi: (v.lo << (n - 32)) >>> 0 };
  return { lo: (v.lo << n) >>> 0, hi: ((v.hi << n) | (v.lo >>> (32 - n))) >>> 0 };
}

/** Shifts a U64 right (logical) by `n` (0..63) bits. */
export function shr64(v: U64, n: number): U64 {
  if (n === 0) return v;
  if (n >= 32) return { lo: v.hi >>> (n - 32), hi: 0 };
  return { lo: ((v.lo >>> n) | (v.hi << (32 - n))) >>> 0, hi: v.hi >>> n };
}

/** Packs U64 words into [lo, hi, lo, hi, ...]. */
export function packWords(words: readonly U64[]): Uint32Array {
  const out = new Uint32Array(words.length * 2);
  words.forEach((w, i) => {
    out[2 * i] = w.lo >>> 0;
    out[2 * i + 1] = w.hi >>> 0;
  });
  return out;
}

/** Unpacks [lo, hi, ...] into U64 words. */
export function unpackWords(packed: ArrayLike<number>): U64[] {
  const out: U64[] = [];
  for (let i = 0; i + 1 < packed.length; i += 2) out.push({ lo: packed[i]! >>> 0, hi: packed[i + 1]! >>> 0 });
  return out;
}

/** Byte-swaps a 64-bit value (for big-endian tables, SMMU_IDR0.TTENDIAN). */
export function bswap64(v: U64): U64 {
  return { lo: bswap32(v.hi), hi: bswap32(v.lo) };
}

export function bswap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}
