// The line parser behind `importDump`: normalizes each pasted line (mail quotes, diff markers,
// markup, prompts; dump-formats.md §16), recognizes commands, gaps, read errors and `*`
// elisions, and parses data lines of one format into units for the sink. One pass, indices into
// the original text (no per-line substrings on the data path), so spans are exact and a 64 MB
// dump is cheap.

import { DumpSink, SPACE_GIVEN, SPACE_OFFSET, SPACE_PHYSICAL, SPACE_VIRTUAL } from "./sink";
import {
  DUMP_ADDRESS_LIMIT,
  hexAddr,
  hexDigit,
  hexOut,
  hexOutAddress,
  isSpace,
  parseHexRun,
  scanHex,
  scanToken,
  skipSpaces,
} from "./scan";
import { DUMP_CODES, type DumpTextFormat } from "./types";

type LineKind = "data" | "other" | "bad" | "done";

/** Most values one line may hold (xxd -c 256 with one-byte groups). */
const MAX_TOKENS = 256;

export interface ParserOptions {
  readonly file: string;
  readonly base: number;
  readonly hasBase: boolean;
  readonly plainWidth: 32 | 64;
  readonly xxdLittleEndian: boolean | undefined;
  readonly maxElisionBytes: number;
  readonly bigEndian: boolean;
}

/** Line counts that auto-detection scores formats by. */
export interface ParseStats {
  dataLines: number;
  badLines: number;
  /** Data lines whose address continues the previous data line exactly. */
  contiguous: number;
  /** Lines whose spacing is not the format's (crash `:  ` vs xxd `: `). */
  shapeMismatch: number;
  /** Command lines naming this format's tool. */
  commandHints: number;
}

