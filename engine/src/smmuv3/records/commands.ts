// Command queue entries (2 dwords): one bitfield table per opcode, decode with the conditions
// that make the SMMU stop with CERROR_ILL, and encode.
//
// Arm IHI 0070 §4 as summarised in shared/spec/smmuv3.md §6. Opcodes the architecture reserves
// decode to a record with a problem (the SMMU answers CERROR_ILL), never a throw. Field
// positions were cross-checked against Linux arm-smmu-v3.h (CMDQ_*); where Linux reads fewer bits
// (SCALE [24:20], addresses to bit 51) the table follows the architecture (SCALE [25:20],
// addresses to bit 55) -- see docs/SPEC-NOTES.md "Records (R1)".

import {
  bitsLabel,
  decodeStruct,
  encodeStruct,
  field,
  struct,
  type DecodedField,
  type StructSpec,
} from "../../bits/fields";
import { hexHalves, type U64 } from "../../bits/u64";
import type { SmmuProfile } from "../profile";

export interface CommandType {
  readonly opcode: number;
  readonly name: string;
  readonly struct: StructSpec;
  readonly doc: string;
  /** Accepted only on the Secure command queue (CERROR_ILL on the Non-secure queue). */
  readonly secureOnly: boolean;
  /** Opcodes that only SMMUv3.5 (IHI 0070 H.a) defines. */
  readonly since?: "v3.5";
  /** The layout is not fully reproduced from the architecture (only the named fields are known). */
  readonly partialLayout?: boolean;
}

export interface DecodedCommand {
  readonly opcode: number;
  /** Arm's name, `IMPDEF_CMD_0x8N` or `RESERVED_0x..`. */
  readonly name: string;
  readonly type?: CommandType;
  readonly fields: DecodedField[];
  /** CERROR_ILL conditions and other problems, in plain words. */
  readonly problems: string[];
  readonly summary: string;
}

const SECTION = "SMMUv3 §4 (reference §6.2)";

type F = ReturnType<typeof field>;

const c = {
  Opcode: (): F => field("Opcode", 0, 7, 0, "Command opcode."),
  SSec: (): F =>
    field("SSec", 0, 10, 10, "Secure queue only: target the Secure stream table. Must be 0 on the Non-secure queue."),
  SSV: (): F => field("SSV", 0, 11, 11, "SubstreamID valid."),
  SubstreamID: (): F => field("SubstreamID", 0, 31, 12, "SubstreamID (CD index)."),
  StreamID: (): F => field("StreamID", 0, 63, 32, "StreamID."),
  VMID: (): F => field("VMID", 0, 47, 32, "VMID (bits [15:8] RES0 without VMID16)."),
  ASID: (): F => field("ASID", 0, 63, 48, "ASID (bits [15:8] RES0 without ASID16)."),
  NUM: (): F =>
    field("NUM", 0, 16, 12, "Range: number of translation granules minus one, times 2^SCALE (with TG != 0)."),
  SCALE: (): F => field("SCALE", 0, 25, 20, "Range scale (with TG != 0); bit 25 only with IDR5.DS."),
  Leaf: (): F => field("Leaf", 1, 0, 0, "Leaf-only invalidation."),
  TTL128: (): F => field("TTL128", 1, 7, 7, "The TTL hint applies to 128-bit descriptors."),
  TTL: (): F =>
    field("TTL", 1, 9, 8, "Level hint (with TG != 0).", {
      values: { 0: "any level", 1: "level 1", 2: "level 2", 3: "level 3" },
    }),
  TG: (): F =>
    field("TG", 1, 11, 10, "Granule of the entries to invalidate; 0: no range, no TTL.", {
      values: { 0: "any (single address)", 1: "4KB", 2: "16KB", 3: "64KB" },
    }),
  Address: (hi = 63): F =>
    field("Address", 1, hi, 12, hi === 63 ? "VA[63:12] to invalidate." : `Address [${hi}:12] to invalidate.`, {
      kind: "address",
    }),
};

const range = (): F[] => [c.Leaf(), c.TTL128(), c.TTL(), c.TG()];

interface Def {
  opcode: number;
  name: string;
  doc: string;
  fields: F[];
  secureOnly?: boolean;
  since?: "v3.5";
  partialLayout?: boolean;
}

