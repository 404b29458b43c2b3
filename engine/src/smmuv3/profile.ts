// The SMMU feature profile: the ID-register facts that decide what is legal and how a walk goes.
//
// One shape for every input: the scenario contract's `smmu` object (shared/design/formats.md),
// the `.iommu` language's `smmu` block and raw SMMU_IDRn values all become a `SmmuProfile`.
// Names are the ID-register field names (SMMUv3 §6.3 / reference §7). Omitted keys take the
// documented defaults of the scenario contract (`DEFAULT_PROFILE`).

export type Granule = "4K" | "16K" | "64K";
export type Stage = "S1" | "S2";
export type TableEndian = "mixed" | "LE" | "BE";
export type Httu = "none" | "AF" | "AF+dirty";
/**
 * The Security state of the stream being judged: which stream table its STE was fetched from
 * (SMMU_STRTAB_BASE, SMMU_S_STRTAB_BASE or SMMU_R_STRTAB_BASE; Arm IHI 0070 §3.10, SEC_SID).
 */
export type SecurityState = "NonSecure" | "Secure" | "Realm";

export interface SmmuProfile {
  /** Output address size in bits (IDR5.OAS): 32, 36, 40, 42, 44, 48, 52 or 56. */
  readonly OAS: number;
  /** Input address size for stage 2 (IAS); equals OAS for an AArch64-only SMMU. */
  readonly IAS: number;
  readonly granules: ReadonlySet<Granule>;
  readonly stages: ReadonlySet<Stage>;
  /** IDR1.SSIDSIZE: SubstreamID bits, 0..20. */
  readonly SSIDSIZE: number;
  /** IDR1.SIDSIZE: StreamID bits, 0..32. */
  readonly SIDSIZE: number;
  readonly TTENDIAN: TableEndian;
  readonly HTTU: Httu;
  /**
   * IDR0.HTTU == 0b11 (FEAT_HAFT): the SMMU also updates the Access flag in table descriptors
   * (CD.HAFT, STE.S2HAFT). Needs HTTU "AF+dirty"; kept apart from HTTU so that everything asking
   * for dirty-state support keeps reading HTTU == "AF+dirty".
   */
  readonly HAFT: number;
  /** IDR3.HAD: CD.HAD0/HAD1 supported. */
  readonly HAD: number;
  /** IDR0.STALL_MODEL: 0 stall and terminate, 1 terminate only (no stalls), 2 stall forced. */
  readonly STALL_MODEL: number;
  /** IDR0.TERM_MODEL: 1 = a terminated transaction always aborts (CD.A must be 1). */
  readonly TERM_MODEL: number;
  /** IDR0.TTF: the translation table formats. */
  readonly TTF: ReadonlySet<"AArch32" | "AArch64">;
  /** IDR0.CD2L: 2-level CD tables supported. */
  readonly CD2L: number;
  /** IDR0.ST_LEVEL: stream table formats supported. */
  readonly ST_LEVEL: "linear" | "2-level";
  readonly VMID16: number;
  readonly ASID16: number;
  /** IDR3.XNX: stage-2 XN[1:0] distinguishes EL0 and EL1 execute. */
  readonly XNX: number;
  readonly E0PD: number;
  readonly EPAN: number;
  /** SMMU_CR2.RECINVSID: record C_BAD_STREAMID. */
  readonly RECINVSID: number;
  /** IDR1.ATTR_PERMS_OVR: STE.PRIVCFG/INSTCFG/NSCFG overrides supported. */
  readonly ATTR_PERMS_OVR: number;
  readonly ATTR_TYPES_OVR: number;
  readonly ATS: number;
  /** IDR0.Hyp: EL2 StreamWorld supported. */
  readonly Hyp: number;
  /** IDR3.STT: small translation tables (TxSZ up to 48). */
  readonly STT: number;
  /** IDR5.VAX: 0 48-bit VA, 1 52-bit, 2 56-bit. */
  readonly VAX: number;
  /** IDR5.DS: 52-bit addresses with 4K/16K granules (FEAT_LPA2). */
  readonly DS: number;
  /** IDR0.PRI */
  readonly PRI: number;
  /** IDR0.NS1ATS: 1 = split-stage ATS not supported. */
  readonly NS1ATS: number;
  /** IDR3.FWB */
  readonly FWB: number;
  /** IDR3.PBHA */
  readonly PBHA: number;
  /** IDR0.BTM */
  readonly BTM: number;
  /** IDR0.COHACC */
  readonly COHACC: number;
  /** IDR0.MSI */
  readonly MSI: number;
  /** IDR0.RME_IMPL */
  readonly RME_IMPL: number;
  /** IDR3.MPAM */
  readonly MPAM: number;
  /**
   * SMMU_CR2.E2H: with IDR0.Hyp, STE.STRW 0b10 means NS-EL2-E2H (two ranges, two privileges, as
   * Linux programs it) when 1, plain NS-EL2 (TTB0 only, one privilege) when 0. Reference §2.2, §7.5.
   */
  readonly E2H: number;
  /** IDR3.DPT: Device Permission Table, STE.EATS 0b11 (SMMU_R_IDR3.DPT for a Realm stream). */
  readonly DPT: number;
  /** IDR3.S1PI: stage-1 permission indirection (STE.S1PIE, CD.PIE, CD.PIIP/PIIU). */
  readonly S1PI: number;
  /** IDR3.S2PI: stage-2 permission indirection (STE.S2PIE). */
  readonly S2PI: number;
  /** IDR3.S2PO: stage-2 permission overlays (STE.S2POE, STE.S2POI<p>). */
  readonly S2PO: number;
  /** IDR5.D128: VMSAv9-128 descriptors; CD.AA64 == 0 / STE.S2AA64 == 0 then select VMSAv9-128. */
  readonly D128: number;
  /** SMMU_S_IDR1.SEL2: Secure EL2 and Secure stage 2 (only read for a Secure stream). */
  readonly SEL2: number;
  /**
   * The Security state of the stream whose STE/CD are judged (default "NonSecure"). With
   * "Secure" or "Realm", STALL_MODEL, ATS, DPT and E2H are read as that state's values
   * (SMMU_S_IDR0.STALL_MODEL, SMMU_R_IDR0.ATS, SMMU_R_IDR3.DPT, SMMU_S_CR2.E2H, ...), as the
   * architecture's SMMU_(*_)IDRn notation does.
   */
  readonly SEC_STATE: SecurityState;
}

