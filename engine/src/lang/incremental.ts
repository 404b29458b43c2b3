// Incremental analysis for an editor: the language server re-analyses a document on every change,
// and most changes touch one statement. `IncrementalAnalyzer.analyze` gives exactly what
// `analyzeDescription` gives for the same text (tested by a property test against it), but:
//   - the text is cut into top-level segments at lines that start with a top-level keyword (such a
//     line always starts a new top-level statement: a keyword even closes an unclosed block, see
//     parser.ts), and only segments whose text or first line changed are parsed again;
//   - when every re-parsed segment yields the same syntax tree and diagnostics as before (an edit
//     in a comment, trailing blanks), the previous model, lint and expectation results are kept:
//     they depend on the tree alone;
//   - an identical text returns the previous result.
// Descriptions with `include` lines always rebuild the model (the included files may have changed),
// even for an identical text. Pass the same options object (or the same readInclude function) on
// every call: other options mean a rebuild.

import type { EngineDiagnostic } from "../diagnostics";
import type { Comment } from "./lexer";
import type { ParseResult, TopNode } from "./ast";
import type { LangExpectationResult } from "./expect";
import { type LangLintOptions, analyzeDescription, analyzeParsed } from "./lint";
import { type DescriptionModel, type LangBuildOptions, LangBuildCache } from "./model";
import { TOP_LEVEL_KEYWORDS, compareDiagnosticPositions, parseDescriptionSegment } from "./parser";

export interface LangAnalysis {
  readonly parse: ParseResult;
  readonly model: DescriptionModel;
  readonly diagnostics: EngineDiagnostic[];
  readonly expectations: LangExpectationResult[];
}

/** What the last `analyze` call did (for benchmarks and tests). */
export type LangIncrementalPath = "unchanged" | "tree-unchanged" | "rebuilt";

interface Segment {
  /** Offset of the segment's first character in the text. */
  readonly startOffset: number;
  readonly firstLine: number;
  readonly text: string;
  /** The top-level keyword that starts the segment as written (undefined for the file's head). */
  readonly keyword: string | undefined;
  /** The segment parsed alone, as if the file ended after it. */
  readonly parse: ParseResult;
}

const TOP_KEYWORDS = new Set(TOP_LEVEL_KEYWORDS);
const UNCLOSED_AT_END = "this { has no matching }";

/** Keeps the previous analysis of one document and reuses what an edit did not change. Never throws. */
export class IncrementalAnalyzer {
  private previous:
    | {
        text: string;
        file: string;
        options: LangBuildOptions & LangLintOptions;
        segments: Segment[];
        result: LangAnalysis;
      }
    | undefined;
  private path: LangIncrementalPath = "rebuilt";
  /** What the model builds of this document can reuse (pagetables whose node and labels did not change). */
  private buildCache = new LangBuildCache();

  /** How the last analysis was obtained. */
  get lastPath(): LangIncrementalPath {
    return this.path;
  }

  /** Drops the cached analysis (e.g. when an included file changed on disk). */
  reset(): void {
    this.previous = undefined;
    this.buildCache = new LangBuildCache();
  }

  analyze(text: string, file: string, options: LangBuildOptions & LangLintOptions = {}): LangAnalysis {
    try {
      return this.analyzeReusing(text, file, options);
    } catch {
      // never throws: whatever went wrong in the reuse, a from-scratch analysis is the answer
      this.previous = undefined;
      this.path = "rebuilt";
      return analyzeDescription(text, file, options);
    }
  }

