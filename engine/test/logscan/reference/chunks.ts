// REFERENCE COPY (frozen at commit fcc0775) of the log scanner before the throughput work, kept
// only so that engine/test/logscan/equivalence.test.ts can hold the optimised scanner in
// engine/src/logscan/ to exactly the same records. Do not edit; do not import from src.
// Turns text arriving in chunks of any size into lines for the line machine, so that a whole
// document and the same text pushed in any chunking give exactly the same lines (and so the same
// records). Only `\n` ends a line; one `\r` before it is dropped (CRLF). Memory stays bounded: the
// only thing carried between chunks is the unfinished last line, cut at LOG_SCAN_MAX_LINE + 1
// characters (lines are scanned in their first LOG_SCAN_MAX_LINE characters either way).

import { LOG_SCAN_MAX_LINE, LogLineMachine, type LogScanSink } from "./machine";

export class LogLineSplitter {
  private carry = "";
  private carryOverlong = false;
  private lineNo = 0;
  private ended = false;
  private readonly machine: LogLineMachine;

  constructor(sink: LogScanSink) {
    this.machine = new LogLineMachine(sink);
  }

  /** Lines completed so far. */
  get lines(): number {
    return this.lineNo;
  }

  push(chunk: string): void {
    if (this.ended || chunk.length === 0) return;
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf("\n", pos);
      if (nl < 0) break;
      let line: string;
      if (this.carry.length !== 0 || this.carryOverlong) {
        line = this.carryOverlong
          ? this.carry
          : this.carry + chunk.slice(pos, Math.min(nl, pos + LOG_SCAN_MAX_LINE + 1));
        this.carry = "";
        this.carryOverlong = false;
      } else {
        line = nl - pos > LOG_SCAN_MAX_LINE + 1 ? chunk.slice(pos, pos + LOG_SCAN_MAX_LINE + 1) : chunk.slice(pos, nl);
      }
      this.feed(line);
      pos = nl + 1;
    }
    if (pos < chunk.length && !this.carryOverlong) {
      const room = LOG_SCAN_MAX_LINE + 1 - this.carry.length;
      const rest = chunk.length - pos;
      this.carry += chunk.slice(pos, pos + Math.min(room, rest));
      if (rest > room) this.carryOverlong = true;
    }
  }

  /** End of input: the last line (if unterminated) and every record in progress are finished. */
  end(): void {
    if (this.ended) return;
    if (this.carry.length !== 0) this.feed(this.carry);
    this.carry = "";
    this.ended = true;
    this.machine.end(this.lineNo - 1);
  }

  private feed(raw: string): void {
    let line = raw;
    if (line.length > LOG_SCAN_MAX_LINE) line = line.slice(0, LOG_SCAN_MAX_LINE);
    else if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    this.machine.line(line, this.lineNo++);
  }
}
