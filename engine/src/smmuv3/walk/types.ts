// The translation walk's public shapes: what goes in (setup + request) and what comes out (a PA
// with permissions and attributes, or the exact fault with its event record), plus the trace of
// every memory read. These are the agreed W1 interface of team RULES.md; the JSON form of a
// result is W2's `resultToJson` (shared/design/formats.md, "Result").

import type { U64 } from "../../bits/u64";
import type { StructSpec } from "../../bits/fields";
import type { MemoryImage, Provenance } from "../../memory/image";
import type { SmmuProfile } from "../profile";
import type { LegalityFinding } from "../records";

/** Where the STE (and optionally the CD) come from, and the memory the SMMU reads. */
export interface TranslationSetup {
  readonly profile: SmmuProfile;
  readonly memory: MemoryImage;
  /** SMMU_STRTAB_BASE / _BASE_CFG: the STE is fetched from the StreamID's slot. */
  readonly strtab?: { base: number; fmt: "linear" | "2-level"; log2size: number; split: number };
  /** A given STE (8 dwords as 16 halves): no fetch, but still judged for legality. */
  readonly ste?: { words: Uint32Array; provenance?: Provenance };
  /** A given CD (8 dwords as 16 halves): no fetch, but still judged for legality. */
  readonly cd?: { words: Uint32Array; provenance?: Provenance };
  /**
   * SMMU_CR2.E2H: what STE.STRW 0b10 selects (with IDR0.Hyp). Overrides the profile's E2H
   * (default 1): true NS-EL2-E2H (two ranges, two privileges); false NS-EL2 (TTB0 only, one
   * privilege level). Reference §2.2.
   */
  readonly e2h?: boolean;
}

export type WalkAccess = "read" | "write" | "exec";

/** One transaction presented to the SMMU. */
export interface TranslationRequest {
  readonly sid: number;
  /** Present: the transaction carries this SubstreamID (SSV=1). */
  readonly ssid?: number;
  /** The 64-bit input address as presented (top byte included; TBI is the CD's business). */
  readonly iova: U64;
  readonly access: WalkAccess;
  readonly privileged: boolean;
}

/** Options of `translate` beyond the agreed arguments. */
export interface TranslateOptions {
  /** Record every memory read in `steps` (default true). Benchmarks and enumeration turn it off. */
  readonly trace?: boolean;
}

export interface WalkPermissions {
  readonly read: boolean;
  readonly write: boolean;
  readonly exec: boolean;
}

export interface WalkAttributes {
  /** `Normal-WB`, `Normal-NC`, `Normal-iWB-oNC`, `Device-nGnRE`, ... */
  readonly memType: string;
  /** `inner`, `outer` or `non-shareable`. */
  readonly sh: string;
  /** Stage-1 leaf AttrIndx and the MAIR byte it selected. */
  readonly attrIndx?: number;
  readonly mair?: number;
  /** Stage-2 leaf MemAttr[3:0]. */
  readonly s2MemAttr?: number;
  /** Stage-1 leaf nG (TLB entry tagged with the ASID). */
  readonly nG?: boolean;
  readonly asid?: number;
  readonly vmid?: number;
}

export type WalkFaultClass = "CD" | "TT" | "IN";

export interface WalkFault {
  /** Event name as SMMUv3 §1.2 spells it (`F_TRANSLATION`). */
  readonly event: string;
  /** Event number (0x10). */
  readonly id: number;
  readonly stage?: 1 | 2;
  /** Translation level (0-3) at which the faulting stage stopped, when the fault is at a level. */
  readonly level?: number;
  readonly class?: WalkFaultClass;
  readonly inputAddr: U64;
  /** The stage-2 input that failed (full address; the record holds IPA[51:12]). */
  readonly ipa?: number;
  /** PA of the fetch that aborted. */
  readonly fetchAddr?: number;
  readonly recorded: boolean;
  /** The event record as the SMMU writes it: 4 dwords as 8 halves [lo0, hi0, ...]. */
  readonly record?: Uint32Array;
  /** Why, in a sentence. */
  readonly reason: string;
  /** Problems `encodeEvent` reported while building the record (should be none). */
  readonly recordProblems?: readonly string[];
}

