// `iommu-lens decode [FILE...|-] [--json] [--arch auto|smmuv3|smmuv2|vtd|amdvi]`
// (shared/design/formats.md, "CLI verbs" and "`decode --json`").
//
// Finds every SMMUv3 record in any text (kernel logs, quoted mails, QEMU traces, hex lists) and
// prints it: a readable table per record (fields, bits, values, meanings, what the event means and
// what to check next), or with --json one contract object per record, then one `problem` object
// per line that only looks like a record; the table ends with a count per record name and its
// StreamIDs. Input is streamed in chunks, so a log of any size needs only the memory of the records
// in progress; UTF-16 input is transcoded, journalctl JSON entries reduced to their MESSAGE (one
// line per line), quoted-printable mail bodies decoded and ANSI colour sequences dropped on the way.
//
// Exit codes: 0 records found and all readable; 1 nothing found, or a record is damaged or cut, or
// a line only looks like a record; 2 usage error, unsupported architecture, unreadable input.

import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { TextDecoder } from "node:util";
import {
  ByteLogScanner,
  type DecodedLogRecord,
  type KernelDecodedLines,
  cmdqErrorHelp,
  cmdqErrorName,
  type LogProblem,
  hexHalves,
  hexNumber,
  hex64Padded,
} from "../../../engine/src/index";
import { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, cannotReadMessage, parseArgs } from "../io";
import { DUMP_ONLY_OPTIONS, decodeDumpVerb, dumpDecodeOptions, parseDumpQueue } from "./decode-dump";
import { type NameCount, eventExplanationLines, fieldTableLines, nameCountLines } from "./decode-table";

export const DECODE_USAGE = `usage: iommu-lens decode [FILE...|-] [--json] [--arch auto|smmuv3|smmuv2|vtd|amdvi]
       iommu-lens decode --as evtq|cmdq [--base ADDR] [--entries N [--prod P --cons C]] [FILE...|-] [--json]

  FILE...   text to search for records (kernel logs, mails, QEMU traces, hex dword lists);
            '-' or no FILE reads standard input
  --json    one JSON object per record (formats.md), then one per problem line
  --arch    architecture of the records (default auto = smmuv3; only smmuv3 is implemented)
  --as      what the input is: log (default: find records in text), or a memory dump of the
            event queue (evtq: every 32-byte entry is an event record) or command queue (cmdq:
            every 16-byte entry is a command); dumps of gdb x/gx, QEMU xp, crash rd, xxd, hexdump,
            od, devmem, plain qword lists, or raw binary; all-zero entries are empty slots
  --base    with --as: the queue's base address (SMMU_EVTQ_BASE/SMMU_CMDQ_BASE): entry indexes count
            from it, and a dump that prints no addresses (plain lists, xxd/hexdump/od, binary)
            starts there; without it indexes count from the dump's first entry
  --entries, --prod, --cons
            with --as: the queue's size (2^LOG2SIZE) and its PROD and CONS register values: each
            entry is marked unread/read (evtq) or pending/consumed (cmdq), CONS.ERR names the
            command in error, PROD.OVFLG != CONS.OVACKFLG says the event queue overflowed

exit: 0 records decoded; 1 no record found, a record is damaged or cut, or a line only looks like one;
      2 usage or unreadable input. With --as, 1 means no non-empty entry, an entry cut by the
      dump's edge, or a problem in the dump`;

export const DECODE_SUMMARY = "find and decode IOMMU event records in logs, mails and traces, or queue dumps (--as)";

const UNSUPPORTED: Readonly<Record<string, string>> = {
  smmuv2: "Arm SMMUv2 context faults",
  vtd: "Intel VT-d faults",
  amdvi: "AMD-Vi events",
};

/** Problems printed at most; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 10000;
/** Output is written in blocks of about this many characters. */
const OUTPUT_BLOCK = 1 << 16;

