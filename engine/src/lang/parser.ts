// The `.iommu` parser: tokens → statements and blocks → typed nodes (docs/language.md).
//
// Error-tolerant by construction: a statement ends at a newline or `;`, so a mistake costs one
// diagnostic and the parser resumes at the next statement. A block left open is closed at the
// next top-level keyword (reported once, at its `{`). Never throws; linear in the input.

import type { U64 } from "../bits/u64";
import type { EngineDiagnostic } from "../diagnostics";
import type {
  ExpectLegalNode,
  ExpectTranslateNode,
  FieldStmt,
  IdentLit,
  LabelRef,
  LangRange,
  MapAttr,
  MapStmt,
  NumberLit,
  ParseResult,
  Placement,
  StrtabStmt,
  StructType,
  TopNode,
  Value,
  WordsStmt,
} from "./ast";
import { Lexer, type Token } from "./lexer";

/** Statement keywords allowed at the top level; one of them inside a block closes it. */
export const TOP_LEVEL_KEYWORDS: readonly string[] = [
  "smmu",
  "ste",
  "cd",
  "l1std",
  "l1cd",
  "pagetable",
  "memory",
  "abort",
  "label",
  "register",
  "event",
  "include",
  "expect",
];
const TOP_SET = new Set(TOP_LEVEL_KEYWORDS);

/** `map` attributes whose value is a word (`ap rw`, `sh ish`). */
const WORD_VALUED_ATTRS = new Set(["ap", "sh", "s2ap"]);

interface RawBlock {
  readonly open: Token;
  readonly stmts: RawStmt[];
  close?: Token;
}

interface RawStmt {
  readonly tokens: Token[];
  block?: RawBlock;
}

/** A shape error: reported once for the statement, which is then dropped. */
class StatementError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly range: LangRange,
  ) {
    super(message);
  }
}

function tokenRange(t: Token): LangRange {
  return { start: { line: t.line, character: t.start }, end: { line: t.line, character: t.end } };
}

function joinRange(a: LangRange, b: LangRange): LangRange {
  return { start: a.start, end: b.end };
}

function stmtRange(s: RawStmt): LangRange {
  const first = s.tokens[0] ?? s.block?.open;
  if (!first) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const last = lastTokenOf(s, first);
  return { start: { line: first.line, character: first.start }, end: { line: last.line, character: last.end } };
}

/** The token a statement's range ends at: its block's `}`, else its block's last statement, else its last token. */
function lastTokenOf(s: RawStmt, first: Token): Token {
  const b = s.block;
  if (b) {
    if (b.close) return b.close;
    const inner = b.stmts.length ? b.stmts[b.stmts.length - 1] : undefined;
    if (inner) {
      const innerFirst = inner.tokens[0] ?? inner.block?.open;
      if (innerFirst) return lastTokenOf(inner, innerFirst);
    }
  }
  return s.tokens.length ? s.tokens[s.tokens.length - 1]! : first;
}

/** Parses a description. Never throws. */
export function parseDescription(text: string, file: string): ParseResult {
  return parseDescriptionSegment(text, file, 0);
}

/**
 * Parses `text` as the part of a file that starts at line `firstLine` (positions are the file's).
 * The incremental analyzer parses a file this way, one top-level segment at a time.
 */
export function parseDescriptionSegment(text: string, file: string, firstLine: number): ParseResult {
  const lexer = new Lexer(text, firstLine);
  const diagnostics: EngineDiagnostic[] = [];
  const report = (code: string, message: string, range: LangRange): void => {
    diagnostics.push({ code, severity: "error", message, span: { file, start: range.start, end: range.end } });
  };
  const nodes: TopNode[] = [];
  // one token of lookahead over the incremental lexer
  let current: Token | undefined = lexer.next();
  const advance = (): void => {
    current = lexer.next();
  };

  // ---- pass 1: statements and blocks; pass 2 (shaping) runs per top-level statement ----
  const parseStatements = (block: RawBlock | undefined, onTop: ((s: RawStmt) => void) | undefined): RawStmt[] => {
    const out: RawStmt[] = [];
    let held: RawStmt | undefined; // the last top-level statement, kept until we know no `{` follows on the next line
    const emit = (s: RawStmt): void => {
      if (onTop) {
        if (held) onTop(held);
        held = s;
      } else out.push(s);
    };
    const flush = (): void => {
      if (held && onTop) onTop(held);
      held = undefined;
    };
    for (;;) {
      const t = current;
      if (t === undefined) {
        if (block) report("LANG-UNCLOSED-BLOCK", "this { has no matching }", tokenRange(block.open));
        flush();
        return out;
      }
      if (t.kind === "newline" || t.kind === "semi") {
        advance();
        continue;
      }
      if (t.kind === "rbrace") {
        advance();
        if (block) {
          block.close = t;
          return out;
        }
        report("LANG-UNMATCHED-BRACE", "this } closes no block", tokenRange(t));
        continue;
      }
      if (block && t.kind === "ident" && TOP_SET.has(t.text.toLowerCase())) {
        report(
          "LANG-UNCLOSED-BLOCK",
          `this { has no matching } before '${t.text}' on line ${t.line + 1}`,
          tokenRange(block.open),
        );
        return out;
      }
      const stmt: RawStmt = { tokens: [] };
      for (;;) {
        const u = current;
        if (u === undefined || u.kind === "newline" || u.kind === "semi" || u.kind === "rbrace") break;
        if (u.kind === "lbrace") {
          advance();
          const inner: RawBlock = { open: u, stmts: [] };
          if (block) {
            // blocks do not nest in this language: parse the inner one but report it
            report("LANG-SYNTAX", "blocks do not nest: this { is inside another block", tokenRange(u));
          }
          inner.stmts.push(...parseStatements(inner, undefined));
          stmt.block = inner;
          break;
        }
        stmt.tokens.push(u);
        advance();
      }
      // a `{` on the line after its header belongs to the header
      const prev = onTop ? held : out[out.length - 1];
      if (stmt.tokens.length === 0 && stmt.block && prev && !prev.block) prev.block = stmt.block;
      else emit(stmt);
    }
  };
  parseStatements(undefined, (s) => {
    try {
      const node = shapeTop(s, report);
      if (node) nodes.push(node);
    } catch (e: unknown) {
      if (e instanceof StatementError) report(e.code, e.message, e.range);
      else report("LANG-SYNTAX", `internal parser problem: ${String(e)}`, stmtRange(s));
    }
  });
  // Position order (not discovery order: a statement is shaped only once the next one has been
  // read), so a file parsed in segments reports exactly what a whole parse reports.
  diagnostics.sort(compareDiagnosticPositions);
  return { file, nodes, comments: lexer.comments, diagnostics, lineCount: lexer.lineCount };
}

