// Random translation setups for the fuzz test: plausible-but-random STEs and CDs over a small
// physical region densely filled with random descriptors, so walks go deep (tables pointing into
// tables, self references, shared subtrees, blocks at any level, output addresses above OAS,
// aborting reads) instead of stopping at the first empty entry.
//
// Everything comes from one 32-bit seed through a small PRNG, so a failing case is reproduced
// from its seed alone.

import { type U64, hexNumber } from "../../src/bits/u64";
import { type StructSpec, encodeStruct } from "../../src/bits/fields";
import { MemoryImage } from "../../src/memory/image";
import { type Granule, profileFromJson } from "../../src/smmuv3/profile";
import { CD, L1CD, L1STD, STE, blockShift, descriptorSpec } from "../../src/smmuv3/records";
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

// ---- mapped cases: a valid mapping built for the IOVA, then perhaps one word corrupted ------

/** A case whose tables map the IOVA; `expected` is set while nothing was corrupted. */
export interface MappedCase extends FuzzCase {
  readonly expected?: { readonly pa: number; readonly size: number };
  /** What was corrupted, for messages. */
  readonly mutation?: string;
  /** For targeted corruptions: the fault the architecture requires. */
  readonly expectedFault?: {
    readonly event: string;
    readonly stage: 1 | 2;
    readonly level: number;
    readonly class: string;
    /** The IPA the failing stage-2 walk translated (stage-2 faults). */
    readonly ipa?: number;
  };
}

const GRANULE_SHIFT: Readonly<Record<Granule, number>> = { "4K": 12, "16K": 14, "64K": 16 };
/** CD.TG0 / STE.S2TG encodings (reference §2.1, §4.1). */
const TG_ENCODING: Readonly<Record<Granule, number>> = { "4K": 0, "64K": 1, "16K": 2 };
/** CD.TG1 has its own encoding (reference §4.1). */
const TG1_ENCODING: Readonly<Record<Granule, number>> = { "16K": 1, "4K": 2, "64K": 3 };

/**
 * Builds a legal STE (stage 1 only, stage 2 only, or nested), its CD and translation tables that
 * map a random IOVA to a random output address (a block or a page, at a random legal level),
 * computed here from the architecture's level arithmetic (reference §5.1/§5.2), independently of
 * the walker. Nested cases map the whole 40-bit IPA space identically with stage-2 1 GiB blocks,
 * so stage-1 tables sit at IPA = PA. Half of the cases then flip random bits in one word the
 * walk reads (STE, CD or a descriptor).
 */
