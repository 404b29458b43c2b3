// The log scanner's line state machine: fed one line at a time, it finds SMMUv3 records in any text
// and reports each one, with its exact line ranges, when it is finished (or known to be cut).
//
// Forms understood (see types.ts `LogRecordForm`):
// - Linux arm-smmu-v3 raw events: `event 0x%02x received:` then four `\t0x%016llx` lines, each
//   with the same device prefix (arm_smmu_dump_raw_event); Linux >= v6.14 then prints the decoded
//   lines of arm_smmu_dump_event: `event: %s client: %s sid: %#x ssid: %#x` (+ ` iova: %#llx ipa:
//   %#llx` for F_TRANSLATION..F_PERMISSION, ` fetch_addr: %#llx` for the fetch faults), and for the
//   translation faults a flags line `priv|unpriv inst|data read|write s1|s2 "<class>"[ ttd_read|
//   ttd_write][ stall] stag: %#x` (SMMUv3 spec §1.6). An event or flags line a mail client
//   re-wrapped is joined with its rest when that is unambiguous (joinWrappedDecoded/-Flags).
// - Linux command-queue errors: `CMDQ error (cons 0x%08x): <text>`, then `skipping command in error
//   state:` and the two command dwords (CERROR_ILL), or `retrying command fetch` (CERROR_ABT).
// - Four bare hex dwords on one line (also in braces, `$1 = {0x.., ..}`, or as a JSON array of hex
//   strings) or on four consecutive lines (also as JSON string items, `jq .` of such an array). Tabs escaped by rsyslog (`#011`), /dev/kmsg (`\x09`) or
//   quoted-printable mail (`=09`) before a kernel dword are skipped.
// - QEMU traces: `smmuv3_record_event <TYPE> sid=<sid>` and the `smmu_ptw_*` walk steps.
// Lines of other sources (another driver, another SMMU) may sit between a record's lines: a record
// only takes lines with its own quote depth and device prefix. Memory is bounded: only records in
// progress are kept (at most MAX_PENDING, each a few numbers and its dwords), never whole lines.

import { PREFIX_DEPTH_UNIT, packedLogLinePrefix } from "./prefix";
import { LogRecord } from "./record";
import type {
  CmdqErrorInfo,
  FoundRecord,
  KernelDecodedLines,
  LogProblem,
  LogRecordForm,
  LogTextRange,
  QemuTraceInfo,
} from "./types";

/** Where the machine delivers what it finds. */
export interface LogScanSink {
  record(record: FoundRecord): void;
  problem(problem: LogProblem): void;
}

/** Lines longer than this are scanned in their first LOG_SCAN_MAX_LINE characters only. */
export const LOG_SCAN_MAX_LINE = 65536;
const MAX_PENDING = 8;
/** Longest line the regular-expression recognisers look at (bounds their worst case). */
const MAX_PATTERN_LINE = 4096;
/** Lines of other sources tolerated between two lines of one record. */
const DWORD_PATIENCE = 32;
/** Lines waited for the optional decoded lines after the raw dwords. */
const DECODED_PATIENCE = 4;

type Phase = "dwords" | "decoded" | "flags" | "cmdq-next" | "vertical";

interface PendingInit {
  readonly kind: FoundRecord["kind"];
  readonly form: LogRecordForm;
  readonly startLine: number;
  readonly quoteDepth: number;
  readonly source: string;
  readonly expected: number;
  readonly problems: LogProblem[];
  readonly phase: Phase;
  readonly headerRange?: LogTextRange | undefined;
  readonly headerId?: number | undefined;
  readonly cmdq?: CmdqErrorInfo | undefined;
}

/** A record in progress (one class, so every instance has the same shape: a fast hot path). */
class PendingRecord {
  readonly kind: FoundRecord["kind"];
  readonly form: LogRecordForm;
  readonly startLine: number;
  readonly quoteDepth: number;
  readonly source: string;
  readonly expected: number;
  readonly words = new Uint32Array(8);
  readonly ranges: (LogTextRange | undefined)[] = [undefined, undefined, undefined, undefined];
  readonly problems: LogProblem[];
  readonly headerRange: LogTextRange | undefined;
  readonly headerId: number | undefined;
  cmdq: CmdqErrorInfo | undefined;
  decoded: KernelDecodedLinesBuilder | undefined = undefined;
  phase: Phase;
  /** Dword slots used (read, damaged or given up). */
  slots = 0;
  good = 0;
  lastLine: number;
  idle = 0;
  /** A vertical list of JSON strings (`jq .` of an array: `"0x..",` one a line). */
  jsonQuoted = false;
  /**
   * A decoded event line (Linux >= v6.14) not in the kernel's format: held for one line, which
   * may be its rest re-wrapped by a mail client (joinWrappedDecoded).
   */
  cutDecoded: { readonly text: string; readonly line: number } | undefined = undefined;
  /**
   * The start of a flags line not in the kernel's format, held for one line (joinWrappedFlags).
   * Unlike a held event line it does not take its line: other records and detect() still see it,
   * so a record whose flags line has no rest ends exactly as it did at that line.
   */
  cutFlags: { readonly text: string; readonly line: number } | undefined = undefined;

  /**
   * The device part of the source (`arm-smmu-v3 arm-smmu-v3.2.auto:`) when the source holds more
   * (a timestamp form the prefix parser does not know): lines then match on it instead.
   */
  readonly deviceKey: string;

  constructor(init: PendingInit) {
    this.deviceKey = deviceKeyOf(init.source);
    this.kind = init.kind;
    this.form = init.form;
    this.startLine = init.startLine;
    this.quoteDepth = init.quoteDepth;
    this.source = init.source;
    this.expected = init.expected;
    this.problems = init.problems;
    this.phase = init.phase;
    this.headerRange = init.headerRange;
    this.headerId = init.headerId;
    this.cmdq = init.cmdq;
    this.lastLine = init.startLine;
  }
}

type KernelDecodedLinesBuilder = { -readonly [K in keyof KernelDecodedLines]: KernelDecodedLines[K] } & {
  lines: number[];
};

const HEADER = /\bevent 0x([0-9a-fA-F]+) received:?\s*$/;
/** A header with the dwords on the same line (a log re-wrapped by a mail client or a paste). */
const INLINE_HEADER = /\bevent 0x([0-9a-fA-F]+) received:?\s+0[xX][0-9a-fA-F]/;
const CMDQ_HEADER = /\bCMDQ error \(cons 0x([0-9a-fA-F]+)\): (.*?)\s*$/;
const DECODED_EVENT =
  /^event: (\S+) client: (.*?) sid: (0x[0-9a-fA-F]+|\d+) ssid: (0x[0-9a-fA-F]+|\d+)(?: iova: (0x[0-9a-fA-F]+|0) ipa: (0x[0-9a-fA-F]+|0)| fetch_addr: (0x[0-9a-fA-F]+|0))?\s*$/;
const DECODED_FLAGS =
  /^(priv|unpriv) (inst|data) (read|write) (s1|s2) "([^"]*)"( ttd_read| ttd_write)?( stall)? stag: (0x[0-9a-fA-F]+|0)\s*$/;