export type TraceStepStructure = "STE" | "L1STD" | "L1CD" | "CD" | "S1" | "S2";

/** One memory read of the walk, in order. */
export interface TraceStep {
  /** `STE dword 0`, `S1 L0 descriptor`, `S2 L2 descriptor for S1 L1`. */
  readonly what: string;
  readonly structure: TraceStepStructure;
  readonly stage?: 1 | 2;
  readonly level?: number;
  /** For stage-2 reads made while translating a stage-1 descriptor's IPA: that stage-1 level. */
  readonly forStage1Level?: number;
  /** The address space `addr` is in. */
  readonly space: "PA" | "IPA";
  readonly addr: number;
  /** The physical address finally read. */
  readonly pa: number;
  readonly value: U64;
  /** The input-address bits that chose this entry (`IOVA[47:39]`, `IPA[38:30]`, `SID[15:8]`). */
  readonly index?: { bits: string; value: number };
  /** The table to decode `value` (or `structWords`) with. */
  readonly spec?: StructSpec;
  /** For a dword of a multi-dword structure (STE, CD): the whole structure as read so far. */
  readonly structWords?: Uint32Array;
  readonly provenance?: Provenance;
  readonly note?: string;
}

/** A legality finding: R1's `LegalityFinding` (records/legality-rules.ts). */
export type WalkLegalityFinding = LegalityFinding;

/**
 * `not-modelled`: the structures are legal (no ILLEGAL condition applies, so the SMMU raises no
 * C_BAD_STE / C_BAD_CD) but they select what the walker does not implement (VMSAv8-32 or
 * VMSAv9-128 tables, Secure or Realm streams, permission indirection and overlays). The result
 * then has no `pa`, `fault` or record: `reason` names what is not modelled and `steps` hold the
 * STE/CD reads made before the walker stopped. What the hardware does is unknown here.
 */
export type WalkOutcome = "translated" | "fault" | "bypass" | "abort" | "not-modelled";

export interface WalkResult {
  readonly outcome: WalkOutcome;
  readonly pa?: number;
  /** Size in bytes of the mapping the PA lies in (smaller leaf of the two stages when nested). */
  readonly size?: number;
  readonly perm?: WalkPermissions;
  readonly attrs?: WalkAttributes;
  readonly fault?: WalkFault;
  readonly steps: TraceStep[];
  readonly findings?: WalkLegalityFinding[];
  /**
   * A sentence for outcomes without a fault (abort, bypass); for `not-modelled` what is not
   * modelled, starting with "not modelled: ".
   */
  readonly reason?: string;
}

/** One merged range of an address-space map. */
export interface AddressMapping {
  /** Input address (IOVA, or for TTB1 the full sign-extended VA) of the first byte. */
  readonly iova: U64;
  /** Low `ia` bits of the first byte as a number (always exact). */
  readonly iovaNumber: number;
  readonly size: number;
  readonly pa: number;
  /** Present for nested translation: the IPA the range went through. */
  readonly ipa?: number;
  /** Permissions for privileged and unprivileged requesters. */
  readonly priv: WalkPermissions;
  readonly unpriv: WalkPermissions;
  readonly attrs: WalkAttributes;
  /** `TTB0` or `TTB1` (stage 1), `S2` (stage 2 only), `bypass`. */
  readonly via: string;
}

export interface AddressSpaceLimits {
  /** Maximum descriptor reads (default 8M). */
  readonly maxReads?: number;
  /** Maximum merged mappings returned (default 1M). */
  readonly maxMappings?: number;
}

export interface AddressSpaceMap {
  readonly mappings: AddressMapping[];
  readonly problems: string[];
  /** Descriptor reads made. */
  readonly reads: number;
}
