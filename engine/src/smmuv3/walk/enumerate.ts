// The address-space map of a stream (and SubstreamID): every mapping, as merged IOVA -> PA ranges
// with permissions and attributes, like a page-table dump. The configuration phase is the
// walker's own (`configure`), so the map and `translate` agree on what is reachable.
//
// Robust against hostile tables: levels strictly increase, so recursion is bounded by the number
// of levels (at most 5), never by memory contents; a table reached again (shared subtree, or a
// table pointing at itself one level down) is not re-walked: its first visit's output is replayed
// at the new address; reads and output are bounded by `limits`. Nested streams enumerate stage 2
// once into sorted IPA runs, then every stage-1 table read and leaf goes through those runs.

import { type U64, u64, u64FromNumber } from "../../bits/u64";
import { readBits32 } from "../../bits/u64";
import {
  attributes,
  combineShareability,
  combineTypes,
  decodeMair,
  decodeS2MemAttr,
  shareabilityName,
} from "./attributes";
import { type Stage1Regime, Walk } from "./context";
import { levelShift } from "./geometry";
import {
  CD_F,
  DESCRIPTOR_INVALID,
  DESCRIPTOR_LEAF,
  DESCRIPTOR_TABLE,
  STE_F,
  descriptorKind,
  leafAddress,
  small,
  tableAddress,
} from "./layout";
import { PERMISSIONS, UNPRIV_R, UNPRIV_W, UNPRIV_X, stage1PermissionBits } from "./stage1";
import { configure, stage1RegimeFor } from "./translate";
import type {
  AddressMapping,
  AddressSpaceLimits,
  AddressSpaceMap,
  TranslationSetup,
  WalkAttributes,
  WalkPermissions,
} from "./types";

const DEFAULT_MAX_READS = 8_000_000;
const DEFAULT_MAX_MAPPINGS = 1_000_000;
const MAX_PROBLEMS = 50;

/** Interned permission objects, indexed by read | write << 1 | exec << 2 (merging compares identity). */
const PERMS = PERMISSIONS;

function permIndex(p: WalkPermissions): number {
  return (p.read ? 1 : 0) | (p.write ? 2 : 0) | (p.exec ? 4 : 0);
}

/**
 * Merged runs under construction, as columns (no object per run: a million scattered pages must
 * not cost a million short-lived objects). Permissions are interned indexes (priv | unpriv << 3).
 */
class RunStore {
  length = 0;
  va = new Float64Array(1024);
  size = new Float64Array(1024);
  pa = new Float64Array(1024);
  ipa = new Float64Array(1024);
  perm = new Uint8Array(1024);
  attrs: WalkAttributes[] = [];

  add(va: number, size: number, pa: number, ipa: number, perm: number, attrs: WalkAttributes): void {
    if (this.length === this.va.length) this.grow();
    const i = this.length++;
    this.va[i] = va;
    this.size[i] = size;
    this.pa[i] = pa;
    this.ipa[i] = ipa;
    this.perm[i] = perm;
    this.attrs[i] = attrs;
  }

  private grow(): void {
    const n = this.va.length * 2;
    const more = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.va = more(this.va);
    this.size = more(this.size);
    this.pa = more(this.pa);
    this.ipa = more(this.ipa);
    const perm = new Uint8Array(n);
    perm.set(this.perm);
    this.perm = perm;
  }
}

/** A stage-2 leaf run: IPA -> PA with its permissions and MemAttr. */
interface S2Run {
  ipa: number;
  size: number;
  pa: number;
  read: boolean;
  write: boolean;
  execPriv: boolean;
  execUnpriv: boolean;
  memAttr: number;
  sh: number;
}

interface Memo {
  readonly start: number;
  readonly end: number;
  readonly vaBase: number;
  readonly span: number;
}

class Enumerator {
  readonly runs = new RunStore();
  readonly s2Runs: S2Run[] = [];
  readonly problems: string[] = [];
  private readonly counts = new Map<string, number>();
  reads = 0;
  stopped = false;
  /** The next `push` starts a new range (no merge with the previous one). */
  sealed = false;
  private readonly maxReads: number;
  private readonly maxMappings: number;
  private readonly attrCache = new Map<string, WalkAttributes>();
  private readonly s1AttrCache: (WalkAttributes | undefined)[] = new Array<WalkAttributes | undefined>(1 << 13);
  private lastS2 = 0;

