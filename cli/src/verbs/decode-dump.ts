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
  decodeCommand,
  decodeEvent,
  hex64Padded,
  hexHalves,
  hexNumber,
  importBinary,
  importDump,
  includeContent,
} from "../../../engine/src/index";
import { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from "../io";

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
  /** Address of the first byte for dumps without addresses (plain lists, xxd/hexdump/od offsets, binary). */
  readonly base?: number;
  readonly json: boolean;
}

/** `--as` values: `log` (the default log search) or a queue. Anything else is a usage error. */
export function parseDumpQueue(value: string): DumpQueue | "log" {
  if (value === "log" || value === "evtq" || value === "cmdq") return value;
  throw new UsageError(`--as ${value}: expected log, evtq or cmdq`);
}

/** `--base ADDR`: hex (`0x...`) or decimal, an address below 2^53 aligned to the queue's entry size. */
export function parseDumpBase(text: string, queue: DumpQueue): number {
  const clean = text.replace(/_/g, "");
  const n = /^0x[0-9a-f]+$/i.test(clean) ? parseInt(clean.slice(2), 16) : /^\d+$/.test(clean) ? Number(clean) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`--base ${text}: expected an address (0x... or decimal)`);
  const size = QUEUES[queue].entryBytes;
  if (n % size !== 0) {
    throw new UsageError(
      `--base ${text}: a ${QUEUES[queue].title} entry is ${size} bytes; the base must be a multiple of ${size}`,
    );
  }
  return n;
}