/** Position order for diagnostics (then code and message: a total order). */
export function compareDiagnosticPositions(a: EngineDiagnostic, b: EngineDiagnostic): number {
  const none = { line: -1, character: -1 };
  const as = a.span?.start ?? none;
  const bs = b.span?.start ?? none;
  const ae = a.span?.end ?? none;
  const be = b.span?.end ?? none;
  return (
    as.line - bs.line ||
    as.character - bs.character ||
    ae.line - be.line ||
    ae.character - be.character ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

// ---- shaping helpers ----

type Report = (code: string, message: string, range: LangRange) => void;

class Cursor {
  private i = 0;
  constructor(
    readonly tokens: readonly Token[],
    /** Where "end of statement" errors point: a range, or the statement's tokens (built only when needed). */
    private readonly end: LangRange | readonly Token[],
  ) {}
  get endRange(): LangRange {
    return isTokenList(this.end) ? endRangeOfTokens(this.end) : this.end;
  }
  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }
  next(): Token | undefined {
    return this.tokens[this.i++];
  }
  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }
  peekWord(): string | undefined {
    const t = this.peek();
    return t && t.kind === "ident" ? t.text.toLowerCase() : undefined;
  }
  fail(message: string, t: Token | undefined = this.peek()): never {
    if (t && t.kind === "number" && t.problem) throw new StatementError("LANG-BAD-NUMBER", t.problem, tokenRange(t));
    if (t && t.kind === "error") {
      if (t.problem === "unterminated string")
        throw new StatementError("LANG-UNTERMINATED-STRING", "this string has no closing quote", tokenRange(t));
      throw new StatementError("LANG-SYNTAX", `unexpected character '${t.text}': ${message}`, tokenRange(t));
    }
    const range = t ? tokenRange(t) : this.endRange;
    throw new StatementError(
      "LANG-SYNTAX",
      t ? `${message}, found '${t.text}'` : `${message} at the end of the statement`,
      range,
    );
  }
  number(what: string): NumberLit {
    const t = this.peek();
    if (!t || t.kind !== "number" || !t.value) this.fail(`expected ${what}`);
    this.i++;
    return numberLit(t);
  }
  ident(what: string): IdentLit {
    const t = this.peek();
    if (!t || t.kind !== "ident") this.fail(`expected ${what}`);
    this.i++;
    return identLit(t);
  }
  keyword(word: string): IdentLit {
    const t = this.peek();
    if (!t || t.kind !== "ident" || t.text.toLowerCase() !== word) this.fail(`expected '${word}'`);
    this.i++;
    return identLit(t);
  }
  /** `@addr`, `@label [+ off]` or `@ipa <addr>`. */
  placement(): Placement {
    const t = this.peek();
    if (t && t.kind === "at") {
      this.i++;
      const n = this.number("an address after @");
      return { space: "pa", addr: n, range: joinRange(tokenRange(t), n.range) };
    }
    if (t && t.kind === "label" && t.text.toLowerCase() === "@ipa") {
      this.i++;
      const addr = this.addressValue("an IPA after @ipa");
      return { space: "ipa", addr, range: joinRange(tokenRange(t), addr.range) };
    }
    if (t && t.kind === "label") {
      const l = this.labelRef();
      return { space: "pa", addr: l, range: l.range };
    }
    this.fail("expected a placement (@address, @label or @ipa address)");
  }
  isPlacement(): boolean {
    const t = this.peek();
    return t !== undefined && (t.kind === "at" || t.kind === "label");
  }
  labelRef(): LabelRef {
    const t = this.next()!;
    const name = t.text.slice(1);
    const plus = this.peek();
    if (plus && plus.kind === "plus") {
      this.i++;
      const off = this.number("an offset after +");
      return { kind: "label", name, offset: off, range: joinRange(tokenRange(t), off.range) };
    }
    return { kind: "label", name, range: tokenRange(t) };
  }
  /** A number, `@number` or a label (address positions). */
  addressValue(what: string): NumberLit | LabelRef {
    const t = this.peek();
    if (t && t.kind === "label") return this.labelRef();
    if (t && t.kind === "at") {
      this.i++;
      return this.number(what);
    }
    return this.number(what);
  }
  value(what: string): Value {
    const t = this.peek();
    if (t && t.kind === "ident") {
      this.i++;
      return identLit(t);
    }
    return this.addressValue(what);
  }
  isValueStart(): boolean {
    const t = this.peek();
    return t !== undefined && (t.kind === "number" || t.kind === "label" || t.kind === "at");
  }
  endOfStatement(): void {
    const t = this.peek();
    if (t) this.fail("expected the end of the statement");
  }
}

