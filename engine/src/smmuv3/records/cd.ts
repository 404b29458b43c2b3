// Bitfield tables of the Context Descriptor (CD, 8 dwords) and the level-1 CD table descriptor
// (L1CD, 1 dword).
//
// Field names and positions are Arm IHI 0070 §5.4 / §5.3 as printed in the reference
// (shared/spec/smmuv3.md §4.1 and §4.2). Multi-bit HWU fields that the reference prints as one
// column (HWU061/HWU062) are split into their single bits. RES0 areas are not fields.

import { field, struct, type StructSpec } from "../../bits/fields";
import { PA_SIZE_VALUES } from "./ste";

const CD_SECTION = "SMMUv3 §5.4 (reference §4.1)";

export const CD_TG0_VALUES: Readonly<Record<number, string>> = { 0: "4KB", 1: "64KB", 2: "16KB", 3: "Reserved" };
/** TG1 uses a different encoding from TG0 (TCR_EL1.TG1). */
export const CD_TG1_VALUES: Readonly<Record<number, string>> = { 0: "Reserved", 1: "16KB", 2: "4KB", 3: "64KB" };
const CACHEABILITY: Readonly<Record<number, string>> = { 0: "NC", 1: "WB RA WA", 2: "WT RA", 3: "WB RA no-WA" };
const SHAREABILITY: Readonly<Record<number, string>> = { 0: "NSH", 1: "Reserved (NSH)", 2: "OSH", 3: "ISH" };

function indirectPermissionFields(prefix: "PIIU" | "PIIP", dword: number, doc: string): ReturnType<typeof field>[] {
  const out: ReturnType<typeof field>[] = [];
  for (let p = 0; p < 16; p++) {
    out.push(field(`${prefix}${p}`, dword, 3 * p + 2, 3 * p, `${doc} ${p}.`, { reservedValues: [4, 6] }));
  }
  return out;
}

