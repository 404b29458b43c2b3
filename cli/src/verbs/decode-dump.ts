// `iommu-lens decode --as evtq|cmdq [--base ADDR] [FILE...|-] [--json]`: decodes a memory dump of
// the SMMUv3 event queue (32-byte entries, IHI 0070 §7.2: the ring at SMMU_EVTQ_BASE) or command
// queue (16-byte entries, §4: the ring at SMMU_CMDQ_BASE), every entry in it.
//
// The log path of `decode` finds records in text and refuses lists of two dwords a line on purpose
// (a dump of STEs or page tables must not read as false events); here the user says what the memory
// is, so every aligned entry is decoded: events with decodeEvent (fields, meanings, cause, next
// steps, as a logged record), commands with decodeCommand (fields, CERROR_ILL conditions).
//
// Steps: read the whole input (text, or bytes when it holds a NUL: the engine's includeContent
// rule), import it with the engine's dump importer (gdb, QEMU, crash, xxd, hexdump, od, devmem,
// plain lists; raw binary), group the qwords into entries aligned to the entry size (a repeated
// address starts a new snapshot: `x/8gx` before and after), skip all-zero entries (empty slots,
// counted), report an entry whose dwords are only partly in the dump as a located problem, print.
//
// Exit codes follow `decode`: 0 entries decoded and the dump read cleanly; 1 no non-empty entry,
// an entry cut by the dump's end, or the importer reported a problem; 2 usage or unreadable input.
// What the decoders say about an entry's content (RES0 bits set, Reserved values) is printed but
// does not change the exit code.

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { TextDecoder } from "node:util";
import {
  type DecodedCommand,
  type DecodedEvent,
  type DecodedField,
  type DumpImportResult,
  type DumpWord,
  type EngineDiagnostic,
  DUMP_CODES,
  cmdqErrorName,
  decodeCommand,
  cmdqErrorHelp,
  decodeEvent,
  eventFieldsOfPresentDwords,
  fieldValues,
  hex64Padded,
  hexHalves,
  hexNumber,
  importBinary,
  importDump,
  includeContent,
  isAllZero,
  registerByName,
} from "../../../engine/src/index";
import { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, cannotReadMessage } from "../io";
import { type NameCount, eventExplanationLines, fieldTableLines, nameCountLines } from "./decode-table";

/** What `--as` names: the queue a dump holds. */
export type DumpQueue = "evtq" | "cmdq";

interface QueueKind {
  /** Bytes per entry. */
  readonly entryBytes: number;
  /** The contract `kind` of an entry. */
  readonly kind: "event" | "command";
  /** In the header line: "event queue". */
  readonly title: string;
}

const QUEUES: Readonly<Record<DumpQueue, QueueKind>> = {
  // Event records are 32 bytes (IHI 0070 §7.2), commands 16 bytes (§4.1).
  evtq: { entryBytes: 32, kind: "event", title: "event queue" },
  cmdq: { entryBytes: 16, kind: "command", title: "command queue" },
};

export interface DumpDecodeOptions {
  readonly queue: DumpQueue;
  /**
   * The queue's base address (SMMU_EVTQ_BASE / SMMU_CMDQ_BASE .ADDR): entry indexes count from it,
   * and dumps without addresses (plain lists, xxd/hexdump/od offsets, binary) start there. Without
   * it, indexes count from the dump's first entry. For a kernel virtual address, its bits [47:0].
   */
  readonly base?: number;
  /** Bits [63:48] of a kernel virtual `--base` (hex digits), "" for an address below 2^48. */
  readonly baseHigh?: string;
  /** `--entries`, `--prod`, `--cons`: the queue's size and its index registers. */
  readonly pointers?: QueuePointers;
  readonly json: boolean;
}

/** The queue's size and its PROD/CONS register values (SMMU_EVTQ_PROD/CONS, SMMU_CMDQ_PROD/CONS). */
export interface QueuePointers {
  /** Entries in the queue: 2^LOG2SIZE. */
  readonly entries: number;
  readonly prod?: number;
  readonly cons?: number;
}

/** The options of `decode` that only a dump takes (a usage error without --as evtq|cmdq). */
export const DUMP_ONLY_OPTIONS = ["base", "entries", "prod", "cons"] as const;