/** The words a flags line starts with: held as a re-wrapped line's start when it is cut after them. */
const DECODED_FLAGS_START =
  /^(?:priv|unpriv)(?: (?:inst|data)(?: (?:read|write)(?: (?:s1|s2)(?: "[^"]*("|$).*)?)?)?)?$/;
const STANDALONE_DECODED = /(?:^|\s)event: (\S+) client: .* sid: /;
/** QEMU hw/arm/trace-events points that carry a record, an address or a descriptor. */
const QEMU_TRACE =
  /^(?:\d+@\d+\.\d+:)?(smmuv3_record_event|smmu_ptw_[a-z_]+|smmu_get_pte|smmuv3_get_ste|smmuv3_get_cd|smmuv3_find_ste_2lvl|smmuv3_translate_(?:abort|disable|bypass|success)|smmuv3_cmdq_consume_error)\b[ :]*(.*?)\s*$/;
/** `STE addr: 0x...` / `CD addr: 0x...` (smmuv3_get_ste / smmuv3_get_cd). */
const TRACE_STRUCT_ADDRESS = /\b(STE|CD) addr: (0x[0-9a-fA-F]+)/;
/** `Error on <cmd> command execution: <n>` (smmuv3_cmdq_consume_error). */
const TRACE_CMD_ERROR = /Error on (\S+) command execution: (\d+)/;
const TRACE_ARG = /([A-Za-z_][\w.]*@?) ?= ?([^\s,]+)/g;
/** A trace value after a quoted-printable `=3D`: `3D` and a decimal or 0x number. */
const QP_ENCODED_EQUALS_VALUE = /^3[Dd](?:0[xX][0-9a-fA-F]+|\d+)$/;
const TRACE_ADDRESS = /\b(page|block) address = (0x[0-9a-fA-F]+)/;
/** `block size = %d MiB` (smmu_ptw_block_pte). */
const TRACE_BLOCK_SIZE = /\bblock size = (\d+) MiB/;
/** `iova:0x...` (smmuv3_translate_abort / _bypass / _disable print a colon, not `=`). */
const TRACE_IOVA_COLON = /\biova:(0x[0-9a-fA-F]+)/;
const TRANSLATION_FAULTS = new Set(["F_TRANSLATION", "F_ADDR_SIZE", "F_ACCESS", "F_PERMISSION"]);
/** The kernel's text per CONS.ERR value (arm_smmu_cmdq_skip_err). */
export const CMDQ_ERROR_NAMES = ["No error", "Illegal command", "Abort on command fetch", "ATC invalidate timeout"];

function isBlankCode(c: number): boolean {
  return c === 32 || c === 9;
}

/** Parses a `%#x`-style number (`0` or `0x...`) or a decimal; undefined when it is neither. */
function parseSmallNumber(text: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]{1,13}$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^\d{1,15}$/.test(text)) return parseInt(text, 10);
  return undefined;
}

/** A contract-hex string for a printed hex number (`0` → `0x0`), or undefined if unreadable. */
function normaliseHex(text: string): string | undefined {
  if (text === "0") return "0x0";
  if (!/^0[xX][0-9a-fA-F]{1,16}$/.test(text)) return undefined;
  const digits = text
    .slice(2)
    .toLowerCase()
    .replace(/^0+(?=.)/, "");
  return "0x" + digits;
}

export class LogLineMachine {
  private readonly pending: PendingRecord[] = [];
  /** Finished records held back until no earlier-starting record is in progress (line order). */
  private readonly ready: FoundRecord[] = [];

  constructor(private readonly sink: LogScanSink) {}

  /** True while some record is in progress (every line must then be fed, even noise). */
  get hasPending(): boolean {
    return this.pending.length !== 0;
  }

  /** Feeds one line (no line break; at most LOG_SCAN_MAX_LINE characters). */
  line(text: string, lineNo: number): void {
    // Noise lines (most of a kernel log) cost one scan for "0x" and a look at the last character
    // when no record is in progress: they cannot continue a record, and detect() would reject
    // them too (every form it starts needs a "0x", "event: ", "smmu" or a list's last character).
    if (this.pending.length === 0 && cannotStartRecord(text)) return;
    const prefix = packedLogLinePrefix(text);
    const depth = Math.floor(prefix / PREFIX_DEPTH_UNIT);
    const bodyStart = prefix % PREFIX_DEPTH_UNIT;
    let consumed = false;
    if (this.pending.length !== 0) {
      for (let i = 0; i < this.pending.length; i++) {
        const p = this.pending[i]!;
        if (p.cutDecoded !== undefined) {
          if (!consumed && p.quoteDepth === depth && this.joinWrappedDecoded(p, text, bodyStart, lineNo)) {
            consumed = true;
            p.idle = 0;
            p.lastLine = lineNo;
            if (this.isDone(p)) {
              this.pending.splice(i, 1);
              i--;
              this.emit(p);
            }
            continue;
          }
          // Not its rest: the record ends as it was at the cut line.
          this.giveUpWrappedDecoded(p);
          this.pending.splice(i, 1);
          i--;
          this.emit(p);
          continue;
        }
        if (p.cutFlags !== undefined) {
          if (!consumed && p.quoteDepth === depth && this.joinWrappedFlags(p, text, bodyStart, lineNo)) {
            consumed = true;
            p.idle = 0;
            p.lastLine = lineNo;
            this.pending.splice(i, 1);
            i--;
            this.emit(p);
            continue;
          }
          // Not its rest: the record ends as it did at the flags line (its flags line missing).
          const cut = p.cutFlags;
          p.cutFlags = undefined;
          this.pending.splice(i, 1);
          i--;
          this.finish(p, cut.line);
          continue;
        }
        let restStart = -1;
        if (!consumed && p.quoteDepth === depth) {
          if (startsWithSourceAt(text, bodyStart, p.source)) restStart = bodyStart + p.source.length;
          else if (p.deviceKey.length !== 0) restStart = afterDeviceKey(text, bodyStart, p.deviceKey);
        }
        if (restStart < 0) {
          p.idle++;
          continue;
        }
        if (this.continueRecord(p, text, restStart, lineNo)) {
          // A flags line held for its rest is not taken (joinWrappedFlags).
          if (p.cutFlags !== undefined) continue;
          consumed = true;
          p.idle = 0;
          p.lastLine = lineNo;
          if (this.isDone(p)) {
            this.pending.splice(i, 1);
            i--;
            this.emit(p);
          }
        } else {
          this.pending.splice(i, 1);
          i--;
          this.finish(p, lineNo);
        }
      }
      this.expire(lineNo);
    }
    if (!consumed) this.detect(text, bodyStart === 0 ? text : text.slice(bodyStart), bodyStart, depth, lineNo);
    if (this.ready.length !== 0) this.flushReady();
  }

  /**
   * Takes over a Linux raw event whose header and first `dwords` dword lines were read elsewhere
   * (the byte fast path, raw-bytes.ts): afterwards the machine is exactly as line() leaves it after
   * those lines (the record in progress in the same phase). Only with no record in progress.
   */
  resumeRawEvent(read: FoundRecord, dwords: number): void {
    const p = new PendingRecord({
      kind: "event",
      form: "linux-raw",
      startLine: read.startLine,
      quoteDepth: read.quoteDepth,
      source: read.source,
      expected: 4,
      problems: [],
      phase: dwords === 4 ? "decoded" : "dwords",
      headerRange: read.headerRange,
      headerId: read.headerId,
    });
    p.words.set(read.words);
    for (let k = 0; k < dwords; k++) p.ranges[k] = read.wordRanges[k];
    p.slots = dwords;
    p.good = dwords;
    p.lastLine = read.startLine + dwords;
    this.pending.push(p);
  }

  /**
   * Gives back a Linux raw event that line `lineNo` (just fed) started, when it is the only
   * record in progress and nothing is held back: the byte fast path then reads it again from its
   * header and takes it from there (finishing it or resuming it here in the same state).
   */
  releaseFreshRawEvent(lineNo: number): boolean {
    if (this.pending.length !== 1 || this.ready.length !== 0) return false;
    const p = this.pending[0]!;
    if (p.startLine !== lineNo || p.form !== "linux-raw" || p.phase !== "dwords" || p.slots !== 0) return false;
    if (p.problems.length !== 0) return false;
    this.pending.length = 0;
    return true;
  }

  /** Hands out finished records in the order of their first line. */
  private flushReady(): void {
    let first = Infinity;
    for (let i = 0; i < this.pending.length; i++) {
      const start = this.pending[i]!.startLine;
      if (start < first) first = start;
    }
    if (this.ready.length === 1) {
      // The common case (one record finished on this line): no sort, no splice.
      if (this.ready[0]!.startLine < first) this.sink.record(this.ready.pop()!);
      return;
    }
    if (this.ready.length > 1) this.ready.sort((a, b) => a.startLine - b.startLine);
    let n = 0;
    while (n < this.ready.length && this.ready[n]!.startLine < first) n++;
    if (n === 0) return;
    const out = this.ready.splice(0, n);
    for (const r of out) this.sink.record(r);
  }

  /** End of input: every record in progress is finished (with problems for what is missing). */
  end(lastLine: number): void {
    while (this.pending.length !== 0) this.finish(this.pending.shift()!, lastLine + 1);
    this.flushReady();
  }

  // ---- continuing a record ------------------------------------------------------------------

  private continueRecord(p: PendingRecord, text: string, restStart: number, lineNo: number): boolean {
    switch (p.phase) {
      case "dwords":
      case "vertical": {
        if (singleTokenAt(text, restStart)) {
          // rsyslog writes the tab of the kernel's "\t0x%016llx" as `#011` by default
          // ($EscapeControlCharactersOnReceive): /var/log/kern.log holds `#0110x...`;
          // /dev/kmsg writes it as `\x09`, a quoted-printable mail as `=09`.
          if (p.form !== "bare") tokenStart += escapedTabLength(text, tokenStart, tokenEnd);
          if (p.jsonQuoted) {
            const innerEnd = jsonQuotedHexEnd(text, tokenStart, tokenEnd);
            if (innerEnd < 0) return false;
            tokenStart++;
            tokenEnd = innerEnd;
          }
          if (this.takeDword(p, text, tokenStart, tokenEnd, lineNo, p.phase === "vertical")) return true;
        }
        if (p.phase === "dwords" && p.form === "linux-raw" && restStartsWith(text, restStart, "event: ")) {
          // The decoded lines came before all four dwords: the raw part is cut.
          this.noteMissing(p, lineNo, "before the kernel's decoded lines");
          p.phase = "decoded";
          return this.takeDecoded(p, text, restStart, lineNo);
        }
        return false;
      }
      case "decoded":
        return this.takeDecoded(p, text, restStart, lineNo);
      case "flags":
        return this.takeFlags(p, text, restStart, lineNo);
      case "cmdq-next": {
        const rest = text.slice(restStart).trim();
        if (rest === "skipping command in error state:") {
          p.phase = "dwords";
          return true;
        }
        if (rest === "retrying command fetch") {
          // CERROR_ABT: the kernel retries the fetch and prints no command (SMMUv3 §6.1).
          p.slots = p.expected;
          return true;
        }
        return false;
      }
    }
  }

  private isDone(p: PendingRecord): boolean {
    if (p.phase === "dwords") {
      if (p.slots < p.expected) return false;
      if (p.form === "linux-raw") {
        p.phase = "decoded";
        return false;
      }
      return true;
    }
    if (p.phase === "cmdq-next") return p.slots >= p.expected;
    if (p.phase === "vertical") return false;
    if (p.phase === "decoded") {
      return p.decoded !== undefined && p.cutDecoded === undefined && !TRANSLATION_FAULTS.has(p.decoded.name);
    }
    return p.phase === "flags" && p.decoded?.stag !== undefined;
  }

  /** Reads a dword token; false when the token is not a dword at all (the record is cut there). */
  private takeDword(
    p: PendingRecord,
    text: string,
    start: number,
    end: number,
    lineNo: number,
    vertical: boolean,
  ): boolean {
    // Hot path: one pass over the characters that checks and reads them at once (no regular
    // expression, no substring). Digits accumulate into two 32-bit halves; the value is only
    // used when the token is hex with at most 16 significant digits.
    const hasPrefix = end - start >= 2 && text.charCodeAt(start) === 48 && (text.charCodeAt(start + 1) | 0x20) === 120;
    const digitsStart = hasPrefix ? start + 2 : start;
    const nDigits = end - digitsStart;
    let isHex = nDigits > 0;
    let alnum = true;
    let sig = -1;
    let hi = 0;
    let lo = 0;
    for (let k = digitsStart; k < end; k++) {
      const c = text.charCodeAt(k);
      const v = c < 128 ? HEX_VALUE[c]! : -1;
      if (v < 0) {
        isHex = false;
        if (!isAlnumCode(c)) alnum = false;
        continue;
      }
      if (sig < 0 && v !== 0) sig = k;
      hi = ((hi << 4) | (lo >>> 28)) >>> 0;
      lo = ((lo << 4) | v) >>> 0;
    }
    if (vertical) {
      if (!isHex || !(hasPrefix || nDigits === 16)) return false;
      if (p.slots >= 8) return false;
    } else if (!hasPrefix && !(nDigits === 16 && alnum)) {
      return false;
    }
    const index = p.slots++;
    if (index >= 4) {
      // Only vertical lists grow past four (and are then reported as a problem, not decoded).
      return true;
    }
    if (!isHex) {
      p.problems.push({
        line: lineNo,
        message: `dword ${index} of ${p.expected} '${text.slice(start, end)}' is not hexadecimal: the line is damaged`,
      });
      p.ranges[index] = undefined;
      return true;
    }
    // Significant digits: from the first non-zero one (a value of zero has one).
    if (sig < 0) sig = end - 1;
    if (end - sig > 16) {
      p.problems.push({
        line: lineNo,
        message: `dword ${index} of ${p.expected} '${text.slice(start, end)}' has more than 64 bits: the line is damaged`,
      });
      p.ranges[index] = undefined;
      return true;
    }
    if (nDigits !== 16 && p.form !== "bare" && p.form !== "qemu-trace") {
      p.problems.push({
        line: lineNo,
        message: `dword ${index} of ${p.expected} '${text.slice(start, end)}' has ${nDigits} hex digits where Linux prints 16 (0x%016llx): the line may be damaged`,
      });
    }
    p.words[2 * index] = lo >>> 0;
    p.words[2 * index + 1] = hi >>> 0;
    p.ranges[index] = { line: lineNo, start, end };
    p.good++;
    return true;
  }

  private takeDecoded(p: PendingRecord, text: string, restStart: number, lineNo: number): boolean {
    if (!restStartsWith(text, restStart, "event: ")) return false;
    const rest = text.slice(restStart).trim();
    const m = rest.length <= MAX_PATTERN_LINE ? DECODED_EVENT.exec(rest) : null;
    if (!m) {
      p.decoded = { name: "?", client: "", lines: [lineNo] };
      // Cut, re-wrapped by a mail client, or not in the format: the next line decides.
      p.cutDecoded = { text: rest, line: lineNo };
      return true;
    }
    this.readDecodedEvent(p, m, [lineNo]);
    return true;
  }

  /** The values of a decoded event line that matched DECODED_EVENT. */
  private readDecodedEvent(p: PendingRecord, m: RegExpExecArray, lines: number[]): void {
    const d: KernelDecodedLinesBuilder = { name: "", client: "", lines };
    p.decoded = d;
    const lineNo = lines[0]!;
    d.name = m[1]!;
    d.client = m[2]!;
    const sid = parseSmallNumber(m[3]!);
    const ssid = parseSmallNumber(m[4]!);
    if (sid !== undefined) d.sid = sid;
    if (ssid !== undefined) d.ssid = ssid;
    if (m[5] !== undefined) {
      const iova = normaliseHex(m[5]);
      const ipa = normaliseHex(m[6]!);
      if (iova !== undefined) d.iova = iova;
      if (ipa !== undefined) d.ipa = ipa;
      p.phase = "flags";
    } else if (m[7] !== undefined) {
      const fetch = normaliseHex(m[7]);
      if (fetch !== undefined) d.fetchAddr = fetch;
    }
    if (TRANSLATION_FAULTS.has(d.name) && m[5] === undefined) {
      p.problems.push({ line: lineNo, message: `the kernel prints iova and ipa for ${d.name}; this line has neither` });
      d.name = d.name + "?";
    }
  }

  /**
   * The line after a decoded event line not in the format: its rest when a mail client re-wrapped
   * it (format=flowed, Gmail at 72-78 columns), i.e. the line has the record's quoting depth,
   * nothing but quote markers before its text (no stamp, no device prefix), starts with the
   * token that comes next in arm_smmu_dump_event's format, and the two joined are a decoded
   * event line. Its values are then read and cross-checked as for an unwrapped line.
   */
  private joinWrappedDecoded(p: PendingRecord, text: string, bodyStart: number, lineNo: number): boolean {
    const cut = p.cutDecoded!;
    const m = joinWrapped(cut.text, text, bodyStart, p.source, continuesDecodedEvent, DECODED_EVENT);
    if (!m) return false;
    p.cutDecoded = undefined;
    this.readDecodedEvent(p, m, [cut.line, lineNo]);
    return true;
  }

  /** A held decoded line had no rest: the located problem it always was. */
  private giveUpWrappedDecoded(p: PendingRecord): void {
    const cut = p.cutDecoded!;
    p.cutDecoded = undefined;
    p.problems.push({
      line: cut.line,
      message: cut.text.includes(" sid: ")
        ? `the kernel's decoded event line is not in the Linux format: '${cut.text}'`
        : `the kernel's decoded event line ends before 'sid:' (cut, or re-wrapped by a mail client): '${cut.text}'`,
    });
  }

  private takeFlags(p: PendingRecord, text: string, restStart: number, lineNo: number): boolean {
    const rest = text.slice(restStart).trim();
    const m = rest.length <= MAX_PATTERN_LINE ? DECODED_FLAGS.exec(rest) : null;
    if (!m) {
      if (rest.length > MAX_PATTERN_LINE || !DECODED_FLAGS_START.test(rest)) return false;
      // Maybe re-wrapped by a mail client: the next line decides.
      p.cutFlags = { text: rest, line: lineNo };
      return true;
    }
    this.readDecodedFlags(p, m, [lineNo]);
    return true;
  }

  /**
   * The line after a flags line not in the format, when it is its rest re-wrapped by a mail
   * client: as for the event line (joinWrappedDecoded), same quoting depth, only quote markers
   * before it, the next token of the flags format first, and the two joined a flags line.
   */
  private joinWrappedFlags(p: PendingRecord, text: string, bodyStart: number, lineNo: number): boolean {
    const cut = p.cutFlags!;
    const m = joinWrapped(cut.text, text, bodyStart, p.source, continuesDecodedFlags, DECODED_FLAGS);
    if (!m) return false;
    p.cutFlags = undefined;
    this.readDecodedFlags(p, m, [cut.line, lineNo]);
    return true;
  }

  /** The values of a flags line that matched DECODED_FLAGS. */
  private readDecodedFlags(p: PendingRecord, m: RegExpExecArray, lines: readonly number[]): void {
    const d = p.decoded!;
    d.lines.push(...lines);
    d.privileged = m[1] === "priv";
    d.instruction = m[2] === "inst";
    d.read = m[3] === "read";
    d.stage2 = m[4] === "s2";
    d.classText = m[5]!;
    if (m[6] !== undefined) d.ttdRead = m[6] === " ttd_read";
    d.stall = m[7] !== undefined;
    d.stag = parseSmallNumber(m[8]!) ?? 0;
  }

  private noteMissing(p: PendingRecord, lineNo: number, why: string): void {
    if (p.slots >= p.expected) return;
    const missing = p.expected - p.slots;
    const first = p.slots;
    p.problems.push({
      line: lineNo,
      message:
        missing === 1
          ? `dword ${first} of ${p.expected} is missing (the record is cut ${why})`
          : `dwords ${first}..${p.expected - 1} of ${p.expected} are missing (the record is cut ${why})`,
    });
    for (let i = p.slots; i < p.expected; i++) p.ranges[i] = undefined;
    p.slots = p.expected;
  }

  // ---- finishing ----------------------------------------------------------------------------

  private expire(lineNo: number): void {
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i]!;
      const waitingOptional = p.phase === "decoded" || p.phase === "flags";
      const patience = p.phase === "vertical" ? 0 : waitingOptional ? DECODED_PATIENCE : DWORD_PATIENCE;
      if (p.idle > patience) {
        this.pending.splice(i, 1);
        i--;
        this.finish(p, lineNo);
      }
    }
  }

  /** Finishes a record whose next line (`atLine`) is not its own. */
  private finish(p: PendingRecord, atLine: number): void {
    p.cutFlags = undefined;
    if (p.cutDecoded !== undefined) {
      this.giveUpWrappedDecoded(p);
      this.emit(p);
      return;
    }
    if (p.phase === "vertical") {
      this.finishVertical(p);
      return;
    }
    if (p.phase === "cmdq-next") {
      // No command printed: right for CERROR_NONE / CERROR_ATC_INV_SYNC, a cut log for CERROR_ILL.
      if (p.cmdq && p.cmdq.errorCode === 1) {
        p.problems.push({
          line: p.lastLine,
          message: "the command in error (two dwords after 'skipping command in error state:') is missing",
        });
      }
      p.slots = p.expected;
    }
    if (p.slots < p.expected) {
      const why = atLine > p.lastLine + 1 ? `after line ${p.lastLine + 1}` : `at line ${atLine + 1}`;
      this.noteMissing(p, p.lastLine, why);
    }
    if (p.phase === "flags" && p.decoded && p.decoded.stag === undefined) {
      p.problems.push({
        line: p.lastLine,
        message: `the kernel's flags line (priv/unpriv inst/data read/write s1/s2 "class" stag) for ${p.decoded.name} is missing`,
      });
    }
    this.emit(p);
  }

  private finishVertical(p: PendingRecord): void {
    if (p.slots === 4) {
      this.emit(p);
      return;
    }
    // Only long kernel-style dwords make a list worth mentioning when it is not four long.
    if (p.slots >= 2 && p.good === Math.min(p.slots, 4) && allWide(p)) {
      this.sink.problem({
        line: p.startLine,
        message: `${p.slots} hex dwords on consecutive lines (${p.startLine + 1}-${p.lastLine + 1}); an SMMUv3 event record has 4`,
      });
    }
  }

  private emit(p: PendingRecord): void {
    const expected = p.expected;
    this.ready.push(
      new LogRecord(
        p.kind,
        p.form,
        p.startLine,
        p.lastLine,
        p.quoteDepth,
        p.source,
        expected * 2 === p.words.length ? p.words : p.words.slice(0, expected * 2),
        expected,
        expected === p.ranges.length ? p.ranges : p.ranges.slice(0, expected),
        p.good === expected,
        p.problems,
        p.headerRange,
        p.headerId,
        p.decoded,
        p.cmdq,
        undefined,
      ),
    );
  }

  // ---- starting a record --------------------------------------------------------------------

  private detect(text: string, body: string, bodyStart: number, depth: number, lineNo: number): void {
    if (body.length === 0) return;
    if (body.includes('"0x') && this.detectJsonHexArray(text, bodyStart, depth, lineNo)) return;
    // A line that starts with a 0x number (a bare dword list) is only a list: skip the pattern
    // tests. So are lines too long to be kernel or QEMU lines (printk: 1024 bytes), which keeps
    // every regular expression off long adversarial lines.
    if (body.length > MAX_PATTERN_LINE || (body.charCodeAt(0) === 48 && (body.charCodeAt(1) | 0x20) === 120)) {
      this.detectList(text, bodyStart, depth, lineNo);
      return;
    }
    const hasHexPrefix = body.includes("0x");
    if (hasHexPrefix && body.includes("event 0x")) {
      const m = HEADER.exec(body);
      if (m) {
        const source = body.slice(0, m.index).trim();
        const digits = m[1]!;
        const problems: LogProblem[] = [];
        if (digits.length > 2) {
          problems.push({ line: lineNo, message: `event number 0x${digits} has more than 8 bits (Type is DW0[7:0])` });
        }
        this.start({
          kind: "event",
          form: "linux-raw",
          startLine: lineNo,
          quoteDepth: depth,
          source,
          expected: 4,
          problems,
          headerRange: { line: lineNo, start: bodyStart + m.index, end: bodyStart + body.trimEnd().length },
          headerId: parseInt(digits.slice(-8), 16),
          phase: "dwords",
        });
        return;
      }
      if (/\bevent 0x[0-9a-fA-F]*[^0-9a-fA-F\s]\S* received/.test(body)) {
        this.sink.problem({
          line: lineNo,
          message:
            "looks like an 'event 0x.. received:' header but the event number is not hexadecimal: the line is damaged",
        });
        return;
      }
    }
    if (hasHexPrefix && body.includes("CMDQ error")) {
      const m = CMDQ_HEADER.exec(body);
      if (m) {
        const cons = parseInt(m[1]!.slice(-8), 16) >>> 0;
        // SMMU_CMDQ_CONS.ERR is bits [30:24] (SMMUv3 §6.1).
        const errorCode = (cons >>> 24) & 0x7f;
        const errorText = m[2]!;
        const problems: LogProblem[] = [];
        const expectedText = CMDQ_ERROR_NAMES[errorCode];
        if (expectedText !== undefined && errorText !== expectedText && errorText !== "Unknown") {
          problems.push({
            line: lineNo,
            message: `the kernel says '${errorText}' but CONS.ERR = ${errorCode} is '${expectedText}'`,
          });
        }
        this.start({
          kind: "cmdq-error",
          form: "linux-cmdq",
          startLine: lineNo,
          quoteDepth: depth,
          source: body.slice(0, m.index).trim(),
          expected: 2,
          problems,
          headerRange: { line: lineNo, start: bodyStart + m.index, end: bodyStart + body.trimEnd().length },
          cmdq: { cons, errorCode, errorText },
          phase: "cmdq-next",
        });
        return;
      }
    }
    if (body.includes("event: ")) {
      const m = STANDALONE_DECODED.exec(body);
      if (m) {
        this.sink.problem({
          line: lineNo,
          message: `the kernel's decoded ${m[1]} line without the raw 'event 0x.. received:' dwords before it: the record itself is not in the text`,
        });
        return;
      }
    }
    const c0 = body.charCodeAt(0);
    if ((c0 === 115 /* s */ || (c0 >= 48 && c0 <= 57)) && body.includes("smmu")) {
      if (this.detectQemuTrace(body, bodyStart, depth, lineNo)) return;
    }
    this.detectList(text, bodyStart, depth, lineNo);
  }

  /**
   * A JSON array of exactly four hex strings (`"raw":["0x..",..]` of decode --json, `"record":[..]`
   * of walk --json, the shared vectors): a record, named by its key. Read by hand from each `[ "0x`
   * (no regular expression: JSON lines may be long). False when the line holds no such array.
   */
  private detectJsonHexArray(text: string, from: number, depth: number, lineNo: number): boolean {
    for (let q = text.indexOf('"0x', from); q >= 0; q = text.indexOf('"0x', q + 1)) {
      let at = q;
      while (at > from && isBlankCode(text.charCodeAt(at - 1))) at--;
      if (at === from || text.charCodeAt(at - 1) !== 91 /* [ */) continue;
      at--;
      let i = q;
      let count = 0;
      let closed = false;
      for (;;) {
        if (text.charCodeAt(i) !== 34 /* " */ || !hasHexPrefix(text, i + 1)) break;
        const start = i + 1;
        let j = start + 2;
        while (j < text.length && hexValue(text.charCodeAt(j)) >= 0) j++;
        if (j === start + 2 || text.charCodeAt(j) !== 34 || count === 4) break;
        LIST_STARTS[count] = start;
        LIST_ENDS[count] = j;
        count++;
        i = j + 1;
        while (i < text.length && isBlankCode(text.charCodeAt(i))) i++;
        const c = text.charCodeAt(i);
        if (c === 93 /* ] */) {
          closed = true;
          break;
        }
        if (c !== 44 /* , */) break;
        i++;
        while (i < text.length && isBlankCode(text.charCodeAt(i))) i++;
      }
      if (!closed || count !== 4) continue;
      const p = new PendingRecord({
        kind: "dwords",
        form: "bare",
        startLine: lineNo,
        quoteDepth: depth,
        source: jsonKeyBefore(text, from, at),
        expected: 4,
        problems: [],
        phase: "dwords",
      });
      for (let k = 0; k < 4; k++) this.takeDword(p, text, LIST_STARTS[k]!, LIST_ENDS[k]!, lineNo, false);
      this.emit(p);
      return true;
    }
    return false;
  }

  private detectQemuTrace(body: string, bodyStart: number, depth: number, lineNo: number): boolean {
    const m = QEMU_TRACE.exec(body);
    if (!m) return false;
    const point = m[1]!;
    const argsText = m[2]!;
    const argsStart = bodyStart + body.indexOf(argsText, m.index + point.length);
    const args: Record<string, string> = {};
    const argRanges: Record<string, LogTextRange> = {};
    TRACE_ARG.lastIndex = 0;
    for (let a = TRACE_ARG.exec(argsText); a; a = TRACE_ARG.exec(argsText)) {
      let value = a[2]!;
      let valueStart = argsStart + a.index + a[0].length - value.length;
      // A quoted-printable mail writes `=` as `=3D` (RFC 2045 §6.7): `sid=3D0x11` is sid 0x11. No
      // trace value starts with `3D` before a number, so only that text is read so.
      if (QP_ENCODED_EQUALS_VALUE.test(value)) {
        value = value.slice(2);
        valueStart += 2;
      }
      args[a[1]!] = value;
      argRanges[a[1]!] = { line: lineNo, start: valueStart, end: valueStart + value.length };
    }
    const structAddress = TRACE_STRUCT_ADDRESS.exec(argsText);
    if (structAddress) args[`${structAddress[1]} addr`] = structAddress[2]!;
    const cmdError = TRACE_CMD_ERROR.exec(argsText);
    if (cmdError) {
      args["command"] = cmdError[1]!;
      args["error"] = cmdError[2]!;
    }
    const address = TRACE_ADDRESS.exec(argsText);
    if (address) {
      // `page address = 0x..` is read above as `address`: keep it once, by the trace's own name.
      delete args["address"];
      args[`${address[1]} address`] = address[2]!;
    }
    const blockSize = TRACE_BLOCK_SIZE.exec(argsText);
    if (blockSize) {
      delete args["size"];
      args["block size"] = `${blockSize[1]} MiB`;
    }
    const iova = args["iova"] === undefined ? TRACE_IOVA_COLON.exec(argsText) : null;
    if (iova) args["iova"] = iova[1]!;
    const headerRange = { line: lineNo, start: bodyStart + m.index, end: bodyStart + body.trimEnd().length };
    const trace: QemuTraceInfo = { point, args };
    const problems: LogProblem[] = [];
    if (point === "smmuv3_record_event") {
      // The first bare upper-case word: QEMU builds with Secure state support print `sec_sid=N` first.
      const type = /(?:^|\s)([A-Z][A-Z0-9_]+)(?=\s|$)/.exec(argsText)?.[1];
      if (type) args["type"] = type;
      if (!type || args["sid"] === undefined) {
        this.sink.problem({ line: lineNo, message: "QEMU smmuv3_record_event line without an event type and sid" });
        return true;
      }
      // Not a problem of the text: the trace simply holds no more (the summary says so).
      this.ready.push(
        new LogRecord(
          "event",
          "qemu-trace",
          lineNo,
          lineNo,
          depth,
          "",
          new Uint32Array(8),
          4,
          [argRanges["sid"], undefined, undefined, undefined],
          false,
          problems,
          headerRange,
          undefined,
          undefined,
          undefined,
          trace,
        ),
      );
      return true;
    }
    // A walk step carries one dword, the descriptor (pte); the other points only addresses.
    const pte = args["pte"];
    const words = new Uint32Array(pte !== undefined ? 2 : 0);
    let complete = pte === undefined;
    if (pte !== undefined) {
      const digits = pte.replace(/^0[xX]/, "").replace(/^0+(?=.)/, "");
      if (/^[0-9a-fA-F]{1,16}$/.test(digits)) {
        words[0] = parseInt(digits.slice(-8), 16) >>> 0;
        words[1] = digits.length > 8 ? parseInt(digits.slice(0, -8), 16) >>> 0 : 0;
        complete = true;
      } else {
        problems.push({ line: lineNo, message: `pte '${pte}' is not a 64-bit hex value` });
      }
    }
    this.ready.push(
      new LogRecord(
        "trace",
        "qemu-trace",
        lineNo,
        lineNo,
        depth,
        "",
        words,
        pte !== undefined ? 1 : 0,
        pte !== undefined ? [complete ? argRanges["pte"] : undefined] : [],
        complete,
        problems,
        headerRange,
        undefined,
        undefined,
        undefined,
        trace,
      ),
    );
    return true;
  }

  private detectList(text: string, bodyStart: number, depth: number, lineNo: number): void {
    // Cheap test first: a list ends in a hex digit or a closing bracket/quote/comma/brace/semicolon.
    let end = text.length;
    while (end > bodyStart && isBlankCode(text.charCodeAt(end - 1))) end--;
    if (end === bodyStart) return;
    const last = text.charCodeAt(end - 1);
    if (!isListEndCode(last)) return;
    // One whitespace-separated token at the end of the line: maybe the first of a vertical list.
    const singleStart = lastTokenStart(text, end);
    if (singleStart < end && singleStart >= bodyStart && isHexToken(text, singleStart, end)) {
      let b = singleStart;
      while (b > bodyStart && isBlankCode(text.charCodeAt(b - 1))) b--;
      const previousStart = b > bodyStart ? lastTokenStart(text, b) : b;
      if (previousStart === b || previousStart < bodyStart || !isHexToken(text, previousStart, b)) {
        const label = text.slice(bodyStart, singleStart).trim();
        // Text before the token starts a list only in the kernel's own shape, `prefix:` and
        // 0x%016llx: repeated messages of other drivers ending in a short number are no record.
        const wide = end - singleStart - (hasHexPrefix(text, singleStart) ? 2 : 0) === 16;
        if (label.length === 0 || (wide && label.endsWith(":"))) {
          this.startVertical(text, label, depth, lineNo, { start: singleStart, end });
        }
        return;
      }
    }
    // A JSON string item alone on its line (`jq .` of an array of hex strings): the first of a
    // vertical list of such items.
    if (singleStart < end && singleStart >= bodyStart) {
      const innerEnd = jsonQuotedHexEnd(text, singleStart, end);
      if (innerEnd >= 0 && text.slice(bodyStart, singleStart).trim().length === 0) {
        this.startVertical(text, "", depth, lineNo, { start: singleStart + 1, end: innerEnd }, true);
        return;
      }
    }
    // Several hex tokens at the end of the line (separated by blanks, commas, brackets, quotes),
    // optionally after a `label:`. Read backwards: most lines fail at their last token.
    const starts = LIST_STARTS;
    const ends = LIST_ENDS;
    let count = 0;
    let i = end;
    let labelEnd = bodyStart;
    let inline: RegExpExecArray | null = null;
    for (;;) {
      while (i > bodyStart && isListSeparator(text.charCodeAt(i - 1))) i--;
      if (i === bodyStart) break;
      const tokenEnd = i;
      while (i > bodyStart && !isListSeparator(text.charCodeAt(i - 1))) i--;
      if (!isHexToken(text, i, tokenEnd)) {
        // The rest is a label: it must end with ':' and hold no 0x number.
        const labelLast = text.charCodeAt(tokenEnd - 1);
        if (labelLast !== 58 /* : */ && labelLast !== 61 /* = */) return;
        const label = text.slice(bodyStart, tokenEnd);
        if (label.includes("0x")) {
          inline = INLINE_HEADER.exec(text.slice(bodyStart));
          if (!inline) return;
        }
        labelEnd = tokenEnd;
        break;
      }
      if (count === LIST_STARTS.length) return;
      starts[count] = i;
      ends[count] = tokenEnd;
      count++;
    }
    if (count < 2) return;
    if (count !== 4) {
      let wide = count >= 3;
      for (let k = 0; k < count && wide; k++)
        wide = ends[k]! - starts[k]! - (hasHexPrefix(text, starts[k]!) ? 2 : 0) === 16;
      if (wide) {
        this.sink.problem({ line: lineNo, message: `${count} hex dwords on one line; an SMMUv3 event record has 4` });
      }
      return;
    }
    const headerAt = inline ? bodyStart + inline.index : 0;
    const p = new PendingRecord({
      kind: inline ? "event" : "dwords",
      form: inline ? "linux-raw" : "bare",
      startLine: lineNo,
      quoteDepth: depth,
      source: inline
        ? text.slice(bodyStart, headerAt).trim()
        : labelEnd > bodyStart
          ? text.slice(bodyStart, labelEnd).trim()
          : "",
      expected: 4,
      problems: [],
      phase: "dwords",
      // Plain properties, not a spread: this runs for every one-line list.
      headerRange: inline ? { line: lineNo, start: headerAt, end: labelEnd } : undefined,
      headerId: inline ? parseInt(inline[1]!.slice(-8), 16) : undefined,
    });
    for (let k = count - 1; k >= 0; k--) this.takeDword(p, text, starts[k]!, ends[k]!, lineNo, false);
    this.emit(p);
  }

  private startVertical(
    text: string,
    source: string,
    depth: number,
    lineNo: number,
    token: { start: number; end: number },
    jsonQuoted = false,
  ): void {
    const p = new PendingRecord({
      kind: "dwords",
      form: "bare",
      startLine: lineNo,
      quoteDepth: depth,
      source,
      expected: 4,
      problems: [],
      phase: "vertical",
    });
    p.jsonQuoted = jsonQuoted;
    this.takeDword(p, text, token.start, token.end, lineNo, true);
    this.pending.push(p);
    this.limitPending(lineNo);
  }

  private start(init: PendingInit): void {
    this.pending.push(new PendingRecord(init));
    this.limitPending(init.startLine);
  }

  private limitPending(lineNo: number): void {
    while (this.pending.length > MAX_PENDING) {
      const oldest = this.pending.shift()!;
      oldest.problems.push({ line: lineNo, message: `more than ${MAX_PENDING} records interleaved: given up` });
      this.finish(oldest, lineNo);
    }
  }
}

