// The log scanner: SMMUv3 records found in any text (kernel logs, mails, QEMU traces, hex lists),
// located to the character, decoded through the SMMUv3 record tables.

export * from "./types";
export { scanLog, LogScanner, findLogRecordAt, type LogRecordHit, type LogScannerOptions } from "./scan";
export { ByteLogScanner, scanLogBytes, decodeUtf8Bytes } from "./bytes";
export { decodeLogRecord, cmdqErrorName } from "./decode";
export { parseLogLinePrefix, type LogLinePrefix } from "./prefix";
export { LOG_SCAN_MAX_LINE } from "./machine";