const PROMPT = /^(?:\(gdb\)|\(qemu\)|crash>|[$%](?=\s)|#(?=\s)|[\w.-]+@[\w.-]+(?::[^\s#$]*)?\s*[#$]|\[[^\]]*\][#$])\s*/;
const GAP = /^[[(<]?\s*(?:\.{2,}|…|snip|\.\.\.\s*snip\s*\.\.\.)\s*[\])>]?$/i;
const READ_ERROR =
  /cannot access memory|can not dump|read error|invalid (?:kernel |user )?(?:virtual |physical )?address/i;
const MARKUP = /<\/?(?:b|strong|i|em|code|pre|tt|u|span|font)(?:\s[^>]*)?>/gi;

export class DumpParser {
  readonly sink: DumpSink;
  readonly stats: ParseStats = { dataLines: 0, badLines: 0, contiguous: 0, shapeMismatch: 0, commandHints: 0 };

  // the current line
  private s = "";
  private line = 0;
  private col0 = 0;
  private map: Int32Array | undefined;
  private badStart = 0;
  private badEnd = 0;
  private badMessage = "";

  // values of the current line
  private n = 0;
  private readonly tokStart = new Int32Array(MAX_TOKENS);
  private readonly tokEnd = new Int32Array(MAX_TOKENS);
  private readonly tokLo = new Uint32Array(MAX_TOKENS);
  private readonly tokHi = new Uint32Array(MAX_TOKENS);

  // state carried between lines
  private space: number;
  private expectAddr = -1;
  private rejectValues: string | undefined;
  private rejectReported = false;
  private prevEnd = -1;
  /** Offset and bytes of the last data line of an offset format (for `*`). */
  private lastOffset = -1;
  private lastLen = 0;
  private readonly lastBytes = new Uint8Array(MAX_TOKENS * 8);
  /** Columns of the token each byte of the current line came from. */
  private readonly byteStart = new Int32Array(MAX_TOKENS * 8);
  private readonly byteEnd = new Int32Array(MAX_TOKENS * 8);
  private elisionLine = -1;
  private elisionStart = 0;
  private elisionEnd = 0;
  private sinceCount = 0;
  private xxdCommandLE: boolean | undefined;
  private xxdLE8: boolean;
  private xxdLE16: boolean;
  private xxdWidth = 0;
  private radix: number;
  private plainAddr = -1;
  private noBaseReported = false;
  private eightDigitValues = 0;
  private otherValues = 0;
  private ambiguityLine = -1;
  private lastDigits = 0;
  /** The pending devmem read: address (or -1) and width in bytes. */
  private devmemAddr = -1;
  private devmemWidth = 4;
  private devmemTwo = false;

  constructor(
    readonly format: DumpTextFormat,
    readonly options: ParserOptions,
  ) {
    this.sink = new DumpSink(options.file);
    this.space =
      format === "qemu"
        ? SPACE_PHYSICAL
        : format === "gdb" || format === "crash"
          ? SPACE_VIRTUAL
          : format === "plain"
            ? SPACE_GIVEN
            : SPACE_OFFSET;
    this.xxdLE8 = options.xxdLittleEndian ?? true;
    this.xxdLE16 = options.xxdLittleEndian ?? true;
    this.radix = format === "od" ? 8 : 16;
    if (options.hasBase) this.plainAddr = options.base;
  }

  /** Parses `text` (or its first `maxLines` lines) and finishes the sink. */
  run(text: string, maxLines = Infinity): void {
    // the pre-passes look at the first 4 MiB only (a slice shares the text's storage)
    const head = text.length > 1 << 22 ? text.slice(0, 1 << 22) : text;
    if (this.format === "xxd" && this.options.xxdLittleEndian === undefined) this.decideXxdOrder(head);
    if (this.format === "od") this.decideOdRadix(head);
    const n = text.length;
    let pos = 0;
    let line = 0;
    let nextLt = -1;
    while (line < maxLines) {
      let nl = text.indexOf("\n", pos);
      if (nl < 0) nl = n;
      if (nextLt !== n && nextLt < pos) {
        nextLt = text.indexOf("<", pos);
        if (nextLt < 0) nextLt = n;
      }
      this.processLine(text, pos, nl, line, nextLt < nl);
      if (nl >= n) break;
      pos = nl + 1;
      line++;
    }
    this.finish();
  }

  private finish(): void {
    this.sink.flush();
    if (this.elisionLine >= 0)
      this.sink.problem(
        DUMP_CODES.elision,
        "warning",
        "a `*` elision with no following offset: the repeated lines' extent is unknown, nothing was imported for it",
        this.elisionLine,
        this.elisionStart,
        this.elisionLine,
        this.elisionEnd,
      );
    if (
      this.format === "plain" &&
      this.options.plainWidth === 64 &&
      this.eightDigitValues >= 2 &&
      this.otherValues === 0
    )
      this.sink.problem(
        DUMP_CODES.ambiguous,
        "information",
        "every value has exactly 8 hex digits: they were read as qwords; if they are 32-bit words, import with plainWidth 32",
        this.ambiguityLine,
        0,
        this.ambiguityLine,
        0,
      );
  }

  private col(idx: number): number {
    return this.map ? this.map[idx]! : idx - this.col0;
  }

  // ---- lines ---------------------------------------------------------------------------------

  private processLine(text: string, start: number, nl: number, line: number, maybeMarkup: boolean): void {
    let end = nl;
    while (end > start && (isSpace(text.charCodeAt(end - 1)) || text.charCodeAt(end - 1) === 13)) end--;
    this.s = text;
    this.col0 = start;
    this.map = undefined;
    this.line = line;
    let i = start;
    // mail quotes (`> `, `>> `, `> > `), indentation and one diff `+` (§16.1)
    for (;;) {
      i = skipSpaces(text, i, end);
      if (i < end && text.charCodeAt(i) === 62 /* > */) i++;
      else break;
    }
    if (i < end && text.charCodeAt(i) === 43 /* + */ && text.charCodeAt(i + 1) !== 43) i = skipSpaces(text, i + 1, end);
    if (i >= end) return;
    if (maybeMarkup) {
      const raw = text.slice(i, end);
      MARKUP.lastIndex = 0;
      if (MARKUP.test(raw)) {
        const { cleaned, map } = stripMarkup(raw, i - start);
        this.s = cleaned;
        this.map = map;
        i = skipSpaces(cleaned, 0, cleaned.length);
        end = cleaned.length;
        if (i >= end) return;
      }
    }
    const s = this.s;
    if (end === i + 1 && s.charCodeAt(i) === 42 /* * */) {
      this.star(i, end);
      return;
    }
    const kind = this.rejectValues !== undefined ? this.rejected(i, end) : this.parseData(i, end);
    if (kind === "data") {
      this.stats.dataLines++;
      return;
    }
    if (kind === "done") {
      this.stats.badLines++;
      this.afterBadLine();
      return;
    }
    if (this.nonData(s.slice(i, end), i, end)) return;
    if (kind === "bad") {
      this.stats.badLines++;
      this.sink.problem(
        DUMP_CODES.badLine,
        "error",
        this.badMessage,
        this.line,
        this.col(this.badStart),
        this.line,
        this.col(this.badEnd),
      );
      this.afterBadLine();
    }
  }

  private afterBadLine(): void {
    this.sink.flush();
    this.lastOffset = -1;
    this.prevEnd = -1;
  }

  private bad(start: number, end: number, message: string): LineKind {
    this.badStart = start;
    this.badEnd = end;
    this.badMessage = message;
    return "bad";
  }

  private addressRange(start: number, end: number): LineKind {
    this.sink.problem(
      DUMP_CODES.addressRange,
      "error",
      `address ${this.s.slice(start, end)} is at or beyond 2^53 (a kernel virtual address?); the engine holds physical addresses only, the line is not imported`,
      this.line,
      this.col(start),
      this.line,
      this.col(end),
    );
    return "done";
  }

  private rejected(i: number, end: number): LineKind {
    // values the importer does not read: recognize the line by its address only, import nothing
    if (!/^(?:0x)?[0-9a-f]+(?:\s*<[^>]*>)?(?::|\s)/i.test(this.s.slice(i, Math.min(end, i + 64)))) return "other";
    this.sink.flush();
    if (!this.rejectReported) {
      this.rejectReported = true;
      this.sink.problem(
        DUMP_CODES.unsupported,
        "error",
        this.rejectValues!,
        this.line,
        this.col(i),
        this.line,
        this.col(end),
      );
    }
    return "done";
  }

  /** Commands, comments, gaps and read errors. True when the line was one of them. */
  private nonData(text: string, i: number, end: number): boolean {
    if (text.startsWith("```") || text.startsWith("~~~")) return true;
    const prompt = PROMPT.exec(text);
    if (prompt) {
      this.command(text.slice(prompt[0].length), prompt[0]);
      return true;
    }
    if (/^(?:xp|x|rd|xxd|hexdump|hd|od|devmem2?)(?:\s|\/|$)/.test(text) && !/^[0-9a-f]+:/i.test(text)) {
      this.command(text, "");
      return true;
    }
    const c0 = text.charCodeAt(0);
    if (c0 === 35 /* # */ || text.startsWith("//") || c0 === 59 /* ; */) return true;
    if (GAP.test(text)) {
      this.sink.flush();
      this.lastOffset = -1;
      this.prevEnd = -1;
      this.sink.problem(
        DUMP_CODES.gap,
        "information",
        "a gap in the dump: the elided memory is not imported (not zeros)",
        this.line,
        this.col(i),
        this.line,
        this.col(end),
      );
      return true;
    }
    if (READ_ERROR.test(text)) {
      this.sink.flush();
      this.lastOffset = -1;
      this.prevEnd = -1;
      this.sink.problem(
        DUMP_CODES.readError,
        "warning",
        `the tool could not read memory here: ${text.trim()}`,
        this.line,
        this.col(i),
        this.line,
        this.col(end),
      );
      return true;
    }
    return false;
  }

  /** A command line: sets the address space, expected address and value format it implies. */
  private command(cmd: string, prompt: string): void {
    const mdev = /^(devmem2?)\s+(0x[0-9a-f]+|\d+)(?:\s+(\S+))?(?:\s+(\S+))?/i.exec(cmd.trim());
    if (mdev) {
      // busybox devmem / devmem2: a read's address is only in its command (§8–9); reads are not
      // flushed between commands so that adjacent 32-bit reads pair into a qword
      if (this.format === "devmem") this.stats.commandHints++;
      const addrText = mdev[2]!;
      const addr = /^0x/i.test(addrText) ? parseAddressText(addrText.slice(2)) : Number(addrText);
      const w = (mdev[3] ?? "").toLowerCase();
      const width =
        mdev[1] === "devmem2"
          ? w === "b"
            ? 1
            : w === "h"
              ? 2
              : 4
          : w === "8" || w === "b"
            ? 1
            : w === "16" || w === "h"
              ? 2
              : w === "64" || w === "l"
                ? 8
                : w === "128"
                  ? 16
                  : 4;
      // a devmem with a value writes and prints nothing
      const writes = mdev[1] === "devmem" ? mdev[4] !== undefined : /^(0x[0-9a-f]+|\d+)$/i.test(mdev[4] ?? "");
      this.devmemAddr = writes || addr < 0 || !Number.isSafeInteger(addr) ? -1 : addr;
      this.devmemWidth = width;
      this.devmemTwo = mdev[1] === "devmem2";
      return;
    }
    this.sink.flush();
    this.lastOffset = -1;
    this.prevEnd = -1;
    this.elisionLine = -1;
    this.expectAddr = -1;
    this.rejectValues = undefined;
    this.rejectReported = false;
    cmd = cmd.trim();
    const f = this.format;
    const mx = /^(xp|x)\s*\/\s*(\d*)([a-zA-Z]*)\s*(\S*)/.exec(cmd);
    if (mx) {
      const isGdbPrompt = prompt.startsWith("(gdb)");
      const isQemuPrompt = prompt.startsWith("(qemu)");
      if ((f === "gdb" && !isQemuPrompt && mx[1] === "x") || (f === "qemu" && !isGdbPrompt)) this.stats.commandHints++;
      const letters = mx[3]!;
      const fmt = /[duoctisa]/.exec(letters.replace(/[bhwgL]/g, ""));
      if (fmt)
        this.rejectValues = `\`${cmd}\` prints ${describeFormatLetter(fmt[0])} values; only hex (x) dumps are imported`;
      if (f === "qemu") this.space = mx[1] === "xp" ? SPACE_PHYSICAL : SPACE_VIRTUAL;
      const arg = mx[4]!;
      if (/^0x[0-9a-f]+$/i.test(arg)) this.expectAddr = parseAddressText(arg.slice(2));
      return;
    }
    const mrd = /^rd\b(.*)$/.exec(cmd);
    if (mrd) {
      if (f === "crash") this.stats.commandHints++;
      const args = mrd[1]!.trim().split(/\s+/);
      let physical = false;
      let reverse = false;
      let addrArg: string | undefined;
      for (const a of args) {
        if (a === "-p") physical = true;
        else if (a === "-R") reverse = true;
        else if (a === "-d" || a === "-D")
          this.rejectValues = `\`${cmd}\` prints decimal values; only hex dumps are imported`;
        else if (a === "-s" || a === "-S")
          this.rejectValues = `\`${cmd}\` prints symbols instead of values; only hex dumps are imported`;
        else if (!a.startsWith("-") && addrArg === undefined) addrArg = a;
      }
      if (f === "crash") this.space = physical ? SPACE_PHYSICAL : SPACE_VIRTUAL;
      if (!reverse && addrArg !== undefined && /^(0x)?[0-9a-f]+$/i.test(addrArg))
        this.expectAddr = parseAddressText(addrArg.replace(/^0x/i, ""));
      return;
    }
    const mxxd = /^xxd\b(.*)$/.exec(cmd);
    if (mxxd) {
      if (f === "xxd") this.stats.commandHints++;
      const args = mxxd[1]!;
      if (/(^|\s)-(p|ps|postscript|plain|i|include|b|bits|r)\b/.test(args))
        this.rejectValues = `\`${cmd}\` does not print the offset/hex layout; only xxd's default, -g and -e layouts are imported`;
      this.xxdCommandLE = /(^|\s)-e\b/.test(args);
      this.xxdLE8 = this.xxdCommandLE;
      this.xxdLE16 = this.xxdCommandLE;
      return;
    }
    const mhd = /^(hexdump|hd)\b(.*)$/.exec(cmd);
    if (mhd) {
      const canonical = mhd[1] === "hd" || /(^|\s)-C\b/.test(mhd[2]!);
      if ((f === "hexdump-c" && canonical) || (f === "hexdump" && !canonical)) this.stats.commandHints++;
      return;
    }
    const mod = /^od\b(.*)$/.exec(cmd);
    if (mod) {
      if (f === "od") this.stats.commandHints++;
      const args = mod[1]!;
      const radix = /-A\s*([xdon])/.exec(args)?.[1];
      if (f === "od") this.radix = radix === "x" ? 16 : radix === "d" ? 10 : 8;
      if (radix === "n") this.rejectValues = `\`${cmd}\` prints no offsets; import it as a plain list with a base`;
      else if (!/-t\s*x|(^|\s)-x\b|-t\s*\S*x/.test(args))
        this.rejectValues = `\`${cmd}\` does not print hex units (use -t x1/x2/x4/x8)`;
    }
  }

  // ---- data lines --------------------------------------------------------------------------

  private parseData(i: number, end: number): LineKind {
    switch (this.format) {
      case "qemu":
        return this.parseQemu(i, end);
      case "gdb":
        return this.parseGdb(i, end);
      case "crash":
        return this.parseCrash(i, end);
      case "xxd":
        return this.parseXxd(i, end);
      case "hexdump-c":
        return this.parseHexdumpC(i, end);
      case "hexdump":
      case "od":
        return this.parseUnits(i, end);
      case "devmem":
        return this.parseDevmem(i, end);
      case "plain":
        return this.parsePlain(i, end);
    }
  }

  /** Notes a data line at `addr` covering `bytes` for contiguity scoring. */
  private contiguity(addr: number, bytes: number): void {
    if (addr === this.prevEnd) this.stats.contiguous++;
    this.prevEnd = addr + bytes;
  }

  private checkExpected(addr: number, a: number, b: number): void {
    if (this.expectAddr < 0) return;
    if (addr !== this.expectAddr)
      this.sink.problem(
        DUMP_CODES.addressMismatch,
        "warning",
        `the dump starts at ${hexAddr(addr)} but its command asked for ${hexAddr(this.expectAddr)}; the printed addresses are used`,
        this.line,
        this.col(a),
        this.line,
        this.col(b),
      );
    this.expectAddr = -1;
  }

  /** `0x`-prefixed items separated by whitespace (QEMU and gdb): fills the token scratch. Returns the digit width, or -1 (bad set). */
  private zeroXItems(j: number, end: number): number {
    const s = this.s;
    let width = 0;
    this.n = 0;
    for (;;) {
      j = skipSpaces(s, j, end);
      if (j >= end) break;
      // one pass per token: `0x`, then digits straight into the halves until whitespace
      let t = j + 2;
      let lo = 0;
      let hi = 0;
      let ok = s.charCodeAt(j) === 48 && (s.charCodeAt(j + 1) | 32) === 120;
      for (; t < end; t++) {
        const c = s.charCodeAt(t);
        if (c === 32 || c === 9) break;
        const d = hexDigit(c);
        if (d < 0) ok = false;
        hi = ((hi << 4) | (lo >>> 28)) >>> 0;
        lo = ((lo << 4) | d) >>> 0;
      }
      if (!ok || t - j < 3) {
        t = scanToken(s, j, end);
        this.bad(j, t, `expected a 0x-prefixed hex value, found "${s.slice(j, t)}"`);
        return -1;
      }
      const digits = t - j - 2;
      if (width === 0) {
        if (digits !== 2 && digits !== 4 && digits !== 8 && digits !== 16) {
          this.bad(j, t, `a ${digits}-digit value is not a byte, halfword, word or giant (2, 4, 8 or 16 hex digits)`);
          return -1;
        }
        width = digits;
      } else if (digits !== width) {
        this.bad(j, t, `expected ${width} hex digits like the line's first value, found ${digits}`);
        return -1;
      }
      if (this.n === MAX_TOKENS) {
        this.bad(j, t, "too many values on one line");
        return -1;
      }
      const k = this.n++;
      this.tokStart[k] = j;
      this.tokEnd[k] = t;
      this.tokLo[k] = lo;
      this.tokHi[k] = hi;
      j = t;
    }
    return width;
  }

  private pushToken(start: number, end: number): void {
    const k = this.n++;
    this.tokStart[k] = start;
    this.tokEnd[k] = end;
    this.tokLo[k] = hexOut[0]!;
    this.tokHi[k] = hexOut[1]!;
  }

  /**
   * Feeds the scratch tokens as consecutive units of `size` bytes from `addr`: their bytes go to
   * the line buffers, then to the sink in one call (one boxed address per line, not per value).
   * Units not aligned to their own size are reported and not imported.
   */
  private feedTokens(addr: number, size: number, space: number): void {
    const line = this.line;
    if (addr % size !== 0) {
      this.sink.flush();
      for (let k = 0; k < this.n; k++)
        this.sink.problem(
          DUMP_CODES.unaligned,
          "warning",
          `the ${size * 8}-bit value at ${hexAddr(addr + k * size)} is not ${size}-byte aligned; it is not imported`,
          line,
          this.col(this.tokStart[k]!),
          line,
          this.col(this.tokEnd[k]!),
        );
      return;
    }
    for (let k = 0; k < this.n; k++)
      this.putUnitLE(k * size, size, this.tokLo[k]!, this.tokHi[k]!, this.tokStart[k]!, this.tokEnd[k]!);
    this.sink.feedBytes(addr, this.n * size, this.lastBytes, this.byteStart, this.byteEnd, space, line);
  }

  /**
   * Writes the `size` bytes of a unit at line byte `k`, with its token's columns: little-endian, or
   * big-endian for numbers in a BE guest's/host's order (`bigEndian`; `swappable` is false for
   * xxd's explicitly little-endian groups).
   */
  private putUnitLE(
    k: number,
    size: number,
    lo: number,
    hi: number,
    start: number,
    end: number,
    swappable = true,
  ): void {
    const lb = this.lastBytes;
    const sc = this.col(start);
    const ec = this.col(end);
    const be = swappable && this.options.bigEndian;
    for (let q = 0; q < size; q++) {
      const b = be ? size - 1 - q : q;
      lb[k + q] = b < 4 ? (lo >>> (8 * b)) & 0xff : (hi >>> (8 * (b - 4))) & 0xff;
      this.byteStart[k + q] = sc;
      this.byteEnd[k + q] = ec;
    }
  }

  /** QEMU `xp`/`x`: `ADDR: 0xV 0xV ...`, §1. */
  private parseQemu(i: number, end: number): LineKind {
    const s = this.s;
    const b = scanHex(s, i, end);
    if (b === i || b >= end || s.charCodeAt(b) !== 58 /* : */) return "other";
    if (b - i > 16) return this.bad(i, b, "an address longer than 16 hex digits");
    parseHexRun(s, i, b);
    const addr = hexOutAddress();
    if (addr < 0) return this.addressRange(i, b);
    const width = this.zeroXItems(b + 1, end);
    if (width < 0) return "bad";
    if (this.n === 0) return this.bad(i, b + 1, "an address with no values after it");
    this.checkExpected(addr, i, b);
    this.contiguity(addr, (this.n * width) / 2);
    this.feedTokens(addr, width / 2, this.space);
    return "data";
  }

  /** gdb `x/Nfx`: `0xADDR <sym+off>:\t0xV\t0xV`, §2. */
  private parseGdb(i: number, end: number): LineKind {
    const s = this.s;
    if (!(s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 32) === 120)) return "other";
    const a = i + 2;
    const b = scanHex(s, a, end);
    if (b === a) return "other";
    let j = skipSpaces(s, b, end);
    if (j < end && s.charCodeAt(j) === 60 /* < */) {
      // a symbol annotation, possibly nested (`<<b>sym</b>>` once markup is gone): skip to its `>`
      let depth = 0;
      for (; j < end; j++) {
        const c = s.charCodeAt(j);
        if (c === 60) depth++;
        else if (c === 62 && --depth === 0) break;
      }
      if (j >= end) return this.bad(i, end, "a symbol annotation without its closing `>`");
      j = skipSpaces(s, j + 1, end);
    }
    if (j >= end || s.charCodeAt(j) !== 58) return "other";
    if (b - a > 16) return this.bad(i, b, "an address longer than 16 hex digits");
    parseHexRun(s, a, b);
    const addr = hexOutAddress();
    if (addr < 0) return this.addressRange(i, b);
    const width = this.zeroXItems(j + 1, end);
    if (width < 0) return "bad";
    if (this.n === 0) return this.bad(i, j + 1, "an address with no values after it");
    this.checkExpected(addr, i, b);
    this.contiguity(addr, (this.n * width) / 2);
    this.feedTokens(addr, width / 2, this.space);
    return "data";
  }

  /** crash `rd`: `ADDR:  VVVV VVVV   ASCII`, §3: exactly the values, the ASCII column is free text. */
  private parseCrash(i: number, end: number): LineKind {
    const s = this.s;
    const b = scanHex(s, i, end);
    if (b === i || b >= end || s.charCodeAt(b) !== 58) return "other";
    if (b - i > 16) return this.bad(i, b, "an address longer than 16 hex digits");
    parseHexRun(s, i, b);
    const addr = hexOutAddress();
    if (addr < 0) return this.addressRange(i, b);
    if (!(s.charCodeAt(b + 1) === 32 && s.charCodeAt(b + 2) === 32)) this.stats.shapeMismatch++;
    let j = skipSpaces(s, b + 1, end);
    let t = scanToken(s, j, end);
    const width = t - j;
    if (j >= end) return this.bad(i, b + 1, "an address with no values after it");
    if (scanHex(s, j, t) !== t || (width !== 2 && width !== 4 && width !== 8 && width !== 16))
      return this.bad(
        j,
        t,
        `expected a value of 2, 4, 8 or 16 hex digits (rd -8/-16/-32/-64), found "${s.slice(j, t)}"`,
      );
    const max = 16 / (width / 2);
    this.n = 0;
    for (;;) {
      parseHexRun(s, j, t);
      this.pushToken(j, t);
      if (this.n === max || t >= end) break;
      // the values are separated by one space; two or more start the ASCII column
      if (s.charCodeAt(t + 1) === 32 || s.charCodeAt(t) !== 32) break;
      j = t + 1;
      t = scanToken(s, j, end);
      if (t - j !== width || scanHex(s, j, t) !== t) break;
    }
    this.checkExpected(addr, i, b);
    this.contiguity(addr, (this.n * width) / 2);
    this.feedTokens(addr, width / 2, this.space);
    return "data";
  }

  private offsetAddress(offset: number, a: number, b: number): number {
    const addr = this.options.base + offset;
    if (addr > DUMP_ADDRESS_LIMIT) {
      this.addressRange(a, b);
      return -1;
    }
    return addr;
  }

  /** Records byte `k` of the current line (the line is fed by `endOffsetLine`). */
  private offsetByte(k: number, byte: number, start: number, end: number): void {
    this.lastBytes[k] = byte;
    this.byteStart[k] = this.col(start);
    this.byteEnd[k] = this.col(end);
  }

  /** A data line of an offset format starts at `offset`: expands a pending `*` up to it. */
  private beginOffsetLine(offset: number): boolean {
    if (this.elisionLine >= 0 && !this.expandElision(offset)) return false;
    this.sinceCount = this.sink.count;
    return true;
  }

  private endOffsetLine(offset: number, bytes: number): void {
    this.sink.feedBytes(
      this.options.base + offset,
      bytes,
      this.lastBytes,
      this.byteStart,
      this.byteEnd,
      SPACE_OFFSET,
      this.line,
    );
    this.contiguity(offset, bytes);
    this.lastOffset = offset;
    this.lastLen = bytes;
  }

  /** xxd: `OFFSET: GGGG GGGG ...  ASCII`, §4. */
  private parseXxd(i: number, end: number): LineKind {
    const s = this.s;
    const b = scanHex(s, i, end);
    if (b === i || b >= end || s.charCodeAt(b) !== 58) return "other";
    if (b - i > 13) return this.bad(i, b, "an offset longer than 13 hex digits");
    parseHexRun(s, i, b);
    const offset = hexOutAddress();
    if (offset < 0 || this.offsetAddress(offset, i, b) < 0) return offset < 0 ? this.addressRange(i, b) : "done";
    let j = b + 1;
    const colonGap = skipSpaces(s, j, end) - j;
    if (colonGap !== 1) this.stats.shapeMismatch++;
    j += colonGap;
    if (j >= end) return this.bad(i, b + 1, "an offset with no data after it");
    // the groups: hex tokens separated by one space; two spaces start the ASCII column
    this.n = 0;
    let width = 0;
    let partialLE = false;
    for (;;) {
      const t = scanToken(s, j, end);
      if (scanHex(s, j, t) !== t) {
        if (this.n === 0) return this.bad(j, t, `expected hex groups after the offset, found "${s.slice(j, t)}"`);
        break;
      }
      const digits = t - j;
      if (digits % 2 !== 0 || digits > 32) {
        if (this.n === 0) return this.bad(j, t, `a group of ${digits} hex digits is not whole bytes`);
        break;
      }
      if (this.n === 0) {
        width = digits;
        // a right-aligned partial group alone on a short `-e` line
        if (
          colonGap > 1 &&
          this.xxdWidth > digits &&
          this.isXxdLE(this.xxdWidth) &&
          (t - (b + 2)) % (this.xxdWidth + 1) === this.xxdWidth
        ) {
          width = this.xxdWidth;
          partialLE = true;
        }
      } else if (digits !== width) {
        if (digits > width) return this.bad(j, t, `expected groups of ${width} hex digits, found ${digits}`);
        partialLE = this.isXxdLE(width);
      }
      if (this.n === MAX_TOKENS) return this.bad(j, t, "too many groups on one line");
      this.tokStart[this.n] = j;
      this.tokEnd[this.n] = t;
      this.n++;
      if (partialLE || t >= end) break;
      const next = skipSpaces(s, t, end);
      if (next - t >= 2) {
        // ASCII column, or (with -e) the right-aligned partial last group
        const u = scanToken(s, next, end);
        const after = skipSpaces(s, u, end);
        if (
          this.isXxdLE(width) &&
          u - next < width &&
          (u - next) % 2 === 0 &&
          scanHex(s, next, u) === u &&
          // right-aligned: it ends where a full group would
          (u - (b + 2)) % (width + 1) === width &&
          after - u >= 2 &&
          after < end
        ) {
          this.tokStart[this.n] = next;
          this.tokEnd[this.n] = u;
          this.n++;
          partialLE = true;
        }
        break;
      }
      j = next;
    }
    if (!partialLE || this.n > 1) this.xxdWidth = width;
    if (!this.beginOffsetLine(offset)) return "done";
    const le = this.isXxdLE(width);
    let k = 0;
    for (let g = 0; g < this.n; g++) {
      const gs = this.tokStart[g]!;
      const ge = this.tokEnd[g]!;
      const bytes = (ge - gs) / 2;
      if (le) {
        parseHexRun(s, gs, ge);
        this.putUnitLE(k, bytes, hexOut[0]!, hexOut[1]!, gs, ge, false);
      } else if (bytes === 8 && (this.options.base + offset + k) % 8 === 0) {
        // memory order qword (`xxd -g8`): byte-swap to the LE value
        parseHexRun(s, gs, ge);
        const lo = bswap32(hexOut[1]!);
        const hi = bswap32(hexOut[0]!);
        this.putUnitLE(k, 8, lo, hi, gs, ge, false);
      } else {
        for (let q = 0; q < bytes; q++) {
          const d = gs + 2 * q;
          this.offsetByte(k + q, (hexDigit(s.charCodeAt(d)) << 4) | hexDigit(s.charCodeAt(d + 1)), d, d + 2);
        }
      }
      k += bytes;
    }
    this.endOffsetLine(offset, k);
    return "data";
  }

  private isXxdLE(width: number): boolean {
    if (width === 16) return this.xxdLE16;
    if (width === 8) return this.xxdLE8;
    if (width === 4) return this.xxdCommandLE === true;
    return false;
  }

  /** `hexdump -C`: `OFFSET  BB BB ... BB  BB ... BB  |ASCII|`, positionally 16 bytes, §5. */
  private parseHexdumpC(i: number, end: number): LineKind {
    const s = this.s;
    const b = scanHex(s, i, end);
    if (b === i || (b < end && !isSpace(s.charCodeAt(b)))) return "other";
    if (b - i > 13) return this.bad(i, b, "an offset longer than 13 hex digits");
    parseHexRun(s, i, b);
    const offset = hexOutAddress();
    if (offset < 0) return this.addressRange(i, b);
    if (b >= end) return this.lengthLine(offset, i, b);
    if (this.offsetAddress(offset, i, b) < 0) return "done";
    if (!(s.charCodeAt(b + 1) === 32 && s.charCodeAt(b + 2) !== 32)) this.stats.shapeMismatch++;
    let j = skipSpaces(s, b, end);
    this.n = 0;
    while (j < end && this.n < 16) {
      if (s.charCodeAt(j) === 124 /* | */) break;
      const t = scanToken(s, j, end);
      if (t - j !== 2 || scanHex(s, j, t) !== t)
        return this.bad(j, t, `expected a byte (2 hex digits), found "${s.slice(j, t)}"`);
      this.tokStart[this.n] = j;
      this.tokEnd[this.n] = t;
      this.n++;
      j = skipSpaces(s, t, end);
    }
    if (this.n === 0) return this.bad(j, end, "an offset with no bytes after it");
    if (!this.beginOffsetLine(offset)) return "done";
    for (let k = 0; k < this.n; k++) {
      const d = this.tokStart[k]!;
      this.offsetByte(k, (hexDigit(s.charCodeAt(d)) << 4) | hexDigit(s.charCodeAt(d + 1)), d, d + 2);
    }
    this.endOffsetLine(offset, this.n);
    return "data";
  }

  /** Parses an offset in the current radix; -1 when it is not one. */
  private offsetValue(a: number, b: number): number {
    const s = this.s;
    if (this.radix === 16) {
      if (b - a > 13) return -1;
      parseHexRun(s, a, b);
      return hexOutAddress();
    }
    let v = 0;
    for (let k = a; k < b; k++) {
      const d = hexDigit(s.charCodeAt(k));
      if (d < 0 || d >= this.radix) return -1;
      v = v * this.radix + d;
    }
    return v <= DUMP_ADDRESS_LIMIT ? v : -1;
  }

  /** `hexdump` default and `od -t xN`: `OFFSET UUUU UUUU ...` in host (LE) order, §6–7. */
  private parseUnits(i: number, end: number): LineKind {
    const s = this.s;
    const b = scanHex(s, i, end);
    if (b === i || (b < end && s.charCodeAt(b) !== 32 && s.charCodeAt(b) !== 9)) return "other";
    const offset = this.offsetValue(i, b);
    if (offset < 0)
      return this.bad(
        i,
        b,
        `"${s.slice(i, b)}" is not a ${this.radix === 8 ? "octal" : this.radix === 10 ? "decimal" : "hex"} offset`,
      );
    if (b >= end) return this.lengthLine(offset, i, b);
    if (this.offsetAddress(offset, i, b) < 0) return "done";
    let j = skipSpaces(s, b, end);
    this.n = 0;
    let width = 0;
    while (j < end) {
      const t = scanToken(s, j, end);
      if (s.charCodeAt(j) === 62 /* > */ && this.n > 0) break; // od -t x8z ASCII
      const digits = t - j;
      if (scanHex(s, j, t) !== t) return this.bad(j, t, `expected a hex unit, found "${s.slice(j, t)}"`);
      if (width === 0) {
        if (digits !== 2 && digits !== 4 && digits !== 8 && digits !== 16)
          return this.bad(j, t, `a unit of ${digits} hex digits is not 1, 2, 4 or 8 bytes`);
        if (this.format === "hexdump" && digits !== 4)
          return this.bad(j, t, "hexdump's default layout has 4-digit units");
        width = digits;
      } else if (digits !== width) return this.bad(j, t, `expected units of ${width} hex digits, found ${digits}`);
      if (this.n === MAX_TOKENS) return this.bad(j, t, "too many units on one line");
      parseHexRun(s, j, t);
      this.pushToken(j, t);
      j = skipSpaces(s, t, end);
    }
    if (!this.beginOffsetLine(offset)) return "done";
    const size = width / 2;
    for (let k = 0; k < this.n; k++)
      this.putUnitLE(k * size, size, this.tokLo[k]!, this.tokHi[k]!, this.tokStart[k]!, this.tokEnd[k]!);
    this.endOffsetLine(offset, this.n * size);
    return "data";
  }

  /** The final offset-only line of hexdump/od: the length; the last line's padding is not data. */
  private lengthLine(offset: number, a: number, b: number): LineKind {
    if (this.elisionLine >= 0 && !this.expandElision(offset)) return "done";
    const limit = this.options.base + offset;
    this.sink.truncateAt(limit, this.sinceCount);
    this.sink.flush();
    this.lastOffset = -1;
    if (this.prevEnd >= 0 && this.prevEnd !== offset && this.prevEnd - offset >= 8)
      return this.bad(a, b, `the length ${hexAddr(offset)} is before the end of the data`);
    this.prevEnd = -1;
    return "data";
  }

  /** A `*` line: repeated (hexdump, od) or all-zero (xxd -a) lines up to the next offset. */
  private star(i: number, end: number): void {
    const f = this.format;
    if (f !== "xxd" && f !== "hexdump-c" && f !== "hexdump" && f !== "od") {
      this.sink.problem(
        DUMP_CODES.badLine,
        "error",
        `a \`*\` elision is not part of the ${f} format`,
        this.line,
        this.col(i),
        this.line,
        this.col(end),
      );
      this.stats.badLines++;
      return;
    }
    if (this.lastOffset < 0) {
      this.sink.problem(
        DUMP_CODES.elision,
        "warning",
        "a `*` elision with no data line before it: nothing to repeat",
        this.line,
        this.col(i),
        this.line,
        this.col(end),
      );
      return;
    }
    this.elisionLine = this.line;
    this.elisionStart = this.col(i);
    this.elisionEnd = this.col(end);
  }

  /** Expands the pending `*` up to `offset`. False when it could not (reported). */
  private expandElision(offset: number): boolean {
    const line = this.elisionLine;
    const sc = this.elisionStart;
    const ec = this.elisionEnd;
    this.elisionLine = -1;
    const len = this.lastLen;
    const from = this.lastOffset + len;
    const total = offset - from;
    if (total < 0 || total % len !== 0) {
      this.sink.problem(
        DUMP_CODES.elision,
        "warning",
        `the \`*\` elision runs from ${hexAddr(from)} to ${hexAddr(offset)}, which is not a whole number of ${len}-byte lines; nothing was imported for it`,
        line,
        sc,
        line,
        ec,
      );
      return true;
    }
    if (total > this.options.maxElisionBytes) {
      this.sink.problem(
        DUMP_CODES.elisionTooLarge,
        "warning",
        `the \`*\` elision stands for ${total} bytes, more than the ${this.options.maxElisionBytes} allowed; it was not expanded`,
        line,
        sc,
        line,
        ec,
      );
      return true;
    }
    // xxd -a only ever elides all-zero lines
    if (this.format === "xxd") this.lastBytes.fill(0, 0, len);
    this.sink.feedRepeated(this.options.base + from, total / len, len, this.lastBytes, SPACE_OFFSET, line, sc, ec);
    this.prevEnd = offset;
    return true;
  }

  /**
   * busybox devmem (`0x8E4A000B` on the line after `devmem ADDR [WIDTH]`; 128-bit reads print the
   * high qword first) and devmem2 (`Value at address 0xADDR (0xMAPPED): 0xVALUE`), §8–9.
   */
  private parseDevmem(i: number, end: number): LineKind {
    const s = this.s;
    let addr: number;
    let width: number;
    let v: number;
    if (s.startsWith("Value at address 0x", i)) {
      const a = i + 19;
      const b = scanHex(s, a, end);
      if (b === a || b - a > 16) return this.bad(i, end, "a devmem2 line without an address");
      parseHexRun(s, a, b);
      addr = hexOutAddress();
      if (addr < 0) return this.addressRange(a - 2, b);
      // `): ` within this line (indexOf could run past the line on every line: quadratic)
      let close = b;
      while (close < end && !(s.charCodeAt(close) === 41 && s.startsWith(": ", close + 1))) close++;
      if (close >= end) return this.bad(i, end, "a devmem2 line without its value");
      v = close + 3;
      const digits = scanHex(s, v + 2, end) - v - 2;
      width = this.devmemTwo && this.devmemAddr === addr ? this.devmemWidth : digits > 8 ? 8 : 4;
      this.devmemAddr = -1;
    } else if (
      s.charCodeAt(i) === 48 &&
      (s.charCodeAt(i + 1) | 32) === 120 &&
      scanHex(s, i + 2, end) === end &&
      end > i + 2
    ) {
      if (this.devmemAddr < 0) return this.bad(i, end, "a devmem value with no `devmem ADDR` command before it");
      addr = this.devmemAddr;
      width = this.devmemWidth;
      v = i;
      this.devmemAddr = -1;
    } else return "other";
    const d0 = v + 2;
    const d1 = scanToken(s, d0, end);
    if (!(s.charCodeAt(v) === 48 && (s.charCodeAt(v + 1) | 32) === 120) || d1 === d0 || scanHex(s, d0, d1) !== d1)
      return this.bad(v, d1, "expected a 0x hex value");
    const digits = d1 - d0;
    if (digits > width * 2) return this.bad(v, d1, `the value has more digits than a ${width * 8}-bit read`);
    this.n = 0;
    if (width === 16) {
      // high 64 bits first: split at 16 digits from the end
      const mid = Math.max(d0, d1 - 16);
      if (mid > d0) parseHexRun(s, d0, mid);
      else hexOut.fill(0);
      const hiLo = hexOut[0]!;
      const hiHi = hexOut[1]!;
      parseHexRun(s, mid, d1);
      this.pushToken(mid, d1);
      this.tokStart[1] = mid > d0 ? d0 : v;
      this.tokEnd[1] = mid > d0 ? mid : d0;
      this.tokLo[1] = hiLo;
      this.tokHi[1] = hiHi;
      this.n = 2;
      this.contiguity(addr, 16);
      this.feedTokens(addr, 8, SPACE_PHYSICAL);
      return "data";
    }
    parseHexRun(s, d0, d1);
    this.pushToken(v, d1);
    this.contiguity(addr, width);
    this.feedTokens(addr, width, SPACE_PHYSICAL);
    return "data";
  }

  /** Plain lists: `[ADDR:] V, V; V ...` with `0x`, `_` and `'` optional, §14. */
  private parsePlain(i: number, end: number): LineKind {
    const s = this.s;
    let j = i;
    let addr = -1;
    let addrStart = i;
    let addrEnd = i;
    // a leading address: `40001000:`, `0x40001000:` or `[0x40001000]`
    const bracket = s.charCodeAt(j) === 91; /* [ */
    const a0 = bracket ? skipSpaces(s, j + 1, end) : j;
    const ax = s.charCodeAt(a0) === 48 && (s.charCodeAt(a0 + 1) | 32) === 120 ? a0 + 2 : a0;
    const ae = scanHex(s, ax, end);
    const closeAt = skipSpaces(s, ae, end);
    if (ae > ax && ((bracket && s.charCodeAt(closeAt) === 93) || (!bracket && s.charCodeAt(ae) === 58))) {
      if (ae - ax > 16) return this.bad(j, ae, "an address longer than 16 hex digits");
      parseHexRun(s, ax, ae);
      addr = hexOutAddress();
      if (addr < 0) return this.addressRange(a0, ae);
      addrStart = a0;
      addrEnd = ae;
      j = (bracket ? closeAt : ae) + 1;
    } else if (bracket) return "other";
    // the values
    const width = this.options.plainWidth;
    const maxDigits = width / 4;
    let uniformDigits = -1;
    this.n = 0;
    for (;;) {
      while (j < end) {
        const c = s.charCodeAt(j);
        if (c === 32 || c === 9 || c === 44 /* , */ || c === 59 /* ; */) j++;
        else break;
      }
      if (j >= end) break;
      if (s.charCodeAt(j) === 35 /* # */ || (s.charCodeAt(j) === 47 && s.charCodeAt(j + 1) === 47)) break; // trailing comment
      let t = j;
      while (t < end) {
        const c = s.charCodeAt(t);
        if (c === 32 || c === 9 || c === 44 || c === 59) break;
        t++;
      }
      const ok = this.plainValue(j, t, maxDigits);
      if (ok !== "") {
        if (this.n === 0 && addr < 0) return "other"; // prose, not a value list
        return this.bad(j, t, ok);
      }
      if (this.n === MAX_TOKENS) return this.bad(j, t, "too many values on one line");
      if (this.n === 0) uniformDigits = this.lastDigits;
      else if (uniformDigits !== this.lastDigits) uniformDigits = -1;
      this.pushToken(j, t);
      j = t;
    }
    // values zero-padded to a byte/halfword/word width look like a debugger's sub-qword dump
    if (this.n >= 2 && width === 64 && (uniformDigits === 2 || uniformDigits === 4 || uniformDigits === 8))
      this.stats.shapeMismatch++;
    if (this.n === 0) {
      if (addr >= 0) return this.bad(addrStart, addrEnd, "an address with no values after it");
      return "other";
    }
    if (addr >= 0) this.plainAddr = addr;
    if (this.plainAddr < 0) {
      if (!this.noBaseReported) {
        this.noBaseReported = true;
        this.sink.problem(
          DUMP_CODES.noBase,
          "error",
          "these values have no address: give a base address (or start the line with `ADDR:`)",
          this.line,
          this.col(this.tokStart[0]!),
          this.line,
          this.col(this.tokEnd[this.n - 1]!),
        );
      }
      return "done";
    }
    const size = width / 8;
    const start = this.plainAddr;
    // only a printed address can confirm the layout (a running address always "continues")
    if (addr >= 0) this.contiguity(start, this.n * size);
    else this.prevEnd = start + this.n * size;
    this.feedTokens(start, size, SPACE_GIVEN);
    this.plainAddr = start + this.n * size;
    if (this.plainAddr > DUMP_ADDRESS_LIMIT) this.plainAddr = -1;
    if (this.ambiguityLine < 0) this.ambiguityLine = this.line;
    return "data";
  }

  /** Parses one plain value token into `hexOut`; returns "" or the reason it is not one. */
  private plainValue(j: number, t: number, maxDigits: number): string {
    const s = this.s;
    let k = j;
    if (s.charCodeAt(k) === 48 && (s.charCodeAt(k + 1) | 32) === 120) k += 2;
    let lo = 0;
    let hi = 0;
    let digits = 0;
    let significant = 0;
    let prevSep = true;
    for (; k < t; k++) {
      const c = s.charCodeAt(k);
      if (c === 95 /* _ */ || c === 39 /* ' */) {
        if (prevSep) return `"${s.slice(j, t)}" is not a hex value (misplaced digit separator)`;
        prevSep = true;
        continue;
      }
      const d = hexDigit(c);
      if (d < 0) return `"${s.slice(j, t)}" is not a hex value`;
      prevSep = false;
      digits++;
      if (significant === 0 && d === 0) continue;
      significant++;
      if (significant > maxDigits)
        return maxDigits === 16
          ? `"${s.slice(j, t)}" has more than 16 significant hex digits (a 128-bit concatenation?)`
          : `"${s.slice(j, t)}" does not fit in 32 bits`;
      hi = ((hi << 4) | (lo >>> 28)) >>> 0;
      lo = ((lo << 4) | d) >>> 0;
    }
    if (digits === 0 || prevSep) return `"${s.slice(j, t)}" is not a hex value`;
    this.lastDigits = digits;
    if (digits === 8) this.eightDigitValues++;
    else this.otherValues++;
    hexOut[0] = lo;
    hexOut[1] = hi;
    return "";
  }

  // ---- pre-passes ----------------------------------------------------------------------------

  /**
   * xxd prints 8- and 16-digit groups both as LE numbers (`-e`, `-g8 -e`) and in memory order
   * (`-g4`, `-g8`), §4. A command line decides; otherwise the ASCII column (always memory order)
   * is the tie-breaker; with no evidence, LE is assumed (8 digits: the `-e` default; 16: reported).
   */
  private decideXxdOrder(text: string): void {
    let le = 0;
    let mem = 0;
    let sixteen = false;
    let lines = 0;
    const re = /^[ \t>+]*([0-9a-fA-F]+): ((?:[0-9a-fA-F]{8}|[0-9a-fA-F]{16})(?: [0-9a-fA-F]{8,16})*) {2}(.*)$/gm;
    let m: RegExpExecArray | null;
    let commandLE: boolean | undefined;
    const cmd = /xxd\b[^\n]*/.exec(text);
    if (cmd) commandLE = /\s-e\b/.test(cmd[0]);
    while ((m = re.exec(text)) !== null && lines < 4000) {
      lines++;
      const groups = m[2]!.split(" ");
      const ascii = m[3]!;
      // only full lines: a short line's padding would shift the ASCII column
      if (groups.reduce((acc, g) => acc + g.length / 2, 0) !== 16) continue;
      let pos = 0;
      for (const g of groups) {
        if (g.length === 16) sixteen = true;
        const n = g.length / 2;
        for (let q = 0; q < n; q++) {
          const memByte = parseInt(g.slice(2 * q, 2 * q + 2), 16);
          const leByte = parseInt(g.slice(2 * (n - 1 - q), 2 * (n - 1 - q) + 2), 16);
          const ch = ascii.charCodeAt(pos + q);
          if (memByte !== leByte && !Number.isNaN(ch)) {
            if (printableMatches(memByte, ch)) mem++;
            if (printableMatches(leByte, ch)) le++;
          }
        }
        pos += n;
      }
      if (Math.abs(le - mem) >= 8) break;
    }
    let decided: boolean;
    if (commandLE !== undefined) decided = commandLE;
    else if (le !== mem) decided = le > mem;
    else {
      decided = true;
      if (sixteen)
        this.sink.problem(
          DUMP_CODES.ambiguous,
          "information",
          "16-digit xxd groups are LE numbers with `-g8 -e` but memory order with `-g8`; nothing in the text decides, so `-g8 -e` (LE) was assumed",
          0,
          0,
          0,
          0,
        );
    }
    this.xxdLE8 = decided;
    this.xxdLE16 = decided;
    if (commandLE !== undefined) this.xxdCommandLE = commandLE;
  }

  /** od offsets are octal unless `-A x`/`-A d`; decides from a command or the step between lines, §7. */
  private decideOdRadix(text: string): void {
    const cmd = /(?:^|\s)od\b[^\n]*/.exec(text);
    if (cmd && /-A\s*[xdon]/.test(cmd[0])) return; // the command line sets it when met
    const re = /^[ \t>+]*([0-9a-fA-F]+)((?: [0-9a-fA-F]{2,16})+)[ \t]*$/gm;
    let prev: { off: string; bytes: number } | undefined;
    let m: RegExpExecArray | null;
    let lines = 0;
    while ((m = re.exec(text)) !== null && lines++ < 4000) {
      const units = m[2]!.trim().split(/\s+/);
      const bytes = units.reduce((acc, u) => acc + u.length / 2, 0);
      if (prev) {
        const hexStep = parseInt(m[1]!, 16) - parseInt(prev.off, 16);
        const octStep = /^[0-7]+$/.test(m[1]! + prev.off) ? parseInt(m[1]!, 8) - parseInt(prev.off, 8) : NaN;
        if (/[89a-f]/i.test(m[1]!) || hexStep === prev.bytes) {
          this.radix = 16;
          return;
        }
        if (octStep === prev.bytes) {
          this.radix = 8;
          return;
        }
      }
      prev = { off: m[1]!, bytes };
    }
  }
}

