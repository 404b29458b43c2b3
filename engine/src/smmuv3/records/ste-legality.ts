// Legality of a Stream Table Entry: every ILLEGAL condition of Arm IHI 0070 §5.2.2 SteIllegal()
// that an SmmuProfile can decide (reference §2.3, STE-01..39), then the "legal but almost
// certainly a bug" warnings (reference §2.6 and experience), each as a LegalityFinding with a
// stable code from LEGALITY_RULES.
//
// Scope: a Non-secure STE on an SMMUv3.1+ (v3.0 differences are CONSTRAINED UNPREDICTABLE and
// reported as the v3.1+ rule). Fields IGNORED because of other fields are never judged.

import { fieldOf, getSmall, getValue, reservedBitsSet, type FieldSpec } from "../../bits/fields";
import { hex64, hexNumber, type U64 } from "../../bits/u64";
import type { Granule, SmmuProfile } from "../profile";
import { scanAccessFlag, type QwordReader } from "./af-scan";
import {
  atOrAbove,
  fieldIsZero,
  halvesZero,
  lowBits,
  paSizeBits,
  s2StartLevel,
  s2t0szRange,
  startLevelBits,
} from "./geometry";
import { makeFinding, type LegalityFinding } from "./legality-rules";
import { STE } from "./ste";

/** Optional facts the STE alone does not hold; each enables one "probably a bug" check. */
export interface SteCheckContext {
  /** Reads a 64-bit word of physical memory (stage-2 tables); enables STE-WARN-S2-AF0. */
  readonly readQword?: QwordReader;
  /** Number of CDs the CD table behind S1ContextPtr really holds; enables STE-WARN-CDMAX-TABLE. */
  readonly cdTableEntries?: number;
  /** Whether stage 2 maps [ipa, ipa + bytes); enables STE-WARN-CTXPTR-S2 for nested STEs. */
  readonly stage2Covers?: (ipa: number, bytes: number) => boolean;
  /** Read budget of the AF scan (default 65536 descriptors). */
  readonly maxReads?: number;
}

const F = (name: string): FieldSpec => fieldOf(STE, name);
const V = F("V");
const CONFIG = F("Config");
const S1FMT = F("S1Fmt");
const S1CTXPTR = F("S1ContextPtr");
const S1CDMAX = F("S1CDMax");
const S1DSS = F("S1DSS");
const S1CSH = F("S1CSH");
const EATS = F("EATS");
const STRW = F("STRW");
const S1STALLD = F("S1STALLD");
const S2FWB = F("S2FWB");
const S2S = F("S2S");
const S2R = F("S2R");
const S2AA64 = F("S2AA64");
const S2HA = F("S2HA");
const S2HD = F("S2HD");
const S2TG = F("S2TG");
const S2PS = F("S2PS");
const S2TTB = F("S2TTB");
const S2DS = F("S2DS");
const S2T0SZ = F("S2T0SZ");
const S2SL0 = F("S2SL0");
const S2SL0_2 = F("S2SL0_2");
const S2ENDI = F("S2ENDI");
const S2VMID = F("S2VMID");
const S2IR0 = F("S2IR0");
const S2OR0 = F("S2OR0");
const S2SH0 = F("S2SH0");
const S2AFFD = F("S2AFFD");
const S1MPAM = F("S1MPAM");
const VMSPTR = F("VMSPtr");
const MTCFG = F("MTCFG");
const MEMATTR = F("MemAttr");
const PRIVCFG = F("PRIVCFG");
const INSTCFG = F("INSTCFG");

const TG_NAME: readonly (Granule | undefined)[] = ["4K", "64K", "16K", undefined];

const CONFIG_TEXT = ["abort", "Reserved", "Reserved", "Reserved", "bypass", "stage 1", "stage 2", "nested"];

function bin(v: number, width: number): string {
  return "0b" + v.toString(2).padStart(width, "0");
}

/**
 * Judges an STE (8 dwords as packed halves) against an SMMU profile. ILLEGAL findings come first,
 * in the order of SteIllegal(); warnings follow. A legal, unsurprising STE gives []. Never throws.
 */
