// Bitfield tables of the Stream Table Entry (STE, 8 dwords) and the level-1 stream table
// descriptor (L1STD, 1 dword).
//
// Field names and positions are Arm IHI 0070 §5.2 / §5.1 as printed in the reference
// (shared/spec/smmuv3.md §2.1 and §3.3). Bits the architecture leaves RES0 are not fields, so the
// generic decoder flags them when set. IMPLEMENTATION DEFINED and software-use areas are fields
// (IMPDEF1, IMPDEF2, IMPDEF4, SW_RESERVED) so they are never reported as RES0 violations.

import { field, struct, type StructSpec } from "../../bits/fields";

const STE_SECTION = "SMMUv3 §5.2 (reference §2.1)";

/** Stage-2 granule encoding shared by S2TG and S_S2TG. */
export const STE_S2TG_VALUES: Readonly<Record<number, string>> = { 0: "4KB", 1: "64KB", 2: "16KB", 3: "Reserved" };
/** PA size encoding of S2PS (and CD.IPS, IDR5.OAS). */
export const PA_SIZE_VALUES: Readonly<Record<number, string>> = {
  0: "32-bit",
  1: "36-bit",
  2: "40-bit",
  3: "42-bit",
  4: "44-bit",
  5: "48-bit",
  6: "52-bit",
  7: "56-bit",
};
const CACHEABILITY: Readonly<Record<number, string>> = { 0: "NC", 1: "WB RA WA", 2: "WT RA", 3: "WB RA no-WA" };
const SHAREABILITY: Readonly<Record<number, string>> = { 0: "NSH", 1: "Reserved (NSH)", 2: "OSH", 3: "ISH" };

function s2poiFields(): ReturnType<typeof field>[] {
  const out: ReturnType<typeof field>[] = [];
  for (let p = 0; p < 16; p++) {
    out.push(
      field(
        `S2POI${p}`,
        7,
        4 * p + 3,
        4 * p,
        `Stage-2 overlay permission interpretation ${p} (0b0001, 0b0101 ILLEGAL when S2POE==1)`,
        {
          reservedValues: [1, 5],
        },
      ),
    );
  }
  return out;
}

