// Test helper: builds STEs, CDs and translation tables in a MemoryImage from field names (R1's
// tables), so walk tests state their setup as the architecture names it. Tables are allocated
// from a bump allocator; `map` creates the intermediate table descriptors a mapping needs.

import { type StructSpec, encodeStruct } from "../../src/bits/fields";
import { type U64, bswap32, hexHalves, u64FromNumber } from "../../src/bits/u64";
import type { MemoryImage } from "../../src/memory/image";
import { DEFAULT_PROFILE, type Granule, type SmmuProfile } from "../../src/smmuv3/profile";
import { CD, STE, descriptorSpec } from "../../src/smmuv3/records";
import type { TranslationRequest, TranslationSetup } from "../../src/smmuv3/walk";

export type Values = Readonly<Record<string, number>>;

/** Encodes named fields (numbers; addresses as addresses) into packed halves; throws on a bad name. */
export function encode(spec: StructSpec, values: Values): Uint32Array {
  const v: Record<string, U64> = {};
  for (const [k, n] of Object.entries(values)) v[k] = u64FromNumber(n);
  const r = encodeStruct(spec, v);
  if (r.problems.length) throw new Error(`${spec.name}: ${r.problems.map((p) => p.message).join("; ")}`);
  return r.words;
}

export function writeWords(mem: MemoryImage, addr: number, words: Uint32Array): void {
  for (let i = 0; i * 2 < words.length; i++) mem.store(addr + i * 8, words[2 * i]!, words[2 * i + 1]!);
}

export function writeQword(mem: MemoryImage, addr: number, lo: number, hi = 0): void {
  mem.store(addr, lo, hi);
}

export function profile(overrides: Partial<SmmuProfile> = {}): SmmuProfile {
  return { ...DEFAULT_PROFILE, ...overrides };
}

const G: Readonly<Record<Granule, number>> = { "4K": 12, "16K": 14, "64K": 16 };

/** Translation tables of one stage, written at `addr + writeOffset` (IPA -> PA for nested S1). */
export class Tables {
  readonly g: number;
  readonly stride: number;
  readonly root: number;
  private next: number;
  private readonly firstTable: number;
  /** Write descriptors byte-swapped, as a big-endian table (CD.ENDI / STE.S2ENDI). */
  bigEndian = false;
  /** Use the 52-bit descriptor layouts (64K with FEAT_LPA, 4K/16K with DS). */
  wide = false;
  /** Table address per (level, path) so shared intermediate tables are reused. */
  private readonly tables = new Map<string, number>();

  constructor(
    readonly mem: MemoryImage,
    readonly stage: 1 | 2,
    readonly granule: Granule,
    readonly ia: number,
    readonly startLevel: number,
    allocFrom: number,
    readonly writeOffset = 0,
    rootBytes?: number,
  ) {
    this.g = G[granule];
    this.stride = this.g - 3;
    this.root = allocFrom;
    this.next = allocFrom + Math.max(rootBytes ?? 0, 2 ** this.g);
    this.firstTable = this.next;
  }

  /** Every table page written so far (root first), each 2^g bytes (the root may be larger). */
  tablePages(): number[] {
    return [this.root, ...this.tables.values()];
  }

  /** Bytes of the root table. */
  get rootBytes(): number {
    return this.firstTable - this.root;
  }

  shift(level: number): number {
    return this.g + (3 - level) * this.stride;
  }

  index(addr: number, level: number): number {
    const bits = level === this.startLevel ? this.ia - this.shift(level) : this.stride;
    return Math.floor(addr / 2 ** this.shift(level)) % 2 ** bits;
  }

  /** Address of the descriptor for `addr` at `level` (creating tables above it). */
  descriptorAddr(addr: number, level: number, tableValues: Values = {}): number {
    let table = this.root;
    for (let l = this.startLevel; l < level; l++) {
      const key = `${l}:${Math.floor(addr / 2 ** this.shift(l))}`;
      let nextTable = this.tables.get(key);
      const slot = table + this.index(addr, l) * 8;
      if (nextTable === undefined) {
        nextTable = this.next;
        this.next += 2 ** this.g;
        this.tables.set(key, nextTable);
        this.put(slot, descriptorSpec(this.stage, "table", this.granule, this.wide), {
          Type: 3,
          NextLevelTableAddr: nextTable,
          ...tableValues,
        });
      }
      table = nextTable;
    }
    return table + this.index(addr, level) * 8;
  }