export function checkSte(
  words: ArrayLike<number>,
  profile: SmmuProfile,
  context: SteCheckContext = {},
): LegalityFinding[] {
  const out: LegalityFinding[] = [];
  const get = (f: FieldSpec): number => getSmall(words, f);
  if (get(V) === 0) {
    out.push(
      makeFinding(
        "STE-ILL-V",
        "V is 0: the STE is not valid, so every transaction of this StreamID aborts with C_BAD_STE.",
      ),
    );
    return out;
  }
  const config = get(CONFIG);
  if ((config & 4) === 0) {
    if (config !== 0) {
      out.push(
        makeFinding("STE-WARN-RESERVED-ENC", `Config ${bin(config, 3)} is Reserved and behaves as abort (0b000).`, [
          "Config",
        ]),
      );
    }
    let other = false;
    for (let i = 0; i < 16; i++) other ||= ((words[i] ?? 0) & (i === 0 ? ~0xf : ~0)) !== 0;
    if (other) {
      out.push(
        makeFinding(
          "STE-WARN-CONFIG-ABORT",
          `Config is ${bin(config, 3)} (${CONFIG_TEXT[config]}): all traffic is silently aborted with no event, yet other fields are set (a half-written or wrongly configured STE?).`,
        ),
      );
    }
    return out;
  }
  const s1 = config === 5 || config === 7;
  const s2 = config === 6 || config === 7;
  const hasS1 = profile.stages.has("S1");
  const hasS2 = profile.stages.has("S2");

  // STE-03 / STE-04
  if (s1 && !hasS1) {
    out.push(
      makeFinding(
        "STE-ILL-S1P",
        `Config ${bin(config, 3)} (${CONFIG_TEXT[config]}) enables stage 1, but the SMMU has no stage 1 (IDR0.S1P == 0).`,
      ),
    );
  }
  if (s2 && !hasS2) {
    out.push(
      makeFinding(
        "STE-ILL-S2P",
        `Config ${bin(config, 3)} (${CONFIG_TEXT[config]}) enables stage 2, but the SMMU has no stage 2 (IDR0.S2P == 0).`,
      ),
    );
  }
  const eats = get(EATS);
  const s2s = get(S2S);
  const configTranslates = (config & 3) !== 0;
  // STE-07 / STE-08
  if (profile.ATS === 1 && configTranslates && eats === 2 && (config !== 7 || s2s === 1 || profile.NS1ATS === 1)) {
    const why =
      config !== 7
        ? `Config is ${bin(config, 3)}, not nested (0b111)`
        : s2s === 1
          ? "S2S is 1 (stage-2 stalls)"
          : "the SMMU does not support split-stage ATS (IDR0.NS1ATS == 1)";
    out.push(makeFinding("STE-ILL-EATS-SPLIT", `EATS is 0b10 (split-stage ATS) but ${why}.`));
  }
  if (profile.ATS === 1 && configTranslates && eats === 1 && s2s === 1 && s2) {
    out.push(
      makeFinding(
        "STE-ILL-EATS-S2S",
        "EATS is 0b01 (full ATS) with stage 2 enabled and S2S == 1: ATS forbids stage-2 stalls.",
      ),
    );
  }
  // STE-12: STRW used only for Config 0b101 with stage 1 and EL2 support
  const strw = get(STRW);
  const strwUsed = config === 5 && hasS1 && profile.Hyp === 1;
  if (strwUsed && (strw & 1) === 1) {
    out.push(
      makeFinding(
        "STE-ILL-STRW",
        `STRW is ${bin(strw, 2)}, a Reserved StreamWorld for a Non-secure STE (use 0b00 EL1 or 0b10 EL2).`,
      ),
    );
  }
  // STE-16
  if (s1 && get(S1STALLD) === 1 && profile.STALL_MODEL !== 0) {
    out.push(
      makeFinding(
        "STE-ILL-S1STALLD",
        `S1STALLD is 1 but IDR0.STALL_MODEL is ${bin(profile.STALL_MODEL, 2)}: S1STALLD may be set only when stalls are configurable (0b00).`,
      ),
    );
  }
  // STE-17 / STE-18
  const cdmax = get(S1CDMAX);
  if (s1 && profile.SSIDSIZE !== 0 && cdmax > profile.SSIDSIZE) {
    out.push(
      makeFinding(
        "STE-ILL-S1CDMAX",
        `S1CDMax is ${cdmax} (2^${cdmax} CDs) but the SMMU supports ${profile.SSIDSIZE} SubstreamID bits (IDR1.SSIDSIZE).`,
      ),
    );
  }
  const s1fmt = get(S1FMT);
  if (s1 && profile.SSIDSIZE !== 0 && cdmax !== 0 && profile.CD2L === 0 && (s1fmt === 1 || s1fmt === 2)) {
    out.push(
      makeFinding(
        "STE-ILL-S1FMT",
        `S1Fmt is ${bin(s1fmt, 2)} (2-level CD table) but the SMMU has no 2-level CD tables (IDR0.CD2L == 0).`,
      ),
    );
  }
  // STE-19
  const ctxptr = getValue(words, S1CTXPTR);
  if (s1) {
    const limit = s2 ? profile.IAS : profile.OAS;
    if (atOrAbove(ctxptr, limit)) {
      out.push(
        makeFinding(
          "STE-ILL-S1CTXPTR",
          `S1ContextPtr ${hex64(ctxptr)} is at or above 2^${limit} (${s2 ? "IAS: it is an IPA with stage 2 enabled" : "OAS: it is a PA with stage 2 bypassed"}).`,
        ),
      );
    }
  }
  // Stage-2 rules (STE-20..33)
  const aa64 = get(S2AA64) === 1;
  if (s2 && hasS2) {
    if (get(S2FWB) === 1 && !aa64 && profile.FWB === 1) {
      out.push(makeFinding("STE-ILL-S2FWB", "S2FWB is 1 with a VMSAv8-32 stage 2 (S2AA64 == 0)."));
    }
    if (s2s === 1 && profile.STALL_MODEL === 1) {
      out.push(makeFinding("STE-ILL-S2S-NOSTALL", "S2S is 1 but the SMMU cannot stall (IDR0.STALL_MODEL == 0b01)."));
    }
    if (s2s === 0 && profile.STALL_MODEL === 2) {
      out.push(
        makeFinding(
          "STE-ILL-S2S-FORCED",
          "S2S is 0 but the SMMU forces stalls (IDR0.STALL_MODEL == 0b10): S2S must be 1.",
        ),
      );
    }
    if (!aa64 && !profile.TTF.has("AArch32")) {
      out.push(
        makeFinding(
          "STE-ILL-S2AA32",
          "S2AA64 is 0 (VMSAv8-32 stage-2 tables) but the SMMU supports only VMSAv8-64 (IDR0.TTF).",
        ),
      );
    }
    if (aa64 && !profile.TTF.has("AArch64")) {
      out.push(
        makeFinding(
          "STE-ILL-S2AA64",
          "S2AA64 is 1 (VMSAv8-64 stage-2 tables) but the SMMU supports only VMSAv8-32 (IDR0.TTF).",
        ),
      );
    }
    const ha = get(S2HA);
    const hd = get(S2HD);
    if ((ha || hd) && (!aa64 || profile.HTTU === "none")) {
      out.push(
        makeFinding(
          "STE-ILL-S2HTTU",
          `S2HA=${ha} S2HD=${hd} ask for hardware table updates ${!aa64 ? "with a VMSAv8-32 stage 2" : "but the SMMU has none (IDR0.HTTU == 0b00)"}.`,
        ),
      );
    } else if (hd && profile.HTTU === "AF") {
      out.push(
        makeFinding(
          "STE-ILL-S2HD",
          "S2HD is 1 but the SMMU updates only the access flag (IDR0.HTTU == 0b01), not dirty state.",
        ),
      );
    }
    if (aa64) checkStage2Geometry(words, profile, out, context);
    const endi = get(S2ENDI);
    if ((profile.TTENDIAN === "LE" && endi === 1) || (profile.TTENDIAN === "BE" && endi === 0)) {
      out.push(
        makeFinding(
          "STE-ILL-S2ENDI",
          `S2ENDI is ${endi} (${endi ? "big" : "little"}-endian tables) but the SMMU supports only ${profile.TTENDIAN === "LE" ? "little" : "big"}-endian tables (IDR0.TTENDIAN).`,
        ),
      );
    }
  }
  // STE-38: S2VMID is used by stage 2, and by stage 1 in the NS-EL1 StreamWorld
  const vmidUsed = hasS2 && (s2 || (config === 5 && !(strwUsed && strw === 2)));
  const vmid = get(S2VMID);
  if (vmidUsed && profile.VMID16 === 0 && vmid > 0xff) {
    out.push(
      makeFinding(
        "STE-ILL-S2VMID",
        `S2VMID is ${hexNumber(vmid)} but the SMMU has 8-bit VMIDs (IDR0.VMID16 == 0): bits [15:8] must be 0.`,
      ),
    );
  }
  // STE-39
  if (config === 7 && get(S1MPAM) === 1 && profile.MPAM === 1) {
    const vms = getValue(words, VMSPTR);
    if (atOrAbove(vms, profile.OAS)) {
      out.push(makeFinding("STE-ILL-VMSPTR", `VMSPtr ${hex64(vms)} is at or above 2^${profile.OAS} (OAS).`));
    }
  }

  steWarnings(words, profile, context, out, { config, s1, s2, aa64, eats, cdmax, s1fmt, ctxptr, strw, strwUsed });
  return out;
}