export const CD: StructSpec = struct("CD", 8, CD_SECTION, "Context Descriptor: the stage-1 translation regime.", [
  // Dword 0
  field("T0SZ", 0, 5, 0, "TTB0 region size: 64 - T0SZ bits."),
  field("TG0", 0, 7, 6, "TTB0 granule.", { values: CD_TG0_VALUES, reservedValues: [3] }),
  field("IR0", 0, 9, 8, "Inner cacheability of TTB0 walks.", { values: CACHEABILITY }),
  field("OR0", 0, 11, 10, "Outer cacheability of TTB0 walks.", { values: CACHEABILITY }),
  field("SH0", 0, 13, 12, "Shareability of TTB0 walks.", { values: SHAREABILITY, reservedValues: [1] }),
  field("EPD0", 0, 14, 14, "Disable TTB0 walks: a TLB miss in the TTB0 region faults F_TRANSLATION."),
  field("ENDI", 0, 15, 15, "Translation table endianness.", { values: { 0: "little-endian", 1: "big-endian" } }),
  field("T1SZ", 0, 21, 16, "TTB1 region size: 64 - T1SZ bits."),
  field("TG1", 0, 23, 22, "TTB1 granule (TCR_EL1.TG1 encoding).", { values: CD_TG1_VALUES, reservedValues: [0] }),
  field("IR1", 0, 25, 24, "Inner cacheability of TTB1 walks.", { values: CACHEABILITY }),
  field("OR1", 0, 27, 26, "Outer cacheability of TTB1 walks.", { values: CACHEABILITY }),
  field("SH1", 0, 29, 28, "Shareability of TTB1 walks.", { values: SHAREABILITY, reservedValues: [1] }),
  field("EPD1", 0, 30, 30, "Disable TTB1 walks."),
  field("V", 0, 31, 31, "CD valid. 0: use of the CD raises C_BAD_CD."),
  field("IPS", 0, 34, 32, "Stage-1 output (IPA) size.", { values: PA_SIZE_VALUES }),
  field("AFFD", 0, 35, 35, "Access-flag fault disable (AF==0 treated as 1)."),
  field("WXN", 0, 36, 36, "Writable implies execute-never."),
  field("UWXN", 0, 37, 37, "Unprivileged-writable implies privileged execute-never (VMSAv8-32 only)."),
  field("TBI0", 0, 38, 38, "Top byte ignore for the TTB0 region."),
  field("TBI1", 0, 39, 39, "Top byte ignore for the TTB1 region."),
  field("PAN", 0, 40, 40, "Privileged access never."),
  field("AA64", 0, 41, 41, "Stage-1 table format: 1 VMSAv8-64, 0 VMSAv8-32 LPAE.", {
    values: { 0: "VMSAv8-32", 1: "VMSAv8-64" },
  }),
  field("HD", 0, 42, 42, "Hardware dirty-state update (stage 1)."),
  field("HA", 0, 43, 43, "Hardware access-flag update (stage 1)."),
  field("S", 0, 44, 44, "Stall on stage-1 translation faults."),
  field("R", 0, 45, 45, "Record stage-1 translation faults."),
  field("A", 0, 46, 46, "Terminated transactions abort (1) or complete RAZ/WI (0)."),
  field("ASET", 0, 47, 47, "ASID set: 0 shared with the PE, 1 SMMU-private."),
  field("ASID", 0, 63, 48, "Address space ID."),
  // Dword 1
  field("NSCFG0", 1, 0, 0, "NS attribute of the TTB0 start-level fetch (Secure CDs)."),
  field("HAD0", 1, 1, 1, "Hierarchical attribute disable for TTB0 (APTable/XNTable/PXNTable ignored)."),
  field("E0PD0", 1, 2, 2, "Unprivileged access to the TTB0 region faults F_TRANSLATION."),
  field("HAFT", 1, 3, 3, "Hardware AF update in table descriptors."),
  field("TTB0", 1, 55, 4, "TTB0 translation table base (IPA when stage 2 translates, else PA).", { kind: "address" }),
  field("PnCH", 1, 58, 58, "Stage-1 Protected attribute enable."),
  field("EPAN", 1, 59, 59, "Enhanced PAN."),
  field("HWU059", 1, 60, 60, "TTB0 leaf bit 59 hardware use (PBHA)."),
  field("HWU060", 1, 61, 61, "TTB0 leaf bit 60 hardware use (PBHA)."),
  field("HWU061", 1, 62, 62, "TTB0 leaf bit 61 hardware use (PBHA)."),
  field("HWU062", 1, 63, 63, "TTB0 leaf bit 62 hardware use (PBHA)."),
  // Dword 2
  field("NSCFG1", 2, 0, 0, "NS attribute of the TTB1 start-level fetch (Secure CDs)."),
  field("HAD1", 2, 1, 1, "Hierarchical attribute disable for TTB1."),
  field("E0PD1", 2, 2, 2, "Unprivileged access to the TTB1 region faults F_TRANSLATION."),
  field("AIE", 2, 3, 3, "Attribute index extension (AttrIndx[3] = leaf bit 59)."),
  field("TTB1", 2, 55, 4, "TTB1 translation table base.", { kind: "address" }),
  field("DS", 2, 58, 58, "52-bit input/output addresses with 4KB/16KB granules (TCR.DS)."),
  field("PIE", 2, 59, 59, "Stage-1 permission indirection."),
  field("HWU159", 2, 60, 60, "TTB1 leaf bit 59 hardware use (PBHA)."),
  field("HWU160", 2, 61, 61, "TTB1 leaf bit 60 hardware use (PBHA)."),
  field("HWU161", 2, 62, 62, "TTB1 leaf bit 61 hardware use (PBHA)."),
  field("HWU162", 2, 63, 63, "TTB1 leaf bit 62 hardware use (PBHA)."),
  // Dwords 3-5
  field("MAIR0", 3, 31, 0, "MAIR Attr0..Attr3 (one byte each)."),
  field("MAIR1", 3, 63, 32, "MAIR Attr4..Attr7."),
  field("AMAIR0", 4, 31, 0, "Auxiliary MAIR (IMPLEMENTATION DEFINED)."),
  field("AMAIR1", 4, 63, 32, "Auxiliary MAIR (IMPLEMENTATION DEFINED)."),
  field("IMPDEF5", 5, 31, 0, "IMPLEMENTATION DEFINED (QoS / allocation hints for walks)."),
  field("PARTID", 5, 47, 32, "MPAM PARTID (used when STE.S1MPAM==1)."),
  field("PMG", 5, 55, 48, "MPAM PMG."),
  // Dwords 6-7
  ...indirectPermissionFields("PIIU", 6, "Stage-1 unprivileged indirect permission"),
  ...indirectPermissionFields("PIIP", 7, "Stage-1 privileged indirect permission"),
]);

export const L1CD: StructSpec = struct(
  "L1CD",
  1,
  "SMMUv3 §5.3 (reference §4.2)",
  "Level-1 CD table descriptor: points at a level-2 table of CDs.",
  [
    field("V", 0, 0, 0, "L2Ptr valid. 0: a CD fetch through it raises C_BAD_SUBSTREAMID."),
    field("L2Ptr", 0, 55, 12, "Address of the level-2 CD table (IPA when stage 2 translates, else PA).", {
      kind: "address",
    }),
  ],
);
