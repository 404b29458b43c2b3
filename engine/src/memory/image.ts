// The memory image: what the SMMU would read from physical memory.
//
// A sparse, page-granular store of 64-bit little-endian words (the value a CPU would read with a
// 64-bit little-endian load). Every defined word remembers where it came from (a `Provenance`:
// the file and range that defined it), so a walk step points at the user's line. Words nobody
// defined read as zero. Optional abort ranges make reads fail as an external abort would.
//
// Addresses are plain numbers: physical addresses are at most 52 bits (SMMUv3 OAS), well inside
// the 2^53 a number holds exactly. Addresses at or above 2^53, negative or unaligned ones are
// refused by `define` with a reason, never thrown on. Big-endian tables (SMMU_IDR0.TTENDIAN) are
// the reader's business: `read64` has a flag that byte-swaps.

import type { SourceSpan } from "../source";
import { bswap32 } from "../bits/u64";

export type Provenance = SourceSpan & {
  /** What defined it, in a few words (`ste 0x7d11 dword 2`, `map 0x1000 -> 0x5000`, `xp dump`). */
  readonly what?: string;
};

const PAGE_SHIFT = 12;
const PAGE_SIZE = 1 << PAGE_SHIFT;
const WORDS_PER_PAGE = PAGE_SIZE / 8;
/** Largest address + 8 the image can hold exactly. */
export const ADDRESS_LIMIT = 2 ** 53;

class Page {
  /** [lo, hi] halves of the 512 words. */
  readonly halves = new Uint32Array(WORDS_PER_PAGE * 2);
  readonly defined = new Uint8Array(WORDS_PER_PAGE);
  provenance: (Provenance | undefined)[] | undefined;
}

export type ReadStatus = "ok" | "abort";

/** Why `define` refused or what it replaced. */
export type DefineResult =
  | { readonly kind: "ok" }
  /** The word was already defined with a different value: the earlier definition wins. */
  | {
      readonly kind: "conflict";
      readonly previous: { lo: number; hi: number };
      readonly previousProvenance: Provenance | undefined;
    }
  | { readonly kind: "invalid"; readonly message: string };

export interface AbortRange {
  readonly addr: number;
  readonly size: number;
  readonly provenance?: Provenance;
}

export class MemoryImage {
  private readonly pages = new Map<number, Page>();
  private readonly aborts: AbortRange[] = [];
  private definedCount = 0;
  private changes = 0;

  /**
   * Bumped by every change (define, store, addAbort). A cache of walk results keyed on the image is
   * valid only while this number stays the same.
   */
  get version(): number {
    return this.changes;
  }

  /** Number of defined 64-bit words. */
  get size(): number {
    return this.definedCount;
  }

  /**
   * Defines the word at `addr` (8-byte aligned). Defining a word again with the same value is
   * fine (the first provenance stays); with a different value it is a conflict and the first
   * definition is kept, so the caller can report both locations.
   */
  define(addr: number, lo: number, hi: number, provenance?: Provenance): DefineResult {
    const invalid = checkAddress(addr);
    if (invalid) return { kind: "invalid", message: invalid };
    const page = this.pageFor(addr, true);
    const index = (addr % PAGE_SIZE) / 8;
    if (page.defined[index]) {
      const prevLo = page.halves[2 * index]!;
      const prevHi = page.halves[2 * index + 1]!;
      if (prevLo === lo >>> 0 && prevHi === hi >>> 0) return { kind: "ok" };
      return { kind: "conflict", previous: { lo: prevLo, hi: prevHi }, previousProvenance: page.provenance?.[index] };
    }
    page.defined[index] = 1;
    page.halves[2 * index] = lo >>> 0;
    page.halves[2 * index + 1] = hi >>> 0;
    if (provenance) (page.provenance ??= new Array<Provenance | undefined>(WORDS_PER_PAGE))[index] = provenance;
    this.definedCount++;
    this.changes++;
    return { kind: "ok" };
  }

