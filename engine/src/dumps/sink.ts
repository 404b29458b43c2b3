// Where parsed values go: a packed, growable store of qwords with their text spans, and the
// little-endian reassembly of sub-64-bit units (bytes, 16- and 32-bit numbers) into aligned
// qwords (dump-formats.md §16.7–8). Only fully covered aligned qwords are stored; partial and
// unaligned values become located problems. Problems are capped so hostile input stays cheap.

import type { EngineDiagnostic, Severity } from "../diagnostics";
import type { SourceSpan } from "../source";
import type { DumpAddressSpace, DumpWord } from "./types";
import { DUMP_CODES } from "./types";
import { hexAddr } from "./scan";

export const SPACE_NAMES: readonly DumpAddressSpace[] = ["physical", "virtual", "offset", "given"];
export const SPACE_PHYSICAL = 0;
export const SPACE_VIRTUAL = 1;
export const SPACE_OFFSET = 2;
export const SPACE_GIVEN = 3;

const MAX_PROBLEMS = 500;

/**
 * A word read from the sink's packed arrays on access: a 64 MB dump has millions of words, and
 * plain objects with number fields would box most addresses and halves (above 2^30) on the heap.
 */
class PackedDumpWord implements DumpWord {
  readonly #sink: DumpSink;
  readonly #index: number;
  constructor(sink: DumpSink, index: number) {
    this.#sink = sink;
    this.#index = index;
  }
  get addr(): number {
    return this.#sink.addrs[this.#index]!;
  }
  get lo(): number {
    return this.#sink.los[this.#index]!;
  }
  get hi(): number {
    return this.#sink.his[this.#index]!;
  }
  get span(): SourceSpan {
    return this.#sink.spanOf(this.#index);
  }
  get space(): DumpAddressSpace {
    return SPACE_NAMES[this.#sink.spaces[this.#index]!]!;
  }
  toJSON(): { addr: number; lo: number; hi: number; span: SourceSpan; space: DumpAddressSpace } {
    return { addr: this.addr, lo: this.lo, hi: this.hi, span: this.span, space: this.space };
  }
}

export class DumpSink {
  count = 0;
  addrs = new Float64Array(1024);
  los = new Uint32Array(1024);
  his = new Uint32Array(1024);
  /** Span of each word: start line, start character, end line, end character. */
  spans = new Uint32Array(4 * 1024);
  spaces = new Uint8Array(1024);
  readonly problems: EngineDiagnostic[] = [];
  private dropped = 0;

  // the qword being assembled from smaller units
  private accAddr = -1;
  private accMask = 0;
  private accLo = 0;
  private accHi = 0;
  private accSpace = 0;
  private accSL = 0;
  private accSC = 0;
  private accEL = 0;
  private accEC = 0;

  constructor(readonly file: string) {}

  spanOf(i: number): SourceSpan {
    const s = this.spans;
    return {
      file: this.file,
      start: { line: s[4 * i]!, character: s[4 * i + 1]! },
      end: { line: s[4 * i + 2]!, character: s[4 * i + 3]! },
    };
  }

  span(sl: number, sc: number, el: number, ec: number): SourceSpan {
    return { file: this.file, start: { line: sl, character: sc }, end: { line: el, character: ec } };
  }

  problem(
    code: string,
    severity: Severity,
    message: string,
    sl: number,
    sc: number,
    el: number,
    ec: number,
    related?: EngineDiagnostic["related"],
  ): void {
    if (this.problems.length >= MAX_PROBLEMS) {
      this.dropped++;
      return;
    }
    const d: EngineDiagnostic = related
      ? { code, severity, message, span: this.span(sl, sc, el, ec), related }
      : { code, severity, message, span: this.span(sl, sc, el, ec) };
    this.problems.push(d);
  }

  /** Stores a complete aligned qword. */
  emit(addr: number, lo: number, hi: number, space: number, sl: number, sc: number, el: number, ec: number): void {
    if (this.count === this.addrs.length) this.grow();
    const i = this.count++;
    this.addrs[i] = addr;
    this.los[i] = lo;
    this.his[i] = hi;
    this.spaces[i] = space;
    const s = this.spans;
    s[4 * i] = sl;
    s[4 * i + 1] = sc;
    s[4 * i + 2] = el;
    s[4 * i + 3] = ec;
  }