function printableMatches(byte: number, ch: number): boolean {
  return byte >= 0x20 && byte < 0x7f && byte === ch;
}

function bswap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

function parseAddressText(hex: string): number {
  if (hex.length > 14) return -1;
  const v = parseInt(hex, 16);
  return v <= DUMP_ADDRESS_LIMIT ? v : -1;
}

function describeFormatLetter(letter: string): string {
  switch (letter) {
    case "d":
    case "u":
      return "decimal";
    case "o":
      return "octal";
    case "c":
      return "character";
    case "i":
      return "disassembled";
    case "s":
      return "string";
    default:
      return "symbolic";
  }
}

/** Removes inline markup (`<b>…</b>`), keeping a map from cleaned index to original column. */
function stripMarkup(raw: string, firstColumn: number): { cleaned: string; map: Int32Array } {
  let cleaned = "";
  const cols: number[] = [];
  MARKUP.lastIndex = 0;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = MARKUP.exec(raw)) !== null) {
    for (let k = last; k < m.index; k++) cols.push(firstColumn + k);
    cleaned += raw.slice(last, m.index);
    last = m.index + m[0].length;
  }
  for (let k = last; k < raw.length; k++) cols.push(firstColumn + k);
  cleaned += raw.slice(last);
  cols.push(firstColumn + raw.length);
  return { cleaned, map: Int32Array.from(cols) };
}