const DEFS: Def[] = [
  {
    opcode: 0x01,
    name: "CMD_PREFETCH_CONFIG",
    doc: "Prefetch the configuration (STE, CD) of a stream (hint).",
    fields: [c.SSec(), c.SSV(), c.SubstreamID(), c.StreamID()],
  },
  {
    opcode: 0x02,
    name: "CMD_PREFETCH_ADDR",
    doc: "Prefetch translations for an address range (hint). Stride/NS fields not reproduced.",
    partialLayout: true,
    fields: [
      c.SSec(),
      c.SSV(),
      c.SubstreamID(),
      c.StreamID(),
      field("Size", 1, 4, 0, "log2 of the number of pages to prefetch."),
      field("Addr", 1, 63, 12, "Address [63:12] to prefetch.", { kind: "address" }),
    ],
  },
  {
    opcode: 0x03,
    name: "CMD_CFGI_STE",
    doc: "Invalidate the cached STE (and CDs fetched through it) of one StreamID; Leaf=0 also the L1STD.",
    fields: [c.SSec(), c.StreamID(), c.Leaf()],
  },
  {
    opcode: 0x04,
    name: "CMD_CFGI_STE_RANGE",
    doc: "Invalidate the configuration of 2^(Range+1) StreamIDs; Range=31 is CMD_CFGI_ALL.",
    fields: [c.SSec(), c.StreamID(), field("Range", 1, 4, 0, "log2 of the number of StreamIDs minus one.")],
  },
  {
    opcode: 0x05,
    name: "CMD_CFGI_CD",
    doc: "Invalidate the cached CD of one StreamID/SubstreamID; Leaf=0 also the L1CD.",
    fields: [c.SSec(), c.SubstreamID(), c.StreamID(), c.Leaf()],
  },
  {
    opcode: 0x06,
    name: "CMD_CFGI_CD_ALL",
    doc: "Invalidate every cached CD and L1CD of one StreamID.",
    fields: [c.SSec(), c.StreamID()],
  },
  {
    opcode: 0x07,
    name: "CMD_CFGI_VMS_PIDM",
    doc: "Invalidate cached VMS PARTID maps of a VMID (layout beyond SSec/VMID not reproduced).",
    partialLayout: true,
    fields: [c.SSec(), c.VMID()],
  },
  { opcode: 0x08, name: "CMD_CFGI_CIT", doc: "SMMUv3.5 command.", since: "v3.5", partialLayout: true, fields: [] },
  {
    opcode: 0x09,
    name: "CMD_CFGI_VSTT_VSID",
    doc: "SMMUv3.5 command.",
    since: "v3.5",
    partialLayout: true,
    fields: [],
  },
  { opcode: 0x0a, name: "CMD_CFGI_VSTT", doc: "SMMUv3.5 command.", since: "v3.5", partialLayout: true, fields: [] },
  {
    opcode: 0x10,
    name: "CMD_TLBI_NH_ALL",
    doc: "Invalidate all NS-EL1 stage-1 entries of a VMID.",
    fields: [c.VMID()],
  },
  {
    opcode: 0x11,
    name: "CMD_TLBI_NH_ASID",
    doc: "Invalidate NS-EL1 stage-1 entries of an ASID.",
    fields: [c.VMID(), c.ASID()],
  },
  {
    opcode: 0x12,
    name: "CMD_TLBI_NH_VA",
    doc: "Invalidate NS-EL1 stage-1 entries of a VA (or range) for an ASID.",
    fields: [c.NUM(), c.SCALE(), c.VMID(), c.ASID(), ...range(), c.Address()],
  },
  {
    opcode: 0x13,
    name: "CMD_TLBI_NH_VAA",
    doc: "Invalidate NS-EL1 stage-1 entries of a VA (or range) for all ASIDs.",
    fields: [c.NUM(), c.SCALE(), c.VMID(), ...range(), c.Address()],
  },
  { opcode: 0x18, name: "CMD_TLBI_EL3_ALL", doc: "Invalidate all EL3 entries.", secureOnly: true, fields: [] },
  {
    opcode: 0x1a,
    name: "CMD_TLBI_EL3_VA",
    doc: "Invalidate EL3 entries of a VA.",
    secureOnly: true,
    fields: [c.NUM(), c.SCALE(), ...range(), c.Address()],
  },
  { opcode: 0x20, name: "CMD_TLBI_EL2_ALL", doc: "Invalidate all NS-EL2 entries.", fields: [] },
  { opcode: 0x21, name: "CMD_TLBI_EL2_ASID", doc: "Invalidate NS-EL2-E2H entries of an ASID.", fields: [c.ASID()] },
  {
    opcode: 0x22,
    name: "CMD_TLBI_EL2_VA",
    doc: "Invalidate NS-EL2 entries of a VA for an ASID.",
    fields: [c.NUM(), c.SCALE(), c.ASID(), ...range(), c.Address()],
  },
  {
    opcode: 0x23,
    name: "CMD_TLBI_EL2_VAA",
    doc: "Invalidate NS-EL2 entries of a VA for all ASIDs.",
    fields: [c.NUM(), c.SCALE(), ...range(), c.Address()],
  },
  {
    opcode: 0x28,
    name: "CMD_TLBI_S12_VMALL",
    doc: "Invalidate all stage-1 and stage-2 entries of a VMID.",
    fields: [c.VMID()],
  },
  {
    opcode: 0x2a,
    name: "CMD_TLBI_S2_IPA",
    doc: "Invalidate stage-2 entries of an IPA (or range) of a VMID.",
    fields: [c.NUM(), c.SCALE(), c.VMID(), ...range(), c.Address(55)],
  },
  {
    opcode: 0x30,
    name: "CMD_TLBI_NSNH_ALL",
    doc: "Invalidate all Non-secure non-Hyp entries (all VMIDs, ASIDs).",
    fields: [],
  },
  {
    opcode: 0x40,
    name: "CMD_ATC_INV",
    doc: "Invalidate a range in the endpoint's ATC (ATS).",
    fields: [
      field("Global", 0, 9, 9, "Invalidate global entries (all PASIDs)."),
      c.SSV(),
      c.SubstreamID(),
      c.StreamID(),
      field("Size", 1, 5, 0, "Span is 4KB * 2^Size (52: everything)."),
      field("Address", 1, 63, 12, "Address [63:12] (aligned to the span).", { kind: "address" }),
    ],
  },
  {
    opcode: 0x41,
    name: "CMD_PRI_RESP",
    doc: "Respond to a PRI page request group.",
    fields: [
      c.SSV(),
      c.SubstreamID(),
      c.StreamID(),
      field("PRGIndex", 1, 8, 0, "Page Request Group index."),
      field("Resp", 1, 13, 12, "Response.", {
        values: { 0: "ResponseFailure", 1: "InvalidRequest", 2: "Success", 3: "ILLEGAL" },
        reservedValues: [3],
      }),
    ],
  },
  {
    opcode: 0x44,
    name: "CMD_RESUME",
    doc: "Retry or terminate a stalled transaction.",
    fields: [
      c.SSec(),
      field("Ac", 0, 12, 12, "Action: 1 retry, 0 terminate.", { values: { 0: "terminate", 1: "retry" } }),
      field("Ab", 0, 13, 13, "With Ac=0: 1 abort, 0 RAZ/WI (ignored with TERM_MODEL==1)."),
      c.StreamID(),
      field("STAG", 1, 15, 0, "Stall tag from the event record."),
    ],
  },
  {
    opcode: 0x45,
    name: "CMD_STALL_TERM",
    doc: "Terminate every stalled transaction of a StreamID.",
    fields: [c.SSec(), c.StreamID()],
  },
  {
    opcode: 0x46,
    name: "CMD_SYNC",
    doc: "Wait for earlier commands to complete, then optionally signal.",
    fields: [
      field("CS", 0, 13, 12, "Completion signal.", {
        values: { 0: "SIG_NONE", 1: "SIG_IRQ", 2: "SIG_SEV", 3: "ILLEGAL" },
        reservedValues: [3],
      }),
      // §4.7.3: MSH 0b01 is Reserved and treated as 0b00, not ILLEGAL (decodeCommand tells the two apart).
      field("MSH", 0, 23, 22, "MSI shareability.", {
        values: { 0: "NSH", 1: "Reserved (NSH)", 2: "OSH", 3: "ISH" },
        reservedValues: [1],
      }),
      field("MSIAttr", 0, 27, 24, "MSI memory attributes (STE.MemAttr encoding)."),
      field("MSIData", 0, 63, 32, "MSI payload."),
      field("MSIAddress", 1, 55, 2, "MSI target address [55:2] (0: wired interrupt).", { kind: "address" }),
    ],
  },
  { opcode: 0x50, name: "CMD_TLBI_S_EL2_ALL", doc: "Invalidate all S-EL2 entries.", secureOnly: true, fields: [] },
  {
    opcode: 0x51,
    name: "CMD_TLBI_S_EL2_ASID",
    doc: "Invalidate S-EL2-E2H entries of an ASID.",
    secureOnly: true,
    fields: [c.ASID()],
  },
  {
    opcode: 0x52,
    name: "CMD_TLBI_S_EL2_VA",
    doc: "Invalidate S-EL2 entries of a VA for an ASID.",
    secureOnly: true,
    fields: [c.NUM(), c.SCALE(), c.ASID(), ...range(), c.Address()],
  },
  {
    opcode: 0x53,
    name: "CMD_TLBI_S_EL2_VAA",
    doc: "Invalidate S-EL2 entries of a VA for all ASIDs.",
    secureOnly: true,
    fields: [c.NUM(), c.SCALE(), ...range(), c.Address()],
  },
  {
    opcode: 0x58,
    name: "CMD_TLBI_S_S12_VMALL",
    doc: "Invalidate all Secure stage-1 and stage-2 entries of a VMID.",
    secureOnly: true,
    fields: [c.VMID()],
  },
  {
    opcode: 0x5a,
    name: "CMD_TLBI_S_S2_IPA",
    doc: "Invalidate Secure stage-2 entries of an IPA.",
    secureOnly: true,
    partialLayout: true,
    fields: [c.NUM(), c.SCALE(), c.VMID(), ...range(), c.Address(55)],
  },
  {
    opcode: 0x60,
    name: "CMD_TLBI_SNH_ALL",
    doc: "Invalidate all Secure non-Hyp entries.",
    secureOnly: true,
    fields: [],
  },
  { opcode: 0x70, name: "CMD_DPTI_ALL", doc: "Drop all cached Device Permission Table information.", fields: [] },
  {
    opcode: 0x73,
    name: "CMD_DPTI_PA",
    doc: "Drop cached Device Permission Table information for a PA range.",
    fields: [
      c.Leaf(),
      field("SIZE", 1, 11, 8, "Size of the range.", {
        values: {
          0: "4KB",
          1: "16KB",
          2: "64KB",
          3: "2MB",
          4: "32MB",
          5: "512MB",
          6: "1GB",
          7: "16GB",
          8: "64GB",
          9: "512GB",
        },
      }),
      field("Address", 1, 55, 12, "PA [55:12].", { kind: "address" }),
    ],
  },
];

