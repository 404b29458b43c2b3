// Random translation setups for the fuzz test: plausible-but-random STEs and CDs over a small
// physical region densely filled with random descriptors, so walks go deep (tables pointing into
// tables, self references, shared subtrees, blocks at any level, output addresses above OAS,
// aborting reads) instead of stopping at the first empty entry.
//
// Everything comes from one 32-bit seed through a small PRNG, so a failing case is reproduced
// from its seed alone.

import { type U64 } from "../../src/bits/u64";
import { encodeStruct } from "../../src/bits/fields";
import { MemoryImage } from "../../src/memory/image";
import { profileFromJson } from "../../src/smmuv3/profile";
import { CD, L1CD, L1STD, STE } from "../../src/smmuv3/records";
import type { TranslationRequest, TranslationSetup } from "../../src/smmuv3/walk/types";

/** mulberry32: tiny, fast, good enough to spread test inputs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** Descriptor region: random tables live in [0, TABLES_END). */
const TABLES_END = 0x2_0000;
// A linear stream table is aligned to its size (reference §3.1): 16 MiB covers LOG2SIZE <= 18.
const STRTAB_BASE = 0x100_0000;
const L2_STRTAB = 0x6_0000;
const CD_BASE = 0x8_0000;
const L2_CD = 0x9_0000;

export interface FuzzCase {
  readonly setup: TranslationSetup;
  readonly request: TranslationRequest;
}