  constructor(
    readonly w: Walk,
    limits: AddressSpaceLimits,
  ) {
    this.maxReads = limits.maxReads ?? DEFAULT_MAX_READS;
    this.maxMappings = limits.maxMappings ?? DEFAULT_MAX_MAPPINGS;
  }

  problem(text: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text);
  }

  /** Counts an event per kind; summarised once at the end. */
  count(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  summarise(): void {
    for (const [kind, n] of this.counts) this.problem(`${n} × ${kind}`);
  }

  /** Reads a descriptor into scratch; false (and counted) when the budget is spent or it aborts. */
  private read(pa: number, bigEndian: boolean, what: string): boolean {
    if (this.reads >= this.maxReads) {
      if (!this.stopped)
        this.problem(`stopped after ${this.maxReads} descriptor reads (limits.maxReads): the map is incomplete`);
      this.stopped = true;
      return false;
    }
    this.reads++;
    if (this.w.read(pa, bigEndian)) return true;
    this.count(`external abort reading a ${what} (F_WALK_EABT)`);
    return false;
  }

  // ---- stage 2 --------------------------------------------------------------------------------

  /** Enumerates the whole stage-2 IPA space into `s2Runs` (sorted, merged). */
  stage2All(): void {
    const r = this.w.s2!;
    this.walkS2(r.base, r.geo.startLevel, 0);
  }

  private walkS2(table: number, level: number, ipaBase: number): void {
    const r = this.w.s2!;
    const L = r.layout;
    const geo = r.geo;
    const shift = levelShift(geo.g, level);
    const entries = 2 ** (level === geo.startLevel ? geo.startBits : geo.stride);
    const blockSize = 2 ** shift;
    const oaLimit = 2 ** r.oaBits;
    const xnx = this.w.profile.XNX === 1;
    for (let i = 0; i < entries && !this.stopped; i++) {
      if (!this.read(table + i * 8, r.bigEndian, "stage-2 descriptor")) continue;
      const scratch = this.w.scratch;
      const kind = descriptorKind(scratch, L, level);
      if (kind === DESCRIPTOR_INVALID) continue;
      const ipa = ipaBase + i * blockSize;
      if (kind === DESCRIPTOR_TABLE) {
        const next = tableAddress(scratch, L);
        if (next >= oaLimit) {
          this.count("stage-2 table address beyond S2PS (F_ADDR_SIZE)");
          continue;
        }
        this.walkS2(next, level + 1, ipa);
        continue;
      }
      if (kind !== DESCRIPTOR_LEAF) {
        this.count("stage-2 Reserved or misplaced block descriptor (F_TRANSLATION)");
        continue;
      }
      const oa = leafAddress(scratch, L, level);
      if (oa >= oaLimit) {
        this.count("stage-2 output beyond S2PS (F_ADDR_SIZE)");
        continue;
      }
      if (small(scratch, L.af) === 0 && !r.ha && !r.affd) {
        this.count("stage-2 leaf with AF 0 (F_ACCESS)");
        continue;
      }
      const s2ap = small(scratch, L.s2ap!);
      const xn = small(scratch, L.xn!);
      this.pushS2({
        ipa,
        size: blockSize,
        pa: oa,
        read: (s2ap & 1) !== 0,
        write: (s2ap & 2) !== 0 || (r.hd && small(scratch, L.dbm) === 1),
        execPriv: xnx ? xn === 0 || xn === 3 : xn < 2,
        execUnpriv: xnx ? xn === 0 || xn === 1 : xn < 2,
        memAttr: small(scratch, L.memAttr!),
        sh: L.sh ? small(scratch, L.sh) : r.leafSh,
      });
    }
  }

  private pushS2(run: S2Run): void {
    const last = this.s2Runs[this.s2Runs.length - 1];
    if (
      last &&
      last.ipa + last.size === run.ipa &&
      last.pa + last.size === run.pa &&
      last.read === run.read &&
      last.write === run.write &&
      last.execPriv === run.execPriv &&
      last.execUnpriv === run.execUnpriv &&
      last.memAttr === run.memAttr &&
      last.sh === run.sh
    ) {
      last.size += run.size;
      return;
    }
    this.s2Runs.push(run);
  }

  /** Index of the stage-2 run holding `ipa`, or -1. */
  findS2(ipa: number): number {
    const runs = this.s2Runs;
    const hint = runs[this.lastS2];
    if (hint && ipa >= hint.ipa && ipa < hint.ipa + hint.size) return this.lastS2;
    let lo = 0;
    let hi = runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = runs[mid]!;
      if (ipa < r.ipa) hi = mid - 1;
      else if (ipa >= r.ipa + r.size) lo = mid + 1;
      else {
        this.lastS2 = mid;
        return mid;
      }
    }
    return -1;
  }

  /** Index of the first stage-2 run starting at or after `ipa` (binary search). */
  private firstS2At(ipa: number): number {
    let lo = 0;
    let hi = this.s2Runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.s2Runs[mid]!.ipa < ipa) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** PA of a stage-1 descriptor IPA through stage 2 (a read: needs S2AP read; S2PTW forbids Device). */
  private tablePa(ipa: number): number {
    const i = this.findS2(ipa);
    if (i < 0) {
      this.count("stage-1 table IPA not mapped at stage 2 (F_TRANSLATION CLASS=TT)");
      return -1;
    }
    const run = this.s2Runs[i]!;
    if (!run.read || (this.w.s2!.ptw && decodeS2MemAttr(run.memAttr, this.w.s2!.fwb).device >= 0)) {
      this.count("stage-1 table not readable at stage 2 (F_PERMISSION CLASS=TT)");
      return -1;
    }
    return run.pa + (ipa - run.ipa);
  }

  // ---- stage 1 ----------------------------------------------------------------------------------

  stage1(regime: Stage1Regime, via: string): void {
    this.walkS1(regime, via, regime.base, regime.geo.startLevel, 0, 0, new Map());
  }

  /** `inherit`: APTable | UXNTable << 2 | PXNTable << 3 accumulated above this table. */
  private walkS1(
    r: Stage1Regime,
    via: string,
    table: number,
    level: number,
    vaBase: number,
    inherit: number,
    memo: Map<string, Memo>,
  ): void {
    const geo = r.geo;
    const shift = levelShift(geo.g, level);
    const entries = 2 ** (level === geo.startLevel ? geo.startBits : geo.stride);
    const blockSize = 2 ** shift;
    const key = `${table}/${level}/${inherit}`;
    const seen = memo.get(key);
    if (seen) {
      this.replay(seen, vaBase);
      return;
    }
    const start = Math.max(0, this.runs.length - 1);
    const L = r.layout;
    const nested = this.w.s2 !== undefined;
    const oaLimit = 2 ** r.oaBits;
    const scratch = this.w.scratch;
    for (let i = 0; i < entries && !this.stopped; i++) {
      const descIpa = table + i * 8;
      const pa = nested ? this.tablePa(descIpa) : descIpa;
      if (pa < 0) continue;
      if (!this.read(pa, r.bigEndian, "stage-1 descriptor")) continue;
      const kind = descriptorKind(scratch, L, level);
      if (kind === DESCRIPTOR_INVALID) continue;
      const va = vaBase + i * blockSize;
      if (kind === DESCRIPTOR_TABLE) {
        const next = tableAddress(scratch, L);
        if (next >= oaLimit) {
          this.count("stage-1 table address beyond IPS (F_ADDR_SIZE)");
          continue;
        }
        let inh = inherit;
        if (!r.had) {
          inh |= small(scratch, L.apTable!);
          if (small(scratch, L.uxnTable!)) inh |= 4;
          if (!r.singlePrivilege && small(scratch, L.pxnTable!)) inh |= 8;
        }
        this.walkS1(r, via, next, level + 1, va, inh, memo);
        continue;
      }
      if (kind !== DESCRIPTOR_LEAF) {
        this.count("stage-1 Reserved or misplaced block descriptor (F_TRANSLATION)");
        continue;
      }
      const oa = leafAddress(scratch, L, level);
      if (oa >= oaLimit) {
        this.count("stage-1 output beyond IPS (F_ADDR_SIZE)");
        continue;
      }
      if (small(scratch, L.af) === 0 && !r.ha && !r.affd) {
        this.count("stage-1 leaf with AF 0 (F_ACCESS)");
        continue;
      }
      let bits = stage1PermissionBits(
        small(scratch, L.ap!),
        inherit & 3,
        small(scratch, L.uxn!) === 1,
        !r.singlePrivilege && small(scratch, L.pxn!) === 1,
        (inherit & 4) !== 0,
        (inherit & 8) !== 0,
        r.wxn,
        r.singlePrivilege,
        r.hd && small(scratch, L.dbm) === 1 && (inherit & 2) === 0,
      );
      // PAN: privileged data access to an EL0-accessible page faults (§5.5).
      if (r.pan && (bits & (UNPRIV_R | UNPRIV_W | (r.epan ? UNPRIV_X : 0))) !== 0) bits &= ~3;
      const attrIndx = small(scratch, L.attrIndx!);
      const sh = L.sh ? small(scratch, L.sh) : r.leafSh;
      const nG = small(scratch, L.nG!);
      if (!nested) {
        this.push(
          va,
          blockSize,
          oa,
          oa,
          PERMS[bits & 7]!,
          PERMS[(bits >>> 3) & 7]!,
          this.s1Attrs(r, attrIndx, sh, nG, -1, 0),
        );
      } else {
        this.throughStage2(r, va, blockSize, oa, bits, attrIndx, sh, nG);
      }
    }
    memo.set(key, { start, end: this.runs.length, vaBase, span: entries * blockSize });
  }

  /** Splits a stage-1 leaf [ipa, ipa + size) over the stage-2 runs it meets. */
  private throughStage2(
    r: Stage1Regime,
    va: number,
    size: number,
    ipa: number,
    bits: number,
    attrIndx: number,
    sh: number,
    nG: number,
  ): void {
    const end = ipa + size;
    let i = this.findS2(ipa);
    if (i < 0) {
      // The leaf starts in a stage-2 hole: continue from the first run starting inside it.
      i = this.firstS2At(ipa);
      if (i >= this.s2Runs.length || this.s2Runs[i]!.ipa >= end) {
        this.count("stage-1 output IPA not mapped at stage 2 (F_TRANSLATION CLASS=IN)");
        return;
      }
      this.count("stage-1 output partly not mapped at stage 2 (F_TRANSLATION CLASS=IN)");
    }
    for (; i < this.s2Runs.length; i++) {
      const s = this.s2Runs[i]!;
      if (s.ipa >= end) break;
      const from = Math.max(ipa, s.ipa);
      const to = Math.min(end, s.ipa + s.size);
      if (to <= from) continue;
      const s2Bits = (s.read ? 1 : 0) | (s.write ? 2 : 0);
      const p = PERMS[bits & 7 & (s2Bits | (s.execPriv ? 4 : 0))]!;
      const u = PERMS[(bits >>> 3) & 7 & (s2Bits | (s.execUnpriv ? 4 : 0))]!;
      this.push(
        va + (from - ipa),
        to - from,
        s.pa + (from - s.ipa),
        from,
        p,
        u,
        this.s1Attrs(r, attrIndx, sh, nG, s.memAttr, s.sh),
      );
    }
  }

  private s1Attrs(
    r: Stage1Regime,
    attrIndx: number,
    sh: number,
    nG: number,
    s2MemAttr: number,
    s2Sh: number,
  ): WalkAttributes {
    // AttrIndx 3 bits, SH 2, nG 1, MemAttr + 1 (0 = no stage 2) 5, stage-2 SH 2: a 13-bit key.
    const key = attrIndx | (sh << 3) | (nG << 5) | ((s2MemAttr + 1) << 6) | (s2Sh << 11);
    const found = this.s1AttrCache[key];
    if (found) return found;
    const cd = this.w.cdWords!;
    const mair = readBits32(cd, r.mair0.lsb + 8 * attrIndx, 8);
    const s1Type = decodeMair(mair);
    const s1Sh = shareabilityName(s1Type, sh);
    let attrs: WalkAttributes;
    if (s2MemAttr < 0) {
      attrs = attributes(s1Type, s1Sh, { attrIndx, mair, nG: nG === 1, asid: r.asid });
    } else {
      const fwb = this.w.s2!.fwb;
      const s2Type = decodeS2MemAttr(s2MemAttr, fwb);
      const type = combineTypes(s1Type, s2Type, fwb ? s2MemAttr : undefined);
      const both =
        type.device >= 0 || (type.inner === 0 && type.outer === 0)
          ? "outer"
          : combineShareability(s1Sh, shareabilityName(s2Type, s2Sh));
      attrs = attributes(type, both, { attrIndx, mair, s2MemAttr, nG: nG === 1, asid: r.asid, vmid: this.w.s2!.vmid });
    }
    this.s1AttrCache[key] = attrs;
    return attrs;
  }

  s2Attrs(s: S2Run): WalkAttributes {
    const key = `s2/${s.memAttr}/${s.sh}`;
    const found = this.attrCache.get(key);
    if (found) return found;
    const t = decodeS2MemAttr(s.memAttr, this.w.s2!.fwb);
    const attrs = attributes(t, shareabilityName(t, s.sh), { s2MemAttr: s.memAttr, vmid: this.w.s2!.vmid });
    this.attrCache.set(key, attrs);
    return attrs;
  }

  /** Appends a range, merging it into the previous one when contiguous in IOVA, IPA and PA with equal attributes. */
  push(
    va: number,
    size: number,
    pa: number,
    ipa: number,
    priv: WalkPermissions,
    unpriv: WalkPermissions,
    attrs: WalkAttributes,
  ): void {
    const perm = permIndex(priv) | (permIndex(unpriv) << 3);
    const runs = this.runs;
    const last = runs.length - 1;
    if (
      !this.sealed &&
      last >= 0 &&
      runs.va[last]! + runs.size[last]! === va &&
      runs.pa[last]! + runs.size[last]! === pa &&
      runs.ipa[last]! + runs.size[last]! === ipa &&
      runs.perm[last] === perm &&
      runs.attrs[last] === attrs
    ) {
      runs.size[last]! += size;
      return;
    }
    this.sealed = false;
    if (runs.length >= this.maxMappings) {
      if (!this.stopped)
        this.problem(`stopped at ${this.maxMappings} mappings (limits.maxMappings): the map is incomplete`);
      this.stopped = true;
      return;
    }
    runs.add(va, size, pa, ipa, perm, attrs);
  }

  /** Re-emits a table's first-visit output at a new input address (shared subtree). */
  private replay(m: Memo, vaBase: number): void {
    const delta = vaBase - m.vaBase;
    const lo = m.vaBase;
    const hi = m.vaBase + m.span;
    const runs = this.runs;
    for (let i = m.start; i < m.end && !this.stopped; i++) {
      const va = runs.va[i]!;
      const from = Math.max(va, lo);
      const to = Math.min(va + runs.size[i]!, hi);
      if (to <= from) continue;
      const perm = runs.perm[i]!;
      this.push(
        from + delta,
        to - from,
        runs.pa[i]! + (from - va),
        runs.ipa[i]! + (from - va),
        PERMS[perm & 7]!,
        PERMS[perm >>> 3]!,
        runs.attrs[i]!,
      );
    }
  }
}