  /**
   * Feeds a value of `size` bytes (1, 2, 4 or 8) at `addr`, as a little-endian number (`lo`, and
   * `hi` for size 8). Units must be aligned to their size; 8-byte units are stored at once,
   * smaller ones are gathered until their qword is complete.
   */
  unit(
    addr: number,
    size: number,
    lo: number,
    hi: number,
    space: number,
    sl: number,
    sc: number,
    el: number,
    ec: number,
  ): void {
    const p = addr % 8;
    if (p % size !== 0) {
      this.flush();
      this.problem(
        DUMP_CODES.unaligned,
        "warning",
        `the ${size * 8}-bit value at ${hexAddr(addr)} is not ${size}-byte aligned; it is not imported`,
        sl,
        sc,
        el,
        ec,
      );
      return;
    }
    if (size === 8) {
      if (this.accAddr >= 0) this.flush();
      this.emit(addr, lo, hi, space, sl, sc, el, ec);
      return;
    }
    const q = addr - p;
    const mask = ((1 << size) - 1) << p;
    if (this.accAddr !== q || (this.accMask & mask) !== 0 || this.accSpace !== space) {
      if (this.accAddr >= 0) this.flush();
      this.accAddr = q;
      this.accMask = 0;
      this.accLo = 0;
      this.accHi = 0;
      this.accSpace = space;
      this.accSL = sl;
      this.accSC = sc;
    }
    const v = size === 4 ? lo >>> 0 : size === 2 ? lo & 0xffff : lo & 0xff;
    if (p < 4) this.accLo = (this.accLo | (v << (8 * p))) >>> 0;
    else this.accHi = (this.accHi | (v << (8 * (p - 4)))) >>> 0;
    this.accMask |= mask;
    this.accEL = el;
    this.accEC = ec;
    if (this.accMask === 0xff) {
      this.emit(q, this.accLo, this.accHi, space, this.accSL, this.accSC, el, ec);
      this.accAddr = -1;
      this.accMask = 0;
    }
  }

  /**
   * Feeds `n` bytes of one line starting at `addr`, with the columns of the token each byte came
   * from. Whole aligned qwords are stored directly (the hot path: no call per value); bytes
   * before the first and after the last aligned qword go through the accumulator.
   */
  feedBytes(
    addr: number,
    n: number,
    bytes: Uint8Array,
    starts: Int32Array,
    ends: Int32Array,
    space: number,
    line: number,
  ): void {
    let k = 0;
    const head = (8 - (addr % 8)) % 8;
    for (; k < n && k < head; k++) this.unit(addr + k, 1, bytes[k]!, 0, space, line, starts[k]!, line, ends[k]!);
    if (n - k >= 8) {
      if (this.accAddr >= 0) this.flush();
      const words = (n - k) >>> 3;
      while (this.count + words > this.addrs.length) this.grow();
      const addrs = this.addrs;
      const los = this.los;
      const his = this.his;
      const spans = this.spans;
      const spaces = this.spaces;
      let i = this.count;
      for (; k + 8 <= n; k += 8) {
        addrs[i] = addr + k;
        los[i] = bytes[k]! | (bytes[k + 1]! << 8) | (bytes[k + 2]! << 16) | (bytes[k + 3]! << 24);
        his[i] = bytes[k + 4]! | (bytes[k + 5]! << 8) | (bytes[k + 6]! << 16) | (bytes[k + 7]! << 24);
        spaces[i] = space;
        spans[4 * i] = line;
        spans[4 * i + 1] = starts[k]!;
        spans[4 * i + 2] = line;
        spans[4 * i + 3] = ends[k + 7]!;
        i++;
      }
      this.count = i;
    }
    for (; k < n; k++) this.unit(addr + k, 1, bytes[k]!, 0, space, line, starts[k]!, line, ends[k]!);
  }

  /** Feeds `copies` repetitions of the `len`-byte `pattern` from `addr` (a `*` elision), all spanning the `*`. */
  feedRepeated(
    addr: number,
    copies: number,
    len: number,
    pattern: Uint8Array,
    space: number,
    line: number,
    sc: number,
    ec: number,
  ): void {
    if (addr % 8 === 0 && len % 8 === 0) {
      this.flush();
      for (let c = 0; c < copies; c++) {
        const at = addr + c * len;
        for (let k = 0; k < len; k += 8) {
          const lo = pattern[k]! | (pattern[k + 1]! << 8) | (pattern[k + 2]! << 16) | (pattern[k + 3]! << 24);
          const hi = pattern[k + 4]! | (pattern[k + 5]! << 8) | (pattern[k + 6]! << 16) | (pattern[k + 7]! << 24);
          this.emit(at + k, lo >>> 0, hi >>> 0, space, line, sc, line, ec);
        }
      }
      return;
    }
    for (let c = 0; c < copies; c++)
      for (let k = 0; k < len; k++) this.unit(addr + c * len + k, 1, pattern[k]!, 0, space, line, sc, line, ec);
  }