/**
 * Literal nodes are the bulk of a big file's tree: one object each, with the range built on
 * demand from the token position (three objects fewer per literal to allocate and keep).
 */
class NumberLitNode implements NumberLit {
  // on the prototype: one slot fewer in each of a big file's many nodes
  declare readonly kind: "number";
  /** The value's halves kept inline: one object fewer per number in a big file's tree. */
  private readonly lo: number;
  private readonly hi: number;
  /**
   * The text as written, or undefined when it is the value's canonical spelling (lower-case hex
   * without leading zeros or `_`, or plain decimal): rebuilt on demand then. Most numbers of a big
   * file are written so, and a string per number was a sixth of its tree.
   */
  private readonly writtenText: string | undefined;
  /**
   * The start character times 4 plus how the text is spelled (a `NUMBER_TEXT_*` value): one slot
   * for both. The end is the start plus the text's length (a number is one token on one line).
   */
  private readonly startAndSpelling: number;
  constructor(
    value: U64,
    text: string,
    isSize: boolean,
    private readonly line: number,
    startChar: number,
  ) {
    this.lo = value.lo;
    this.hi = value.hi;
    const spelling = isSize ? NUMBER_TEXT_SIZE : canonicalSpelling(text);
    this.writtenText = spelling === NUMBER_TEXT_HEX || spelling === NUMBER_TEXT_DECIMAL ? undefined : text;
    this.startAndSpelling = startChar * 4 + spelling;
  }
  get isSize(): boolean {
    return this.startAndSpelling % 4 === NUMBER_TEXT_SIZE;
  }
  get text(): string {
    if (this.writtenText !== undefined) return this.writtenText;
    if (this.startAndSpelling % 4 === NUMBER_TEXT_HEX)
      return this.hi === 0
        ? "0x" + (this.lo >>> 0).toString(16)
        : "0x" + (this.hi >>> 0).toString(16) + (this.lo >>> 0).toString(16).padStart(8, "0");
    return String((this.hi >>> 0) * 0x1_0000_0000 + (this.lo >>> 0));
  }
  get value(): U64 {
    return { lo: this.lo, hi: this.hi };
  }
  /** The text's length, without building a canonical text. */
  private get textLength(): number {
    if (this.writtenText !== undefined) return this.writtenText.length;
    const lo = this.lo >>> 0;
    const hi = this.hi >>> 0;
    if (this.startAndSpelling % 4 === NUMBER_TEXT_HEX)
      return hi !== 0
        ? 10 + Math.ceil((32 - Math.clz32(hi)) / 4)
        : 2 + Math.max(1, Math.ceil((32 - Math.clz32(lo)) / 4));
    let digits = 1;
    for (let v = hi * 0x1_0000_0000 + lo; v >= 10; v = Math.floor(v / 10)) digits++;
    return digits;
  }
  get range(): LangRange {
    const start = Math.floor(this.startAndSpelling / 4);
    return {
      start: { line: this.line, character: start },
      end: { line: this.line, character: start + this.textLength },
    };
  }
}

class IdentLitNode implements IdentLit {
  // on the prototype: one slot fewer in each of a big file's many nodes
  declare readonly kind: "ident";
  /** The end is the start plus the text's length (an identifier is one token on one line). */
  constructor(
    readonly text: string,
    readonly line: number,
    readonly startChar: number,
  ) {}
  /** Not cached: V8 returns an already lower-case text itself, and most words are (one slot fewer per node). */
  get lower(): string {
    return this.text.toLowerCase();
  }
  get range(): LangRange {
    return {
      start: { line: this.line, character: this.startChar },
      end: { line: this.line, character: this.startChar + this.text.length },
    };
  }
}

/** A map attribute, its range built on demand (a big file holds four or five per map). */
class MapAttrNode implements MapAttr {
  declare readonly value?: Value;
  constructor(
    readonly name: IdentLit,
    value: Value | undefined,
  ) {
    if (value) (this as { value?: Value }).value = value;
  }
  get range(): LangRange {
    return this.value ? joinRange(this.name.range, this.value.range) : this.name.range;
  }
}

/** A number written some other way: its text is kept. */
const NUMBER_TEXT_OTHER = 0;
/** Written as a size (`4K`): its text is kept. */
const NUMBER_TEXT_SIZE = 1;
/** `0x` and lower-case hex digits without a leading zero (`0x0` itself allowed): rebuilt from the value. */
const NUMBER_TEXT_HEX = 2;
/** 1..15 decimal digits without a leading zero (`0` itself allowed): rebuilt from the value. */
const NUMBER_TEXT_DECIMAL = 3;

