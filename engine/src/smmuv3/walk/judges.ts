// R1's legality checks (records/: `checkSte`, `checkCd`) as the walker asks them: every finding
// (ILLEGAL ones and warnings) is kept on the result's `findings`, and the first ILLEGAL finding
// that raises C_BAD_STE / C_BAD_CD decides the fault. The walker's own guards (legality.ts) run
// after these and catch anything the walk itself cannot proceed with.

import { type LegalityFinding, checkCd, checkSte } from "../records";
import type { Walk } from "./context";

function keep(w: Walk, findings: readonly LegalityFinding[]): void {
  if (findings.length === 0) return;
  (w.findings ??= []).push(...findings);
}

/** The reason the STE is ILLEGAL according to R1's linter, or undefined. */
export function judgeSte(w: Walk, ste: Uint32Array): string | undefined {
  const findings = checkSte(ste, w.profile);
  keep(w, findings);
  const bad = findings.find((f) => f.illegal && f.event === "C_BAD_STE");
  return bad ? `${bad.code}: ${bad.message}` : undefined;
}

/** The reason the CD is ILLEGAL according to R1's linter, or undefined. */
export function judgeCd(w: Walk, cd: Uint32Array, ste: Uint32Array): string | undefined {
  const findings = checkCd(cd, w.profile, { ste });
  keep(w, findings);
  const bad = findings.find((f) => f.illegal && f.event === "C_BAD_CD");
  return bad ? `${bad.code}: ${bad.message}` : undefined;
}