  /** Overwrites a word whatever it held (scenarios, hardware updates such as HTTU setting AF). */
  store(addr: number, lo: number, hi: number, provenance?: Provenance): DefineResult {
    const invalid = checkAddress(addr);
    if (invalid) return { kind: "invalid", message: invalid };
    const page = this.pageFor(addr, true);
    const index = (addr % PAGE_SIZE) / 8;
    if (!page.defined[index]) this.definedCount++;
    this.changes++;
    page.defined[index] = 1;
    page.halves[2 * index] = lo >>> 0;
    page.halves[2 * index + 1] = hi >>> 0;
    if (provenance) (page.provenance ??= new Array<Provenance | undefined>(WORDS_PER_PAGE))[index] = provenance;
    return { kind: "ok" };
  }

  /** Marks `[addr, addr + size)` as a range whose reads raise an external abort. */
  addAbort(range: AbortRange): void {
    this.aborts.push(range);
    this.changes++;
  }

  get abortRanges(): readonly AbortRange[] {
    return this.aborts;
  }

  /** True when a read of the 8 bytes at `addr` would abort (or `addr` is not a valid address). */
  aborts64(addr: number): boolean {
    if (checkAddress(addr) !== undefined) return true;
    for (const a of this.aborts) if (addr + 8 > a.addr && addr < a.addr + a.size) return true;
    return false;
  }

  /**
   * Reads the 64-bit word at `addr` into `out[at]` (low half) and `out[at + 1]` (high half).
   * Undefined words read as zero. `bigEndian` byte-swaps as a big-endian table read would.
   * The hot path of every walk: no allocation.
   */
  read64(addr: number, out: Uint32Array, at = 0, bigEndian = false): ReadStatus {
    if (this.aborts.length !== 0 && this.aborts64(addr)) return "abort";
    if (!(addr >= 0 && addr + 8 <= ADDRESS_LIMIT) || addr % 8 !== 0) return "abort";
    const page = this.pages.get(Math.floor(addr / PAGE_SIZE));
    let lo = 0;
    let hi = 0;
    if (page) {
      const index = (addr % PAGE_SIZE) / 8;
      lo = page.halves[2 * index]!;
      hi = page.halves[2 * index + 1]!;
    }
    if (bigEndian) {
      out[at] = bswap32(hi);
      out[at + 1] = bswap32(lo);
    } else {
      out[at] = lo;
      out[at + 1] = hi;
    }
    return "ok";
  }

  /** Whether a word was defined by someone (as opposed to reading as zero). */
  isDefined(addr: number): boolean {
    if (checkAddress(addr) !== undefined) return false;
    const page = this.pages.get(Math.floor(addr / PAGE_SIZE));
    return page !== undefined && page.defined[(addr % PAGE_SIZE) / 8] === 1;
  }

  provenanceAt(addr: number): Provenance | undefined {
    if (checkAddress(addr) !== undefined) return undefined;
    const page = this.pages.get(Math.floor(addr / PAGE_SIZE));
    return page?.provenance?.[(addr % PAGE_SIZE) / 8];
  }

  /** Every defined word in address order (for dumps, snapshots and enumeration). */
  *words(): Generator<{ addr: number; lo: number; hi: number; provenance: Provenance | undefined }> {
    const pageNumbers = [...this.pages.keys()].sort((a, b) => a - b);
    for (const pn of pageNumbers) {
      const page = this.pages.get(pn)!;
      for (let i = 0; i < WORDS_PER_PAGE; i++) {
        if (!page.defined[i]) continue;
        yield {
          addr: pn * PAGE_SIZE + i * 8,
          lo: page.halves[2 * i]!,
          hi: page.halves[2 * i + 1]!,
          provenance: page.provenance?.[i],
        };
      }
    }
  }

  private pageFor(addr: number, create: true): Page;
  private pageFor(addr: number, create: boolean): Page | undefined {
    const pn = Math.floor(addr / PAGE_SIZE);
    let page = this.pages.get(pn);
    if (!page && create) {
      page = new Page();
      this.pages.set(pn, page);
    }
    return page;
  }
}

function checkAddress(addr: number): string | undefined {
  if (!Number.isInteger(addr) || addr < 0) return `address ${String(addr)} is not a non-negative integer`;
  if (addr + 8 > ADDRESS_LIMIT) return `address 0x${addr.toString(16)} is beyond the 2^53 bytes the image can hold`;
  if (addr % 8 !== 0) return `address 0x${addr.toString(16)} is not 8-byte aligned`;
  return undefined;
}