/** Every command opcode the architecture defines (SMMUv3.0-v3.4, plus the named v3.5 ones). */
export const COMMANDS: readonly CommandType[] = DEFS.map((d) =>
  Object.freeze({
    opcode: d.opcode,
    name: d.name,
    struct: struct(d.name, 2, SECTION, d.doc, [c.Opcode(), ...d.fields]),
    doc: d.doc,
    secureOnly: d.secureOnly ?? false,
    ...(d.since ? { since: d.since } : {}),
    ...(d.partialLayout ? { partialLayout: true } : {}),
  }),
);

const BY_OPCODE: (CommandType | undefined)[] = new Array<CommandType | undefined>(256).fill(undefined);
const BY_NAME = new Map<string, CommandType>();
for (const t of COMMANDS) {
  BY_OPCODE[t.opcode] = t;
  BY_NAME.set(t.name, t);
}

export function commandByOpcode(opcode: number): CommandType | undefined {
  return Number.isInteger(opcode) && opcode >= 0 && opcode < 256 ? BY_OPCODE[opcode] : undefined;
}

/** CMD_CFGI_ALL is CMD_CFGI_STE_RANGE with Range = 31 (reference §6.1). */
const CFGI_ALL = "CMD_CFGI_ALL";

function isCfgiAll(name: string): boolean {
  const n = name.trim().toUpperCase();
  return n === CFGI_ALL || n === "CFGI_ALL";
}

