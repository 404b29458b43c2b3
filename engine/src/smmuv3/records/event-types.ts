// The SMMUv3 event record types: one bitfield table per event number with exactly the fields
// Arm IHI 0070 §7.3 defines for it (shared/spec/smmuv3.md §1.1-§1.3), plus, as data, what the
// event means in plain words and what to check next (reference §1.2, §9.1).
//
// Everything a record type does not define is left out of its table, so the generic machinery
// reports set bits there as content the architecture says must be zero (RES0).

import { field, struct, type StructSpec } from "../../bits/fields";

export interface EventType {
  /** Event number (DW0[7:0]). */
  readonly id: number;
  /** Arm's name (`F_TRANSLATION`). */
  readonly name: string;
  /** The record layout: 4 dwords, only the fields this event defines (plus Type). */
  readonly struct: StructSpec;
  /** One line: what the record is. */
  readonly doc: string;
  /** Plain-language cause, for people debugging a driver or VMM. */
  readonly cause: string;
  /** What to check next, most likely first. */
  readonly nextSteps: readonly string[];
  /** Short clause used in summaries: "StreamID 0x7d11: <short>". */
  readonly short: string;
  /** Whether the event can stall the transaction (Stall/STAG meaningful). */
  readonly canStall: boolean;
  /** "fault", "config" or "event". */
  readonly category: "fault" | "config" | "event";
  /** The record's own section of Arm IHI 0070 ("Arm IHI 0070 §7.3.5"). */
  readonly section: string;
}

const SECTION = "SMMUv3 §7.3 (reference §1.3)";

type F = ReturnType<typeof field>;

const CLASS_VALUES = { 0: "CD", 1: "TT", 2: "IN", 3: "Reserved" } as const;
const CLASS_TT = 1;
const CLASS_IN = 2;

const IHI = "Arm IHI 0070";

// When the fields of §7.3 carry meaning (validWhen), as Arm IHI 0070 states it (text of §7.3:
// wuyongzheng/arm-md-specs smmu/smmu-7.3.md):
// - SubstreamID: "SSV 0: No SubstreamID was provided ... and the SubstreamID field is UNKNOWN"
//   (§7.3, common fields); C_BAD_SUBSTREAMID has no SSV and its SubstreamID is always valid (§7.3.9).
// - NSIPA: "This bit is zero unless the event is recorded on the Secure event queue and S2 == 1"
//   (§7.3, common fields).
// - IPA of the translation faults: "If fault occurs at stage 1, S2 == 0 and CLASS == IN, IPA is
//   UNKNOWN" (§7.3.13; §7.3.14-§7.3.16 refer to it for CLASS, IPA and S2). F_TLB_CONFLICT: "IPA is
//   valid when S2 == 1, otherwise it is UNKNOWN" (§7.3.17).
// - TTRnW: "valid when CLASS == TT ... UNKNOWN when CLASS is not TT" (§7.3.16).
// - STAG: "If a transaction is stalled, the STAG parameter provides a token" (§7.3.21); no value is
//   given for Stall == 0 (Linux prints it regardless).
// InputAddr is the transaction's address for every CLASS (§7.3.12, §7.3.13: with CLASS CD/TT the
// CD or descriptor address is in IPA); FetchAddr is always valid (bits [55:OAS] RES0, §7.3.4).
const SSV_VALIDITY = { field: "SSV", equals: 1, otherwise: "UNKNOWN", section: `${IHI} §7.3 (SSV)` } as const;

