// Decodes what the scanner found: events through the SMMUv3 record tables (`decodeEvent`), QEMU
// trace events rebuilt from their type and StreamID (`encodeEvent`), and checks that everything
// the text says twice agrees: the header's event number against DW0[7:0], and the decoded lines of
// Linux >= v6.14 against the raw dwords they were printed from.
//
// Linux's arm_smmu_decode_event() reads every record with the translation-fault layout (EVTQ_0_SSV,
// EVTQ_1_PnU, ..., EVTQ_3_IPA = DW3[51:12], EVTQ_3_FETCH_ADDR = DW3[51:3]) whatever the type, so
// the cross-check reads the dwords the same way, through the F_PERMISSION and F_STE_FETCH tables
// (SMMUv3 spec §1.1, §1.6).

import { fieldOf, getSmall, getValue, type DecodedField, type FieldSpec } from "../bits/fields";
import { hex64, hexNumber, parseHex64, type U64 } from "../bits/u64";
import {
  decodeCommand,
  decodeEvent,
  encodeEvent,
  eventFieldsOfPresentDwords,
  eventTypeByName,
  registerByName,
  type DecodedEvent,
} from "../smmuv3/records";
import { LogRecord } from "./record";
import type { DecodedLogRecord, FoundRecord, KernelDecodedLines, LogProblem } from "./types";

/** Linux's event_class_str[] (arm-smmu-v3.c), indexed by CLASS. */
const LINUX_CLASS_TEXT = ["CD fetch", "Stage 1 translation table fetch", "Input address caused fault", "Reserved"];
/** CONS.ERR names: the values SMMU_CMDQ_CONS's table names (SMMUv3 §6.1, §7.1). */
const CERROR_NAMES: Readonly<Record<number, string>> = fieldOf(registerByName("CMDQ_CONS")!.struct, "ERR").values ?? {};

/** The name of a SMMU_CMDQ_CONS.ERR value (`CERROR_ILL`); Reserved values as `CERROR_0x..`. */
export function cmdqErrorName(code: number): string {
  return CERROR_NAMES[code] ?? `CERROR_${hexNumber(code)}`;
}

/**
 * Decodes one found record, in place when it is the scanner's own record object (the result is
 * the same object, its decoding filled in). Never throws.
 */
export function decodeLogRecord(found: FoundRecord): DecodedLogRecord {
  const record = LogRecord.from(found);
  try {
    if (record.kind === "event" || record.kind === "dwords") decodeEventRecord(record);
    else if (record.kind === "cmdq-error") decodeCmdqRecord(record);
    else decodeTraceRecord(record);
  } catch (e: unknown) {
    // The decoders never throw by contract; should one ever do, the record still comes out.
    record.decodeProblems = [
      ...record.decodeProblems,
      `internal error while decoding: ${e instanceof Error ? e.message : String(e)}`,
    ];
  }
  return record;
}

function decodeEventRecord(record: LogRecord): void {
  let extra: LogProblem[] | undefined;
  if (record.form === "qemu-trace" && record.trace) {
    extra = [];
    if (!rebuildFromTrace(record, extra)) {
      // Not an event this decoder knows: say so, rather than decode the empty record as 0x00.
      record.name = record.trace.args["type"] ?? "";
      record.summary = `QEMU recorded event '${record.name}' for sid ${record.trace.args["sid"] ?? "?"}`;
      record.problems = [...record.problems, ...extra];
      return;
    }
  }
  const event = decodeEvent(
    record.headerId !== undefined && record.wordRanges[0] === undefined
      ? withHeaderType(record.words, record.headerId)
      : record.words,
  );
  if (record.headerId !== undefined && record.headerId !== event.id && record.wordRanges[0] !== undefined) {
    (extra ??= []).push({
      line: record.startLine,
      message: `the header says event ${hexNumber(record.headerId)} but DW0[7:0] is ${hexNumber(event.id)}`,
    });
  }
  if (record.kernelDecoded) crossCheckKernelLines(record, record.kernelDecoded, event, (extra ??= []));
  if (extra !== undefined && extra.length !== 0) record.problems = [...record.problems, ...extra];
  record.id = hexNumber(event.id);
  record.name = event.name;
  record.fields = event.fields;
  record.summary = event.summary;
  record.decodeProblems = event.problems;
  record.event = event;
  if (!record.complete) keepKnownFields(record, event);
}

/**
 * The dwords with Type (DW0[7:0]) from the header, for a record whose dword 0 is missing: the
 * header's event number is then all the text says of the record (fields of dword 0 stay unknown).
 */
function withHeaderType(words: Uint32Array, headerId: number): Uint32Array {
  const copy = Uint32Array.from(words);
  copy[0] = ((copy[0]! & ~0xff) | (headerId & 0xff)) >>> 0;
  return copy;
}

