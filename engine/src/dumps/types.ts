// Public shapes of the dump importer: the formats it reads, the words it returns, its options.
//
// See /work/shared/design/dump-formats.md for the layouts. Every imported word is a fully covered,
// 8-byte-aligned little-endian qword; partial, unaligned and conflicting values are problems.

import type { EngineDiagnostic } from "../diagnostics";
import type { SourceSpan } from "../source";

/**
 * The text formats `importDump` reads.
 * - `qemu`: QEMU monitor `xp /Nfx` and `x /Nfx` (sizes b/h/w/g), dump-formats.md §1.
 * - `gdb`: gdb `x/Nfx` (sizes b/h/w/g), with or without `<symbol+off>`, §2.
 * - `crash`: crash `rd` with -64/-32/-16/-8 (and -p), ASCII column, §3.
 * - `xxd`: xxd default, `-g N`, `-e`, `-g8 -e`, `-a` (`*` = all-zero lines), §4.
 * - `hexdump-c`: util-linux `hexdump -C` (`*` = repeat of the previous line), §5.
 * - `hexdump`: util-linux `hexdump` default (16-bit units in host order, hex offsets), §6.
 * - `od`: GNU `od -t x1/x2/x4/x8` with octal (default) or `-A x` hex offsets, §7.
 * - `devmem`: busybox `devmem ADDR [WIDTH]` and `devmem2 ADDR [b|h|w]` reads, §8–9 (the address
 *   comes from the command line; adjacent 32-bit reads pair into qwords).
 * - `plain`: lists of hex qwords, optional leading addresses, §14.
 * - `binary`: raw bytes read by `importBinary` (never detected from text).
 */
export type DumpTextFormat = "qemu" | "gdb" | "crash" | "xxd" | "hexdump-c" | "hexdump" | "od" | "devmem" | "plain";

/** A text format, or `binary` for `importBinary`'s raw little-endian files. */
export type DumpFormat = DumpTextFormat | "binary";

const FORMAT_ALIASES: Readonly<Record<string, DumpFormat>> = {
  qemu: "qemu",
  "qemu-xp": "qemu",
  "qemu-x": "qemu",
  xp: "qemu",
  hmp: "qemu",
  monitor: "qemu",
  gdb: "gdb",
  "gdb-x": "gdb",
  crash: "crash",
  rd: "crash",
  "crash-rd": "crash",
  xxd: "xxd",
  "hexdump-c": "hexdump-c",
  hd: "hexdump-c",
  hexdump: "hexdump",
  od: "od",
  devmem: "devmem",
  devmem2: "devmem",
  plain: "plain",
  qwords: "plain",
  list: "plain",
  binary: "binary",
  bin: "binary",
  raw: "binary",
};

/**
 * The format a user-facing name means (`qemu-xp`, `rd`, `hexdump-C`, `raw`, ...; any case), or
 * undefined. Lets `include dump ... format <name>` and CLI flags accept the tools' own names.
 */
export function dumpFormatByName(name: string): DumpFormat | undefined {
  return FORMAT_ALIASES[name.trim().toLowerCase()];
}

/** The text formats in auto-detection's order of preference on a tie. */
export const DUMP_FORMATS: readonly DumpTextFormat[] = [
  "qemu",
  "gdb",
  "crash",
  "xxd",
  "hexdump-c",
  "hexdump",
  "od",
  "devmem",
  "plain",
];

/**
 * Which address space a word's address is in (dump-formats.md §16.6): physical (`xp`, `rd -p`),
 * virtual (`x`, gdb, `rd`), or an offset in a file (xxd, hexdump, od) placed at `base`, or a
 * value list placed at `base` / its own leading addresses (`given`).
 */
export type DumpAddressSpace = "physical" | "virtual" | "offset" | "given";

/** One imported 64-bit word: `addr` is 8-byte aligned, `lo`/`hi` are its unsigned halves. */
export interface DumpWord {
  readonly addr: number;
  readonly lo: number;
  readonly hi: number;
  /** The text the word came from: first to last character of the tokens that made it. */
  readonly span: SourceSpan;
  readonly space: DumpAddressSpace;
}

