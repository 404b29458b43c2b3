// The walker's own STE and CD guards: the ILLEGAL conditions (reference §2.3, §4.4) that decide
// whether and how a walk can run at all: stage support, S1CDMax, S1ContextPtr and TTB ranges,
// stage-2 geometry, granules, TxSZ ranges, endianness, HTTU, stall and termination models; and
// what the walker does not model: VMSAv8-32 and VMSAv9-128 tables, Secure and Realm streams,
// stage-1 and stage-2 permission indirection (and the overlays that need it).
// R1's `checkSte` / `checkCd` (records/) are the full linters; the walker asks them first and
// raises C_BAD_STE / C_BAD_CD when either finds the structure ILLEGAL. These guards stay because
// the walker needs the geometry they compute and must never walk an ILLEGAL configuration, nor
// one it does not model. A guard is never stricter than the linters (engine/test/walk/
// guard-consistency.test.ts): every "illegal" verdict is a condition of SteIllegal()/CdIllegal()
// (§5.2.2, §5.4.2) for a Non-secure stream, and the Security-state and D128 facts that change
// those conditions end in "not-modelled" before any of them is judged.

import { fieldOf } from "../../bits/fields";
import { OAS_BITS, type Granule, type SmmuProfile } from "../profile";
import { CD, STE } from "../records";
import { granuleFromTg0, granuleFromTg1, stage1TxszRange, stage2Geometry } from "./geometry";
import { CD_F, STE_F, address, small } from "./layout";

// Permission indirection enables (§5.2 STE.S1PIE/S2PIE, §5.4 CD.PIE): only the guards read them.
const STE_S1PIE = fieldOf(STE, "S1PIE");
const STE_S2PIE = fieldOf(STE, "S2PIE");
const CD_PIE = fieldOf(CD, "PIE");

/** Effective output size in bits of a PA-size encoding (IPS, S2PS) capped by OAS. */
export function effectivePaBits(encoding: number, profile: SmmuProfile): number {
  return Math.min(OAS_BITS[encoding] ?? 48, profile.OAS);
}

function endianIllegal(profile: SmmuProfile, bigEndian: boolean): boolean {
  return (profile.TTENDIAN === "LE" && bigEndian) || (profile.TTENDIAN === "BE" && !bigEndian);
}

function granuleSupported(profile: SmmuProfile, g: Granule | undefined): boolean {
  return g !== undefined && profile.granules.has(g);
}

/**
 * Why the walker does not walk a structure: "illegal" (the SMMU raises C_BAD_STE / C_BAD_CD) or
 * "not-modelled" (a configuration the walker does not implement; the reason starts with
 * "not modelled: " and names it). translate() reports "illegal" as the C_BAD_STE / C_BAD_CD fault
 * with this reason, and ends a walk meeting "not-modelled" with outcome "not-modelled" (no fault,
 * no event record: the SMMU would write none for a legal structure).
 */
export interface WalkGuardVerdict {
  readonly kind: "illegal" | "not-modelled";
  readonly reason: string;
}
const illegal = (reason: string): WalkGuardVerdict => ({ kind: "illegal", reason });
const notModelled = (what: string): WalkGuardVerdict => ({ kind: "not-modelled", reason: `not modelled: ${what}` });

/**
 * A Secure or Realm stream: its STE and CD are legal by rules the walker does not apply (§5.2.2
 * Security-state gates: STE-05/06, Secure STRW encodings, Realm STALL_MODEL for S1STALLD, S_S2*
 * tables), and its translation uses Secure/Realm PA spaces, Secure stage 2 and granule
 * protection checks, none of which the walker models.
 */
function securityStateNotModelled(profile: SmmuProfile, what: "STE" | "CD"): WalkGuardVerdict | undefined {
  const state = profile.SEC_STATE;
  if (state === "NonSecure") return undefined;
  return notModelled(
    `${state} streams (SEC_STATE "${state}"): the walker translates Non-secure streams only (one physical address space, no ${state === "Secure" ? "Secure stage 2" : "granule protection checks"}); this ${what} is not ILLEGAL by checkS${what === "STE" ? "te" : "d"}'s rules for ${state} ${what}s`,
  );
}

/**
 * First ILLEGAL condition of an STE the walker relies on (V == 1, Config not abort), or what the
 * walker does not model, or undefined.
 */
