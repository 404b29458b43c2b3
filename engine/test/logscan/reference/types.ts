// REFERENCE COPY (frozen at commit fcc0775) of the log scanner before the throughput work, kept
// only so that engine/test/logscan/equivalence.test.ts can hold the optimised scanner in
// engine/src/logscan/ to exactly the same records. Do not edit; do not import from src.
// Shapes the log scanner hands out: records found in free text (kernel logs, mails, QEMU traces,
// hex lists) with exact locations, and the problems met on the way.
//
// Lines are zero-based and characters are UTF-16 offsets into the line without its line break
// (LSP positions), so the language server can use them for hover unchanged; the CLI adds one.

import type { DecodedField } from "../../../src/bits/fields";
import type { DecodedCommand, DecodedEvent } from "../../../src/smmuv3/records";

/** A stretch of one line: `[start, end)` characters of zero-based `line`. */
export interface LogTextRange {
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

/** A located problem: which line, and what is wrong or missing there. */
export interface LogProblem {
  /** Zero-based line. */
  readonly line: number;
  readonly message: string;
}

/**
 * How the record was written:
 * - `linux-raw`: `event 0xNN received:` and four `0x%016llx` lines (arm-smmu-v3, every version);
 * - `linux-cmdq`: `CMDQ error (cons 0x...): ...` and the command's two dwords;
 * - `bare`: four hex dwords on one line or on four consecutive lines;
 * - `qemu-trace`: a QEMU `-trace smmu*` line (the record's type and StreamID only, or a walk step).
 */
export type LogRecordForm = "linux-raw" | "linux-cmdq" | "bare" | "qemu-trace";

/**
 * What Linux >= v6.14 prints after the raw dwords (`arm_smmu_dump_event`): the event name, client,
 * sid/ssid, and per event class iova/ipa + access flags, or fetch_addr. Values as the kernel
 * printed them (numbers parsed; `%#x` prints 0 as `0`).
 */
export interface KernelDecodedLines {
  readonly name: string;
  readonly client: string;
  readonly sid?: number;
  readonly ssid?: number;
  readonly iova?: string;
  readonly ipa?: string;
  readonly fetchAddr?: string;
  /** From the flags line: `priv`/`unpriv`, `inst`/`data`, `read`/`write`, `s1`/`s2`. */
  readonly privileged?: boolean;
  readonly instruction?: boolean;
  readonly read?: boolean;
  readonly stage2?: boolean;
  /** The class text in quotes (`Input address caused fault`). */
  readonly classText?: string;
  /** ` ttd_read` / ` ttd_write` (F_PERMISSION with CLASS TT only). */
  readonly ttdRead?: boolean;
  readonly stall?: boolean;
  readonly stag?: number;
  /** Lines the decoded form occupies. */
  readonly lines: readonly number[];
}

/** A command-queue error print: the CONS value and the error name the kernel gave. */
export interface CmdqErrorInfo {
  /** SMMU_CMDQ_CONS as printed. */
  readonly cons: number;
  /** CONS.ERR, bits [30:24] (SMMUv3 §6.1: 0 NONE, 1 ILL, 2 ABT, 3 ATC_INV_SYNC). */
  readonly errorCode: number;
  /** The kernel's text (`Illegal command`). */
  readonly errorText: string;
}

/** A QEMU trace line the scanner understood (name and its `key=value` arguments). */
export interface QemuTraceInfo {
  /** Trace point (`smmuv3_record_event`, `smmu_ptw_invalid_pte`). */
  readonly point: string;
  /** Arguments by the trace's own names, values as written. */
  readonly args: Readonly<Record<string, string>>;
}

/** A record found in text. */
export interface FoundRecord {
  /** `event`: an SMMUv3 event record; `cmdq-error`: a command-queue error with its command;
   *  `dwords`: four bare hex dwords (decoded as an event); `trace`: a QEMU walk trace step. */
  readonly kind: "event" | "cmdq-error" | "dwords" | "trace";
  readonly form: LogRecordForm;
  readonly file: string | undefined;
  /** Zero-based first and last line (inclusive), covering every line the record uses. */
  readonly startLine: number;
  readonly endLine: number;
  /** Mail quoting depth (`> ` = 1, `> > ` and `>>` = 2). */
  readonly quoteDepth: number;
  /** The text before the record on its lines (`arm-smmu-v3 arm-smmu-v3.2.auto:`), "" if none. */
  readonly source: string;
  /** Packed halves [lo0, hi0, lo1, hi1, ...] of the dwords read (missing ones are zero). */
  readonly words: Uint32Array;
  /** How many dwords the form should have (4 for events, 2 for commands). */
  readonly expectedDwords: number;
  /** Where each dword was read from; `undefined` for a dword missing or unreadable. */
  readonly wordRanges: readonly (LogTextRange | undefined)[];
  /** The header (`event 0x04 received:`, `CMDQ error ...`, the trace line), when there is one. */
  readonly headerRange: LogTextRange | undefined;
  /** Every dword present and readable. */
  readonly complete: boolean;
  /** The event number from the header (`event 0x04`), when the form prints one. */
  readonly headerId: number | undefined;
  readonly kernelDecoded: KernelDecodedLines | undefined;
  readonly cmdq: CmdqErrorInfo | undefined;
  readonly trace: QemuTraceInfo | undefined;
  /** What is wrong with the text of the record (missing, damaged, disagreeing lines). */
  readonly problems: readonly LogProblem[];
}

/** A record with its decoding (R1's `decodeEvent` / `decodeCommand`) and cross-checks. */
export interface DecodedLogRecord extends FoundRecord {
  /** `0x4`, the event number or the command's opcode; "" when there is none (a trace step, a
   *  command-queue error that printed no command). */
  readonly id: string;
  /** `C_BAD_STE`, the command in error (`CMD_CFGI_STE`), `CERROR_ABT` when no command was
   *  printed, `UNKNOWN_0x..`, or the trace point. */
  readonly name: string;
  readonly fields: readonly DecodedField[];
  readonly summary: string;
  /** What the decoder says is wrong with the record's content (undefined bits set, Reserved
   *  values); `problems` (from FoundRecord) says what is wrong with its text, located. */
  readonly decodeProblems: readonly string[];
  /** The full event decoding (with `type`: doc, cause, next steps), for event records. */
  readonly event: DecodedEvent | undefined;
  /** The command in error (`cmdq-error` records that print one). */
  readonly command: DecodedCommand | undefined;
}

/** Everything `scanLog` found in one document. */
export interface LogScanResult {
  readonly records: DecodedLogRecord[];
  /** Lines that only look like records (standalone problems). */
  readonly problems: LogProblem[];
  readonly lineCount: number;
}
