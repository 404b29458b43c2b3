// `translate`: one transaction through the SMMU, as the architecture orders it (reference §1.4):
// StreamID range and stream-table lookup (C_BAD_STREAMID, F_STE_FETCH), STE validity (C_BAD_STE),
// Config (abort / bypass / stage 1 / stage 2 / nested), SubstreamID rules (C_BAD_SUBSTREAMID,
// F_STREAM_DISABLED), the CD fetch (stage-2 CLASS=CD faults, F_CD_FETCH, C_BAD_CD), then the
// stage-1 range check and walk, and stage 2 of the output. Bad input never throws: anything
// unexpected becomes a located fault or reason. A legal STE or CD the walker does not implement
// (legality.ts "not-modelled") ends the walk with outcome "not-modelled": never a C_BAD_* fault,
// which the SMMU raises only for an ILLEGAL structure (§5.2.2, §5.4.2).

import { readBits32 } from "../../bits/u64";
import {
  attributes,
  combineShareability,
  combineTypes,
  decodeMair,
  decodeS2MemAttr,
  shareabilityName,
} from "./attributes";
import { type Stage1Regime, type Stage2Regime, Walk } from "./context";
import { granuleFromTg0, granuleFromTg1, stage1Geometry, stage2Geometry } from "./geometry";
import { CD, CD_F, L1CD, L1CD_F, L1STD, L1STD_F, STE, STE_F, address, descriptorLayout, small } from "./layout";
import { cdGuard, cdSingleRange, effectivePaBits, steGuard } from "./legality";
import { stage1Walk } from "./stage1";
import { stage2Translate } from "./stage2";
import { effectiveE2h, judgeCd, judgeSte } from "./judges";
import type { TranslateOptions, TranslationRequest, TranslationSetup, WalkPermissions, WalkResult } from "./types";

const STE_BYTES = 64;
const CD_BYTES = 64;
const ALL: WalkPermissions = Object.freeze({ read: true, write: true, exec: true });

/**
 * Translates one request. Never throws: a malformed setup or request is a fault or a reason; a
 * legal configuration the walker does not implement is outcome "not-modelled".
 * `options.trace` (default true) records every memory read in `steps`.
 */
export function translate(
  setup: TranslationSetup,
  request: TranslationRequest,
  options: TranslateOptions = {},
): WalkResult {
  const w = new Walk(setup, request, options.trace ?? true);
  try {
    const result = run(w);
    // Legality warnings matter on successful walks too ("legal but almost certainly a bug").
    return w.findings && !result.findings ? { ...result, findings: w.findings } : result;
  } catch (e) {
    // A defect, not an input error: report it as a result rather than crash the host.
    const message = e instanceof Error ? e.message : String(e);
    return { outcome: "fault", steps: w.steps, reason: `internal error in the walker: ${message}` };
  }
}

/**
 * A legal structure the walker does not model: no fault and no event record (the SMMU writes none
 * for a legal STE/CD), no PA; `reason` names what is not modelled; the reads made so far stay.
 */
function notModelledResult(w: Walk, reason: string): WalkResult {
  return { outcome: "not-modelled", steps: w.steps, reason, ...(w.findings ? { findings: w.findings } : {}) };
}

function faultResult(w: Walk): WalkResult {
  return {
    outcome: "fault",
    steps: w.steps,
    ...(w.fault ? { fault: w.fault } : {}),
    ...(w.findings ? { findings: w.findings } : {}),
  };
}

/** What the configuration phase decided: which stages translate, and for stage 1 the CD. */
export interface Configured {
  /** "s1": stage 1 translates (maybe nested); "s1-bypassed": stage 1 bypassed (stage 2 or none). */
  readonly kind: "s1" | "s1-bypassed";
  readonly s2On: boolean;
  readonly singlePrivilege: boolean;
}

/**
 * Everything before the stage-1 walk (§1.4 steps 1-9): StreamID, STE, SubstreamID, CD. Returns
 * the configuration, or the result when the transaction ends here (fault, abort), or when the
 * walker cannot go on (not-modelled).
 */
