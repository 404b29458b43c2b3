// The memory image: what the SMMU would read from physical memory.
//
// A sparse, chunk-granular (64-byte) store of 64-bit little-endian words (the value a CPU would read with a
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

/**
 * Storage granule: a chunk of 8 words (64 bytes). Descriptions and dumps are sparse (an STE here,
 * eight descriptors of a table there), so a 4 KiB page per touched region wasted most of its
 * memory and, in a 100k-line description, made garbage collection half of the build. Chunks live
 * in a few large typed-array slabs (grown by doubling) instead of one object per page.
 */
const CHUNK_BYTES = 64;
const WORDS_PER_CHUNK = CHUNK_BYTES / 8;
const INITIAL_CHUNKS = 64;
/** Largest address + 8 the image can hold exactly. */
export const ADDRESS_LIMIT = 2 ** 53;

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
  /** Chunk number (addr / 64) → slot in the slabs below. */
  private readonly chunks = new Map<number, number>();
  private chunkCount = 0;
  /** [lo, hi] halves, 16 per slot. */
  private halves = new Uint32Array(INITIAL_CHUNKS * WORDS_PER_CHUNK * 2);
  /** Bit i set: word i of the slot is defined. */
  private definedMask = new Uint8Array(INITIAL_CHUNKS);
  /** Per word: 0 = no provenance, else 1 + index into `provenances`. */
  private provenanceIndex = new Int32Array(INITIAL_CHUNKS * WORDS_PER_CHUNK);
  /** One entry per distinct provenance object handed in (callers share one per statement or line). */
  private readonly provenances: Provenance[] = [];
  private lastProvenance: Provenance | undefined;
  private lastProvenanceIndex = 0;
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
    const slot = this.slotFor(addr);
    const word = (addr % CHUNK_BYTES) / 8;
    const at = slot * WORDS_PER_CHUNK + word;
    const bit = 1 << word;
    if (this.definedMask[slot]! & bit) {
      const prevLo = this.halves[2 * at]!;
      const prevHi = this.halves[2 * at + 1]!;
      if (prevLo === lo >>> 0 && prevHi === hi >>> 0) return OK;
      return { kind: "conflict", previous: { lo: prevLo, hi: prevHi }, previousProvenance: this.provenanceOfWord(at) };
    }
    this.definedMask[slot] = this.definedMask[slot]! | bit;
    this.halves[2 * at] = lo >>> 0;
    this.halves[2 * at + 1] = hi >>> 0;
    if (provenance) this.provenanceIndex[at] = this.internProvenance(provenance);
    this.definedCount++;
    this.changes++;
    return OK;
  }

  /** Overwrites a word whatever it held (scenarios, hardware updates such as HTTU setting AF). */
  store(addr: number, lo: number, hi: number, provenance?: Provenance): DefineResult {
    const invalid = checkAddress(addr);
    if (invalid) return { kind: "invalid", message: invalid };
    const slot = this.slotFor(addr);
    const word = (addr % CHUNK_BYTES) / 8;
    const at = slot * WORDS_PER_CHUNK + word;
    const bit = 1 << word;
    if (!(this.definedMask[slot]! & bit)) this.definedCount++;
    this.changes++;
    this.definedMask[slot] = this.definedMask[slot]! | bit;
    this.halves[2 * at] = lo >>> 0;
    this.halves[2 * at + 1] = hi >>> 0;
    if (provenance) this.provenanceIndex[at] = this.internProvenance(provenance);
    return OK;
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
    const slot = this.chunks.get(Math.floor(addr / CHUNK_BYTES));
    let lo = 0;
    let hi = 0;
    if (slot !== undefined) {
      const w = slot * WORDS_PER_CHUNK + (addr % CHUNK_BYTES) / 8;
      lo = this.halves[2 * w]!;
      hi = this.halves[2 * w + 1]!;
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
    const slot = this.chunks.get(Math.floor(addr / CHUNK_BYTES));
    return slot !== undefined && (this.definedMask[slot]! & (1 << ((addr % CHUNK_BYTES) / 8))) !== 0;
  }

  provenanceAt(addr: number): Provenance | undefined {
    if (checkAddress(addr) !== undefined) return undefined;
    const slot = this.chunks.get(Math.floor(addr / CHUNK_BYTES));
    if (slot === undefined) return undefined;
    return this.provenanceOfWord(slot * WORDS_PER_CHUNK + (addr % CHUNK_BYTES) / 8);
  }

  /** Every defined word in address order (for dumps, snapshots and enumeration). */
  *words(): Generator<{ addr: number; lo: number; hi: number; provenance: Provenance | undefined }> {
    const chunkNumbers = [...this.chunks.keys()].sort((a, b) => a - b);
    for (const cn of chunkNumbers) {
      const slot = this.chunks.get(cn)!;
      const mask = this.definedMask[slot]!;
      for (let i = 0; i < WORDS_PER_CHUNK; i++) {
        if (!(mask & (1 << i))) continue;
        const w = slot * WORDS_PER_CHUNK + i;
        yield {
          addr: cn * CHUNK_BYTES + i * 8,
          lo: this.halves[2 * w]!,
          hi: this.halves[2 * w + 1]!,
          provenance: this.provenanceOfWord(w),
        };
      }
    }
  }

  private provenanceOfWord(w: number): Provenance | undefined {
    const p = this.provenanceIndex[w]!;
    return p === 0 ? undefined : this.provenances[p - 1];
  }

  private internProvenance(provenance: Provenance): number {
    if (provenance === this.lastProvenance) return this.lastProvenanceIndex;
    this.provenances.push(provenance);
    this.lastProvenance = provenance;
    this.lastProvenanceIndex = this.provenances.length;
    return this.lastProvenanceIndex;
  }

  private slotFor(addr: number): number {
    const cn = Math.floor(addr / CHUNK_BYTES);
    const existing = this.chunks.get(cn);
    if (existing !== undefined) return existing;
    const slot = this.chunkCount++;
    if (slot === this.definedMask.length) this.grow();
    this.chunks.set(cn, slot);
    return slot;
  }

  private grow(): void {
    const capacity = this.definedMask.length * 2;
    const halves = new Uint32Array(capacity * WORDS_PER_CHUNK * 2);
    halves.set(this.halves);
    this.halves = halves;
    const mask = new Uint8Array(capacity);
    mask.set(this.definedMask);
    this.definedMask = mask;
    const prov = new Int32Array(capacity * WORDS_PER_CHUNK);
    prov.set(this.provenanceIndex);
    this.provenanceIndex = prov;
  }
}

const OK: DefineResult = { kind: "ok" };

function checkAddress(addr: number): string | undefined {
  if (!Number.isInteger(addr) || addr < 0) return `address ${String(addr)} is not a non-negative integer`;
  if (addr + 8 > ADDRESS_LIMIT) return `address 0x${addr.toString(16)} is beyond the 2^53 bytes the image can hold`;
  if (addr % 8 !== 0) return `address 0x${addr.toString(16)} is not 8-byte aligned`;
  return undefined;
}