/**
 * Which spelling a well-formed number's text has: for HEX and DECIMAL the text is exactly what
 * the value prints as, so the tree need not keep it. Upper case, `_`, binary, leading zeros and
 * anything else are OTHER.
 */
function canonicalSpelling(text: string): number {
  const n = text.length;
  if (n >= 3 && n <= 18 && text.charCodeAt(0) === 48 && text.charCodeAt(1) === 120) {
    if (text.charCodeAt(2) === 48 && n !== 3) return NUMBER_TEXT_OTHER;
    for (let i = 2; i < n; i++) {
      const c = text.charCodeAt(i);
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return NUMBER_TEXT_OTHER;
    }
    return NUMBER_TEXT_HEX;
  }
  if (n < 1 || n > 15 || (text.charCodeAt(0) === 48 && n !== 1)) return NUMBER_TEXT_OTHER;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return NUMBER_TEXT_OTHER;
  }
  return NUMBER_TEXT_DECIMAL;
}

function numberLit(t: Token): NumberLit {
  return new NumberLitNode(t.value!, t.text, t.isSize, t.line, t.start);
}

function identLit(t: Token): IdentLit {
  return new IdentLitNode(t.text, t.line, t.start);
}

/** An array of exactly its length (pushing reserves room a tree kept for the file's life would waste). */
function exact<T>(xs: T[]): T[] {
  return xs.length === 0 ? xs : xs.slice();
}

function isTokenList(x: LangRange | readonly Token[]): x is readonly Token[] {
  return Array.isArray(x);
}

function endRangeOfTokens(tokens: readonly Token[]): LangRange {
  const last = tokens[tokens.length - 1];
  if (!last) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { start: { line: last.line, character: last.end }, end: { line: last.line, character: last.end } };
}

/** Header tokens up to a `=` (raw words after it). */
function splitAtEq(tokens: readonly Token[]): { header: Token[]; eq?: Token; words: Token[] } {
  const k = tokens.findIndex((t) => t.kind === "eq");
  if (k < 0) return { header: [...tokens], words: [] };
  return { header: tokens.slice(0, k), eq: tokens[k]!, words: tokens.slice(k + 1) };
}

function wordsFrom(tokens: readonly Token[], range: LangRange, allowEmpty = false): WordsStmt {
  const c: Cursor = new Cursor(tokens, range);
  const words: NumberLit[] = [];
  while (!c.atEnd()) words.push(c.number("a 64-bit word"));
  if (!allowEmpty && words.length === 0) c.fail("expected 64-bit words after =");
  const first = words[0];
  const last = words[words.length - 1];
  return { kind: "words", words, range: first && last ? joinRange(first.range, last.range) : range };
}

function shapeTop(s: RawStmt, report: Report): TopNode | undefined {
  const range = stmtRange(s);
  const first = s.tokens[0];
  if (!first) {
    report("LANG-SYNTAX", "a block needs a statement before it (ste, cd, pagetable, ...)", range);
    return undefined;
  }
  if (first.kind !== "ident") {
    const c: Cursor = new Cursor(s.tokens, range);
    c.fail("expected a statement keyword (smmu, ste, cd, pagetable, memory, event, include, expect, ...)", first);
  }
  const kw = first.text.toLowerCase();
  const keyword = identLit(first);
  switch (kw) {
    case "smmu":
      return shapeSmmu(s, keyword, range, report);
    case "ste":
    case "cd":
    case "l1std":
    case "l1cd":
      return shapeStruct(s, kw, keyword, range, report);
    case "pagetable":
      return shapePageTable(s, keyword, range, report);
    case "memory":
      return shapeMemory(s, keyword, range, report);
    case "abort": {
      const c: Cursor = new Cursor(s.tokens.slice(1), s.tokens);
      const placement = c.placement();
      let size: NumberLit | undefined;
      if (c.peekWord() === "size") {
        c.next();
        size = c.number("a size");
      }
      c.endOfStatement();
      noBlock(s, report);
      return { kind: "abort", keyword, range, placement, ...(size ? { size } : {}) };
    }
    case "label": {
      const c: Cursor = new Cursor(s.tokens.slice(1), s.tokens);
      const name = c.ident("a label name");
      const placement = c.placement();
      let via: IdentLit | undefined;
      if (c.peekWord() === "via") {
        c.next();
        via = c.ident("a stage-2 pagetable name after via");
      }
      c.endOfStatement();
      noBlock(s, report);
      return { kind: "label", keyword, range, name, placement, ...(via ? { via } : {}) };
    }
    case "register": {
      const { header, eq, words } = splitAtEq(s.tokens.slice(1));
      const c: Cursor = new Cursor(header, eq ? tokenRange(eq) : endRangeOfTokens(s.tokens));
      const name = c.ident("a register name (SMMU_IDR0, SMMU_STRTAB_BASE_CFG, ...)");
      c.endOfStatement();
      let value: NumberLit | undefined;
      if (eq) {
        const w = wordsFrom(words, tokenRange(eq));
        if (w.words.length !== 1) throw new StatementError("LANG-SYNTAX", "a register holds one value", w.range);
        value = w.words[0];
      } else if (!s.block) {
        throw new StatementError("LANG-SYNTAX", "expected = <value> or { fields } after the register name", c.endRange);
      }
      const fields: FieldStmt[] = [];
      forEachInBlock(s, report, (inner) => {
        fields.push(fieldStmt(inner));
      });
      return { kind: "register", keyword, range, name, ...(value ? { value } : {}), fields };
    }
    case "event": {
      const rest = s.tokens.slice(1);
      const body = rest[0]?.kind === "eq" ? rest.slice(1) : rest;
      const w = wordsFrom(body, endRangeOfTokens(s.tokens), true);
      if (w.words.length !== 4) {
        throw new StatementError(
          "LANG-SYNTAX",
          `an event record is 4 dwords (DW0..DW3), found ${w.words.length}`,
          w.words.length ? w.range : range,
        );
      }
      noBlock(s, report);
      return { kind: "event", keyword, range, words: w.words };
    }
    case "include":
      return shapeInclude(s, keyword, range, report);
    case "expect":
      return shapeExpect(s, keyword, range, report);
    default: {
      const message = TOP_SET.has(kw)
        ? `'${first.text}' is not allowed here`
        : `unknown statement '${first.text}' (expected one of ${TOP_LEVEL_KEYWORDS.join(", ")})`;
      report("LANG-UNKNOWN-STATEMENT", message, tokenRange(first));
      return undefined;
    }
  }
}

