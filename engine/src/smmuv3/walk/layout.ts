// Field positions the walker reads, resolved once from R1's structure tables (records/ste.ts,
// cd.ts, descriptors.ts). The hot loop reads fields with `readBits32` / `readBitsNumber` at the
// tables' lsb/width, so the tables stay the one place that knows where a field lives; this module
// only gathers the FieldSpecs it needs into flat objects (no Map lookups per read).

import { type FieldSpec, type StructSpec, fieldOf } from "../../bits/fields";
import { readBits32, readBitsNumber } from "../../bits/u64";
import type { Granule } from "../profile";
import { CD, L1CD, L1STD, STE, descriptorSpec } from "../records";

/** A field of at most 32 bits as a number. */
export function small(words: ArrayLike<number>, f: FieldSpec): number {
  return readBits32(words, f.lsb, f.width);
}

/** An address field's address (raw bits shifted by the field's `shift`), exact below 2^53. */
export function address(words: ArrayLike<number>, f: FieldSpec): number {
  return readBitsNumber(words, f.lsb, f.width) * 2 ** f.shift;
}

/** A field wider than 32 bits (but below 53) as a number. */
export function wide(words: ArrayLike<number>, f: FieldSpec): number {
  return readBitsNumber(words, f.lsb, f.width);
}

const s = (name: string): FieldSpec => fieldOf(STE, name);
const c = (name: string): FieldSpec => fieldOf(CD, name);

/** STE fields the walker reads (SMMUv3 reference §2.1). */
export const STE_F = {
  V: s("V"),
  Config: s("Config"),
  S1Fmt: s("S1Fmt"),
  S1ContextPtr: s("S1ContextPtr"),
  S1CDMax: s("S1CDMax"),
  S1DSS: s("S1DSS"),
  STRW: s("STRW"),
  PRIVCFG: s("PRIVCFG"),
  INSTCFG: s("INSTCFG"),
  S2VMID: s("S2VMID"),
  S2T0SZ: s("S2T0SZ"),
  S2SL0: s("S2SL0"),
  S2TG: s("S2TG"),
  S2PS: s("S2PS"),
  S2AA64: s("S2AA64"),
  S2ENDI: s("S2ENDI"),
  S2AFFD: s("S2AFFD"),
  S2PTW: s("S2PTW"),
  S2FWB: s("S2FWB"),
  S2HD: s("S2HD"),
  S2HA: s("S2HA"),
  S2S: s("S2S"),
  S2R: s("S2R"),
  S2SL0_2: s("S2SL0_2"),
  S2SH0: s("S2SH0"),
  S2DS: s("S2DS"),
  S2TTB: s("S2TTB"),
  S1STALLD: s("S1STALLD"),
} as const;

/** CD fields the walker reads (reference §4.1). */
export const CD_F = {
  V: c("V"),
  T0SZ: c("T0SZ"),
  TG0: c("TG0"),
  EPD0: c("EPD0"),
  ENDI: c("ENDI"),
  T1SZ: c("T1SZ"),
  TG1: c("TG1"),
  EPD1: c("EPD1"),
  IPS: c("IPS"),
  SH0: c("SH0"),
  SH1: c("SH1"),
  AFFD: c("AFFD"),
  WXN: c("WXN"),
  TBI0: c("TBI0"),
  TBI1: c("TBI1"),
  PAN: c("PAN"),
  AA64: c("AA64"),
  HD: c("HD"),
  HA: c("HA"),
  S: c("S"),
  R: c("R"),
  A: c("A"),
  ASID: c("ASID"),
  HAD0: c("HAD0"),
  E0PD0: c("E0PD0"),
  TTB0: c("TTB0"),
  HAD1: c("HAD1"),
  E0PD1: c("E0PD1"),
  TTB1: c("TTB1"),
  DS: c("DS"),
  EPAN: c("EPAN"),
  MAIR0: c("MAIR0"),
  MAIR1: c("MAIR1"),
} as const;