/** The command with this name (case-insensitive, `CMD_` optional; CMD_CFGI_ALL gives CMD_CFGI_STE_RANGE). */
export function commandByName(name: string): CommandType | undefined {
  const n = name.trim().toUpperCase();
  if (isCfgiAll(n)) return BY_NAME.get("CMD_CFGI_STE_RANGE");
  return BY_NAME.get(n) ?? BY_NAME.get("CMD_" + n);
}

function hex(n: number): string {
  return "0x" + n.toString(16).padStart(2, "0");
}

function get(fields: readonly DecodedField[], name: string): DecodedField | undefined {
  for (const f of fields) if (f.field === name) return f;
  return undefined;
}

function num(fields: readonly DecodedField[], name: string): number {
  const f = get(fields, name);
  return f ? f.raw.lo : 0;
}

/** Options of decodeCommand: the profile (to judge ID-register-dependent CERROR_ILL) and the queue. */
export interface CommandContext {
  readonly profile?: SmmuProfile;
  /** The queue the command was read from; the Non-secure queue is the default. */
  readonly queue?: "non-secure" | "secure";
}

/**
 * Decodes one command (packed halves [lo0, hi0, lo1, hi1]); never throws. `problems` lists the
 * reasons the SMMU would stop with CERROR_ILL (reserved opcode, SSec on the Non-secure queue,
 * ILLEGAL encodings, commands the ID registers rule out) and set RES0 bits.
 */