// ---- small text helpers ---------------------------------------------------------------------

/**
 * True when a line can start no record (the prefilter of LogLineMachine.line). Every form detect()
 * starts needs a "0x" (event and CMDQ headers, prefixed dwords, QEMU pte values), "event: " (a
 * stray decoded line is a problem) or "smmu" (QEMU traces); without them only a list of 16-digit
 * dwords could start, and then the line ends (before separators) with 16 hex digits.
 */
function cannotStartRecord(text: string): boolean {
  if (text.includes("0x") || text.includes("event: ") || text.includes("smmu")) return false;
  let end = text.length;
  while (end > 0 && isBlankCode(text.charCodeAt(end - 1))) end--;
  if (end === 0) return true;
  const last = text.charCodeAt(end - 1);
  if (!isListEndCode(last)) return true;
  while (end > 0 && isListSeparator(text.charCodeAt(end - 1))) end--;
  if (end < 16) return true;
  for (let k = end - 16; k < end; k++) if (hexValue(text.charCodeAt(k)) < 0) return true;
  return false;
}

/** Value of each ASCII character as a hex digit, -1 for anything else. */
const HEX_VALUE = Int8Array.from({ length: 128 }, (_, c) => hexValueSlow(c));

/** Value of a hex digit character, -1 for anything else. */
function hexValue(c: number): number {
  return c < 128 ? HEX_VALUE[c]! : -1;
}