export function configure(w: Walk): Configured | WalkResult {
  const profile = w.profile;
  if (!Number.isInteger(w.sid) || w.sid < 0 || w.sid > 0xffff_ffff) {
    w.raise("C_BAD_STREAMID", `StreamID ${String(w.sid)} is not a 32-bit unsigned integer`, { recorded: false });
    return faultResult(w);
  }
  if (w.ssv && (!Number.isInteger(w.ssid) || w.ssid < 0 || w.ssid > 0xf_ffff)) {
    w.raise("C_BAD_SUBSTREAMID", `SubstreamID ${String(w.ssid)} is not a 20-bit unsigned integer`, {
      recorded: true,
      substreamOverride: 0,
    });
    return faultResult(w);
  }
  // ---- STE ------------------------------------------------------------------------------
  if (!fetchSte(w)) return faultResult(w);
  const ste = w.steWords!;
  if (small(ste, STE_F.V) === 0) {
    w.raise("C_BAD_STE", "STE-01: the STE is not valid (V 0)", { recorded: true });
    return faultResult(w);
  }
  const config = small(ste, STE_F.Config);
  if ((config & 0b100) === 0) {
    const reason =
      config === 0
        ? "STE.Config 0b000: the stream aborts every transaction, with no event"
        : `STE.Config 0b${config.toString(2).padStart(3, "0")} is Reserved and behaves as 0b000 (abort, no event)`;
    return { outcome: "abort", steps: w.steps, reason };
  }
  // R1's linter first: an ILLEGAL STE is C_BAD_STE whatever the walker models.
  const steIllegal = judgeSte(w, ste);
  const steVerdict = steIllegal === undefined ? steGuard(ste, profile) : undefined;
  if (steVerdict?.kind === "not-modelled") return notModelledResult(w, steVerdict.reason);
  const steProblem = steIllegal ?? steVerdict?.reason;
  if (steProblem) {
    w.raise("C_BAD_STE", steProblem, { recorded: true });
    return faultResult(w);
  }
  // STE overrides of the transaction's attributes (§2.1 PRIVCFG / INSTCFG, needs ATTR_PERMS_OVR).
  if (profile.ATTR_PERMS_OVR === 1) {
    const privcfg = small(ste, STE_F.PRIVCFG);
    if (privcfg === 2) w.privileged = false;
    else if (privcfg === 3) w.privileged = true;
    const instcfg = small(ste, STE_F.INSTCFG);
    if (!w.write && instcfg === 2) w.instr = false;
    else if (!w.write && instcfg === 3) w.instr = true;
  }
  const s1On = (config & 1) !== 0;
  const s2On = (config & 2) !== 0;
  // ---- SubstreamID rules (§4.3) -----------------------------------------------------------
  if (w.ssv && (profile.SSIDSIZE === 0 || w.ssid >= 2 ** profile.SSIDSIZE)) {
    w.raise(
      "C_BAD_SUBSTREAMID",
      profile.SSIDSIZE === 0
        ? "the transaction has a SubstreamID but the SMMU has none (IDR1.SSIDSIZE 0)"
        : `SubstreamID 0x${w.ssid.toString(16)} is beyond IDR1.SSIDSIZE ${profile.SSIDSIZE}`,
      { recorded: true },
    );
    return faultResult(w);
  }
  if (w.ssv && !s1On) {
    w.raise("C_BAD_SUBSTREAMID", "the transaction has a SubstreamID but stage 1 is disabled (Config 0b1x0)", {
      recorded: true,
    });
    return faultResult(w);
  }
  if (s2On && !setupStage2(w, ste)) return faultResult(w);
  if (!s1On) return { kind: "s1-bypassed", s2On, singlePrivilege: false };

  const cdMax = profile.SSIDSIZE === 0 ? 0 : small(ste, STE_F.S1CDMax);
  let cdIndex = 0;
  let recordSsidAnyway = false;
  if (w.ssv) {
    if (cdMax === 0) {
      w.raise("C_BAD_SUBSTREAMID", "the transaction has a SubstreamID but STE.S1CDMax is 0 (substreams disabled)", {
        recorded: true,
      });
      return faultResult(w);
    }
    if (w.ssid >= 2 ** cdMax) {
      w.raise("C_BAD_SUBSTREAMID", `SubstreamID 0x${w.ssid.toString(16)} is beyond 2^S1CDMax (S1CDMax ${cdMax})`, {
        recorded: true,
      });
      return faultResult(w);
    }
    if (w.ssid === 0 && small(ste, STE_F.S1DSS) === 2) {
      w.raise("F_STREAM_DISABLED", "SubstreamID 0 is reserved for traffic without a SubstreamID (S1DSS 0b10)", {
        recorded: true,
      });
      return faultResult(w);
    }
    cdIndex = w.ssid;
  } else if (cdMax !== 0) {
    const dss = small(ste, STE_F.S1DSS);
    if (dss === 1) return { kind: "s1-bypassed", s2On, singlePrivilege: false };
    if (dss !== 2) {
      w.raise(
        "F_STREAM_DISABLED",
        `no SubstreamID, S1CDMax ${cdMax} and S1DSS 0b${dss.toString(2).padStart(2, "0")} (${dss === 0 ? "terminate" : "Reserved, as terminate"})`,
        { recorded: true },
      );
      return faultResult(w);
    }
    recordSsidAnyway = true;
  }
  // ---- CD ----------------------------------------------------------------------------------
  if (!fetchCd(w, ste, cdMax, cdIndex, recordSsidAnyway)) return faultResult(w);
  const cd = w.cdWords!;
  // STRW 0b10 is NS-EL2 (one range, one privilege) only when SMMU_CR2.E2H is 0; with E2H (the
  // default, as Linux uses it and as R1's CD linter assumes) it is NS-EL2-E2H: two ranges and
  // two privileges like NS-EL1 (reference §2.2).
  const singlePrivilege = cdSingleRange(ste, profile, effectiveE2h(w));
  const cdIllegal = judgeCd(w, cd, ste);
  const cdVerdict = cdIllegal === undefined ? cdGuard(cd, ste, profile, !singlePrivilege) : undefined;
  if (cdVerdict?.kind === "not-modelled") return notModelledResult(w, cdVerdict.reason);
  const cdProblem = cdIllegal ?? cdVerdict?.reason;
  if (cdProblem) {
    w.raise("C_BAD_CD", cdProblem, { recorded: true });
    return faultResult(w);
  }
  return { kind: "s1", s2On, singlePrivilege };
}