const f = {
  Type: (): F => field("Type", 0, 7, 0, "Event number."),
  SSV: (): F => field("SSV", 0, 11, 11, "SubstreamID valid: the transaction carried a SubstreamID (PASID)."),
  SubstreamID: (always = false): F =>
    field(
      "SubstreamID",
      0,
      31,
      12,
      always
        ? "SubstreamID (PASID) of the transaction; always valid for this event (§7.3.9)."
        : "SubstreamID (PASID) of the transaction; valid only when SSV==1, UNKNOWN otherwise (§7.3).",
      always ? {} : { validWhen: SSV_VALIDITY },
    ),
  StreamID: (): F =>
    field("StreamID", 0, 63, 32, "StreamID of the requester (for PCIe usually the RID plus an offset)."),
  STAG: (): F =>
    field("STAG", 1, 15, 0, "Stall tag, echoed in CMD_RESUME; meaningful only when Stall==1 (§7.3.21).", {
      validWhen: { field: "Stall", equals: 1, otherwise: "unspecified", section: `${IHI} §7.3.21` },
    }),
  Reason: (): F => field("Reason", 1, 15, 0, "IMPLEMENTATION DEFINED reason code."),
  // F_CFG_CONFLICT's Reason fills DW1[31:0]: in the IHI 0070 §7.3.18 figure it is the only field of
  // bits [95:64] (text of the figure: wuyongzheng/arm-md-specs smmu/smmu-7.3.md), where F_UUT and
  // the fetch events show RES0 [95:81] / GPCF 80 / Reason [79:64].
  ReasonWord: (): F => field("Reason", 1, 31, 0, "IMPLEMENTATION DEFINED reason code (all of DW1[31:0])."),
  GPCF: (): F => field("GPCF", 1, 16, 16, "Granule Protection Check fault (RME) rather than an external abort."),
  Stall: (): F =>
    field("Stall", 1, 31, 31, "The transaction is stalled awaiting CMD_RESUME / CMD_STALL_TERM.", {
      values: { 0: "terminated", 1: "stalled" },
    }),
  PnU: (): F =>
    field("PnU", 1, 33, 33, "Privileged or unprivileged transaction (after STE.PRIVCFG).", {
      values: { 0: "unprivileged", 1: "privileged" },
    }),
  InD: (): F =>
    field("InD", 1, 34, 34, "Instruction or data transaction (after STE.INSTCFG).", {
      values: { 0: "data", 1: "instruction" },
    }),
  PnUIncoming: (): F =>
    field("PnU", 1, 33, 33, "Privileged or unprivileged, as the transaction arrived (before STE.PRIVCFG).", {
      values: { 0: "unprivileged", 1: "privileged" },
    }),
  InDIncoming: (): F =>
    field("InD", 1, 34, 34, "Instruction or data, as the transaction arrived (before STE.INSTCFG).", {
      values: { 0: "data", 1: "instruction" },
    }),
  RnW: (): F => field("RnW", 1, 35, 35, "Read or write transaction.", { values: { 0: "write", 1: "read" } }),
  S2: (): F => field("S2", 1, 39, 39, "Stage that faulted.", { values: { 0: "stage 1", 1: "stage 2" } }),
  /** `stage1Class`: the CLASS the record's section fixes for a stage-1 fault (S2 == 0). */
  CLASS: (stage1Class: number, section: string): F =>
    field(
      "CLASS",
      1,
      41,
      40,
      `What the faulting stage was translating: CD fetch, stage-1 table access, or the input address. With S2==0 it is ${CLASS_VALUES[stage1Class as keyof typeof CLASS_VALUES]} (${section.replace(IHI + " ", "")}).`,
      {
        values: CLASS_VALUES,
        reservedValues: [3],
        impliedWhen: { field: "S2", equals: 0, value: stage1Class, section },
      },
    ),
  TTRnW: (): F =>
    field(
      "TTRnW",
      1,
      44,
      44,
      "CLASS==TT only: the stage-1 table access was a read (1) or an HTTU write (0); UNKNOWN otherwise (§7.3.16).",
      {
        values: { 0: "descriptor write", 1: "descriptor read" },
        validWhen: { field: "CLASS", equals: CLASS_TT, otherwise: "UNKNOWN", section: `${IHI} §7.3.16` },
      },
    ),
  InputAddr: (withClass = false): F =>
    field(
      "InputAddr",
      2,
      63,
      0,
      withClass
        ? "The address the transaction presented, whatever CLASS is (with CLASS CD/TT the CD or descriptor address is in IPA or FetchAddr)."
        : "The address the transaction presented.",
      { kind: "address" },
    ),
  InputAddrPage: (): F =>
    field("InputAddr", 2, 63, 12, "The address of the request, bits [63:12].", { kind: "address" }),
  // NSIPA's position is reference §1.3's; the F_TRANSLATION-family record figures are images in every
  // public text of IHI 0070 found, and Linux/QEMU do not define the bit (docs/SPEC-NOTES.md).
  NSIPA: (): F =>
    field(
      "NSIPA",
      3,
      0,
      0,
      "Non-secure IPA (Secure event queue with S2==1 only; zero otherwise, §7.3). Bit position not verified.",
      { validWhen: { field: "S2", equals: 1, otherwise: "zero", section: `${IHI} §7.3 (NSIPA)` } },
    ),
  IPA: (section: string): F =>
    field(
      "IPA",
      3,
      55,
      12,
      `IPA[55:12] of the stage-2 fault; valid only when S2==1, UNKNOWN otherwise (${section.replace(IHI + " ", "")}); bits [11:0] are not recorded.`,
      {
        kind: "address",
        validWhen: { field: "S2", equals: 1, otherwise: "UNKNOWN", section },
      },
    ),
  FetchAddr: (): F =>
    field("FetchAddr", 3, 55, 3, "PA of the structure or descriptor whose fetch aborted.", { kind: "address" }),
};