function hexValueSlow(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

function isAlnumCode(c: number): boolean {
  const l = c | 0x20;
  return (c >= 48 && c <= 57) || (l >= 97 && l <= 122);
}

function hasHexPrefix(text: string, at: number): boolean {
  return text.charCodeAt(at) === 48 && (text.charCodeAt(at + 1) | 0x20) === 120;
}

/** `0x` + hex digits, or exactly 16 hex digits. */
function isHexToken(text: string, start: number, end: number): boolean {
  const prefixed = end - start > 2 && hasHexPrefix(text, start);
  const from = prefixed ? start + 2 : start;
  if (!prefixed && end - start !== 16) return false;
  for (let k = from; k < end; k++) if (hexValue(text.charCodeAt(k)) < 0) return false;
  return true;
}

/**
 * What a dword list may end with: a hex digit, or a closing `]`, `"`, `,`, `}` or `;` (gdb's
 * `$1 = {0x.., 0x..}`, a C initialiser `{ 0x.., 0x.. };`).
 */
function isListEndCode(c: number): boolean {
  return hexValue(c) >= 0 || c === 93 || c === 34 || c === 44 || c === 125 || c === 59;
}

/** Blanks, commas, semicolons, brackets, quotes, parentheses, braces. */
function isListSeparator(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 44 ||
    c === 59 ||
    c === 91 ||
    c === 93 ||
    c === 34 ||
    c === 39 ||
    c === 40 ||
    c === 41 ||
    c === 123 ||
    c === 125
  );
}

