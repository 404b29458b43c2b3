// The legality rules for STEs, CDs and iommufd vSTEs, as data: one entry per stable finding
// code, with the rule in plain words, the fields it is about, the spec section and the event the
// SMMU raises. Docs and tests enumerate this table; the checkers (ste-legality.ts,
// cd-legality.ts, nested-vste.ts) emit findings only with these codes.
//
// ILLEGAL rules follow Arm IHI 0070 §5.2.2 SteIllegal() and §5.4.2 CdIllegal() as listed in
// shared/spec/smmuv3.md §2.3 and §4.4 (the `ref` column keeps the reference's rule ids), checked
// against the pseudocode of Arm IHI 0070 §5.2.2 / §5.4.2 (docs/SPEC-NOTES.md says where the
// reference differs). The Security state of the stream is SmmuProfile.SEC_STATE.

export interface LegalityFinding {
  /** Stable code, e.g. "STE-ILL-S2T0SZ"; see LEGALITY_RULES. */
  readonly code: string;
  readonly severity: "error" | "warning";
  /** True when the hardware would treat the structure as invalid and raise `event`. */
  readonly illegal: boolean;
  /** The spec's field names the finding is about. */
  readonly fields: string[];
  /** The finding in plain words, with the values involved. */
  readonly message: string;
  /** Where the rule is defined. */
  readonly section: string;
  /** The event the SMMU raises ("C_BAD_STE", "C_BAD_CD"); absent for warnings that raise none. */
  readonly event?: string;
}

export interface LegalityRule {
  readonly code: string;
  readonly structure: "STE" | "CD" | "vSTE";
  readonly severity: "error" | "warning";
  readonly illegal: boolean;
  readonly fields: readonly string[];
  /** The rule in plain words. */
  readonly rule: string;
  readonly section: string;
  readonly event?: string;
  /** The reference's rule id (smmuv3.md §2.3 STE-nn, §4.4 CD-nn), when there is one. */
  readonly ref?: string;
  /** False when the engine cannot check it (and why, in `rule`). */
  readonly checked: boolean;
}

const STE_ILL = "SMMUv3 §5.2.2 SteIllegal() (reference §2.3)";
const CD_ILL = "SMMUv3 §5.4.2 CdIllegal() (reference §4.4)";
const STE_WARN = "reference §2.6";
const CD_WARN = "reference §4.4 (CD warnings), §4.5";
const NESTED = "Linux arm-smmu-v3-iommufd.c arm_smmu_validate_vste() (reference §8.2)";

type R = Omit<LegalityRule, "checked" | "structure"> & { checked?: boolean };

function ste(code: string, ref: string, fields: string[], rule: string, checked = true): R {
  return {
    code,
    ref,
    fields,
    rule,
    section: `${STE_ILL}, ${ref}`,
    severity: "error",
    illegal: true,
    event: "C_BAD_STE",
    checked,
  };
}
function cd(code: string, ref: string, fields: string[], rule: string, checked = true): R {
  return {
    code,
    ref,
    fields,
    rule,
    section: `${CD_ILL}, ${ref}`,
    severity: "error",
    illegal: true,
    event: "C_BAD_CD",
    checked,
  };
}
function warn(code: string, fields: string[], rule: string, section: string, event?: string): R {
  return { code, fields, rule, section, severity: "warning", illegal: false, ...(event ? { event } : {}) };
}

