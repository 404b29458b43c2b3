// Test helpers for the dump importer: compact, exact renderings of words, spans and problems.
import type { EngineDiagnostic } from "../../src/diagnostics";
import type { SourceSpan } from "../../src/source";
import type { DumpImportResult } from "../../src/dumps/types";

/** `0x40001000=000000008e4a000b` (address, then the 16-digit qword). */
export function wordText(w: { addr: number; lo: number; hi: number }): string {
  return `0x${w.addr.toString(16)}=${w.hi.toString(16).padStart(8, "0")}${w.lo.toString(16).padStart(8, "0")}`;
}

export function wordsOf(r: DumpImportResult): string[] {
  return r.words.map(wordText);
}

/** `3:10-28` for a one-line span, `3:10-4:5` otherwise (zero-based lines, as LSP). */
export function spanText(s: SourceSpan | undefined): string {
  if (!s) return "-";
  return s.start.line === s.end.line
    ? `${s.start.line}:${s.start.character}-${s.end.character}`
    : `${s.start.line}:${s.start.character}-${s.end.line}:${s.end.character}`;
}

/** `DUMP-PARTIAL-WORD@1:12-18` */
export function problemText(p: EngineDiagnostic): string {
  return `${p.code}@${spanText(p.span)}`;
}

export function problemsOf(r: DumpImportResult): string[] {
  return r.problems.map(problemText);
}

/** The 64 bytes of dump-formats.md §0 as qwords placed at `base`. */
export function canonical(base: number, count = 8): string[] {
  const values = [
    "000000008e4a000b",
    "0000000008001000",
    "0000000000000000",
    "0000000000000000",
    "0000000000000000",
    "0000000000000000",
    "0000000000000000",
    "5354453a31303234",
  ];
  return values.slice(0, count).map((v, i) => `0x${(base + 8 * i).toString(16)}=${v}`);
}
