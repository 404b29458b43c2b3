// Bitfield tables of the VMSAv8-64 translation-table descriptors the SMMU walks: stage-1 and
// stage-2 table, block and page descriptors for each granule, with the 52-bit output-address
// variants (64KB: OA[51:48] in bits [15:12] with FEAT_LPA; 4KB/16KB: OA[49:48] in [49:48] and
// OA[51:50] in [9:8] with FEAT_LPA2 / DS=1).
//
// Arm DDI 0487 D8.3 as summarised in shared/spec/smmuv3.md §5.4. Tables are built once per
// combination and cached. A block's output address starts at a level-dependent bit: pass `level`
// for the exact layout; without it the table uses the smallest block of the granule (4KB: L2,
// 16KB: L2, 64KB: L2), so the address field covers every block size's bits.

import { field, getValue, struct, type FieldSpec, type StructSpec } from "../../bits/fields";
import type { Granule } from "../profile";

export type DescriptorKind = "table" | "block" | "page";

const SECTION = "Arm DDI 0487 D8.3 (reference §5.4)";

/** log2 of the granule size. */
export function descriptorGranuleShift(granule: Granule): number {
  return granule === "4K" ? 12 : granule === "16K" ? 14 : 16;
}

/** Lowest output-address bit of a block at `level` (undefined when blocks are not allowed there). */
export function blockShift(granule: Granule, level: number, ds: boolean): number | undefined {
  const g = descriptorGranuleShift(granule);
  const s = g - 3;
  const shift = g + (3 - level) * s;
  if (level >= 3 || level < 0) return undefined;
  // Levels that allow blocks (reference §5.1): 4K L1/L2 (L0 with DS), 16K L2 (L1 with DS), 64K L2 (L1 with 52-bit PA).
  const firstBlockLevel = granule === "4K" ? (ds ? 0 : 1) : granule === "16K" ? (ds ? 1 : 2) : ds ? 1 : 2;
  return level >= firstBlockLevel ? shift : undefined;
}

const cache = new Map<string, StructSpec>();

type F = ReturnType<typeof field>;

/**
 * Descriptor bits [1:0] (Arm DDI 0487 D8.3): x0 invalid; 01 block (level < 3) or Reserved (level 3,
 * treated as invalid: a translation fault); 11 table or page.
 */
function typeField(kind: DescriptorKind): F {
  const one = kind === "page" ? "Reserved (invalid at level 3)" : "block";
  const three = kind === "page" ? "page" : "table";
  return field("Type", 0, 1, 0, "Descriptor type: bit 0 valid; bit 1 table/page (1) or block (0).", {
    values: { 0: "invalid", 1: one, 2: "invalid", 3: three },
    ...(kind === "page" ? { reservedValues: [1] } : {}),
  });
}

/** The address fields common to all descriptors: [hi:lo] plus the split-off high bits. */
function addressFields(name: "NextLevelTableAddr" | "OutputAddress", g: Granule, lo: number, ds: boolean): F[] {
  const out: F[] = [];
  const what = name === "OutputAddress" ? "Output address" : "Next-level table address";
  if (g === "64K") {
    out.push(field(name, 0, 47, lo, `${what} [47:${lo}].`, { kind: "address" }));
    if (ds) {
      out.push(
        field(`${name}Hi`, 0, 15, 12, `${what} bits [51:48] (64KB granule with 52-bit PA, FEAT_LPA).`, {
          kind: "address",
          shift: 48,
        }),
      );
    }
  } else if (ds) {
    out.push(field(name, 0, 49, lo, `${what} [49:${lo}] (DS=1).`, { kind: "address" }));
    out.push(
      field(`${name}Hi`, 0, 9, 8, `${what} bits [51:50] (4KB/16KB granule with DS=1, FEAT_LPA2).`, {
        kind: "address",
        shift: 50,
      }),
    );
  } else {
    out.push(field(name, 0, 47, lo, `${what} [47:${lo}].`, { kind: "address" }));
  }
  return out;
}

function buildTable(stage: 1 | 2, granule: Granule, ds: boolean): StructSpec {
  const g = descriptorGranuleShift(granule);
  const fields: F[] = [typeField("table"), field("IGNORED_LO", 0, 7, 2, "IGNORED.")];
  const hiViaLowBits = ds && granule !== "64K";
  fields.push(
    hiViaLowBits
      ? field("IGNORED_MID", 0, 11, 10, "IGNORED (bit 10 is the table AF with HAFT).")
      : field("IGNORED_MID", 0, 11, 8, "IGNORED (bit 10 is the table AF with HAFT)."),
  );
  fields.push(...addressFields("NextLevelTableAddr", granule, g, ds));
  fields.push(field("IGNORED_HI", 0, 58, 51, "IGNORED (bit 52 is Protected with PnCH)."));
  if (stage === 1) {
    fields.push(
      field("PXNTable", 0, 59, 59, "Hierarchical PXN (two-privilege regimes; RES0 otherwise)."),
      field("UXNTable", 0, 60, 60, "Hierarchical UXN (two-privilege regimes) / XNTable (single privilege)."),
      field("APTable", 0, 62, 61, "Hierarchical data permission limit.", {
        values: { 0: "no limit", 1: "no unprivileged access", 2: "no write", 3: "no unprivileged access, no write" },
      }),
      field("NSTable", 0, 63, 63, "Hierarchical NS (Secure stage 1 only)."),
    );
  }
  const name = `S${stage}_TABLE_${granule}${ds ? "_52" : ""}`;
  return struct(
    name,
    1,
    SECTION,
    `Stage-${stage} table descriptor, ${granule} granule${ds ? ", 52-bit" : ""}.`,
    fields,
  );
}