export function steGuard(ste: Uint32Array, profile: SmmuProfile): WalkGuardVerdict | undefined {
  const stateVerdict = securityStateNotModelled(profile, "STE");
  if (stateVerdict) return stateVerdict;
  // From here on the STE is Non-secure: the rules below are the Non-secure ones of SteIllegal().
  const config = small(ste, STE_F.Config);
  const s1 = (config & 1) !== 0;
  const s2 = (config & 2) !== 0;
  if (s1 && !profile.stages.has("S1"))
    return illegal("STE-03: stage 1 is enabled but the SMMU has no stage 1 (IDR0.S1P 0)");
  if (s2 && !profile.stages.has("S2"))
    return illegal("STE-04: stage 2 is enabled but the SMMU has no stage 2 (IDR0.S2P 0)");
  if (s1) {
    const cdMax = small(ste, STE_F.S1CDMax);
    const fmt = small(ste, STE_F.S1Fmt);
    if (profile.SSIDSIZE !== 0 && cdMax > profile.SSIDSIZE) {
      return illegal(`STE-17: S1CDMax ${cdMax} is larger than IDR1.SSIDSIZE ${profile.SSIDSIZE}`);
    }
    if (profile.SSIDSIZE !== 0 && cdMax !== 0 && profile.CD2L === 0 && (fmt === 1 || fmt === 2)) {
      return illegal("STE-18: a 2-level CD table (S1Fmt 0b01/0b10) on an SMMU without IDR0.CD2L");
    }
    const ptr = address(ste, STE_F.S1ContextPtr);
    const limitBits = s2 ? profile.IAS : profile.OAS;
    if (ptr >= 2 ** limitBits) {
      return illegal(`STE-19: S1ContextPtr 0x${ptr.toString(16)} is beyond the ${limitBits}-bit ${s2 ? "IAS" : "OAS"}`);
    }
    if (small(ste, STE_F.S1STALLD) === 1 && profile.STALL_MODEL !== 0) {
      return illegal("STE-16: S1STALLD is 1 but the stall model is not configurable (IDR0.STALL_MODEL != 0b00)");
    }
  }
  if (!s2) return undefined;
  const s2s = small(ste, STE_F.S2S) === 1;
  if (s2s && profile.STALL_MODEL === 1) return illegal("STE-21: S2S is 1 but the SMMU cannot stall (STALL_MODEL 0b01)");
  if (!s2s && profile.STALL_MODEL === 2) return illegal("STE-22: S2S is 0 but stalls are forced (STALL_MODEL 0b10)");
  const aa64 = small(ste, STE_F.S2AA64) === 1;
  if (!aa64) {
    // §5.2 STE.S2AA64: with IDR5.D128 == 1, 0 selects VMSAv9-128 (and IDR0.TTF is AArch64 only)
    if (profile.D128 === 1) {
      return notModelled(
        "VMSAv9-128 stage-2 tables (S2AA64 0 with IDR5.D128 1): the walker reads only VMSAv8-64 descriptors",
      );
    }
    return profile.TTF.has("AArch32")
      ? notModelled("VMSAv8-32 LPAE stage-2 tables (S2AA64 0): the walker reads only VMSAv8-64 descriptors")
      : illegal("STE-23: S2AA64 0 (VMSAv8-32 stage 2) but IDR0.TTF has no AArch32 tables");
  }
  if (!profile.TTF.has("AArch64")) return illegal("STE-24: S2AA64 1 but IDR0.TTF has no AArch64 tables");
  // §5.2 STE.S2PIE (RES0 without IDR3.S2PI): descriptors then hold a PIIndex, not S2AP/XN;
  // STE.S2POE (overlays) is ILLEGAL without it for VMSAv8-64, so this covers overlays too.
  if (profile.S2PI === 1 && small(ste, STE_S2PIE) === 1) {
    return notModelled(
      "stage-2 permission indirection (S2PIE 1 with IDR3.S2PI 1, and overlays with S2POE): the walker applies only the direct permission scheme (S2AP, XN)",
    );
  }
  const s2ha = small(ste, STE_F.S2HA) === 1;
  const s2hd = small(ste, STE_F.S2HD) === 1;
  if ((s2ha || s2hd) && profile.HTTU === "none") return illegal("STE-25: S2HA/S2HD set but the SMMU has no HTTU");
  if (s2hd && profile.HTTU === "AF") return illegal("STE-26: S2HD set but the SMMU only updates the access flag");
  const granule = granuleFromTg0(small(ste, STE_F.S2TG));
  if (!granule || !granuleSupported(profile, granule)) {
    return illegal(
      `STE-28: S2TG ${small(ste, STE_F.S2TG)} selects ${granule ? `the unsupported ${granule}` : "a Reserved"} granule`,
    );
  }
  const s2ds = profile.DS === 1 && small(ste, STE_F.S2DS) === 1;
  const oaBits = effectivePaBits(small(ste, STE_F.S2PS), profile);
  const ttb = address(ste, STE_F.S2TTB);
  if (ttb >= 2 ** oaBits)
    return illegal(`STE-29: S2TTB 0x${ttb.toString(16)} is beyond the ${oaBits}-bit effective S2PS`);
  if (granule !== "64K" && !s2ds && ttb >= 2 ** 48)
    return illegal(`STE-29: S2TTB 0x${ttb.toString(16)} is beyond 48 bits`);
  const sl0 = small(ste, STE_F.S2SL0) + (s2ds ? small(ste, STE_F.S2SL0_2) * 4 : 0);
  const geo = stage2Geometry(profile, granule, small(ste, STE_F.S2T0SZ), sl0, s2ds);
  if (typeof geo === "string") return illegal(`STE-30/31: ${geo}`);
  if (endianIllegal(profile, small(ste, STE_F.S2ENDI) === 1)) {
    return illegal(`STE-33: S2ENDI ${small(ste, STE_F.S2ENDI)} is not allowed by IDR0.TTENDIAN ${profile.TTENDIAN}`);
  }
  if (profile.VMID16 === 0 && small(ste, STE_F.S2VMID) > 0xff)
    return illegal("STE-38: S2VMID[15:8] set without 16-bit VMIDs");
  return undefined;
}