/** A number option: hex (`0x...`, `_` separators allowed) or decimal; NaN when it is neither. */
function parseNumberOption(text: string): number {
  const clean = text.replace(/_/g, "");
  return /^0x[0-9a-f]+$/i.test(clean) ? parseInt(clean.slice(2), 16) : /^\d+$/.test(clean) ? Number(clean) : NaN;
}

/**
 * Builds the dump options from `decode`'s parsed options (`--base`, `--entries`, `--prod`,
 * `--cons`); throws UsageError for bad values. PROD and CONS need the queue's size to be read
 * (their index has LOG2SIZE bits, the wrap flag sits above it: IHI 0070 §3.5).
 */
export function dumpDecodeOptions(
  queue: DumpQueue,
  options: ReadonlyMap<string, string>,
  json: boolean,
): DumpDecodeOptions {
  const baseText = options.get("base");
  const base = baseText === undefined ? undefined : parseDumpBase(baseText, queue);
  const entriesText = options.get("entries");
  let pointers: QueuePointers | undefined;
  if (entriesText !== undefined) {
    const entries = parseNumberOption(entriesText);
    // LOG2SIZE is at most 19 (IHI 0070 §6.3.25: EVENTQS/CMDQS in IDR1 are 5-bit, capped at 19).
    if (!Number.isSafeInteger(entries) || entries < 1 || entries > 1 << 19 || (entries & (entries - 1)) !== 0) {
      throw new UsageError(`--entries ${entriesText}: expected the queue's size, a power of two up to 2^19`);
    }
    const register = (name: "prod" | "cons"): number | undefined => {
      const text = options.get(name);
      if (text === undefined) return undefined;
      const n = parseNumberOption(text);
      if (!Number.isSafeInteger(n) || n > 0xffff_ffff)
        throw new UsageError(
          `--${name} ${text}: expected the 32-bit SMMU_${queue === "evtq" ? "EVTQ" : "CMDQ"}_${name.toUpperCase()} value`,
        );
      return n;
    };
    const prod = register("prod");
    const cons = register("cons");
    if ((prod === undefined) !== (cons === undefined)) throw new UsageError("--prod and --cons go together");
    pointers = { entries, ...(prod !== undefined ? { prod } : {}), ...(cons !== undefined ? { cons } : {}) };
    const window = queueWindow(queue, pointers);
    if (window && window.prodWrap === window.consWrap && window.consIndex > window.prodIndex) {
      throw new UsageError(
        `--prod ${options.get("prod")!} --cons ${options.get("cons")!}: CONS (index ${window.consIndex}, wrap ${window.consWrap}) ` +
          `is ahead of PROD (index ${window.prodIndex}, wrap ${window.prodWrap}) in a queue of ${entries}: no queue is in that state`,
      );
    }
  } else if (options.has("prod") || options.has("cons")) {
    throw new UsageError("--prod and --cons need --entries (the queue's size, 2^LOG2SIZE)");
  }
  return {
    queue,
    json,
    ...(base !== undefined ? { base: base.value, baseHigh: base.high } : {}),
    ...(pointers !== undefined ? { pointers } : {}),
  };
}

/** `--as` values: `log` (the default log search) or a queue. Anything else is a usage error. */
export function parseDumpQueue(value: string): DumpQueue | "log" {
  if (value === "log" || value === "evtq" || value === "cmdq") return value;
  throw new UsageError(`--as ${value}: expected log, evtq or cmdq`);
}

/**
 * `--base ADDR`: hex (`0x...`) or decimal, aligned to the queue's entry size. A kernel virtual
 * address (hex, bits [63:48] set) is held as its bits [47:0] and the high digits.
 */