export async function decodeVerb(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, options, positionals } = parseArgs(args, {
    flags: ["json"],
    options: ["arch", "as", ...DUMP_ONLY_OPTIONS],
  });
  const arch = options.get("arch") ?? "auto";
  const unsupported = UNSUPPORTED[arch];
  if (unsupported !== undefined) {
    io.err(
      `iommu-lens decode: --arch ${arch}: decoding ${unsupported} is not supported yet (only smmuv3 is implemented)\n`,
    );
    return EXIT_USAGE;
  }
  if (arch !== "auto" && arch !== "smmuv3") {
    throw new UsageError(`--arch ${arch}: expected auto, smmuv3, smmuv2, vtd or amdvi`);
  }
  const json = flags.has("json");
  const inputs = positionals.length ? positionals : ["-"];
  // --as evtq|cmdq: a memory dump of a queue, every entry decoded (decode-dump.ts).
  const as = parseDumpQueue(options.get("as") ?? "log");
  if (as !== "log") return decodeDumpVerb(inputs, dumpDecodeOptions(as, options, json), io);
  const dumpOnly = DUMP_ONLY_OPTIONS.find((o) => options.has(o));
  if (dumpOnly !== undefined) throw new UsageError(`--${dumpOnly} is for memory dumps: give --as evtq or --as cmdq`);
  const out = new BlockWriter(io);
  const printer = json ? new JsonPrinter(out) : new TablePrinter(out);
  let unreadable = false;
  let records = 0;
  let damaged = false;
  let problems = 0;

  for (const input of inputs) {
    if (out.closed) return EXIT_OK;
    const file = input === "-" ? "-" : input;
    const pendingProblems: LogProblem[] = [];
    let fileProblems = 0;
    const scanner = new ByteLogScanner({
      file,
      onRecord: (r) => {
        records++;
        if (r.problems.length !== 0) damaged = true;
        printer.record(r);
      },
      onProblem: (p) => {
        fileProblems++;
        if (pendingProblems.length < MAX_PROBLEMS_SHOWN) pendingProblems.push(p);
      },
    });
    const utf16 = new Utf16ToUtf8();
    const journal = new JournalJsonFilter();
    const mail = new QuotedPrintableMailFilter();
    const colours = new AnsiSequenceFilter();
    const error = await streamInto(
      input,
      io,
      (chunk) => scanner.push(colours.filter(mail.filter(journal.filter(utf16.convert(chunk))))),
      () => out.closed,
    );
    if (out.closed) return EXIT_OK;
    const tail = utf16.end();
    if (tail !== undefined) scanner.push(colours.filter(mail.filter(journal.filter(tail))));
    const journalTail = journal.end();
    if (journalTail !== undefined) scanner.push(colours.filter(mail.filter(journalTail)));
    const mailTail = mail.end();
    if (mailTail !== undefined) scanner.push(colours.filter(mailTail));
    const rest = colours.end();
    if (rest !== undefined) scanner.push(rest);
    scanner.end();
    for (const p of pendingProblems) printer.problem(file, p);
    if (fileProblems > pendingProblems.length) {
      printer.problem(file, {
        line: scanner.lineCount,
        message: `${fileProblems - pendingProblems.length} more problems not shown`,
      });
    }
    problems += fileProblems;
    if (error !== undefined) {
      out.flush();
      io.err(`iommu-lens decode: ${error}\n`);
      unreadable = true;
    }
  }
  if (!unreadable || records !== 0) printer.end(records);
  out.flush();
  if (unreadable) return EXIT_USAGE;
  return records === 0 || damaged || problems !== 0 ? EXIT_FAILED : EXIT_OK;
}

/**
 * Turns UTF-16 input into the UTF-8 the scanner reads: a Windows PowerShell redirect (`>`,
 * Out-File) writes UTF-16LE with a byte-order mark, in which no record can be found byte-wise.
 * Decided on the first two bytes: the mark FF FE / FE FF, or ASCII interleaved with NULs (LE
 * without a mark). Anything else passes through untouched.
 */
class Utf16ToUtf8 {
  private decoder: TextDecoder | undefined = undefined;
  private decided = false;
  private first: Uint8Array | undefined = undefined;

  convert(chunk: Uint8Array): Uint8Array {
    let bytes = chunk;
    if (!this.decided) {
      bytes = afterHeld(this.first, chunk);
      this.first = undefined;
      if (bytes.length < 4) {
        this.first = keptCopy(bytes, 0);
        return new Uint8Array(0);
      }
      this.decided = true;
      const b0 = bytes[0]!;
      const b1 = bytes[1]!;
      const nulInterleaved = b0 !== 0 && b0 < 0x80 && b1 === 0 && bytes[2]! !== 0 && bytes[3] === 0;
      const encoding = b0 === 0xff && b1 === 0xfe ? "utf-16le" : b0 === 0xfe && b1 === 0xff ? "utf-16be" : undefined;
      // The mark is kept (as U+FEFF, like a UTF-8 mark): line 1 keeps its place.
      if (encoding !== undefined || nulInterleaved) {
        this.decoder = new TextDecoder(encoding ?? "utf-16le", { ignoreBOM: true });
      }
    }
    return this.decoder === undefined ? bytes : Buffer.from(this.decoder.decode(bytes, { stream: true }), "utf8");
  }

  /** End of input: what is still held (input shorter than 4 bytes, a cut UTF-16 unit). */
  end(): Uint8Array | undefined {
    if (this.first !== undefined) {
      const held = this.first;
      this.first = undefined;
      return held;
    }
    const rest = this.decoder?.decode();
    return rest ? Buffer.from(rest, "utf8") : undefined;
  }
}

/**
 * The bytes of `bytes` from `from` that a filter keeps for the next chunk, as a copy: a chunk may
 * be a view of the file reader's reused block (and Buffer#slice is a view too), which the next
 * read overwrites.
 */
function keptCopy(bytes: Uint8Array, from: number): Uint8Array {
  return new Uint8Array(bytes.subarray(from));
}

