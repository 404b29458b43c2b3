// The `.iommu` lexer: turns text into tokens with exact positions (docs/language.md §1).
//
// Hand-written, one pass over the characters, no regular expressions on the hot path. Never
// throws: a malformed number or a stray character becomes a token the parser reports once.
// Newlines are tokens because a statement ends at a newline (or `;`). Comments are kept aside for
// the formatter.

import type { U64 } from "../bits/u64";

export type TokenKind =
  | "ident"
  | "number"
  /** `@name` */
  | "label"
  /** a lone `@` (followed by an address) */
  | "at"
  | "string"
  | "lbrace"
  | "rbrace"
  | "semi"
  | "eq"
  | "arrow"
  | "plus"
  | "newline"
  /** a character the language does not use, or an unterminated string */
  | "error";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
  /** Numbers: the value (undefined when malformed, see `problem`). */
  readonly value: U64 | undefined;
  /** Numbers: written as a size (`4K`). */
  readonly isSize: boolean;
  /** Why a number or string is malformed. */
  readonly problem: string | undefined;
}

export interface Comment {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const SIZE_SHIFT: Readonly<Record<string, number>> = { k: 10, m: 20, g: 30, t: 40 };

function isWordChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || // 0-9
    (c >= 65 && c <= 90) || // A-Z
    (c >= 97 && c <= 122) || // a-z
    c === 95 || // _
    c === 46 // .
  );
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Hex digit value of a character code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** `0x...` with `_` between digits, at most 64 bits; undefined when malformed. Hot path: no regex. */
function fastHex(text: string): U64 | "too-wide" | undefined {
  let lo = 0;
  let hi = 0;
  let digits = 0;
  let prevUnderscore = true; // no `_` right after 0x
  for (let i = 2; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 95) {
      if (prevUnderscore) return undefined;
      prevUnderscore = true;
      continue;
    }
    const d = hexDigit(c);
    if (d < 0) return undefined;
    prevUnderscore = false;
    if (digits === 0 && d === 0) continue; // leading zeros
    if (++digits > 16) return "too-wide";
    hi = ((hi << 4) | (lo >>> 28)) >>> 0;
    lo = ((lo << 4) | d) >>> 0;
  }
  if (prevUnderscore) return undefined; // empty, or a trailing `_`
  return { lo, hi };
}

/** Parses a number word (`0x7d11`, `0b101`, `44`, `2M`, `64KB`); never throws. */
export function parseNumberText(text: string): { value?: U64; isSize?: boolean; problem?: string } {
  const c1 = text.charCodeAt(1);
  if (text.charCodeAt(0) === 48 && (c1 === 120 || c1 === 88)) {
    const v = fastHex(text);
    if (v === "too-wide") return { problem: `${text} has more than 64 bits` };
    if (v) return { value: v };
    return { problem: `${text} is not a hexadecimal number` };
  }
  // plain decimal without separators or suffix: the common case
  let plain = text.length <= 15;
  for (let i = 0; plain && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) plain = false;
  }
  if (plain) {
    const n = Number(text);
    return { value: { lo: n >>> 0, hi: Math.floor(n / 0x1_0000_0000) >>> 0 } };
  }
  const lower = text.toLowerCase();
  if (lower.startsWith("0b")) {
    const digits = lower.slice(2);
    if (!/^[01](?:_?[01])*$/.test(digits)) return { problem: `${text} is not a binary number` };
    const bits = digits.replace(/_/g, "").replace(/^0+(?=.)/, "");
    if (bits.length > 64) return { problem: `${text} has more than 64 bits` };
    const lo = bits.length > 32 ? bits.slice(-32) : bits;
    const hi = bits.length > 32 ? bits.slice(0, -32) : "0";
    return { value: { lo: parseInt(lo, 2) >>> 0, hi: parseInt(hi, 2) >>> 0 } };
  }
  const m = /^([0-9](?:_?[0-9])*)(?:([kmgt])(?:i?b)?)?$/.exec(lower);
  if (!m) return { problem: `${text} is not a number (hex 0x.., binary 0b.., decimal, or a size such as 4K)` };
  const n = parseInt(m[1]!.replace(/_/g, ""), 10);
  const shift = m[2] ? SIZE_SHIFT[m[2]]! : 0;
  const v = n * 2 ** shift;
  if (!Number.isSafeInteger(v)) return { problem: `${text} is too large (decimal values must be below 2^53)` };
  return { value: { lo: v >>> 0, hi: Math.floor(v / 0x1_0000_0000) >>> 0 }, isSize: shift !== 0 };
}

export interface LexResult {
  readonly tokens: Token[];
  readonly comments: Comment[];
  readonly lineCount: number;
}

/** Slots of the lexer's table of recent identifiers (a power of two). */
const WORD_TABLE_SIZE = 1024;

/** Every token has the same shape (one hidden class: the lexer's hot path). */
function tok(
  kind: TokenKind,
  text: string,
  line: number,
  start: number,
  end: number,
  value: U64 | undefined = undefined,
  isSize = false,
  problem: string | undefined = undefined,
): Token {
  return { kind, text, line, start, end, value, isSize, problem };
}

/**
 * An incremental lexer: `next()` hands out one token at a time, so a parser can shape each
 * statement as soon as it is complete and let its tokens die young (a 100k-line file never holds
 * all its tokens at once). Comments are collected on the side.
 */