function run(w: Walk): WalkResult {
  const c = configure(w);
  if ("outcome" in c) return c;
  if (c.kind === "s1-bypassed") return stage1Bypassed(w, c.s2On);
  const { s2On, singlePrivilege } = c;
  const cd = w.cdWords!;
  if (!setupStage1(w, cd, singlePrivilege)) return faultResult(w);
  const leaf = stage1Walk(w);
  if (!leaf) return faultResult(w);
  const r1 = w.s1!;
  const mairByte = readBits32(cd, r1.mair0.lsb + 8 * leaf.attrIndx, 8);
  const s1Type = decodeMair(mairByte);
  const s1Sh = shareabilityName(s1Type, leaf.sh);
  if (!s2On) {
    return {
      outcome: "translated",
      pa: leaf.out,
      size: leaf.size,
      perm: leaf.perm,
      attrs: attributes(s1Type, s1Sh, { attrIndx: leaf.attrIndx, mair: mairByte, nG: leaf.nG, asid: r1.asid }),
      steps: w.steps,
    };
  }
  const pa = stage2Translate(w, leaf.out, { cls: "IN", label: "the output IPA" });
  if (pa < 0) return faultResult(w);
  const fwb = w.s2!.fwb;
  const s2Type = decodeS2MemAttr(w.s2MemAttr, fwb);
  const type = combineTypes(s1Type, s2Type, fwb ? w.s2MemAttr : undefined);
  const sh =
    type.device >= 0 || (type.inner === 0 && type.outer === 0)
      ? "outer"
      : combineShareability(s1Sh, shareabilityName(s2Type, w.s2Sh));
  return {
    outcome: "translated",
    pa,
    size: Math.min(leaf.size, w.s2Size),
    perm: intersect(leaf.perm, s2Perm(w)),
    attrs: attributes(type, sh, {
      attrIndx: leaf.attrIndx,
      mair: mairByte,
      s2MemAttr: w.s2MemAttr,
      nG: leaf.nG,
      asid: r1.asid,
      vmid: w.s2!.vmid,
    }),
    steps: w.steps,
  };
}