/** `chunk` after the bytes a filter held back from the previous chunk (a cut line or sequence). */
function afterHeld(held: Uint8Array | undefined, chunk: Uint8Array): Uint8Array {
  if (held === undefined) return chunk;
  const out = new Uint8Array(held.length + chunk.length);
  out.set(held);
  out.set(chunk, held.length);
  return out;
}

/** Bytes of a first line read before deciding that the input is not journal JSON. */
const MAX_JOURNAL_FIRST_LINE = 1 << 16;
/** A journal field line of `journalctl -o json-pretty` (tab-indented `"KEY" : value`). */
const JOURNAL_PRETTY_FIELD = /^\s*"[A-Z_][A-Z0-9_]*" : /;
const JOURNAL_PRETTY_MESSAGE = /^\s*"MESSAGE" : (.*?),?\s*$/;

/**
 * Turns `journalctl -o json` (one object per line) and `-o json-pretty` (one field per line)
 * into the kernel's messages, one output line per input line so that reported lines are those of
 * the JSON file: the line holding an entry's MESSAGE becomes that message (its JSON escapes, the
 * `\t` before a dword included, undone; a MESSAGE journald stored as an array of byte values
 * because it is not valid UTF-8 becomes those bytes), every other line becomes empty. Decided on
 * the input's first line (second for json-pretty, whose first is `{`): an object with a journal
 * key (`MESSAGE`, `__CURSOR`, `__REALTIME_TIMESTAMP`); anything else, decode's own JSON output
 * included, passes through untouched with no further work.
 */
class JournalJsonFilter {
  private mode: "undecided" | "pass" | "compact" | "pretty" = "undecided";
  private held: Uint8Array | undefined = undefined;
  /** json-pretty: the bytes of a MESSAGE array written one value per line, while it is read. */
  private messageBytes: number[] | undefined = undefined;
  /** Line breaks of the MESSAGE array's lines, written after the message. */
  private heldBreaks = 0;

  filter(chunk: Uint8Array): Uint8Array {
    if (this.mode === "pass") return chunk;
    const input = afterHeld(this.held, chunk);
    this.held = undefined;
    if (this.mode === "undecided") {
      const decided = this.decide(input);
      if (decided === undefined) {
        this.held = keptCopy(input, 0);
        return new Uint8Array(0);
      }
      this.mode = decided;
      if (decided === "pass") return input;
    }
    const lastBreak = input.lastIndexOf(0x0a);
    if (lastBreak < input.length - 1) this.held = keptCopy(input, lastBreak + 1);
    if (lastBreak < 0) return new Uint8Array(0);
    return this.convertLines(input.subarray(0, lastBreak + 1));
  }

  /** End of input: a last line without a line break, or what was held while undecided. */
  end(): Uint8Array | undefined {
    const held = this.held;
    this.held = undefined;
    if (this.mode === "undecided" || this.mode === "pass") return held;
    const last = held === undefined ? new Uint8Array(0) : this.convertLines(held);
    if (this.heldBreaks === 0) return last;
    // A MESSAGE array the input cuts: its lines stay lines.
    const breaks = new Uint8Array(this.heldBreaks).fill(0x0a);
    this.heldBreaks = 0;
    this.messageBytes = undefined;
    return Buffer.concat([breaks, last]);
  }

  /** Journal JSON or not, from the first line(s); undefined while they are not complete. */
  private decide(input: Uint8Array): "pass" | "compact" | "pretty" | undefined {
    let i = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? 3 : 0;
    while (i < input.length && (input[i] === 0x20 || input[i] === 0x09 || input[i] === 0x0d || input[i] === 0x0a)) i++;
    if (i === input.length) return input.length < MAX_JOURNAL_FIRST_LINE ? undefined : "pass";
    if (input[i] !== 0x7b /* { */) return "pass";
    const firstEnd = input.indexOf(0x0a, i);
    if (firstEnd < 0) return input.length < MAX_JOURNAL_FIRST_LINE ? undefined : "pass";
    const first = Buffer.from(input.subarray(i, firstEnd)).toString("utf8").trim();
    if (first === "{") {
      const secondEnd = input.indexOf(0x0a, firstEnd + 1);
      if (secondEnd < 0) return input.length < MAX_JOURNAL_FIRST_LINE ? undefined : "pass";
      const second = Buffer.from(input.subarray(firstEnd + 1, secondEnd)).toString("utf8");
      return JOURNAL_PRETTY_FIELD.test(second) ? "pretty" : "pass";
    }
    const entry = parseJsonObject(first);
    return entry !== undefined && ("MESSAGE" in entry || "__CURSOR" in entry || "__REALTIME_TIMESTAMP" in entry)
      ? "compact"
      : "pass";
  }