export function decodeCommand(words: ArrayLike<number>, context: CommandContext = {}): DecodedCommand {
  const opcode = (words[0] ?? 0) & 0xff;
  const type = commandByOpcode(opcode);
  const problems: string[] = [];
  if (words.length < 4)
    problems.push(`a command is 2 dwords (4 halves); only ${words.length} halves given, the rest read as zero`);
  if (!type) {
    const impdef = opcode >= 0x80 && opcode <= 0x8f;
    problems.push(
      impdef
        ? `opcode ${hex(opcode)} is IMPLEMENTATION DEFINED: its layout is vendor specific`
        : `opcode ${hex(opcode)} is Reserved: the SMMU stops with CERROR_ILL`,
    );
    return {
      opcode,
      name: impdef ? `IMPDEF_CMD_${hex(opcode)}` : `RESERVED_${hex(opcode)}`,
      fields: [],
      problems,
      summary: impdef ? `IMPLEMENTATION DEFINED command ${hex(opcode)}` : `Reserved opcode ${hex(opcode)} (CERROR_ILL)`,
    };
  }
  const d = decodeStruct(type.struct, words);
  const fields = d.fields.filter((f) => f.field !== "Opcode");
  if (type.since)
    problems.push(`${type.name} (${hex(opcode)}) is Reserved before SMMUv3.5: older SMMUs stop with CERROR_ILL`);
  for (const r of d.reserved) {
    problems.push(`${r.ranges.join(", ")} RES0 for ${type.name} but set: the SMMU may stop with CERROR_ILL`);
  }
  for (const f of fields) {
    if (!f.reservedValue) continue;
    // A table names an encoding that stops the queue "ILLEGAL"; a Reserved one with a fallback
    // names it "Reserved (<fallback>)" and the command still executes.
    const fallback = /^Reserved \((.+)\)$/.exec(f.meaning)?.[1];
    if (fallback)
      problems.push(`${f.field} ${f.value} is Reserved for ${type.name}: the SMMU treats it as ${fallback}`);
    else problems.push(`${f.field} ${f.value} is ILLEGAL for ${type.name}: CERROR_ILL`);
  }
  const queue = context.queue ?? "non-secure";
  if (queue === "non-secure") {
    if (num(fields, "SSec") === 1) problems.push("SSec=1 on the Non-secure command queue: CERROR_ILL");
    if (type.secureOnly) problems.push(`${type.name} is accepted only on the Secure command queue: CERROR_ILL`);
  }
  // TLBI range encoding (reference §6.2): TG != 0 with NUM=SCALE=TTL=0 is Reserved.
  if (type.struct.byName.has("TG")) {
    const tg = num(fields, "TG");
    if (tg !== 0 && num(fields, "NUM") === 0 && num(fields, "SCALE") === 0 && num(fields, "TTL") === 0) {
      problems.push("TG != 0 with NUM, SCALE and TTL all 0 is Reserved: CERROR_ILL");
    }
    if (tg === 0 && (num(fields, "NUM") !== 0 || num(fields, "SCALE") !== 0 || num(fields, "TTL") !== 0)) {
      problems.push("NUM/SCALE/TTL are RES0 when TG == 0 (single-address invalidation)");
    }
  }
  const p = context.profile;
  if (p) profileProblems(type, fields, p, problems);
  return { opcode, name: type.name, type, fields, problems, summary: summariseCommand(type, fields) };
}