function noBlock(s: RawStmt, report: Report): void {
  if (s.block) report("LANG-SYNTAX", "this statement takes no block", tokenRange(s.block.open));
}

/** Shapes the statements of a block with `each`, one diagnostic per bad statement. */
function forEachInBlock(s: RawStmt, report: Report, each: (inner: RawStmt) => void): void {
  if (!s.block) return;
  for (const inner of s.block.stmts) {
    try {
      each(inner);
    } catch (e: unknown) {
      if (e instanceof StatementError) report(e.code, e.message, e.range);
      else throw e;
    }
  }
}

/**
 * A field statement, its range built on demand from four numbers (structures in a big file hold
 * ten or more fields each: three objects fewer per field to allocate and keep).
 */
class FieldStmtNode implements FieldStmt {
  // on the prototype: one slot fewer in each of a big file's many nodes
  declare readonly kind: "field";
  /**
   * The value itself when there is one (nearly every field: one array fewer per field of a big
   * file's tree), else the array of values.
   */
  private readonly valueOrValues: Value | readonly Value[];
  /**
   * The name's text when the name is the statement's first token (always, from the parser: the
   * identifier is rebuilt on demand, one object fewer per field), else the identifier.
   */
  private readonly nameOrText: string | IdentLit;
  constructor(
    name: IdentLit,
    values: readonly Value[],
    private readonly startLine: number,
    private readonly startChar: number,
    private readonly endLine: number,
    private readonly endChar: number,
  ) {
    this.nameOrText =
      name instanceof IdentLitNode && name.line === startLine && name.startChar === startChar ? name.text : name;
    this.valueOrValues = values.length === 1 ? values[0]! : values;
  }
  /** A new object on each read when only the text is kept. */
  get name(): IdentLit {
    const n = this.nameOrText;
    return typeof n === "string" ? new IdentLitNode(n, this.startLine, this.startChar) : n;
  }
  /** A new array on each read when there is one value. */
  get values(): readonly Value[] {
    const v = this.valueOrValues;
    return isValueArray(v) ? v : [v];
  }
  get range(): LangRange {
    return {
      start: { line: this.startLine, character: this.startChar },
      end: { line: this.endLine, character: this.endChar },
    };
  }
}

function isValueArray(v: Value | readonly Value[]): v is readonly Value[] {
  return Array.isArray(v);
}

for (const [node, kind] of [
  [NumberLitNode, "number"],
  [IdentLitNode, "ident"],
  [FieldStmtNode, "field"],
] as const)
  Object.defineProperty(node.prototype, "kind", { value: kind, enumerable: true });

function fieldStmt(inner: RawStmt): FieldStmt {
  const c: Cursor = new Cursor(inner.tokens, inner.tokens);
  const name = c.ident("a field name");
  if (c.atEnd()) c.fail(`expected a value for ${name.text}`);
  // an array literal has exactly the room of its elements (a first push reserves 17)
  const values: Value[] = [c.value("a value")];
  while (!c.atEnd()) values.push(c.value("a value"));
  const first = inner.tokens[0] ?? inner.block?.open;
  if (!first) return new FieldStmtNode(name, values, 0, 0, 0, 0);
  const last = lastTokenOf(inner, first);
  return new FieldStmtNode(name, values, first.line, first.start, last.line, last.end);
}

function shapeSmmu(s: RawStmt, keyword: IdentLit, range: LangRange, report: Report): TopNode {
  const c: Cursor = new Cursor(s.tokens.slice(1), s.tokens);
  let name: IdentLit | undefined;
  if (!c.atEnd()) name = c.ident("an SMMU name or {");
  c.endOfStatement();
  if (!s.block) throw new StatementError("LANG-SYNTAX", "expected { after smmu", endRangeOfTokens(s.tokens));
  const settings: FieldStmt[] = [];
  let strtab: StrtabStmt | undefined;
  forEachInBlock(s, report, (inner) => {
    const w = inner.tokens[0];
    if (w && w.kind === "ident" && w.text.toLowerCase() === "strtab") {
      strtab = shapeStrtab(inner, stmtRange(inner));
      return;
    }
    settings.push(fieldStmt(inner));
  });
  return { kind: "smmu", keyword, range, ...(name ? { name } : {}), settings, ...(strtab ? { strtab } : {}) };
}