/**
 * A record with missing or unreadable dwords: the fields read from them would show zeros that
 * the text never said, so they are left out and the summary says what is unknown. A QEMU trace
 * line gives the StreamID only.
 */
function keepKnownFields(record: LogRecord, event: DecodedEvent): void {
  if (!event.type) return;
  const fromTrace = record.form === "qemu-trace";
  let kept: readonly DecodedField[];
  if (fromTrace) {
    kept = event.fields.filter((f) => f.field === "StreamID");
  } else {
    // Fields of given dwords only; validity undecided where the deciding field (S2) is missing.
    const partial = eventFieldsOfPresentDwords(
      event,
      record.wordRanges.map((r) => r !== undefined),
    );
    kept = partial.fields;
    record.fields = kept;
    record.decodeProblems = partial.problems;
  }
  if (kept.length === event.fields.length) return;
  record.fields = kept;
  const sid = kept.find((f) => f.field === "StreamID");
  const missing = record.wordRanges.flatMap((r, i) => (r === undefined ? [i] : []));
  record.summary =
    `${sid ? `StreamID ${sid.value}: ` : ""}${event.type.short}` +
    (fromTrace
      ? " (from a QEMU trace: only the type and StreamID are known)"
      : ` (incomplete record: dword${missing.length > 1 ? "s" : ""} ${missing.join(", ")} missing, their fields unknown)`);
}

/**
 * QEMU's names for the events (hw/arm/smmuv3-internal.h, smmu_event_string) where they are not
 * the SMMUv3 names once their `SMMU_EVT_` prefix is dropped.
 */
const QEMU_EVENT_NAMES: Readonly<Record<string, string>> = {
  F_TRANS_FORBIDDEN: "F_TRANSL_FORBIDDEN",
  E_PAGE_REQ: "E_PAGE_REQUEST",
};

/**
 * A QEMU `smmuv3_record_event TYPE sid=..` line: the record with its Type and StreamID only.
 * QEMU prints TYPE as `SMMU_EVT_F_TRANSLATION`; the bare SMMUv3 name is accepted too. False when
 * TYPE names no SMMUv3 event (the record then has no dwords to decode).
 */
function rebuildFromTrace(record: LogRecord, problems: LogProblem[]): boolean {
  const args = record.trace!.args;
  const typeName = args["type"] ?? "";
  const sidText = args["sid"] ?? "";
  const sid = /^0[xX]/.test(sidText) ? parseHex64(sidText) : /^\d+$/.test(sidText) ? hexDecimal(sidText) : undefined;
  if (sid === undefined) {
    problems.push({ line: record.startLine, message: `sid '${sidText}' is not a number` });
  }
  const bare = typeName.startsWith("SMMU_EVT_") ? typeName.slice("SMMU_EVT_".length) : typeName;
  const type = eventTypeByName(QEMU_EVENT_NAMES[bare] ?? bare);
  if (!type) {
    problems.push({
      line: record.startLine,
      message: `'${typeName}' is not an SMMUv3 event name (QEMU smmu_event_string)`,
    });
    return false;
  }
  const built = encodeEvent(type.id, sid ? { StreamID: sid } : {});
  for (const p of built.problems) problems.push({ line: record.startLine, message: p });
  record.words = built.words;
  return true;
}

function hexDecimal(text: string): U64 | undefined {
  const n = Number(text);
  return Number.isSafeInteger(n) ? { lo: n >>> 0, hi: Math.floor(n / 0x1_0000_0000) >>> 0 } : undefined;
}

/** The value with bits [63:52] cleared, as Linux's GENMASK_ULL(51, n) masks keep it. */
function linuxMask52(v: U64): string {
  return hex64({ lo: v.lo, hi: v.hi & 0x000f_ffff });
}

