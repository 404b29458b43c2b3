// The engine's one diagnostic shape: language errors, legality findings, log-scanner problems and
// walk checks all speak it, and the language server maps it to LSP once.

import type { SourceSpan } from "./source";

export type Severity = "error" | "warning" | "information" | "hint";

export interface RelatedLocation {
  readonly span: SourceSpan;
  readonly message: string;
}

export interface EngineDiagnostic {
  /** Stable code, documented (`IOMMU-STE-012`, `LANG-UNKNOWN-FIELD`). Tools and tests key on it. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Where, when the input had a location. */
  readonly span?: SourceSpan;
  /** The event the hardware would raise for this (`C_BAD_STE`), when one applies. */
  readonly event?: string;
  /** The structure fields involved (`S2T0SZ`, `S2SL0`). */
  readonly fields?: readonly string[];
  /** Specification section (`SMMUv3 §5.2`). */
  readonly section?: string;
  readonly related?: readonly RelatedLocation[];
}