/** The scenario contract's defaults (formats.md, "Scenario"). */
export const DEFAULT_PROFILE: SmmuProfile = Object.freeze({
  OAS: 44,
  IAS: 44,
  granules: new Set<Granule>(["4K", "16K", "64K"]),
  stages: new Set<Stage>(["S1", "S2"]),
  SSIDSIZE: 0,
  SIDSIZE: 16,
  TTENDIAN: "LE",
  HTTU: "none",
  HAD: 1,
  STALL_MODEL: 1,
  TERM_MODEL: 1,
  TTF: new Set<"AArch32" | "AArch64">(["AArch64"]),
  CD2L: 1,
  ST_LEVEL: "2-level",
  VMID16: 1,
  ASID16: 1,
  XNX: 1,
  E0PD: 0,
  EPAN: 0,
  RECINVSID: 1,
  ATTR_PERMS_OVR: 0,
  ATTR_TYPES_OVR: 0,
  ATS: 0,
  Hyp: 0,
  STT: 0,
  VAX: 0,
  DS: 0,
  PRI: 0,
  NS1ATS: 0,
  FWB: 0,
  PBHA: 0,
  BTM: 0,
  COHACC: 1,
  MSI: 1,
  RME_IMPL: 0,
  MPAM: 0,
  E2H: 1,
  HAFT: 0,
  DPT: 0,
  S1PI: 0,
  S2PI: 0,
  S2PO: 0,
  D128: 0,
  SEL2: 0,
  SEC_STATE: "NonSecure",
});

/** IDR5.OAS encodings → bits (SMMUv3 §6.3.6). */
export const OAS_BITS: readonly number[] = [32, 36, 40, 42, 44, 48, 52, 56];

/** Bits → the 3-bit PA size encoding used by IDR5.OAS, CD.IPS and STE.S2PS; undefined if none. */
export function paSizeEncoding(bits: number): number | undefined {
  const i = OAS_BITS.indexOf(bits);
  return i < 0 ? undefined : i;
}

export interface ProfileProblem {
  /** The key in the input (`OAS`, `granules`). */
  readonly key: string;
  readonly message: string;
}