function startsWithSourceAt(text: string, at: number, source: string): boolean {
  const n = source.length;
  if (n === 0) return true;
  const after = at + n;
  if (after > text.length) return false;
  // A slice compared whole (one memory compare) is faster than startsWith with a position or a
  // character loop on line slices; the last characters differ first between devices.
  if (text.charCodeAt(after - 1) !== source.charCodeAt(n - 1)) return false;
  if (text.slice(at, after) !== source) return false;
  return after === text.length || isBlankCode(text.charCodeAt(after));
}

/**
 * Length of an escaped tab followed by more of the token at text[start..end), 0 if none: `#011`
 * (rsyslog), `\x09` (/dev/kmsg), `=09` (a quoted-printable mail).
 */
function escapedTabLength(text: string, start: number, end: number): number {
  if (end - start <= 3) return 0;
  const c = text.charCodeAt(start);
  const c1 = text.charCodeAt(start + 1);
  const c2 = text.charCodeAt(start + 2);
  if (c === 61 /* = */) return c1 === 48 && c2 === 57 ? 3 : 0;
  if (end - start <= 4) return 0;
  const c3 = text.charCodeAt(start + 3);
  if (c === 35 /* # */) return c1 === 48 && c2 === 49 && c3 === 49 ? 4 : 0;
  return c === 92 /* \ */ && c1 === 120 /* x */ && c2 === 48 && c3 === 57 ? 4 : 0;
}

