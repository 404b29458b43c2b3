// The byte fast path for the dominant record form: a Linux arm-smmu-v3 raw event printed as
//   [    12.345678] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:
//   [    12.345679] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000100000010
//   ... (four dword lines, consecutive, same device prefix)
// read straight from the bytes of one chunk, with no line string and no regular expression. It
// builds exactly the record the line machine builds for these lines (machine.ts detect/HEADER,
// continueRecord/takeDword, prefix.ts packedLogLinePrefix) and only answers when that is certain:
// every line pure ASCII in a strict shape (optional `[ seconds.micro]` stamp, a two-word device
// prefix `word word:`, 2 hex digits of event number, `0x` + 16 hex digits), and the lines after
// the fourth dword provably leave the record as it is (no Linux >= v6.14 decoded line can join
// it). Anything else returns -1 and the caller feeds the lines to the machine as before.

import { LogRecord } from "./record";
import type { LogTextRange } from "./types";

const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const COLON = 0x3a;
/** Lines longer than this are left to the machine (its pattern limit is 4096 characters). */
const MAX_FAST_LINE = 1024;
/** The machine's DECODED_PATIENCE: lines of other sources after which a raw record is finished. */
const DECODED_PATIENCE = 4;

/** Hex digit value of each byte, -1 for anything else. */
const HEX_OF_BYTE = Int8Array.from({ length: 256 }, (_, c) => {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
});

/** Bytes allowed in a device prefix word: letters, digits, `.`, `_`, `-`. */
const IS_WORD_BYTE = Uint8Array.from({ length: 256 }, (_, c) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 45 ? 1 : 0,
);

function isLowerLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}

/**
 * Where the body (the device prefix) starts in line bytes [start, end), or -1 when the line does
 * not start with the fast shape's prefix: either directly with a lowercase letter (no quoting, no
 * priority, journal or timestamp for packedLogLinePrefix to peel), or with `[`, blanks, digits `.`
 * digits `]` (exactly what its secondsStampLength reads), blanks, then a lowercase letter (so
 * neither a printk caller id `[T1]` nor another stamp follows).
 */
export function rawBodyStart(b: Uint8Array, start: number, end: number): number {
  const first = b[start]!;
  if (isLowerLetter(first)) return start;
  if (first !== 91 /* [ */) return -1;
  let i = start + 1;
  while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
  const intStart = i;
  while (i < end && b[i]! >= 48 && b[i]! <= 57) i++;
  if (i === intStart || i >= end || b[i] !== 46 /* . */) return -1;
  const fracStart = ++i;
  while (i < end && b[i]! >= 48 && b[i]! <= 57) i++;
  if (i === fracStart || i >= end || b[i] !== 93 /* ] */) return -1;
  i++;
  while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
  return i < end && isLowerLetter(b[i]!) ? i : -1;
}

/**
 * End (after the `:`) of a device prefix `word word:` at `at` followed by a space, or -1. Words
 * are word bytes only, so the prefix holds exactly one blank: the machine's deviceKeyOf gives ""
 * for it, and a line joins the record only when its body starts with these very bytes.
 */
function devicePrefixEnd(b: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && IS_WORD_BYTE[b[i]!] === 1) i++;
  if (i === at || i >= end || b[i] !== SPACE) return -1;
  const second = ++i;
  while (i < end && IS_WORD_BYTE[b[i]!] === 1) i++;
  if (i === second || i >= end || b[i] !== COLON) return -1;
  i++;
  return i < end && b[i] === SPACE ? i : -1;
}

function sameBytes(b: Uint8Array, at: number, source: Uint8Array, from: number, length: number): boolean {
  for (let k = length - 1; k >= 0; k--) if (b[at + k] !== source[from + k]) return false;
  return true;
}

/** True when bytes [start, end) hold the `length` bytes at source[from] anywhere. */
function containsBytes(b: Uint8Array, start: number, end: number, source: Uint8Array, from: number, length: number) {
  // The prefix ends with `:`: jump from colon to colon with the native search.
  const lastByte = source[from + length - 1]!;
  for (let c = b.indexOf(lastByte, start + length - 1); c >= 0 && c < end; c = b.indexOf(lastByte, c + 1)) {
    if (sameBytes(b, c - length + 1, source, from, length)) return true;
  }
  return false;
}