function shapeStrtab(s: RawStmt, range: LangRange): StrtabStmt {
  const c: Cursor = new Cursor(s.tokens.slice(1), s.tokens);
  let fmt: IdentLit | undefined;
  let placement: Placement | undefined;
  let log2size: NumberLit | undefined;
  let split: NumberLit | undefined;
  while (!c.atEnd()) {
    if (c.isPlacement()) {
      placement = c.placement();
      continue;
    }
    const w = c.ident("linear, 2-level, @address, log2size or split");
    if (w.lower === "log2size") log2size = c.number("log2size (number of StreamID bits)");
    else if (w.lower === "split") split = c.number("split (6, 8 or 10)");
    else if (w.lower === "linear" || w.lower === "2-level") fmt = w;
    else
      throw new StatementError(
        "LANG-SYNTAX",
        `expected linear, 2-level, @address, log2size or split, found '${w.text}'`,
        w.range,
      );
  }
  return {
    kind: "strtab",
    range,
    ...(fmt ? { fmt } : {}),
    ...(placement ? { placement } : {}),
    ...(log2size ? { log2size } : {}),
    ...(split ? { split } : {}),
  };
}

function shapeStruct(s: RawStmt, type: StructType, keyword: IdentLit, range: LangRange, report: Report): TopNode {
  const { header, eq, words: rawWords } = splitAtEq(s.tokens.slice(1));
  const c: Cursor = new Cursor(header, eq ? tokenRange(eq) : endRangeOfTokens(s.tokens));
  let index: NumberLit | undefined;
  let name: IdentLit | undefined;
  let ssid: NumberLit | undefined;
  let placement: Placement | undefined;
  let via: IdentLit | undefined;
  if (type === "ste") index = c.number("a StreamID after ste");
  if (type === "l1std") index = c.number("an L1 index after l1std");
  while (!c.atEnd()) {
    if (c.isPlacement()) {
      placement = c.placement();
      continue;
    }
    const w = c.ident("a name, ssid, via or a placement");
    if (w.lower === "ssid" && type === "cd") ssid = c.number("a SubstreamID after ssid");
    else if (w.lower === "via") via = c.ident("a stage-2 pagetable name after via");
    else if (!name && !placement) name = w;
    else throw new StatementError("LANG-SYNTAX", `unexpected '${w.text}' in the ${type} header`, w.range);
  }
  const words: WordsStmt[] = [];
  const fields: FieldStmt[] = [];
  if (eq) words.push(wordsFrom(rawWords, tokenRange(eq)));
  if (!eq && !s.block) throw new StatementError("LANG-SYNTAX", `expected { or = after the ${type} header`, c.endRange);
  forEachInBlock(s, report, (inner) => {
    const t = inner.tokens[0];
    if (t && (t.kind === "number" || t.kind === "eq")) {
      words.push(wordsFrom(t.kind === "eq" ? inner.tokens.slice(1) : inner.tokens, stmtRange(inner)));
      return;
    }
    fields.push(fieldStmt(inner));
  });
  return {
    kind: "struct",
    type,
    keyword,
    range,
    ...(index ? { index } : {}),
    ...(name ? { name } : {}),
    ...(ssid ? { ssid } : {}),
    ...(placement ? { placement } : {}),
    ...(via ? { via } : {}),
    fields: exact(fields),
    words: exact(words),
  };
}

function shapePageTable(s: RawStmt, keyword: IdentLit, range: LangRange, report: Report): TopNode {
  const c: Cursor = new Cursor(s.tokens.slice(1), s.tokens);
  const name = c.ident("a pagetable name");
  let stage: 1 | 2 | undefined;
  let stageRange: LangRange | undefined;
  let granule: NumberLit | undefined;
  let ia: NumberLit | undefined;
  let startLevel: NumberLit | undefined;
  let pool: Placement | undefined;
  let poolSize: NumberLit | undefined;
  let via: IdentLit | undefined;
  let placement: Placement | undefined;
  while (!c.atEnd()) {
    if (c.isPlacement()) {
      placement = c.placement();
      continue;
    }
    const w = c.ident("stage1, stage2, granule, ia, startlevel, pool, via or a placement");
    switch (w.lower) {
      case "stage1":
      case "s1":
        stage = 1;
        stageRange = w.range;
        break;
      case "stage2":
      case "s2":
        stage = 2;
        stageRange = w.range;
        break;
      case "granule":
        granule = c.number("a granule (4k, 16k or 64k)");
        break;
      case "ia":
        ia = c.number("the input address size in bits");
        break;
      case "startlevel":
        startLevel = c.number("a start level (0..3)");
        break;
      case "pool":
        pool = c.placement();
        if (c.peekWord() === "size") {
          c.next();
          poolSize = c.number("a pool size");
        }
        break;
      case "via":
        via = c.ident("a stage-2 pagetable name after via");
        break;
      default:
        throw new StatementError(
          "LANG-SYNTAX",
          `expected stage1, stage2, granule, ia, startlevel, pool, via or a placement, found '${w.text}'`,
          w.range,
        );
    }
  }
  if (!s.block) throw new StatementError("LANG-SYNTAX", "expected { after the pagetable header", c.endRange);
  const maps: MapStmt[] = [];
  forEachInBlock(s, report, (inner) => {
    maps.push(shapeMap(inner));
  });
  return {
    kind: "pagetable",
    keyword,
    range,
    name,
    ...(stage ? { stage } : {}),
    ...(stageRange ? { stageRange } : {}),
    ...(granule ? { granule } : {}),
    ...(ia ? { ia } : {}),
    ...(startLevel ? { startLevel } : {}),
    ...(pool ? { pool } : {}),
    ...(poolSize ? { poolSize } : {}),
    ...(via ? { via } : {}),
    ...(placement ? { placement } : {}),
    maps: exact(maps),
  };
}