function parseDumpBase(text: string, queue: DumpQueue): { value: number; high: string } {
  const clean = text.replace(/_/g, "");
  const digits = /^0x([0-9a-f]{13,16})$/i.exec(clean)?.[1]?.toLowerCase().padStart(16, "0");
  const high = digits !== undefined && parseInt(digits.slice(0, 4), 16) !== 0 ? digits.slice(0, 4) : "";
  const n = high !== "" ? parseInt(digits!.slice(4), 16) : parseNumberOption(text);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--base ${text}: expected an address (0x... or decimal)`);
  const size = QUEUES[queue].entryBytes;
  if (n % size !== 0) {
    throw new UsageError(
      `--base ${text}: a ${QUEUES[queue].title} entry is ${size} bytes; the base must be a multiple of ${size}`,
    );
  }
  return { value: n, high };
}

/** One aligned entry of the queue, as far as the dump has it. */
interface QueueEntry {
  readonly addr: number;
  /** The address as printed (a kernel virtual address keeps its bits [63:48]). */
  readonly addrText: string;
  /** Entries from --base, or from the snapshot's first entry (the queue index when the dump starts at the queue base). */
  readonly index: number;
  /** Which dump of the same memory in the file (1-based; >1 only when an address repeats). */
  readonly snapshot: number;
  /** Packed halves [lo0, hi0, lo1, hi1, ...] (zeros where a dword is missing). */
  readonly words: Uint32Array;
  /** Which dwords the dump gave. */
  readonly present: readonly boolean[];
  /** Zero-based first and last line of the entry's text. */
  readonly startLine: number;
  readonly endLine: number;
}

/**
 * Groups imported qwords into entries of `entryBytes` aligned to their size in the address space
 * (a queue's base is aligned to the queue's size, IHI 0070 §6.3.25). A word whose address was
 * already given starts a new snapshot (before/after dumps are kept apart, never merged). Entries
 * come out per snapshot in address order.
 */
function groupEntries(
  words: readonly DumpWord[],
  entryBytes: number,
  high: string,
  origin: number | undefined,
): QueueEntry[] {
  const dwords = entryBytes / 8;
  const snapshots: Map<number, DumpWord[]>[] = [];
  let current = new Map<number, DumpWord[]>();
  let seen = new Set<number>();
  for (const w of words) {
    if (seen.has(w.addr)) {
      snapshots.push(current);
      current = new Map();
      seen = new Set();
    }
    seen.add(w.addr);
    const entryAddr = w.addr - (w.addr % entryBytes);
    let list = current.get(entryAddr);
    if (list === undefined) current.set(entryAddr, (list = []));
    list.push(w);
  }
  if (current.size !== 0) snapshots.push(current);
  const out: QueueEntry[] = [];
  snapshots.forEach((snapshot, s) => {
    const addrs = [...snapshot.keys()].sort((a, b) => a - b);
    const first = origin ?? addrs[0] ?? 0;
    for (const addr of addrs) {
      const packed = new Uint32Array(2 * dwords);
      const present: boolean[] = new Array<boolean>(dwords).fill(false);
      let startLine = Number.MAX_SAFE_INTEGER;
      let endLine = 0;
      for (const w of snapshot.get(addr)!) {
        const d = (w.addr - addr) / 8;
        packed[2 * d] = w.lo;
        packed[2 * d + 1] = w.hi;
        present[d] = true;
        startLine = Math.min(startLine, w.span.start.line);
        endLine = Math.max(endLine, w.span.end.line);
      }
      out.push({
        addr,
        addrText: addressText(addr, high),
        index: (addr - first) / entryBytes,
        snapshot: s + 1,
        words: packed,
        present,
        startLine,
        endLine,
      });
    }
  });
  return out;
}

/** One decoded entry, ready to print. */
interface DecodedEntry {
  readonly entry: QueueEntry;
  readonly id: string;
  readonly name: string;
  readonly fields: readonly DecodedField[];
  readonly summary: string;
  /** Located problems of the entry's text (a cut entry), then what the decoder says. */
  readonly problems: string[];
  readonly complete: boolean;
  readonly event?: DecodedEvent;
  readonly command?: DecodedCommand;
  /** With --prod/--cons: `unread`/`read` (evtq), `pending`/`consumed` (cmdq). */
  readonly state?: string;
  /** The command at CONS when CONS.ERR is set: the error's name (`CERROR_ILL`). */
  readonly cerror?: string;
}

/**
 * The queue's valid window from PROD and CONS (IHI 0070 §3.5): each holds an index of LOG2SIZE bits
 * and a wrap flag above it. Entries from CONS up to PROD (exclusive) are written and not yet
 * consumed; with equal indexes, equal wrap flags mean empty and different ones full.
 */
interface QueueWindow {
  readonly entries: number;
  readonly prodIndex: number;
  readonly prodWrap: number;
  readonly consIndex: number;
  readonly consWrap: number;
  /** Event queue: PROD.OVFLG != CONS.OVACKFLG (records were lost, §7.4). */
  readonly overflow: boolean;
  /** Command queue: CONS.ERR (§7.1), 0 for CERROR_NONE. */
  readonly error: number;
}

/** A 32-bit register value's fields, read through the register's table. */
function registerFields(name: string, value: number): ReadonlyMap<string, number> {
  const spec = registerByName(name);
  const out = new Map<string, number>();
  if (!spec) return out;
  for (const [field, v] of fieldValues(spec.struct, [value >>> 0, 0])) out.set(field, v.lo);
  return out;
}

function queueWindow(queue: DumpQueue, p: QueuePointers): QueueWindow | undefined {
  if (p.prod === undefined || p.cons === undefined) return undefined;
  const names = queue === "evtq" ? ["EVENTQ_PROD", "EVENTQ_CONS"] : ["CMDQ_PROD", "CMDQ_CONS"];
  const prod = registerFields(names[0]!, p.prod);
  const cons = registerFields(names[1]!, p.cons);
  const wr = prod.get("WR") ?? 0;
  const rd = cons.get("RD") ?? 0;
  return {
    entries: p.entries,
    prodIndex: wr % p.entries,
    prodWrap: Math.floor(wr / p.entries) % 2,
    consIndex: rd % p.entries,
    consWrap: Math.floor(rd / p.entries) % 2,
    overflow: queue === "evtq" && (prod.get("OVFLG") ?? 0) !== (cons.get("OVACKFLG") ?? 0),
    error: cons.get("ERR") ?? 0,
  };
}

/** Whether queue index `i` is between CONS and PROD. */
function inWindow(w: QueueWindow, i: number): boolean {
  if (w.prodWrap === w.consWrap) return i >= w.consIndex && i < w.prodIndex;
  return i >= w.consIndex || i < w.prodIndex;
}

/** Entries between CONS and PROD. */
function windowCount(w: QueueWindow): number {
  return w.prodWrap === w.consWrap ? w.prodIndex - w.consIndex : w.entries - w.consIndex + w.prodIndex;
}

/** What `state` says of an entry inside and outside the window. */
const STATE_NAMES: Readonly<Record<DumpQueue, { inside: string; outside: string; text: string }>> = {
  evtq: { inside: "unread", outside: "read", text: "written by the SMMU, not yet read by software" },
  cmdq: { inside: "pending", outside: "consumed", text: "written by software, not yet consumed by the SMMU" },
};

function missingText(present: readonly boolean[]): string {
  const have = present.flatMap((p, i) => (p ? [i] : []));
  return `has dword${have.length === 1 ? "" : "s"} ${have.join(",")} only`;
}

/**
 * Decodes one entry. A cut entry keeps only the fields whose dword the dump gave (the others
 * would show zeros the dump never said) and says which dwords it has.
 */
function decodeEntry(entry: QueueEntry, queue: DumpQueue): DecodedEntry {
  const complete = entry.present.every((p) => p);
  const cut = complete ? [] : [`line ${entry.startLine + 1}: entry at ${entry.addrText} ${missingText(entry.present)}`];
  const known = (f: DecodedField): boolean => {
    const dword = /^dword(\d+)/.exec(f.bits);
    return dword === null || entry.present[Number(dword[1])] === true;
  };
  if (queue === "evtq") {
    const event = decodeEvent(entry.words);
    const { fields, problems, missing } = eventFieldsOfPresentDwords(event, entry.present);
    const summary = complete
      ? event.summary
      : `${event.name} (incomplete entry: dword${missing.length > 1 ? "s" : ""} ${missing.join(", ")} missing, their fields unknown)`;
    return {
      entry,
      id: entry.present[0] ? hexNumber(event.id) : "",
      name: entry.present[0] ? event.name : "?",
      fields,
      summary,
      problems: [...cut, ...problems],
      complete,
      event,
    };
  }
  const command = decodeCommand(entry.words);
  return {
    entry,
    id: entry.present[0] ? hexNumber(command.opcode) : "",
    name: entry.present[0] ? command.name : "?",
    fields: complete ? command.fields : command.fields.filter(known),
    summary: complete
      ? command.summary
      : `${command.name} (incomplete entry: dword ${entry.present[0] ? 1 : 0} missing)`,
    problems: [...cut, ...(complete ? command.problems : [])],
    complete,
    command,
  };
}

/**
 * Adds what --entries/--prod/--cons say of the entry: its state (between CONS and PROD or not),
 * the command error at CONS, and an index outside the queue as a problem.
 */
function withQueueState(d: DecodedEntry, options: DumpDecodeOptions, window: QueueWindow | undefined): DecodedEntry {
  const entries = options.pointers?.entries;
  const index = d.entry.index;
  const problems = [...d.problems];
  if (entries !== undefined && (index < 0 || index >= entries)) {
    problems.push(
      `entry ${index} is outside the queue of ${entries} entr${entries === 1 ? "y" : "ies"} (from ${options.base !== undefined ? "--base" : "the dump's first entry"})`,
    );
  }
  if (window === undefined) return problems.length === d.problems.length ? d : { ...d, problems };
  const names = STATE_NAMES[options.queue];
  const state = inWindow(window, index) ? names.inside : names.outside;
  const cerror =
    options.queue === "cmdq" && window.error !== 0 && index === window.consIndex
      ? cmdqErrorName(window.error)
      : undefined;
  return { ...d, problems, state, ...(cerror !== undefined ? { cerror } : {}) };
}

/** Reads a whole input as text (UTF-8, or UTF-16 with a byte-order mark) or bytes (it holds a NUL). */
async function readInput(input: string, io: CliIo): Promise<string | Uint8Array> {
  let bytes: Uint8Array;
  if (input === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
    }
    bytes = Buffer.concat(chunks);
  } else {
    bytes = await readFile(resolve(io.cwd, input));
  }
  // A PowerShell redirect writes UTF-16 with a mark; its NULs must not make it a binary dump.
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return new TextDecoder(bytes[0] === 0xff ? "utf-16le" : "utf-16be").decode(bytes);
  }
  return includeContent(bytes);
}

/**
 * Kernel virtual addresses (`0xffff0000...`: gdb on a kernel, crash `rd` without -p, QEMU `x`) are
 * beyond the 2^53 the engine's addresses hold, and the importer refuses those lines. A queue never
 * crosses a 2^48 boundary, so when every line address of the dump shares its bits [63:48], they
 * are replaced by zeros of the same width (the text keeps its layout, so detection and spans are
 * unchanged) and given back when addresses are printed. Returns the text unchanged otherwise.
 */
function lowerKernelAddresses(text: string): { text: string; high: string } {
  // A line's address: its first token, hex of 13 to 16 digits, before the `:` (after a gdb symbol).
  const lineAddress = /^([>\s]*)(0x)?([0-9a-fA-F]{13,16})(?=(?:\s*<[^\n>]*>)?:)/gm;
  let high: string | undefined;
  let mixed = false;
  for (const m of text.matchAll(lineAddress)) {
    const digits = m[3]!.toLowerCase().padStart(16, "0");
    if (parseInt(digits.slice(0, 4), 16) === 0) continue;
    if (high === undefined) high = digits.slice(0, 4);
    else if (high !== digits.slice(0, 4)) mixed = true;
  }
  if (high === undefined || mixed) return { text, high: "" };
  const lowered = text.replace(lineAddress, (_all, lead: string, ox: string | undefined, digits: string) => {
    const padded = digits.padStart(16, "0");
    return padded.slice(0, 4).toLowerCase() === high
      ? `${lead}${ox ?? ""}${"0".repeat(digits.length - 12)}${padded.slice(4)}`
      : `${lead}${ox ?? ""}${digits}`;
  });
  return { text: lowered, high };
}

/** An entry's address as printed: with the bits [63:48] a kernel virtual address had (see above). */
function addressText(addr: number, high: string): string {
  return high === "" ? hexNumber(addr) : `0x${high.replace(/^0+/, "")}${addr.toString(16).padStart(12, "0")}`;
}

/** Code of the problem line for an all-zero entry the dump has only part of. */
const CUT_ENTRY = "DECODE-CUT-ENTRY";

/** The importer's problem as the decode problem line: file, one-based line, message. */
interface DumpProblem {
  readonly line: number;
  readonly code: string;
  readonly severity: EngineDiagnostic["severity"];
  readonly message: string;
}

function dumpProblem(d: EngineDiagnostic): DumpProblem {
  // A repeated address with other values is a second dump here (before/after), decoded apart and
  // marked `dump 2`: the importer's conflict warning is then a note, not a failure.
  const severity = d.code === DUMP_CODES.conflict ? "information" : d.severity;
  return { line: (d.span?.start.line ?? 0) + 1, code: d.code, severity, message: d.message };
}

/** Whether a problem is a failure (errors and warnings) rather than a note (which format was detected). */
function isFailure(p: DumpProblem): boolean {
  return p.severity === "error" || p.severity === "warning";
}

const FORMAT_TEXT: Readonly<Record<string, string>> = {
  qemu: "QEMU monitor dump",
  gdb: "gdb dump",
  crash: "crash rd dump",
  xxd: "xxd dump",
  "hexdump-c": "hexdump -C dump",
  hexdump: "hexdump dump",
  od: "od dump",
  devmem: "devmem reads",
  plain: "qword list",
  binary: "binary dump",
};

/** Decodes each input as a dump of `options.queue`; returns the exit code. */
export async function decodeDumpVerb(
  inputs: readonly string[],
  options: DumpDecodeOptions,
  io: CliIo,
): Promise<number> {
  const queue = QUEUES[options.queue];
  const printer = options.json ? new DumpJsonPrinter(io, options.queue) : new DumpTablePrinter(io, options.queue);
  let unreadable = false;
  let failed = false;
  for (const input of inputs) {
    const file = input;
    let content: string | Uint8Array;
    try {
      content = await readInput(input, io);
    } catch (e: unknown) {
      printer.flush();
      io.err(`iommu-lens decode: ${cannotReadMessage(input, e)}\n`);
      unreadable = true;
      continue;
    }
    const lowered = typeof content === "string" ? lowerKernelAddresses(content) : { text: "", high: "" };
    const text = lowered.text;
    const high = lowered.high !== "" ? lowered.high : (options.baseHigh ?? "");
    if (options.baseHigh !== undefined && lowered.high !== "" && options.baseHigh !== lowered.high) {
      printer.flush();
      io.err(`iommu-lens decode: --base is not in the 2^48 window of ${file}'s addresses (0x${lowered.high}...)\n`);
      return EXIT_USAGE;
    }
    const imported: DumpImportResult =
      typeof content === "string"
        ? importDump(text, { file, ...(options.base !== undefined ? { base: options.base } : {}) })
        : importBinary(content, options.base ?? 0, file);
    // Plain lists and offset formats without --base: offsets from the dump's start.
    const needsBase = imported.problems.some((p) => p.code === DUMP_CODES.noBase);
    const result =
      needsBase && options.base === undefined && typeof content === "string"
        ? importDump(text, { file, format: imported.format, base: 0 })
        : imported;
    const entries = groupEntries(result.words, queue.entryBytes, high, options.base);
    const window = options.pointers ? queueWindow(options.queue, options.pointers) : undefined;
    const snapshots = entries.reduce((n, e) => Math.max(n, e.snapshot), 0);
    printer.startFile(file, result.format, snapshots, needsBase && options.base === undefined, window);
    for (const entry of entries) {
      const complete = entry.present.every((p) => p);
      const inside = window !== undefined && inWindow(window, entry.index);
      const allZero = isAllZero(entry.words);
      // An all-zero entry the SMMU (or software) wrote between CONS and PROD is still decoded.
      if (allZero && complete && !inside) {
        printer.empty();
        continue;
      }
      if (allZero && !complete) {
        // Zeros cut by the dump's edge: an empty slot or not, nothing to decode; still a cut entry.
        failed = true;
        printer.problem(file, {
          line: entry.startLine + 1,
          code: CUT_ENTRY,
          severity: "error",
          message: `entry at ${entry.addrText} ${missingText(entry.present)} (all zero)`,
        });
        continue;
      }
      const decoded = withQueueState(decodeEntry(entry, options.queue), options, window);
      if (!decoded.complete) failed = true;
      printer.entry(file, result.format, decoded);
    }
    for (const d of result.problems) {
      const p = dumpProblem(d);
      if (isFailure(p)) failed = true;
      printer.problem(file, p);
    }
    printer.flush();
  }
  const decoded = printer.end();
  printer.flush();
  if (unreadable) return EXIT_USAGE;
  return decoded === 0 || failed ? EXIT_FAILED : EXIT_OK;
}