export const L1STD_F = { Span: fieldOf(L1STD, "Span"), L2Ptr: fieldOf(L1STD, "L2Ptr") } as const;
export const L1CD_F = { V: fieldOf(L1CD, "V"), L2Ptr: fieldOf(L1CD, "L2Ptr") } as const;

/**
 * Descriptor fields of one stage and granule, for every level. Fields that are the same in the
 * table, block and page forms (Type, AF, ...) are taken from the form that defines them.
 */
export interface DescriptorLayout {
  readonly stage: 1 | 2;
  readonly granule: Granule;
  /** 52-bit output-address layout (64K with FEAT_LPA / 4K,16K with DS). */
  readonly wide: boolean;
  readonly table: StructSpec;
  readonly page: StructSpec;
  /** Block spec per level (undefined where blocks are not allowed). */
  readonly blockAt: readonly (StructSpec | undefined)[];
  readonly type: FieldSpec;
  readonly nlta: FieldSpec;
  readonly nltaHi: FieldSpec | undefined;
  /** Page output address; block output addresses are in `blockOa[level]`. */
  readonly pageOa: FieldSpec;
  readonly oaHi: FieldSpec | undefined;
  readonly blockOa: readonly (FieldSpec | undefined)[];
  readonly af: FieldSpec;
  readonly sh: FieldSpec | undefined;
  readonly dbm: FieldSpec;
  readonly contiguous: FieldSpec;
  // stage 1
  readonly apTable?: FieldSpec;
  readonly uxnTable?: FieldSpec;
  readonly pxnTable?: FieldSpec;
  readonly attrIndx?: FieldSpec;
  readonly ap?: FieldSpec;
  readonly nG?: FieldSpec;
  readonly pxn?: FieldSpec;
  readonly uxn?: FieldSpec;
  // stage 2
  readonly s2ap?: FieldSpec;
  readonly memAttr?: FieldSpec;
  readonly xn?: FieldSpec;
}

const layouts = new Map<string, DescriptorLayout>();

/** The descriptor layout of a stage and granule; `wideOa` selects the 52-bit output-address form. */
export function descriptorLayout(stage: 1 | 2, granule: Granule, wideOa: boolean, ds: boolean): DescriptorLayout {
  const key = `${stage}/${granule}/${wideOa ? 1 : 0}/${ds ? 1 : 0}`;
  const found = layouts.get(key);
  if (found) return found;
  const table = descriptorSpec(stage, "table", granule, wideOa);
  const page = descriptorSpec(stage, "page", granule, wideOa);
  const blockAt: (StructSpec | undefined)[] = [];
  const blockOa: (FieldSpec | undefined)[] = [];
  for (let level = 0; level <= 3; level++) {
    const allowed = level < 3 && blockLevelAllowed(granule, level, ds, wideOa);
    const spec = allowed ? descriptorSpec(stage, "block", granule, wideOa, level) : undefined;
    blockAt.push(spec);
    blockOa.push(spec ? fieldOf(spec, "OutputAddress") : undefined);
  }
  const opt = (spec: StructSpec, name: string): FieldSpec | undefined => spec.byName.get(name);
  const layout: DescriptorLayout = {
    stage,
    granule,
    wide: wideOa,
    table,
    page,
    blockAt,
    type: fieldOf(table, "Type"),
    nlta: fieldOf(table, "NextLevelTableAddr"),
    nltaHi: opt(table, "NextLevelTableAddrHi"),
    pageOa: fieldOf(page, "OutputAddress"),
    oaHi: opt(page, "OutputAddressHi"),
    blockOa,
    af: fieldOf(page, "AF"),
    sh: opt(page, "SH"),
    dbm: fieldOf(page, "DBM"),
    contiguous: fieldOf(page, "Contiguous"),
    ...(stage === 1
      ? {
          apTable: fieldOf(table, "APTable"),
          uxnTable: fieldOf(table, "UXNTable"),
          pxnTable: fieldOf(table, "PXNTable"),
          attrIndx: fieldOf(page, "AttrIndx"),
          ap: fieldOf(page, "AP"),
          nG: fieldOf(page, "nG"),
          pxn: fieldOf(page, "PXN"),
          uxn: fieldOf(page, "UXN"),
        }
      : { s2ap: fieldOf(page, "S2AP"), memAttr: fieldOf(page, "MemAttr"), xn: fieldOf(page, "XN") }),
  };
  layouts.set(key, layout);
  return layout;
}