function s2Perm(w: Walk): WalkPermissions {
  return { read: w.s2Read, write: w.s2Write, exec: w.privileged ? w.s2ExecPriv : w.s2ExecUnpriv };
}

function intersect(a: WalkPermissions, b: WalkPermissions): WalkPermissions {
  return { read: a.read && b.read, write: a.write && b.write, exec: a.exec && b.exec };
}

/**
 * Stage 1 bypassed (Config 0b110, or S1DSS 0b01 without a SubstreamID; §5.3 step 1 / §5.6):
 * the input must fit IAS (or OAS for full bypass), then stage 2 alone translates it.
 */
function stage1Bypassed(w: Walk, s2On: boolean): WalkResult {
  const fullBypass = !s2On && (small(w.steWords!, STE_F.Config) & 1) === 0;
  const limitBits = fullBypass ? w.profile.OAS : w.profile.IAS;
  const input = w.inputNumber();
  if (!(input < 2 ** limitBits)) {
    w.raise(
      "F_ADDR_SIZE",
      `stage 1 is bypassed and the input address is beyond the ${limitBits}-bit ${fullBypass ? "OAS" : "IAS"}`,
      { stage: 1, cls: "IN", recorded: true },
    );
    return faultResult(w);
  }
  if (!s2On) {
    return {
      outcome: "bypass",
      pa: input,
      perm: ALL,
      steps: w.steps,
      reason: fullBypass
        ? "STE.Config 0b100: both stages bypassed"
        : "stage 1 bypassed (S1DSS 0b01) and stage 2 disabled",
    };
  }
  const pa = stage2Translate(w, input, { cls: "IN", label: "the input IPA" });
  if (pa < 0) return faultResult(w);
  const s2Type = decodeS2MemAttr(w.s2MemAttr, w.s2!.fwb);
  return {
    outcome: "translated",
    pa,
    size: w.s2Size,
    perm: s2Perm(w),
    attrs: attributes(s2Type, shareabilityName(s2Type, w.s2Sh), { s2MemAttr: w.s2MemAttr, vmid: w.s2!.vmid }),
    steps: w.steps,
  };
}

// ---- stream table ----------------------------------------------------------------------------