function profileProblems(type: CommandType, fields: readonly DecodedField[], p: SmmuProfile, problems: string[]): void {
  const n = type.name;
  const ill = (why: string): void => void problems.push(`${n}: ${why}: CERROR_ILL`);
  if ((n === "CMD_CFGI_CD" || n === "CMD_CFGI_CD_ALL" || n.startsWith("CMD_TLBI_NH_")) && !p.stages.has("S1")) {
    ill("stage 1 is not implemented (IDR0.S1P==0)");
  }
  if ((n === "CMD_TLBI_S12_VMALL" || n === "CMD_TLBI_S2_IPA") && !p.stages.has("S2"))
    ill("stage 2 is not implemented (IDR0.S2P==0)");
  if (n.startsWith("CMD_TLBI_EL2_") && p.Hyp === 0) ill("IDR0.Hyp==0");
  if (n === "CMD_ATC_INV" && p.ATS === 0) ill("IDR0.ATS==0");
  if (n === "CMD_PRI_RESP" && p.PRI === 0) ill("IDR0.PRI==0");
  if ((n === "CMD_RESUME" || n === "CMD_STALL_TERM") && p.STALL_MODEL === 1) ill("IDR0.STALL_MODEL==0b01 (no stalls)");
  if (get(fields, "VMID") && p.VMID16 === 0 && num(fields, "VMID") > 0xff) {
    problems.push(`${n}: VMID[15:8] is RES0 without IDR0.VMID16`);
  }
  if (get(fields, "ASID") && p.ASID16 === 0 && num(fields, "ASID") > 0xff) {
    problems.push(`${n}: ASID[15:8] is RES0 without IDR0.ASID16`);
  }
  if (get(fields, "SCALE") && p.DS === 0 && num(fields, "SCALE") > 31) {
    problems.push(`${n}: SCALE[5] (bit 25) is RES0 without IDR5.DS`);
  }
}

function summariseCommand(type: CommandType, fields: readonly DecodedField[]): string {
  if (type.name === "CMD_CFGI_STE_RANGE" && num(fields, "Range") === 31)
    return `${CFGI_ALL} (CMD_CFGI_STE_RANGE Range 31)`;
  const parts: string[] = [];
  for (const name of ["StreamID", "SubstreamID", "VMID", "ASID", "Address", "Addr", "STAG", "Range", "Size", "CS"]) {
    const f = get(fields, name);
    if (!f) continue;
    if (name === "SubstreamID" && get(fields, "SSV") && num(fields, "SSV") === 0 && type.name !== "CMD_CFGI_CD")
      continue;
    parts.push(`${name} ${f.meaning || f.value}`);
  }
  const leaf = get(fields, "Leaf");
  if (leaf && leaf.raw.lo === 1) parts.push("leaf");
  return parts.length ? `${type.name} ${parts.join(", ")}` : type.name;
}

/** Encodes a command from field values; unknown names and values that do not fit are problems. */
export function encodeCommand(
  nameOrOpcode: string | number,
  values: Readonly<Record<string, U64>>,
): { words: Uint32Array; problems: string[] } {
  const type = typeof nameOrOpcode === "number" ? commandByOpcode(nameOrOpcode) : commandByName(nameOrOpcode);
  if (!type) {
    const words = new Uint32Array(4);
    if (typeof nameOrOpcode === "number" && Number.isInteger(nameOrOpcode) && nameOrOpcode >= 0 && nameOrOpcode < 256) {
      words[0] = nameOrOpcode;
    }
    return {
      words,
      problems: [
        `${typeof nameOrOpcode === "number" ? hex(nameOrOpcode) : JSON.stringify(nameOrOpcode)} is not an SMMUv3 command`,
      ],
    };
  }
  const problems: string[] = [];
  const rest: Record<string, U64> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k === "Opcode") {
      if (v.hi !== 0 || v.lo !== type.opcode)
        problems.push(`Opcode ${hexHalves(v.lo, v.hi)} ignored: the command is ${type.name}`);
      continue;
    }
    rest[k] = v;
  }
  rest["Opcode"] = { lo: type.opcode, hi: 0 };
  if (typeof nameOrOpcode === "string" && isCfgiAll(nameOrOpcode) && rest["Range"] === undefined)
    rest["Range"] = { lo: 31, hi: 0 };
  const r = encodeStruct(type.struct, rest);
  for (const p of r.problems) {
    problems.push(type.struct.byName.has(p.field) ? p.message : `${type.name} has no field named ${p.field}`);
  }
  return { words: r.words, problems };
}

/** `dword1[11:10]`-style label of a command field, for hover text. */
export function commandFieldBits(type: CommandType, name: string): string | undefined {
  const f = type.struct.byName.get(name);
  return f ? bitsLabel(f) : undefined;
}