export class Lexer {
  readonly comments: Comment[] = [];
  private readonly words: (string | undefined)[] = new Array<string | undefined>(WORD_TABLE_SIZE).fill(undefined);
  private i = 0;
  private line: number;
  private lineStart = 0;
  // true while no token of the current statement has been seen (for `#` comments)
  private atStatementStart = true;

  /** `firstLine`: the line number of the text's first line (a segment of a bigger file). */
  constructor(
    private readonly text: string,
    firstLine = 0,
  ) {
    this.line = firstLine;
  }

  /** Number of lines seen so far (all of them once `next()` returned undefined). */
  get lineCount(): number {
    return this.line + 1;
  }

  next(): Token | undefined {
    const t = this.scan();
    if (t)
      this.atStatementStart = t.kind === "newline" || t.kind === "semi" || t.kind === "lbrace" || t.kind === "rbrace";
    return t;
  }

  private scan(): Token | undefined {
    const text = this.text;
    const n = text.length;
    const comments = this.comments;
    let i = this.i;
    let line = this.line;
    let lineStart = this.lineStart;
    let out: Token | undefined;
    const atStatementStart = this.atStatementStart;
    while (i < n && out === undefined) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        // \n, \r\n or \r
        out = tok("newline", "\n", line, i - lineStart, i - lineStart);
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        i++;
        line++;
        lineStart = i;
        continue;
      }
      if (c === 32 || c === 9 || c === 12 || c === 11 || c === 0xfeff) {
        i++;
        continue;
      }
      const col = i - lineStart;
      if ((c === 47 && text.charCodeAt(i + 1) === 47) || (c === 35 && atStatementStart)) {
        let j = i;
        while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
        comments.push({ line, start: col, end: j - lineStart, text: text.slice(i, j) });
        i = j;
        continue;
      }
      if (isWordChar(c)) {
        let j = i + 1;
        let hash = c;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (isWordChar(d) || (d === 45 && text.charCodeAt(j + 1) !== 62) || d === 43) {
            // '-' (not '->') and '+' continue a word too
            hash = (hash * 31 + d) | 0;
            j++;
          } else break;
        }
        let word = text.slice(i, j);
        const end = j - lineStart;
        if (isIdentStart(c)) {
          // one string per distinct word (as far as a small table remembers): a big file's tree
          // keeps its keywords and field names once, not once per use
          const slot = (hash ^ (hash >>> 11)) & (WORD_TABLE_SIZE - 1);
          const known = this.words[slot];
          if (known === word) word = known;
          else this.words[slot] = word;
          out = tok("ident", word, line, col, end);
        } else if (word.includes("-") && /^[0-9]+-[A-Za-z]/.test(word)) {
          out = tok("ident", word, line, col, end); // `2-level`
        } else {
          const parsed = parseNumberText(word);
          out = tok("number", word, line, col, end, parsed.value, parsed.isSize ?? false, parsed.problem);
        }
        i = j;
        continue;
      }
      switch (c) {
        case 64: {
          // '@'
          let j = i + 1;
          if (j < n && isIdentStart(text.charCodeAt(j))) {
            j++;
            while (j < n && (isWordChar(text.charCodeAt(j)) || text.charCodeAt(j) === 45)) j++;
            out = tok("label", text.slice(i, j), line, col, j - lineStart);
          } else {
            out = tok("at", "@", line, col, col + 1);
          }
          i = j;
          continue;
        }
        case 34: {
          // '"'
          let j = i + 1;
          while (j < n && text.charCodeAt(j) !== 34 && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
          if (j < n && text.charCodeAt(j) === 34) {
            out = tok("string", text.slice(i + 1, j), line, col, j + 1 - lineStart);
            i = j + 1;
          } else {
            out = tok("error", text.slice(i, j), line, col, j - lineStart, undefined, false, "unterminated string");
            i = j;
          }
          continue;
        }
        case 123:
          out = tok("lbrace", "{", line, col, col + 1);
          break;
        case 125:
          out = tok("rbrace", "}", line, col, col + 1);
          break;
        case 59:
          out = tok("semi", ";", line, col, col + 1);
          break;
        case 61:
          out = tok("eq", "=", line, col, col + 1);
          break;
        case 43:
          out = tok("plus", "+", line, col, col + 1);
          break;
        case 45:
          if (text.charCodeAt(i + 1) === 62) {
            out = tok("arrow", "->", line, col, col + 2);
            i += 2;
            continue;
          }
          out = tok("error", "-", line, col, col + 1);
          break;
        default: {
          // one code point (surrogate pairs stay together; a lone high surrogate must not swallow
          // the next character, a newline least of all: every later line number would be off)
          const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
          const width = c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
          out = tok("error", text.slice(i, i + width), line, col, col + width);
          i += width;
          continue;
        }
      }
      i++;
    }
    this.i = i;
    this.line = line;
    this.lineStart = lineStart;
    return out;
  }
}

/** Tokenises a whole description. */
export function lex(text: string): LexResult {
  const lexer = new Lexer(text);
  const tokens: Token[] = [];
  for (let t = lexer.next(); t !== undefined; t = lexer.next()) tokens.push(t);
  return { tokens, comments: lexer.comments, lineCount: lexer.lineCount };
}
