// The dump importer's public surface (re-exported by engine/src/index.ts).
export type {
  DumpFormat,
  DumpTextFormat,
  DumpWord,
  DumpImportOptions,
  DumpImportResult,
  DumpAddressSpace,
} from "./types";
export { DUMP_FORMATS, DUMP_CODES, dumpFormatByName } from "./types";
export { importDump, importBinary, detectDumpFormat, dumpFormatUsesBase } from "./import";
export { renderDump, type RenderDumpOptions } from "./render";