/** The JSON key (`record` of `"record": [`) before the `[` at `at`, "" when there is none. */
function jsonKeyBefore(text: string, from: number, at: number): string {
  let i = at;
  while (i > from && isBlankCode(text.charCodeAt(i - 1))) i--;
  if (i === from || text.charCodeAt(i - 1) !== 58 /* : */) return "";
  i--;
  while (i > from && isBlankCode(text.charCodeAt(i - 1))) i--;
  if (i === from || text.charCodeAt(i - 1) !== 34 /* " */) return "";
  const end = i - 1;
  const start = text.lastIndexOf('"', end - 1);
  return start < from ? "" : text.slice(start + 1, end);
}

/**
 * A JSON string holding one hex token, with the comma of an array item after it, at
 * text[start..end) (`"0x0000d4f200000010",`): the end of the token inside the quotes, or -1.
 */
function jsonQuotedHexEnd(text: string, start: number, end: number): number {
  if (text.charCodeAt(start) !== 34 /* " */) return -1;
  let e = end;
  if (text.charCodeAt(e - 1) === 44 /* , */) e--;
  if (e - start < 3 || text.charCodeAt(e - 1) !== 34) return -1;
  return isHexToken(text, start + 1, e - 1) ? e - 1 : -1;
}

/**
 * A line cut by a mail client's re-wrap (`cut`) joined with its rest, the line `text`, matched by
 * `pattern` (joinWrappedDecoded, joinWrappedFlags); null when `text` is not that rest: it has
 * something besides quote markers before its body (a stamp), starts with the device prefix
 * `source`, is blank, or does not start with the token `continues` expects after `cut`.
 */
