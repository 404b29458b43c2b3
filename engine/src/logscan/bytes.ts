// The log scanner over bytes: `ByteLogScanner` takes a log as UTF-8 bytes in chunks of any size
// (a file or stdin read by the CLI) and finds exactly the records `LogScanner` finds in the same
// text decoded as UTF-8. It splits lines with the native `Uint8Array.prototype.indexOf`, and while
// no record is in progress it rejects lines that cannot start one from their bytes alone, without
// making a string (most lines of a real kernel log). Only lines the line machine must see become
// strings: sliced from the chunk decoded once when every byte of the chunk is one UTF-16 unit
// (byte offsets are then character offsets), otherwise decoded line by line, so multibyte
// characters never shift the character ranges of record lines. Line numbers count `\n` bytes;
// `\r\n` ends a line like `\n` (the `\r` is dropped), exactly as in the text splitter.

import { LOG_SCAN_MAX_LINE, LogLineMachine, type LogScanSink } from "./machine";
import { readBareDwordList, readCmdqErrorRecord, readRawEventRecord } from "./raw-bytes";
import { logScanSink, type LogScannerOptions } from "./scan";
import type { DecodedLogRecord, LogProblem, LogScanResult } from "./types";

/**
 * Bytes kept of an unfinished line: enough for LOG_SCAN_MAX_LINE + 1 UTF-16 units whatever the
 * characters (at most 4 bytes per unit, plus an incomplete sequence at the cut).
 */
const MAX_LINE_BYTES = 4 * (LOG_SCAN_MAX_LINE + 1) + 8;

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

interface Utf8TextDecoder {
  decode(bytes: Uint8Array): string;
}
type Utf8TextDecoderConstructor = new (label: string, options: { ignoreBOM: boolean }) => Utf8TextDecoder;

/**
 * The platform's UTF-8 decoder when there is one (Node, browsers: native speed), else ours. Both
 * follow the WHATWG decoder (one U+FFFD per maximal invalid subpart); a byte-order mark is kept,
 * as when the whole file is decoded to one string.
 */
function makeUtf8Decoder(): (bytes: Uint8Array) => string {
  const ctor = (globalThis as { TextDecoder?: Utf8TextDecoderConstructor }).TextDecoder;
  if (ctor !== undefined) {
    const decoder = new ctor("utf-8", { ignoreBOM: true });
    return (bytes) => decoder.decode(bytes);
  }
  return decodeUtf8Bytes;
}

/** A WHATWG-conformant UTF-8 decoder (the fallback where the platform has none). */
export function decodeUtf8Bytes(bytes: Uint8Array): string {
  const units: number[] = [];
  let out = "";
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    if (units.length >= 8192) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
    const c = bytes[i]!;
    if (c < 0x80) {
      units.push(c);
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      if (c === 0xe0) lower = 0xa0;
      if (c === 0xed) upper = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      if (c === 0xf0) lower = 0x90;
      if (c === 0xf4) upper = 0x8f;
    } else {
      units.push(0xfffd);
      i++;
      continue;
    }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++) {
      const d = j < n ? bytes[j]! : -1;
      if (d < lower || d > upper) {
        ok = false;
        break;
      }
      lower = 0x80;
      upper = 0xbf;
      cp = (cp << 6) | (d & 0x3f);
      j++;
    }
    // An invalid sequence is one U+FFFD for the bytes read so far; the offending byte starts over.
    i = j;
    if (!ok) units.push(0xfffd);
    else if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
  }
  return out + String.fromCharCode(...units);
}

/**
 * True when a line (bytes start..end, no line break, at most LOG_SCAN_MAX_LINE bytes) certainly
 * cannot start a record: the byte form of the machine's own noise test (no `0x`, `event: ` or
 * `smmu`, and no hex dword or list end as its last token). Lines with non-ASCII bytes are left to
 * the machine (false), so character and byte positions never need to agree here.
 */
