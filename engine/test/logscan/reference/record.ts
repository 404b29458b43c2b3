// REFERENCE COPY (frozen at commit fcc0775) of the log scanner before the throughput work, kept
// only so that engine/test/logscan/equivalence.test.ts can hold the optimised scanner in
// engine/src/logscan/ to exactly the same records. Do not edit; do not import from src.
// The one concrete record object the scanner creates. It carries the found text (FoundRecord) and
// room for its decoding (DecodedLogRecord), filled in place by decodeLogRecord: one allocation per
// record and one object shape, which keeps a million-record log on V8's fast paths.

import type { DecodedField } from "../../../src/bits/fields";
import type { DecodedCommand, DecodedEvent } from "../../../src/smmuv3/records";
import type {
  CmdqErrorInfo,
  DecodedLogRecord,
  FoundRecord,
  KernelDecodedLines,
  LogProblem,
  LogRecordForm,
  LogTextRange,
  QemuTraceInfo,
} from "./types";

export class LogRecord implements DecodedLogRecord {
  file: string | undefined = undefined;
  id = "";
  name = "";
  fields: readonly DecodedField[] = [];
  summary = "";
  decodeProblems: readonly string[] = [];
  event: DecodedEvent | undefined = undefined;
  command: DecodedCommand | undefined = undefined;

  constructor(
    readonly kind: FoundRecord["kind"],
    readonly form: LogRecordForm,
    readonly startLine: number,
    readonly endLine: number,
    readonly quoteDepth: number,
    readonly source: string,
    public words: Uint32Array,
    readonly expectedDwords: number,
    readonly wordRanges: readonly (LogTextRange | undefined)[],
    readonly complete: boolean,
    public problems: readonly LogProblem[],
    readonly headerRange: LogTextRange | undefined,
    readonly headerId: number | undefined,
    readonly kernelDecoded: KernelDecodedLines | undefined,
    readonly cmdq: CmdqErrorInfo | undefined,
    readonly trace: QemuTraceInfo | undefined,
  ) {}

  /** A LogRecord with the same content as any FoundRecord (for records built elsewhere). */
  static from(r: FoundRecord): LogRecord {
    if (r instanceof LogRecord) return r;
    const copy = new LogRecord(
      r.kind,
      r.form,
      r.startLine,
      r.endLine,
      r.quoteDepth,
      r.source,
      r.words,
      r.expectedDwords,
      r.wordRanges,
      r.complete,
      r.problems,
      r.headerRange,
      r.headerId,
      r.kernelDecoded,
      r.cmdq,
      r.trace,
    );
    copy.file = r.file;
    return copy;
  }
}