const NUMBER_KEYS = [
  "SSIDSIZE",
  "SIDSIZE",
  "HAD",
  "STALL_MODEL",
  "TERM_MODEL",
  "CD2L",
  "VMID16",
  "ASID16",
  "XNX",
  "E0PD",
  "EPAN",
  "RECINVSID",
  "ATTR_PERMS_OVR",
  "ATTR_TYPES_OVR",
  "ATS",
  "Hyp",
  "STT",
  "VAX",
  "DS",
  "PRI",
  "NS1ATS",
  "FWB",
  "PBHA",
  "BTM",
  "COHACC",
  "MSI",
  "RME_IMPL",
  "MPAM",
  "E2H",
  "HAFT",
  "DPT",
  "S1PI",
  "S2PI",
  "S2PO",
  "D128",
  "SEL2",
] as const;

const NUMBER_RANGES: Readonly<Record<(typeof NUMBER_KEYS)[number], readonly [number, number]>> = {
  SSIDSIZE: [0, 20],
  SIDSIZE: [0, 32],
  HAD: [0, 1],
  STALL_MODEL: [0, 2],
  TERM_MODEL: [0, 1],
  CD2L: [0, 1],
  VMID16: [0, 1],
  ASID16: [0, 1],
  XNX: [0, 1],
  E0PD: [0, 1],
  EPAN: [0, 1],
  RECINVSID: [0, 1],
  ATTR_PERMS_OVR: [0, 1],
  ATTR_TYPES_OVR: [0, 1],
  ATS: [0, 1],
  Hyp: [0, 1],
  STT: [0, 1],
  VAX: [0, 2],
  DS: [0, 1],
  PRI: [0, 1],
  NS1ATS: [0, 1],
  FWB: [0, 1],
  PBHA: [0, 1],
  BTM: [0, 1],
  COHACC: [0, 1],
  MSI: [0, 1],
  RME_IMPL: [0, 1],
  MPAM: [0, 1],
  E2H: [0, 1],
  HAFT: [0, 1],
  DPT: [0, 1],
  S1PI: [0, 1],
  S2PI: [0, 1],
  S2PO: [0, 1],
  D128: [0, 1],
  SEL2: [0, 1],
};

/** SEC_STATE spellings, lower case without separators. */
const SECURITY_STATE_NAMES: ReadonlyMap<string, SecurityState> = new Map([
  ["nonsecure", "NonSecure"],
  ["ns", "NonSecure"],
  ["secure", "Secure"],
  ["s", "Secure"],
  ["realm", "Realm"],
  ["r", "Realm"],
] as const);

function asNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string") {
    const t = v.trim();
    if (/^0[xX][0-9a-fA-F_]+$/.test(t)) return parseInt(t.slice(2).replace(/_/g, ""), 16);
    if (/^[0-9]+$/.test(t)) return parseInt(t, 10);
  }
  return undefined;
}

function asText(v: unknown): string {
  return typeof v === "string" || typeof v === "number" ? String(v) : describe(v);
}

/**
 * A short, bounded description of a value for a message. Never JSON.stringify user input here: a
 * deeply nested value overflows the stack, and the profile must report, not throw.
 */
function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : typeof v;
}

function normaliseGranule(v: unknown): Granule | undefined {
  if (typeof v !== "string") return undefined;
  const t = v.toUpperCase().replace(/B$/, "");
  return t === "4K" || t === "16K" || t === "64K" ? t : undefined;
}

/**
 * Reads a profile from the scenario contract's `smmu` object (or anything shaped like it).
 * Unknown keys are ignored (the contract may grow); bad values are reported and replaced by the
 * default, never thrown on.
 */