  /** Complete lines (each ending in a line break, except at the end of input) to messages. */
  private convertLines(bytes: Uint8Array): Uint8Array {
    const parts: Uint8Array[] = [];
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(0x0a, start);
      const broken = end >= 0;
      if (!broken) end = bytes.length;
      const line = Buffer.from(bytes.subarray(start, end)).toString("utf8");
      start = end + 1;
      if (this.mode === "compact") {
        const message = compactJournalMessage(line);
        if (message !== undefined) parts.push(message);
        if (broken) parts.push(LINE_BREAK);
        continue;
      }
      if (this.messageBytes !== undefined) {
        // Inside a MESSAGE array: its line breaks are held, the message goes on the line of
        // `"MESSAGE" : [` (a record's lines stay as close as the journal's entries).
        this.heldBreaks += broken ? 1 : 0;
        const item = line.trim();
        if (!item.startsWith("]")) {
          const value = Number(item.endsWith(",") ? item.slice(0, -1) : item);
          if (item.length !== 0 && Number.isInteger(value)) this.messageBytes.push(value);
          continue;
        }
        const message = messageFromJson(this.messageBytes);
        this.messageBytes = undefined;
        if (message !== undefined) parts.push(message);
        parts.push(new Uint8Array(this.heldBreaks).fill(0x0a));
        this.heldBreaks = 0;
        continue;
      }
      const field = JOURNAL_PRETTY_MESSAGE.exec(line);
      if (field !== null && field[1] === "[") {
        this.messageBytes = [];
        this.heldBreaks = broken ? 1 : 0;
        continue;
      }
      const message = field === null ? undefined : messageFromJson(parseJson(field[1]!));
      if (message !== undefined) parts.push(message);
      if (broken) parts.push(LINE_BREAK);
    }
    return Buffer.concat(parts);
  }
}

const LINE_BREAK = new Uint8Array([0x0a]);

/** `journalctl -o json` line: its MESSAGE; a line that is no JSON object is kept as it is. */
function compactJournalMessage(line: string): Uint8Array | undefined {
  const entry = parseJsonObject(line.trim());
  if (entry === undefined) return Buffer.from(line, "utf8");
  return messageFromJson(entry["MESSAGE"]);
}

/** A journal MESSAGE value as bytes: a string, or an array of byte values (not valid UTF-8). */
function messageFromJson(value: unknown): Uint8Array | undefined {
  let bytes: Uint8Array | undefined;
  if (typeof value === "string") bytes = Buffer.from(value, "utf8");
  else if (
    Array.isArray(value) &&
    value.every((b) => Number.isInteger(b) && (b as number) >= 0 && (b as number) < 256)
  ) {
    bytes = Uint8Array.from(value as number[]);
  }
  // A line break inside one message would shift every later line number.
  return bytes?.map((b) => (b === 0x0a || b === 0x0d ? 0x20 : b));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith("{")) return undefined;
  const value = parseJson(text);
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** What every mail header line naming a transfer encoding holds (`Content-Transfer-Encoding:`). */
const TRANSFER_ENCODING_NEEDLE = Buffer.from("ransfer-Encoding:", "latin1");
const TRANSFER_ENCODING_NEEDLE_LOWER = Buffer.from("ransfer-encoding:", "latin1");
const TRANSFER_ENCODING_HEADER = /^content-transfer-encoding:\s*(\S*)\s*$/i;
/** Bytes of a chunk's end kept to find a header line the next chunk's start completes. */
const MAX_HEADER_SEAM = 80;
/** An mbox message separator: the next message's headers follow. */
const MBOX_FROM = Buffer.from("From ", "latin1");

/**
 * Decodes the quoted-printable bodies of a mail or mbox (lore and b4 keep the transfer
 * encoding, RFC 2045 §6.7): `=XX` is the byte XX (`sid=3D0x11` is `sid=0x11`, `=09` a tab) and a
 * line ending in `=` is a soft line break, continued on the next line. Decided by the mail's own
 * header: only text after `Content-Transfer-Encoding: quoted-printable` (from the blank line that
 * ends those headers, until another encoding's part or the next mbox `From ` line) is decoded, so
 * an `=` elsewhere is never touched. A line joined by soft breaks is written on its first line
 * and the lines it took become empty, so every line keeps its number. Input without such a header
 * costs two native searches per chunk and passes through untouched.
 */
class QuotedPrintableMailFilter {
  /** A quoted-printable header was seen: lines are read one by one from then on. */
  private lineMode = false;
  /** The previous chunk's last bytes (a header cut by the chunk's end is still found). */
  private tail: Uint8Array = new Uint8Array(0);
  private held: Uint8Array | undefined = undefined;
  /** The body being read is quoted-printable. */
  private decoding = false;
  /** The encoding of the body after the next blank line, from the last header read. */
  private nextDecoding: boolean | undefined = undefined;
  /** A line continued by soft line breaks: its decoded bytes, and the line breaks it took. */
  private joined: number[] | undefined = undefined;
  private joinedBreaks = 0;

  filter(chunk: Uint8Array): Uint8Array {
    if (!this.lineMode) {
      const start = this.headerLineEnd(chunk);
      if (start < 0) {
        // Small chunks (a pipe) add up: the seam is the last bytes of the input so far.
        this.tail =
          chunk.length >= MAX_HEADER_SEAM
            ? keptCopy(chunk, chunk.length - MAX_HEADER_SEAM)
            : Buffer.concat([this.tail, chunk]).subarray(-MAX_HEADER_SEAM);
        return chunk;
      }
      // Up to the header line's end everything is as it was; line by line from there.
      this.lineMode = true;
      this.nextDecoding = true;
      return Buffer.concat([chunk.subarray(0, start), this.lines(chunk.subarray(start))]);
    }
    return this.lines(chunk);
  }