function buildLeaf(
  stage: 1 | 2,
  kind: "block" | "page",
  granule: Granule,
  ds: boolean,
  level: number | undefined,
): StructSpec {
  const g = descriptorGranuleShift(granule);
  let lo = g;
  if (kind === "block") {
    const defaultLevel = 2;
    lo = blockShift(granule, level ?? defaultLevel, ds) ?? g + (3 - defaultLevel) * (g - 3);
  }
  const fields: F[] = [typeField(kind)];
  if (stage === 1) {
    fields.push(
      field("AttrIndx", 0, 4, 2, "Index of the MAIR byte (CD.MAIR) giving the memory attributes."),
      field("NS", 0, 5, 5, "Output NS (Secure stage 1 only; RES0 otherwise)."),
      field("AP", 0, 7, 6, "Data access permissions AP[2:1].", {
        values: { 0: "privileged RW", 1: "RW", 2: "privileged RO", 3: "RO" },
      }),
    );
  } else {
    fields.push(
      field("MemAttr", 0, 5, 2, "Stage-2 memory type."),
      field("S2AP", 0, 7, 6, "Stage-2 data access permissions.", {
        values: { 0: "none", 1: "read-only", 2: "write-only", 3: "read/write" },
      }),
    );
  }
  const hiViaLowBits = ds && granule !== "64K";
  if (!hiViaLowBits) {
    fields.push(
      field("SH", 0, 9, 8, "Shareability.", {
        values: { 0: "NSH", 1: "Reserved", 2: "OSH", 3: "ISH" },
        reservedValues: [1],
      }),
    );
  }
  fields.push(field("AF", 0, 10, 10, "Access flag."));
  fields.push(
    stage === 1
      ? field("nG", 0, 11, 11, "Not global: the TLB entry is tagged with the ASID.")
      : field("FnXS", 0, 11, 11, "XS attribute override (FEAT_XS)."),
  );
  if (kind === "block" && lo > 16) fields.push(field("nT", 0, 16, 16, "Block translation entry hint (FEAT_BBML1)."));
  fields.push(...addressFields("OutputAddress", granule, lo, ds));
  if (stage === 1) fields.push(field("GP", 0, 50, 50, "Guarded page (BTI; not used by the SMMU)."));
  fields.push(field("DBM", 0, 51, 51, "Dirty bit modifier."), field("Contiguous", 0, 52, 52, "Contiguous hint."));
  if (stage === 1) {
    fields.push(
      field("PXN", 0, 53, 53, "Privileged execute never (two-privilege regimes)."),
      field("UXN", 0, 54, 54, "Unprivileged execute never (two privilege levels) / XN (single privilege level)."),
      field("SW", 0, 58, 55, "Reserved for software use."),
      field("PBHA", 0, 62, 59, "IGNORED, or page-based hardware attributes / AttrIndx[3] / POIndex."),
      field("IGNORED_63", 0, 63, 63, "IGNORED (software use, Non-secure)."),
    );
  } else {
    fields.push(
      field("XN", 0, 54, 53, "Stage-2 execute never XN[1:0] (FEAT_XNX; without XNX only bit 54 counts).", {
        values: { 0: "EL0 and EL1 exec", 1: "EL0 exec only", 2: "no exec", 3: "EL1 exec only" },
      }),
      field("IGNORED_55", 0, 55, 55, "IGNORED (NS for Realm)."),
      field("SW", 0, 58, 56, "Reserved for software use."),
      field("PBHA", 0, 62, 59, "IGNORED / reserved for System MMU (PBHA with S2HWUxx) / POIndex."),
    );
  }
  const lvl = level !== undefined && kind === "block" ? `_L${level}` : "";
  const name = `S${stage}_${kind.toUpperCase()}_${granule}${ds ? "_52" : ""}${lvl}`;
  return struct(
    name,
    1,
    SECTION,
    `Stage-${stage} ${kind} descriptor, ${granule} granule${ds ? ", 52-bit" : ""}.`,
    fields,
  );
}

/**
 * The table for one descriptor shape. `ds` selects the 52-bit output-address layout: FEAT_LPA2
 * (DS=1) for 4KB/16KB, FEAT_LPA (52-bit PA) for 64KB. `level` (blocks only) gives the exact
 * output-address start bit; a block level the granule does not allow falls back to level 2.
 */
export function descriptorSpec(
  stage: 1 | 2,
  kind: DescriptorKind,
  granule: Granule,
  ds = false,
  level?: number,
): StructSpec {
  const key = `${stage}/${kind}/${granule}/${ds ? 1 : 0}/${kind === "block" ? (level ?? "") : ""}`;
  let spec = cache.get(key);
  if (!spec) {
    spec = kind === "table" ? buildTable(stage, granule, ds) : buildLeaf(stage, kind, granule, ds, level);
    cache.set(key, spec);
  }
  return spec;
}

/**
 * The full address a descriptor holds (next-level table or output address), joining the split
 * 52-bit parts. `words` are packed halves [lo, hi] of one descriptor.
 */
export function descriptorAddress(spec: StructSpec, words: ArrayLike<number>): number {
  let addr = 0;
  for (const name of ["NextLevelTableAddr", "NextLevelTableAddrHi", "OutputAddress", "OutputAddressHi"]) {
    const f: FieldSpec | undefined = spec.byName.get(name);
    if (!f) continue;
    const v = getValue(words, f);
    addr += v.hi * 0x1_0000_0000 + v.lo;
  }
  return addr;
}
