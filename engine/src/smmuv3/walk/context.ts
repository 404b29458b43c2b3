// The state of one translation walk: the request as the SMMU sees it after the STE's overrides,
// the regimes of the two stages, the scratch word every read lands in, the trace, and the fault
// builder. One `Walk` per `translate` call; nothing in it is allocated per memory read except
// trace steps, and only when tracing is on.

import type { FieldSpec, StructSpec } from "../../bits/fields";
import { type U64, u64 } from "../../bits/u64";
import type { MemoryImage } from "../../memory/image";
import type { SmmuProfile } from "../profile";
import { buildEventRecord, eventIdOf } from "./event-record";
import type { StageGeometry } from "./geometry";
import type { DescriptorLayout } from "./layout";
import type {
  WalkFaultClass,
  TraceStep,
  TraceStepStructure,
  TranslationRequest,
  TranslationSetup,
  WalkFault,
  WalkLegalityFinding,
} from "./types";

/** Stage-2 regime from the STE (reference §2.1 dword 2-3, §2.5). */
export interface Stage2Regime {
  readonly geo: StageGeometry;
  /** S2TTB aligned to the (concatenated) start-level table size. */
  readonly base: number;
  /** Effective S2PS in bits: min(S2PS, OAS). */
  readonly oaBits: number;
  readonly bigEndian: boolean;
  readonly affd: boolean;
  readonly ha: boolean;
  readonly hd: boolean;
  readonly ptw: boolean;
  /** STE.S2FWB with IDR3.FWB: stage-2 MemAttr forces the final attributes (§2.1 S2FWB). */
  readonly fwb: boolean;
  readonly record: boolean;
  readonly stall: boolean;
  readonly layout: DescriptorLayout;
  readonly vmid: number;
  /** Leaf shareability when descriptors hold OA bits in SH's place (S2DS): STE.S2SH0. */
  readonly leafSh: number;
}

/** Stage-1 regime for the selected TTB (reference §4.1, §5.2). */
export interface Stage1Regime {
  readonly ttbName: "TTB0" | "TTB1";
  readonly geo: StageGeometry;
  readonly base: number;
  /** Effective IPS in bits: min(IPS, OAS). */
  readonly oaBits: number;
  readonly bigEndian: boolean;
  readonly affd: boolean;
  readonly ha: boolean;
  readonly hd: boolean;
  readonly had: boolean;
  readonly wxn: boolean;
  readonly pan: boolean;
  readonly epan: boolean;
  /** Single-privilege StreamWorld (NS-EL2): AP[1] as 1, XN in bit 54, no PXN. */
  readonly singlePrivilege: boolean;
  readonly record: boolean;
  readonly stall: boolean;
  readonly layout: DescriptorLayout;
  readonly asid: number;
  readonly mair0: FieldSpec;
  /** Leaf shareability when descriptors hold OA bits in SH's place (DS): CD.SH0 / SH1. */
  readonly leafSh: number;
}

export interface FaultDetails {
  readonly stage?: 1 | 2;
  readonly level?: number;
  readonly cls?: WalkFaultClass;
  readonly ipa?: number;
  readonly fetchAddr?: number;
  /** F_PERMISSION with CLASS=TT: the table access was a read (TTRnW=1) or an HTTU write (0). */
  readonly ttRead?: boolean;
  /** Whether the SMMU writes a record (CD.R / STE.S2R / RECINVSID / stall). */
  readonly recorded: boolean;
  /** The translation stalls (CD.S / STE.S2S with a stalling model): Stall=1 in the record. */
  readonly stall?: boolean;
  /** Record the SubstreamID even without SSV (C_BAD_SUBSTREAMID for S1DSS=0b10 traffic). */
  readonly substreamOverride?: number;
}

const TWO32 = 0x1_0000_0000;

export class Walk {
  readonly profile: SmmuProfile;
  readonly memory: MemoryImage;
  readonly setup: TranslationSetup;
  readonly request: TranslationRequest;
  readonly tracing: boolean;
  readonly steps: TraceStep[] = [];
  /** Where every 64-bit read lands: [lo, hi]. */
  readonly scratch = new Uint32Array(2);
  fault: WalkFault | undefined;
  findings: WalkLegalityFinding[] | undefined;

  // The transaction after STE overrides (reference §5.5 inputs).
  sid: number;
  ssv: boolean;
  ssid: number;
  /** Low 32 and high 32 bits of the input address. */
  readonly iovaLo: number;
  readonly iovaHi: number;
  write: boolean;
  /** InD: instruction fetch. */
  instr: boolean;
  /** PnU: privileged. */
  privileged: boolean;

  steWords: Uint32Array | undefined;
  cdWords: Uint32Array | undefined;
  s2: Stage2Regime | undefined;
  s1: Stage1Regime | undefined;

  // Leaf facts of the last successful stage-2 translation.
  s2Size = 0;
  s2Read = false;
  s2Write = false;
  s2ExecPriv = false;
  s2ExecUnpriv = false;
  s2MemAttr = 0;
  s2Sh = 0;
  /** Level of the last successful stage-2 leaf. */
  s2Level = 0;