/** Finds and reads the STE (§3.2, §3.3), or takes the given one. False after raising a fault. */
function fetchSte(w: Walk): boolean {
  const given = w.setup.ste;
  if (given) {
    w.steWords = Uint32Array.from({ length: 16 }, (_, i) => given.words[i] ?? 0);
    return true;
  }
  const st = w.setup.strtab;
  if (!st) {
    w.raise("C_BAD_STREAMID", "no stream table and no STE were given", { recorded: false });
    return false;
  }
  const profile = w.profile;
  const recordBadSid = profile.RECINVSID === 1;
  const log2 = Math.min(st.log2size, profile.SIDSIZE);
  if (w.sid >= 2 ** log2) {
    w.raise(
      "C_BAD_STREAMID",
      `StreamID 0x${w.sid.toString(16)} is beyond 2^${log2} (STRTAB LOG2SIZE ${st.log2size}, SIDSIZE ${profile.SIDSIZE})`,
      {
        recorded: recordBadSid,
      },
    );
    return false;
  }
  let steAddr: number;
  if (st.fmt === "2-level" && profile.ST_LEVEL === "2-level") {
    const split = st.split === 6 || st.split === 8 || st.split === 10 ? st.split : 6;
    // The L1 array is aligned to its size (at least 64 bytes): literal LOG2SIZE (§3.1).
    const l1Size = Math.max(64, 2 ** Math.max(0, st.log2size - split) * 8);
    const base = st.base - (st.base % l1Size);
    const l1Index = Math.floor(w.sid / 2 ** split);
    const l1Addr = base + l1Index * 8;
    // A fetch address beyond OAS is F_STE_FETCH (§1.2; an implementation may truncate instead).
    const ok = l1Addr < 2 ** profile.OAS && w.read(l1Addr, false);
    if (w.tracing) {
      w.step("L1STD", "L1STD", "PA", l1Addr, l1Addr, {
        indexBits: `SID[${Math.max(split, log2 - 1)}:${split}]`,
        indexValue: l1Index,
        spec: L1STD,
        aborted: !ok,
      });
    }
    if (!ok) {
      w.raise("F_STE_FETCH", `external abort reading the L1STD at PA 0x${l1Addr.toString(16)}`, {
        fetchAddr: l1Addr,
        recorded: true,
      });
      return false;
    }
    const span = small(w.scratch, L1STD_F.Span);
    const l2Index = w.sid % 2 ** split;
    if (span === 0 || span >= 12 || span > split + 1) {
      w.raise(
        "C_BAD_STREAMID",
        `L1STD[${l1Index}] has Span ${span}: ${span === 0 ? "invalid" : "Reserved or larger than SPLIT + 1"}`,
        {
          recorded: recordBadSid,
        },
      );
      return false;
    }
    if (l2Index >= 2 ** (span - 1)) {
      w.raise(
        "C_BAD_STREAMID",
        `StreamID index 0x${l2Index.toString(16)} is beyond the 2^${span - 1} STEs of L1STD[${l1Index}] (Span ${span})`,
        {
          recorded: recordBadSid,
        },
      );
      return false;
    }
    const l2Size = 2 ** (span - 1) * STE_BYTES;
    const l2Ptr = address(w.scratch, L1STD_F.L2Ptr);
    steAddr = l2Ptr - (l2Ptr % l2Size) + l2Index * STE_BYTES;
  } else {
    const tableSize = 2 ** st.log2size * STE_BYTES;
    steAddr = st.base - (st.base % tableSize) + w.sid * STE_BYTES;
  }
  if (steAddr + STE_BYTES > 2 ** profile.OAS) {
    w.raise("F_STE_FETCH", `the STE address 0x${steAddr.toString(16)} is beyond the ${profile.OAS}-bit OAS`, {
      fetchAddr: steAddr,
      recorded: true,
    });
    return false;
  }
  return readStructure(w, steAddr, steAddr, "STE", (words) => (w.steWords = words), "F_STE_FETCH", undefined);
}

/** Reads an 8-dword structure (STE or CD) at `pa`; false after raising `abortEvent`. */
function readStructure(
  w: Walk,
  addr: number,
  pa: number,
  what: "STE" | "CD",
  keep: (words: Uint32Array) => void,
  abortEvent: string,
  ssidOverride: number | undefined,
): boolean {
  const words = new Uint32Array(16);
  keep(words);
  const nested = what === "CD" && w.s2 !== undefined;
  for (let d = 0; d < 8; d++) {
    const ok = w.read(pa + d * 8, false);
    if (ok) {
      words[2 * d] = w.scratch[0]!;
      words[2 * d + 1] = w.scratch[1]!;
    }
    if (w.tracing) {
      w.step(`${what} dword ${d}`, what, nested ? "IPA" : "PA", addr + d * 8, pa + d * 8, {
        spec: what === "STE" ? STE : CD,
        structWords: words,
        aborted: !ok,
      });
    }
    if (!ok) {
      w.raise(abortEvent, `external abort reading the ${what} at PA 0x${pa.toString(16)}`, {
        fetchAddr: pa,
        recorded: true,
        ...(ssidOverride !== undefined ? { substreamOverride: ssidOverride } : {}),
      });
      return false;
    }
  }
  return true;
}