interface DumpPrinter {
  startFile(file: string, format: string, snapshots: number, offsets: boolean, window?: QueueWindow): void;
  empty(): void;
  entry(file: string, format: string, d: DecodedEntry): void;
  problem(file: string, p: DumpProblem): void;
  /** Closes the output; returns the number of entries decoded. */
  end(): number;
  flush(): void;
}

/** Writes collected output in one block at the end of each file (a queue is at most 2^19 entries). */
abstract class BufferedPrinter {
  protected parts: string[] = [];
  protected decoded = 0;
  protected emptySlots = 0;
  constructor(protected readonly io: CliIo) {}

  protected w(line: string): void {
    this.parts.push(line + "\n");
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.join("");
    this.parts = [];
    try {
      this.io.out(text);
    } catch (e: unknown) {
      // The reader is gone (`decode --as evtq dump | head`): stop writing, quietly.
      if ((e as { code?: unknown }).code !== "EPIPE") throw e;
    }
  }

  empty(): void {
    this.emptySlots++;
  }
}

function fieldMaps(fields: readonly DecodedField[]): {
  fields: Record<string, string>;
  meanings: Record<string, string>;
} {
  const values: Record<string, string> = {};
  const meanings: Record<string, string> = {};
  for (const f of fields) {
    values[f.field] = f.value;
    if (f.meaning !== "") meanings[f.field] = f.meaning;
  }
  return { fields: values, meanings };
}

