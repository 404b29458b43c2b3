// SMMUv3 registers that decide legality and event generation, as bitfield tables, and the
// conversion of raw IDR0-IDR5 values into an SmmuProfile.
//
// Arm IHI 0070 §6.3 as summarised in shared/spec/smmuv3.md §3.1, §1.7, §7; offsets and the
// fields Linux uses cross-checked against Linux arm-smmu-v3.h. 32-bit registers are 1-dword
// tables whose fields sit in bits [31:0] (`width: 32`; bits [63:32] are outside the register);
// 64-bit registers (STRTAB_BASE, queue bases) use the whole dword.

import { field, fieldOf, getSmall, struct, type StructSpec } from "../../bits/fields";
import { DEFAULT_PROFILE, OAS_BITS, type Granule, type SmmuProfile, type Stage } from "../profile";
import { PA_SIZE_VALUES } from "./ste";

export interface RegisterSpec {
  readonly name: string;
  /** Offset in the SMMU's register page 0 (PROD/CONS of EVENTQ/PRIQ live in page 1 at the same offset). */
  readonly offset: number;
  /** Register width in bits; a 32-bit register's table covers bits [31:0] of its one dword. */
  readonly width: 32 | 64;
  readonly struct: StructSpec;
  readonly doc: string;
}

const SECTION = "SMMUv3 §6.3 (reference §7)";

type F = ReturnType<typeof field>;

function reg(name: string, offset: number, width: 32 | 64, doc: string, fields: F[]): RegisterSpec {
  return Object.freeze({ name, offset, width, doc, struct: struct(`SMMU_${name}`, 1, SECTION, doc, fields) });
}

const bit = (name: string, b: number, doc: string, values?: Readonly<Record<number, string>>): F =>
  field(name, 0, b, b, doc, values ? { values } : {});

const queueBase = (name: string, offset: number, allocName: "RA" | "WA", doc: string): RegisterSpec =>
  reg(name, offset, 64, doc, [
    field("LOG2SIZE", 0, 4, 0, "log2 of the number of queue entries (capped by the IDR1 queue size)."),
    field("ADDR", 0, 55, 5, "PA of the queue (aligned to max(32 bytes, queue size)).", { kind: "address" }),
    bit(allocName, 62, allocName === "RA" ? "Read-allocate hint." : "Write-allocate hint."),
  ]);

const prod = (name: string, offset: number, overflow: boolean, doc: string): RegisterSpec =>
  reg(name, offset, 32, doc, [
    field("WR", 0, 19, 0, "Write index: bits [LOG2SIZE-1:0] index, bit [LOG2SIZE] wrap flag."),
    ...(overflow ? [bit("OVFLG", 31, "Overflow flag: toggles when records were lost.")] : []),
  ]);

const cons = (name: string, offset: number, kind: "cmdq" | "overflow", doc: string): RegisterSpec =>
  reg(name, offset, 32, doc, [
    field("RD", 0, 19, 0, "Read index: bits [LOG2SIZE-1:0] index, bit [LOG2SIZE] wrap flag."),
    ...(kind === "cmdq"
      ? [
          field("ERR", 0, 30, 24, "Command error of the command at RD.", {
            values: { 0: "CERROR_NONE", 1: "CERROR_ILL", 2: "CERROR_ABT", 3: "CERROR_ATC_INV_SYNC" },
          }),
        ]
      : [bit("OVACKFLG", 31, "Overflow acknowledge: software copies OVFLG here.")]),
  ]);

const gerrorFields = (): F[] => [
  bit("CMDQ_ERR", 0, "Command queue error (see CMDQ_CONS.ERR)."),
  bit("EVENTQ_ABT_ERR", 2, "Abort writing an event record (record lost)."),
  bit("PRIQ_ABT_ERR", 3, "Abort writing a PRI queue entry."),
  bit("MSI_CMDQ_ABT_ERR", 4, "Abort writing the CMD_SYNC MSI."),
  bit("MSI_EVENTQ_ABT_ERR", 5, "Abort writing the event queue MSI."),
  bit("MSI_PRIQ_ABT_ERR", 6, "Abort writing the PRI queue MSI."),
  bit("MSI_GERROR_ABT_ERR", 7, "Abort writing the GERROR MSI."),
  bit("SFM_ERR", 8, "The SMMU entered Service Failure Mode."),
  bit("CMDQP_ERR", 9, "Command queue control page error (ECMDQ)."),
];

