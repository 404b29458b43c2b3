// Legality of the structures a description defines (smmuv3.md §2.3, §4.4): is this STE or CD
// ILLEGAL, and which rule says so. Used by `expect legal|illegal` and by the linter.
//
// The judgement comes from the walker's guards (engine/src/smmuv3/walk/legality.ts), the same
// code that decides whether a walk raises C_BAD_STE / C_BAD_CD, so `check` and `translate` can
// never disagree about a structure.

import { getSmall, getValue, type StructSpec } from "../bits/fields";
import type { SmmuProfile } from "../smmuv3/profile";
import { L1STD, STE } from "../smmuv3/records/ste";
import { cdGuard, steGuard } from "../smmuv3/walk/legality";
import type { DescriptionModel, LangStructure } from "./model";

/** R1's LegalityFinding shape. */
export interface LangLegalityFinding {
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly illegal: boolean;
  readonly fields: string[];
  readonly message: string;
  readonly section: string;
  readonly event?: string;
}

function small(spec: StructSpec, words: ArrayLike<number>, name: string): number {
  const f = spec.byName.get(name);
  return f ? getSmall(words, f) : 0;
}

/** `STE-31: message` → a finding. */
function fromGuard(text: string, event: "C_BAD_STE" | "C_BAD_CD"): LangLegalityFinding {
  const m = /^((?:STE|CD)-\d+):\s*(.*)$/.exec(text);
  return {
    code: m ? m[1]! : event,
    severity: "error",
    illegal: true,
    fields: [],
    message: m ? m[2]! : text,
    section: event === "C_BAD_STE" ? "SMMUv3 §5.2 (reference §2.3)" : "SMMUv3 §5.4 (reference §4.4)",
    event,
  };
}

/** The ILLEGAL conditions of an STE (C_BAD_STE). V == 0 gives C_BAD_STE too (STE-01). */
export function steLegality(words: Uint32Array, profile: SmmuProfile): LangLegalityFinding[] {
  if (small(STE, words, "V") === 0) return [fromGuard("STE-01: the STE is not valid (V 0)", "C_BAD_STE")];
  const config = small(STE, words, "Config");
  if (config < 4) return []; // abort: no event, nothing else is checked (STE-02)
  const g = steGuard(words, profile);
  return g ? [fromGuard(g, "C_BAD_STE")] : [];
}

/** The ILLEGAL conditions of a CD (C_BAD_CD), judged with the STE that uses it. */
export function cdLegality(
  words: Uint32Array,
  ste: Uint32Array | undefined,
  profile: SmmuProfile,
): LangLegalityFinding[] {
  const steWords = ste ?? new Uint32Array(16);
  const strw = small(STE, steWords, "STRW");
  const config = small(STE, steWords, "Config");
  // single-range StreamWorlds (any-EL2) have no TTB1 (smmuv3.md §2.2)
  const twoRanges = !(config === 5 && strw === 2 && profile.Hyp === 1);
  const g = cdGuard(words, steWords, profile, twoRanges);
  return g ? [fromGuard(g, "C_BAD_CD")] : [];
}

/** The STE a CD belongs to: one whose S1ContextPtr points at it (or at its linear table). */
export function steOfCd(model: DescriptionModel, cd: LangStructure): LangStructure | undefined {
  if (cd.addr === undefined) return undefined;
  const index = contextIndex(model);
  const exact = index.exact.get(cd.addr);
  if (exact) return exact;
  for (const r of index.linear) if (cd.addr > r.ptr && cd.addr < r.end) return r.ste;
  return undefined;
}

interface ContextIndex {
  /** STEs by S1ContextPtr. */
  readonly exact: Map<number, LangStructure>;
  /** Linear CD tables (S1CDMax > 0): the STE and the range its table covers. */
  readonly linear: { ptr: number; end: number; ste: LangStructure }[];
}

const CONTEXT_INDEX = new WeakMap<DescriptionModel, ContextIndex>();

/** S1ContextPtr → STE, built once per model (a CD lookup must not scan every STE). */
function contextIndex(model: DescriptionModel): ContextIndex {
  let index = CONTEXT_INDEX.get(model);
  if (index) return index;
  index = { exact: new Map(), linear: [] };
  for (const s of model.stes.values()) {
    if (small(STE, s.words, "S1Fmt") !== 0 && small(STE, s.words, "S1CDMax") !== 0) continue;
    const ptr = readAddress(s.words, "S1ContextPtr");
    if (!index.exact.has(ptr)) index.exact.set(ptr, s);
    const cdmax = small(STE, s.words, "S1CDMax");
    if (cdmax > 0) index.linear.push({ ptr, end: ptr + 64 * 2 ** cdmax, ste: s });
  }
  CONTEXT_INDEX.set(model, index);
  return index;
}

function readAddress(words: Uint32Array, name: string): number {
  const f = STE.byName.get(name)!;
  let v = 0;
  for (let b = f.width - 1; b >= 0; b--) {
    const bit = f.lsb + b;
    v = v * 2 + (((words[bit >>> 5] ?? 0) >>> (bit & 31)) & 1);
  }
  return v * 2 ** f.shift;
}

/** Legality findings of one structure of a description (STE or CD; others have none here). */
export function legalityOfStructure(model: DescriptionModel, s: LangStructure): LangLegalityFinding[] {
  if (s.type === "ste") return steLegality(s.words, model.profile);
  if (s.type === "cd") return cdLegality(s.words, steOfCd(model, s)?.words, model.profile);
  return [];
}

/**
 * The STE of a StreamID as the SMMU would fetch it from the model's memory (a dump, raw memory):
 * linear slot, or through the L1STD for 2-level tables. Undefined when the file has no stream
 * table or the slot holds no defined word.
 */
export function steWordsFromMemory(
  model: DescriptionModel,
  sid: number,
): { words: Uint32Array; pa: number } | undefined {
  const st = model.strtab;
  if (!st || sid >= 2 ** Math.min(st.log2size, model.profile.SIDSIZE)) return undefined;
  let pa: number;
  const scratch = new Uint32Array(2);
  if (st.fmt === "linear") {
    pa = st.base + sid * 64;
  } else {
    const l1 = st.base + Math.floor(sid / 2 ** st.split) * 8;
    if (model.memory.read64(l1, scratch) !== "ok" || !model.memory.isDefined(l1)) return undefined;
    const span = small(L1STD, scratch, "Span");
    const idx = sid % 2 ** st.split;
    if (span === 0 || span > 11 || idx >= 2 ** (span - 1)) return undefined;
    const f = L1STD.byName.get("L2Ptr")!;
    const raw = getValue(scratch, f);
    pa = raw.hi * 0x1_0000_0000 + raw.lo + idx * 64;
  }
  if (!model.memory.isDefined(pa)) return undefined;
  const words = new Uint32Array(16);
  for (let d = 0; d < 8; d++) if (model.memory.read64(pa + d * 8, words, 2 * d) !== "ok") return undefined;
  return { words, pa };
}