interface Def {
  id: number;
  name: string;
  /** Subsection of §7.3 ("7.3.5"). */
  section: string;
  category: EventType["category"];
  canStall?: boolean;
  doc: string;
  short: string;
  cause: string;
  nextSteps: string[];
  fields: F[];
}

// F_ADDR_SIZE, F_ACCESS and F_PERMISSION "Refer to F_TRANSLATION for the definition of the CLASS,
// IPA and S2 fields" (§7.3.14-§7.3.16), so their stage-1 CLASS and IPA rules are §7.3.13's.
const TRANSLATION_SECTION = `${IHI} §7.3.13`;

const translationFields = (withTTRnW: boolean): F[] => [
  f.Type(),
  f.SSV(),
  f.SubstreamID(),
  f.StreamID(),
  f.STAG(),
  f.Stall(),
  f.PnU(),
  f.InD(),
  f.RnW(),
  f.S2(),
  f.CLASS(CLASS_IN, TRANSLATION_SECTION),
  ...(withTTRnW ? [f.TTRnW()] : []),
  f.InputAddr(true),
  f.NSIPA(),
  f.IPA(TRANSLATION_SECTION),
];

const translationSteps = [
  "Read S2 and CLASS: S2=0 CLASS=IN is stage 1 on the device address; S2=1 CLASS=CD/TT/IN is stage 2 on the CD fetch, on a stage-1 table, or on the final IPA.",
  "Is the STE the one you expect (Config, S2TTB, S1ContextPtr) and is the CD for this SubstreamID the right one (TTB0/TTB1, TxSZ, granule)?",
];