export const STE: StructSpec = struct("STE", 8, STE_SECTION, "Stream Table Entry: how the SMMU treats one StreamID.", [
  // Dword 0
  field("V", 0, 0, 0, "STE valid. 0: every transaction is aborted with C_BAD_STE."),
  field("Config", 0, 3, 1, "Stream configuration: abort, bypass, stage 1, stage 2 or nested.", {
    values: {
      0: "abort",
      1: "Reserved (abort)",
      2: "Reserved (abort)",
      3: "Reserved (abort)",
      4: "bypass",
      5: "stage 1",
      6: "stage 2",
      7: "nested",
    },
    reservedValues: [1, 2, 3],
  }),
  field("S1Fmt", 0, 5, 4, "Format of the CD table at S1ContextPtr.", {
    values: { 0: "linear", 1: "2-level, 4KB leaves", 2: "2-level, 64KB leaves", 3: "Reserved (linear)" },
    reservedValues: [3],
  }),
  field("S1ContextPtr", 0, 55, 6, "Address of the CD, CD table or L1CD table (PA, or IPA when stage 2 translates).", {
    kind: "address",
  }),
  field("S1CDMax", 0, 63, 59, "log2 of the number of CDs; 0: one CD, SubstreamIDs disabled."),
  // Dword 1
  field("S1DSS", 1, 1, 0, "Default substream: what traffic without a SubstreamID does when S1CDMax != 0.", {
    values: { 0: "terminate", 1: "bypass stage 1", 2: "use CD 0", 3: "Reserved (terminate)" },
    reservedValues: [3],
  }),
  field("S1CIR", 1, 3, 2, "Inner cacheability of CD and L1CD fetches.", { values: CACHEABILITY }),
  field("S1COR", 1, 5, 4, "Outer cacheability of CD and L1CD fetches.", { values: CACHEABILITY }),
  field("S1CSH", 1, 7, 6, "Shareability of CD and L1CD fetches.", { values: SHAREABILITY, reservedValues: [1] }),
  field("S2HWU59", 1, 8, 8, "Stage-2 leaf bit 59 has IMPLEMENTATION DEFINED hardware use (PBHA)."),
  field("S2HWU60", 1, 9, 9, "Stage-2 leaf bit 60 has IMPLEMENTATION DEFINED hardware use (PBHA)."),
  field("S2HWU61", 1, 10, 10, "Stage-2 leaf bit 61 has IMPLEMENTATION DEFINED hardware use (PBHA)."),
  field("S2HWU62", 1, 11, 11, "Stage-2 leaf bit 62 has IMPLEMENTATION DEFINED hardware use (PBHA)."),
  field("DRE", 1, 12, 12, "Destructive read enable."),
  field("CONT", 1, 16, 13, "Contiguous hint: this STE is identical for 2^CONT aligned StreamIDs."),
  field("DCP", 1, 17, 17, "Directed cache prefetch permitted."),
  field("PPAR", 1, 18, 18, "PRI auto-responses include the PASID."),
  field("MEV", 1, 19, 19, "Similar event records may be merged."),
  field("SW_RESERVED", 1, 23, 20, "Reserved for software; IGNORED by the SMMU."),
  field("S1PIE", 1, 24, 24, "CDs may enable stage-1 permission indirection."),
  field("S2FWB", 1, 25, 25, "Stage-2 forced write-back."),
  field("S1MPAM", 1, 26, 26, "MPAM PARTID/PMG come from the CD (1) or the STE (0)."),
  field("S1STALLD", 1, 27, 27, "Stage-1 stalls disallowed (CD.S must then be 0)."),
  field("EATS", 1, 29, 28, "Enable ATS.", {
    values: { 0: "ATS disabled", 1: "full ATS", 2: "split-stage ATS", 3: "full ATS with DPT" },
  }),
  field("STRW", 1, 31, 30, "StreamWorld for stage-1-only streams.", {
    values: { 0: "NS-EL1", 1: "Reserved", 2: "EL2", 3: "Reserved" },
    reservedValues: [1, 3],
  }),
  field("MemAttr", 1, 35, 32, "Memory type override (stage-2 MemAttr encoding), used when MTCFG==1.", {
    reservedValues: [4, 8, 12],
  }),
  field("MTCFG", 1, 36, 36, "Replace the incoming memory type with MemAttr."),
  field("ALLOCCFG", 1, 40, 37, "Allocation hint override."),
  field("SHCFG", 1, 45, 44, "Shareability override.", {
    values: { 0: "NSH", 1: "incoming", 2: "OSH", 3: "ISH" },
  }),
  field("NSCFG", 1, 47, 46, "NS attribute override.", {
    values: { 0: "incoming", 1: "Reserved (incoming)", 2: "Secure", 3: "Non-secure" },
    reservedValues: [1],
  }),
  field("PRIVCFG", 1, 49, 48, "Privilege override.", {
    values: { 0: "incoming", 1: "Reserved (incoming)", 2: "unprivileged", 3: "privileged" },
    reservedValues: [1],
  }),
  field("INSTCFG", 1, 51, 50, "Instruction/data override (reads only).", {
    values: { 0: "incoming", 1: "Reserved (incoming)", 2: "data", 3: "instruction" },
    reservedValues: [1],
  }),
  field("IMPDEF1", 1, 63, 52, "IMPLEMENTATION DEFINED (for example QoS)."),
  // Dword 2
  field("S2VMID", 2, 15, 0, "VMID tag."),
  field("IMPDEF2", 2, 31, 16, "IMPLEMENTATION DEFINED."),
  field("S2T0SZ", 2, 37, 32, "Stage-2 input size is 64 - S2T0SZ bits."),
  field("S2SL0", 2, 39, 38, "Stage-2 start level (VTCR_EL2.SL0 encoding, depends on S2TG)."),
  field("S2IR0", 2, 41, 40, "Inner cacheability of stage-2 table walks.", { values: CACHEABILITY }),
  field("S2OR0", 2, 43, 42, "Outer cacheability of stage-2 table walks.", { values: CACHEABILITY }),
  field("S2SH0", 2, 45, 44, "Shareability of stage-2 table walks.", { values: SHAREABILITY, reservedValues: [1] }),
  field("S2TG", 2, 47, 46, "Stage-2 granule.", { values: STE_S2TG_VALUES, reservedValues: [3] }),
  field("S2PS", 2, 50, 48, "Stage-2 output (PA) size.", { values: PA_SIZE_VALUES }),
  field("S2AA64", 2, 51, 51, "Stage-2 table format: 1 VMSAv8-64, 0 VMSAv8-32 LPAE.", {
    values: { 0: "VMSAv8-32", 1: "VMSAv8-64" },
  }),
  field("S2ENDI", 2, 52, 52, "Stage-2 table endianness.", { values: { 0: "little-endian", 1: "big-endian" } }),
  field("S2AFFD", 2, 53, 53, "Stage-2 access-flag fault disable (AF==0 treated as 1)."),
  field("S2PTW", 2, 54, 54, "Protected table walk: stage-1 walks and CD fetches to Device memory fault."),
  field("S2HD", 2, 55, 55, "Stage-2 hardware dirty-state update."),
  field("S2HA", 2, 56, 56, "Stage-2 hardware access-flag update."),
  field("S2S", 2, 57, 57, "Stall on stage-2 faults."),
  field("S2R", 2, 58, 58, "Record stage-2 faults."),
  field("S2HAFT", 2, 59, 59, "Hardware AF update in stage-2 table descriptors."),
  field("S2PIE", 2, 60, 60, "Stage-2 permission indirection."),
  field("S2POE", 2, 61, 61, "Stage-2 permission overlays."),
  field("DPT_VMATCH", 2, 63, 62, "VMID match rule for DPT checks."),
  // Dword 3
  field("S2NSW", 3, 0, 0, "Secure STE: NS attribute of stage-2 walks through S2TTB."),
  field("S2NSA", 3, 1, 1, "Secure STE: NS output for Secure-stream NS-IPA translations."),
  field("S2SL0_2", 3, 2, 2, "Bit 2 of S2SL0 (level -1 with FEAT_LPA2)."),
  field("S2DS", 3, 3, 3, "52-bit IPA/PA with 4KB/16KB stage-2 granule (VTCR_EL2.DS)."),
  field("S2TTB", 3, 55, 4, "Stage-2 translation table base (PA).", { kind: "address" }),
  field("S2SKL", 3, 62, 61, "Stage-2 skip levels (VMSAv9-128 only)."),
  // Dword 4
  field("IMPDEF4", 4, 15, 0, "IMPLEMENTATION DEFINED."),
  field("PARTID", 4, 31, 16, "MPAM PARTID for this stream."),
  field("S_S2T0SZ", 4, 37, 32, "Secure IPA space stage-2 input size."),
  field("S_S2SL0", 4, 39, 38, "Secure IPA space stage-2 start level."),
  field("S_S2TG", 4, 47, 46, "Secure IPA space stage-2 granule.", { values: STE_S2TG_VALUES, reservedValues: [3] }),
  field("MECID", 4, 63, 48, "Memory Encryption Context ID (Realm STEs)."),
  // Dword 5
  field("PMG", 5, 7, 0, "MPAM PMG."),
  field("MPAM_NS", 5, 8, 8, "MPAM PARTID space is Non-secure."),
  field("AssuredOnly", 5, 9, 9, "Stage-2 AssuredOnly checks."),
  field("TL0", 5, 10, 10, "Stage-2 TopLevel0 check."),
  field("TL1", 5, 11, 11, "Stage-2 TopLevel1 check."),
  field("VMSPtr", 5, 55, 12, "PA of the Virtual Machine Structure.", { kind: "address" }),
  // Dword 6
  field("S2SW", 6, 0, 0, "Secure STE: NS attribute of stage-2 walks through S_S2TTB."),
  field("S2SA", 6, 1, 1, "Secure STE: NS output for Secure IPA translations."),
  field("S_S2SL0_2", 6, 2, 2, "Bit 2 of S_S2SL0."),
  field("S_S2TTB", 6, 55, 4, "Secure IPA space stage-2 table base.", { kind: "address" }),
  field("S_S2SKL", 6, 62, 61, "Skip levels for S_S2TTB (VMSAv9-128)."),
  // Dword 7
  ...s2poiFields(),
]);

export const L1STD: StructSpec = struct(
  "L1STD",
  1,
  "SMMUv3 §5.1 (reference §3.3)",
  "Level-1 stream table descriptor: points at a level-2 array of STEs.",
  [
    field("Span", 0, 4, 0, "0: invalid; 1..11: the level-2 array holds 2^(Span-1) STEs; 12..31 Reserved (invalid)."),
    field("L2Ptr", 0, 55, 6, "PA of the level-2 STE array (aligned to its size).", { kind: "address" }),
  ],
);