export function mappedCase(seed: number): MappedCase {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  // SubstreamIDs: none, or CD tables of 2^ssidBits CDs (linear, 4K-leaf or 64K-leaf 2-level).
  const ssidBits = pick([0, 0, 6, 8, 12]);
  const { profile } = profileFromJson({ OAS: 48, SSIDSIZE: ssidBits ? 20 : 0 });
  const memory = new MemoryImage();
  const pathWords: { addr: number; what: string }[] = [];
  let nextTable = 0x100_0000;
  const allocate = (bytes: number): number => {
    nextTable = Math.ceil(nextTable / bytes) * bytes;
    const at = nextTable;
    nextTable += bytes;
    return at;
  };
  const put = (addr: number, w: Uint32Array, what: string): void => {
    for (let i = 0; i + 1 < w.length; i += 2) {
      memory.store(addr + i * 4, w[i]!, w[i + 1]!);
      pathWords.push({ addr: addr + i * 4, what: `${what}${w.length > 2 ? ` dword ${i / 2}` : ""}` });
    }
  };
  const config = pick([5, 6, 7]);
  const stage1 = config !== 6;
  // Nested: stage-2 tables and the CD in the first GiB of IPA space, stage-1 tables in the
  // second, outputs above 2 GiB, so each stage-2 block serves one CLASS (CD, TT or IN).
  const s2ttb = config === 7 ? 0x20_0000 : 0;
  const cdRegion = config === 7 ? 0x30_0000 : 0x80_0000;
  if (config === 7) nextTable = 0x4100_0000;
  // The CD for the transaction (reference §4.2): SubstreamID `ssid` (1.. so that CD 0 is not the
  // reserved one), or CD 0 through S1DSS 0b10 when there is none.
  const ssid = stage1 && ssidBits && rnd() < 0.6 ? 1 + int(2 ** ssidBits - 1) : undefined;
  const cdIndex = ssid ?? 0;
  const s1fmt = ssidBits ? pick([0, 1, 2]) : 0;
  const leafCds = s1fmt === 1 ? 64 : 1024;
  const cdL2 = cdRegion + (s1fmt === 1 ? 0x8_0000 : 0x10_0000);
  const firstCdFetch = s1fmt === 0 ? cdRegion + cdIndex * 64 : cdRegion + Math.floor(cdIndex / leafCds) * 8;
  const cdAddr = s1fmt === 0 ? firstCdFetch : cdL2 + (cdIndex % leafCds) * 64;

  // The stage that maps the IOVA (stage 1, or stage 2 for Config 6).
  const granule = pick(["4K", "16K", "64K"] as const);
  const g = GRANULE_SHIFT[granule];
  const stride = g - 3;
  // Stage 1: any T0SZ 16..39; stage 2 only: S2T0SZ with a start level SL0 can express (§2.5).
  const txsz = stage1 ? 16 + int(24) : 24 + int(16);
  const ia = 64 - txsz;
  let startLevel = 4 - Math.ceil((ia - g) / stride);
  let startBits = ia - (g + (3 - startLevel) * stride);
  if (!stage1 && startLevel < 1) {
    // SL0 reaches level 0 only with 4K; keep the S2 cases simple: start one level lower with
    // concatenated tables when the bits fit (at most 16 tables), else shrink the input.
    startLevel = 1;
    startBits = ia - (g + 2 * stride);
  }
  if (!stage1 && startBits > stride + 4) return mappedCase(seed + 0x9e37_79b9);
  const leafLevel = pick(
    [1, 2, 3].filter((l) => l >= startLevel && (l === 3 || blockShift(granule, l, false) !== undefined)),
  );
  const leafShift = g + (3 - leafLevel) * stride;
  const iovaLow = int(2 ** Math.min(ia, 52));
  // Stage 1 may map through TTB1: the IOVA's bits [63:ia] are all ones (with TBI1, [55:ia], and
  // the top byte is anything) (reference §5.2).
  const ttb1 = stage1 && rnd() < 0.3;
  const tbi = ttb1 && rnd() < 0.5;
  const privileged = rnd() < 0.7;
  let iova: U64 = { lo: iovaLow >>> 0, hi: Math.floor(iovaLow / 0x1_0000_0000) };
  if (ttb1) {
    const ones = 2 ** 64 - 2 ** ia; // bits [63:ia] (exact: a multiple of 2^ia below 2^64)
    const hiOnes = Math.floor(ones / 0x1_0000_0000) >>> 0;
    const loOnes = ia >= 32 ? 0 : (ones % 0x1_0000_0000) >>> 0;
    iova = { lo: (iova.lo | loOnes) >>> 0, hi: (iova.hi | hiOnes) >>> 0 };
    if (tbi) iova = { lo: iova.lo, hi: ((iova.hi & 0x00ff_ffff) | (int(256) << 24)) >>> 0 };
  }
  // Every output stays below 2^40: CD.IPS and STE.S2PS are 40 bits, so a set bit 44 is an
  // address-size fault (targeted mutations below).
  const outLimit = 40;
  const outFloor = config === 7 ? 2 ** 31 : 0;
  const out = outFloor + Math.floor(rnd() * 2 ** (outLimit - leafShift - 1)) * 2 ** leafShift;
  const stage: 1 | 2 = stage1 ? 1 : 2;

  const descriptors: PathDescriptor[] = [];
  const tableBytes = (level: number): number => (level === startLevel ? 2 ** startBits : 2 ** stride) * 8;
  const base = allocate(Math.max(tableBytes(startLevel), 64));
  let table = base;
  for (let level = startLevel; level <= leafLevel; level++) {
    const shift = g + (3 - level) * stride;
    const bits = level === startLevel ? startBits : stride;
    const index = Math.floor(iovaLow / 2 ** shift) % 2 ** bits;
    const at = table + index * 8;
    if (level === leafLevel) {
      const kind = level === 3 ? "page" : "block";
      const spec = descriptorSpec(stage, kind, granule, false, level);
      const values: Record<string, U64> =
        stage === 1
          ? {
              Type: n(level === 3 ? 3 : 1),
              AttrIndx: n(0),
              AP: n(privileged ? 0 : 1),
              SH: n(3),
              AF: n(1),
              OutputAddress: n(out),
            }
          : { Type: n(level === 3 ? 3 : 1), MemAttr: n(0xf), S2AP: n(3), SH: n(3), AF: n(1), OutputAddress: n(out) };
      put(at, encodeStruct(spec, values).words, `S${stage} L${level} ${kind}`);
      descriptors.push({ addr: at, stage, level, kind, spec, values });
    } else {
      const next = allocate(tableBytes(level + 1));
      const spec = descriptorSpec(stage, "table", granule, false);
      const values = { Type: n(3), NextLevelTableAddr: n(next) };
      put(at, encodeStruct(spec, values).words, `S${stage} L${level} table`);
      descriptors.push({ addr: at, stage, level, kind: "table", spec, values });
      table = next;
    }
  }

  // Stage 2 for nested cases: 4K granule, 40-bit IPA, start level 1 with two concatenated
  // tables of 1 GiB identity blocks (S2AP read/write, Normal WB).
  if (config === 7) {
    const spec = descriptorSpec(2, "block", "4K", false, 1);
    for (let i = 0; i < 1024; i++) {
      const w = encodeStruct(spec, {
        Type: n(1),
        MemAttr: n(0xf),
        S2AP: n(3),
        SH: n(3),
        AF: n(1),
        OutputAddress: n(i * 2 ** 30),
      }).words;
      memory.store(s2ttb + i * 8, w[0]!, w[1]!);
    }
  }

  const steValues: Record<string, U64> =
    config === 6
      ? {
          V: n(1),
          Config: n(6),
          S2T0SZ: n(txsz),
          S2SL0: n(sl0Of(granule, startLevel)),
          S2TG: n(TG_ENCODING[granule]),
          S2PS: n(2),
          S2AA64: n(1),
          S2R: n(1),
          S2TTB: n(base),
          S2VMID: n(1),
        }
      : {
          V: n(1),
          Config: n(config),
          S1ContextPtr: n(cdRegion),
          S1CDMax: n(ssidBits),
          S1Fmt: n(s1fmt),
          S1DSS: n(2), // no SubstreamID: use CD 0 (reference §4.3)
          ...(config === 7
            ? {
                S2T0SZ: n(24),
                S2SL0: n(1),
                S2TG: n(0),
                S2PS: n(2),
                S2AA64: n(1),
                S2R: n(1),
                S2TTB: n(s2ttb),
                S2VMID: n(1),
              }
            : {}),
        };
  // The stream table: linear (256 StreamIDs) or 2-level (65536, SPLIT 6/8/10) (reference §3.2, §3.3).
  const strtabBase = 0x10_0000;
  const twoLevel = rnd() < 0.5;
  const split = pick([6, 8, 10]);
  const sid = twoLevel ? int(0x1_0000) : int(256);
  let stePa = strtabBase + sid * 64;
  if (twoLevel) {
    const l2 = 0x60_0000;
    const l1std = encodeStruct(L1STD, { Span: n(split + 1), L2Ptr: n(l2) }).words;
    put(strtabBase + Math.floor(sid / 2 ** split) * 8, l1std, "L1STD");
    stePa = l2 + (sid % 2 ** split) * 64;
  }
  put(stePa, encodeStruct(STE, steValues).words, "STE");
  if (stage1) {
    const cd = encodeStruct(CD, {
      V: n(1),
      ...(ttb1
        ? { T1SZ: n(txsz), TG1: n(TG1_ENCODING[granule]), EPD0: n(1), TBI1: n(tbi ? 1 : 0), TTB1: n(base) }
        : { T0SZ: n(txsz), TG0: n(TG_ENCODING[granule]), EPD1: n(1), TTB0: n(base) }),
      IPS: n(2),
      AA64: n(1),
      R: n(1),
      A: n(1),
      ASID: n(1),
    }).words;
    put(cdAddr, cd, "CD");
    if (s1fmt !== 0) {
      const l1cd = encodeStruct(L1CD, { V: n(1), L2Ptr: n(cdL2) }).words;
      put(firstCdFetch, l1cd, "L1CD");
    }
  }

  const request: TranslationRequest = {
    sid,
    ...(ssid !== undefined ? { ssid } : {}),
    iova,
    access: pick(["read", "write"] as const),
    privileged,
  };
  const setup: TranslationSetup = {
    profile,
    memory,
    strtab: twoLevel
      ? { base: strtabBase, fmt: "2-level", log2size: 16, split }
      : { base: strtabBase, fmt: "linear", log2size: 8, split: 0 },
  };
  const size = config === 7 ? Math.min(2 ** leafShift, 2 ** 30) : 2 ** leafShift;
  const offset = iovaLow % 2 ** leafShift;
  const mode = rnd();
  if (mode < 0.4) return { setup, request, expected: { pa: out + offset, size } };
  if (mode < 0.7 && config === 7 && rnd() < 0.5) {
    return targetedStage2(setup, request, pick, {
      s2ttb,
      cd: firstCdFetch,
      table: descriptors[0]!.addr,
      out: out + offset,
    });
  }
  if (mode < 0.7) return targetedMutation(setup, request, descriptors, pick);

  // Corrupt one word the walk reads: flip 1-3 random bits.
  const target = pick(pathWords);
  const out2 = new Uint32Array(2);
  memory.read64(target.addr, out2);
  let flipped = "";
  for (let k = 0, count = 1 + int(3); k < count; k++) {
    const bit = int(64);
    out2[bit >> 5] = (out2[bit >> 5]! ^ (1 << (bit & 31))) >>> 0;
    flipped += ` ${bit}`;
  }
  memory.store(target.addr, out2[0]!, out2[1]!);
  return { setup, request, mutation: `${target.what} bits${flipped}` };
}