/** A TTB1 input address: the low `ia` bits with every bit above them set. */
function ttb1Address(va: number, ia: number): U64 {
  if (ia >= 32) {
    const hiLow = Math.floor(va / 0x1_0000_0000);
    const fill = ia >= 64 ? 0 : ~((2 ** (ia - 32) - 1) >>> 0) >>> 0;
    return u64(va >>> 0, (hiLow | fill) >>> 0);
  }
  return u64((va | ~((2 ** ia - 1) >>> 0)) >>> 0, 0xffff_ffff);
}

/**
 * Every mapping of (StreamID, SubstreamID) as merged ranges. A stream that faults before any walk
 * (bad STE, C_BAD_CD, ...) or aborts gives no mappings and says why in `problems`; so does one
 * the walker does not model ("cannot map this stream: not modelled: ..."). Never throws.
 */
export function enumerateAddressSpace(
  setup: TranslationSetup,
  sid: number,
  ssid?: number,
  limits: AddressSpaceLimits = {},
): AddressSpaceMap {
  const w = new Walk(
    setup,
    { sid, ...(ssid !== undefined ? { ssid } : {}), iova: u64(0, 0), access: "read", privileged: true },
    false,
  );
  try {
    return enumerate(w, limits);
  } catch (e) {
    return {
      mappings: [],
      problems: [`internal error in the enumerator: ${e instanceof Error ? e.message : String(e)}`],
      reads: 0,
    };
  }
}

