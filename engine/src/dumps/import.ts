// `importDump` and `importBinary`: the dump importer's public entry points. They validate
// options, detect the format when none is given (by parsing a sample in every format and scoring
// clean, contiguous lines), run the line parser and return words and located problems. Bad input
// never throws: an unexpected exception becomes a DUMP-INTERNAL problem.

import type { EngineDiagnostic } from "../diagnostics";
import { DumpParser, type ParserOptions, type ParseStats } from "./parser";
import { DUMP_ADDRESS_LIMIT } from "./scan";
import { DumpSink, SPACE_OFFSET } from "./sink";
import {
  DUMP_CODES,
  DUMP_FORMATS,
  dumpFormatByName,
  type DumpFormat,
  type DumpImportOptions,
  type DumpImportResult,
  type DumpTextFormat,
} from "./types";

const DEFAULT_MAX_ELISION = 64 * 1024 * 1024;
/** Lines auto-detection samples. */
const DETECT_LINES = 400;

/**
 * Imports a pasted dump (see `DumpFormat` for the formats). Returns the fully covered aligned
 * qwords with their spans, the format used, and located problems (DUMP-* codes).
 */
export function importDump(text: string, options: DumpImportOptions): DumpImportResult {
  const problems: EngineDiagnostic[] = [];
  // callers may pass a user's name (`qemu-xp`, `hexdump-C`): resolve it, refuse unknown ones
  const given = typeof options.format === "string" ? dumpFormatByName(options.format) : undefined;
  const requested: DumpTextFormat | undefined = given === "binary" ? undefined : given;
  let format: DumpTextFormat = requested ?? "plain";
  try {
    const base = checkBase(options.base, options.file, problems);
    if (given === "binary")
      problems.push({
        code: DUMP_CODES.badOption,
        severity: "error",
        message: "`binary` is not a text format: use importBinary",
      });
    else if (options.format !== undefined && given === undefined)
      problems.push({
        code: DUMP_CODES.badOption,
        severity: "error",
        message: `unknown dump format "${String(options.format)}" (known: ${DUMP_FORMATS.join(", ")}); the format was detected instead`,
      });
    const parserOptions: ParserOptions = {
      file: options.file,
      base: base ?? 0,
      hasBase: base !== undefined,
      plainWidth: options.plainWidth === 32 ? 32 : 64,
      xxdLittleEndian: options.xxdLittleEndian,
      maxElisionBytes: options.maxElisionBytes ?? DEFAULT_MAX_ELISION,
      bigEndian: options.bigEndian === true,
    };
    if (requested === undefined) {
      const detection = detectDumpFormat(text, parserOptions);
      format = detection.format;
      if (detection.note) problems.push(detection.note);
    }
    const parser = new DumpParser(format, parserOptions);
    parser.run(text);
    const sink = parser.sink;
    sink.checkConflicts();
    sink.finishProblems();
    problems.push(...sink.problems);
    if (sink.count === 0 && !problems.some((p) => p.severity !== "information"))
      problems.push({
        code: DUMP_CODES.empty,
        severity: "error",
        message: `no ${format} dump data found`,
        span: spanAt(options.file),
      });
    return { words: sink.words(), format, problems };
  } catch (e) {
    problems.push(internalProblem(e, options.file));
    return { words: [], format, problems };
  }
}

/** How auto-detection scores a format on the sample: clean, contiguous, well-shaped lines win. */
function score(stats: ParseStats): number {
  return (
    stats.dataLines * 4 + stats.contiguous * 2 - stats.badLines * 4 - stats.shapeMismatch * 2 + stats.commandHints * 20
  );
}

/**
 * Picks the format whose parser reads the first lines best. Exported for editors that want to
 * show the guess before importing. `note` is set when the runner-up came close.
 */
export function detectDumpFormat(
  text: string,
  options?: Partial<ParserOptions>,
): { format: DumpTextFormat; scores: Readonly<Record<DumpTextFormat, number>>; note?: EngineDiagnostic } {
  let cut = 0;
  for (let k = 0; k < DETECT_LINES && cut >= 0; k++) {
    cut = text.indexOf("\n", cut);
    if (cut >= 0) cut++;
  }
  const sample = cut < 0 ? text : text.slice(0, cut);
  const file = options?.file ?? "";
  const parserOptions: ParserOptions = {
    file,
    base: options?.base ?? 0,
    hasBase: true, // detection asks "does it parse", not "is it placed"
    plainWidth: options?.plainWidth ?? 64,
    xxdLittleEndian: options?.xxdLittleEndian,
    maxElisionBytes: 1 << 20,
    bigEndian: options?.bigEndian ?? false,
  };
  const scores = {} as Record<DumpTextFormat, number>;
  const parsers = new Map<DumpTextFormat, DumpParser>();
  let best: DumpTextFormat = "plain";
  let bestScore = 0;
  let second: DumpTextFormat | undefined;
  let secondScore = 0;
  for (const f of DUMP_FORMATS) {
    const parser = new DumpParser(f, parserOptions);
    parser.run(sample);
    parsers.set(f, parser);
    const sc = score(parser.stats);
    scores[f] = sc;
    if (sc > bestScore) {
      second = bestScore > 0 ? best : second;
      secondScore = bestScore > 0 ? bestScore : secondScore;
      best = f;
      bestScore = sc;
    } else if (sc > secondScore) {
      second = f;
      secondScore = sc;
    }
  }
  if (
    second !== undefined &&
    secondScore > 0 &&
    secondScore >= bestScore * 0.5 &&
    !sameWords(parsers.get(best)!.sink, parsers.get(second)!.sink)
  )
    return {
      format: best,
      scores,
      note: {
        code: DUMP_CODES.detected,
        severity: "information",
        message: `read as ${best} (it also parses as ${second}); give the format explicitly if that is wrong`,
        span: spanAt(file),
      },
    };
  return { format: best, scores };
}

