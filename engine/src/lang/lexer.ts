// The `.iommu` lexer: turns text into tokens with exact positions (docs/language.md §1).
//
// Hand-written, one pass over the characters, no regular expressions on the hot path. Never
// throws: a malformed number or a stray character becomes a token the parser reports once.
// Newlines are tokens because a statement ends at a newline (or `;`). Comments are kept aside for
// the formatter.

import { type U64, parseHex64 } from "../bits/u64";

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
  readonly value?: U64;
  /** Numbers: written as a size (`4K`). */
  readonly isSize?: boolean;
  /** Why a number or string is malformed. */
  readonly problem?: string;
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

/** Parses a number word (`0x7d11`, `0b101`, `44`, `2M`, `64KB`); never throws. */
export function parseNumberText(text: string): { value?: U64; isSize?: boolean; problem?: string } {
  const lower = text.toLowerCase();
  if (lower.startsWith("0x")) {
    const v = parseHex64(text);
    if (v) return { value: v };
    const digits = lower.slice(2).replace(/_/g, "");
    if (/^[0-9a-f]+$/.test(digits)) return { problem: `${text} has more than 64 bits` };
    return { problem: `${text} is not a hexadecimal number` };
  }
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

/** Tokenises a whole description. */
export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let line = 0;
  let lineStart = 0;
  let i = 0;
  const n = text.length;
  // true while no token of the current statement has been seen (for `#` comments)
  let atStatementStart = true;
  const push = (t: Token): void => {
    tokens.push(t);
    atStatementStart = t.kind === "newline" || t.kind === "semi" || t.kind === "lbrace" || t.kind === "rbrace";
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      // \n, \r\n or \r
      push({ kind: "newline", text: "\n", line, start: i - lineStart, end: i - lineStart });
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
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isWordChar(d)) j++;
        else if ((d === 45 && text.charCodeAt(j + 1) !== 62) || d === 43)
          j++; // '-' (not '->') and '+'
        else break;
      }
      const word = text.slice(i, j);
      const end = j - lineStart;
      if (isIdentStart(c)) {
        push({ kind: "ident", text: word, line, start: col, end });
      } else if (/^[0-9]+-[A-Za-z]/.test(word)) {
        push({ kind: "ident", text: word, line, start: col, end }); // `2-level`
      } else {
        const parsed = parseNumberText(word);
        push({
          kind: "number",
          text: word,
          line,
          start: col,
          end,
          ...(parsed.value ? { value: parsed.value } : {}),
          ...(parsed.isSize ? { isSize: true } : {}),
          ...(parsed.problem ? { problem: parsed.problem } : {}),
        });
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
          push({ kind: "label", text: text.slice(i, j), line, start: col, end: j - lineStart });
        } else {
          push({ kind: "at", text: "@", line, start: col, end: col + 1 });
        }
        i = j;
        continue;
      }
      case 34: {
        // '"'
        let j = i + 1;
        while (j < n && text.charCodeAt(j) !== 34 && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
        if (j < n && text.charCodeAt(j) === 34) {
          push({ kind: "string", text: text.slice(i + 1, j), line, start: col, end: j + 1 - lineStart });
          i = j + 1;
        } else {
          push({
            kind: "error",
            text: text.slice(i, j),
            line,
            start: col,
            end: j - lineStart,
            problem: "unterminated string",
          });
          i = j;
        }
        continue;
      }
      case 123:
        push({ kind: "lbrace", text: "{", line, start: col, end: col + 1 });
        break;
      case 125:
        push({ kind: "rbrace", text: "}", line, start: col, end: col + 1 });
        break;
      case 59:
        push({ kind: "semi", text: ";", line, start: col, end: col + 1 });
        break;
      case 61:
        push({ kind: "eq", text: "=", line, start: col, end: col + 1 });
        break;
      case 43:
        push({ kind: "plus", text: "+", line, start: col, end: col + 1 });
        break;
      case 45:
        if (text.charCodeAt(i + 1) === 62) {
          push({ kind: "arrow", text: "->", line, start: col, end: col + 2 });
          i += 2;
          continue;
        }
        push({ kind: "error", text: "-", line, start: col, end: col + 1 });
        break;
      default: {
        // one code point (surrogate pairs stay together)
        const width = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
        push({ kind: "error", text: text.slice(i, i + width), line, start: col, end: col + width });
        i += width;
        continue;
      }
    }
    i++;
  }
  return { tokens, comments, lineCount: line + 1 };
}
