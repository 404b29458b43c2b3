// Legality of the structures a description defines (smmuv3.md §2.3, §4.4): is this STE or CD
// ILLEGAL, and which rule says so. Used by `expect legal|illegal` and by the linter.
//
// The judgement is R1's `checkSte` / `checkCd` (engine/src/smmuv3/records), the linters the walker
// also asks before it raises C_BAD_STE / C_BAD_CD, with the memory image for their access-flag
// scans.

import { getSmall, getValue, type StructSpec } from "../bits/fields";
import type { SmmuProfile } from "../smmuv3/profile";
import { L1STD, STE } from "../smmuv3/records/ste";
import type { U64 } from "../bits/u64";
import type { MemoryImage } from "../memory/image";
import { checkCd } from "../smmuv3/records/cd-legality";
import type { LegalityFinding } from "../smmuv3/records/legality-rules";
import { checkSte } from "../smmuv3/records/ste-legality";
import type { DescriptionModel, LangStructure } from "./model";

/** R1's LegalityFinding (engine/src/smmuv3/records/legality-rules.ts). */
export type LangLegalityFinding = LegalityFinding;

function small(spec: StructSpec, words: ArrayLike<number>, name: string): number {
  const f = spec.byName.get(name);
  return f ? getSmall(words, f) : 0;
}

/** How many descriptors the access-flag scans of R1's checks may read per structure. */
const SCAN_BUDGET = 4096;
/** And per memory image in all: a big description must not spend its lint time re-reading tables. */
const TOTAL_SCAN_BUDGET = 50_000;
const scanned = new WeakMap<MemoryImage, { reads: number }>();

function reader(memory: MemoryImage | undefined): ((addr: number) => U64 | undefined) | undefined {
  if (!memory) return undefined;
  let count = scanned.get(memory);
  if (!count) scanned.set(memory, (count = { reads: 0 }));
  if (count.reads >= TOTAL_SCAN_BUDGET) return undefined;
  const used = count;
  const out = new Uint32Array(2);
  return (addr) => {
    used.reads++;
    return memory.read64(addr, out) === "ok" ? { lo: out[0]!, hi: out[1]! } : undefined;
  };
}

/** The ILLEGAL conditions (C_BAD_STE) and warnings of an STE: R1's `checkSte`. */
export function steLegality(words: Uint32Array, profile: SmmuProfile, memory?: MemoryImage): LangLegalityFinding[] {
  const read = reader(memory);
  return checkSte(words, profile, read ? { readQword: read, maxReads: SCAN_BUDGET } : {});
}

/** The ILLEGAL conditions (C_BAD_CD) and warnings of a CD, judged with the STE that uses it: R1's `checkCd`. */
export function cdLegality(
  words: Uint32Array,
  ste: Uint32Array | undefined,
  profile: SmmuProfile,
  memory?: MemoryImage,
): LangLegalityFinding[] {
  // the stage-1 tables are at IPAs when the STE nests: the memory image holds PAs, so no scan then
  const nested = ste !== undefined && (small(STE, ste, "Config") & 2) !== 0;
  const read = nested ? undefined : reader(memory);
  return checkCd(words, profile, {
    ...(ste ? { ste } : {}),
    ...(read ? { readQword: read, maxReads: SCAN_BUDGET } : {}),
  });
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

/** One earlier judgement of a structure: valid again while its inputs and every word it read are the same. */
export interface LangLegalityMemo {
  readonly ste: Uint32Array | undefined;
  readonly profile: string;
  /** Whether the access-flag scans could read memory (the file-wide budget was not spent). */
  readonly scanned: boolean;
  /** What the scans read, in order: address, then the word's halves (-1, -1: no word there). */
  readonly reads: readonly number[];
  readonly findings: readonly LangLegalityFinding[];
}

/** One qword read back while checking a memo (a typed array per call costs more than the check). */
const VERIFY_SCRATCH = new Uint32Array(2);

const PROFILE_KEYS = new WeakMap<SmmuProfile, string>();

function profileKey(profile: SmmuProfile): string {
  let key = PROFILE_KEYS.get(profile);
  if (key === undefined) {
    key = JSON.stringify(profile, (_k, v: unknown) => (v instanceof Set || v instanceof Map ? [...v] : v));
    PROFILE_KEYS.set(profile, key);
  }
  return key;
}

/**
 * `legalityOfStructure` remembered between builds of the same document (the IncrementalAnalyzer's
 * cache, keyed by the structure's words array, which a reused encoding keeps): the findings are
 * reused when the words, the STE a CD is judged with, the profile and every memory word the
 * access-flag scans read are unchanged, and the scans' budget allows them as it did then.
 */
export function legalityOfStructureMemo(
  model: DescriptionModel,
  s: LangStructure,
  memos: WeakMap<Uint32Array, LangLegalityMemo>,
): LangLegalityFinding[] {
  if (s.type !== "ste" && s.type !== "cd") return [];
  const ste = s.type === "cd" ? steOfCd(model, s)?.words : undefined;
  const nested = ste !== undefined && (small(STE, ste, "Config") & 2) !== 0;
  const memory = model.memory;
  let count = scanned.get(memory);
  if (!count) scanned.set(memory, (count = { reads: 0 }));
  const scanning = !nested && count.reads < TOTAL_SCAN_BUDGET;
  const profile = profileKey(model.profile);
  const memo = memos.get(s.words);
  if (memo && memo.ste === ste && memo.profile === profile && memo.scanned === scanning) {
    const out = VERIFY_SCRATCH;
    let same = true;
    const r = memo.reads;
    for (let i = 0; same && i < r.length; i += 3) {
      if (memory.read64(r[i]!, out) === "ok") same = out[0] === r[i + 1] && out[1] === r[i + 2];
      else same = r[i + 1] === -1;
    }
    if (same) {
      count.reads += r.length / 3;
      return [...memo.findings];
    }
  }
  const reads: number[] = [];
  const used = count;
  const scratch = new Uint32Array(2);
  const read = scanning
    ? (addr: number): U64 | undefined => {
        used.reads++;
        if (memory.read64(addr, scratch) !== "ok") {
          reads.push(addr, -1, -1);
          return undefined;
        }
        reads.push(addr, scratch[0]!, scratch[1]!);
        return { lo: scratch[0]!, hi: scratch[1]! };
      }
    : undefined;
  const scan = read ? { readQword: read, maxReads: SCAN_BUDGET } : {};
  const findings =
    s.type === "ste"
      ? checkSte(s.words, model.profile, scan)
      : checkCd(s.words, model.profile, { ...(ste ? { ste } : {}), ...scan });
  memos.set(s.words, { ste, profile, scanned: scanning, reads, findings: [...findings] });
  return findings;
}

/** Legality findings of one structure of a description (STE or CD; others have none here). */
export function legalityOfStructure(model: DescriptionModel, s: LangStructure): LangLegalityFinding[] {
  if (s.type === "ste") return steLegality(s.words, model.profile, model.memory);
  if (s.type === "cd") return cdLegality(s.words, steOfCd(model, s)?.words, model.profile, model.memory);
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