function rawDwords(entry: QueueEntry): string[] {
  return entry.present.map((p, i) => (p ? hexHalves(entry.words[2 * i]!, entry.words[2 * i + 1]!) : "(missing)"));
}

/**
 * `--json`: one object per entry in the formats.md decode shape (`kind` `event` or `command`,
 * `form` `dump`, plus `addr`, `index`, `dumpFormat`, `complete`, `snapshot` when a file holds
 * several dumps of the same memory), then one `problem` object per importer problem.
 */
class DumpJsonPrinter extends BufferedPrinter implements DumpPrinter {
  constructor(
    io: CliIo,
    private readonly queue: DumpQueue,
  ) {
    super(io);
  }

  startFile(): void {}

  entry(file: string, format: string, d: DecodedEntry): void {
    this.decoded++;
    const { fields, meanings } = fieldMaps(d.fields);
    const obj = {
      arch: "smmuv3",
      kind: QUEUES[this.queue].kind,
      file,
      line: d.entry.startLine + 1,
      endLine: d.entry.endLine + 1,
      raw: rawDwords(d.entry),
      id: d.id,
      name: d.name,
      fields,
      meanings,
      summary: d.summary,
      problems: d.problems,
      form: "dump",
      complete: d.complete,
      addr: d.entry.addrText,
      index: d.entry.index,
      dumpFormat: format,
      ...(d.entry.snapshot > 1 ? { snapshot: d.entry.snapshot } : {}),
      ...(d.state !== undefined ? { state: d.state } : {}),
      ...(d.cerror !== undefined ? { cerror: d.cerror } : {}),
    };
    this.w(JSON.stringify(obj));
  }