const STE_RULES: R[] = [
  ste("STE-ILL-V", "STE-01", ["V"], "V == 0: the STE is not valid; every transaction aborts with C_BAD_STE."),
  ste(
    "STE-ILL-S1P",
    "STE-03",
    ["Config"],
    "Stage 1 enabled (Config 0b101/0b111) on an SMMU without stage 1 (IDR0.S1P == 0).",
  ),
  ste(
    "STE-ILL-S2P",
    "STE-04",
    ["Config"],
    "Stage 2 enabled (Config 0b110/0b111) on an SMMU without stage 2 (IDR0.S2P == 0).",
  ),
  ste(
    "STE-ILL-SECURE-S2",
    "STE-05",
    ["Config"],
    "Stage 2 enabled (Config 0b11x) in a Secure STE (SEC_STATE Secure) on an SMMU without Secure stage 2 (SMMU_S_IDR1.SEL2 == 0).",
  ),
  ste(
    "STE-ILL-SECURE-AA32",
    "STE-06",
    ["S2AA64"],
    "A Secure or Realm STE with stage 2 enabled must not use VMSAv8-32 stage-2 tables (S2AA64 == 0 with IDR5.D128 == 0).",
  ),
  ste(
    "STE-ILL-EATS-SPLIT",
    "STE-07",
    ["EATS", "Config", "S2S"],
    "EATS == 0b10 (split-stage ATS) needs Config == 0b111, S2S == 0 and IDR0.NS1ATS == 0.",
  ),
  ste(
    "STE-ILL-EATS-S2S",
    "STE-08",
    ["EATS", "S2S"],
    "EATS == 0b01 (full ATS) with stage 2 enabled forbids S2S == 1 (stage-2 stall).",
  ),
  ste(
    "STE-ILL-DPT-STRW",
    "STE-09",
    ["EATS", "STRW"],
    "EATS == 0b11 (full ATS with DPT checks, IDR3.DPT == 1, or SMMU_R_IDR3.DPT for a Realm STE) needs an EL1 StreamWorld: STRW, when used (Config 0b101), must be 0b00.",
  ),
  ste(
    "STE-ILL-DPT-VMATCH",
    "STE-10",
    ["DPT_VMATCH"],
    "A Realm STE with EATS == 0b11 and SMMU_R_IDR3.DPT == 1 must have DPT_VMATCH == 0b00.",
  ),
  ste(
    "STE-ILL-DPT-S2S",
    "STE-11",
    ["EATS", "S2S"],
    "EATS == 0b11 with DPT (IDR3.DPT == 1) and stage 2 enabled forbids S2S == 1 (stage-2 stalls), as for full ATS (STE.EATS field text).",
  ),
  ste(
    "STE-ILL-STRW",
    "STE-12",
    ["STRW"],
    "STRW == 0bx1 is a Reserved StreamWorld in a Non-secure or Realm STE (when STRW is used: Config 0b101, and IDR0.Hyp == 1 for a Non-secure STE).",
  ),
  ste(
    "STE-ILL-SECURE-STRW",
    "STE-13",
    ["STRW"],
    "STRW == 0b11 is a Reserved StreamWorld in a Secure STE (when STRW is used: Config 0b101).",
  ),
  ste(
    "STE-ILL-SECURE-EL3",
    "STE-14",
    ["STRW"],
    "STRW == 0b01 (EL3 StreamWorld) in a Secure STE on an SMMU with RME (IDR0.RME_IMPL == 1), which has no EL3 StreamWorld.",
  ),
  ste(
    "STE-ILL-SECURE-SEL2",
    "STE-15",
    ["STRW", "Config"],
    "STRW == 0b10 (S-EL2) with Config 0b101 in a Secure STE on an SMMU without Secure EL2 (SMMU_S_IDR1.SEL2 == 0).",
  ),
  ste(
    "STE-ILL-S1STALLD",
    "STE-16",
    ["S1STALLD"],
    "S1STALLD == 1 with stage 1 enabled needs IDR0.STALL_MODEL == 0b00 (stalls configurable).",
  ),
  ste(
    "STE-ILL-S1CDMAX",
    "STE-17",
    ["S1CDMax"],
    "S1CDMax must not exceed IDR1.SSIDSIZE (when SSIDSIZE != 0 and stage 1 is enabled).",
  ),
  ste(
    "STE-ILL-S1FMT",
    "STE-18",
    ["S1Fmt", "S1CDMax"],
    "S1Fmt 0b01/0b10 (2-level CD table) with S1CDMax != 0 needs IDR0.CD2L == 1.",
  ),
  ste(
    "STE-ILL-S1CTXPTR",
    "STE-19",
    ["S1ContextPtr"],
    "S1ContextPtr must be below 2^OAS (stage 2 bypassed: a PA) or 2^IAS (stage 2 enabled: an IPA).",
  ),
  ste("STE-ILL-S2FWB", "STE-20", ["S2FWB", "S2AA64"], "S2FWB == 1 is ILLEGAL with a VMSAv8-32 stage 2."),
  ste(
    "STE-ILL-S2S-NOSTALL",
    "STE-21",
    ["S2S"],
    "S2S == 1 with stage 2 enabled on an SMMU that cannot stall (IDR0.STALL_MODEL == 0b01).",
  ),
  ste(
    "STE-ILL-S2S-FORCED",
    "STE-22",
    ["S2S"],
    "S2S == 0 with stage 2 enabled on an SMMU that forces stalls (IDR0.STALL_MODEL == 0b10).",
  ),
  ste(
    "STE-ILL-S2AA32",
    "STE-23",
    ["S2AA64"],
    "S2AA64 == 0 (VMSAv8-32 stage 2) on an SMMU without VMSAv8-32 tables (IDR0.TTF[0] == 0).",
  ),
  ste("STE-ILL-S2AA64", "STE-24", ["S2AA64"], "S2AA64 == 1 on an SMMU without VMSAv8-64 tables (IDR0.TTF[1] == 0)."),
  ste(
    "STE-ILL-S2HTTU",
    "STE-25",
    ["S2HA", "S2HD"],
    "S2HA/S2HD need a VMSAv8-64 stage 2 and hardware update support (IDR0.HTTU != 0b00).",
  ),
  ste(
    "STE-ILL-S2HD",
    "STE-26",
    ["S2HD"],
    "S2HD == 1 needs dirty-state update support (IDR0.HTTU == 0b10 or 0b11, not 0b01).",
  ),
  ste(
    "STE-ILL-S2HAFT",
    "STE-27",
    ["S2HAFT", "S2HA"],
    "S2HAFT == 1 (table-descriptor AF update) needs S2HA == 1 (leaf AF update) on an SMMU with IDR0.HTTU == 0b11 (profile HAFT 1).",
  ),
  ste(
    "STE-ILL-S2TG",
    "STE-28",
    ["S2TG"],
    "S2TG must select a granule the SMMU supports (IDR5.GRANxx) and not the Reserved 0b11.",
  ),
  ste(
    "STE-ILL-S2TTB",
    "STE-29",
    ["S2TTB", "S2PS"],
    "S2TTB must be below 2^effective S2PS (40 bits with a VMSAv8-32 stage 2), and below 2^48 with a 4KB/16KB granule and S2DS == 0.",
  ),
  ste(
    "STE-ILL-S2T0SZ",
    "STE-30",
    ["S2T0SZ", "S2TG"],
    "S2T0SZ must be within the legal range (reference §2.4): at most 39 (47/48 with IDR3.STT), at least max(16 or 12, 64 - IAS); VMSAv9-128 (IDR5.D128, S2AA64 == 0): 8..48 (47 for 64KB), at least 64 - IAS. VMSAv8-32 LPAE (S2AA64 0 without D128): only bits [3:0] count, a signed -8..7 (a 25..40-bit IPA), and every value is valid (SteIllegal() skips STES2T0SZInvalid() there), so this rule cannot fail; the size is judged against S2SL0 by STE-31.",
  ),
  ste(
    "STE-ILL-S2SL0",
    "STE-31",
    ["S2SL0", "S2T0SZ", "S2TG", "S2SL0_2"],
    "S2SL0 (start level) must be a valid encoding for S2TG and consistent with S2T0SZ: the start level resolves 1 to s+4 bits (at most 16 concatenated tables). Not checked for a VMSAv9-128 stage 2 (S2SKL; the text's STEWalkConfigInconsistentD128() is not reproduced). VMSAv8-32 LPAE (S2AA64 0 without D128, Non-secure): S2SL0 is AArch32 VTCR.SL0 (0b00 level 2, 0b01 level 1, 0b1x Reserved: ILLEGAL, as AArch32.S2Walk() faults on SL0<1> == 1), 4KB granule, IPA 32 - S2T0SZ[3:0] (signed); level 2 needs S2T0SZ -2..7, level 1 needs -8..1 (the A-profile AArch32.S2InconsistentSL(): §5.2.2 does not print the body of STEWalkConfigInconsistentAA32()).",
  ),
  ste(
    "STE-ILL-SECURE-S2GEOM",
    "STE-32",
    ["S_S2TG", "S_S2TTB", "S_S2T0SZ", "S_S2SL0"],
    "A Secure STE with stage 2 enabled: the Secure IPA space tables follow STE-28..31 with S_S2TG, S_S2TTB, S_S2T0SZ and {S_S2SL0_2, S_S2SL0} (with S2PS and S2DS).",
  ),
  ste(
    "STE-ILL-S2ENDI",
    "STE-33",
    ["S2ENDI"],
    "S2ENDI must match IDR0.TTENDIAN when the SMMU supports only one endianness.",
  ),
  ste(
    "STE-ILL-S2PIE-AA32",
    "STE-34",
    ["S2PIE", "S2AA64"],
    "S2PIE == 1 (stage-2 permission indirection, IDR3.S2PI == 1) with a VMSAv8-32 stage 2.",
  ),
  ste(
    "STE-ILL-S2POE-DIRECT",
    "STE-35",
    ["S2POE", "S2PIE"],
    "S2POE == 1 (stage-2 permission overlays, IDR3.S2PO == 1) needs the indirect permission scheme: S2PIE == 1, or a VMSAv9-128 stage 2.",
  ),
  ste(
    "STE-ILL-S2POE-HWU",
    "STE-36",
    ["S2POE", "S2HWU59", "S2HWU60", "S2HWU61", "S2HWU62"],
    "S2POE == 1 (IDR3.S2PO == 1) with any of S2HWU59..62 set on an SMMU with PBHA (IDR3.PBHA == 1).",
  ),
  ste(
    "STE-ILL-S2POI",
    "STE-37",
    ["S2POE", "S2POI0"],
    "S2POE == 1 (IDR3.S2PO == 1) with an S2POI<p> holding the Reserved encoding 0b0001 or 0b0101.",
  ),
  ste(
    "STE-ILL-S2VMID",
    "STE-38",
    ["S2VMID"],
    "S2VMID[15:8] must be 0 on an SMMU with 8-bit VMIDs (IDR0.VMID16 == 0), when S2VMID is used.",
  ),
  ste(
    "STE-ILL-VMSPTR",
    "STE-39",
    ["VMSPtr", "S1MPAM"],
    "VMSPtr must be below 2^OAS when used (Config 0b111, S1MPAM == 1, MPAM implemented).",
  ),
  warn(
    "STE-WARN-RES0",
    [],
    "A RES0 bit is set: not in SteIllegal(), but an implementation may treat the STE as invalid (C_BAD_STE) or ignore the bit.",
    `${STE_WARN}; reference §0 RES0`,
    "C_BAD_STE",
  ),
  warn(
    "STE-WARN-RES0-FIELD",
    [],
    "A field that is RES0 on this SMMU (feature not implemented, or Secure-only) is not zero: an implementation may treat the STE as invalid.",
    `${STE_WARN}; reference §2.1`,
    "C_BAD_STE",
  ),
  warn(
    "STE-WARN-CONFIG-ABORT",
    ["Config"],
    "Config 0b0xx aborts all traffic silently (no event) while other fields are set: probably not the intended configuration.",
    STE_WARN,
  ),
  warn(
    "STE-WARN-RESERVED-ENC",
    [],
    "A Reserved encoding with a defined fallback (S1Fmt 0b11, S1DSS 0b11, S1CSH/S2SH0 0b01, NSCFG/PRIVCFG/INSTCFG 0b01, MemAttr Reserved, Config 0b001-0b011, EATS 0b11 without DPT): the SMMU behaves as the fallback.",
    STE_WARN,
  ),
  warn(
    "STE-WARN-S2PS-CAP",
    ["S2PS"],
    "S2PS is larger than IDR5.OAS: the effective stage-2 output size is silently capped at OAS.",
    STE_WARN,
  ),
  warn(
    "STE-WARN-CTXPTR-ALIGN",
    ["S1ContextPtr", "S1CDMax"],
    "S1ContextPtr has low bits set below the CD table alignment: CONSTRAINED UNPREDICTABLE (treated as 0, or CDs fetched from anywhere in the table).",
    STE_WARN,
  ),
  warn(
    "STE-WARN-S2TTB-ALIGN",
    ["S2TTB"],
    "S2TTB is not aligned to the start-level (concatenated) table size: the low bits are treated as 0, so the walk uses a different table than intended.",
    STE_WARN,
  ),
  warn(
    "STE-WARN-EATS-NO-ATS",
    ["EATS"],
    "EATS is set but the SMMU has no ATS (IDR0.ATS == 0): the field is IGNORED.",
    STE_WARN,
  ),
  warn(
    "STE-WARN-S2-HTTU-NC",
    ["S2IR0", "S2OR0", "S2HA", "S2HD"],
    "Hardware AF/dirty update at stage 2 with non-cacheable table walks: the update may fail as F_WALK_EABT (IMPLEMENTATION DEFINED).",
    STE_WARN,
  ),
  warn(
    "STE-WARN-S2R-OFF",
    ["S2R", "S2S"],
    "Stage 2 translates with S2R == 0 and S2S == 0: stage-2 faults terminate silently, no event is recorded.",
    "reference §1.5",
  ),
  warn(
    "STE-WARN-CDMAX-TABLE",
    ["S1CDMax"],
    "S1CDMax allows more SubstreamIDs than the CD table provided holds: CD fetches past its end read other memory.",
    "reference §4.2",
  ),
  warn(
    "STE-WARN-CTXPTR-S2",
    ["S1ContextPtr"],
    "Nested STE whose S1ContextPtr (an IPA) is not mapped by stage 2: every CD fetch faults with S2=1, CLASS=CD.",
    "reference §4.2, §5.8",
    "F_TRANSLATION",
  ),
  warn(
    "STE-WARN-S2-AF0",
    ["S2AFFD", "S2HA"],
    "Stage-2 leaf descriptors with AF == 0 while S2AFFD == 0 and S2HA == 0: accesses through them raise F_ACCESS (S2=1).",
    "reference §5.7",
    "F_ACCESS",
  ),
];