function crossCheckKernelLines(
  record: FoundRecord,
  k: KernelDecodedLines,
  event: DecodedEvent,
  problems: LogProblem[],
): void {
  const line = k.lines[0] ?? record.endLine;
  const say = (what: string, printed: string, fromRaw: string, at = line): void => {
    problems.push({
      line: at,
      message: `the kernel's decoded line says ${what} ${printed} but the raw dwords give ${fromRaw}`,
    });
  };
  if (k.name !== "UNKNOWN" && k.name !== "?" && !k.name.endsWith("?") && k.name !== event.name) {
    say("event", k.name, event.name);
  }
  // Linux reads every record with the translation layout, whatever the type.
  const translation = eventTypeByName("F_PERMISSION");
  const fetch = eventTypeByName("F_STE_FETCH");
  if (!translation || !fetch) return;
  // Read through the tables' field specs (no decoded-field objects: this runs per record).
  const words = record.words;
  const spec = (name: string): FieldSpec | undefined => translation.struct.byName.get(name);
  const num = (name: string): number => {
    const f = spec(name);
    return f ? getSmall(words, f) : 0;
  };
  const address = (f: FieldSpec | undefined): string => (f ? linuxMask52(getValue(words, f)) : "0x0");
  if (k.sid !== undefined && k.sid !== num("StreamID")) say("sid", hexNumber(k.sid), hexNumber(num("StreamID")));
  const ssid = num("SSV") === 1 ? num("SubstreamID") : 0;
  if (k.ssid !== undefined && k.ssid !== ssid) say("ssid", hexNumber(k.ssid), hexNumber(ssid));
  const inputSpec = spec("InputAddr");
  const input = inputSpec ? hex64(getValue(words, inputSpec)) : "0x0";
  if (k.iova !== undefined && k.iova !== input) say("iova", k.iova, input);
  const ipa = address(spec("IPA"));
  if (k.ipa !== undefined && k.ipa !== ipa) say("ipa", k.ipa, ipa);
  const fetchAddr = address(fetch.struct.byName.get("FetchAddr"));
  if (k.fetchAddr !== undefined && k.fetchAddr !== fetchAddr) say("fetch_addr", k.fetchAddr, fetchAddr);
  if (k.stag === undefined) return;
  const flagsLine = k.lines[1] ?? line;
  const flag = (what: string, printed: boolean | undefined, field: string, yes: string, no: string): void => {
    if (printed === undefined) return;
    const fromRaw = num(field) === 1;
    if (printed !== fromRaw)
      say(what, printed ? yes : no, `${field}=${fromRaw ? 1 : 0} (${fromRaw ? yes : no})`, flagsLine);
  };
  flag("access", k.privileged, "PnU", "priv", "unpriv");
  flag("access", k.instruction, "InD", "inst", "data");
  flag("access", k.read, "RnW", "read", "write");
  flag("stage", k.stage2, "S2", "s2", "s1");
  flag("access", k.stall, "Stall", "stall", "no stall");
  const cls = num("CLASS");
  if (k.classText !== undefined && k.classText !== LINUX_CLASS_TEXT[cls]) {
    say("class", `"${k.classText}"`, `CLASS=${cls} ("${LINUX_CLASS_TEXT[cls]}")`, flagsLine);
  }
  const classTT = event.id === 0x13 && cls === 1;
  if (classTT && k.ttdRead === undefined) {
    problems.push({
      line: flagsLine,
      message: "the kernel prints ttd_read/ttd_write for F_PERMISSION with CLASS=TT; it is missing",
    });
  } else if (!classTT && k.ttdRead !== undefined) {
    problems.push({ line: flagsLine, message: "ttd_read/ttd_write is printed only for F_PERMISSION with CLASS=TT" });
  } else if (classTT && k.ttdRead !== (num("TTRnW") === 1)) {
    say("table access", k.ttdRead ? "ttd_read" : "ttd_write", `TTRnW=${num("TTRnW")}`, flagsLine);
  }
  if (k.stag !== num("STAG")) say("stag", hexNumber(k.stag), hexNumber(num("STAG")), flagsLine);
}

function decodeCmdqRecord(record: LogRecord): void {
  const code = record.cmdq?.errorCode ?? 0;
  const cerror = cmdqErrorName(code);
  const head = `${cerror} (${record.cmdq?.errorText ?? "?"}), CONS ${hexNumber(record.cmdq?.cons ?? 0)}`;
  const decodeProblems: string[] = [];
  if (code > 3) decodeProblems.push(`CONS.ERR ${hexNumber(code)} is Reserved (SMMUv3 §6.1: 0-3 are defined)`);
  if (record.wordRanges[0] === undefined) {
    // No command printed: CERROR_ABT (the kernel retries the fetch), or a cut log.
    record.id = "";
    record.name = cerror;
    record.summary =
      head + (code === 2 ? "; the kernel retries the fetch (no command printed)" : "; no command printed");
    record.decodeProblems = decodeProblems;
    return;
  }
  const command = decodeCommand(record.words);
  record.id = hexNumber(command.opcode);
  record.name = command.name;
  record.fields = command.fields;
  record.summary = `${head}: ${command.summary}`;
  record.decodeProblems = [...decodeProblems, ...command.problems];
  record.command = command;
}

function decodeTraceRecord(record: LogRecord): void {
  const point = record.trace?.point ?? "trace";
  const args = record.trace?.args ?? {};
  const parts = Object.entries(args).map(([k, v]) => `${k}=${v}`);
  record.name = point;
  record.summary = `QEMU ${point}: ${parts.join(" ")}`;
}