const DEFS: Def[] = [
  {
    id: 0x01,
    name: "F_UUT",
    section: "7.3.2",
    category: "fault",
    doc: "Unsupported upstream transaction.",
    short: "the device issued a transaction type the SMMU or interconnect does not support",
    cause:
      "The client sent a transaction type the SMMU cannot handle (IMPLEMENTATION DEFINED: for example an unsupported atomic or cache-maintenance operation). It may be recorded even with the SMMU disabled.",
    nextSteps: [
      "Look up the vendor's Reason code.",
      "Check the device's use of atomics, cache-maintenance or other special transactions.",
      "Check the interconnect/SMMU integration (which transaction types are forwarded).",
    ],
    fields: [
      f.Type(),
      f.SSV(),
      f.SubstreamID(),
      f.StreamID(),
      f.Reason(),
      f.PnUIncoming(),
      f.InDIncoming(),
      f.RnW(),
      f.InputAddr(),
    ],
  },
  {
    id: 0x02,
    name: "C_BAD_STREAMID",
    section: "7.3.3",
    category: "config",
    doc: "StreamID out of range of the stream table.",
    short: "the StreamID is outside the stream table (or its level-2 table is missing)",
    cause:
      "The StreamID is not covered by the stream table: SID >= 2^LOG2SIZE (capped by IDR1.SIDSIZE), or, with a 2-level table, the L1STD for this SID is invalid (Span 0 or Reserved) or its level-2 array is too small. Recorded only when SMMU_CR2.RECINVSID==1.",
    nextSteps: [
      "Is the StreamID right? Check the firmware mapping (IORT or device-tree iommu-map offset) for this device.",
      "Is STRTAB_BASE_CFG.LOG2SIZE large enough for this SID (and IDR1.SIDSIZE)?",
      "2-level table: is the L1STD at STRTAB_BASE + (SID >> SPLIT)*8 written with Span = SPLIT+1 (was the level-2 table ever allocated)?",
    ],
    fields: [f.Type(), f.SSV(), f.SubstreamID(), f.StreamID()],
  },
  {
    id: 0x03,
    name: "F_STE_FETCH",
    section: "7.3.4",
    category: "fault",
    doc: "External abort fetching an STE or L1STD.",
    short: "fetching the STE (or L1STD) from memory aborted",
    cause:
      "Reading the STE or the L1STD hit an external abort, a RAS error or a granule protection fault (GPCF), or the fetch address was out of range.",
    nextSteps: [
      "Is FetchAddr real, Non-secure, accessible memory? Check SMMU_STRTAB_BASE and the L1STD's L2Ptr.",
      "Check SMMU_CR1 table attributes against the coherency of the memory.",
      "GPCF=1: the granule protection table denies the SMMU access to that page.",
    ],
    fields: [f.Type(), f.SSV(), f.SubstreamID(), f.StreamID(), f.Reason(), f.GPCF(), f.FetchAddr()],
  },
  {
    id: 0x04,
    name: "C_BAD_STE",
    section: "7.3.5",
    category: "config",
    doc: "The STE is not valid or is ILLEGAL.",
    short: "the STE is not valid or is ILLEGAL",
    cause:
      "The STE selected by this StreamID has V==0, or its fields contradict each other or the SMMU's ID registers (ILLEGAL), so the SMMU aborts the transaction.",
    nextSteps: [
      "Is the STE valid? Read the 64 bytes of the STE for this StreamID and check V.",
      "If V==1, run the STE legality check against the live IDR0/IDR1/IDR3/IDR5: S1STALLD vs STALL_MODEL, S1CDMax vs SSIDSIZE, S1Fmt without CD2L, stage-2 geometry (S2T0SZ/S2SL0/S2TG), S2TTB or S1ContextPtr beyond OAS/IAS, endianness, 16-bit VMID.",
      "If V==0: attach/detach race, teardown, table reuse after kexec, or memory corruption.",
      "Did CMD_CFGI_STE + CMD_SYNC follow the last STE update (a stale cached STE gives the same event)?",
    ],
    fields: [f.Type(), f.SSV(), f.SubstreamID(), f.StreamID()],
  },
  {
    id: 0x05,
    name: "F_BAD_ATS_TREQ",
    section: "7.3.6",
    category: "fault",
    doc: "ATS Translation Request not allowed.",
    short: "an ATS Translation Request was refused (ATS not enabled for this stream)",
    cause:
      "The device sent an ATS Translation Request that the configuration does not allow: SMMU disabled, STE.EATS==0b00 (or a bypass STE), or a Secure stream. The request completes with UR.",
    nextSteps: [
      "Is STE.EATS enabled (0b01) for this StreamID and is the STE translating?",
      "Is ATS enabled in the device while the SMMU configuration does not allow it?",
    ],
    fields: [
      f.Type(),
      f.SSV(),
      f.SubstreamID(),
      f.StreamID(),
      // Span/P/X/W/R positions are reference §1.3's: the IHI 0070 §7.3.6 figure is an image in every
      // public text found, and no driver or model decodes this record (docs/SPEC-NOTES.md).
      field("Span", 1, 3, 0, "Number of STUs requested. Bit position not verified."),
      field("P", 1, 28, 28, "Privileged access requested (before STE.PRIVCFG). Bit position not verified."),
      field("X", 1, 29, 29, "Execute access requested (before STE.INSTCFG). Bit position not verified."),
      field("W", 1, 30, 30, "Write access requested (Write == !NW). Bit position not verified."),
      field("R", 1, 31, 31, "Read access requested (always 1 for PCIe ATS). Bit position not verified."),
      f.InputAddrPage(),
    ],
  },
  {
    id: 0x06,
    name: "F_STREAM_DISABLED",
    section: "7.3.7",
    category: "fault",
    doc: "Traffic without a usable SubstreamID on a stream that requires one.",
    short: "the stream needs a SubstreamID for this traffic (STE.S1DSS)",
    cause:
      "The STE enables stage 1 with S1CDMax > 0 and either the transaction carried no SubstreamID while S1DSS==0b00 (terminate), or it used SubstreamID 0 while S1DSS==0b10 reserves CD 0 for traffic without a SubstreamID.",
    nextSteps: [
      "Does the device issue non-PASID DMA while the STE's S1DSS terminates it? Use S1DSS=0b10 (CD 0) or 0b01 (bypass).",
      "Is the device using PASID 0 while S1DSS==0b10?",
    ],
    fields: [f.Type(), f.StreamID()],
  },
  {
    id: 0x07,
    name: "F_TRANSL_FORBIDDEN",
    section: "7.3.8",
    category: "fault",
    doc: "ATS-translated transaction not allowed to bypass.",
    short: "an ATS-translated transaction was not allowed",
    cause:
      "A transaction marked as already translated by ATS was refused: SMMU_CR0.ATSCHK==1 and STE.EATS does not allow it (or Config is bypass), a Secure stream, the SMMU is disabled, or the DPT denies it.",
    nextSteps: [
      "Is ATS enabled in the device but STE.EATS==0b00?",
      "Check SMMU_CR0.ATSCHK together with a bypass STE.",
    ],
    fields: [f.Type(), f.StreamID(), f.RnW(), f.InputAddr()],
  },
  {
    id: 0x08,
    name: "C_BAD_SUBSTREAMID",
    section: "7.3.9",
    category: "config",
    doc: "SubstreamID out of range or its CD table entry is missing.",
    short: "the SubstreamID is not usable with this STE",
    cause:
      "The transaction's SubstreamID cannot be used: stage 1 is disabled, S1CDMax==0, SSID >= 2^S1CDMax, IDR1.SSIDSIZE==0, or in a 2-level CD table the L1CD is not valid (or its L2Ptr is out of range).",
    nextSteps: [
      "Is the PASID below 2^S1CDMax of the STE (does the CD table cover this SSID)?",
      "2-level CD table: is the L1CD for SSID >> 6 (4KB leaves) or SSID >> 10 (64KB leaves) valid? Was CMD_CFGI_CD (leaf=0) issued after writing it?",
      "Does the STE enable stage 1 at all (Config 0b101 or 0b111)?",
    ],
    fields: [f.Type(), f.SubstreamID(true), f.StreamID()],
  },
  {
    id: 0x09,
    name: "F_CD_FETCH",
    section: "7.3.10",
    category: "fault",
    doc: "External abort fetching a CD or L1CD.",
    short: "fetching the CD (or L1CD) from memory aborted",
    cause: "Reading the CD or L1CD hit an external abort or a granule protection fault (GPCF).",
    nextSteps: [
      "Is FetchAddr real, accessible memory? Check STE.S1ContextPtr and L1CD.L2Ptr.",
      "Nested: is the stage-2 output for the CD's IPA the PA you expect?",
    ],
    fields: [f.Type(), f.SSV(), f.SubstreamID(), f.StreamID(), f.Reason(), f.GPCF(), f.FetchAddr()],
  },
  {
    id: 0x0a,
    name: "C_BAD_CD",
    section: "7.3.11",
    category: "config",
    doc: "The CD is not valid or is ILLEGAL.",
    short: "the CD is not valid or is ILLEGAL",
    cause:
      "The CD fetched for this StreamID/SubstreamID has V==0, or its fields contradict the STE or the ID registers (TxSZ, TGx, TTBx range, AA64, ENDI, HA/HD, ASID16, A/S against TERM_MODEL/STALL_MODEL).",
    nextSteps: [
      "Is the CD valid? Read the CD for this SubstreamID (S1ContextPtr + SSID*64 for a linear table) and check V.",
      "If V==1, run the CD legality check: A must be 1 with TERM_MODEL==1, S against STALL_MODEL and STE.S1STALLD, T0SZ/TG0/TTB0 of every enabled TTB.",
      "Was CMD_CFGI_CD + CMD_SYNC issued after the CD was written?",
    ],
    fields: [f.Type(), f.SSV(), f.SubstreamID(), f.StreamID()],
  },
  {
    id: 0x0b,
    name: "F_WALK_EABT",
    section: "7.3.12",
    category: "fault",
    doc: "External abort on a translation-table access.",
    short: "a translation-table access aborted",
    cause:
      "Fetching (or updating through HTTU) a translation-table descriptor hit an external abort. S2=0 CLASS=TT: a stage-1 descriptor read; S2=1: a stage-2 descriptor read while translating a CD, stage-1 table or input address.",
    nextSteps: [
      "Is FetchAddr real, accessible memory (page tables freed or never mapped)?",
      "Nested: does the stage-2 map the guest page-table pages to the right PA?",
    ],
    fields: [
      f.Type(),
      f.SSV(),
      f.SubstreamID(),
      f.StreamID(),
      f.Reason(),
      f.GPCF(),
      f.PnU(),
      f.InD(),
      f.RnW(),
      f.S2(),
      // "A stage 1-only table walk that encounters EABT ... is reported as S2 == 0, CLASS == TT" (§7.3.12)
      f.CLASS(CLASS_TT, `${IHI} §7.3.12`),
      f.InputAddr(true),
      f.FetchAddr(),
    ],
  },
  {
    id: 0x10,
    name: "F_TRANSLATION",
    section: "7.3.13",
    category: "fault",
    canStall: true,
    doc: "Translation fault.",
    short: "no valid translation",
    cause:
      "The address is outside the TxSZ/S2T0SZ range, falls in a disabled TTB (EPDx) or an E0PD-blocked half, or the walk met an invalid descriptor (not mapped, Reserved level-3 encoding, or a block where blocks are not allowed).",
    nextSteps: [
      ...translationSteps,
      "Is the IOVA mapped? Unmap before the DMA finished, or a stale IOVA, are the usual causes.",
      "Is the address inside the input range (64 - TxSZ bits; TTB0 vs TTB1 by bit 55)?",
      "Nested with CLASS=TT: is the guest page-table page mapped in the stage 2 (IOAS)?",
    ],
    fields: translationFields(false),
  },
  {
    id: 0x11,
    name: "F_ADDR_SIZE",
    section: "7.3.14",
    category: "fault",
    canStall: true,
    doc: "Address size fault.",
    short: "an address is larger than the configured output size",
    cause:
      "A descriptor gave an address above the effective IPS (stage 1) or S2PS (stage 2), or, with stage 1 bypassed, the input address is at or above 2^IAS.",
    nextSteps: [
      ...translationSteps,
      "Does the descriptor contain garbage high bits?",
      "Are CD.IPS / STE.S2PS too small for the memory map (and capped by IDR5.OAS)?",
      "52-bit addresses with a 4KB/16KB granule need DS=1.",
    ],
    fields: translationFields(false),
  },
  {
    id: 0x12,
    name: "F_ACCESS",
    section: "7.3.15",
    category: "fault",
    canStall: true,
    doc: "Access flag fault.",
    short: "the leaf descriptor has AF==0",
    cause:
      "The leaf descriptor's access flag is 0 while hardware AF update is off and AF faults are not disabled (CD.AFFD / STE.S2AFFD).",
    nextSteps: [
      ...translationSteps,
      "Does the page-table code set AF in every mapping? Otherwise set CD.AFFD / STE.S2AFFD or enable HTTU (HA).",
    ],
    fields: translationFields(false),
  },
  {
    id: 0x13,
    name: "F_PERMISSION",
    section: "7.3.16",
    category: "fault",
    canStall: true,
    doc: "Permission fault.",
    short: "the access is not permitted",
    cause:
      "The access was denied by AP/S2AP, XN/PXN/UXN, WXN, PAN or a hierarchical APTable/XNTable, or stage 2 denied a stage-1 table access (S2PTW with Device memory, read-only table page with HTTU).",
    nextSteps: [
      ...translationSteps,
      "Does the DMA direction match the mapping (a device writing to a buffer mapped DMA_TO_DEVICE)?",
      "Privileged access with PAN, execute from an XN page, or an APTable above the leaf?",
      "Nested CLASS=TT: TTRnW=1 stage 2 does not allow reading the stage-1 table page; TTRnW=0 it does not allow the HTTU write.",
    ],
    fields: translationFields(true),
  },
  {
    id: 0x20,
    name: "F_TLB_CONFLICT",
    section: "7.3.17",
    category: "fault",
    doc: "TLB conflict (multiple hit).",
    short: "overlapping TLB entries matched (TLB conflict)",
    cause:
      "Several TLB entries matched the address (IMPLEMENTATION DEFINED), usually overlapping mappings left by a missing break-before-make or inconsistent Contiguous hints.",
    nextSteps: [
      "Check break-before-make when changing block/page sizes (invalidate between the old and new mapping).",
      "Check Contiguous-bit use and the SMMU's BBML level.",
    ],
    fields: [
      f.Type(),
      f.SSV(),
      f.SubstreamID(),
      f.StreamID(),
      // Reason's width here is reference §1.3's [79:64]: the §7.3.17 figure is an image in every
      // public text found (F_CFG_CONFLICT's is DW1[31:0]; this one may be too).
      f.Reason(),
      f.PnU(),
      f.InD(),
      f.RnW(),
      f.S2(),
      f.InputAddr(),
      f.IPA(`${IHI} §7.3.17`),
    ],
  },
  {
    id: 0x21,
    name: "F_CFG_CONFLICT",
    section: "7.3.18",
    category: "fault",
    doc: "Configuration cache conflict.",
    short: "configuration-cache entries conflict",
    cause:
      "Several configuration-cache entries matched, for example an STE.CONT span claiming identical STEs that differ.",
    nextSteps: ["Is STE.CONT set while neighbouring STEs in the span differ?"],
    fields: [f.Type(), f.SSV(), f.SubstreamID(), f.StreamID(), f.ReasonWord()],
  },
  {
    id: 0x24,
    name: "E_PAGE_REQUEST",
    section: "7.3.19",
    category: "event",
    doc: "Speculative page request hint (non-PRI).",
    short: "the device hinted it will access this range",
    cause: "A device sent a speculative page-request hint; no response is required.",
    nextSteps: ["Optional: pre-fault the range in the OS."],
    fields: [
      f.Type(),
      f.SSV(),
      f.SubstreamID(),
      f.StreamID(),
      // Checked against the text of the IHI 0070 §7.3.19 figure (wuyongzheng/arm-md-specs
      // smmu/smmu-7.3.md): Span [115:108], pR 103, pW 102, pX 101, uR 99, uW 98, uX 97,
      // InputAddr[63:12] at [191:140].
      field("uX", 1, 33, 33, "Unprivileged execute requested."),
      field("uW", 1, 34, 34, "Unprivileged write requested."),
      field("uR", 1, 35, 35, "Unprivileged read requested."),
      field("pX", 1, 37, 37, "Privileged execute requested."),
      field("pW", 1, 38, 38, "Privileged write requested."),
      field("pR", 1, 39, 39, "Privileged read requested."),
      field("Span", 1, 51, 44, "Size of the range in 4KB pages."),
      f.InputAddrPage(),
    ],
  },
  {
    id: 0x25,
    name: "F_VMS_FETCH",
    section: "7.3.20",
    category: "fault",
    doc: "External abort fetching the Virtual Machine Structure.",
    short: "fetching the Virtual Machine Structure (STE.VMSPtr) aborted",
    cause: "Reading the VMS at STE.VMSPtr hit an external abort or a granule protection fault.",
    nextSteps: ["Is STE.VMSPtr real, accessible memory?"],
    fields: [f.Type(), f.SSV(), f.SubstreamID(), f.StreamID(), f.Reason(), f.GPCF(), f.FetchAddr()],
  },
];