/** End of a line's content: `\r` before the `\n` dropped, as the line splitter does. */
function contentEnd(b: Uint8Array, start: number, newline: number): number {
  return newline > start && b[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
}

/** What the fast path hands back: the record and where the next unread line starts. */
export interface RawFastResult {
  readonly record: LogRecord;
  readonly next: number;
}

/** The last device prefix read, as bytes and as the record's `source` string (one per log). */
let lastSourceBytes = new Uint8Array(0);
let lastSource = "";

function sourceText(b: Uint8Array, at: number, length: number): string {
  if (lastSourceBytes.length === length && sameBytes(b, at, lastSourceBytes, 0, length)) return lastSource;
  lastSourceBytes = b.slice(at, at + length);
  lastSource = String.fromCharCode(...lastSourceBytes);
  return lastSource;
}

/**
 * Reads a whole raw event record starting with the header line at b[start..newline) (`firstLine`
 * its zero-based number), all of whose lines and the lines deciding its end lie before `limit`
 * (the chunk's last line break). Only for a machine with no record in progress. Returns the record
 * exactly as the line machine would emit it and the offset after its fourth dword line, or
 * undefined when anything is not certain.
 */
export function readRawEventRecord(
  b: Uint8Array,
  start: number,
  newline: number,
  limit: number,
  firstLine: number,
): RawFastResult | undefined {
  // Header: <stamp?> word word: event 0xHH received:
  const end = contentEnd(b, start, newline);
  if (end - start > MAX_FAST_LINE || end - start < 24) return undefined;
  if (b[end - 1] !== COLON || b[end - 2] !== 100 /* d */) return undefined;
  const body = rawBodyStart(b, start, end);
  if (body < 0) return undefined;
  const sourceEnd = devicePrefixEnd(b, body, end);
  if (sourceEnd < 0) return undefined;
  const sourceLength = sourceEnd - body;
  // " event 0x" + two hex digits + " received:" and nothing after it.
  const h = sourceEnd;
  if (end - h !== 21) return undefined;
  if (
    b[h + 1] !== 101 ||
    b[h + 2] !== 118 ||
    b[h + 3] !== 101 ||
    b[h + 4] !== 110 ||
    b[h + 5] !== 116 ||
    b[h + 6] !== SPACE ||
    b[h + 7] !== 48 ||
    b[h + 8] !== 120
  ) {
    return undefined;
  }
  const d1 = HEX_OF_BYTE[b[h + 9]!]!;
  const d0 = HEX_OF_BYTE[b[h + 10]!]!;
  if (d1 < 0 || d0 < 0) return undefined;
  // " received:"
  if (
    b[h + 11] !== SPACE ||
    b[h + 12] !== 114 ||
    b[h + 13] !== 101 ||
    b[h + 14] !== 99 ||
    b[h + 15] !== 101 ||
    b[h + 16] !== 105 ||
    b[h + 17] !== 118 ||
    b[h + 18] !== 101 ||
    b[h + 19] !== 100
  ) {
    return undefined;
  }

  // Four dword lines: <stamp?> <same prefix> blanks 0x + 16 hex digits, blanks.
  const words = new Uint32Array(8);
  const ranges: (LogTextRange | undefined)[] = [undefined, undefined, undefined, undefined];
  let pos = newline + 1;
  for (let k = 0; k < 4; k++) {
    if (pos > limit) return undefined;
    const nl = b.indexOf(NEWLINE, pos);
    const e = contentEnd(b, pos, nl);
    if (e - pos > MAX_FAST_LINE) return undefined;
    const bd = rawBodyStart(b, pos, e);
    if (bd < 0 || bd + sourceLength >= e || !sameBytes(b, bd, b, body, sourceLength)) return undefined;
    let i = bd + sourceLength;
    if (b[i] !== SPACE && b[i] !== TAB) return undefined;
    while (i < e && (b[i] === SPACE || b[i] === TAB)) i++;
    if (e - i < 18 || b[i] !== 48 || b[i + 1] !== 120) return undefined;
    const tokenStart = i;
    let hi = 0;
    let lo = 0;
    for (let j = i + 2; j < i + 10; j++) {
      const v = HEX_OF_BYTE[b[j]!]!;
      if (v < 0) return undefined;
      hi = (hi << 4) | v;
    }
    for (let j = i + 10; j < i + 18; j++) {
      const v = HEX_OF_BYTE[b[j]!]!;
      if (v < 0) return undefined;
      lo = (lo << 4) | v;
    }
    i += 18;
    const tokenEnd = i;
    while (i < e && (b[i] === SPACE || b[i] === TAB)) i++;
    if (i !== e) return undefined;
    words[2 * k] = lo >>> 0;
    words[2 * k + 1] = hi >>> 0;
    ranges[k] = { line: firstLine + 1 + k, start: tokenStart - pos, end: tokenEnd - pos };
    pos = nl + 1;
  }
  const next = pos;

  // After the fourth dword the machine waits for the kernel's decoded lines: the record stays as
  // it is when the first line with its prefix is another fast-shape line not starting `event: `,
  // or when DECODED_PATIENCE + 1 lines without the prefix pass first (it then expires).
  let idle = 0;
  for (;;) {
    if (pos > limit) return undefined;
    const nl = b.indexOf(NEWLINE, pos);
    const e = contentEnd(b, pos, nl);
    if (containsBytes(b, pos, e, b, body, sourceLength)) {
      if (e - pos > MAX_FAST_LINE) return undefined;
      const bd = rawBodyStart(b, pos, e);
      if (bd < 0 || bd + sourceLength >= e || !sameBytes(b, bd, b, body, sourceLength)) return undefined;
      let i = bd + sourceLength;
      if (b[i] !== SPACE && b[i] !== TAB) return undefined;
      while (i < e && (b[i] === SPACE || b[i] === TAB)) i++;
      // Anything but `event` (which could be `event: `) ends the record unchanged.
      if (b[i] === 101 /* e */ && !(b[i + 5] === SPACE && b[i + 6] === 48 && b[i + 7] === 120)) return undefined;
      break;
    }
    if (++idle > DECODED_PATIENCE) break;
    pos = nl + 1;
  }

  const headerRange: LogTextRange = { line: firstLine, start: sourceEnd + 1 - start, end: end - start };
  const record = new LogRecord(
    "event",
    "linux-raw",
    firstLine,
    firstLine + 4,
    0,
    sourceText(b, body, sourceLength),
    words,
    4,
    ranges,
    true,
    [],
    headerRange,
    d1 * 16 + d0,
    undefined,
    undefined,
    undefined,
  );
  return { record, next };
}
