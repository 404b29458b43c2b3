// The byte fast paths for the dominant record forms, read straight from the bytes of one chunk
// with no line string and no regular expression:
// - a Linux arm-smmu-v3 raw event in its common shape
//     [    12.345678] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:
//     [    12.345679] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000100000010   (four such lines)
//   (optional mail quoting and `[ seconds.micro]` stamp, a two-word device prefix `word word:` or
//   none, 2 hex digits of event number, `0x` + 16 hex digits, the four dword lines consecutive);
// - a bare one-line list `0xH 0xH 0xH 0xH`.
// Each builds exactly the record the line machine builds for these lines (machine.ts detect,
// HEADER, detectList, continueRecord/takeDword; prefix.ts packedLogLinePrefix) and only answers
// when that is certain: every line ASCII in the strict shape and, for a raw event, the lines
// after its fourth dword provably leave it as it is (no Linux >= v6.14 decoded line can join it).
// Anything else returns undefined and the caller feeds the lines to the machine as before.
// engine/test/logscan/equivalence.test.ts holds both to the frozen reference scanner.

import { CMDQ_ERROR_NAMES } from "./machine";
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

/** Where the last quoteDepthAt call found the quoting to end. */
let afterQuote = 0;

/**
 * Mail quoting depth of line bytes [start, end) exactly as packedLogLinePrefix counts it
 * (optional blanks, then `>` markers each optionally followed by one blank); its end is left in
 * afterQuote (start when there is no quoting). Exact for any line: blanks and `>` are ASCII.
 */