/**
 * Per map attribute, three entries: the name (its text when it is on the statement's first line,
 * else the identifier), the name's start character (0 when the identifier is kept), the value.
 */
type MapAttrPart = string | number | IdentLit | Value | undefined;

/**
 * A map statement (the bulk of big files), its range built on demand from four numbers and its
 * kind on the prototype. Same own properties, in the same order, as the plain object it replaces.
 */
class MapStmtNode implements MapStmt {
  declare readonly kind: "map";
  readonly keyword: IdentLit;
  declare readonly iova?: NumberLit;
  declare readonly size?: NumberLit;
  declare readonly out?: NumberLit | LabelRef;
  /**
   * The attributes as name, value (or undefined), name, value...: one object per attribute fewer
   * in a big file's tree; `attrs` builds the attribute objects on demand.
   */
  declare private readonly attrPairs: readonly MapAttrPart[];
  declare private readonly startLine: number;
  declare private readonly startChar: number;
  declare private readonly endLine: number;
  declare private readonly endChar: number;
  constructor(
    keyword: IdentLit,
    iova: NumberLit | undefined,
    size: NumberLit | undefined,
    out: NumberLit | LabelRef | undefined,
    attrPairs: readonly MapAttrPart[],
    first: Token | undefined,
    last: Token | undefined,
  ) {
    this.keyword = keyword;
    const self = this as { -readonly [K in keyof MapStmtNode]?: unknown } & Record<string, unknown>;
    if (iova) self["iova"] = iova;
    if (size) self["size"] = size;
    if (out) self["out"] = out;
    self["attrPairs"] = attrPairs;
    self["startLine"] = first ? first.line : 0;
    self["startChar"] = first ? first.start : 0;
    self["endLine"] = last ? last.line : 0;
    self["endChar"] = last ? last.end : 0;
  }
  /** New objects on each read. */
  get attrs(): readonly MapAttr[] {
    const pairs = this.attrPairs;
    const attrs: MapAttr[] = [];
    for (let i = 0; i < pairs.length; i += 3) {
      const name = pairs[i];
      const ident =
        typeof name === "string" ? new IdentLitNode(name, this.startLine, pairs[i + 1] as number) : (name as IdentLit);
      attrs.push(new MapAttrNode(ident, pairs[i + 2] as Value | undefined));
    }
    return attrs;
  }
  get range(): LangRange {
    return {
      start: { line: this.startLine, character: this.startChar },
      end: { line: this.endLine, character: this.endChar },
    };
  }
}
Object.defineProperty(MapStmtNode.prototype, "kind", { value: "map", enumerable: true });

function shapeMap(s: RawStmt): MapStmt {
  const c: Cursor = new Cursor(s.tokens, s.tokens);
  const kw = c.peek();
  if (!kw || kw.kind !== "ident" || kw.text.toLowerCase() !== "map")
    c.fail("expected 'map' (pagetable blocks hold map statements)");
  const keyword = c.keyword("map");
  const iova = c.number("the input address to map");
  let size: NumberLit | undefined;
  let out: NumberLit | LabelRef | undefined;
  if (c.peekWord() === "size") {
    c.next();
    size = c.number("a size");
  }
  const arrow = c.peek();
  if (arrow && arrow.kind === "arrow") {
    c.next();
    out = c.addressValue("the output address after ->");
  }
  const attrPairs: MapAttrPart[] = [];
  const line = s.tokens[0]?.line;
  while (!c.atEnd()) {
    const name = c.ident("a mapping attribute");
    let value: Value | undefined;
    if (c.isValueStart()) value = c.value("a value");
    else if (WORD_VALUED_ATTRS.has(name.lower) && c.peek()?.kind === "ident") value = c.value("a value");
    // a name on the statement's first line is kept as its text and start character (an
    // identifier object fewer per attribute); the rare other one as itself
    if (name instanceof IdentLitNode && name.line === line) attrPairs.push(name.text, name.startChar, value);
    else attrPairs.push(name, 0, value);
  }
  const first = s.tokens[0] ?? s.block?.open;
  const last = first ? lastTokenOf(s, first) : undefined;
  // exact-size attribute array (a first push reserves 17 slots)
  return new MapStmtNode(keyword, iova, size, out, attrPairs.slice(), first, last);
}