// ---- stage 2 regime --------------------------------------------------------------------------

function setupStage2(w: Walk, ste: Uint32Array): boolean {
  const profile = w.profile;
  const granule = granuleFromTg0(small(ste, STE_F.S2TG));
  const s2ds = profile.DS === 1 && small(ste, STE_F.S2DS) === 1;
  const sl0 = small(ste, STE_F.S2SL0) + (s2ds ? small(ste, STE_F.S2SL0_2) * 4 : 0);
  const geo = granule ? stage2Geometry(profile, granule, small(ste, STE_F.S2T0SZ), sl0, s2ds) : "Reserved S2TG";
  if (!granule || typeof geo === "string") {
    w.raise("C_BAD_STE", `STE-31: ${typeof geo === "string" ? geo : "inconsistent stage-2 geometry"}`, {
      recorded: true,
    });
    return false;
  }
  const oaBits = effectivePaBits(small(ste, STE_F.S2PS), profile);
  const wide = granule === "64K" ? profile.OAS >= 52 : s2ds;
  const ha = profile.HTTU !== "none" && small(ste, STE_F.S2HA) === 1;
  const hd = profile.HTTU === "AF+dirty" && ha && small(ste, STE_F.S2HD) === 1;
  const tableBytes = Math.max(2 ** (geo.startBits + 3), oaBits >= 52 ? 64 : 8);
  const ttb = address(ste, STE_F.S2TTB);
  const nested = small(ste, STE_F.Config) === 0b111;
  const regime: Stage2Regime = {
    geo,
    base: ttb - (ttb % tableBytes),
    oaBits,
    bigEndian: small(ste, STE_F.S2ENDI) === 1,
    affd: !ha && small(ste, STE_F.S2AFFD) === 1,
    ha,
    hd,
    ptw: nested && small(ste, STE_F.S2PTW) === 1,
    fwb: profile.FWB === 1 && small(ste, STE_F.S2FWB) === 1,
    record: small(ste, STE_F.S2R) === 1,
    stall: small(ste, STE_F.S2S) === 1 && profile.STALL_MODEL !== 1,
    layout: descriptorLayout(2, granule, wide, s2ds),
    vmid: small(ste, STE_F.S2VMID),
    leafSh: small(ste, STE_F.S2SH0),
  };
  w.s2 = regime;
  return true;
}

// ---- CD ----------------------------------------------------------------------------------------