const CD_RULES: R[] = [
  cd("CD-ILL-V", "CD-01", ["V"], "V == 0: the CD is not valid; its use raises C_BAD_CD."),
  cd("CD-ILL-S-STALLD", "CD-02", ["S"], "CD.S == 1 while the STE disallows stage-1 stalls (STE.S1STALLD == 1)."),
  cd(
    "CD-ILL-A-TERM",
    "CD-03",
    ["A"],
    "CD.A == 0 (RAZ/WI termination) on an SMMU whose terminated transactions always abort (IDR0.TERM_MODEL == 1).",
  ),
  cd("CD-ILL-S-NOSTALL", "CD-04", ["S"], "CD.S == 1 on an SMMU that cannot stall (IDR0.STALL_MODEL == 0b01)."),
  cd("CD-ILL-S-FORCED", "CD-05", ["S"], "CD.S == 0 on an SMMU that forces stalls (IDR0.STALL_MODEL == 0b10)."),
  cd(
    "CD-ILL-ENDI",
    "CD-06",
    ["ENDI"],
    "ENDI must match IDR0.TTENDIAN when the SMMU supports one endianness (unless both TTBs are disabled).",
  ),
  cd(
    "CD-ILL-AA32",
    "CD-07",
    ["AA64"],
    "AA64 == 0 (VMSAv8-32 stage 1) needs IDR0.TTF[0] == 1 and a StreamWorld other than EL3/EL2-E2H.",
  ),
  cd(
    "CD-ILL-SECURE-AA32",
    "CD-08",
    ["AA64"],
    "VMSAv8-32 stage 1 (AA64 == 0, IDR5.D128 == 0) in the S-EL2 StreamWorld (Secure STE, Config 0b101, STRW 0b10, SMMU_S_CR2.E2H == 0).",
  ),
  cd(
    "CD-ILL-AA64",
    "CD-09",
    ["AA64"],
    "AA64 == 1 needs IDR0.TTF[1] == 1, and a VMSAv8-64 or VMSAv9-128 stage 2 when stage 2 translates (no 64-bit stage 1 on a 32-bit stage 2).",
  ),
  cd("CD-ILL-HTTU", "CD-10", ["HA", "HD"], "HA/HD need hardware update support (IDR0.HTTU != 0b00)."),
  cd("CD-ILL-HD", "CD-11", ["HD"], "HD == 1 needs dirty-state update support (IDR0.HTTU != 0b01)."),
  cd(
    "CD-ILL-HAFT",
    "CD-12",
    ["HAFT", "HA"],
    "HAFT == 1 (table-descriptor AF update) needs HA == 1 on an SMMU with IDR0.HTTU == 0b11 (profile HAFT 1), with VMSAv8-64 or VMSAv9-128 tables.",
  ),
  cd(
    "CD-ILL-ASID",
    "CD-13",
    ["ASID"],
    "ASID[15:8] must be 0 on an SMMU with 8-bit ASIDs (IDR0.ASID16 == 0), when the ASID is used.",
  ),
  cd(
    "CD-ILL-T0SZ",
    "CD-14",
    ["T0SZ", "TG0"],
    "T0SZ must be within the legal range when TTB0 walks are enabled: at most 39 (47/48 with IDR3.STT), at least 16 (12 with IDR5.VAX and a 64KB granule or DS).",
  ),
  cd("CD-ILL-T1SZ", "CD-15", ["T1SZ", "TG1"], "T1SZ must be within the legal range when TTB1 walks are enabled."),
  cd(
    "CD-ILL-TG0",
    "CD-16",
    ["TG0"],
    "TG0 must select a supported granule (IDR5.GRANxx), not the Reserved 0b11, when TTB0 walks are enabled.",
  ),
  cd(
    "CD-ILL-TG1",
    "CD-17",
    ["TG1"],
    "TG1 must select a supported granule, not the Reserved 0b00, when TTB1 walks are enabled.",
  ),
  cd(
    "CD-ILL-TTB0",
    "CD-18",
    ["TTB0", "IPS"],
    "TTB0 must be below 2^effective IPS (40 bits with VMSAv8-32 tables), and below 2^48 with a 4KB/16KB granule and DS == 0, when TTB0 walks are enabled.",
  ),
  cd(
    "CD-ILL-TTB1",
    "CD-19",
    ["TTB1", "IPS"],
    "TTB1 must be below 2^effective IPS (40 bits with VMSAv8-32 tables; and 2^48 without DS for 4KB/16KB) when TTB1 walks are enabled.",
  ),
  cd(
    "CD-ILL-D128-S1PIE",
    "CD-20",
    ["AA64"],
    "A VMSAv9-128 CD (AA64 == 0 with IDR5.D128 == 1) needs an STE that allows permission indirection (STE.S1PIE == 1); judged only when the STE is given.",
  ),
  cd(
    "CD-ILL-D128-EL2",
    "CD-21",
    ["AA64"],
    "A VMSAv9-128 CD (AA64 == 0 with IDR5.D128 == 1) cannot be used in an EL2 StreamWorld without E2H (STE.STRW 0b10, CR2.E2H == 0).",
  ),
  cd(
    "CD-ILL-D128-SKL",
    "CD-22",
    ["HWU061", "HWU062", "HWU161", "HWU162", "T0SZ", "T1SZ"],
    "A VMSAv9-128 CD: for each enabled TTBx, the start level given by TxSZ and TGx plus the skipped levels SKLx (SKL0 = DW1[63:62], SKL1 = DW2[63:62], the HWUx61/HWUx62 bits) must not exceed 3.",
  ),
  cd(
    "CD-ILL-PIE",
    "CD-23",
    ["PIE", "PIIP0", "PIIU0"],
    "With stage-1 permission indirection active (VMSAv8-64 with IDR3.S1PI, STE.S1PIE and CD.PIE all 1; or VMSAv9-128) no PIIP<i>, nor PIIU<i> in a StreamWorld with unprivileged accesses, may be 0b100 or 0b110, and PIIP<i> 0bx1x (privileged execute) with PIIU<i> 0b1xx (unprivileged write) is ILLEGAL. VMSAv8-64 needs the STE to be given.",
  ),
  warn(
    "CD-WARN-RES0",
    [],
    "A RES0 bit is set: not in CdIllegal(), but an implementation may treat the CD as invalid (C_BAD_CD) or ignore the bit.",
    `${CD_WARN}; reference §0 RES0`,
    "C_BAD_CD",
  ),
  warn(
    "CD-WARN-RES0-FIELD",
    [],
    "A field that is RES0 on this SMMU or StreamWorld is not zero: an implementation may treat the CD as invalid.",
    `${CD_WARN}; reference §4.1`,
    "C_BAD_CD",
  ),
  warn(
    "CD-WARN-EPD-LIVE",
    ["EPD0", "EPD1", "TTB0", "TTB1"],
    "A translation table base is set but its walks are disabled (EPDx == 1): every access in that half faults with F_TRANSLATION.",
    CD_WARN,
    "F_TRANSLATION",
  ),
  warn(
    "CD-WARN-TTB-ZERO",
    ["TTB0", "TTB1"],
    "Walks are enabled (EPDx == 0) with a table base of 0: almost certainly an unset TTB.",
    CD_WARN,
  ),
  warn(
    "CD-WARN-TTB-ALIGN",
    ["TTB0", "TTB1"],
    "TTBx is not aligned to its start-level table size: the low bits are treated as 0, so the walk uses a different table than intended.",
    CD_WARN,
  ),
  warn(
    "CD-WARN-IPS-CAP",
    ["IPS"],
    "IPS is larger than IDR5.OAS: the effective stage-1 output size is silently capped at OAS.",
    CD_WARN,
  ),
  warn(
    "CD-WARN-HTTU-NC",
    ["IR0", "OR0", "HA", "HD"],
    "Hardware AF/dirty update with non-cacheable table walks: the update may fail as F_WALK_EABT (IMPLEMENTATION DEFINED).",
    CD_WARN,
  ),
  warn(
    "CD-WARN-NO-RECORD",
    ["R", "S"],
    "R == 0 and S == 0: stage-1 faults terminate silently, no event is recorded.",
    "reference §1.5",
  ),
  warn(
    "CD-WARN-RESERVED-ENC",
    [],
    "A Reserved encoding with a defined fallback (SH0/SH1 0b01, MAIR Reserved or Tagged encodings).",
    CD_WARN,
  ),
  warn(
    "CD-WARN-AF0",
    ["AFFD", "HA"],
    "Stage-1 leaf descriptors with AF == 0 while AFFD == 0 and HA == 0: accesses through them raise F_ACCESS.",
    "reference §5.7",
    "F_ACCESS",
  ),
];

