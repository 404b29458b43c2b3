// A walk result in the result contract (shared/design/formats.md, "Result").
//
// Scripts and CI read this JSON, so its shape is fixed: addresses, IDs and register values are
// lowercase `0x` hex strings without leading zeros; booleans and small counts (stage, level) are
// JSON numbers. Keys may be added, never renamed. The fault carries the event record exactly as
// the SMMU writes it (four dwords) or `"recorded": false` when recording was suppressed; steps
// (every memory read of the walk) appear with `trace`, each pointing at the scenario line that
// defined the word it read. Outcome "not-modelled" (legal structures the walker does not
// implement) is {"outcome":"not-modelled","reason":"not modelled: ..."}: no fault, record or pa.

import { hex64, hexHalves, hexNumber } from "../../bits/u64";
import { formatSpan } from "../../source";
import type { TraceStep, WalkFault, WalkOutcome, WalkResult } from "../walk/types";

export interface ResultJsonOptions {
  /** Include `steps`, every memory read in order (`--trace`). */
  readonly trace: boolean;
  /** The scenario id, written first. */
  readonly id?: string;
}

/** JSON of one trace step (formats.md: what, stage, level, space, addr, pa, value, source). */
export interface StepJson {
  what: string;
  structure: string;
  stage?: number;
  level?: number;
  forStage1Level?: number;
  space: "PA" | "IPA";
  addr: string;
  pa: string;
  value: string;
  index?: { bits: string; value: string };
  source?: string;
  note?: string;
}

export interface FaultJson {
  event: string;
  id: string;
  stage?: number;
  level?: number;
  class?: string;
  inputAddr: string;
  ipa?: string;
  fetchAddr?: string;
  recorded: boolean;
  record?: string[];
  reason: string;
}

export interface ResultJson {
  id?: string;
  /** formats.md's four, and "not-modelled" (a compatible extension: docs/CLI.md) with `reason`. */
  outcome: WalkOutcome;
  pa?: string;
  size?: string;
  perm?: { read: boolean; write: boolean; exec: boolean };
  attrs?: Record<string, string | number | boolean>;
  fault?: FaultJson;
  reason?: string;
  findings?: {
    code: string;
    severity: string;
    illegal: boolean;
    fields: string[];
    message: string;
    section: string;
    event?: string;
  }[];
  steps?: StepJson[];
}

/** Attribute keys that are register values or IDs (hex), as opposed to small indexes. */
const HEX_ATTRS = new Set(["mair", "s2MemAttr", "asid", "vmid"]);

/** The result contract's JSON object for one walk result. Never throws. */
export function resultToJson(result: WalkResult, opts: ResultJsonOptions): ResultJson {
  const out: ResultJson = { ...(opts.id !== undefined ? { id: opts.id } : {}), outcome: result.outcome };
  if (result.pa !== undefined) out.pa = hexNumber(result.pa);
  if (result.size !== undefined) out.size = hexNumber(result.size);
  if (result.perm) out.perm = { read: result.perm.read, write: result.perm.write, exec: result.perm.exec };
  if (result.attrs) {
    const attrs: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(result.attrs) as [string, unknown][]) {
      if (typeof value === "number") attrs[key] = HEX_ATTRS.has(key) ? hexNumber(value) : value;
      else if (typeof value === "string" || typeof value === "boolean") attrs[key] = value;
    }
    out.attrs = attrs;
  }
  if (result.fault) out.fault = faultToJson(result.fault);
  if (result.reason !== undefined) out.reason = result.reason;
  if (result.findings && result.findings.length > 0) {
    out.findings = result.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      illegal: f.illegal,
      fields: [...f.fields],
      message: f.message,
      section: f.section,
      ...(f.event !== undefined ? { event: f.event } : {}),
    }));
  }
  if (opts.trace) out.steps = result.steps.map(stepToJson);
  return out;
}

/** The `fault` object: the event, where it stopped, and the record as four dwords. */
export function faultToJson(fault: WalkFault): FaultJson {
  const recorded = fault.recorded && fault.record !== undefined;
  // Key order as the contract prints it; `record` only when the SMMU wrote one.
  return {
    event: fault.event,
    id: hexNumber(fault.id),
    ...(fault.stage !== undefined ? { stage: fault.stage } : {}),
    ...(fault.level !== undefined ? { level: fault.level } : {}),
    ...(fault.class !== undefined ? { class: fault.class } : {}),
    inputAddr: hex64(fault.inputAddr),
    ...(fault.ipa !== undefined ? { ipa: hexNumber(fault.ipa) } : {}),
    ...(fault.fetchAddr !== undefined ? { fetchAddr: hexNumber(fault.fetchAddr) } : {}),
    recorded,
    ...(recorded && fault.record ? { record: recordDwords(fault.record) } : {}),
    reason: fault.reason,
  };
}

/** Four dwords from eight halves [lo0, hi0, ...] (missing halves read as zero). */
export function recordDwords(record: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let d = 0; d < 4; d++) out.push(hexHalves(record[2 * d] ?? 0, record[2 * d + 1] ?? 0));
  return out;
}

export function stepToJson(step: TraceStep): StepJson {
  return {
    what: step.what,
    structure: step.structure,
    ...(step.stage !== undefined ? { stage: step.stage } : {}),
    ...(step.level !== undefined ? { level: step.level } : {}),
    ...(step.forStage1Level !== undefined ? { forStage1Level: step.forStage1Level } : {}),
    space: step.space,
    addr: hexNumber(step.addr),
    pa: hexNumber(step.pa),
    value: hex64(step.value),
    ...(step.index ? { index: { bits: step.index.bits, value: hexNumber(step.index.value) } } : {}),
    ...(step.provenance ? { source: formatSpan(step.provenance) } : {}),
    ...(step.note !== undefined ? { note: step.note } : {}),
  };
}