/**
 * The single-range, single-privilege NS-EL2 StreamWorld: Config 0b101, STRW 0b10 with IDR0.Hyp and
 * SMMU_CR2.E2H 0 (with E2H, the default, STRW 0b10 is NS-EL2-E2H: two ranges like NS-EL1; §2.2).
 */
export function cdSingleRange(ste: Uint32Array, profile: SmmuProfile, e2h: boolean): boolean {
  return (
    small(ste, STE_F.Config) === 0b101 &&
    small(ste, STE_F.STRW) === 2 &&
    profile.Hyp === 1 &&
    profile.stages.has("S1") &&
    !e2h
  );
}

/** Whether a CD half (TTB0/TTB1) is in use: its EPD is effectively 0. */
function halfGuard(
  cd: Uint32Array,
  profile: SmmuProfile,
  which: 0 | 1,
  effIps: number,
  ds: boolean,
): WalkGuardVerdict | undefined {
  const name = `TTB${which}`;
  const tgRaw = small(cd, which === 0 ? CD_F.TG0 : CD_F.TG1);
  const granule = which === 0 ? granuleFromTg0(tgRaw) : granuleFromTg1(tgRaw);
  if (!granule || !granuleSupported(profile, granule)) {
    return illegal(
      `CD-${which === 0 ? 16 : 17}: TG${which} ${tgRaw} selects ${granule ? `the unsupported ${granule}` : "a Reserved"} granule`,
    );
  }
  const txsz = small(cd, which === 0 ? CD_F.T0SZ : CD_F.T1SZ);
  const range = stage1TxszRange(profile, granule, ds);
  if (txsz < range.min || txsz > range.max) {
    return illegal(`CD-${which === 0 ? 14 : 15}: T${which}SZ ${txsz} is outside ${range.min}..${range.max}`);
  }
  const ttb = address(cd, which === 0 ? CD_F.TTB0 : CD_F.TTB1);
  if (ttb >= 2 ** effIps)
    return illegal(
      `CD-${which === 0 ? 18 : 19}: ${name} 0x${ttb.toString(16)} is beyond the ${effIps}-bit effective IPS`,
    );
  if (granule !== "64K" && !ds && ttb >= 2 ** 48)
    return illegal(`CD-${which === 0 ? 18 : 19}: ${name} 0x${ttb.toString(16)} is beyond 48 bits`);
  return undefined;
}

