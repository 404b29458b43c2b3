// Legality of a Stream Table Entry: every ILLEGAL condition of Arm IHI 0070 §5.2.2 SteIllegal()
// that an SmmuProfile can decide (reference §2.3, STE-01..39), then the "legal but almost
// certainly a bug" warnings (reference §2.6 and experience), each as a LegalityFinding with a
// stable code from LEGALITY_RULES.
//
// Scope: an STE of the Security state profile.SEC_STATE (default Non-secure) on an SMMUv3.1+
// (v3.0 differences are CONSTRAINED UNPREDICTABLE and reported as the v3.1+ rule). With IDR5.D128,
// S2AA64 == 0 selects VMSAv9-128 stage-2 tables. Fields IGNORED because of other fields are never
// judged.

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
const S2HAFT = F("S2HAFT");
const S2PIE = F("S2PIE");
const S2POE = F("S2POE");
const DPT_VMATCH = F("DPT_VMATCH");
const S2HWU = ["S2HWU59", "S2HWU60", "S2HWU61", "S2HWU62"].map(F);
const S2POI = Array.from({ length: 16 }, (_, p) => F(`S2POI${p}`));
const VMSPTR = F("VMSPtr");
const MTCFG = F("MTCFG");
const MEMATTR = F("MemAttr");
const PRIVCFG = F("PRIVCFG");
const INSTCFG = F("INSTCFG");

const TG_NAME: readonly (Granule | undefined)[] = ["4K", "64K", "16K", undefined];

/** The fields of one stage-2 table set: the Non-secure IPA space's, or a Secure STE's Secure IPA space's. */
interface Stage2Tables {
  readonly tg: FieldSpec;
  readonly ttb: FieldSpec;
  readonly t0sz: FieldSpec;
  readonly sl0: FieldSpec;
  readonly sl0_2: FieldSpec;
  /** Findings of the Secure set all carry STE-ILL-SECURE-S2GEOM (STE-32). */
  readonly secure: boolean;
}
const NS_TABLES: Stage2Tables = { tg: S2TG, ttb: S2TTB, t0sz: S2T0SZ, sl0: S2SL0, sl0_2: S2SL0_2, secure: false };
const SECURE_TABLES: Stage2Tables = {
  tg: F("S_S2TG"),
  ttb: F("S_S2TTB"),
  t0sz: F("S_S2T0SZ"),
  sl0: F("S_S2SL0"),
  sl0_2: F("S_S2SL0_2"),
  secure: true,
};

