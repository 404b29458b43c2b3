// Character-code scanning helpers for the dump parsers: hex runs parsed straight into 32-bit
// halves without substrings, BigInt or regular expressions (the importer reads 64 MB dumps).

/** Result of the last `parseHexRun` as [lo, hi] (module scratch: no object per value). */
export const hexOut = new Uint32Array(2); // [lo, hi]: a typed array, so stores never box

/** Value of a hex digit character code, or -1. */
export function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** Index of the first non-hex-digit character at or after `i` (bounded by `end`). */
export function scanHex(s: string, i: number, end: number): number {
  while (i < end && hexDigit(s.charCodeAt(i)) >= 0) i++;
  return i;
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

export function skipSpaces(s: string, i: number, end: number): number {
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** Index of the first whitespace character at or after `i`. */
export function scanToken(s: string, i: number, end: number): number {
  while (i < end && !isSpace(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Parses the hex digits `s[i, j)` (all must be hex digits) into `hexOut`. Returns false when
 * the value has more than 16 significant digits.
 */
export function parseHexRun(s: string, i: number, j: number): boolean {
  let lo = 0;
  let hi = 0;
  for (let k = i; k < j; k++) {
    const d = hexDigit(s.charCodeAt(k));
    if (hi >>> 28 !== 0) return false;
    hi = ((hi << 4) | (lo >>> 28)) >>> 0;
    lo = ((lo << 4) | d) >>> 0;
  }
  hexOut[0] = lo;
  hexOut[1] = hi;
  return true;
}

const TWO32 = 0x1_0000_0000;
/** Addresses must stay below this so `addr + 8` is exact (2^53, as the memory image). */
export const DUMP_ADDRESS_LIMIT = 2 ** 53 - 8;

/** `hexOut` as a number when it is a usable address (below 2^53 - 8), else -1. */
export function hexOutAddress(): number {
  if (hexOut[1]! >= 0x20_0000) return -1;
  const v = hexOut[1]! * TWO32 + hexOut[0]!;
  return v <= DUMP_ADDRESS_LIMIT ? v : -1;
}

/** True when `s[i, i + word.length)` equals `word`. */
export function startsWithAt(s: string, i: number, word: string): boolean {
  return s.startsWith(word, i);
}

export function hexAddr(n: number): string {
  return "0x" + n.toString(16);
}