export interface DumpImportOptions {
  /** The format (a text format; `binary` is for `importBinary`); detected from the text when absent (`DumpImportResult.format` says which). */
  readonly format?: DumpFormat;
  /** The file name used in spans. */
  readonly file: string;
  /**
   * Address of offset 0 for file-offset formats (xxd, hexdump, od) and the start address of a
   * plain list without leading addresses. Ignored by formats that print memory addresses.
   */
  readonly base?: number;
  /**
   * Plain lists only: the width of each value. 64 (default): each value is a qword. 32: values
   * are 32-bit words paired low word first (dump-formats.md §14, "8-digit values are ambiguous").
   */
  readonly plainWidth?: 32 | 64;
  /**
   * xxd with 16-digit groups only: `-g8 -e` prints LE numbers, `-g8` memory order; the text alone
   * may not say which (§4). When absent the importer uses a command line or the ASCII column and
   * reports the choice when neither decides.
   */
  readonly xxdLittleEndian?: boolean;
  /** Largest number of bytes one `*` elision may expand to (default 64 MiB). */
  readonly maxElisionBytes?: number;
  /**
   * The dump came from a big-endian guest or host (dump-formats.md §1 `target_big_endian()`, §6):
   * numbers printed in its order (QEMU/gdb/crash/devmem values, hexdump/od units, plain values)
   * are reassembled big-endian. Byte dumps (xxd, hexdump -C, `/bx`) and xxd `-e` are unaffected.
   * Default false: the text does not say, and Arm and x86 hosts are little-endian.
   */
  readonly bigEndian?: boolean;
}

/** What `importDump` and `importBinary` return. */
export interface DumpImportResult {
  /** Fully covered aligned qwords in the order the text gives them. */
  readonly words: readonly DumpWord[];
  /** The format used (the detected one when none was given). */
  readonly format: DumpFormat;
  readonly problems: EngineDiagnostic[];
}

/** Stable problem codes (tools and tests key on them). */
export const DUMP_CODES = {
  /** A line that looks like data of the format but does not parse; the span is the bad token. */
  badLine: "DUMP-BAD-LINE",
  /** An aligned qword only partly covered by the dump (never padded with zeros). */
  partialWord: "DUMP-PARTIAL-WORD",
  /** A value not aligned to its own size (e.g. `rd -64` at a 4-mod-8 address); not imported. */
  unaligned: "DUMP-UNALIGNED",
  /** The same address given twice with different values (before/after snapshots). */
  conflict: "DUMP-CONFLICT",
  /** The tool reported a read error (`Cannot access memory`, `rd: read error`). */
  readError: "DUMP-READ-ERROR",
  /** A `*` elision without a following offset, or a malformed one. */
  elision: "DUMP-ELISION",
  /** A `*` elision larger than `maxElisionBytes`; not expanded. */
  elisionTooLarge: "DUMP-ELISION-TOO-LARGE",
  /** An address at or beyond 2^53 (e.g. a kernel virtual address); not imported. */
  addressRange: "DUMP-ADDRESS-RANGE",
  /** The dump's first line address differs from the address in its command. */
  addressMismatch: "DUMP-ADDRESS-MISMATCH",
  /** A value format the importer does not read (decimal, octal, characters, symbols). */
  unsupported: "DUMP-UNSUPPORTED",
  /** The text's byte order or width is ambiguous; the message says what was assumed. */
  ambiguous: "DUMP-AMBIGUOUS",
  /** Which format auto-detection chose, when it was a close call. */
  detected: "DUMP-FORMAT-DETECTED",
  /** A gap (`...`) between data lines: not zeros. */
  gap: "DUMP-GAP",
  /** No data found at all. */
  empty: "DUMP-EMPTY",
  /** A value list line without an address and no `base` option. */
  noBase: "DUMP-NO-BASE",
  /** A raw binary file whose length is not a multiple of 8. */
  trailingBytes: "DUMP-TRAILING-BYTES",
  /** Bad options (e.g. a base that is not an aligned address). */
  badOption: "DUMP-BAD-OPTION",
  /** More problems than are listed (the rest were dropped to keep hostile input cheap). */
  tooManyProblems: "DUMP-TOO-MANY-PROBLEMS",
  /** An internal error caught at the API boundary (a bug; please report). */
  internal: "DUMP-INTERNAL",
} as const;
