// R1's legality checks (records/: `checkSte`, `checkCd`) as the walker asks them: every finding
// (ILLEGAL ones and warnings) is kept on the result's `findings`, and the first ILLEGAL finding
// that raises C_BAD_STE / C_BAD_CD decides the fault. The walker's own guards (legality.ts) run
// after these and catch what the walk itself cannot proceed with: they are never stricter than
// these linters (engine/test/walk/guard-consistency.test.ts) and name what the walker does not
// model ("not modelled: ...": VMSAv8-32/VMSAv9-128 tables, Secure/Realm streams, permission
// indirection), which `translate` ends with outcome "not-modelled", never with a C_BAD_* fault.
//
// A judgment is a pure function of the words and the profile, so the last one of each kind is
// remembered: repeated walks of one stream (benchmarks, the address-space map, a debugger
// stepping) do not re-lint identical structures. A linter defect never stops a walk: it becomes
// a warning finding and the walker's own guards decide.

import type { SmmuProfile } from "../profile";
import { type LegalityFinding, checkCd, checkSte } from "../records";
import type { Walk } from "./context";

interface Judged {
  readonly profile: SmmuProfile;
  /** SMMU_CR2.E2H the CD was judged with (the STE judgment does not depend on it). */
  readonly e2h: boolean;
  /** STE words (16 halves), then for a CD judgment the CD words (16 more). */
  readonly words: Uint32Array;
  readonly findings: readonly LegalityFinding[];
}

let lastSte: Judged | undefined;
let lastCd: Judged | undefined;

function same(j: Judged | undefined, profile: SmmuProfile, e2h: boolean, a: Uint32Array, b?: Uint32Array): j is Judged {
  if (!j || j.profile !== profile || j.e2h !== e2h) return false;
  for (let i = 0; i < 16; i++) if (j.words[i] !== (a[i] ?? 0)) return false;
  if (b) for (let i = 0; i < 16; i++) if (j.words[16 + i] !== (b[i] ?? 0)) return false;
  return true;
}

function snapshot(a: Uint32Array, b?: Uint32Array): Uint32Array {
  const words = new Uint32Array(b ? 32 : 16);
  words.set(a.subarray(0, 16));
  if (b) words.set(b.subarray(0, 16), 16);
  return words;
}

function linterFailed(what: string, e: unknown): LegalityFinding[] {
  const message = `the ${what} linter failed (${e instanceof Error ? e.message : String(e)}); only the walker's own checks were applied`;
  return [{ code: "WALK-LINTER-FAILED", severity: "warning", illegal: false, fields: [], message, section: "" }];
}

function keep(w: Walk, findings: readonly LegalityFinding[]): void {
  if (findings.length === 0) return;
  (w.findings ??= []).push(...findings);
}

/** The reason the STE is ILLEGAL according to R1's linter, or undefined. */
export function judgeSte(w: Walk, ste: Uint32Array): string | undefined {
  let findings: readonly LegalityFinding[];
  if (same(lastSte, w.profile, true, ste)) findings = lastSte.findings;
  else {
    try {
      findings = checkSte(ste, w.profile);
    } catch (e) {
      findings = linterFailed("STE", e);
    }
    lastSte = { profile: w.profile, e2h: true, words: snapshot(ste), findings };
  }
  keep(w, findings);
  const bad = findings.find((f) => f.illegal && f.event === "C_BAD_STE");
  return bad ? `${bad.code}: ${bad.message}` : undefined;
}

/** The reason the CD is ILLEGAL according to R1's linter, or undefined. */
export function judgeCd(w: Walk, cd: Uint32Array, ste: Uint32Array): string | undefined {
  let findings: readonly LegalityFinding[];
  const e2h = effectiveE2h(w);
  if (same(lastCd, w.profile, e2h, ste, cd)) findings = lastCd.findings;
  else {
    try {
      findings = checkCd(cd, w.profile, { ste, e2h });
    } catch (e) {
      findings = linterFailed("CD", e);
    }
    lastCd = { profile: w.profile, e2h, words: snapshot(ste, cd), findings };
  }
  keep(w, findings);
  const bad = findings.find((f) => f.illegal && f.event === "C_BAD_CD");
  return bad ? `${bad.code}: ${bad.message}` : undefined;
}

/** SMMU_CR2.E2H for this walk: the setup's override, else the profile's. */
export function effectiveE2h(w: Walk): boolean {
  return w.setup.e2h ?? w.profile.E2H === 1;
}
