// The log scanner's public entry points: `scanLog` for a whole document (the language server's
// hover and the CLI's small inputs) and the streaming `LogScanner` (push chunks of any size, get
// each decoded record through a callback; memory bounded by the records in progress). Both run
// the same line machine over the same lines, so they find exactly the same records.

import { LogLineSplitter } from "./chunks";
import type { LogScanSink } from "./machine";
import { decodeLogRecord } from "./decode";
import { LogRecord } from "./record";
import type { DecodedLogRecord, FoundRecord, LogProblem, LogScanResult } from "./types";

export interface LogScannerOptions {
  /** Recorded in every record's `file`. */
  readonly file?: string;
  /** Called once per record, in the order records are finished. */
  readonly onRecord: (record: DecodedLogRecord) => void;
  /** Called for lines that only look like records. */
  readonly onProblem?: (problem: LogProblem) => void;
  /**
   * Decode each record before handing it out (default true). With false, records come with their
   * text, dwords and ranges only (id, name, fields empty) and `decodeLogRecord` decodes one later,
   * e.g. when a hover asks for it.
   */
  readonly decode?: boolean;
}

/** The machine's sink for a scanner's options (shared by the text and the byte scanner). */
export function logScanSink(options: LogScannerOptions): LogScanSink {
  const file = options.file;
  const onRecord = options.onRecord;
  const onProblem = options.onProblem;
  const decode = options.decode ?? true;
  return {
    record(found: FoundRecord): void {
      const record = LogRecord.from(found);
      if (file !== undefined) record.file = file;
      onRecord(decode ? decodeLogRecord(record) : record);
    },
    problem(problem: LogProblem): void {
      onProblem?.(problem);
    },
  };
}

export class LogScanner {
  private readonly splitter: LogLineSplitter;

  constructor(options: LogScannerOptions) {
    this.splitter = new LogLineSplitter(logScanSink(options));
  }

  /** Feeds the next piece of text (any size, may split lines and CRLF pairs anywhere). */
  push(chunk: string): void {
    this.splitter.push(chunk);
  }

  /** Ends the input: records still in progress are reported, with what they miss. */
  end(): void {
    this.splitter.end();
  }

  /** Lines seen so far (completed by a line break, or all of them after `end`). */
  get lineCount(): number {
    return this.splitter.lines;
  }
}

/** Finds and decodes every record in a document. Never throws. */
export function scanLog(text: string, file?: string): LogScanResult {
  const records: DecodedLogRecord[] = [];
  const problems: LogProblem[] = [];
  const scanner = new LogScanner({
    ...(file !== undefined ? { file } : {}),
    onRecord: (r) => records.push(r),
    onProblem: (p) => problems.push(p),
  });
  scanner.push(text);
  scanner.end();
  return { records, problems, lineCount: scanner.lineCount };
}

/** What is at a position of a scanned document: a record, and the dword under it if any. */
export interface LogRecordHit {
  readonly record: DecodedLogRecord;
  /** Index of the dword whose text contains the position; undefined elsewhere in the record. */
  readonly dword: number | undefined;
}

/**
 * The record covering a zero-based position (the language server's hover), preferring the dword
 * whose hex text contains it. Records are in line order, so this is a binary search.
 */
export function findLogRecordAt(
  records: readonly DecodedLogRecord[],
  line: number,
  character: number,
): LogRecordHit | undefined {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.startLine <= line) lo = mid + 1;
    else hi = mid;
  }
  // Records may overlap (interleaved sources): look back over those that start at or before line.
  let covering: DecodedLogRecord | undefined;
  for (let i = lo - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.endLine < line) continue;
    const dword = r.wordRanges.findIndex(
      (w) => w !== undefined && w.line === line && character >= w.start && character <= w.end,
    );
    if (dword >= 0) return { record: r, dword };
    covering ??= r;
    if (lo - 1 - i > 16) break;
  }
  return covering ? { record: covering, dword: undefined } : undefined;
}