const STATE_TEXT = { NonSecure: "Non-secure", Secure: "Secure", Realm: "Realm" } as const;

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
  const sec = profile.SEC_STATE;
  const state = STATE_TEXT[sec];
  // §5.2.2: using_vmsa32 / using_vmsa128 (with IDR5.D128, S2AA64 == 0 selects VMSAv9-128)
  const aa64 = get(S2AA64) === 1;
  const vmsa32 = !aa64 && profile.D128 === 0;
  const vmsa128 = !aa64 && profile.D128 === 1;

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
  // STE-05 / STE-06
  if (s2 && hasS2 && sec === "Secure" && profile.SEL2 === 0) {
    out.push(
      makeFinding(
        "STE-ILL-SECURE-S2",
        `Config ${bin(config, 3)} (${CONFIG_TEXT[config]}) enables stage 2 in a Secure STE, but the SMMU has no Secure stage 2 (SMMU_S_IDR1.SEL2 == 0).`,
      ),
    );
  }
  if (s2 && hasS2 && sec !== "NonSecure" && vmsa32) {
    out.push(
      makeFinding(
        "STE-ILL-SECURE-AA32",
        `S2AA64 is 0 (VMSAv8-32 stage-2 tables) with stage 2 enabled in a ${state} STE: only Non-secure STEs may use VMSAv8-32 at stage 2.`,
      ),
    );
  }
  const eats = get(EATS);
  const s2s = get(S2S);
  const configTranslates = (config & 3) !== 0;
  // STRW is used only for Config 0b101 with stage 1, and in the Non-secure table only with EL2 support
  const strw = get(STRW);
  const strwUsed = config === 5 && hasS1 && (sec !== "NonSecure" || profile.Hyp === 1);
  // STE-07..11: ATS applies to Non-secure and Realm STEs (a Secure STE's EATS is RES0, effective 0b00)
  const atsChecked = sec !== "Secure" && profile.ATS === 1 && configTranslates;
  if (atsChecked && eats === 2 && (config !== 7 || s2s === 1 || profile.NS1ATS === 1)) {
    const why =
      config !== 7
        ? `Config is ${bin(config, 3)}, not nested (0b111)`
        : s2s === 1
          ? "S2S is 1 (stage-2 stalls)"
          : "the SMMU does not support split-stage ATS (IDR0.NS1ATS == 1)";
    out.push(makeFinding("STE-ILL-EATS-SPLIT", `EATS is 0b10 (split-stage ATS) but ${why}.`));
  }
  if (atsChecked && eats === 1 && s2s === 1 && s2) {
    out.push(
      makeFinding(
        "STE-ILL-EATS-S2S",
        "EATS is 0b01 (full ATS) with stage 2 enabled and S2S == 1: ATS forbids stage-2 stalls.",
      ),
    );
  }
  // EATS 0b11 is full ATS with DPT checks only where DPT is implemented (else Reserved, as 0b00)
  if (atsChecked && eats === 3 && profile.DPT === 1) {
    const dpt = sec === "Realm" ? "SMMU_R_IDR3.DPT == 1" : "IDR3.DPT == 1";
    if (strwUsed && strw !== 0) {
      out.push(
        makeFinding(
          "STE-ILL-DPT-STRW",
          `EATS is 0b11 (full ATS with DPT checks, ${dpt}) but STRW is ${bin(strw, 2)}: DPT checks need the EL1 StreamWorld (STRW 0b00).`,
        ),
      );
    }
    const vmatch = get(DPT_VMATCH);
    if (sec === "Realm" && vmatch !== 0) {
      out.push(
        makeFinding(
          "STE-ILL-DPT-VMATCH",
          `DPT_VMATCH is ${bin(vmatch, 2)} in a Realm STE with EATS 0b11 (${dpt}): the only legal value is 0b00.`,
        ),
      );
    }
    if (s2 && s2s === 1) {
      out.push(
        makeFinding(
          "STE-ILL-DPT-S2S",
          `EATS is 0b11 (full ATS with DPT checks, ${dpt}) with stage 2 enabled and S2S == 1: ATS forbids stage-2 stalls.`,
        ),
      );
    }
  }
  // STE-12..15: the StreamWorld encodings of each stream table
  if (sec !== "Secure" && strwUsed && (strw & 1) === 1) {
    out.push(
      makeFinding(
        "STE-ILL-STRW",
        `STRW is ${bin(strw, 2)}, a Reserved StreamWorld for a ${state} STE (use 0b00 EL1 or 0b10 EL2).`,
      ),
    );
  }
  if (sec === "Secure" && strwUsed && strw === 3) {
    out.push(
      makeFinding(
        "STE-ILL-SECURE-STRW",
        "STRW is 0b11, a Reserved StreamWorld for a Secure STE (use 0b00 Secure, 0b10 S-EL2 or 0b01 EL3).",
      ),
    );
  }
  if (sec === "Secure" && strwUsed && strw === 1 && profile.RME_IMPL === 1) {
    out.push(
      makeFinding(
        "STE-ILL-SECURE-EL3",
        "STRW is 0b01 (EL3 StreamWorld) in a Secure STE, but an SMMU with RME (IDR0.RME_IMPL == 1) has no EL3 StreamWorld.",
      ),
    );
  }
  if (sec === "Secure" && profile.SEL2 === 0 && strw === 2 && config === 5) {
    out.push(
      makeFinding(
        "STE-ILL-SECURE-SEL2",
        "STRW is 0b10 (S-EL2) with Config 0b101 in a Secure STE, but the SMMU has no Secure EL2 (SMMU_S_IDR1.SEL2 == 0).",
      ),
    );
  }
  // STE-16: a Realm STE only needs stalls to be supported (SMMU_R_IDR0.STALL_MODEL != 0b01)
  if (s1 && get(S1STALLD) === 1 && (sec === "Realm" ? profile.STALL_MODEL === 1 : profile.STALL_MODEL !== 0)) {
    out.push(
      makeFinding(
        "STE-ILL-S1STALLD",
        sec === "Realm"
          ? "S1STALLD is 1 in a Realm STE but the SMMU cannot stall Realm streams (SMMU_R_IDR0.STALL_MODEL == 0b01)."
          : `S1STALLD is 1 but IDR0.STALL_MODEL is ${bin(profile.STALL_MODEL, 2)}: S1STALLD may be set only when stalls are configurable (0b00).`,
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
  // Stage-2 rules (STE-20..37)
  if (s2 && hasS2) {
    if (get(S2FWB) === 1 && vmsa32 && profile.FWB === 1) {
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
    if (vmsa32 && !profile.TTF.has("AArch32")) {
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
    if ((ha || hd) && (vmsa32 || profile.HTTU === "none")) {
      out.push(
        makeFinding(
          "STE-ILL-S2HTTU",
          `S2HA=${ha} S2HD=${hd} ask for hardware table updates ${vmsa32 ? "with a VMSAv8-32 stage 2" : "but the SMMU has none (IDR0.HTTU == 0b00)"}.`,
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
    if (get(S2HAFT) === 1 && ha === 0 && profile.HAFT === 1) {
      out.push(
        makeFinding(
          "STE-ILL-S2HAFT",
          "S2HAFT is 1 (hardware AF update in stage-2 table descriptors) but S2HA is 0: on an SMMU with IDR0.HTTU == 0b11 table-descriptor AF updates need leaf AF updates (S2HA == 1).",
        ),
      );
    }
    if (!vmsa32) {
      checkStage2Geometry(words, profile, out, context, NS_TABLES, vmsa128);
      // STE-32: a Secure STE also has the Secure IPA space's tables (VMSAv8-32 is already ILLEGAL
      // there; without Secure stage 2, STE-05 has already made the STE ILLEGAL)
      if (sec === "Secure" && profile.SEL2 === 1) {
        checkStage2Geometry(words, profile, out, context, SECURE_TABLES, vmsa128);
      }
    } else {
      // STE-29 for VMSAv8-32 too: SteIllegal() calls STES2TTBOutOfRange() for every format, and
      // with S2AA64 == 0 S2PS is IGNORED and the output size is 40 bits (§5.2 STE.S2PS, STE.S2TTB).
      const ttb = getValue(words, S2TTB);
      if (atOrAbove(ttb, 40)) {
        out.push(
          makeFinding(
            "STE-ILL-S2TTB",
            `S2TTB ${hex64(ttb)} is at or above 2^40: a VMSAv8-32 stage 2 (S2AA64 == 0) has a 40-bit output address size (S2PS is IGNORED).`,
          ),
        );
      }
      // STE-30/31, judged where SteIllegal() reaches them: a Secure or Realm STE with a VMSAv8-32
      // stage 2 is already ILLEGAL (STE-06), as is one on an SMMU without AArch32 tables (STE-23)
      if (sec === "NonSecure" && profile.TTF.has("AArch32")) checkVmsa32Stage2Geometry(words, out);
    }
    const endi = get(S2ENDI);
    if ((profile.TTENDIAN === "LE" && endi === 1) || (profile.TTENDIAN === "BE" && endi === 0)) {
      out.push(
        makeFinding(
          "STE-ILL-S2ENDI",
          `S2ENDI is ${endi} (${endi ? "big" : "little"}-endian tables) but the SMMU supports only ${profile.TTENDIAN === "LE" ? "little" : "big"}-endian tables (IDR0.TTENDIAN).`,
        ),
      );
    }
    checkPermissionIndirection(words, profile, out, vmsa32, vmsa128);
  }
  // STE-38: §5.2.2 IgnoreSTES2VMID(): S2VMID tags stage 2, and stage 1 in the NS-EL1/Realm-EL1
  // StreamWorld; a Secure STE uses it only with Secure stage 2 enabled.
  const vmidIgnored =
    config === 4 ||
    (sec === "NonSecure" && !hasS2) ||
    (sec === "Secure" && (profile.SEL2 === 0 || config === 5)) ||
    (strwUsed && strw !== 0);
  const vmidUsed = !vmidIgnored;
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

  steWarnings(words, profile, context, out, {
    config,
    s1,
    s2,
    aa64,
    vmsa32,
    vmsa128,
    eats,
    cdmax,
    s1fmt,
    ctxptr,
    strw,
    strwUsed,
  });
  return out;
}

/** STE-34..37: stage-2 permission indirection and overlays (IDR3.S2PI / S2PO), stage 2 enabled. */
function checkPermissionIndirection(
  words: ArrayLike<number>,
  profile: SmmuProfile,
  out: LegalityFinding[],
  vmsa32: boolean,
  vmsa128: boolean,
): void {
  const s2pie = getSmall(words, S2PIE);
  if (profile.S2PI === 1 && s2pie === 1 && vmsa32) {
    out.push(
      makeFinding(
        "STE-ILL-S2PIE-AA32",
        "S2PIE is 1 (stage-2 permission indirection) with a VMSAv8-32 stage 2 (S2AA64 == 0): indirection needs VMSAv8-64 tables.",
      ),
    );
  }
  if (profile.S2PO !== 1 || getSmall(words, S2POE) !== 1) return;
  if (s2pie === 0 && !vmsa128) {
    out.push(
      makeFinding(
        "STE-ILL-S2POE-DIRECT",
        "S2POE is 1 (stage-2 permission overlays) but S2PIE is 0: overlays need the indirect permission scheme (S2PIE == 1).",
      ),
    );
  }
  const hwu = S2HWU.filter((f) => getSmall(words, f) === 1).map((f) => f.name);
  if (profile.PBHA === 1 && hwu.length > 0) {
    out.push(
      makeFinding(
        "STE-ILL-S2POE-HWU",
        `S2POE is 1 (stage-2 permission overlays) while ${hwu.join(", ")} ${hwu.length > 1 ? "are" : "is"} 1: overlays and page-based hardware use of descriptor bits [62:59] exclude each other.`,
        ["S2POE", ...hwu],
      ),
    );
  }
  const reserved = S2POI.filter((f) => [1, 5].includes(getSmall(words, f)));
  if (reserved.length > 0) {
    out.push(
      makeFinding(
        "STE-ILL-S2POI",
        `S2POE is 1 and ${reserved.map((f) => `${f.name} is ${bin(getSmall(words, f), 4)}`).join(", ")}: 0b0001 and 0b0101 are Reserved overlay encodings (C_BAD_STE).`,
        ["S2POE", ...reserved.map((f) => f.name)],
      ),
    );
  }
}

/**
 * STE-28..31 for one stage-2 table set (STE-32 for a Secure STE's Secure IPA space), then the
 * alignment and access-flag warnings of the Non-secure set. `vmsa128`: VMSAv9-128 tables, whose
 * S2TTB holds address bits [55:4] and whose start level comes from S2SKL (not checked here).
 */
function checkStage2Geometry(
  words: ArrayLike<number>,
  profile: SmmuProfile,
  out: LegalityFinding[],
  context: SteCheckContext,
  t: Stage2Tables,
  vmsa128: boolean,
): void {
  const fail = (code: string, message: string, fields: string[]): void =>
    void out.push(
      t.secure
        ? makeFinding("STE-ILL-SECURE-S2GEOM", `Secure IPA space: ${message}`, fields)
        : makeFinding(code, message),
    );
  const tgName = t.tg.name;
  const ttbName = t.ttb.name;
  const szName = t.t0sz.name;
  const slName = t.sl0.name;
  const tg = getSmall(words, t.tg);
  const granule = TG_NAME[tg];
  if (!granule || !profile.granules.has(granule)) {
    fail(
      "STE-ILL-S2TG",
      granule
        ? `${tgName} selects the ${granule}B granule, which the SMMU does not support (IDR5.GRAN${granule}).`
        : `${tgName} is 0b11, a Reserved granule encoding.`,
      [tgName],
    );
    return;
  }
  // S2DS applies to both IPA spaces' tables (VMSAv8-64 only)
  const s2ds = !vmsa128 && profile.DS === 1 && getSmall(words, S2DS) === 1;
  const psEnc = getSmall(words, S2PS);
  const effPs = Math.min(paSizeBits(psEnc), profile.OAS);
  const ttb = getValue(words, t.ttb);
  const limit48 = !vmsa128 && granule !== "64K" && !s2ds;
  if (atOrAbove(ttb, effPs) || (limit48 && atOrAbove(ttb, 48))) {
    fail(
      "STE-ILL-S2TTB",
      atOrAbove(ttb, effPs)
        ? `${ttbName} ${hex64(ttb)} is at or above 2^${effPs} (effective S2PS = min(S2PS ${paSizeBits(psEnc)}, OAS ${profile.OAS}) bits).`
        : `${ttbName} ${hex64(ttb)} is at or above 2^48 with a ${granule}B granule and S2DS == 0.`,
      [ttbName, "S2PS"],
    );
  }
  const t0sz = getSmall(words, t.t0sz);
  // VMSAv9-128 (STE.S2T0SZ field text): 48 (4KB/16KB) or 47 (64KB) at most whatever IDR3.STT says,
  // MAX(8, 64 - IAS) at least; the CD check reads CD.T0SZ the same way (docs/SPEC-NOTES.md,
  // "VMSAv9-128 maximum TxSZ": STES2T0SZInvalid()'s maximum is the VMSAv8-64 one)
  const range = vmsa128
    ? { min: Math.max(8, 64 - profile.IAS), max: granule === "64K" ? 47 : 48 }
    : s2t0szRange(profile, granule, s2ds);
  if (t0sz < range.min || t0sz > range.max) {
    fail(
      "STE-ILL-S2T0SZ",
      `${szName} is ${t0sz} (a ${64 - t0sz}-bit IPA space); with a ${granule}B granule${vmsa128 ? " and VMSAv9-128 tables" : ""} on this SMMU it must be ${range.min}..${range.max} (IAS ${profile.IAS}${profile.STT && !vmsa128 ? ", STT" : ""}).`,
      [szName, tgName],
    );
    return; // the start level cannot be judged against an out-of-range size
  }
  if (vmsa128) return; // the VMSAv9-128 start level (S2SKL) is not judged, and the walker reads no 128-bit tables
  const sl = getSmall(words, t.sl0) | (profile.DS === 1 ? getSmall(words, t.sl0_2) << 2 : 0);
  const start = s2StartLevel(granule, sl, profile, s2ds);
  if ("reserved" in start) {
    fail("STE-ILL-S2SL0", `${slName} is inconsistent: ${start.reserved}.`, [slName, szName, tgName]);
    return;
  }
  const g = granule === "4K" ? 12 : granule === "16K" ? 14 : 16;
  const stride = g - 3;
  const r = startLevelBits(granule, 64 - t0sz, start.level);
  if (r < 1 || r > stride + 4) {
    fail(
      "STE-ILL-S2SL0",
      `${slName} selects start level ${start.level}, which would resolve ${r} bits of a ${64 - t0sz}-bit IPA (${szName} ${t0sz}) with a ${granule}B granule; it must resolve 1..${stride + 4} (at most 16 concatenated tables).`,
      [slName, szName, tgName],
    );
    return;
  }
  if (t.secure) return; // the warnings below are about the Non-secure IPA space's tables
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

/**
 * STE-30/31 for a VMSAv8-32 LPAE stage 2 (S2AA64 == 0 without IDR5.D128). §5.2 STE.S2T0SZ: only
 * bits [3:0] count (bits [5:4] are IGNORED), a signed value -8..7 giving a 32 - T0SZ bit IPA
 * (25..40 bits), and "all 4-bit values are valid": SteIllegal() calls STES2T0SZInvalid() only
 * for !using_vmsa32, so STE-30 cannot fail here. STE.S2SL0 is encoded as AArch32 VTCR.SL0 (0b00:
 * start level 2, 0b01: level 1, 0b1x Reserved) and must be consistent with S2T0SZ
 * (STEWalkConfigInconsistentAA32(), whose body §5.2.2 does not print). It is read as the A-profile
 * check the text defers to: AArch32.S2Walk() faults when SL0<1> == 1 or AArch32.S2InconsistentSL()
 * (4KB granule; the start level resolves 1..13 IPA bits, so 1 to 16 concatenated tables): start
 * level 2 takes T0SZ -2..7 (25..34-bit IPA), start level 1 takes T0SZ -8..1 (31..40-bit IPA).
 */
function checkVmsa32Stage2Geometry(words: ArrayLike<number>, out: LegalityFinding[]): void {
  const raw = getSmall(words, S2T0SZ);
  const low = raw & 0xf;
  const t0sz = low >= 8 ? low - 16 : low;
  const ipaBits = 32 - t0sz;
  const sl0 = getSmall(words, S2SL0);
  const sizeText = `S2T0SZ ${raw} (bits [3:0] ${bin(low, 4)} = ${t0sz}, a ${ipaBits}-bit IPA space)`;
  if (sl0 >= 2) {
    out.push(
      makeFinding(
        "STE-ILL-S2SL0",
        `S2SL0 is ${bin(sl0, 2)}, a Reserved start level for a VMSAv8-32 LPAE stage 2 (S2AA64 == 0): 0b00 starts at level 2, 0b01 at level 1.`,
      ),
    );
    return;
  }
  const level = 2 - sl0;
  const r = startLevelBits("4K", ipaBits, level);
  if (r < 1 || r > 13) {
    out.push(
      makeFinding(
        "STE-ILL-S2SL0",
        `S2SL0 ${bin(sl0, 2)} selects start level ${level}, which would resolve ${r < 1 ? "no" : r} bits of the IPA of ${sizeText} with VMSAv8-32 LPAE tables (4KB granule); it must resolve 1..13 (at most 16 concatenated tables): start level ${level} needs S2T0SZ ${level === 2 ? "-2..7" : "-8..1"}.`,
      ),
    );
  }
}

interface SteFacts {
  config: number;
  s1: boolean;
  s2: boolean;
  aa64: boolean;
  vmsa32: boolean;
  vmsa128: boolean;
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
  const sec = profile.SEC_STATE;
  const secureS2 = sec === "Secure" && profile.SEL2 === 1;
  if (f.s1 && profile.S1PI === 0) res0("S1PIE", "without stage-1 permission indirection (IDR3.S1PI == 0)");
  if (profile.MPAM === 0) for (const n of ["S1MPAM", "PARTID", "PMG"]) res0(n, "without MPAM (IDR3.MPAM == 0)");
  if (f.config === 5 && profile.Hyp === 0 && sec === "NonSecure")
    res0("STRW", "in a Non-secure STE without EL2 support (IDR0.Hyp == 0)");
  if (profile.PRI === 0 || profile.SSIDSIZE === 0) res0("PPAR", "without PRI and SubstreamIDs");
  if (profile.ATTR_TYPES_OVR === 0)
    for (const n of ["MemAttr", "MTCFG", "ALLOCCFG", "SHCFG"]) res0(n, "without IDR1.ATTR_TYPES_OVR");
  else if (get(MTCFG) === 0) res0("MemAttr", "while MTCFG == 0 (Arm IHI 0070 §5.2 MemAttr)");
  if (profile.ATTR_PERMS_OVR === 0) for (const n of ["PRIVCFG", "INSTCFG"]) res0(n, "without IDR1.ATTR_PERMS_OVR");
  if (f.s2) {
    if (profile.FWB === 0) res0("S2FWB", "without IDR3.FWB");
    if (profile.HAFT === 0) res0("S2HAFT", "unless IDR0.HTTU == 0b11 (profile HAFT 1)");
    if (profile.S2PI === 0) res0("S2PIE", "without stage-2 permission indirection (IDR3.S2PI == 0)");
    else if (!f.aa64) res0("S2PIE", `with a ${f.vmsa128 ? "VMSAv9-128" : "VMSAv8-32"} stage 2`);
    if (profile.S2PO === 0) res0("S2POE", "without stage-2 permission overlays (IDR3.S2PO == 0)");
    if (profile.DPT === 0) res0("DPT_VMATCH", "without the Device Permission Table (IDR3.DPT == 0)");
    else if (f.eats !== 3) res0("DPT_VMATCH", "unless EATS == 0b11");
    if (!f.vmsa128) res0("S2SKL", "unless the stage 2 is VMSAv9-128 (IDR5.D128 and S2AA64 == 0)");
    if (profile.DS === 0) for (const n of ["S2SL0_2", "S2DS"]) res0(n, "without IDR5.DS");
    else if (get(S2TG) === 1) res0("S2DS", "with a 64KB stage-2 granule");
    if (!f.aa64 && profile.DS === 1)
      for (const n of ["S2SL0_2", "S2DS"]) res0(n, `with a ${f.vmsa128 ? "VMSAv9-128" : "VMSAv8-32"} stage 2`);
    if (f.vmsa128) res0("S2SL0", "with a VMSAv9-128 stage 2 (the start level comes from S2SKL)");
    if (!secureS2) for (const n of ["S2NSW", "S2NSA"]) res0(n, `for a ${STATE_TEXT[sec]} STE without Secure stage 2`);
  }
  // Dwords 4-7 hold only Secure, MPAM, hardening and overlay fields: skip them when all zero.
  if (!halvesZero(words, 8, 16)) {
    if (!secureS2) {
      for (const n of ["S_S2T0SZ", "S_S2SL0", "S_S2TG", "S2SW", "S2SA", "S_S2SL0_2", "S_S2TTB", "S_S2SKL"]) {
        res0(n, `for a ${STATE_TEXT[sec]} STE without Secure stage 2 (SMMU_S_IDR1.SEL2)`);
      }
    } else if (!f.vmsa128) {
      res0("S_S2SKL", "unless the stage 2 is VMSAv9-128");
    }
    if (sec === "NonSecure") res0("MPAM_NS", "for a Non-secure STE");
    if (sec !== "Realm") res0("MECID", `for a ${STATE_TEXT[sec]} STE`);
    for (const n of ["AssuredOnly", "TL0", "TL1"]) res0(n, "without translation hardening (IDR3.THE)");
    // S2POI<p> are used when overlays are enabled with indirect permissions (STE-35 judges the rest)
    const overlays = profile.S2PO === 1 && get(S2POE) === 1 && !f.vmsa32;
    if (!overlays)
      for (let p = 0; p < 16; p++)
        res0(`S2POI${p}`, "unless stage-2 permission overlays are enabled (IDR3.S2PO, S2POE)");
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
  if (sec === "Secure") {
    res0("EATS", "for a Secure STE (effective value 0b00)");
  } else if (profile.ATS === 1 && (f.config & 3) !== 0 && f.eats === 3 && profile.DPT === 0) {
    reserved(
      "EATS",
      `EATS is 0b11 (full ATS with DPT checks) but the SMMU has no DPT (${sec === "Realm" ? "SMMU_R_IDR3" : "IDR3"}.DPT == 0): Reserved, behaves as 0b00 (ATS disabled).`,
    );
  }
  if (sec !== "Secure" && profile.ATS === 0 && f.eats !== 0) {
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