  private analyzeReusing(text: string, file: string, options: LangBuildOptions & LangLintOptions): LangAnalysis {
    const prev = this.previous;
    const sameContext = prev !== undefined && prev.file === file && sameOptions(prev.options, options);
    if (sameContext && prev.text === text && !hasInclude(prev.segments)) {
      this.path = "unchanged";
      return copyResult(prev.result);
    }
    const segments: Segment[] = [];
    let from = 0;
    let fromLine = 0;
    let stop: ((offset: number, line: number) => boolean) | undefined;
    let tail: Segment[] = [];
    let reusableAt: (line: number) => Segment | undefined = () => undefined;
    if (prev && prev.file === file) {
      // Only the text between the common prefix and the common suffix changed: the segments that
      // end before the changed line are kept without looking at them, and cutting stops at the
      // first segment start inside the unchanged suffix that the previous text had at the same line.
      const old = prev.text;
      const p = commonPrefixLength(old, text);
      const q = commonSuffixLength(old, text, Math.min(old.length, text.length) - p);
      const changedLine = lineStartBefore(text, p);
      const prevSegments = prev.segments;
      // the last segment that starts before the changed line (segments are in text order)
      const k = Math.max(0, firstAtOrAfter(prevSegments, 0, (x) => x.startOffset >= changedLine) - 1);
      for (let i = 0; i < k; i++) segments.push(prev.segments[i]!);
      const restart = prev.segments[k];
      if (restart) {
        from = restart.startOffset;
        fromLine = restart.firstLine;
      }
      const delta = text.length - old.length;
      stop = (offset, line) => {
        if (offset < text.length - q) return false;
        const j = firstAtOrAfter(prevSegments, k, (x) => x.startOffset >= offset - delta);
        if (
          j >= prevSegments.length ||
          prevSegments[j]!.startOffset !== offset - delta ||
          prevSegments[j]!.firstLine !== line
        )
          return false;
        tail = prev.segments.slice(j);
        if (delta !== 0) tail = tail.map((s) => ({ ...s, startOffset: s.startOffset + delta }));
        return true;
      };
      // by first line: segments an edit merely moved between others keep their parse
      reusableAt = (line) => {
        const j = firstAtOrAfter(prevSegments, k, (x) => x.firstLine >= line);
        return j < prevSegments.length && prevSegments[j]!.firstLine === line ? prevSegments[j] : undefined;
      };
    }
    for (const cut of cutSegments(text, from, fromLine, stop)) {
      const old = reusableAt(cut.firstLine);
      segments.push(
        old !== undefined && old.text === cut.text
          ? old.startOffset === cut.startOffset
            ? old
            : { ...old, startOffset: cut.startOffset }
          : { ...cut, parse: parseDescriptionSegment(cut.text, file, cut.firstLine) },
      );
    }
    for (const s of tail) segments.push(s);
    // an unchanged tree: keep the model and lint of the previous analysis
    if (sameContext && segments.length === prev.segments.length) {
      let same = true;
      for (let i = 0; i < segments.length && same; i++) {
        const a = segments[i]!;
        const b = prev.segments[i]!;
        if (a === b) continue;
        same =
          a.firstLine === b.firstLine &&
          a.keyword === b.keyword &&
          sameTree(a.parse.nodes, b.parse.nodes) &&
          sameTree(a.parse.diagnostics, b.parse.diagnostics);
        // the previous nodes stay (the model points at them); only the comments are new
        if (same) segments[i] = { ...a, parse: { ...a.parse, nodes: b.parse.nodes, diagnostics: b.parse.diagnostics } };
      }
      if (same && !hasInclude(segments)) {
        const parse = joinSegments(segments, file);
        const result: LangAnalysis = { ...prev.result, parse };
        this.previous = { text, file, options, segments, result };
        this.path = "tree-unchanged";
        return copyResult(result);
      }
    }
    const parse = joinSegments(segments, file);
    const result = analyzeParsed(parse, { ...options, buildCache: this.buildCache });
    this.previous = { text, file, options, segments, result };
    this.path = "rebuilt";
    return copyResult(result);
  }
}

function copyResult(r: LangAnalysis): LangAnalysis {
  return { parse: r.parse, model: r.model, diagnostics: [...r.diagnostics], expectations: [...r.expectations] };
}

function sameOptions(a: LangBuildOptions & LangLintOptions, b: LangBuildOptions & LangLintOptions): boolean {
  return (
    a === b ||
    (a.readInclude === b.readInclude && a.root === b.root && a.dumps === b.dumps && a.expectations === b.expectations)
  );
}

function hasInclude(segments: readonly Segment[]): boolean {
  for (const s of segments) for (const n of s.parse.nodes) if (n.kind === "include") return true;
  return false;
}