function shapeMemory(s: RawStmt, keyword: IdentLit, range: LangRange, report: Report): TopNode {
  const { header, eq, words: rawWords } = splitAtEq(s.tokens.slice(1));
  const c: Cursor = new Cursor(header, eq ? tokenRange(eq) : endRangeOfTokens(s.tokens));
  let name: IdentLit | undefined;
  let placement: Placement | undefined;
  let via: IdentLit | undefined;
  while (!c.atEnd()) {
    if (c.isPlacement()) {
      placement = c.placement();
      continue;
    }
    const w = c.ident("a name, via or a placement");
    if (w.lower === "via") via = c.ident("a stage-2 pagetable name after via");
    else if (!name && !placement) name = w;
    else throw new StatementError("LANG-SYNTAX", `unexpected '${w.text}' in the memory header`, w.range);
  }
  const words: NumberLit[] = [];
  if (eq) words.push(...wordsFrom(rawWords, tokenRange(eq)).words);
  if (!eq && !s.block) throw new StatementError("LANG-SYNTAX", "expected { or = after the memory header", c.endRange);
  forEachInBlock(s, report, (inner) => {
    words.push(...wordsFrom(inner.tokens, stmtRange(inner)).words);
  });
  return {
    kind: "memory",
    keyword,
    range,
    ...(name ? { name } : {}),
    ...(placement ? { placement } : {}),
    ...(via ? { via } : {}),
    words: exact(words),
  };
}

function shapeInclude(s: RawStmt, keyword: IdentLit, range: LangRange, report: Report): TopNode {
  const c: Cursor = new Cursor(s.tokens.slice(1), s.tokens);
  let dump = false;
  if (c.peekWord() === "dump") {
    c.next();
    dump = true;
  }
  const p = c.peek();
  if (!p || p.kind !== "string") c.fail('expected a quoted path ("file.iommu")');
  c.next();
  let format: IdentLit | undefined;
  let base: NumberLit | LabelRef | undefined;
  while (!c.atEnd()) {
    const w = c.ident("format or base");
    if (w.lower === "format" && dump) format = c.ident("a dump format name");
    else if (w.lower === "base" && dump) base = c.addressValue("a base address");
    else
      throw new StatementError(
        "LANG-SYNTAX",
        `unexpected '${w.text}' (only include dump takes format and base)`,
        w.range,
      );
  }
  noBlock(s, report);
  return {
    kind: "include",
    keyword,
    range,
    path: p.text,
    pathRange: tokenRange(p),
    dump,
    ...(format ? { format } : {}),
    ...(base ? { base } : {}),
  };
}

function shapeExpect(s: RawStmt, keyword: IdentLit, range: LangRange, report: Report): TopNode {
  noBlock(s, report);
  const c: Cursor = new Cursor(s.tokens.slice(1), s.tokens);
  const what = c.ident("translate, legal or illegal after expect");
  if (what.lower === "translate") {
    c.keyword("sid");
    const sid = c.number("a StreamID");
    let ssid: NumberLit | undefined;
    if (c.peekWord() === "ssid") {
      c.next();
      ssid = c.number("a SubstreamID");
    }
    c.keyword("iova");
    const iova = c.number("an input address");
    const acc = c.ident("read, write or exec");
    if (acc.lower !== "read" && acc.lower !== "write" && acc.lower !== "exec")
      throw new StatementError("LANG-SYNTAX", `expected read, write or exec, found '${acc.text}'`, acc.range);
    let unprivileged = false;
    if (c.peekWord() === "unprivileged") {
      c.next();
      unprivileged = true;
    }
    const arrow = c.next();
    if (!arrow || arrow.kind !== "arrow") c.fail("expected -> and the expected result", arrow);
    let result: ExpectTranslateNode["result"];
    if (c.peekWord() === "fault") {
      c.next();
      const event = c.ident("an event name (F_TRANSLATION, C_BAD_STE, ...)");
      let stage: NumberLit | undefined;
      let level: NumberLit | undefined;
      while (!c.atEnd()) {
        const w = c.ident("stage or level");
        if (w.lower === "stage") stage = c.number("a stage (1 or 2)");
        else if (w.lower === "level") level = c.number("a level (0..3)");
        else throw new StatementError("LANG-SYNTAX", `expected stage or level, found '${w.text}'`, w.range);
      }
      result = { kind: "fault", event, ...(stage ? { stage } : {}), ...(level ? { level } : {}) };
    } else {
      const pa = c.number("a physical address or 'fault'");
      c.endOfStatement();
      result = { kind: "pa", pa };
    }
    const node: ExpectTranslateNode = {
      kind: "expect-translate",
      keyword,
      range,
      sid,
      ...(ssid ? { ssid } : {}),
      iova,
      access: acc.lower,
      unprivileged,
      result,
    };
    return node;
  }
  if (what.lower === "legal" || what.lower === "illegal") {
    const type = c.ident("ste or cd");
    let target: ExpectLegalNode["target"];
    if (type.lower === "ste") {
      const sid = c.number("a StreamID");
      target = { type: "ste", sid, range: joinRange(type.range, sid.range) };
    } else if (type.lower === "cd") {
      const t = c.peek();
      const ref = t && t.kind === "ident" ? c.ident("a CD name") : c.addressValue("a CD name or @address");
      target = { type: "cd", ref, range: joinRange(type.range, ref.range) };
    } else {
      throw new StatementError("LANG-SYNTAX", `expected ste or cd, found '${type.text}'`, type.range);
    }
    let code: IdentLit | undefined;
    if (!c.atEnd()) code = c.ident("a rule code (STE-31) or an event name (C_BAD_STE)");
    c.endOfStatement();
    return { kind: "expect-legal", keyword, range, legal: what.lower === "legal", target, ...(code ? { code } : {}) };
  }
  throw new StatementError("LANG-SYNTAX", `expected translate, legal or illegal, found '${what.text}'`, what.range);
}