interface PathDescriptor {
  readonly addr: number;
  readonly stage: 1 | 2;
  readonly level: number;
  readonly kind: "table" | "block" | "page";
  readonly spec: StructSpec;
  readonly values: Readonly<Record<string, U64>>;
}

/**
 * One change to one descriptor of the walk's path whose fault the architecture fixes (reference
 * §5.4-§5.6, DDI 0487 D8): clearing the valid bit is F_TRANSLATION at that level, clearing AF
 * on the leaf is F_ACCESS, a read-only leaf written is F_PERMISSION, an output or next-level
 * table address at bit 44 (beyond the 40-bit IPS/S2PS) is F_ADDR_SIZE at that level. Stage 1
 * in a nested walk still reports stage 1; all are CLASS IN.
 */
function targetedMutation(
  setup: TranslationSetup,
  request: TranslationRequest,
  path: readonly PathDescriptor[],
  pick: <T>(xs: readonly T[]) => T,
): MappedCase {
  const d = pick(path);
  const leaf = d.kind !== "table";
  const kinds = leaf ? (["invalid", "af", "perm", "oa"] as const) : (["invalid", "ta"] as const);
  const kind = pick<string>(kinds);
  const values: Record<string, U64> = { ...d.values };
  let event = "F_TRANSLATION";
  let access = request.access;
  const bit44 = (v: U64): U64 => ({ lo: v.lo, hi: (v.hi | (1 << 12)) >>> 0 });
  if (kind === "invalid") values["Type"] = n(0);
  else if (kind === "af") {
    values["AF"] = n(0);
    event = "F_ACCESS";
  } else if (kind === "perm") {
    // Stage 1 AP 0b11: read-only at every level; stage 2 S2AP 0b01: read-only.
    values[d.stage === 1 ? "AP" : "S2AP"] = n(d.stage === 1 ? 3 : 1);
    access = "write";
    event = "F_PERMISSION";
  } else if (kind === "oa") {
    values["OutputAddress"] = bit44(values["OutputAddress"]!);
    event = "F_ADDR_SIZE";
  } else {
    values["NextLevelTableAddr"] = bit44(values["NextLevelTableAddr"]!);
    event = "F_ADDR_SIZE";
  }
  const w = encodeStruct(d.spec, values).words;
  setup.memory.store(d.addr, w[0]!, w[1]!);
  return {
    setup,
    request: { ...request, access },
    mutation: `S${d.stage} L${d.level} ${d.kind}: ${kind}`,
    expectedFault: { event, stage: d.stage, level: d.level, class: "IN" },
  };
}