export function fuzzCase(seed: number): FuzzCase {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number): boolean => rnd() < p;
  const u32 = (): number => int(0x1_0000_0000) >>> 0;
  // Coherent cases keep the configuration legal so walks reach the tables (and translate);
  // the others draw every field at random (legality checks, odd encodings).
  const coherent = chance(0.7);
  const anyOr = <T>(legal: T, random: () => T): T => (coherent && !chance(0.03) ? legal : random());

  const granules = coherent ? ["4K", "16K", "64K"] : ["4K", "16K", "64K"].filter(() => chance(0.8));
  const stages = coherent ? ["S1", "S2"] : ["S1", "S2"].filter(() => chance(0.85));
  const { profile } = profileFromJson({
    OAS: anyOr(pick([40, 42, 44, 48, 52]), () => pick([32, 36, 40, 42, 44, 48, 52])),
    granules: granules.length ? granules : ["4K"],
    stages: stages.length ? stages : ["S1"],
    SSIDSIZE: anyOr(pick([0, 4, 8, 20]), () => pick([0, 1, 4, 8, 20])),
    SIDSIZE: anyOr(16, () => pick([8, 16, 32])),
    TTENDIAN: anyOr("LE", () => pick(["LE", "mixed", "BE"])),
    HTTU: pick(["none", "none", "AF", "AF+dirty"]),
    HAD: int(2),
    STALL_MODEL: anyOr(1, () => int(3)),
    TERM_MODEL: int(2),
    STT: int(2),
    VAX: int(3),
    DS: int(2),
    XNX: int(2),
    E0PD: int(2),
    EPAN: int(2),
    RECINVSID: chance(0.8) ? 1 : 0,
  });

  const memory = new MemoryImage();
  // Random descriptors: mostly pointer-like (a table/page/block into the region), some noise.
  const descriptor = (): U64 => {
    if (chance(coherent ? 0.03 : 0.15)) return { lo: u32(), hi: u32() };
    if (chance(coherent ? 0.02 : 0.1)) return { lo: 0, hi: 0 };
    const target = int(TABLES_END / 0x1000) * 0x1000 + (chance(0.1) ? int(0x1000) & ~7 : 0);
    const type = coherent ? pick([3, 3, 3, 3, 1]) : pick([3, 3, 3, 1, 1, 0, 2]);
    // AttrIndx, NS, AP, SH, AF (bit 10, mostly set), nG
    const attrLo = ((int(0x400) << 2) & 0xbfc) | (chance(0.85) ? 0x400 : 0);
    const hi = chance(0.7) ? int(8) << 20 /* PXN/UXN/Contiguous-ish bits */ : u32() & 0xfff0_0000;
    const highAddress = chance(0.1) ? int(0x10_0000) : 0; // output addresses above small OAS
    return { lo: (target | attrLo | type) >>> 0, hi: (hi | highAddress) >>> 0 };
  };
  for (let addr = 0; addr < TABLES_END; addr += 8) {
    if (!chance(coherent ? 0.98 : 0.6)) continue;
    const d = descriptor();
    memory.store(addr, d.lo, d.hi);
  }
  const tableAddress = (): number => (chance(0.95) ? int(TABLES_END / 0x1000) * 0x1000 : u32() * 64);

  const sid = anyOr(int(256), () => (chance(0.75) ? int(256) : u32()));
  const ssid = anyOr(profile.SSIDSIZE > 0 && chance(0.4) ? int(8) : undefined, () =>
    chance(0.3) ? (chance(0.7) ? int(8) : int(0x10_0000)) : undefined,
  );
  const s1cdmax = anyOr(ssid !== undefined ? pick([3, 4]) : chance(0.2) ? 3 : 0, () => pick([0, 1, 3, 7, 12]));
  const s1fmt = int(4);
  // Consistent stage-2 geometries (S2TG encoding, S2T0SZ, S2SL0; reference §2.4/§2.5).
  const s2geometry = (
    [
      [0, 25, 1],
      [0, 24, 1],
      [0, 32, 1],
      [0, 20, 2],
      [2, 28, 1],
      [2, 25, 2],
      [1, 22, 1],
      [1, 30, 1],
    ] as const
  ).filter(([, t0sz]) => 64 - t0sz <= profile.IAS);
  const s2geometryPicked = s2geometry.length ? pick(s2geometry) : ([0, 32, 1] as const);
  const paSize = [32, 36, 40, 42, 44, 48, 52].indexOf(profile.OAS);

  const steValues: Record<string, U64> = {
    V: n(anyOr(1, () => (chance(0.95) ? 1 : 0))),
    Config: n(anyOr(pick([4, 5, 5, 5, 6, 6, 7]), () => pick([0, 1, 4, 5, 6, 7]))),
    S1Fmt: n(s1fmt),
    S1ContextPtr: n(CD_BASE),
    S1CDMax: n(anyOr(Math.min(s1cdmax, profile.SSIDSIZE), () => s1cdmax)),
    S1DSS: n(anyOr(int(3), () => int(4))),
    S2VMID: n(int(0x100)),
    S2T0SZ: n(anyOr<number>(s2geometryPicked[1], () => pick([16, 20, 24, 25, 28, 32, 34, 39, 40, int(64)]))),
    S2SL0: n(anyOr<number>(s2geometryPicked[2], () => int(4))),
    S2TG: n(anyOr<number>(s2geometryPicked[0], () => int(4))),
    S2PS: n(anyOr(paSize, () => int(8))),
    S2AA64: n(anyOr(1, () => (chance(0.9) ? 1 : 0))),
    S2ENDI: n(anyOr(0, () => int(2))),
    S2AFFD: n(int(2)),
    S2PTW: n(int(2)),
    S2HA: n(anyOr(profile.HTTU === "none" ? 0 : int(2), () => int(2))),
    S2HD: n(anyOr(0, () => int(2))),
    S2S: n(anyOr(profile.STALL_MODEL === 2 ? 1 : 0, () => int(2))),
    S2R: n(chance(0.85) ? 1 : 0),
    S2TTB: n(tableAddress()),
  };
  const ste = encodeStruct(STE, filterKnown(STE.byName, steValues)).words;
  const cdWords = (): Uint32Array => {
    const tg0 = pick(["4K", "64K", "16K"].flatMap((g, i) => (profile.granules.has(g as "4K") ? [i] : [])).concat([0]));
    const values: Record<string, U64> = {
      T0SZ: n(anyOr(pick([16, 20, 25, 32, 33, 39]), () => pick([16, 25, 39, 40, 48, int(64)]))),
      TG0: n(anyOr(tg0, () => int(4))),
      EPD0: n(anyOr(0, () => int(2))),
      ENDI: n(anyOr(0, () => int(2))),
      T1SZ: n(pick([16, 25, 39, int(64)])),
      TG1: n(anyOr(2, () => int(4))),
      EPD1: n(anyOr(chance(0.7) ? 1 : 0, () => int(2))),
      V: n(anyOr(1, () => (chance(0.9) ? 1 : 0))),
      IPS: n(anyOr(Math.min(paSize, 5), () => int(8))),
      AFFD: n(int(2)),
      WXN: n(int(2)),
      TBI0: n(int(2)),
      TBI1: n(int(2)),
      PAN: n(int(2)),
      AA64: n(anyOr(1, () => (chance(0.9) ? 1 : 0))),
      HD: n(anyOr(0, () => int(2))),
      HA: n(anyOr(profile.HTTU === "none" ? 0 : int(2), () => int(2))),
      S: n(anyOr(profile.STALL_MODEL === 2 ? 1 : 0, () => int(2))),
      R: n(chance(0.85) ? 1 : 0),
      A: n(anyOr(1, () => int(2))),
      ASID: n(int(0x100)),
      TTB0: n(tableAddress()),
      TTB1: n(tableAddress()),
      MAIR0: n(u32()),
      MAIR1: n(u32()),
    };
    return encodeStruct(CD, filterKnown(CD.byName, values)).words;
  };

  // The stream table: linear, or 2-level with one L1STD for this StreamID's range.
  const twoLevel = chance(0.3);
  const log2size = anyOr(pick([8, 12, 16]), () => pick([0, 4, 8, 12, 16]));
  const split = pick([6, 8, 10]);
  let stePa: number;
  if (twoLevel) {
    const l1Index = Math.floor(sid / 2 ** split);
    const span = anyOr(split + 1, () => pick([0, split + 1, int(32)]));
    const l1 = encodeStruct(L1STD, filterKnown(L1STD.byName, { Span: n(span), L2Ptr: n(L2_STRTAB) })).words;
    if (l1Index < 0x1000) memory.store(STRTAB_BASE + l1Index * 8, l1[0]!, l1[1]!);
    stePa = L2_STRTAB + (sid % 2 ** split) * 64;
  } else {
    stePa = STRTAB_BASE + (sid % 0x1000) * 64;
  }
  const giveSte = chance(0.15);
  if (!giveSte && stePa + 64 <= ADDRESS_SAFE) storeWords(memory, stePa, ste);

  // CDs: linear table of up to 16 CDs, or an L1CD table pointing at a table of CDs.
  const giveCd = chance(0.1);
  if (s1fmt === 1 || s1fmt === 2) {
    for (let i = 0; i < 4; i++) {
      const l1cd = encodeStruct(L1CD, filterKnown(L1CD.byName, { V: n(chance(0.9) ? 1 : 0), L2Ptr: n(L2_CD) })).words;
      memory.store(CD_BASE + i * 8, l1cd[0]!, l1cd[1]!);
    }
    for (let i = 0; i < 16; i++) storeWords(memory, L2_CD + i * 64, cdWords());
  } else {
    for (let i = 0; i < 16; i++) storeWords(memory, CD_BASE + i * 64, cdWords());
  }
  if (chance(0.15)) memory.addAbort({ addr: int(TABLES_END / 0x1000) * 0x1000, size: 0x1000 });
  if (chance(0.05)) memory.addAbort({ addr: stePa, size: 64 });

  const iova: U64 = (
    coherent && chance(0.6)
      ? (): U64 => ({ lo: u32(), hi: int(0x10) })
      : pick<() => U64>([
          () => ({ lo: u32(), hi: int(0x100) }),
          () => ({ lo: u32(), hi: int(0x1_0000) }),
          () => ({ lo: u32(), hi: (0xffff_0000 | int(0x1_0000)) >>> 0 }),
          () => ({ lo: u32(), hi: u32() }),
          () => ({ lo: int(0x10_0000), hi: 0 }),
        ])
  )();

  const setup: TranslationSetup = {
    profile,
    memory,
    strtab: { base: STRTAB_BASE, fmt: twoLevel ? "2-level" : "linear", log2size, split: twoLevel ? split : 0 },
    ...(giveSte ? { ste: { words: ste } } : {}),
    ...(giveCd ? { cd: { words: cdWords() } } : {}),
  };
  const request: TranslationRequest = {
    sid,
    ...(ssid !== undefined ? { ssid } : {}),
    iova,
    access: pick(["read", "write", "exec"] as const),
    privileged: chance(0.7),
  };
  return { setup, request };
}

const ADDRESS_SAFE = 2 ** 52;

function n(v: number): U64 {
  return { lo: v >>> 0, hi: Math.floor(v / 0x1_0000_0000) >>> 0 };
}

/** Only the fields the table has (the tables are R1's; a renamed field must not break the fuzz). */
function filterKnown(byName: ReadonlyMap<string, unknown>, values: Record<string, U64>): Record<string, U64> {
  const out: Record<string, U64> = {};
  for (const [k, v] of Object.entries(values)) if (byName.has(k)) out[k] = v;
  return out;
}

function storeWords(memory: MemoryImage, addr: number, words: Uint32Array): void {
  for (let i = 0; i + 1 < words.length; i += 2) memory.store(addr + i * 4, words[i]!, words[i + 1]!);
}