export const REGISTERS: readonly RegisterSpec[] = [
  reg("IDR0", 0x0, 32, "Identification register 0: features.", [
    bit("S2P", 0, "Stage-2 translation supported."),
    bit("S1P", 1, "Stage-1 translation supported."),
    field("TTF", 0, 3, 2, "Translation table formats.", {
      values: { 0: "Reserved", 1: "VMSAv8-32", 2: "VMSAv8-64", 3: "VMSAv8-32 and VMSAv8-64" },
      reservedValues: [0],
    }),
    bit("COHACC", 4, "Coherent access to tables, queues and walks."),
    bit("BTM", 5, "Broadcast TLB maintenance."),
    field("HTTU", 0, 7, 6, "Hardware translation table update.", {
      values: { 0: "none", 1: "AF", 2: "AF+dirty", 3: "AF+dirty+table AF" },
    }),
    bit("DORMHINT", 8, "Dormant hint."),
    bit("Hyp", 9, "EL2 StreamWorlds supported."),
    bit("ATS", 10, "PCIe ATS supported."),
    bit("NS1ATS", 11, "1: split-stage ATS NOT supported."),
    bit("ASID16", 12, "16-bit ASIDs."),
    bit("MSI", 13, "MSIs supported."),
    bit("SEV", 14, "WFE wake-up events."),
    bit("ATOS", 15, "Address translation operations."),
    bit("PRI", 16, "PRI supported."),
    bit("VMW", 17, "VMID wildcards."),
    bit("VMID16", 18, "16-bit VMIDs."),
    bit("CD2L", 19, "2-level CD tables."),
    bit("VATOS", 20, "Virtual ATOS."),
    field("TTENDIAN", 0, 22, 21, "Translation table endianness.", {
      values: { 0: "mixed", 1: "Reserved", 2: "little-endian", 3: "big-endian" },
      reservedValues: [1],
    }),
    bit("ATSRECERR", 23, "Extra ATS error recording."),
    field("STALL_MODEL", 0, 25, 24, "Stall model.", {
      values: { 0: "stall and terminate", 1: "terminate only", 2: "stall forced", 3: "Reserved" },
      reservedValues: [3],
    }),
    bit("TERM_MODEL", 26, "1: a terminated transaction always aborts (CD.A must be 1)."),
    field("ST_LEVEL", 0, 28, 27, "Stream table formats.", {
      values: { 0: "linear", 1: "2-level", 2: "Reserved", 3: "Reserved" },
      reservedValues: [2, 3],
    }),
    bit("RME_IMPL", 30, "RME features implemented."),
  ]),
  reg("IDR1", 0x4, 32, "Identification register 1: sizes.", [
    field("SIDSIZE", 0, 5, 0, "StreamID bits."),
    field("SSIDSIZE", 0, 10, 6, "SubstreamID bits."),
    field("PRIQS", 0, 15, 11, "log2 of the maximum PRI queue entries."),
    field("EVENTQS", 0, 20, 16, "log2 of the maximum event queue entries."),
    field("CMDQS", 0, 25, 21, "log2 of the maximum command queue entries."),
    bit("ATTR_PERMS_OVR", 26, "STE.PRIVCFG/INSTCFG/NSCFG overrides supported."),
    bit("ATTR_TYPES_OVR", 27, "STE.MTCFG/MemAttr/ALLOCCFG/SHCFG overrides supported."),
    bit("REL", 28, "Preset base addresses are relative."),
    bit("QUEUES_PRESET", 29, "Queue bases fixed."),
    bit("TABLES_PRESET", 30, "Stream table base fixed."),
    bit("ECMDQ", 31, "Enhanced command queues."),
  ]),
  reg("IDR2", 0x8, 32, "Identification register 2.", [field("BA_VATOS", 0, 9, 0, "VATOS page base address.")]),
  reg("IDR3", 0xc, 32, "Identification register 3: optional features.", [
    bit("HAD", 2, "CD.HAD0/HAD1 supported."),
    bit("PBHA", 3, "Page-based hardware attributes."),
    bit("XNX", 4, "Stage-2 XN[1:0] distinguishes EL0 and EL1."),
    bit("PPS", 5, "PRI auto-responses always carry the PASID."),
    bit("MPAM", 7, "MPAM supported."),
    bit("FWB", 8, "STE.S2FWB supported."),
    bit("STT", 9, "Small translation tables (TxSZ up to 48/47)."),
    bit("RIL", 10, "Range invalidation and TTL hints."),
    field("BBML", 0, 12, 11, "Break-before-make level."),
    bit("E0PD", 13, "CD.E0PDx supported."),
    bit("PTWNNC", 14, "S2PTW==0 treats Device table walks as Normal NC."),
    bit("DPT", 15, "Device Permission Table (EATS=0b11)."),
    bit("PASIDTT", 16, "PASID on ATS Translated transactions."),
    bit("EPAN", 17, "CD.EPAN supported."),
    bit("S1PI", 18, "Stage-1 permission indirection."),
    bit("S2PI", 19, "Stage-2 permission indirection."),
    bit("S2PO", 20, "Stage-2 permission overlays."),
    bit("THE", 21, "Translation hardening."),
    bit("MTEPERM", 22, "Stage-2 NoTagAccess MemAttr."),
    bit("AIE", 23, "Attribute index extension."),
  ]),
  reg("IDR4", 0x10, 32, "Identification register 4 (IMPLEMENTATION DEFINED).", [
    field("IMPDEF", 0, 31, 0, "IMPLEMENTATION DEFINED."),
  ]),
  reg("IDR5", 0x14, 32, "Identification register 5: address sizes and granules.", [
    field("OAS", 0, 2, 0, "Output address size.", { values: PA_SIZE_VALUES }),
    bit("GRAN4K", 4, "4KB granule supported."),
    bit("GRAN16K", 5, "16KB granule supported."),
    bit("GRAN64K", 6, "64KB granule supported."),
    bit("DS", 7, "52-bit addresses with 4KB/16KB granules (FEAT_LPA2)."),
    bit("D128", 8, "VMSAv9-128 descriptors."),
    field("VAX", 0, 11, 10, "Virtual address extension.", {
      values: { 0: "48-bit", 1: "52-bit", 2: "56-bit", 3: "Reserved" },
      reservedValues: [3],
    }),
    field("STALL_MAX", 0, 31, 16, "Maximum outstanding stalled transactions."),
  ]),
  reg("IIDR", 0x18, 32, "Implementation identification.", [
    field("Implementer", 0, 11, 0, "JEP106 code of the implementer."),
    field("Revision", 0, 15, 12, "Minor revision."),
    field("Variant", 0, 19, 16, "Major revision."),
    field("ProductID", 0, 31, 20, "Product identifier."),
  ]),
  reg("AIDR", 0x1c, 32, "Architecture version.", [
    field("ArchMinorRev", 0, 3, 0, "Minor revision: SMMUv3.<n>."),
    field("ArchMajorRev", 0, 7, 4, "Major revision (0: SMMUv3)."),
  ]),
  reg("CR0", 0x20, 32, "Control register 0: enables.", [
    bit("SMMUEN", 0, "SMMU enabled (0: GBPA decides)."),
    bit("PRIQEN", 1, "PRI queue enabled."),
    bit("EVENTQEN", 2, "Event queue enabled (events are discarded when 0)."),
    bit("CMDQEN", 3, "Command queue enabled."),
    bit("ATSCHK", 4, "Check ATS Translated traffic against STE.EATS."),
    field("VMW", 0, 8, 6, "VMID wildcard."),
  ]),
  reg("CR1", 0x28, 32, "Control register 1: table and queue access attributes.", [
    field("QUEUE_IC", 0, 1, 0, "Queue inner cacheability."),
    field("QUEUE_OC", 0, 3, 2, "Queue outer cacheability."),
    field("QUEUE_SH", 0, 5, 4, "Queue shareability."),
    field("TABLE_IC", 0, 7, 6, "Table inner cacheability."),
    field("TABLE_OC", 0, 9, 8, "Table outer cacheability."),
    field("TABLE_SH", 0, 11, 10, "Table shareability."),
  ]),
  reg("CR2", 0x2c, 32, "Control register 2.", [
    bit("E2H", 0, "STRW=0b10 means EL2-E2H."),
    bit("RECINVSID", 1, "Record C_BAD_STREAMID."),
    bit("PTM", 2, "Private TLB maintenance (ignore broadcast)."),
    bit("REC_CFG_ATS", 3, "Record configuration errors for ATS Translated transactions."),
  ]),
  reg("GBPA", 0x44, 32, "Global bypass attribute (SMMUEN==0).", [
    field("MemAttr", 0, 3, 0, "Memory type override."),
    bit("MTCFG", 4, "Replace the incoming memory type."),
    field("ALLOCCFG", 0, 11, 8, "Allocation hint override."),
    field("SHCFG", 0, 13, 12, "Shareability override."),
    field("NSCFG", 0, 15, 14, "NS override."),
    field("PRIVCFG", 0, 17, 16, "Privilege override."),
    field("INSTCFG", 0, 19, 18, "Instruction/data override."),
    bit("ABORT", 20, "With SMMUEN==0: 1 abort all traffic, 0 bypass."),
    bit("UPDATE", 31, "Update handshake."),
  ]),
  reg("GERROR", 0x60, 32, "Global errors (active when different from GERRORN).", gerrorFields()),
  reg("GERRORN", 0x64, 32, "Global error acknowledge (software toggles to match GERROR).", gerrorFields()),
  reg("STRTAB_BASE", 0x80, 64, "Stream table base.", [
    field("ADDR", 0, 55, 6, "PA of the linear STE array or the L1STD array.", { kind: "address" }),
    bit("RA", 62, "Read-allocate hint for table fetches."),
  ]),
  reg("STRTAB_BASE_CFG", 0x88, 32, "Stream table configuration.", [
    field("LOG2SIZE", 0, 5, 0, "log2 of the number of StreamIDs covered."),
    field("SPLIT", 0, 10, 6, "StreamID bits indexing the level-2 table (6, 8 or 10)."),
    field("FMT", 0, 17, 16, "Table format (§6.3.25: the Reserved values behave as linear).", {
      values: { 0: "linear", 1: "2-level", 2: "Reserved (linear)", 3: "Reserved (linear)" },
      reservedValues: [2, 3],
    }),
  ]),
  queueBase("CMDQ_BASE", 0x90, "RA", "Command queue base."),
  prod("CMDQ_PROD", 0x98, false, "Command queue producer index."),
  cons("CMDQ_CONS", 0x9c, "cmdq", "Command queue consumer index and error."),
  queueBase("EVENTQ_BASE", 0xa0, "WA", "Event queue base."),
  prod("EVENTQ_PROD", 0xa8, true, "Event queue producer index (page 1)."),
  cons("EVENTQ_CONS", 0xac, "overflow", "Event queue consumer index (page 1)."),
  queueBase("PRIQ_BASE", 0xc0, "WA", "PRI queue base."),
  prod("PRIQ_PROD", 0xc8, true, "PRI queue producer index (page 1)."),
  cons("PRIQ_CONS", 0xcc, "overflow", "PRI queue consumer index (page 1)."),
  // Secure registers sit at page 0 + 0x8000; SMMU_S_IDR1.SEL2 decides STE legality for Secure streams (§5.2.2).
  reg("S_IDR1", 0x8004, 32, "Secure identification register 1: Secure features and sizes.", [
    field("S_SIDSIZE", 0, 5, 0, "Secure StreamID bits."),
    bit("SEL2", 29, "Secure EL2 and Secure stage 2 supported."),
    bit("SECURE_IMPL", 31, "Secure state implemented."),
  ]),
];