/** Finds and reads the CD (§4.2, nested: through stage 2 with CLASS=CD), or takes the given one. */
function fetchCd(w: Walk, ste: Uint32Array, cdMax: number, cdIndex: number, recordSsidAnyway: boolean): boolean {
  const given = w.setup.cd;
  if (given) {
    w.cdWords = Uint32Array.from({ length: 16 }, (_, i) => given.words[i] ?? 0);
    return true;
  }
  const nested = w.s2 !== undefined;
  const ssidForRecord = recordSsidAnyway ? cdIndex : undefined;
  const ptr = address(ste, STE_F.S1ContextPtr);
  const fmt = small(ste, STE_F.S1Fmt);
  let cdAddr: number;
  if (cdMax !== 0 && (fmt === 1 || fmt === 2)) {
    const leafBits = fmt === 1 ? 6 : 10;
    const l1Index = Math.floor(cdIndex / 2 ** leafBits);
    const l1Addr = ptr + l1Index * 8;
    const l1Pa = nested ? stage2Translate(w, l1Addr, { cls: "CD", label: "the L1CD" }) : l1Addr;
    if (l1Pa < 0) return false;
    const ok = w.read(l1Pa, false);
    if (w.tracing) {
      w.step("L1CD", "L1CD", nested ? "IPA" : "PA", l1Addr, l1Pa, {
        indexBits: `SSID[${Math.max(leafBits, cdMax - 1)}:${leafBits}]`,
        indexValue: l1Index,
        spec: L1CD,
        aborted: !ok,
      });
    }
    if (!ok) {
      w.raise("F_CD_FETCH", `external abort reading the L1CD at PA 0x${l1Pa.toString(16)}`, {
        fetchAddr: l1Pa,
        recorded: true,
        ...(ssidForRecord !== undefined ? { substreamOverride: ssidForRecord } : {}),
      });
      return false;
    }
    const badSsid = (reason: string): boolean => {
      w.raise("C_BAD_SUBSTREAMID", reason, { recorded: true, substreamOverride: cdIndex });
      return false;
    };
    if (small(w.scratch, L1CD_F.V) === 0) return badSsid(`L1CD[${l1Index}] is not valid (V 0)`);
    const l2Ptr = address(w.scratch, L1CD_F.L2Ptr);
    const limitBits = nested ? w.profile.IAS : w.profile.OAS;
    if (l2Ptr >= 2 ** limitBits) {
      return badSsid(
        `L1CD[${l1Index}].L2Ptr 0x${l2Ptr.toString(16)} is beyond the ${limitBits}-bit ${nested ? "IAS" : "OAS"}`,
      );
    }
    // 64K leaf tables: L2Ptr[15:12] are RES0 (treated as 0, §4.2).
    const leafBytes = 2 ** leafBits * CD_BYTES;
    cdAddr = l2Ptr - (l2Ptr % leafBytes) + (cdIndex % 2 ** leafBits) * CD_BYTES;
  } else {
    cdAddr = ptr + cdIndex * CD_BYTES;
  }
  const cdPa = nested ? stage2Translate(w, cdAddr, { cls: "CD", label: "the CD" }) : cdAddr;
  if (cdPa < 0) return false;
  return readStructure(w, cdAddr, cdPa, "CD", (words) => (w.cdWords = words), "F_CD_FETCH", ssidForRecord);
}

// ---- stage 1 regime ----------------------------------------------------------------------------

/** TTB selection, range check, EPD and E0PD (§5.2 steps 2-6). False after raising a fault. */
function setupStage1(w: Walk, cd: Uint32Array, singlePrivilege: boolean): boolean {
  const profile = w.profile;
  const useTtb1 = !singlePrivilege && (w.iovaHi & 0x80_0000) !== 0; // VA[55]
  const which = useTtb1 ? 1 : 0;
  const tbi = small(cd, useTtb1 ? CD_F.TBI1 : CD_F.TBI0) === 1 && !(singlePrivilege && useTtb1);
  const txsz = small(cd, useTtb1 ? CD_F.T1SZ : CD_F.T0SZ);
  // EPD0/EPD1 are IGNORED (effective 0) in the single-range NS-EL2 StreamWorld (reference §2.2).
  const epd = !singlePrivilege && small(cd, useTtb1 ? CD_F.EPD1 : CD_F.EPD0) === 1;
  const record = small(cd, CD_F.R) === 1;
  const stall = small(cd, CD_F.S) === 1 && profile.STALL_MODEL !== 1;
  // The input checks (range, EPDx, E0PDx) fault before any descriptor is read: Arm reports them
  // as Translation faults at level 0 whatever the start level (DDI 0487 AArch64.S1Translate).
  const fault = (reason: string): boolean => {
    w.raise("F_TRANSLATION", reason, { stage: 1, level: 0, cls: "IN", recorded: record || stall, stall });
    return false;
  };
  if (epd) return fault(`the input address selects TTB${which} and EPD${which} is 1 (walks disabled)`);
  // Range check: VA[top:ia] must be all 0 (TTB0) or all 1 (TTB1); top is 55 with TBI (§5.2 step 4).
  const ia = 64 - txsz;
  const top = tbi ? 55 : 63;
  if (!bitsAll(w.iovaLo, w.iovaHi, ia, top, useTtb1)) {
    return fault(
      `input address bits [${top}:${ia}] must all be ${useTtb1 ? "1 (TTB1" : "0 (TTB0"} with T${which}SZ ${txsz}${tbi ? ", TBI" : ""})`,
    );
  }
  if (profile.E0PD === 1 && !w.privileged && !singlePrivilege && small(cd, useTtb1 ? CD_F.E0PD1 : CD_F.E0PD0) === 1) {
    return fault(`unprivileged access to the TTB${which} region with E0PD${which} 1`);
  }
  const regime = stage1RegimeFor(w, cd, which, singlePrivilege);
  if (typeof regime === "string") return fault(regime);
  w.s1 = regime;
  return true;
}