const VSTE_RULES: R[] = [
  {
    code: "VSTE-EIO-DW0-BITS",
    fields: ["S1ContextPtr"],
    rule: "vSTE dword 0 may only set V, Config, S1Fmt, S1ContextPtr[51:6] and S1CDMax (mask 0xF80FFFFFFFFFFFFF); any other bit makes IOMMU_HWPT_ALLOC fail with -EIO.",
    section: NESTED,
    severity: "error",
    illegal: true,
  },
  {
    code: "VSTE-EIO-DW1-BITS",
    fields: ["S1DSS", "S1CIR", "S1COR", "S1CSH", "S1STALLD", "EATS"],
    rule: "vSTE dword 1 may only set S1DSS, S1CIR, S1COR, S1CSH, S1STALLD and EATS (mask 0x380000FF); any other bit gives -EIO.",
    section: NESTED,
    severity: "error",
    illegal: true,
  },
  {
    code: "VSTE-EIO-CONFIG",
    fields: ["Config"],
    rule: "A valid vSTE's Config must be abort (0b000), bypass (0b100) or stage 1 (0b101); stage 2, nested and Reserved values give -EIO.",
    section: NESTED,
    severity: "error",
    illegal: true,
  },
  {
    code: "VSTE-EIO-EATS",
    fields: ["EATS"],
    rule: "EATS must be 0b00 or 0b01: split-stage (0b10) and DPT (0b11) ATS give -EIO.",
    section: NESTED,
    severity: "error",
    illegal: true,
  },
  {
    code: "VSTE-INVALID-ABORT",
    fields: ["V"],
    rule: "V == 0: accepted; the kernel zeroes the vSTE and installs an abort STE (the VMM reports C_BAD_STE to the guest).",
    section: NESTED,
    severity: "warning",
    illegal: false,
  },
];

function finish(structure: LegalityRule["structure"], rules: R[]): LegalityRule[] {
  return rules.map((r) => Object.freeze({ ...r, structure, checked: r.checked ?? true }));
}

/** Every legality finding code the engine can emit (and the rules it cannot check), with its rule in plain words. */
export const LEGALITY_RULES: readonly LegalityRule[] = Object.freeze([
  ...finish("STE", STE_RULES),
  ...finish("CD", CD_RULES),
  ...finish("vSTE", VSTE_RULES),
]);

const BY_CODE = new Map(LEGALITY_RULES.map((r) => [r.code, r]));

export function legalityRule(code: string): LegalityRule | undefined {
  return BY_CODE.get(code);
}

/** Builds a finding of a known rule; `fields` defaults to the rule's. */
export function makeFinding(code: string, message: string, fields?: readonly string[]): LegalityFinding {
  const r = BY_CODE.get(code);
  if (!r) throw new Error(`unknown legality code ${code}`);
  return {
    code,
    severity: r.severity,
    illegal: r.illegal,
    fields: [...(fields ?? r.fields)],
    message,
    section: r.section,
    ...(r.event ? { event: r.event } : {}),
  };
}