export function registerByName(name: string): RegisterSpec | undefined {
  const n = name
    .trim()
    .toUpperCase()
    .replace(/^SMMU_/, "");
  return REGISTERS.find((r) => r.name === n);
}

/** One field of a 32-bit register value, read through the register's table (the fields are data). */
function idrField(name: string, value: number, field: string): number {
  const r = REGISTERS.find((x) => x.name === name)!;
  return getSmall([value >>> 0, 0], fieldOf(r.struct, field));
}

/**
 * The feature profile of an SMMU from its raw ID registers (the values
 * `IOMMU_GET_HW_INFO` returns, or a register dump). Fields that no IDR holds (RECINVSID, from
 * SMMU_CR2; the Security state of the stream) keep the scenario defaults. Reserved encodings take
 * the architecture's fallback. `sIdr1` is SMMU_S_IDR1 (Secure EL2 support), 0 when not given.
 */
export function profileFromIdRegisters(
  idr0: number,
  idr1: number,
  _idr2: number,
  idr3: number,
  _idr4: number,
  idr5: number,
  sIdr1 = 0,
): SmmuProfile {
  const i0 = (f: string): number => idrField("IDR0", idr0, f);
  const i1 = (f: string): number => idrField("IDR1", idr1, f);
  const i3 = (f: string): number => idrField("IDR3", idr3, f);
  const i5 = (f: string): number => idrField("IDR5", idr5, f);
  const ttfBits = i0("TTF");
  const ttf = new Set<"AArch32" | "AArch64">();
  if (ttfBits & 1) ttf.add("AArch32");
  if (ttfBits & 2) ttf.add("AArch64");
  const oas = OAS_BITS[i5("OAS")]!;
  const ias = Math.max(ttf.has("AArch32") ? 40 : 0, ttf.has("AArch64") ? oas : 0, ttf.size === 0 ? oas : 0);
  const granules = new Set<Granule>();
  if (i5("GRAN4K")) granules.add("4K");
  if (i5("GRAN16K")) granules.add("16K");
  if (i5("GRAN64K")) granules.add("64K");
  const stages = new Set<Stage>();
  if (i0("S1P")) stages.add("S1");
  if (i0("S2P")) stages.add("S2");
  const ttendian = i0("TTENDIAN");
  const httu = i0("HTTU");
  const stall = i0("STALL_MODEL");
  return Object.freeze({
    ...DEFAULT_PROFILE,
    OAS: oas,
    IAS: ias,
    granules,
    stages,
    SSIDSIZE: Math.min(i1("SSIDSIZE"), 20),
    SIDSIZE: Math.min(i1("SIDSIZE"), 32),
    TTENDIAN: ttendian === 2 ? "LE" : ttendian === 3 ? "BE" : "mixed",
    // 0b11 is AF, dirty state and table-descriptor AF (§6.3.1): "AF+dirty" plus HAFT.
    HTTU: httu === 0 ? "none" : httu === 1 ? "AF" : "AF+dirty",
    HAFT: httu === 3 ? 1 : 0,
    HAD: i3("HAD"),
    // STALL_MODEL 0b11 is Reserved; treat it as "no stalls" (the conservative reading).
    STALL_MODEL: stall === 3 ? 1 : stall,
    TERM_MODEL: i0("TERM_MODEL"),
    TTF: ttf,
    CD2L: i0("CD2L"),
    ST_LEVEL: i0("ST_LEVEL") === 1 ? "2-level" : "linear",
    VMID16: i0("VMID16"),
    ASID16: i0("ASID16"),
    XNX: i3("XNX"),
    E0PD: i3("E0PD"),
    EPAN: i3("EPAN"),
    ATTR_PERMS_OVR: i1("ATTR_PERMS_OVR"),
    ATTR_TYPES_OVR: i1("ATTR_TYPES_OVR"),
    ATS: i0("ATS"),
    Hyp: i0("Hyp"),
    STT: i3("STT"),
    VAX: Math.min(i5("VAX"), 2),
    DS: i5("DS"),
    PRI: i0("PRI"),
    NS1ATS: i0("NS1ATS"),
    FWB: i3("FWB"),
    PBHA: i3("PBHA"),
    BTM: i0("BTM"),
    COHACC: i0("COHACC"),
    MSI: i0("MSI"),
    RME_IMPL: i0("RME_IMPL"),
    MPAM: i3("MPAM"),
    DPT: i3("DPT"),
    S1PI: i3("S1PI"),
    S2PI: i3("S2PI"),
    S2PO: i3("S2PO"),
    D128: i5("D128"),
    SEL2: idrField("S_IDR1", sIdr1, "SEL2"),
  });
}