/**
 * Nested walks: one change to the stage-2 1 GiB block that serves the CD fetch, the stage-1 table
 * fetches or the final IPA. The architecture reports it as a stage-2 fault at level 1 with
 * CLASS CD, TT or IN and the IPA that was being translated (reference §4.2, §5.8, §5.9): invalid
 * -> F_TRANSLATION, AF clear -> F_ACCESS, S2AP none -> F_PERMISSION.
 */
function targetedStage2(
  setup: TranslationSetup,
  request: TranslationRequest,
  pick: <T>(xs: readonly T[]) => T,
  at: { s2ttb: number; cd: number; table: number; out: number },
): MappedCase {
  const target = pick(["CD", "TT", "IN"] as const);
  const ipa = target === "CD" ? at.cd : target === "TT" ? at.table : at.out;
  const kind = pick(["invalid", "af", "perm"] as const);
  const gib = Math.floor(ipa / 2 ** 30);
  const values: Record<string, U64> = {
    Type: n(kind === "invalid" ? 0 : 1),
    MemAttr: n(0xf),
    S2AP: n(kind === "perm" ? 0 : 3),
    SH: n(3),
    AF: n(kind === "af" ? 0 : 1),
    OutputAddress: n(gib * 2 ** 30),
  };
  const w = encodeStruct(descriptorSpec(2, "block", "4K", false, 1), values).words;
  setup.memory.store(at.s2ttb + gib * 8, w[0]!, w[1]!);
  const event = kind === "invalid" ? "F_TRANSLATION" : kind === "af" ? "F_ACCESS" : "F_PERMISSION";
  return {
    setup,
    request,
    mutation: `S2 L1 block for the ${target} IPA ${hexNumber(ipa)}: ${kind}`,
    expectedFault: { event, stage: 2, level: 1, class: target, ipa },
  };
}

/** STE.S2SL0 for a start level (reference §2.5: 4K 0b00 L2, 0b01 L1, 0b10 L0; 16K/64K 0b00 L3, 0b01 L2, 0b10 L1). */
function sl0Of(granule: Granule, level: number): number {
  return granule === "4K" ? 2 - level : 3 - level;
}