  /** End of input: a last line without a line break, and a soft break with nothing after it. */
  end(): Uint8Array | undefined {
    if (!this.lineMode) return undefined;
    const held = this.held;
    this.held = undefined;
    const parts: Uint8Array[] = [];
    if (held !== undefined) parts.push(this.line(held, false));
    if (this.joined !== undefined) parts.push(this.flushJoined());
    return parts.length === 0 ? undefined : Buffer.concat(parts);
  }

  /**
   * The end (after its line break) of the first line of `chunk` that is a quoted-printable
   * Content-Transfer-Encoding header, or -1 (also when that line's break is not in the chunk yet:
   * the header is then found again with the next chunk's tail).
   */
  private headerLineEnd(chunk: Uint8Array): number {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    for (const needle of [TRANSFER_ENCODING_NEEDLE, TRANSFER_ENCODING_NEEDLE_LOWER]) {
      let at = bytes.indexOf(needle);
      if (at < 0 && this.tail.length !== 0) {
        // Cut by the previous chunk's end: the seam holds it.
        if (Buffer.concat([this.tail, chunk.subarray(0, needle.length)]).indexOf(needle) >= 0) at = 0;
      }
      while (at >= 0) {
        const lineEnd = chunk.indexOf(0x0a, at);
        if (lineEnd < 0) break;
        const lineStart = at === 0 ? 0 : chunk.lastIndexOf(0x0a, at) + 1;
        // A line started in the previous chunk: its start is in the tail.
        const head = lineStart === 0 ? this.tail.subarray(this.tail.lastIndexOf(0x0a) + 1) : new Uint8Array(0);
        const text = Buffer.concat([head, chunk.subarray(lineStart, lineEnd)]).toString("latin1");
        if (TRANSFER_ENCODING_HEADER.exec(text)?.[1]!.toLowerCase() === "quoted-printable") return lineEnd + 1;
        at = bytes.indexOf(needle, lineEnd);
      }
    }
    return -1;
  }

  private lines(chunk: Uint8Array): Uint8Array {
    const input = afterHeld(this.held, chunk);
    this.held = undefined;
    const parts: Uint8Array[] = [];
    let start = 0;
    for (;;) {
      const end = input.indexOf(0x0a, start);
      if (end < 0) break;
      parts.push(this.line(input.subarray(start, end), true));
      start = end + 1;
    }
    if (start < input.length) this.held = keptCopy(input, start);
    return Buffer.concat(parts);
  }

  /** One line (without its line break): what to write for it. */
  private line(bytes: Uint8Array, broken: boolean): Uint8Array {
    if (this.joined !== undefined) return this.continueJoined(bytes, broken);
    if (bytes.length >= MBOX_FROM.length && MBOX_FROM.every((b, i) => bytes[i] === b)) {
      this.decoding = false;
      this.nextDecoding = undefined;
      return withBreak(bytes, broken);
    }
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    if (end === 0) {
      if (this.nextDecoding !== undefined) this.decoding = this.nextDecoding;
      this.nextDecoding = undefined;
      return withBreak(bytes, broken);
    }
    if ((bytes[0] === 0x43 || bytes[0] === 0x63) /* C, c */ && end < 200) {
      const header = TRANSFER_ENCODING_HEADER.exec(Buffer.from(bytes.subarray(0, end)).toString("latin1"));
      if (header !== null) this.nextDecoding = header[1]!.toLowerCase() === "quoted-printable";
    }
    if (!this.decoding) return withBreak(bytes, broken);
    const decoded: number[] = [];
    if (decodeQuotedPrintableLine(bytes, decoded)) {
      this.joined = decoded;
      this.joinedBreaks = broken ? 1 : 0;
      return broken ? new Uint8Array(0) : this.flushJoined();
    }
    return withBreak(Uint8Array.from(decoded), broken);
  }

  private continueJoined(bytes: Uint8Array, broken: boolean): Uint8Array {
    const soft = decodeQuotedPrintableLine(bytes, this.joined!);
    if (broken) this.joinedBreaks++;
    if (soft && broken) return new Uint8Array(0);
    return this.flushJoined();
  }

  /** The joined line, then a line break for each line it took. */
  private flushJoined(): Uint8Array {
    const joined = this.joined!;
    this.joined = undefined;
    const breaks = this.joinedBreaks;
    this.joinedBreaks = 0;
    const out = new Uint8Array(joined.length + breaks);
    out.set(joined);
    out.fill(0x0a, joined.length);
    return out;
  }
}

function withBreak(bytes: Uint8Array, broken: boolean): Uint8Array {
  if (!broken) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = 0x0a;
  return out;
}