function checkStage2Geometry(
  words: ArrayLike<number>,
  profile: SmmuProfile,
  out: LegalityFinding[],
  context: SteCheckContext,
): void {
  const tg = getSmall(words, S2TG);
  const granule = TG_NAME[tg];
  if (!granule || !profile.granules.has(granule)) {
    out.push(
      makeFinding(
        "STE-ILL-S2TG",
        granule
          ? `S2TG selects the ${granule}B granule, which the SMMU does not support (IDR5.GRAN${granule}).`
          : "S2TG is 0b11, a Reserved granule encoding.",
      ),
    );
    return;
  }
  const s2ds = profile.DS === 1 && getSmall(words, S2DS) === 1;
  const psEnc = getSmall(words, S2PS);
  const effPs = Math.min(paSizeBits(psEnc), profile.OAS);
  const ttb = getValue(words, S2TTB);
  const limit48 = granule !== "64K" && !s2ds;
  if (atOrAbove(ttb, effPs) || (limit48 && atOrAbove(ttb, 48))) {
    out.push(
      makeFinding(
        "STE-ILL-S2TTB",
        atOrAbove(ttb, effPs)
          ? `S2TTB ${hex64(ttb)} is at or above 2^${effPs} (effective S2PS = min(S2PS ${paSizeBits(psEnc)}, OAS ${profile.OAS}) bits).`
          : `S2TTB ${hex64(ttb)} is at or above 2^48 with a ${granule}B granule and S2DS == 0.`,
      ),
    );
  }
  const t0sz = getSmall(words, S2T0SZ);
  const range = s2t0szRange(profile, granule, s2ds);
  if (t0sz < range.min || t0sz > range.max) {
    out.push(
      makeFinding(
        "STE-ILL-S2T0SZ",
        `S2T0SZ is ${t0sz} (a ${64 - t0sz}-bit IPA space); with a ${granule}B granule on this SMMU it must be ${range.min}..${range.max} (IAS ${profile.IAS}${profile.STT ? ", STT" : ""}).`,
      ),
    );
    return; // the start level cannot be judged against an out-of-range size
  }
  const sl = getSmall(words, S2SL0) | (profile.DS === 1 ? getSmall(words, S2SL0_2) << 2 : 0);
  const start = s2StartLevel(granule, sl, profile, s2ds);
  if ("reserved" in start) {
    out.push(makeFinding("STE-ILL-S2SL0", `S2SL0 is inconsistent: ${start.reserved}.`));
    return;
  }
  const g = granule === "4K" ? 12 : granule === "16K" ? 14 : 16;
  const stride = g - 3;
  const r = startLevelBits(granule, 64 - t0sz, start.level);
  if (r < 1 || r > stride + 4) {
    out.push(
      makeFinding(
        "STE-ILL-S2SL0",
        `S2SL0 selects start level ${start.level}, which would resolve ${r} bits of a ${64 - t0sz}-bit IPA (S2T0SZ ${t0sz}) with a ${granule}B granule; it must resolve 1..${stride + 4} (at most 16 concatenated tables).`,
      ),
    );
    return;
  }
  // Legal geometry: alignment of the start-level table(s) (reference §2.6)
  const tableBits = Math.max(r + 3, effPs >= 52 ? 6 : 3);
  if (lowBits(ttb, tableBits) !== 0) {
    const n = r > stride ? `${2 ** (r - stride)} concatenated tables, ` : "";
    out.push(
      makeFinding(
        "STE-WARN-S2TTB-ALIGN",
        `S2TTB ${hex64(ttb)} is not aligned to the start-level table size (${n}${2 ** tableBits} bytes): bits [${tableBits - 1}:4] are treated as 0, so the walk starts at ${hex64({ lo: (ttb.lo & ~((2 ** Math.min(tableBits, 32) - 1) >>> 0)) >>> 0, hi: ttb.hi })}.`,
      ),
    );
  }
  if (context.readQword && getSmall(words, S2AFFD) === 0 && getSmall(words, S2HA) === 0) {
    const base = ttb.hi * 0x1_0000_0000 + ttb.lo - lowBits(ttb, tableBits);
    const scan = scanAccessFlag(context.readQword, {
      granule,
      ds: s2ds || (granule === "64K" && effPs >= 52),
      startLevel: start.level,
      startBits: r,
      base,
      ...(context.maxReads !== undefined ? { maxReads: context.maxReads } : {}),
    });
    if (scan.first) {
      out.push(
        makeFinding(
          "STE-WARN-S2-AF0",
          `${scan.count}${scan.truncated ? "+" : ""} stage-2 leaf descriptor(s) have AF == 0 while S2AFFD == 0 and S2HA == 0 (first: level ${scan.first.level} descriptor at ${hexNumber(scan.first.descriptorAddr)} for IPA ${hexNumber(scan.first.inputAddr)}): accesses through them raise F_ACCESS with S2=1.`,
        ),
      );
    }
  }
}