  problem(file: string, p: DumpProblem): void {
    // Notes (which format auto-detection chose) are not problems of the contract's kind.
    if (!isFailure(p)) return;
    this.w(JSON.stringify({ kind: "problem", file, line: p.line, message: p.message, code: p.code }));
  }

  end(): number {
    return this.decoded;
  }
}

/** The human table: per entry a header, summary, raw dwords, fields, problems, explanation once. */
class DumpTablePrinter extends BufferedPrinter implements DumpPrinter {
  private readonly explained = new Set<string>();
  private readonly counts = new Map<string, NameCount>();
  private partial = 0;
  /** Entries between CONS and PROD (with --prod/--cons). */
  private inside = 0;
  private windowGiven = false;
  private snapshots = 1;
  private format = "";

  constructor(
    io: CliIo,
    private readonly queue: DumpQueue,
  ) {
    super(io);
  }

  startFile(file: string, format: string, snapshots: number, offsets: boolean, window?: QueueWindow): void {
    this.snapshots = snapshots;
    this.format = format;
    if (offsets) this.w(`${file}: no --base: addresses are offsets from the dump's start`);
    if (window === undefined) return;
    this.windowGiven = true;
    const title = QUEUES[this.queue].title;
    const n = windowCount(window);
    const names = STATE_NAMES[this.queue];
    this.w(
      `${file}: ${title} of ${window.entries} entries, PROD index ${window.prodIndex} wrap ${window.prodWrap}, ` +
        `CONS index ${window.consIndex} wrap ${window.consWrap}: ${n} ${names.inside} (${names.text})`,
    );
    if (window.overflow)
      this.w(
        `${file}: PROD.OVFLG != CONS.OVACKFLG: the event queue overflowed and event records were lost (IHI 0070 §7.4)`,
      );
    if (window.error !== 0)
      this.w(
        `${file}: CONS.ERR is ${cmdqErrorName(window.error)}: the SMMU stopped at the command at index ${window.consIndex}`,
      );
  }

