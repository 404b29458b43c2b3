// Engine diagnostics as Debug Console lines: `file:line: severity CODE: message`.

import { type EngineDiagnostic, formatSpan } from "../../engine/src/index";

export function formatDiagnostic(d: EngineDiagnostic): string {
  return `  ${d.span ? formatSpan(d.span) + ": " : ""}${d.severity} ${d.code}: ${d.message}`;
}