/** First ILLEGAL condition of a CD (C_BAD_CD), or undefined. `twoRanges`: TTB1 exists. */
export function cdGuard(
  cd: Uint32Array,
  ste: Uint32Array,
  profile: SmmuProfile,
  twoRanges: boolean,
): WalkGuardVerdict | undefined {
  if (small(cd, CD_F.V) === 0) return illegal("CD-01: the CD is not valid (V 0)");
  const stateVerdict = securityStateNotModelled(profile, "CD");
  if (stateVerdict) return stateVerdict;
  const s = small(cd, CD_F.S) === 1;
  if (s && small(ste, STE_F.S1STALLD) === 1) return illegal("CD-02: CD.S is 1 but STE.S1STALLD forbids stage-1 stalls");
  if (profile.TERM_MODEL === 1 && small(cd, CD_F.A) === 0)
    return illegal("CD-03: CD.A is 0 but IDR0.TERM_MODEL requires aborts");
  if (profile.STALL_MODEL === 1 && s) return illegal("CD-04: CD.S is 1 but the SMMU cannot stall (STALL_MODEL 0b01)");
  if (profile.STALL_MODEL === 2 && !s) return illegal("CD-05: CD.S is 0 but stalls are forced (STALL_MODEL 0b10)");
  const epd0 = twoRanges && small(cd, CD_F.EPD0) === 1; // IGNORED in single-range NS-EL2 (§2.2)
  const epd1 = !twoRanges || small(cd, CD_F.EPD1) === 1;
  if (!(epd0 && epd1) && endianIllegal(profile, small(cd, CD_F.ENDI) === 1)) {
    return illegal(`CD-06: ENDI ${small(cd, CD_F.ENDI)} is not allowed by IDR0.TTENDIAN ${profile.TTENDIAN}`);
  }
  if (small(cd, CD_F.AA64) === 0) {
    // §5.4 CD.AA64: with IDR5.D128 == 1, 0 selects VMSAv9-128 (and IDR0.TTF is AArch64 only)
    if (profile.D128 === 1) {
      return notModelled(
        "VMSAv9-128 stage-1 tables (CD.AA64 0 with IDR5.D128 1): the walker reads only VMSAv8-64 descriptors",
      );
    }
    return profile.TTF.has("AArch32")
      ? notModelled("VMSAv8-32 LPAE stage-1 tables (CD.AA64 0): the walker reads only VMSAv8-64 descriptors")
      : illegal("CD-07: AA64 0 (VMSAv8-32) but IDR0.TTF has no AArch32 tables");
  }
  if (!profile.TTF.has("AArch64")) return illegal("CD-09: AA64 1 but IDR0.TTF has no AArch64 tables");
  // §5.4 CD.PIE: used only with IDR3.S1PI and STE.S1PIE (RES0 otherwise); descriptors then hold a PIIndex
  if (profile.S1PI === 1 && small(ste, STE_S1PIE) === 1 && small(cd, CD_PIE) === 1) {
    return notModelled(
      "stage-1 permission indirection (CD.PIE 1 with STE.S1PIE 1 and IDR3.S1PI 1): the walker applies only the direct permission scheme (AP, PXN, UXN)",
    );
  }
  const ha = small(cd, CD_F.HA) === 1;
  const hd = small(cd, CD_F.HD) === 1;
  if ((ha || hd) && profile.HTTU === "none") return illegal("CD-10: HA/HD set but the SMMU has no HTTU");
  if (hd && profile.HTTU === "AF") return illegal("CD-11: HD set but the SMMU only updates the access flag");
  // CD-13: the single-range NS-EL2 StreamWorld has no ASID (CD.ASID is IGNORED there, §5.4)
  if (twoRanges && profile.ASID16 === 0 && small(cd, CD_F.ASID) > 0xff) {
    return illegal("CD-13: ASID[15:8] set without 16-bit ASIDs");
  }
  const effIps = effectivePaBits(small(cd, CD_F.IPS), profile);
  const ds = profile.DS === 1 && small(cd, CD_F.DS) === 1;
  if (!epd0) {
    const bad = halfGuard(cd, profile, 0, effIps, ds);
    if (bad) return bad;
  }
  if (!epd1) {
    const bad = halfGuard(cd, profile, 1, effIps, ds);
    if (bad) return bad;
  }
  return undefined;
}