  private count(d: DecodedEntry): void {
    let c = this.counts.get(d.name);
    if (c === undefined) this.counts.set(d.name, (c = { count: 0, streamIds: new Map() }));
    c.count++;
    const sid = d.fields.find((f) => f.field === "StreamID")?.value;
    if (sid !== undefined) c.streamIds.set(sid, (c.streamIds.get(sid) ?? 0) + 1);
  }

  entry(file: string, _format: string, d: DecodedEntry): void {
    this.decoded++;
    if (!d.complete) this.partial++;
    if (d.state === STATE_NAMES[this.queue].inside) this.inside++;
    this.count(d);
    const e = d.entry;
    const where = e.startLine === e.endLine ? `${e.startLine + 1}` : `${e.startLine + 1}-${e.endLine + 1}`;
    const snapshot = this.snapshots > 1 ? `, dump ${e.snapshot}` : "";
    const state = d.state !== undefined ? `; ${d.state}${d.cerror !== undefined ? `, in error: ${d.cerror}` : ""}` : "";
    const id = d.id ? `${d.id} ` : "";
    const from = `${FORMAT_TEXT[this.format] ?? this.format} of the ${QUEUES[this.queue].title}${snapshot}${state}`;
    this.w(`${file}:${where}: entry ${e.index} at ${e.addrText}: ${id}${d.name}  (${from})`);
    this.w(`  ${d.summary}`);
    this.w(
      `  raw   ${e.present.map((p, i) => (p ? hex64Padded({ lo: e.words[2 * i]!, hi: e.words[2 * i + 1]! }) : "(missing)")).join(" ")}`,
    );
    for (const line of fieldTableLines(d.fields)) this.w(line);
    if (d.problems.length) {
      this.w("  problems:");
      for (const p of d.problems) this.w(`    ! ${p}`);
    }
    this.explain(d);
    this.w("");
  }