function enumerate(w: Walk, limits: AddressSpaceLimits): AddressSpaceMap {
  const c = configure(w);
  if ("outcome" in c) {
    if (c.outcome === "not-modelled") {
      // A legal stream the walker cannot map: say so, rather than an empty map that looks final.
      const problem = `cannot map this stream: ${c.reason ?? "not modelled"} (its mappings are unknown, not absent)`;
      return { mappings: [], problems: [problem], reads: 0 };
    }
    const why = c.fault ? `${c.fault.event}: ${c.fault.reason}` : (c.reason ?? c.outcome);
    return { mappings: [], problems: [`no translation for this stream: ${why}`], reads: 0 };
  }
  const e = new Enumerator(w, limits);
  const mappings: AddressMapping[] = [];
  if (c.s2On) e.stage2All();
  if (c.kind === "s1-bypassed") {
    if (!c.s2On) {
      // Config 0b100: both stages bypassed, input up to OAS; S1DSS 0b01 without stage 2: IAS (§5.6).
      const bits = (small(w.steWords!, STE_F.Config) & 1) === 0 ? w.profile.OAS : w.profile.IAS;
      const attrs: WalkAttributes = { memType: "incoming", sh: "incoming" };
      mappings.push({
        iova: u64(0, 0),
        iovaNumber: 0,
        size: 2 ** bits,
        pa: 0,
        priv: PERMS[7]!,
        unpriv: PERMS[7]!,
        attrs,
        via: "bypass",
      });
      return { mappings, problems: e.problems, reads: 0 };
    }
    const limit = 2 ** w.profile.IAS;
    for (const s of e.s2Runs) {
      if (s.ipa >= limit) break;
      const p = PERMS[permIndex({ read: s.read, write: s.write, exec: s.execPriv })]!;
      const u = PERMS[permIndex({ read: s.read, write: s.write, exec: s.execUnpriv })]!;
      e.push(s.ipa, Math.min(s.size, limit - s.ipa), s.pa, s.ipa, p, u, e.s2Attrs(s));
    }
    e.summarise();
    const runs = e.runs;
    for (let i = 0; i < runs.length; i++) {
      const perm = runs.perm[i]!;
      mappings.push({
        iova: u64FromNumber(runs.va[i]!),
        iovaNumber: runs.va[i]!,
        size: runs.size[i]!,
        pa: runs.pa[i]!,
        priv: PERMS[perm & 7]!,
        unpriv: PERMS[perm >>> 3]!,
        attrs: runs.attrs[i]!,
        via: "S2",
      });
    }
    return { mappings, problems: e.problems, reads: e.reads };
  }
  const cd = w.cdWords!;
  const halves: (0 | 1)[] = c.singlePrivilege ? [0] : [0, 1];
  for (const which of halves) {
    // EPDx disables a half, except in the single-range NS-EL2 StreamWorld where it is IGNORED (§2.2).
    if (!c.singlePrivilege && small(cd, which === 0 ? CD_F.EPD0 : CD_F.EPD1) === 1) continue;
    const regime = stage1RegimeFor(w, cd, which, c.singlePrivilege);
    if (typeof regime === "string") {
      e.problem(`TTB${which}: ${regime}`);
      continue;
    }
    const first = e.runs.length;
    e.stage1(regime, regime.ttbName);
    const ia = regime.geo.ia;
    const runs = e.runs;
    const via = regime.ttbName;
    for (let i = first; i < runs.length; i++) {
      const va = runs.va[i]!;
      const iova = which === 1 ? ttb1Address(va, ia) : u64FromNumber(va);
      const perm = runs.perm[i]!;
      const priv = PERMS[perm & 7]!;
      const unpriv = PERMS[perm >>> 3]!;
      const attrs = runs.attrs[i]!;
      const size = runs.size[i]!;
      const pa = runs.pa[i]!;
      // Two literal shapes (no spread): this loop runs once per range, up to millions of times.
      mappings.push(
        c.s2On
          ? { iova, iovaNumber: va, size, pa, ipa: runs.ipa[i]!, priv, unpriv, attrs, via }
          : { iova, iovaNumber: va, size, pa, priv, unpriv, attrs, via },
      );
    }
    // Ranges of the two halves must not merge with each other.
    e.sealed = true;
  }
  e.summarise();
  return { mappings, problems: e.problems, reads: e.reads };
}