/**
 * Appends the decoded bytes of one quoted-printable line (RFC 2045 §6.7) to `out`; true when it
 * ends in a soft line break (`=` last, trailing blanks and a CR aside). A `=` not followed by two
 * hex digits is kept as it is.
 */
function decodeQuotedPrintableLine(bytes: Uint8Array, out: number[]): boolean {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  let content = end;
  while (content > 0 && (bytes[content - 1] === 0x20 || bytes[content - 1] === 0x09)) content--;
  const soft = content > 0 && bytes[content - 1] === 0x3d;
  const last = soft ? content - 1 : end;
  for (let i = 0; i < last; i++) {
    const c = bytes[i]!;
    if (c === 0x3d && i + 2 < last) {
      const hi = hexDigitValue(bytes[i + 1]);
      const lo = hexDigitValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out.push(c);
  }
  if (!soft && end < bytes.length) out.push(0x0d);
  return soft;
}

function hexDigitValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

const ESC = 0x1b;
/** Longest CSI sequence held back at a chunk end (longer ones are text, not colour). */
const MAX_CSI = 64;

/**
 * Drops ANSI CSI sequences (ESC `[` parameters intermediates final, ECMA-48 §5.4) from the input
 * bytes: `dmesg --color=always`, `script` captures and CI consoles colour kernel lines, and a
 * colour code between the device prefix and `event 0x..` hides the record from the scanner. Only
 * line numbers leave the CLI, and no sequence holds a line break, so no reported position moves.
 * A chunk without ESC (a plain log) passes through untouched after one native search; a sequence
 * cut by the chunk's end is held back until the next chunk.
 */
class AnsiSequenceFilter {
  private held: Uint8Array | undefined = undefined;

  filter(chunk: Uint8Array): Uint8Array {
    const input = afterHeld(this.held, chunk);
    this.held = undefined;
    const first = input.indexOf(ESC);
    if (first < 0) return input;
    const out = new Uint8Array(input.length);
    out.set(input.subarray(0, first));
    let n = first;
    let i = first;
    while (i < input.length) {
      const c = input[i]!;
      if (c !== ESC) {
        out[n++] = c;
        i++;
        continue;
      }
      if (i + 1 === input.length) {
        this.held = keptCopy(input, i);
        break;
      }
      if (input[i + 1] === 0x5b /* [ */) {
        let j = i + 2;
        while (j < input.length && input[j]! >= 0x20 && input[j]! <= 0x3f) j++;
        if (j === input.length && j - i < MAX_CSI) {
          this.held = keptCopy(input, i);
          break;
        }
        if (j < input.length && input[j]! >= 0x40 && input[j]! <= 0x7e) {
          i = j + 1;
          continue;
        }
      }
      out[n++] = c;
      i++;
    }
    return out.subarray(0, n);
  }

  /** End of input: bytes held back (an unfinished sequence) are text after all. */
  end(): Uint8Array | undefined {
    const held = this.held;
    this.held = undefined;
    return held;
  }
}

/** Bytes read from a file at a time (one buffer, reused: the scanner and the filters copy what they keep). */
const READ_BLOCK = 1 << 20;

/**
 * Streams a file (or stdin for `-`) as bytes into `push` (the byte scanner decodes only the lines
 * it needs); returns a located message on failure.
 * Stops reading as soon as `stop()` says the output is gone (`decode big.log | head`).
 * A file is read with positionless reads into one reused buffer (no stream machinery, no buffer
 * per chunk: about 0.03 s less per 100 MB than a read stream), which also serves FIFOs and devices.
 */
async function streamInto(
  input: string,
  io: CliIo,
  push: (chunk: Uint8Array) => void,
  stop: () => boolean,
): Promise<string | undefined> {
  try {
    if (input === "-") {
      for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
        // stdin is left open to the process when the loop is left.
        if (stop()) return undefined;
        // A stdin in text mode hands strings: back to UTF-8 bytes (the same text either way).
        push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
      }
      return undefined;
    }
    const file = await open(resolve(io.cwd, input), "r");
    try {
      const block = Buffer.allocUnsafe(READ_BLOCK);
      for (;;) {
        if (stop()) return undefined;
        const { bytesRead } = await file.read(block, 0, READ_BLOCK, null);
        if (bytesRead === 0) return undefined;
        push(block.subarray(0, bytesRead));
      }
    } finally {
      await file.close();
    }
  } catch (e: unknown) {
    return cannotReadMessage(input, e);
  }
}

/**
 * Collects output and writes it in blocks (one write per record would dominate a big log). Knows
 * when the reader has gone (EPIPE: `decode big.log | head`): then it drops output and `closed`
 * tells the reading loop to stop, so no further input is read and no stack trace is printed.
 */
class BlockWriter {
  private parts: string[] = [];
  private size = 0;
  private gone = false;
  constructor(private readonly io: CliIo) {}

  /**
   * The reader is gone: a write failed with EPIPE, or the process's standard output was
   * destroyed by its EPIPE error (main.ts then ends the process; until it does, read no more).
   */
  get closed(): boolean {
    return this.gone || process.stdout.destroyed;
  }

