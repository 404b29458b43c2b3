// Peels what surrounds a log line's message: mail quoting (`> `, `> > `, `>>`), syslog priority
// (`<3>`), /dev/kmsg prefixes (`3,1234,5678,-;`), journal prefixes (`Mar 25 11:35:01 host
// kernel: `) and kernel timestamps (`[10501.943884]`, `[Wed Mar 25 11:35:01 2020]`). What is left (the "body") still starts with the
// device prefix (`arm-smmu-v3 arm-smmu-v3.2.auto: `), which the scanner keeps as the record's
// source so that lines of other drivers interleaved with a record can be told apart.

export interface LogLinePrefix {
  /** Number of `>` quote markers. */
  readonly quoteDepth: number;
  /** Character offset of the body in the line. */
  readonly bodyStart: number;
}

const SYSLOG_PRIORITY = /^<\d{1,3}>/;
const JOURNAL = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: /;
const HUMAN_TIMESTAMP = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]/;
/** Other bracketed stamps: `dmesg -d` deltas `[  +0.000003]`, ISO times, `dmesg -T` short forms. */
const OTHER_STAMP = /^\[[\s\d.:,+\-T]*\d[\s\d.:,+\-TZ<>]*\]/;
/** journalctl -o short-iso / short-precise: `2020-03-25T11:35:01+0000 host kernel: `. */
const ISO_JOURNAL = /^\d{4}-\d\d-\d\dT[\d:.,]+(?:[+-]\d\d:?\d\d|Z)? \S+ kernel: /;
/** A /dev/kmsg record's prefix: `prio,seq,usec,flags[,...];` (Documentation/ABI/testing/dev-kmsg). */
const KMSG = /^\d{1,3},\d+,\d+,[^;\s]*;/;
/** The printk caller id of CONFIG_PRINTK_CALLER kernels: `[    T123]`, `[  C1]`. */
const CALLER = /^\[\s*[TC]\d+\]/;

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Length of a `[   12.345678]` kernel timestamp at `at`, 0 when there is none (no regex: hot path). */
function secondsStampLength(line: string, at: number): number {
  let i = at + 1;
  const n = line.length;
  while (i < n && isBlank(line.charCodeAt(i))) i++;
  const intStart = i;
  while (i < n && isDigit(line.charCodeAt(i))) i++;
  if (i === intStart || i >= n || line.charCodeAt(i) !== 46 /* . */) return 0;
  const fracStart = ++i;
  while (i < n && isDigit(line.charCodeAt(i))) i++;
  if (i === fracStart || i >= n || line.charCodeAt(i) !== 93 /* ] */) return 0;
  return i + 1 - at;
}

/**
 * Length of a `dmesg -x` facility and level prefix at `at` (`kern  :err   : `: util-linux prints
 * both padded to six columns with "%-6s:%-6s: "), 0 when there is none. No regex: hot path.
 */
function dmesgLevelLength(line: string, at: number): number {
  let i = at;
  for (let field = 0; field < 2; field++) {
    const start = i;
    while (i < line.length && isLowerAlnum(line.charCodeAt(i))) i++;
    const name = i - start;
    if (name < 2 || name > 8) return 0;
    while (i < line.length && line.charCodeAt(i) === 32) i++;
    if (i - start !== Math.max(6, name) || line.charCodeAt(i) !== 58 /* : */) return 0;
    i++;
  }
  return line.charCodeAt(i) === 32 ? i + 1 - at : 0;
}

function isLowerAlnum(code: number): boolean {
  return (code >= 97 && code <= 122) || isDigit(code);
}

/** Splits quoting and timestamps off `line` (without its line break). Never throws. */
export function parseLogLinePrefix(line: string): LogLinePrefix {
  const packed = packedLogLinePrefix(line);
  return { quoteDepth: Math.floor(packed / PREFIX_DEPTH_UNIT), bodyStart: packed % PREFIX_DEPTH_UNIT };
}

/** Packing of packedLogLinePrefix: quoteDepth * PREFIX_DEPTH_UNIT + bodyStart. */
export const PREFIX_DEPTH_UNIT = 0x1000_0000;

/**
 * parseLogLinePrefix without an object per line (the scanner's hot path): quoteDepth and
 * bodyStart packed in one number (bodyStart < 2^28: lines are scanned in their first 64 Ki
 * characters).
 */
export function packedLogLinePrefix(line: string): number {
  let i = 0;
  const n = line.length;
  let depth = 0;
  // Mail quoting: optional indentation, then `>` markers each optionally followed by one blank.
  let j = 0;
  while (j < n && isBlank(line.charCodeAt(j))) j++;
  if (j < n && line.charCodeAt(j) === 62 /* > */) {
    i = j;
    while (i < n && line.charCodeAt(i) === 62) {
      depth++;
      i++;
      if (i < n && isBlank(line.charCodeAt(i))) i++;
    }
  }
  // Priority, journal prefix and timestamp, only when the text starts like one (cheap test first).
  let rest = i === 0 ? line : line.slice(i);
  const first = rest.charCodeAt(0);
  if (first === 60 /* < */) {
    const m = SYSLOG_PRIORITY.exec(rest);
    if (m) {
      i += m[0].length;
      rest = rest.slice(m[0].length);
    }
  }
  let c = rest.charCodeAt(0);
  // /dev/kmsg, only when a comma follows the priority's one to three digits (cheap test first).
  if (isDigit(c) && (rest.charCodeAt(1) === 44 || rest.charCodeAt(2) === 44 || rest.charCodeAt(3) === 44)) {
    const m = KMSG.exec(rest);
    if (m) {
      i += m[0].length;
      rest = rest.slice(m[0].length);
      c = rest.charCodeAt(0);
    }
  }
  // Only when the fixed characters are there (`2020-` / `Mar `): a bare dword list starts with a
  // digit too, and a regular expression call per such line costs more than this test.
  if ((isDigit(c) && rest.charCodeAt(4) === 45) || (c >= 65 && c <= 90 && rest.charCodeAt(3) === 32)) {
    const m = c <= 57 ? ISO_JOURNAL.exec(rest) : JOURNAL.exec(rest);
    if (m) {
      i += m[0].length;
      rest = rest.slice(m[0].length);
    }
  }
  // dmesg -x: `kern  :err   : ` before the timestamp (a lowercase letter first: cheap test).
  if (c >= 97 && c <= 122) {
    const level = dmesgLevelLength(rest, 0);
    if (level !== 0) {
      i += level;
      rest = rest.slice(level);
    }
  }
  if (rest.charCodeAt(0) === 91 /* [ */) {
    const length = secondsStampLength(line, i);
    const m = length === 0 ? (HUMAN_TIMESTAMP.exec(rest) ?? OTHER_STAMP.exec(rest)) : undefined;
    const skip = length !== 0 ? length : m ? m[0].length : 0;
    if (skip !== 0) {
      i += skip;
      if (line.charCodeAt(i) === 91) {
        const caller = CALLER.exec(line.slice(i));
        if (caller) i += caller[0].length;
      }
      while (i < n && isBlank(line.charCodeAt(i))) i++;
    }
  }
  return depth * PREFIX_DEPTH_UNIT + i;
}
