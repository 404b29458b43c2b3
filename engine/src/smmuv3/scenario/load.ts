// Splitting a scenario file into scenarios (formats.md: "a file holds one object, an array, or
// JSON Lines").
//
// Each scenario keeps its origin: the file, the line it starts on and, for pretty-printed files,
// the line of each of its values (`memory[12]`), so problems and walk traces point at the line
// the user wrote. A syntax error is reported with its line and column, never thrown. Lines of
// the test-vector files (`{"category", "scenario", "expected"}`) are accepted too: the
// `scenario` inside is taken.

import type { ScenarioOrigin } from "./parse";
import { isScenarioObject } from "./values";

export interface LoadedScenario {
  /** The scenario's JSON value (not yet checked). */
  readonly json: unknown;
  readonly origin: ScenarioOrigin;
  /** The wrapper's `expected` when the line was a test vector. */
  readonly expected?: unknown;
}

export interface LoadedScenarios {
  readonly scenarios: LoadedScenario[];
  /** Located syntax problems (`file:3:14: ...`); scenarios on other lines still load. */
  readonly problems: string[];
}

/** Loads every scenario of a file's text. Never throws. */
export function loadScenarios(text: string, file = "scenario.json"): LoadedScenarios {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const problems: string[] = [];
  if (body.trim() === "") return { scenarios: [], problems: [`${file}: the file holds no scenario`] };

  if (looksLikeJsonLines(body)) return loadJsonLines(body, file);

  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e: unknown) {
    problems.push(syntaxProblem(body, file, e, 0));
    return { scenarios: [], problems };
  }
  const lines = jsonLineIndex(body);
  if (Array.isArray(doc)) {
    const scenarios = doc.map((item: unknown, i) => entry(item, originAt(file, lines, `[${i}]`, `${file} [${i}]`)));
    if (scenarios.length === 0) problems.push(`${file}: the array holds no scenario`);
    return { scenarios, problems };
  }
  return { scenarios: [entry(doc, originAt(file, lines, "", undefined))], problems };
}

function entry(json: unknown, origin: ScenarioOrigin): LoadedScenario {
  // A test-vector line wraps the scenario: {"category", "scenario", "expected"}.
  if (isScenarioObject(json) && isScenarioObject(json["scenario"]) && json["smmu"] === undefined) {
    return { json: json["scenario"], origin, expected: json["expected"] };
  }
  return { json, origin };
}

function originAt(file: string, lines: Map<string, number>, prefix: string, label: string | undefined): ScenarioOrigin {
  const line = lines.get(prefix) ?? 0;
  const inner = (path: string): number | undefined => lines.get(prefix === "" ? path : `${prefix}.${path}`);
  // Vector-wrapped scenarios in an array: values live under `.scenario`.
  const lineOf = (path: string): number | undefined => inner(path) ?? inner(`scenario.${path}`);
  return { file, line, lineOf, ...(label !== undefined ? { label } : {}) };
}

/** JSON Lines when the first non-blank line is a complete JSON object and more text follows. */
function looksLikeJsonLines(text: string): boolean {
  let start = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    const line = end < 0 ? text.slice(start) : text.slice(start, end);
    if (!isBlank(line)) {
      const head = line.trim();
      if (!head.startsWith("{")) return false;
      try {
        JSON.parse(head);
      } catch {
        return false;
      }
      return end >= 0 && /\S/.test(text.slice(end + 1));
    }
    if (end < 0) return false;
    start = end + 1;
  }
}

/** Blank line test without copying the (often long) line in the common case. */
function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  if (c === 123 /* { */ || c === 91 /* [ */) return false;
  return line.trim() === "";
}

function loadJsonLines(text: string, file: string): LoadedScenarios {
  const scenarios: LoadedScenario[] = [];
  const problems: string[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isBlank(line)) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e: unknown) {
      problems.push(syntaxProblem(line, file, e, i));
      continue;
    }
    scenarios.push(entry(json, { file, line: i }));
  }
  return { scenarios, problems };
}

/** `file:line:column: message` from a JSON.parse error ("... at position 42" / "(line 3 column 5)"). */
function syntaxProblem(text: string, file: string, e: unknown, firstLine: number): string {
  const message = e instanceof Error ? e.message : String(e);
  const position = /at position (\d+)/.exec(message);
  let where = `${file}:${firstLine + 1}`;
  if (position) {
    const offset = Number(position[1]);
    const before = text.slice(0, offset);
    const line = firstLine + before.split("\n").length - 1;
    const column = offset - before.lastIndexOf("\n");
    where = `${file}:${line + 1}:${column}`;
  } else {
    const lineColumn = /line (\d+) column (\d+)/.exec(message);
    if (lineColumn) where = `${file}:${firstLine + Number(lineColumn[1])}:${lineColumn[2]}`;
  }
  const reason = message.replace(/\s*in JSON at position \d+.*$/, "").replace(/\s*\(line \d+ column \d+\)$/, "");
  return `${where}: not valid JSON: ${reason}`;
}

/** How deep `jsonLineIndex` records paths: scenario index, top-level key, array element. */
const INDEX_DEPTH = 4;

/**
 * Zero-based line where each value starts, by path (`memory[12]`, `[0].memory[12]`), for the
 * first few levels. Assumes valid JSON (JSON.parse has accepted the text).
 */
export function jsonLineIndex(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const stack: { path: string; array: boolean; index: number; key: string | undefined }[] = [];
  let line = 0;
  let i = 0;
  const n = text.length;
  const valueStarts = (): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      out.set("", line);
      return;
    }
    if (stack.length > INDEX_DEPTH) return;
    const path = top.array
      ? `${top.path}[${top.index}]`
      : top.path === ""
        ? (top.key ?? "")
        : `${top.path}.${top.key ?? ""}`;
    if (!out.has(path)) out.set(path, line);
  };
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return "";
    if (top.array) return `${top.path}[${top.index}]`;
    return top.path === "" ? (top.key ?? "") : `${top.path}.${top.key ?? ""}`;
  };
  let expectKey = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 44 /* , */ || c === 58 /* : */) {
      if (c === 44) {
        const top = stack[stack.length - 1];
        if (top?.array) top.index++;
        else if (top) expectKey = true;
      }
      i++;
      continue;
    }
    if (c === 34 /* " */) {
      const start = i + 1;
      i++;
      while (i < n && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
      const s = text.slice(start, i);
      i++;
      const top = stack[stack.length - 1];
      if (top && !top.array && expectKey) {
        top.key = s;
        expectKey = false;
      } else valueStarts();
      continue;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      valueStarts();
      stack.push({ path: childPath(), array: c === 91, index: 0, key: undefined });
      expectKey = c === 123;
      i++;
      continue;
    }
    if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      expectKey = false;
      i++;
      continue;
    }
    // a number, true, false or null
    valueStarts();
    while (i < n && !/[\s,\]}]/.test(text[i]!)) i++;
  }
  return out;
}