  /** Writes a leaf (page at L3, block above) mapping `addr` -> `out`. Returns the descriptor address. */
  map(addr: number, out: number, level: number, leafValues: Values = {}, tableValues: Values = {}): number {
    const slot = this.descriptorAddr(addr, level, tableValues);
    const kind = level === 3 ? "page" : "block";
    const spec = descriptorSpec(this.stage, kind, this.granule, this.wide, kind === "block" ? level : undefined);
    const sh = spec.byName.has("SH") ? { SH: 3 } : {};
    const base = this.stage === 1 ? { AF: 1, AttrIndx: 1, ...sh } : { AF: 1, S2AP: 3, MemAttr: 0xf, ...sh };
    this.put(slot, spec, { Type: level === 3 ? 3 : 1, OutputAddress: out, ...base, ...leafValues });
    return slot;
  }

  /** Writes raw descriptor words at a slot. */
  raw(slot: number, lo: number, hi = 0): void {
    this.mem.store(slot + this.writeOffset, lo, hi);
  }

  put(slot: number, spec: StructSpec, values: Values): void {
    // 52-bit layouts hold the top address bits in a separate field (…Hi): split the address.
    const split: Record<string, number> = { ...values };
    for (const name of ["OutputAddress", "NextLevelTableAddr"]) {
      const hi = spec.byName.get(`${name}Hi`);
      const v = values[name];
      if (hi && v !== undefined) {
        const unit = 2 ** hi.shift;
        split[name] = v % unit;
        split[`${name}Hi`] = v - (v % unit);
      }
    }
    const w = encode(spec, split);
    if (this.bigEndian) this.mem.store(slot + this.writeOffset, bswap32(w[1]!), bswap32(w[0]!));
    else this.mem.store(slot + this.writeOffset, w[0]!, w[1]!);
  }
}

/** A stage-1 CD (TTB0, 4K, T0SZ 16 by default) with Linux-like defaults: AA64, R, A, V, MAIR. */
export function cdWords(values: Values = {}): Uint32Array {
  return encode(CD, {
    V: 1,
    AA64: 1,
    R: 1,
    A: 1,
    T0SZ: 16,
    TG0: 0,
    EPD1: 1,
    IPS: 5,
    SH0: 3,
    IR0: 1,
    OR0: 1,
    // Linux MAIR: Attr0 0x44 NC, Attr1 0xff WB, Attr2 0x04 Device-nGnRE, Attr3 0xf4.
    MAIR0: 0xf404ff44,
    ...values,
  });
}

export function steWords(values: Values = {}): Uint32Array {
  return encode(STE, { V: 1, ...values });
}

/** A setup with a linear stream table at 0x10000 (LOG2SIZE 8) and the STE of `sid` written there. */
export function linearSetup(mem: MemoryImage, prof: SmmuProfile, sid: number, ste: Uint32Array): TranslationSetup {
  writeWords(mem, 0x10000 + sid * 64, ste);
  return { profile: prof, memory: mem, strtab: { base: 0x10000, fmt: "linear", log2size: 8, split: 0 } };
}

export function request(
  iova: number | U64,
  access: "read" | "write" | "exec" = "read",
  extra: Partial<TranslationRequest> = {},
): TranslationRequest {
  return { sid: 0x11, iova: typeof iova === "number" ? u64FromNumber(iova) : iova, access, privileged: true, ...extra };
}

/** Record dwords as contract hex strings. */
export function recordHex(words: Uint32Array | undefined): string[] | undefined {
  if (!words) return undefined;
  return [0, 1, 2, 3].map((i) => hexHalves(words[2 * i]!, words[2 * i + 1]!));
}
