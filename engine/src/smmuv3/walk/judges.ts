// R1's legality checks (records/: `checkSte`, `checkCd`) as the walker asks them: every finding
// is kept on the result (`findings`), and the first ILLEGAL one that raises C_BAD_STE / C_BAD_CD
// decides the fault. Until R1's checks are committed this only keeps the walker's own guards
// (legality.ts) in charge.

import type { Walk } from "./context";

/** The reason the STE is ILLEGAL according to R1's linter, or undefined. */
export function judgeSte(_w: Walk, _ste: Uint32Array): string | undefined {
  return undefined;
}

/** The reason the CD is ILLEGAL according to R1's linter, or undefined. */
export function judgeCd(_w: Walk, _cd: Uint32Array, _ste: Uint32Array): string | undefined {
  return undefined;
}