/** §5.1: levels that allow blocks (4K L0 and 16K L1 need DS; 64K L1 needs 52-bit PAs). */
function blockLevelAllowed(granule: Granule, level: number, ds: boolean, wideOa: boolean): boolean {
  if (granule === "4K") return level >= 1 || (level === 0 && ds);
  if (granule === "16K") return level >= 2 || (level === 1 && ds);
  return level >= 2 || (level === 1 && wideOa);
}

export { STE, CD, L1STD, L1CD };

// ---- what a fetched descriptor is (reference §5.4) -----------------------------------------
// Stage 1 and stage 2, the walk and the address-space map all read descriptors the same way; these
// helpers are that one reading. They allocate nothing (hot path).

/** Bit 0 clear: invalid (F_TRANSLATION). */
export const DESCRIPTOR_INVALID = 0;
/** Levels 0-2, type 0b11: a next-level table. */
export const DESCRIPTOR_TABLE = 1;
/** A block (levels the granule allows) or a level-3 page (type 0b11). */
export const DESCRIPTOR_LEAF = 2;
/** Level 3 with type 0b01: the Reserved encoding (F_TRANSLATION). */
export const DESCRIPTOR_RESERVED_L3 = 3;
/** Type 0b01 at a level where this granule (and DS/52-bit layout) has no blocks (F_TRANSLATION). */
export const DESCRIPTOR_BLOCK_NOT_ALLOWED = 4;

/** Which of the DESCRIPTOR_* kinds the descriptor in `words` is at `level`. */
export function descriptorKind(words: ArrayLike<number>, L: DescriptorLayout, level: number): number {
  const type = small(words, L.type);
  if ((type & 1) === 0) return DESCRIPTOR_INVALID;
  if (level === 3) return type === 3 ? DESCRIPTOR_LEAF : DESCRIPTOR_RESERVED_L3;
  if (type === 3) return DESCRIPTOR_TABLE;
  return L.blockOa[level] ? DESCRIPTOR_LEAF : DESCRIPTOR_BLOCK_NOT_ALLOWED;
}

/** Why a descriptor of kind INVALID, RESERVED_L3 or BLOCK_NOT_ALLOWED raises F_TRANSLATION. */
export function descriptorFaultReason(kind: number, L: DescriptorLayout, level: number): string {
  const stage = `stage-${L.stage}`;
  if (kind === DESCRIPTOR_RESERVED_L3) return `${stage} level-3 descriptor uses the Reserved encoding 0b01`;
  if (kind === DESCRIPTOR_BLOCK_NOT_ALLOWED) return `a ${L.granule} ${stage} block is not allowed at level ${level}`;
  return `${stage} level-${level} descriptor is invalid (bit 0 clear)`;
}

/** The next-level table address of a table descriptor (with its high bits in 52-bit layouts). */
export function tableAddress(words: ArrayLike<number>, L: DescriptorLayout): number {
  const next = address(words, L.nlta);
  return L.nltaHi ? next + address(words, L.nltaHi) : next;
}

/** The output address of a leaf at `level` (block or page, with its high bits in 52-bit layouts). */
export function leafAddress(words: ArrayLike<number>, L: DescriptorLayout, level: number): number {
  const oa = address(words, level === 3 ? L.pageOa : L.blockOa[level]!);
  return L.oaHi ? oa + address(words, L.oaHi) : oa;
}

/** The table to decode a descriptor with, for the trace (invalid ones as a page: all its bits named). */
export function descriptorSpecFor(words: ArrayLike<number>, L: DescriptorLayout, level: number): StructSpec {
  const type = small(words, L.type);
  return type === 3 && level < 3 ? L.table : level < 3 && type === 1 ? (L.blockAt[level] ?? L.table) : L.page;
}