  write(text: string): void {
    if (this.gone) return;
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= OUTPUT_BLOCK) this.flush();
  }

  flush(): void {
    if (this.size === 0 || this.gone) return;
    const text = this.parts.join("");
    this.parts = [];
    this.size = 0;
    try {
      this.io.out(text);
    } catch (e: unknown) {
      if ((e as { code?: unknown }).code !== "EPIPE") throw e;
      this.gone = true;
    }
  }
}

interface Printer {
  record(r: DecodedLogRecord): void;
  problem(file: string, p: LogProblem): void;
  end(records: number): void;
}

/** The contract's raw dwords: contract hex, DW0 first. */
function rawWords(r: DecodedLogRecord): string[] {
  const out: string[] = [];
  for (let i = 0; i < r.expectedDwords; i++) out.push(hexHalves(r.words[2 * i]!, r.words[2 * i + 1]!));
  return out;
}

function locatedProblems(r: DecodedLogRecord): string[] {
  return [...r.problems.map((p) => `line ${p.line + 1}: ${p.message}`), ...r.decodeProblems];
}

function kindOf(r: DecodedLogRecord): string {
  // Bare dwords are decoded as an event record: the contract calls them events.
  return r.kind === "dwords" ? "event" : r.kind;
}

/**
 * What the kernel's decoded lines (Linux >= v6.14) printed, as read: numbers as contract hex, the
 * flags line's words as booleans (`priv` -> privileged, `inst` -> instruction, `read`, `s2` ->
 * stage2, `ttd_read` -> ttdRead, `stall`) and its quoted class text. Only what was printed.
 */
function kernelDecodedJson(k: KernelDecodedLines): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = { name: k.name, client: k.client };
  if (k.sid !== undefined) out["sid"] = hexNumber(k.sid);
  if (k.ssid !== undefined) out["ssid"] = hexNumber(k.ssid);
  if (k.iova !== undefined) out["iova"] = k.iova;
  if (k.ipa !== undefined) out["ipa"] = k.ipa;
  if (k.fetchAddr !== undefined) out["fetchAddr"] = k.fetchAddr;
  if (k.stag === undefined) return out;
  if (k.privileged !== undefined) out["privileged"] = k.privileged;
  if (k.instruction !== undefined) out["instruction"] = k.instruction;
  if (k.read !== undefined) out["read"] = k.read;
  if (k.stage2 !== undefined) out["stage2"] = k.stage2;
  if (k.classText !== undefined) out["class"] = k.classText;
  if (k.ttdRead !== undefined) out["ttdRead"] = k.ttdRead;
  if (k.stall !== undefined) out["stall"] = k.stall;
  out["stag"] = hexNumber(k.stag);
  return out;
}

class JsonPrinter implements Printer {
  constructor(private readonly out: BlockWriter) {}

  record(r: DecodedLogRecord): void {
    const fields: Record<string, string> = {};
    const meanings: Record<string, string> = {};
    for (const f of r.fields) {
      fields[f.field] = f.value;
      if (f.meaning !== "") meanings[f.field] = f.meaning;
    }
    if (r.kind === "trace" && r.trace) Object.assign(fields, r.trace.args);
    const obj = {
      arch: "smmuv3",
      kind: kindOf(r),
      file: r.file ?? "-",
      line: r.startLine + 1,
      endLine: r.endLine + 1,
      raw: rawWords(r),
      id: r.id,
      name: r.name,
      fields,
      meanings,
      summary: r.summary,
      problems: locatedProblems(r),
      form: r.form,
      quoteDepth: r.quoteDepth,
      complete: r.complete,
      ...(r.source !== "" ? { source: r.source } : {}),
      ...(r.cmdq
        ? {
            cmdq: {
              cons: "0x" + r.cmdq.cons.toString(16),
              error: `0x${r.cmdq.errorCode.toString(16)}`,
              cerror: cmdqErrorName(r.cmdq.errorCode),
              text: r.cmdq.errorText,
            },
          }
        : {}),
      ...(r.kernelDecoded ? { kernelDecoded: kernelDecodedJson(r.kernelDecoded) } : {}),
    };
    this.out.write(JSON.stringify(obj) + "\n");
  }

  problem(file: string, p: LogProblem): void {
    this.out.write(JSON.stringify({ kind: "problem", file, line: p.line + 1, message: p.message }) + "\n");
  }

  end(): void {}
}

/**
 * `arm-smmu-v3.0.auto`: the SMMU instance a kernel print came from (its device prefix without the
 * driver name), since StreamIDs are numbered per SMMU; "" when the text has none.
 */
function instanceOf(r: DecodedLogRecord): string {
  if ((r.form !== "linux-raw" && r.form !== "linux-cmdq") || r.source === "") return "";
  // The device name is the prefix's last word (before it: the driver, or a stamp not peeled).
  return r.source.replace(/:$/, "").split(/\s+/).pop() ?? "";
}

