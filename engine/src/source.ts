// Where things come from: locations in the user's text, shared by every engine output.
//
// Positions are zero-based line and UTF-16 character, as in LSP, so the language server passes
// them through unchanged; `formatSpan` prints the one-based `file:line` form terminals expect.

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface SourceSpan {
  /** The file (a path or URI, as the caller named it). */
  readonly file: string;
  readonly start: Position;
  readonly end: Position;
}

export function span(file: string, line: number, character: number, endLine: number, endCharacter: number): SourceSpan {
  return { file, start: { line, character }, end: { line: endLine, character: endCharacter } };
}

/** `file:line` (one-based), or `file:line-endLine` for a multi-line span. */
export function formatSpan(s: SourceSpan): string {
  const base = s.file.replace(/^.*[\\/]/, "");
  return s.end.line > s.start.line ? `${base}:${s.start.line + 1}-${s.end.line + 1}` : `${base}:${s.start.line + 1}`;
}