/** The stage-1 regime of one TTB of a CD, or why that half cannot be walked. */
export function stage1RegimeFor(
  w: Walk,
  cd: Uint32Array,
  which: 0 | 1,
  singlePrivilege: boolean,
): Stage1Regime | string {
  const profile = w.profile;
  const useTtb1 = which === 1;
  const txsz = small(cd, useTtb1 ? CD_F.T1SZ : CD_F.T0SZ);
  const granule = useTtb1 ? granuleFromTg1(small(cd, CD_F.TG1)) : granuleFromTg0(small(cd, CD_F.TG0));
  if (!granule) return `TG${which} selects a Reserved granule`;
  const ds = profile.DS === 1 && small(cd, CD_F.DS) === 1;
  const geo = stage1Geometry(granule, txsz);
  const oaBits = effectivePaBits(small(cd, CD_F.IPS), profile);
  const wide = granule === "64K" ? profile.OAS >= 52 : ds;
  const tableBytes = Math.max(2 ** (geo.startBits + 3), oaBits >= 52 ? 64 : 8);
  const ttb = address(cd, useTtb1 ? CD_F.TTB1 : CD_F.TTB0);
  const ha = profile.HTTU !== "none" && small(cd, CD_F.HA) === 1;
  return {
    ttbName: useTtb1 ? "TTB1" : "TTB0",
    geo,
    base: ttb - (ttb % tableBytes),
    oaBits,
    bigEndian: small(cd, CD_F.ENDI) === 1,
    affd: !ha && small(cd, CD_F.AFFD) === 1,
    ha,
    hd: profile.HTTU === "AF+dirty" && ha && small(cd, CD_F.HD) === 1,
    had: profile.HAD === 1 && small(cd, useTtb1 ? CD_F.HAD1 : CD_F.HAD0) === 1,
    wxn: small(cd, CD_F.WXN) === 1,
    pan: !singlePrivilege && small(cd, CD_F.PAN) === 1,
    epan: profile.EPAN === 1 && small(cd, CD_F.EPAN) === 1,
    singlePrivilege,
    record: small(cd, CD_F.R) === 1,
    stall: small(cd, CD_F.S) === 1 && profile.STALL_MODEL !== 1,
    layout: descriptorLayout(1, granule, wide, ds),
    asid: small(cd, CD_F.ASID),
    mair0: CD_F.MAIR0,
    leafSh: small(cd, useTtb1 ? CD_F.SH1 : CD_F.SH0),
  };
}

/** True when bits [from:to] of the 64-bit value (lo, hi) are all `ones` (from <= to <= 63). */
function bitsAll(lo: number, hi: number, from: number, to: number, ones: boolean): boolean {
  for (let b = from; b <= to;) {
    const half = b < 32 ? lo : hi;
    const start = b & 31;
    const end = Math.min(to < 32 || b >= 32 ? to & 31 : 31, 31);
    const width = end - start + 1;
    const mask = width === 32 ? 0xffff_ffff : ((1 << width) - 1) >>> 0;
    const got = ((half >>> start) & mask) >>> 0;
    if (got !== (ones ? mask : 0)) return false;
    b += width;
  }
  return true;
}