function bytesCannotStartRecord(b: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = b[k]!;
    if (c >= 0x80) return false;
    // "0x"
    if (c === 0x78 && k > start && b[k - 1] === 0x30) return false;
    // "event: "
    if (
      c === 0x20 &&
      k - start >= 6 &&
      b[k - 1] === 0x3a &&
      b[k - 2] === 0x74 &&
      b[k - 3] === 0x6e &&
      b[k - 4] === 0x65 &&
      b[k - 5] === 0x76 &&
      b[k - 6] === 0x65
    ) {
      return false;
    }
    // "smmu"
    if (c === 0x75 && k - start >= 3 && b[k - 1] === 0x6d && b[k - 2] === 0x6d && b[k - 3] === 0x73) return false;
  }
  return tailCannotStartRecord(b, start, end);
}

/**
 * The second half of the noise test, for a line without `0x`, `event: ` and `smmu`: true unless
 * its last token could end a dword list (a hex digit, `]`, `"`, `,`, `}` or `;` last, 16 hex digits before
 * the list separators). Only the line's last bytes are read: non-ASCII bytes are never hex.
 */
function tailCannotStartRecord(b: Uint8Array, start: number, end: number): boolean {
  let e = end;
  while (e > start && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
  if (e === start) return true;
  const last = b[e - 1]!;
  if (HEX_BYTE[last]! < 0 && last !== 93 && last !== 34 && last !== 44 && last !== 125 && last !== 59) return true;
  while (e > start && IS_LIST_SEPARATOR[b[e - 1]!] === 1) e--;
  if (e - start < 16) return true;
  for (let k = e - 16; k < e; k++) if (HEX_BYTE[b[k]!]! < 0) return true;
  return false;
}

/** Hex digit value of each byte, -1 for anything else. */
const HEX_BYTE = Int8Array.from({ length: 256 }, (_, c) => {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return c < 128 && l >= 97 && l <= 102 ? l - 87 : -1;
});

/** Separators of a dword list (blank , ; [ ] " ' ( ) { }), as in the line machine. */
const IS_LIST_SEPARATOR = Uint8Array.from({ length: 256 }, (_, c) =>
  [32, 9, 44, 59, 91, 93, 34, 39, 40, 41, 123, 125].includes(c) ? 1 : 0,
);

export class ByteLogScanner {
  private readonly machine: LogLineMachine;
  private readonly sink: LogScanSink;
  private readonly decodeUtf8 = makeUtf8Decoder();
  private lineNo = 0;
  private ended = false;
  /** The unfinished last line's bytes (at most MAX_LINE_BYTES; the rest of it is dropped). */
  private carry = new Uint8Array(256);
  private carryLength = 0;
  /** The current chunk from `textBase` decoded once, when a line of it must become a string. */
  private chunkText: string | undefined = undefined;
  private textBase = 0;
  /** Whether chunkText has one UTF-16 unit per byte (offsets agree); else lines decode alone. */
  private textAligned = false;
  private currentChunk: Uint8Array | undefined = undefined;
  private currentEnd = 0;
  /**
   * Where the next `0x`, `event: ` and `smmu` start in the current chunk at or after the line
   * being looked at (-1: not searched yet in this chunk; the chunk's length: none left).
   */
  private nextHexPrefix = -1;
  private nextDecodedEvent = -1;
  private nextSmmu = -1;

  constructor(options: LogScannerOptions) {
    this.sink = logScanSink(options);
    this.machine = new LogLineMachine(this.sink);
  }

  /** Lines seen so far (completed by a line break, or all of them after `end`). */
  get lineCount(): number {
    return this.lineNo;
  }

  /** Feeds the next bytes (any size; may split lines, CRLF pairs and UTF-8 sequences anywhere). */
  push(chunk: Uint8Array): void {
    if (this.ended || chunk.length === 0) return;
    let pos = 0;
    if (this.carryLength !== 0) {
      const nl = chunk.indexOf(NEWLINE);
      this.appendCarry(chunk, 0, nl < 0 ? chunk.length : nl);
      if (nl < 0) return;
      const length = this.carryLength;
      this.carryLength = 0;
      this.feedLine(this.carry, 0, length);
      pos = nl + 1;
    }
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline >= pos) {
      this.currentChunk = chunk;
      this.currentEnd = lastNewline;
      this.chunkText = undefined;
      this.nextHexPrefix = -1;
      this.nextDecodedEvent = -1;
      this.nextSmmu = -1;
      while (pos <= lastNewline) {
        const nl = chunk.indexOf(NEWLINE, pos);
        // A Linux raw event in its common shape, read from the bytes (raw-bytes.ts): only with
        // no record in progress (nothing held back, so handing it out now keeps line order).
        if (!this.machine.hasPending && nl - pos > 19) {
          if (chunk[pos] === 48 /* 0 */) {
            const list = readBareDwordList(chunk, pos, nl, this.lineNo);
            if (list !== undefined) {
              this.lineNo++;
              this.sink.record(list);
              pos = nl + 1;
              continue;
            }
          } else {
            const fast =
              (chunk[nl - 1] === 13 ? chunk[nl - 2] : chunk[nl - 1]) === 0x3a /* : */
                ? readRawEventRecord(chunk, pos, nl, lastNewline, this.lineNo)
                : readCmdqErrorRecord(chunk, pos, nl, lastNewline, this.lineNo);
            if (fast !== undefined) {
              if (fast.finished) this.sink.record(fast.record);
              else this.machine.resumeRawEvent(fast.record, fast.dwords);
              this.lineNo += fast.lines;
              pos = fast.next;
              continue;
            }
          }
        }
        this.feedLine(chunk, pos, nl);
        // A raw event header met while another record was in progress: once the machine has
        // finished the others and holds only this one, the fast path reads it again and goes on.
        if (
          this.machine.hasPending &&
          nl - pos > 19 &&
          (chunk[nl - 1] === 13 ? chunk[nl - 2] : chunk[nl - 1]) === 0x3a /* : */
        ) {
          const header = this.lineNo - 1;
          const fast = readRawEventRecord(chunk, pos, nl, lastNewline, header);
          if (fast !== undefined && fast.dwords !== 0 && this.machine.releaseFreshRawEvent(header)) {
            if (fast.finished) this.sink.record(fast.record);
            else this.machine.resumeRawEvent(fast.record, fast.dwords);
            this.lineNo += fast.lines - 1;
            pos = fast.next;
            continue;
          }
        }
        pos = nl + 1;
      }
      this.currentChunk = undefined;
      this.chunkText = undefined;
    }
    if (pos < chunk.length) this.appendCarry(chunk, pos, chunk.length);
  }

  /** Ends the input: the last line (if unterminated) and every record in progress are finished. */
  end(): void {
    if (this.ended) return;
    if (this.carryLength !== 0) {
      const length = this.carryLength;
      this.carryLength = 0;
      this.feedLine(this.carry, 0, length);
    }
    this.ended = true;
    this.machine.end(this.lineNo - 1);
  }

  private appendCarry(bytes: Uint8Array, from: number, to: number): void {
    const take = Math.min(to - from, MAX_LINE_BYTES - this.carryLength);
    if (take <= 0) return;
    const need = this.carryLength + take;
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.min(MAX_LINE_BYTES, Math.max(need, this.carry.length * 2)));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(bytes.subarray(from, from + take), this.carryLength);
    this.carryLength = need;
  }

  /** One line's bytes (no `\n`): rejected from its bytes, or handed to the machine as text. */
  private feedLine(bytes: Uint8Array, start: number, end: number): void {
    const lineNo = this.lineNo++;
    if (end - start > LOG_SCAN_MAX_LINE) {
      // Possibly longer than the machine takes in characters: decode enough bytes for
      // LOG_SCAN_MAX_LINE + 1 units and cut exactly as the text splitter does.
      let line = this.decodeUtf8(bytes.subarray(start, Math.min(end, start + MAX_LINE_BYTES)));
      if (line.length > LOG_SCAN_MAX_LINE + 1) line = line.slice(0, LOG_SCAN_MAX_LINE + 1);
      if (line.length > LOG_SCAN_MAX_LINE) line = line.slice(0, LOG_SCAN_MAX_LINE);
      else if (line.charCodeAt(line.length - 1) === CARRIAGE_RETURN) line = line.slice(0, -1);
      this.machine.line(line, lineNo);
      return;
    }
    // At most LOG_SCAN_MAX_LINE bytes, so at most that many characters: only the `\r` to drop.
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (!this.machine.hasPending) {
      if (bytes === this.currentChunk) {
        if (!this.mayHoldRecordText(bytes, start, end) && tailCannotStartRecord(bytes, start, end)) return;
      } else if (bytesCannotStartRecord(bytes, start, end)) {
        return;
      }
    }
    this.machine.line(this.textOf(bytes, start, end), lineNo);
  }

  /** Decodes the current chunk from `start` (a line start) to its last line break, once. */
  private decodeChunk(start: number): void {
    if (this.chunkText !== undefined) return;
    this.textBase = start;
    this.chunkText = this.decodeUtf8(this.currentChunk!.subarray(start, this.currentEnd));
    // Every decoded unit comes from at least one byte, and only ASCII and single invalid bytes
    // give one unit per byte: equal lengths mean every byte offset is the character offset.
    this.textAligned = this.chunkText.length === this.currentEnd - start;
  }

  /**
   * Whether chunk bytes [from, to) (one line of the current chunk) hold `0x`, `event: ` or `smmu`.
   * These are ASCII, and ASCII bytes are ASCII characters whatever surrounds them in UTF-8, so the
   * byte test is the character test. Each search jumps with the native indexOf to the pattern's
   * rarest byte and is only redone once the lines have passed the occurrence it found.
   */
  private mayHoldRecordText(b: Uint8Array, from: number, to: number): boolean {
    if (this.nextHexPrefix < from) {
      let x = b.indexOf(0x78 /* x */, from + 1);
      while (x >= 0 && b[x - 1] !== 0x30 /* 0 */) x = b.indexOf(0x78, x + 1);
      this.nextHexPrefix = x < 0 ? b.length : x - 1;
    }
    if (this.nextHexPrefix < to) return true;
    if (this.nextDecodedEvent < from) {
      let v = b.indexOf(0x76 /* v */, from + 1);
      while (v >= 0 && !isDecodedEventAt(b, v - 1)) v = b.indexOf(0x76, v + 1);
      this.nextDecodedEvent = v < 0 ? b.length : v - 1;
    }
    if (this.nextDecodedEvent < to) return true;
    if (this.nextSmmu < from) {
      let u = b.indexOf(0x75 /* u */, from + 3);
      while (u >= 0 && !(b[u - 1] === 0x6d && b[u - 2] === 0x6d && b[u - 3] === 0x73)) u = b.indexOf(0x75, u + 1);
      this.nextSmmu = u < 0 ? b.length : u - 3;
    }
    return this.nextSmmu < to;
  }

  private textOf(bytes: Uint8Array, start: number, end: number): string {
    if (bytes === this.currentChunk) {
      this.decodeChunk(start);
      if (this.textAligned) return this.chunkText!.slice(start - this.textBase, end - this.textBase);
    }
    return this.decodeUtf8(bytes.subarray(start, end));
  }
}

/** `event: ` at byte `at`. */
function isDecodedEventAt(b: Uint8Array, at: number): boolean {
  return (
    b[at] === 0x65 &&
    b[at + 1] === 0x76 &&
    b[at + 2] === 0x65 &&
    b[at + 3] === 0x6e &&
    b[at + 4] === 0x74 &&
    b[at + 5] === 0x3a &&
    b[at + 6] === 0x20
  );
}

/** Finds and decodes every record in a UTF-8 document given as bytes. Never throws. */
export function scanLogBytes(bytes: Uint8Array, file?: string): LogScanResult {
  const records: DecodedLogRecord[] = [];
  const problems: LogProblem[] = [];
  const scanner = new ByteLogScanner({
    ...(file !== undefined ? { file } : {}),
    onRecord: (r) => records.push(r),
    onProblem: (p) => problems.push(p),
  });
  scanner.push(bytes);
  scanner.end();
  return { records, problems, lineCount: scanner.lineCount };
}