export function profileFromJson(input: unknown): { profile: SmmuProfile; problems: ProfileProblem[] } {
  const problems: ProfileProblem[] = [];
  const obj: Record<string, unknown> =
    input !== null && typeof input === "object" ? (input as Record<string, unknown>) : {};
  if (input !== undefined && (input === null || typeof input !== "object" || Array.isArray(input))) {
    problems.push({ key: "smmu", message: "the SMMU profile must be an object of ID-register fields" });
  }
  const p: { -readonly [K in keyof SmmuProfile]: SmmuProfile[K] } = { ...DEFAULT_PROFILE };

  if (obj["OAS"] !== undefined) {
    const oas = asNumber(obj["OAS"]);
    if (oas !== undefined && OAS_BITS.includes(oas)) p.OAS = oas;
    else problems.push({ key: "OAS", message: `OAS must be one of ${OAS_BITS.join(", ")} bits` });
  }
  p.IAS = p.OAS;
  if (obj["IAS"] !== undefined) {
    const ias = asNumber(obj["IAS"]);
    if (ias !== undefined && ias >= 32 && ias <= 56) p.IAS = ias;
    else problems.push({ key: "IAS", message: "IAS must be a number of bits between 32 and 56" });
  }
  if (obj["granules"] !== undefined) {
    const list = Array.isArray(obj["granules"]) ? obj["granules"] : [obj["granules"]];
    const set = new Set<Granule>();
    for (const g of list) {
      const n = normaliseGranule(g);
      if (n) set.add(n);
      else problems.push({ key: "granules", message: `unknown granule ${describe(g)} (4K, 16K or 64K)` });
    }
    p.granules = set;
  }
  if (obj["stages"] !== undefined) {
    const list = Array.isArray(obj["stages"]) ? obj["stages"] : [obj["stages"]];
    const set = new Set<Stage>();
    for (const s of list) {
      const t = typeof s === "string" ? s.toUpperCase() : "";
      if (t === "S1" || t === "S2") set.add(t);
      else problems.push({ key: "stages", message: `unknown stage ${describe(s)} (S1 or S2)` });
    }
    p.stages = set;
  }
  if (obj["TTENDIAN"] !== undefined) {
    const t = asText(obj["TTENDIAN"]);
    const n = t.toLowerCase() === "mixed" ? "mixed" : t.toUpperCase();
    if (n === "mixed" || n === "LE" || n === "BE") p.TTENDIAN = n;
    else problems.push({ key: "TTENDIAN", message: 'TTENDIAN must be "mixed", "LE" or "BE"' });
  }
  if (obj["HTTU"] !== undefined) {
    const t = asText(obj["HTTU"]);
    if (t === "none" || t === "AF" || t === "AF+dirty") p.HTTU = t;
    else problems.push({ key: "HTTU", message: 'HTTU must be "none", "AF" or "AF+dirty"' });
  }
  if (obj["TTF"] !== undefined) {
    const list = Array.isArray(obj["TTF"]) ? obj["TTF"] : [obj["TTF"]];
    const set = new Set<"AArch32" | "AArch64">();
    for (const s of list as unknown[]) {
      if (s === "AArch32" || s === "AArch64") set.add(s);
      else problems.push({ key: "TTF", message: `unknown table format ${describe(s)} (AArch32 or AArch64)` });
    }
    p.TTF = set;
  }
  if (obj["ST_LEVEL"] !== undefined) {
    const t = asText(obj["ST_LEVEL"]);
    if (t === "linear" || t === "2-level") p.ST_LEVEL = t;
    else problems.push({ key: "ST_LEVEL", message: 'ST_LEVEL must be "linear" or "2-level"' });
  }
  if (obj["SEC_STATE"] !== undefined) {
    const t = typeof obj["SEC_STATE"] === "string" ? obj["SEC_STATE"].trim().toLowerCase().replace(/[-_ ]/g, "") : "";
    const state = SECURITY_STATE_NAMES.get(t);
    if (state) p.SEC_STATE = state;
    else problems.push({ key: "SEC_STATE", message: 'SEC_STATE must be "NonSecure", "Secure" or "Realm"' });
  }
  for (const key of NUMBER_KEYS) {
    if (obj[key] === undefined) continue;
    const v = asNumber(obj[key]);
    const [min, max] = NUMBER_RANGES[key];
    if (v !== undefined && v >= min && v <= max) p[key] = v;
    else problems.push({ key, message: `${key} must be a number from ${min} to ${max}` });
  }
  // Combinations the ID registers cannot express (Arm IHI 0070 §6.3.1 IDR0.HTTU, §6.3.6 IDR5.D128).
  if (p.HAFT === 1 && p.HTTU !== "AF+dirty") {
    problems.push({
      key: "HAFT",
      message: 'HAFT 1 (IDR0.HTTU == 0b11) includes dirty-state updates: HTTU must be "AF+dirty"',
    });
    p.HAFT = 0;
  }
  if (p.D128 === 1 && (p.TTF.has("AArch32") || !p.TTF.has("AArch64"))) {
    problems.push({
      key: "D128",
      message: "D128 1 (VMSAv9-128) needs TTF to be exactly AArch64 (IDR5.D128 == 1 implies IDR0.TTF == 0b10)",
    });
    p.D128 = 0;
  }
  return { profile: p, problems };
}
