// The `.iommu` formatter (docs/language.md §12): re-prints every line from its tokens with
// canonical spacing and two-space indentation per block, keeps every comment, aligns the columns
// of consecutive raw-word lines and the trailing comments of consecutive lines, and collapses
// runs of blank lines. Lines are never joined or split, and token text is kept as written, so a
// formatted file means exactly what the original meant. Idempotent; works on broken input too.

import { type Comment, type Token, lex } from "./lexer";

interface Line {
  depth: number;
  /** The code part, tokens joined with canonical spacing (no indentation). */
  code: string;
  /** For raw-word lines: the prefix (up to and including `=`, or "") and the words. */
  words?: { prefix: string; words: string[] };
  comment?: string;
  blank: boolean;
}

function tokenText(t: Token): string {
  return t.kind === "string" ? `"${t.text}"` : t.text;
}

/** Joins a line's tokens: one space between tokens, none before `;`, none between `@` and a number. */
function joinTokens(tokens: readonly Token[]): string {
  let out = "";
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    if (prev) {
      const tight = t.kind === "semi" || (prev.kind === "at" && t.kind === "number");
      if (!tight) out += " ";
    }
    out += tokenText(t);
  }
  return out;
}

/** Raw words: only numbers, or `header = numbers`. */
function wordsOf(tokens: readonly Token[]): { prefix: string; words: string[] } | undefined {
  if (tokens.length === 0) return undefined;
  const eq = tokens.findIndex((t) => t.kind === "eq");
  const rest = eq >= 0 ? tokens.slice(eq + 1) : tokens;
  if (rest.length === 0 || !rest.every((t) => t.kind === "number")) return undefined;
  if (eq < 0 && tokens.length < 2) return undefined; // a single number is not worth aligning
  return { prefix: eq >= 0 ? joinTokens(tokens.slice(0, eq + 1)) : "", words: rest.map((t) => t.text) };
}

/** Formats a description. Never throws; idempotent. */
export function formatDescription(text: string): string {
  const { tokens, comments, lineCount } = lex(text);
  const byLine: Token[][] = Array.from({ length: lineCount }, () => []);
  for (const t of tokens) if (t.kind !== "newline") byLine[t.line]!.push(t);
  const commentAt = new Map<number, Comment>();
  for (const c of comments) commentAt.set(c.line, c);

  const lines: Line[] = [];
  let depth = 0;
  for (let n = 0; n < lineCount; n++) {
    const toks = byLine[n]!;
    const comment = commentAt.get(n)?.text.trimEnd();
    if (toks.length === 0 && comment === undefined) {
      lines.push({ depth, code: "", blank: true });
      continue;
    }
    const lineDepth = toks[0]?.kind === "rbrace" ? Math.max(0, depth - 1) : depth;
    for (const t of toks) {
      if (t.kind === "lbrace") depth++;
      else if (t.kind === "rbrace") depth = Math.max(0, depth - 1);
    }
    const words = wordsOf(toks);
    lines.push({
      depth: lineDepth,
      code: joinTokens(toks),
      ...(words ? { words } : {}),
      ...(comment !== undefined ? { comment } : {}),
      blank: false,
    });
  }

  // align raw-word columns across consecutive word lines of one depth and one prefix shape
  for (let i = 0; i < lines.length;) {
    const first = lines[i]!;
    if (!first.words) {
      i++;
      continue;
    }
    let j = i + 1;
    const hasPrefix = first.words.prefix !== "";
    while (
      j < lines.length &&
      lines[j]!.words &&
      lines[j]!.depth === first.depth &&
      (lines[j]!.words!.prefix !== "") === hasPrefix
    )
      j++;
    const group = lines.slice(i, j);
    const prefixWidth = Math.max(...group.map((l) => l.words!.prefix.length));
    const widths: number[] = [];
    for (const l of group) l.words!.words.forEach((w, k) => (widths[k] = Math.max(widths[k] ?? 0, w.length)));
    for (const l of group) {
      const ws = l.words!.words.map((w, k) => (k === l.words!.words.length - 1 ? w : w.padEnd(widths[k]!)));
      const body = ws.join(" ");
      l.code = hasPrefix ? `${l.words!.prefix.padEnd(prefixWidth)} ${body}` : body;
    }
    i = j;
  }

  // render; trailing comments of consecutive commented code lines share a column
  const rendered: string[] = [];
  const indentOf = (l: Line): string => "  ".repeat(l.depth);
  for (let i = 0; i < lines.length;) {
    const l = lines[i]!;
    if (l.blank) {
      if (rendered.length > 0 && rendered[rendered.length - 1] !== "") rendered.push("");
      i++;
      continue;
    }
    if (l.code === "" || l.comment === undefined) {
      rendered.push(indentOf(l) + (l.code !== "" ? l.code : (l.comment ?? "")));
      i++;
      continue;
    }
    let j = i + 1;
    while (j < lines.length && !lines[j]!.blank && lines[j]!.code !== "" && lines[j]!.comment !== undefined) j++;
    const group = lines.slice(i, j);
    const width = Math.max(...group.map((g) => indentOf(g).length + g.code.length));
    for (const g of group) rendered.push((indentOf(g) + g.code).padEnd(width) + "  " + g.comment!);
    i = j;
  }
  while (rendered.length > 0 && rendered[rendered.length - 1] === "") rendered.pop();
  return rendered.length ? rendered.join("\n") + "\n" : "";
}