interface SteFacts {
  config: number;
  s1: boolean;
  s2: boolean;
  aa64: boolean;
  eats: number;
  cdmax: number;
  s1fmt: number;
  ctxptr: U64;
  strw: number;
  strwUsed: boolean;
}

function steWarnings(
  words: ArrayLike<number>,
  profile: SmmuProfile,
  context: SteCheckContext,
  out: LegalityFinding[],
  f: SteFacts,
): void {
  const get = (spec: FieldSpec): number => getSmall(words, spec);
  // RES0 bits no field covers
  for (const r of reservedBitsSet(STE, words)) {
    out.push(
      makeFinding(
        "STE-WARN-RES0",
        `RES0 bits ${r.ranges.join(", ")} are set: some implementations treat this as an invalid STE (C_BAD_STE), others ignore them.`,
        [],
      ),
    );
  }
  // Fields that are RES0 on this SMMU (feature absent) or for a Non-secure STE
  const res0 = (name: string, why: string): void => {
    const spec = STE.byName.get(name);
    if (!spec || fieldIsZero(words, spec)) return;
    const v = getValue(words, spec);
    if (v.lo === 0 && v.hi === 0) return;
    out.push(
      makeFinding(
        "STE-WARN-RES0-FIELD",
        `${name} is ${hex64(v)} but is RES0 ${why}: some implementations treat this as an invalid STE (C_BAD_STE).`,
        [name],
      ),
    );
  };
  if (f.s1) res0("S1PIE", "(stage-1 permission indirection is not in this SMMU's profile, IDR3.S1PI)");
  if (profile.MPAM === 0) for (const n of ["S1MPAM", "PARTID", "PMG"]) res0(n, "without MPAM (IDR3.MPAM == 0)");
  if (f.config === 5 && profile.Hyp === 0) res0("STRW", "without EL2 support (IDR0.Hyp == 0)");
  if (profile.PRI === 0 || profile.SSIDSIZE === 0) res0("PPAR", "without PRI and SubstreamIDs");
  if (profile.ATTR_TYPES_OVR === 0)
    for (const n of ["MemAttr", "MTCFG", "ALLOCCFG", "SHCFG"]) res0(n, "without IDR1.ATTR_TYPES_OVR");
  else if (get(MTCFG) === 0) res0("MemAttr", "while MTCFG == 0 (Arm IHI 0070 §5.2 MemAttr)");
  if (profile.ATTR_PERMS_OVR === 0) for (const n of ["PRIVCFG", "INSTCFG"]) res0(n, "without IDR1.ATTR_PERMS_OVR");
  if (f.s2) {
    if (profile.FWB === 0) res0("S2FWB", "without IDR3.FWB");
    if (profile.HTTU !== "AF+dirty") res0("S2HAFT", "unless IDR0.HTTU == 0b11");
    for (const n of ["S2PIE", "S2POE", "DPT_VMATCH", "S2SKL"]) res0(n, "(feature not in this SMMU's profile)");
    if (profile.DS === 0) for (const n of ["S2SL0_2", "S2DS"]) res0(n, "without IDR5.DS");
    else if (get(S2TG) === 1) res0("S2DS", "with a 64KB stage-2 granule");
    if (!f.aa64 && profile.DS === 1) for (const n of ["S2SL0_2", "S2DS"]) res0(n, "with a VMSAv8-32 stage 2");
    for (const n of ["S2NSW", "S2NSA"]) res0(n, "for a Non-secure STE");
  }
  // Dwords 4-7 hold only Secure, MPAM, hardening and overlay fields: skip them when all zero.
  if (!halvesZero(words, 8, 16)) {
    for (const n of [
      "S_S2T0SZ",
      "S_S2SL0",
      "S_S2TG",
      "S2SW",
      "S2SA",
      "S_S2SL0_2",
      "S_S2TTB",
      "S_S2SKL",
      "MPAM_NS",
      "MECID",
    ]) {
      res0(n, "for a Non-secure STE");
    }
    for (const n of ["AssuredOnly", "TL0", "TL1"]) res0(n, "without translation hardening (IDR3.THE)");
    for (let p = 0; p < 16; p++) res0(`S2POI${p}`, "without stage-2 permission overlays (IDR3.S2PO)");
  }

  // Reserved encodings with a fallback
  const reserved = (field: string, text: string): void =>
    void out.push(makeFinding("STE-WARN-RESERVED-ENC", text, [field]));
  const cdsEnabled = f.s1 && f.cdmax !== 0 && profile.SSIDSIZE !== 0;
  if (cdsEnabled && f.s1fmt === 3) reserved("S1Fmt", "S1Fmt is 0b11, Reserved: behaves as 0b00 (linear CD table).");
  if (cdsEnabled && get(S1DSS) === 3)
    reserved("S1DSS", "S1DSS is 0b11, Reserved: behaves as 0b00 (terminate traffic without a SubstreamID).");
  if (f.s1 && get(S1CSH) === 1) reserved("S1CSH", "S1CSH is 0b01, Reserved: CD fetches behave as Non-shareable.");
  if (f.s2 && get(S2SH0) === 1) reserved("S2SH0", "S2SH0 is 0b01, Reserved: stage-2 walks behave as Non-shareable.");
  if (profile.ATTR_PERMS_OVR === 1) {
    if (get(PRIVCFG) === 1)
      reserved("PRIVCFG", "PRIVCFG is 0b01, Reserved: behaves as 0b00 (use the incoming privilege).");
    if (get(INSTCFG) === 1)
      reserved("INSTCFG", "INSTCFG is 0b01, Reserved: behaves as 0b00 (use the incoming instruction/data).");
  }
  if (profile.ATTR_TYPES_OVR === 1 && get(MTCFG) === 1 && [4, 8, 12].includes(get(MEMATTR))) {
    reserved("MemAttr", `MemAttr ${bin(get(MEMATTR), 4)} is Reserved: behaves as Device-nGnRnE.`);
  }
  if (profile.ATS === 1 && (f.config & 3) !== 0 && f.eats === 3) {
    reserved(
      "EATS",
      "EATS is 0b11 (full ATS with DPT checks) but DPT is not in this SMMU's profile: Reserved, behaves as 0b00 (ATS disabled).",
    );
  }
  if (profile.ATS === 0 && f.eats !== 0) {
    out.push(
      makeFinding(
        "STE-WARN-EATS-NO-ATS",
        `EATS is ${bin(f.eats, 2)} but the SMMU has no ATS (IDR0.ATS == 0): the field is IGNORED.`,
      ),
    );
  }
  if (f.s2 && f.aa64) {
    const ps = get(S2PS);
    if (paSizeBits(ps) > profile.OAS) {
      out.push(
        makeFinding(
          "STE-WARN-S2PS-CAP",
          `S2PS ${bin(ps, 3)} (${paSizeBits(ps)} bits) is larger than OAS (${profile.OAS} bits): capped at ${profile.OAS}.`,
        ),
      );
    }
    if ((get(S2HA) || get(S2HD)) && (get(S2IR0) === 0 || get(S2OR0) === 0) && profile.HTTU !== "none") {
      out.push(
        makeFinding(
          "STE-WARN-S2-HTTU-NC",
          "S2HA/S2HD with non-cacheable stage-2 walks (S2IR0/S2OR0 == 0b00): hardware updates may fail as F_WALK_EABT.",
        ),
      );
    }
    if (get(S2R) === 0 && get(S2S) === 0) {
      out.push(
        makeFinding(
          "STE-WARN-S2R-OFF",
          "S2R is 0 and S2S is 0: stage-2 faults of this stream terminate silently, no event is recorded.",
        ),
      );
    }
  }
  // CD table geometry
  if (f.s1 && profile.SSIDSIZE !== 0 && f.cdmax > 0) {
    const fmt = f.s1fmt === 3 ? 0 : f.s1fmt;
    const alignBits = fmt === 0 ? f.cdmax + 6 : fmt === 1 ? Math.max(6, f.cdmax - 3) : Math.max(6, f.cdmax - 7);
    if (alignBits > 6 && lowBits(f.ctxptr, alignBits) !== 0) {
      out.push(
        makeFinding(
          "STE-WARN-CTXPTR-ALIGN",
          `S1ContextPtr ${hex64(f.ctxptr)} is not aligned to the ${fmt === 0 ? "linear CD table" : "L1CD table"} size (${2 ** alignBits} bytes for S1CDMax ${f.cdmax}): bits [${alignBits - 1}:6] must be 0.`,
        ),
      );
    }
  }
  const cdmaxEff = profile.SSIDSIZE === 0 ? 0 : f.cdmax;
  if (f.s1 && context.cdTableEntries !== undefined && 2 ** cdmaxEff > context.cdTableEntries) {
    out.push(
      makeFinding(
        "STE-WARN-CDMAX-TABLE",
        `S1CDMax ${cdmaxEff} allows ${2 ** cdmaxEff} SubstreamIDs but the CD table provided holds ${context.cdTableEntries}: CD fetches past its end read other memory.`,
      ),
    );
  }
  if (f.config === 7 && context.stage2Covers) {
    const fmt = f.s1fmt === 3 ? 0 : f.s1fmt;
    const bytes =
      cdmaxEff === 0 ? 64 : fmt === 0 ? 2 ** (cdmaxEff + 6) : 8 * 2 ** Math.max(0, cdmaxEff - (fmt === 1 ? 6 : 10));
    const ipa = f.ctxptr.hi * 0x1_0000_0000 + f.ctxptr.lo;
    let covered: boolean;
    try {
      covered = context.stage2Covers(ipa, bytes);
    } catch {
      covered = true; // a failing callback is not evidence of a bug in the STE
    }
    if (!covered) {
      out.push(
        makeFinding(
          "STE-WARN-CTXPTR-S2",
          `S1ContextPtr ${hexNumber(ipa)} (${bytes} bytes of ${cdmaxEff === 0 ? "CD" : "CD table"}) is not mapped by this STE's stage 2: CD fetches fault with S2=1, CLASS=CD.`,
        ),
      );
    }
  }
}