  /** What the event or command means, its cause and next steps: once per name. */
  private explain(d: DecodedEntry): void {
    const type = d.event?.type;
    if (d.command?.type) {
      if (!this.explained.has(d.name)) this.w(`  meaning: ${d.command.type.doc}`);
      this.explained.add(d.name);
      // The command CONS.ERR stopped at: what the error means and what to check (§7.1), once.
      const help = d.cerror !== undefined ? cmdqErrorHelp(d.cerror) : undefined;
      if (help !== undefined && !this.explained.has(d.cerror!)) {
        this.explained.add(d.cerror!);
        this.w(`  ${d.cerror!}: ${help.cause}`);
        this.w("  next steps:");
        help.nextSteps.forEach((step, i) => this.w(`    ${i + 1}. ${step}`));
      }
      return;
    }
    if (type) for (const line of eventExplanationLines(type, this.explained)) this.w(line);
  }

  problem(file: string, p: DumpProblem): void {
    this.w(`${file}:${p.line}: ${isFailure(p) ? "problem" : "note"}: ${p.message}`);
  }

  /** The count of entries decoded and empty slots skipped, then one line per name with its StreamIDs. */
  end(): number {
    const noun = QUEUES[this.queue].kind;
    const parts = [`${this.decoded} ${noun}${this.decoded === 1 ? "" : "s"} decoded`];
    if (this.windowGiven) parts.push(`${this.inside} ${STATE_NAMES[this.queue].inside} (between CONS and PROD)`);
    if (this.partial) parts.push(`${this.partial} cut by the dump's end or start`);
    parts.push(`${this.emptySlots} empty slot${this.emptySlots === 1 ? "" : "s"} (all zero) skipped`);
    this.w(parts.join(", "));
    for (const line of nameCountLines(this.counts)) this.w(line);
    return this.decoded;
  }
}