const FORM_TEXT: Readonly<Record<string, string>> = {
  "linux-raw": "Linux arm-smmu-v3 event",
  "linux-cmdq": "Linux arm-smmu-v3 command-queue error",
  bare: "hex dwords",
  "qemu-trace": "QEMU trace",
};

class TablePrinter implements Printer {
  /** Event names whose cause and next steps were already printed (mails quote a log many times). */
  private readonly explained = new Set<string>();
  /** Records per name, and per StreamID within a name, in first-seen order (the closing summary). */
  private readonly counts = new Map<string, NameCount>();
  /** SMMU instances seen (device names of kernel prints). */
  private readonly instances = new Set<string>();
  constructor(private readonly out: BlockWriter) {}

  private count(r: DecodedLogRecord, device: string): void {
    // A command-queue error is named by its error and command (`CERROR_ILL CMD_SYNC`).
    const key =
      r.kind === "cmdq-error" && r.cmdq && r.id !== "" ? `${cmdqErrorName(r.cmdq.errorCode)} ${r.name}` : r.name;
    let c = this.counts.get(key);
    if (c === undefined) {
      c = { count: 0, streamIds: new Map() };
      this.counts.set(key, c);
    }
    c.count++;
    const sid = r.fields.find((f) => f.field === "StreamID")?.value;
    if (sid === undefined) return;
    // StreamIDs are per SMMU: keyed with the instance, shown with it when the log has several.
    if (device !== "") this.instances.add(device);
    const sidKey = `${sid}\u0000${device}`;
    c.streamIds.set(sidKey, (c.streamIds.get(sidKey) ?? 0) + 1);
  }

  record(r: DecodedLogRecord): void {
    const device = instanceOf(r);
    this.count(r, device);
    const w = (s: string): void => this.out.write(s + "\n");
    const where = r.startLine === r.endLine ? `${r.startLine + 1}` : `${r.startLine + 1}-${r.endLine + 1}`;
    const quoted = r.quoteDepth ? `, quoted ${">".repeat(r.quoteDepth)}` : "";
    const id = r.id ? `${r.id} ` : "";
    w(
      `${r.file ?? "-"}:${where}: ${id}${r.name}  (${FORM_TEXT[r.form] ?? r.form}${device ? ` from ${device}` : ""}${quoted})`,
    );
    w(`  ${r.summary}`);
    // CERROR_ABT / CERROR_ATC_INV_SYNC: the kernel prints no command by design (nothing is missing).
    const noCommandByDesign = r.kind === "cmdq-error" && r.wordRanges[0] === undefined && r.problems.length === 0;
    if (r.kind !== "trace" && r.expectedDwords && !noCommandByDesign) {
      const raw: string[] = [];
      for (let i = 0; i < r.expectedDwords; i++) {
        const v = { lo: r.words[2 * i]!, hi: r.words[2 * i + 1]! };
        raw.push(r.wordRanges[i] ? hex64Padded(v) : "(missing)");
      }
      w(`  raw   ${raw.join(" ")}`);
    }
    for (const line of fieldTableLines(r.fields)) w(line);
    // An unreadable decoded line (name "?") is told by its problem; its empty values are not shown.
    if (r.kernelDecoded && r.kernelDecoded.name !== "?") {
      w(`  kernel decoded: event ${r.kernelDecoded.name}, client ${r.kernelDecoded.client}`);
    }
    const problems = locatedProblems(r);
    if (problems.length) {
      w("  problems:");
      for (const p of problems) w(`    ! ${p}`);
    }
    if (r.kind === "cmdq-error") this.explainCmdqError(r);
    const type = r.event?.type;
    if (type) for (const line of eventExplanationLines(type, this.explained)) w(line);
    w("");
  }

  private explainCmdqError(r: DecodedLogRecord): void {
    const w = (s: string): void => this.out.write(s + "\n");
    if (r.command?.type) w(`  meaning: ${r.command.type.doc}`);
    const cerror = r.cmdq ? cmdqErrorName(r.cmdq.errorCode) : "";
    const help = cmdqErrorHelp(cerror);
    if (!help) return;
    if (this.explained.has(cerror)) {
      w(`  (cause and next steps for ${cerror}: see above)`);
      return;
    }
    this.explained.add(cerror);
    w(`  cause: ${help.cause}`);
    w("  next steps:");
    help.nextSteps.forEach((s, i) => w(`    ${i + 1}. ${s}`));
  }

  problem(file: string, p: LogProblem): void {
    this.out.write(`${file}:${p.line + 1}: problem: ${p.message}\n`);
  }

  /** The count, then one line per record name (most frequent first) with its StreamIDs. */
  end(records: number): void {
    this.out.write(records === 0 ? "no records found\n" : `${records} record${records === 1 ? "" : "s"} found\n`);
    const several = this.instances.size > 1;
    const streamIdText = (key: string): string => {
      const [sid, device] = key.split("\u0000");
      return several && device ? `${sid!} on ${device}` : sid!;
    };
    for (const line of nameCountLines(this.counts, streamIdText)) this.out.write(line + "\n");
  }
}