function quoteDepthAt(b: Uint8Array, start: number, end: number): number {
  let j = start;
  while (j < end && (b[j] === SPACE || b[j] === TAB)) j++;
  let depth = 0;
  let i = start;
  if (j < end && b[j] === 62 /* > */) {
    i = j;
    while (i < end && b[i] === 62) {
      depth++;
      i++;
      if (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
    }
  }
  afterQuote = i;
  return depth;
}

/**
 * Where the body starts after the quoting (at `at`), or -1 when the text does not continue in
 * the fast shape: either directly with a lowercase letter (nothing for packedLogLinePrefix to
 * peel: no priority, journal prefix or timestamp starts so), or with `[`, blanks, digits `.`
 * digits `]` (exactly what its secondsStampLength reads) not followed by `[` (a printk caller id),
 * then blanks, which it skips.
 */
export function rawBodyStart(b: Uint8Array, at: number, end: number): number {
  if (at >= end) return -1;
  const first = b[at]!;
  if (isLowerLetter(first)) return at;
  if (first !== 91 /* [ */) return -1;
  let i = at + 1;
  while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
  const intStart = i;
  while (i < end && b[i]! >= 48 && b[i]! <= 57) i++;
  if (i === intStart || i >= end || b[i] !== 46 /* . */) return -1;
  const fracStart = ++i;
  while (i < end && b[i]! >= 48 && b[i]! <= 57) i++;
  if (i === fracStart || i >= end || b[i] !== 93 /* ] */) return -1;
  i++;
  if (i >= end || b[i] === 91) return -1;
  while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
  return i < end ? i : -1;
}

/** True when bytes [at, end) start with `event 0x`. */
function isEventHexAt(b: Uint8Array, at: number, end: number): boolean {
  return (
    end - at >= 8 &&
    b[at] === 101 &&
    b[at + 1] === 118 &&
    b[at + 2] === 101 &&
    b[at + 3] === 110 &&
    b[at + 4] === 116 &&
    b[at + 5] === SPACE &&
    b[at + 6] === 48 &&
    b[at + 7] === 120
  );
}

/** `event: ` anywhere in bytes [start, end). */
function containsDecodedEvent(b: Uint8Array, start: number, end: number): boolean {
  for (let c = b.indexOf(0x3a /* : */, start + 5); c >= 0 && c < end; c = b.indexOf(0x3a, c + 1)) {
    if (
      b[c + 1] === SPACE &&
      b[c - 1] === 116 &&
      b[c - 2] === 110 &&
      b[c - 3] === 101 &&
      b[c - 4] === 118 &&
      b[c - 5] === 101
    )
      return true;
  }
  return false;
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
  /** The record; when not `finished`, what was read of it (for LogLineMachine.resumeRawEvent). */
  readonly record: LogRecord;
  /** Offset of the first line not read. */
  readonly next: number;
  /** Dword lines read (0-4 for a raw event). */
  readonly dwords: number;
  /** Lines read (from the header to `next`). */
  readonly lines: number;
  /** The record is complete and final: hand it out. Else the machine continues it. */
  readonly finished: boolean;
}

/**
 * One dword line of a record at b[pos..e) (zero-based `line`): the record's quoting depth, its
 * prefix (the `sourceLength` bytes at b[body]) then blanks, `0x` + 16 hex digits, blanks. Puts the
 * dword in words/ranges at `k` as takeDword does; false when the line is anything else.
 */
function readDwordLine(
  b: Uint8Array,
  pos: number,
  e: number,
  depth: number,
  body: number,
  sourceLength: number,
  words: Uint32Array,
  ranges: (LogTextRange | undefined)[],
  k: number,
  line: number,
): boolean {
  if (e - pos > MAX_FAST_LINE || quoteDepthAt(b, pos, e) !== depth) return false;
  const bd = rawBodyStart(b, afterQuote, e);
  if (bd < 0 || bd + sourceLength >= e || !sameBytes(b, bd, b, body, sourceLength)) return false;
  let i = bd + sourceLength;
  if (sourceLength !== 0) {
    if (b[i] !== SPACE && b[i] !== TAB) return false;
    while (i < e && (b[i] === SPACE || b[i] === TAB)) i++;
  }
  if (e - i < 18 || b[i] !== 48 || b[i + 1] !== 120) return false;
  const tokenStart = i;
  let hi = 0;
  let lo = 0;
  for (let j = i + 2; j < i + 10; j++) {
    const v = HEX_OF_BYTE[b[j]!]!;
    if (v < 0) return false;
    hi = (hi << 4) | v;
  }
  for (let j = i + 10; j < i + 18; j++) {
    const v = HEX_OF_BYTE[b[j]!]!;
    if (v < 0) return false;
    lo = (lo << 4) | v;
  }
  i += 18;
  const tokenEnd = i;
  while (i < e && (b[i] === SPACE || b[i] === TAB)) i++;
  if (i !== e) return false;
  words[2 * k] = lo >>> 0;
  words[2 * k + 1] = hi >>> 0;
  ranges[k] = { line, start: tokenStart - pos, end: tokenEnd - pos };
  return true;
}

/** The last device prefix read, as bytes and as the record's `source` string (one per log). */
let lastSourceBytes = new Uint8Array(0);
let lastSource = "";

function sourceText(b: Uint8Array, at: number, length: number): string {
  if (lastSourceBytes.length === length && sameBytes(b, at, lastSourceBytes, 0, length)) return lastSource;
  // A copy, never a view: Node's Buffer#slice shares memory, and a caller may reuse its buffer.
  lastSourceBytes = new Uint8Array(b.subarray(at, at + length));
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
  // Header: <quoting?> <stamp?> <word word: >?event 0xHH received:
  const end = contentEnd(b, start, newline);
  if (end - start > MAX_FAST_LINE || end - start < 20) return undefined;
  if (b[end - 1] !== COLON || b[end - 2] !== 100 /* d */) return undefined;
  const depth = quoteDepthAt(b, start, end);
  const body = rawBodyStart(b, afterQuote, end);
  if (body < 0) return undefined;
  // The source: "" (the header starts the body) or a two-word device prefix; h: the header.
  let h = body;
  if (!isEventHexAt(b, body, end)) {
    const sourceEnd = devicePrefixEnd(b, body, end);
    if (sourceEnd < 0) return undefined;
    h = sourceEnd + 1;
  }
  const sourceLength = h === body ? 0 : h - 1 - body;
  // "event 0x" + two hex digits + " received:" and nothing after it.
  if (end - h !== 20 || !isEventHexAt(b, h, end)) return undefined;
  const d1 = HEX_OF_BYTE[b[h + 8]!]!;
  const d0 = HEX_OF_BYTE[b[h + 9]!]!;
  if (d1 < 0 || d0 < 0) return undefined;
  // " received:"
  if (
    b[h + 10] !== SPACE ||
    b[h + 11] !== 114 ||
    b[h + 12] !== 101 ||
    b[h + 13] !== 99 ||
    b[h + 14] !== 101 ||
    b[h + 15] !== 105 ||
    b[h + 16] !== 118 ||
    b[h + 17] !== 101 ||
    b[h + 18] !== 100
  ) {
    return undefined;
  }

  // Four dword lines: <same quoting depth> <stamp?> <same prefix> blanks 0x + 16 hex digits, blanks.
  // The first line of any other shape (or past the chunk) stops the reading: the record read so
  // far goes to the machine, which takes it from there exactly as if it had read these lines.
  const words = new Uint32Array(8);
  const ranges: (LogTextRange | undefined)[] = [undefined, undefined, undefined, undefined];
  let pos = newline + 1;
  let dwords = 0;
  while (dwords < 4 && pos <= limit) {
    const nl = b.indexOf(NEWLINE, pos);
    const e = contentEnd(b, pos, nl);
    if (!readDwordLine(b, pos, e, depth, body, sourceLength, words, ranges, dwords, firstLine + 1 + dwords)) break;
    dwords++;
    pos = nl + 1;
  }
  const finished = dwords === 4 && endsUnchanged(b, pos, limit, depth, body, sourceLength);
  const record = new LogRecord(
    "event",
    "linux-raw",
    firstLine,
    firstLine + dwords,
    depth,
    sourceLength === 0 ? "" : sourceText(b, body, sourceLength),
    words,
    4,
    ranges,
    dwords === 4,
    [],
    { line: firstLine, start: h - start, end: end - start },
    d1 * 16 + d0,
    undefined,
    undefined,
    undefined,
  );
  return { record, next: pos, dwords, lines: 1 + dwords, finished };
}

/**
 * After the fourth dword the machine waits for the kernel's decoded lines: true when the record
 * provably stays as it is, i.e. the first line it would take (same quoting depth, same prefix),
 * from b[pos], does not start with `event: `, or DECODED_PATIENCE + 1 lines it would not take
 * pass first (it then expires). False when not certain (the machine then decides).
 */
function endsUnchanged(
  b: Uint8Array,
  pos: number,
  limit: number,
  depth: number,
  body: number,
  sourceLength: number,
): boolean {
  let idle = 0;
  for (;;) {
    if (pos > limit) return false;
    const nl = b.indexOf(NEWLINE, pos);
    const e = contentEnd(b, pos, nl);
    if (sourceLength === 0) {
      // Every line at the record's quoting depth is its own: one with `event: ` anywhere is left
      // to the machine, any other ends the record.
      if (quoteDepthAt(b, pos, e) === depth) return !containsDecodedEvent(b, pos, e);
    } else if (containsBytes(b, pos, e, b, body, sourceLength) && quoteDepthAt(b, pos, e) === depth) {
      // Only a line whose body starts with the prefix is the record's: read it in the fast shape.
      if (e - pos > MAX_FAST_LINE) return false;
      const bd = rawBodyStart(b, afterQuote, e);
      if (bd < 0 || bd + sourceLength >= e || !sameBytes(b, bd, b, body, sourceLength)) return false;
      let i = bd + sourceLength;
      if (b[i] !== SPACE && b[i] !== TAB) return false;
      while (i < e && (b[i] === SPACE || b[i] === TAB)) i++;
      // Anything but `event` (which could be `event: `) ends the record unchanged.
      return !(b[i] === 101 /* e */ && !isEventHexAt(b, i, e));
    }
    if (++idle > DECODED_PATIENCE) return true;
    pos = nl + 1;
  }
}

const CMDQ_HEADER_TEXT = "CMDQ error (cons 0x";
const SKIPPING_TEXT = "skipping command in error state:";

/** True when bytes [at, end) are exactly `text` (ASCII). */
function bytesAre(b: Uint8Array, at: number, end: number, text: string): boolean {
  if (end - at !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (b[at + k] !== text.charCodeAt(k)) return false;
  return true;
}

/** True when bytes at `at` start with `text` (ASCII) before `end`. */
function bytesStartWith(b: Uint8Array, at: number, end: number, text: string): boolean {
  if (end - at < text.length) return false;
  for (let k = 0; k < text.length; k++) if (b[at + k] !== text.charCodeAt(k)) return false;
  return true;
}

/**
 * A Linux command-queue error in its common shape, from the header line at b[start..newline):
 *   <quoting?> <stamp?> <word word: >?CMDQ error (cons 0xHHHHHHHH): <the kernel's text for CONS.ERR>
 *   ... skipping command in error state:
 *   ... \t0x + 16 hex digits   (twice)
 * every line with the same quoting depth and prefix, consecutive, before `limit`. The machine
 * finishes such a record on its second dword line, so nothing after it matters. Only for a
 * machine with no record in progress; undefined when anything is not certain.
 */
export function readCmdqErrorRecord(
  b: Uint8Array,
  start: number,
  newline: number,
  limit: number,
  firstLine: number,
): RawFastResult | undefined {
  const end = contentEnd(b, start, newline);
  if (end - start > MAX_FAST_LINE) return undefined;
  const depth = quoteDepthAt(b, start, end);
  const body = rawBodyStart(b, afterQuote, end);
  if (body < 0) return undefined;
  let h = body;
  if (!bytesStartWith(b, body, end, CMDQ_HEADER_TEXT)) {
    const sourceEnd = devicePrefixEnd(b, body, end);
    if (sourceEnd < 0) return undefined;
    h = sourceEnd + 1;
    if (!bytesStartWith(b, h, end, CMDQ_HEADER_TEXT)) return undefined;
  }
  const sourceLength = h === body ? 0 : h - 1 - body;
  let i = h + CMDQ_HEADER_TEXT.length;
  const digitsStart = i;
  let cons = 0;
  while (i < end && HEX_OF_BYTE[b[i]!]! >= 0) cons = (cons << 4) | HEX_OF_BYTE[b[i++]!]!;
  if (i === digitsStart || i - digitsStart > 8) return undefined;
  cons >>>= 0;
  if (b[i] !== 41 /* ) */ || b[i + 1] !== COLON || b[i + 2] !== SPACE) return undefined;
  // SMMU_CMDQ_CONS.ERR is bits [30:24] (SMMUv3 §6.1); the text must be the kernel's for it.
  const errorCode = (cons >>> 24) & 0x7f;
  const errorText = CMDQ_ERROR_NAMES[errorCode];
  if (errorText === undefined || !bytesAre(b, i + 3, end, errorText)) return undefined;

  // `skipping command in error state:` with the same depth and prefix.
  let pos = newline + 1;
  if (pos > limit) return undefined;
  let nl = b.indexOf(NEWLINE, pos);
  let e = contentEnd(b, pos, nl);
  if (e - pos > MAX_FAST_LINE || quoteDepthAt(b, pos, e) !== depth) return undefined;
  const bd = rawBodyStart(b, afterQuote, e);
  if (bd < 0 || bd + sourceLength >= e || !sameBytes(b, bd, b, body, sourceLength)) return undefined;
  let r = bd + sourceLength;
  if (sourceLength !== 0) {
    if (b[r] !== SPACE && b[r] !== TAB) return undefined;
    while (r < e && (b[r] === SPACE || b[r] === TAB)) r++;
  }
  if (!bytesAre(b, r, e, SKIPPING_TEXT)) return undefined;

  const words = new Uint32Array(4);
  const ranges: (LogTextRange | undefined)[] = [undefined, undefined];
  pos = nl + 1;
  for (let k = 0; k < 2; k++) {
    if (pos > limit) return undefined;
    nl = b.indexOf(NEWLINE, pos);
    e = contentEnd(b, pos, nl);
    if (!readDwordLine(b, pos, e, depth, body, sourceLength, words, ranges, k, firstLine + 2 + k)) return undefined;
    pos = nl + 1;
  }
  const record = new LogRecord(
    "cmdq-error",
    "linux-cmdq",
    firstLine,
    firstLine + 3,
    depth,
    sourceLength === 0 ? "" : sourceText(b, body, sourceLength),
    words,
    2,
    ranges,
    true,
    [],
    { line: firstLine, start: h - start, end: end - start },
    undefined,
    undefined,
    { cons, errorCode, errorText },
    undefined,
  );
  return { record, next: pos, dwords: 2, lines: 4, finished: true };
}

/**
 * A bare one-line dword list in its common shape, `0xH 0xH 0xH 0xH` (1..16 hex digits each, one
 * space between, nothing else on the line) at b[start..newline), read from the bytes: the record
 * the machine's detectList builds for it (form `bare`, no source, no header), or undefined for
 * any other line. The machine hands such a record out at once when no record is in progress, so
 * the caller may too.
 */
export function readBareDwordList(b: Uint8Array, start: number, newline: number, line: number): LogRecord | undefined {
  const end = contentEnd(b, start, newline);
  if (end - start > MAX_FAST_LINE) return undefined;
  const words = new Uint32Array(8);
  const ranges: (LogTextRange | undefined)[] = [undefined, undefined, undefined, undefined];
  let i = start;
  for (let k = 0; k < 4; k++) {
    if (k !== 0) {
      if (b[i] !== SPACE) return undefined;
      i++;
    }
    if (b[i] !== 48 || b[i + 1] !== 120) return undefined;
    const tokenStart = i;
    i += 2;
    let hi = 0;
    let lo = 0;
    const digitsStart = i;
    while (i < end) {
      const v = HEX_OF_BYTE[b[i]!]!;
      if (v < 0) break;
      hi = (hi << 4) | (lo >>> 28);
      lo = (lo << 4) | v;
      i++;
    }
    if (i === digitsStart || i - digitsStart > 16) return undefined;
    words[2 * k] = lo >>> 0;
    words[2 * k + 1] = hi >>> 0;
    ranges[k] = { line, start: tokenStart - start, end: i - start };
  }
  if (i !== end) return undefined;
  return new LogRecord(
    "dwords",
    "bare",
    line,
    line,
    0,
    "",
    words,
    4,
    ranges,
    true,
    [],
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  );
}