/** Index of the first segment from `from` on that satisfies `atOrAfter` (monotonic over the segments), or the length. */
function firstAtOrAfter(segments: readonly Segment[], from: number, atOrAfter: (s: Segment) => boolean): number {
  let lo = from;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (atOrAfter(segments[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The segments' parses as one ParseResult, identical to parsing the whole text. */
function joinSegments(segments: readonly Segment[], file: string): ParseResult {
  const nodes: TopNode[] = [];
  const comments: Comment[] = [];
  const diagnostics: EngineDiagnostic[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const next = segments[i + 1];
    for (const n of s.parse.nodes) nodes.push(n);
    for (const c of s.parse.comments) comments.push(c);
    for (const d of s.parse.diagnostics) {
      // parsed alone, a block left open runs to the end of the segment; in the whole file the
      // next segment's keyword closes it, and the parser names that keyword
      if (next && d.code === "LANG-UNCLOSED-BLOCK" && d.message === UNCLOSED_AT_END)
        diagnostics.push({
          ...d,
          message: `${UNCLOSED_AT_END} before '${next.keyword ?? ""}' on line ${next.firstLine + 1}`,
        });
      else diagnostics.push(d);
    }
  }
  // a statement without tokens reports at 0:0, whatever segment it is in: sort as the whole parse does
  diagnostics.sort(compareDiagnosticPositions);
  const last = segments[segments.length - 1];
  return { file, nodes, comments, diagnostics, lineCount: last ? last.parse.lineCount : 1 };
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 11 || c === 0xfeff;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46;
}

/** The top-level keyword a line starts with (as the lexer would read its first word), if any. */
function leadingKeyword(text: string, from: number): string | undefined {
  const n = text.length;
  let i = from;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  if (i >= n || !isIdentStart(text.charCodeAt(i))) return undefined;
  let j = i + 1;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (isWordChar(d) || (d === 45 && text.charCodeAt(j + 1) !== 62) || d === 43) j++;
    else break;
  }
  const word = text.slice(i, j);
  return TOP_KEYWORDS.has(word.toLowerCase()) ? word : undefined;
}

/** Cuts the text at the lines that start with a top-level keyword (line ends as the lexer reads them). */
function cutSegments(
  text: string,
  from: number,
  fromLine: number,
  /** Asked at each later keyword line; true ends the cutting there (the rest is known). */
  stop?: (offset: number, line: number) => boolean,
): { startOffset: number; firstLine: number; text: string; keyword: string | undefined }[] {
  const out: { startOffset: number; firstLine: number; text: string; keyword: string | undefined }[] = [];
  const n = text.length;
  let segStart = from;
  let segLine = fromLine;
  let segKeyword = leadingKeyword(text, from);
  let line = fromLine;
  let i = from;
  while (i < n) {
    // i is the start of line `line`
    if (i > from) {
      const kw = leadingKeyword(text, i);
      if (kw !== undefined) {
        out.push({ startOffset: segStart, firstLine: segLine, text: text.slice(segStart, i), keyword: segKeyword });
        if (stop?.(i, line)) return out;
        segStart = i;
        segLine = line;
        segKeyword = kw;
      }
    }
    let j = i;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 10 || c === 13) break;
      j++;
    }
    if (j >= n) break;
    if (text.charCodeAt(j) === 13 && text.charCodeAt(j + 1) === 10) j++;
    i = j + 1;
    line++;
  }
  out.push({ startOffset: segStart, firstLine: segLine, text: text.slice(segStart), keyword: segKeyword });
  return out;
}

/** Start of the line before the one holding `offset` (conservative: a changed CR/LF pair moves line starts). */
function lineStartBefore(text: string, offset: number): number {
  let i = Math.max(0, Math.min(offset, text.length) - 1);
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 10 || c === 13) break;
    i--;
  }
  return i;
}

const COMPARE_BLOCK = 4096;

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  // block compares first (string equality is a fast native compare), then character by character
  while (i + COMPARE_BLOCK <= n && a.slice(i, i + COMPARE_BLOCK) === b.slice(i, i + COMPARE_BLOCK)) i += COMPARE_BLOCK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix, at most `max`. */
function commonSuffixLength(a: string, b: string, max: number): number {
  let k = 0;
  const la = a.length;
  const lb = b.length;
  while (
    k + COMPARE_BLOCK <= max &&
    a.slice(la - k - COMPARE_BLOCK, la - k) === b.slice(lb - k - COMPARE_BLOCK, lb - k)
  )
    k += COMPARE_BLOCK;
  while (k < max && a.charCodeAt(la - k - 1) === b.charCodeAt(lb - k - 1)) k++;
  return k;
}

/** Structural equality of syntax trees and diagnostics (own properties; caches excluded). */
function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameTree(a[i], b[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a).filter((k) => k !== "lowerText");
  const kb = Object.keys(b).filter((k) => k !== "lowerText");
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !sameTree(ra[k], rb[k])) return false;
  return true;
}