function hexId(id: number): string {
  return "0x" + id.toString(16).padStart(2, "0");
}

/** Every architected event type, in event-number order. */
export const EVENT_TYPES: readonly EventType[] = DEFS.map((d) =>
  Object.freeze({
    id: d.id,
    name: d.name,
    struct: struct(d.name, 4, SECTION, `${d.name} (${hexId(d.id)}): ${d.doc}`, d.fields),
    doc: d.doc,
    cause: d.cause,
    nextSteps: Object.freeze([...d.nextSteps]),
    short: d.short,
    canStall: d.canStall ?? false,
    category: d.category,
    section: `${IHI} §${d.section}`,
  }),
);

const BY_ID: (EventType | undefined)[] = new Array<EventType | undefined>(256).fill(undefined);
const BY_NAME = new Map<string, EventType>();
for (const t of EVENT_TYPES) {
  BY_ID[t.id] = t;
  BY_NAME.set(t.name, t);
}

/** The event type with this number, or undefined (Reserved or IMPLEMENTATION DEFINED). */
export function eventTypeById(id: number): EventType | undefined {
  return Number.isInteger(id) && id >= 0 && id < 256 ? BY_ID[id] : undefined;
}

/** The event type with this name (case-insensitive), or undefined. */
export function eventTypeByName(name: string): EventType | undefined {
  return BY_NAME.get(name) ?? BY_NAME.get(name.trim().toUpperCase());
}

/** True for the IMPLEMENTATION DEFINED event numbers 0xE0-0xEF. */
export function isImpDefEventId(id: number): boolean {
  return id >= 0xe0 && id <= 0xef;
}