function joinWrapped(
  cut: string,
  text: string,
  bodyStart: number,
  source: string,
  continues: (cut: string, rest: string) => boolean,
  pattern: RegExp,
): RegExpExecArray | null {
  for (let k = 0; k < bodyStart; k++) {
    const c = text.charCodeAt(k);
    if (c !== 62 /* > */ && !isBlankCode(c)) return null;
  }
  if (source.length !== 0 && startsWithSourceAt(text, bodyStart, source)) return null;
  const rest = text.slice(bodyStart).trim();
  if (rest.length === 0 || !continues(cut, rest)) return null;
  const joined = `${cut} ${rest}`;
  return joined.length <= MAX_PATTERN_LINE ? pattern.exec(joined) : null;
}

/** Keys of arm_smmu_dump_event's event line, and the keys each may be followed by. */
const DECODED_NEXT_KEYS: Readonly<Record<string, readonly string[]>> = {
  "event:": ["client:"],
  "client:": ["sid:"],
  "sid:": ["ssid:"],
  "ssid:": ["iova:", "fetch_addr:"],
  "iova:": ["ipa:"],
  "ipa:": [],
  "fetch_addr:": [],
};

/**
 * Whether `next` starts with the token that follows `cut` (a decoded event line cut at a blank)
 * in `event: %s client: %s sid: %#x ssid: %#x[ iova: %#llx ipa: %#llx| fetch_addr: %#llx]`: a
 * value after a key, else the key after the last key's value.
 */