/** One aligned entry of the queue, as far as the dump has it. */
interface QueueEntry {
  readonly addr: number;
  /** The address as printed (a kernel virtual address keeps its bits [63:48]). */
  readonly addrText: string;
  /** Entries from the snapshot's first entry (the queue index when the dump starts at the queue base). */
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
function groupEntries(words: readonly DumpWord[], entryBytes: number, high: string): QueueEntry[] {
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
    const first = addrs[0] ?? 0;
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
}

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
    const fields = complete ? event.fields : event.fields.filter(known);
    const missing = entry.present.flatMap((p, i) => (p ? [] : [i]));
    const summary = complete
      ? event.summary
      : `${event.name} (incomplete entry: dword${missing.length > 1 ? "s" : ""} ${missing.join(", ")} missing, their fields unknown)`;
    return {
      entry,
      id: entry.present[0] ? hexNumber(event.id) : "",
      name: entry.present[0] ? event.name : "?",
      fields,
      summary,
      problems: [...cut, ...(complete ? event.problems : [])],
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

function isEmptySlot(entry: QueueEntry): boolean {
  return entry.words.every((w) => w === 0);
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

function readError(input: string, e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const why =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "is a directory"
        : code === "EACCES"
          ? "permission denied"
          : e instanceof Error
            ? e.message
            : String(e);
  return `cannot read ${input === "-" ? "standard input" : input}: ${why}`;
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
  return { line: (d.span?.start.line ?? 0) + 1, code: d.code, severity: d.severity, message: d.message };
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
      io.err(`iommu-lens decode: ${readError(input, e)}\n`);
      unreadable = true;
      continue;
    }
    const { text, high } = typeof content === "string" ? lowerKernelAddresses(content) : { text: "", high: "" };
    const imported: DumpImportResult =
      typeof content === "string"
        ? importDump(text, { file, ...(options.base !== undefined ? { base: options.base } : {}) })
        : importBinary(content, options.base ?? 0, file);
    // Plain lists and offset formats without --base: offsets from the dump's start.
    const needsBase = imported.problems.some((p) => p.code === "DUMP-NO-BASE");
    const result =
      needsBase && options.base === undefined && typeof content === "string"
        ? importDump(text, { file, format: imported.format, base: 0 })
        : imported;
    const entries = groupEntries(result.words, queue.entryBytes, high);
    const snapshots = entries.reduce((n, e) => Math.max(n, e.snapshot), 0);
    printer.startFile(file, result.format, snapshots, needsBase && options.base === undefined);
    for (const entry of entries) {
      const complete = entry.present.every((p) => p);
      if (isEmptySlot(entry) && complete) {
        printer.empty();
        continue;
      }
      if (isEmptySlot(entry)) {
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
      const decoded = decodeEntry(entry, options.queue);
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
  startFile(file: string, format: string, snapshots: number, offsets: boolean): void;
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

/** Entries listed per name in the closing summary, by StreamID. */
const SUMMARY_STREAM_IDS = 5;

/** The human table: per entry a header, summary, raw dwords, fields, problems, explanation once. */
class DumpTablePrinter extends BufferedPrinter implements DumpPrinter {
  private readonly explained = new Set<string>();
  private readonly counts = new Map<string, { count: number; streamIds: Map<string, number> }>();
  private partial = 0;
  private snapshots = 1;
  private format = "";

  constructor(
    io: CliIo,
    private readonly queue: DumpQueue,
  ) {
    super(io);
  }

  startFile(file: string, format: string, snapshots: number, offsets: boolean): void {
    this.snapshots = snapshots;
    this.format = format;
    if (offsets) this.w(`${file}: no --base: addresses are offsets from the dump's start`);
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
    this.count(d);
    const e = d.entry;
    const where = e.startLine === e.endLine ? `${e.startLine + 1}` : `${e.startLine + 1}-${e.endLine + 1}`;
    const snapshot = this.snapshots > 1 ? `, dump ${e.snapshot}` : "";
    const id = d.id ? `${d.id} ` : "";
    const from = `${FORMAT_TEXT[this.format] ?? this.format} of the ${QUEUES[this.queue].title}${snapshot}`;
    this.w(`${file}:${where}: entry ${e.index} at ${e.addrText}: ${id}${d.name}  (${from})`);
    this.w(`  ${d.summary}`);
    this.w(
      `  raw   ${e.present.map((p, i) => (p ? hex64Padded({ lo: e.words[2 * i]!, hi: e.words[2 * i + 1]! }) : "(missing)")).join(" ")}`,
    );
    if (d.fields.length) {
      const rows = d.fields.map((f) => [f.field, f.bits, f.value, f.meaning]);
      const widths = [5, 4, 5].map((min, c) => Math.max(min, ...rows.map((row) => row[c]!.length)));
      this.w(`  ${"field".padEnd(widths[0]!)}  ${"bits".padEnd(widths[1]!)}  ${"value".padEnd(widths[2]!)}  meaning`);
      for (const row of rows) {
        this.w(
          `  ${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]!.padEnd(widths[2]!)}  ${row[3]!}`.trimEnd(),
        );
      }
    }
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
      return;
    }
    if (!type) return;
    if (this.explained.has(type.name)) {
      this.w(`  (cause and next steps for ${type.name}: see above)`);
      return;
    }
    this.explained.add(type.name);
    this.w(`  meaning: ${type.doc}`);
    this.w(`  cause: ${type.cause}`);
    if (type.nextSteps.length) {
      this.w("  next steps:");
      type.nextSteps.forEach((s, i) => this.w(`    ${i + 1}. ${s}`));
    }
  }

  problem(file: string, p: DumpProblem): void {
    this.w(`${file}:${p.line}: ${isFailure(p) ? "problem" : "note"}: ${p.message}`);
  }

  /** The count of entries decoded and empty slots skipped, then one line per name with its StreamIDs. */
  end(): number {
    const noun = QUEUES[this.queue].kind;
    const parts = [`${this.decoded} ${noun}${this.decoded === 1 ? "" : "s"} decoded`];
    if (this.partial) parts.push(`${this.partial} cut by the dump's end or start`);
    parts.push(`${this.emptySlots} empty slot${this.emptySlots === 1 ? "" : "s"} (all zero) skipped`);
    this.w(parts.join(", "));
    const names = [...this.counts.entries()].sort((a, b) => b[1].count - a[1].count);
    const nameWidth = Math.max(0, ...names.map(([n]) => n.length));
    const countWidth = Math.max(0, ...names.map(([, c]) => String(c.count).length));
    for (const [name, c] of names) {
      const sids = [...c.streamIds.entries()].sort((a, b) => b[1] - a[1]);
      const shown = sids.slice(0, SUMMARY_STREAM_IDS).map(([sid, n]) => `${sid} (${n})`);
      if (sids.length > SUMMARY_STREAM_IDS) shown.push(`${sids.length - SUMMARY_STREAM_IDS} more`);
      const line = `  ${name.padEnd(nameWidth)}  ${String(c.count).padStart(countWidth)}`;
      this.w(shown.length ? `${line}  StreamID ${shown.join(", ")}` : line);
    }
    return this.decoded;
  }
}