  constructor(setup: TranslationSetup, request: TranslationRequest, tracing: boolean) {
    this.setup = setup;
    this.profile = setup.profile;
    this.memory = setup.memory;
    this.request = request;
    this.tracing = tracing;
    this.sid = request.sid;
    this.ssv = request.ssid !== undefined && request.ssid !== null;
    this.ssid = this.ssv ? (request.ssid ?? 0) : 0;
    this.iovaLo = request.iova.lo >>> 0;
    this.iovaHi = request.iova.hi >>> 0;
    this.write = request.access === "write";
    this.instr = request.access === "exec";
    this.privileged = request.privileged;
  }

  /** The input address as a U64. */
  get inputAddr(): U64 {
    return u64(this.iovaLo, this.iovaHi);
  }

  /** Reads the 64-bit word at `pa` into `scratch`; false on an external abort. */
  read(pa: number, bigEndian: boolean): boolean {
    return this.memory.read64(pa, this.scratch, 0, bigEndian) === "ok";
  }

  /** Appends a trace step for the word in `scratch` (no-op when not tracing). */
  step(
    what: string,
    structure: TraceStepStructure,
    space: "PA" | "IPA",
    addr: number,
    pa: number,
    extra: {
      stage?: 1 | 2;
      level?: number;
      forStage1Level?: number;
      indexBits?: string;
      indexValue?: number;
      spec?: StructSpec;
      structWords?: Uint32Array;
      note?: string;
      aborted?: boolean;
    } = {},
  ): void {
    if (!this.tracing) return;
    const provenance = this.memory.provenanceAt(pa);
    const step: { -readonly [K in keyof TraceStep]: TraceStep[K] } = {
      what,
      structure,
      space,
      addr,
      pa,
      value: extra.aborted ? u64(0, 0) : u64(this.scratch[0]!, this.scratch[1]!),
    };
    if (extra.stage !== undefined) step.stage = extra.stage;
    if (extra.level !== undefined) step.level = extra.level;
    if (extra.forStage1Level !== undefined) step.forStage1Level = extra.forStage1Level;
    if (extra.indexBits !== undefined) step.index = { bits: extra.indexBits, value: extra.indexValue ?? 0 };
    if (extra.spec) step.spec = extra.spec;
    if (extra.structWords) step.structWords = extra.structWords;
    if (provenance) step.provenance = provenance;
    if (extra.aborted) step.note = "external abort";
    else if (extra.note) step.note = extra.note;
    this.steps.push(step);
  }

  /** Adds a note to the last trace step. */
  noteLast(note: string): void {
    if (!this.tracing || this.steps.length === 0) return;
    const last = this.steps[this.steps.length - 1]!;
    this.steps[this.steps.length - 1] = { ...last, note: last.note ? `${last.note}; ${note}` : note };
  }

  /** Records the fault (with its event record) and returns false, for `return w.raise(...)`. */
  raise(event: string, reason: string, d: FaultDetails): false {
    const id = eventIdOf(event);
    let record: Uint32Array | undefined;
    let recordProblems: readonly string[] | undefined;
    if (d.recorded) {
      const built = buildEventRecord(event, {
        sid: this.sid,
        ssv: this.ssv,
        ssid: d.substreamOverride ?? this.ssid,
        stall: d.stall ?? false,
        privileged: this.privileged,
        instr: this.instr,
        read: !this.write,
        s2: d.stage === 2,
        cls: d.cls,
        ttRead: d.ttRead,
        inputLo: this.iovaLo,
        inputHi: this.iovaHi,
        ipa: d.ipa,
        fetchAddr: d.fetchAddr,
      });
      record = built.words;
      if (built.problems.length > 0) recordProblems = built.problems;
    }
    this.fault = {
      event,
      id,
      inputAddr: this.inputAddr,
      recorded: d.recorded,
      reason,
      ...(d.stage !== undefined ? { stage: d.stage } : {}),
      ...(d.level !== undefined ? { level: d.level } : {}),
      ...(d.cls !== undefined ? { class: d.cls } : {}),
      ...(d.ipa !== undefined ? { ipa: d.ipa } : {}),
      ...(d.fetchAddr !== undefined ? { fetchAddr: d.fetchAddr } : {}),
      ...(record ? { record } : {}),
      ...(recordProblems ? { recordProblems } : {}),
    };
    return false;
  }

  /** Low `bits` bits (<= 53) of the input address as a number. */
  inputLow(bits: number): number {
    if (bits <= 32) return bits === 32 ? this.iovaLo : this.iovaLo % 2 ** bits;
    return (this.iovaHi % 2 ** (bits - 32)) * TWO32 + this.iovaLo;
  }

  /** The input address as a number when below 2^53 (else Infinity). */
  inputNumber(): number {
    return this.iovaHi < 0x20_0000 ? this.iovaHi * TWO32 + this.iovaLo : Infinity;
  }
}