/**
 * Imports a raw binary file placed at `base` (8-byte aligned): consecutive little-endian
 * qwords. A trailing partial qword is a located problem (spans count bytes on line 0).
 */
export function importBinary(bytes: Uint8Array, base: number, file: string): DumpImportResult {
  const problems: EngineDiagnostic[] = [];
  try {
    const checked = checkBase(base, file, problems);
    if (checked === undefined) {
      if (problems.length === 0)
        problems.push({ code: DUMP_CODES.badOption, severity: "error", message: "importBinary needs a base address" });
      return { words: [], format: "binary", problems };
    }
    if (checked % 8 !== 0) {
      problems.push({
        code: DUMP_CODES.badOption,
        severity: "error",
        message: `the base 0x${checked.toString(16)} is not 8-byte aligned`,
      });
      return { words: [], format: "binary", problems };
    }
    const sink = new DumpSink(file);
    const whole = bytes.length - (bytes.length % 8);
    if (checked + whole > DUMP_ADDRESS_LIMIT + 8) {
      problems.push({
        code: DUMP_CODES.addressRange,
        severity: "error",
        message: "the file does not fit below 2^53 at that base",
      });
      return { words: [], format: "binary", problems };
    }
    for (let k = 0; k < whole; k += 8) {
      const lo = (bytes[k]! | (bytes[k + 1]! << 8) | (bytes[k + 2]! << 16) | (bytes[k + 3]! << 24)) >>> 0;
      const hi = (bytes[k + 4]! | (bytes[k + 5]! << 8) | (bytes[k + 6]! << 16) | (bytes[k + 7]! << 24)) >>> 0;
      sink.emit(checked + k, lo, hi, SPACE_OFFSET, 0, k, 0, k + 8);
    }
    if (whole !== bytes.length)
      problems.push({
        code: DUMP_CODES.trailingBytes,
        severity: "warning",
        message: `the file ends with ${bytes.length - whole} bytes that do not make a whole qword (at 0x${(checked + whole).toString(16)}); they are not imported`,
        span: { file, start: { line: 0, character: whole }, end: { line: 0, character: bytes.length } },
      });
    return { words: sink.words(), format: "binary", problems };
  } catch (e) {
    problems.push(internalProblem(e, file));
    return { words: [], format: "binary", problems };
  }
}

/** True when two parses of the sample produced the same words (then the choice does not matter). */
function sameWords(a: DumpSink, b: DumpSink): boolean {
  if (a.count !== b.count) return false;
  for (let i = 0; i < a.count; i++)
    if (a.addrs[i] !== b.addrs[i] || a.los[i] !== b.los[i] || a.his[i] !== b.his[i]) return false;
  return true;
}

function checkBase(base: number | undefined, file: string, problems: EngineDiagnostic[]): number | undefined {
  if (base === undefined) return undefined;
  if (!Number.isInteger(base) || base < 0 || base > DUMP_ADDRESS_LIMIT) {
    problems.push({
      code: DUMP_CODES.badOption,
      severity: "error",
      message: `the base ${String(base)} is not an address below 2^53`,
      span: spanAt(file),
    });
    return undefined;
  }
  return base;
}

function spanAt(file: string): {
  file: string;
  start: { line: number; character: number };
  end: { line: number; character: number };
} {
  return { file, start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

function internalProblem(e: unknown, file: string): EngineDiagnostic {
  return {
    code: DUMP_CODES.internal,
    severity: "error",
    message: `the dump importer failed (a bug, please report): ${e instanceof Error ? e.message : String(e)}`,
    span: spanAt(file),
  };
}

/** True for the formats whose addresses are file offsets placed at `base`. */
export function dumpFormatUsesBase(format: DumpFormat): boolean {
  return (
    format === "xxd" ||
    format === "hexdump-c" ||
    format === "hexdump" ||
    format === "od" ||
    format === "plain" ||
    format === "binary"
  );
}