  /** Ends the qword being assembled; an incomplete one is reported, never padded. */
  flush(): void {
    if (this.accAddr < 0) return;
    if (this.accMask !== 0xff && this.accMask !== 0) {
      const present: number[] = [];
      for (let b = 0; b < 8; b++) if (this.accMask & (1 << b)) present.push(b);
      this.problem(
        DUMP_CODES.partialWord,
        "warning",
        `the qword at ${hexAddr(this.accAddr)} is only partly covered (bytes ${describeBytes(present)} of 0-7); it is not imported`,
        this.accSL,
        this.accSC,
        this.accEL,
        this.accEC,
      );
    }
    this.accAddr = -1;
    this.accMask = 0;
  }

  /**
   * Drops the stored and pending bytes at or after `limit` (a final length line of hexdump/od
   * says the last line's zero padding is not data). Stored qwords that reach past it are
   * reported as partial.
   */
  truncateAt(limit: number, sinceCount: number): void {
    if (this.accAddr >= 0) {
      const keep = limit <= this.accAddr ? 0 : limit >= this.accAddr + 8 ? 0xff : (1 << (limit - this.accAddr)) - 1;
      this.accMask &= keep;
      if (this.accMask === 0) this.accAddr = -1;
    }
    while (this.count > sinceCount && this.addrs[this.count - 1]! + 8 > limit) {
      const i = --this.count;
      const addr = this.addrs[i]!;
      if (addr < limit) {
        const s = this.spans;
        this.problem(
          DUMP_CODES.partialWord,
          "warning",
          `the qword at ${hexAddr(addr)} is only partly covered (the data ends at ${hexAddr(limit)}); it is not imported`,
          s[4 * i]!,
          s[4 * i + 1]!,
          s[4 * i + 2]!,
          s[4 * i + 3]!,
        );
      }
    }
  }

  /** Flags addresses given twice with different values (dump-formats.md §1, §16.9). */
  checkConflicts(): void {
    const n = this.count;
    let monotonic = true;
    for (let i = 1; i < n; i++)
      if (this.addrs[i]! <= this.addrs[i - 1]!) {
        monotonic = false;
        break;
      }
    if (monotonic) return;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const a = this.addrs;
    order.sort((x, y) => a[x]! - a[y]! || x - y);
    for (let k = 1; k < n; k++) {
      const i = order[k - 1]!;
      const j = order[k]!;
      if (a[i] !== a[j]) continue;
      if (this.los[i] === this.los[j] && this.his[i] === this.his[j]) continue;
      const s = this.spans;
      this.problem(
        DUMP_CODES.conflict,
        "warning",
        `${hexAddr(a[j]!)} is given twice with different values (0x${hex16(this.his[i]!, this.los[i]!)} then 0x${hex16(this.his[j]!, this.los[j]!)}); both are kept in order`,
        s[4 * j]!,
        s[4 * j + 1]!,
        s[4 * j + 2]!,
        s[4 * j + 3]!,
        [{ span: this.spanOf(i), message: "first value" }],
      );
    }
  }

  finishProblems(): void {
    if (this.dropped > 0)
      this.problems.push({
        code: DUMP_CODES.tooManyProblems,
        severity: "information",
        message: `${this.dropped} more problems were not listed`,
      });
  }

  words(): DumpWord[] {
    const out = new Array<DumpWord>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = new PackedDumpWord(this, i);
    return out;
  }

  private grow(): void {
    const n = this.addrs.length * 2;
    const a = new Float64Array(n);
    a.set(this.addrs);
    this.addrs = a;
    const l = new Uint32Array(n);
    l.set(this.los);
    this.los = l;
    const h = new Uint32Array(n);
    h.set(this.his);
    this.his = h;
    const s = new Uint32Array(4 * n);
    s.set(this.spans);
    this.spans = s;
    const sp = new Uint8Array(n);
    sp.set(this.spaces);
    this.spaces = sp;
  }
}

function describeBytes(bytes: number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    let j = i;
    while (j + 1 < bytes.length && bytes[j + 1] === bytes[j]! + 1) j++;
    parts.push(i === j ? `${bytes[i]}` : `${bytes[i]}-${bytes[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

function hex16(hi: number, lo: number): string {
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}