function continuesDecodedEvent(cut: string, next: string): boolean {
  const tokens = cut.split(/\s+/);
  const first = next.split(/\s/, 1)[0]!;
  const last = tokens[tokens.length - 1]!;
  if (Object.hasOwn(DECODED_NEXT_KEYS, last)) return !Object.hasOwn(DECODED_NEXT_KEYS, first);
  let lastKey = "event:";
  for (const t of tokens) if (Object.hasOwn(DECODED_NEXT_KEYS, t)) lastKey = t;
  return DECODED_NEXT_KEYS[lastKey]!.includes(first);
}

/** The words of a flags line before its class text, each from its own set. */
const FLAGS_WORDS: readonly (readonly string[])[] = [
  ["priv", "unpriv"],
  ["inst", "data"],
  ["read", "write"],
  ["s1", "s2"],
];

/**
 * Whether `next` starts with the token that follows `cut` (a flags line cut at a blank) in
 * `priv|unpriv inst|data read|write s1|s2 "<class>"[ ttd_read|ttd_write][ stall] stag: %#x`: the
 * next word of its set, the class's opening quote, any word inside the class, then `ttd_*`,
 * `stall` or `stag:`, and a value after `stag:`.
 */
function continuesDecodedFlags(cut: string, next: string): boolean {
  const first = next.split(/\s/, 1)[0]!;
  let quotes = 0;
  for (let k = 0; k < cut.length; k++) if (cut.charCodeAt(k) === 34 /* " */) quotes++;
  if (quotes === 1) return true;
  const words = cut.split(/\s+/);
  if (quotes === 0) return words.length < 4 ? FLAGS_WORDS[words.length]!.includes(first) : first.startsWith('"');
  if (words[words.length - 1] === "stag:") return /^(?:0x[0-9a-fA-F]+|0)$/.test(first);
  return first === "ttd_read" || first === "ttd_write" || first === "stall" || first === "stag:";
}

function restStartsWith(text: string, from: number, what: string): boolean {
  let i = from;
  while (i < text.length && isBlankCode(text.charCodeAt(i))) i++;
  return text.startsWith(what, i);
}

let lastKeySource = "";
let lastKey = "";

/** The last one or two words of a source ending in ':' when that is less than the source. */
function deviceKeyOf(source: string): string {
  if (!source.endsWith(":")) return "";
  // A log repeats one source record after record: remember the last answer.
  if (source === lastKeySource) return lastKey;
  lastKeySource = source;
  lastKey = computeDeviceKey(source);
  return lastKey;
}

function computeDeviceKey(source: string): string {
  const words = source.split(/\s+/);
  const key = words.slice(-2).join(" ");
  return key.length < source.length ? key : "";
}

/** Where the rest of the line starts after `key` (a whole word sequence), or -1. */
function afterDeviceKey(text: string, from: number, key: string): number {
  for (let at = text.indexOf(key, from); at >= 0; at = text.indexOf(key, at + 1)) {
    const end = at + key.length;
    const before = at === from || isBlankCode(text.charCodeAt(at - 1));
    if (before && (end === text.length || isBlankCode(text.charCodeAt(end)))) return end;
  }
  return -1;
}

let tokenStart = 0;
let tokenEnd = 0;
/** Token bounds of a one-line list, reused (a list has at most 16 tokens worth reading). */
const LIST_STARTS = new Int32Array(16);
const LIST_ENDS = new Int32Array(16);

/**
 * True when text[from..] holds exactly one whitespace-free token, left in tokenStart/tokenEnd
 * (module state instead of a result object: this runs for every line of a record).
 */
function singleTokenAt(text: string, from: number): boolean {
  let i = from;
  const n = text.length;
  while (i < n && isBlankCode(text.charCodeAt(i))) i++;
  const start = i;
  while (i < n && !isBlankCode(text.charCodeAt(i))) i++;
  const end = i;
  while (i < n && isBlankCode(text.charCodeAt(i))) i++;
  tokenStart = start;
  tokenEnd = end;
  return end > start && i === n;
}

/** Start of the last whitespace-free token ending at `end` (`end` itself when there is none). */
function lastTokenStart(text: string, end: number): number {
  let i = end;
  while (i > 0 && !isBlankCode(text.charCodeAt(i - 1))) i--;
  return i;
}

function allWide(p: PendingRecord): boolean {
  for (let i = 0; i < Math.min(p.slots, 4); i++) {
    const r = p.ranges[i];
    if (!r || r.end - r.start < 16) return false;
  }
  return true;
}
