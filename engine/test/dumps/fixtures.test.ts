// Data-driven fixtures for the dump importer: every format of dump-formats.md and its quirks,
// asserting exact words (address and qword), the spans of chosen words, and every problem's code
// and span. Samples are the real tool output quoted in dump-formats.md where it gives one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { importDump } from "../../src/dumps/import";
import type { DumpFormat, DumpImportOptions } from "../../src/dumps/types";
import { canonical, problemsOf, spanText, wordsOf } from "./helpers";

interface Fixture {
  readonly name: string;
  readonly text: string;
  readonly format?: DumpFormat;
  readonly base?: number;
  readonly plainWidth?: 32 | 64;
  readonly xxdLittleEndian?: boolean;
  readonly bigEndian?: boolean;
  /** The format the result names (defaults to `format`). */
  readonly expectFormat?: DumpFormat;
  readonly words: readonly string[];
  /** Spans of chosen words by index. */
  readonly spans?: Readonly<Record<number, string>>;
  /** Every problem as `CODE@span`, in order. */
  readonly problems?: readonly string[];
  /** Address spaces of chosen words by index. */
  readonly spaces?: Readonly<Record<number, string>>;
}

const QEMU_G = `0000000040001000: 0x000000008e4a000b 0x0000000008001000
0000000040001010: 0x0000000000000000 0x0000000000000000
0000000040001020: 0x0000000000000000 0x0000000000000000
0000000040001030: 0x0000000000000000 0x5354453a31303234`;

const QEMU_W = `0000000040001000: 0x8e4a000b 0x00000000 0x08001000 0x00000000
0000000040001010: 0x00000000 0x00000000 0x00000000 0x00000000
0000000040001020: 0x00000000 0x00000000 0x00000000 0x00000000
0000000040001030: 0x00000000 0x00000000 0x31303234 0x5354453a`;

const QEMU_B = `0000000040001000: 0x0b 0x00 0x4a 0x8e 0x00 0x00 0x00 0x00
0000000040001008: 0x00 0x10 0x00 0x08 0x00 0x00 0x00 0x00`;

const GDB = `(gdb) x/8gx &strtab
0x404040 <strtab>:\t0x000000008e4a000b\t0x0000000008001000
0x404050 <strtab+16>:\t0x0000000000000000\t0x0000000000000000
0x404060 <strtab+32>:\t0x0000000000000000\t0x0000000000000000
0x404070 <strtab+48>:\t0x0000000000000000\t0x5354453a31303234`;

const CRASH_64 = `crash> rd -p -64 40001000 8
        40001000:  000000008e4a000b 0000000008001000   ..J.............
        40001010:  0000000000000000 0000000000000000   ................
        40001020:  0000000000000000 0000000000000000   ................
        40001030:  0000000000000000 5354453a31303234   ........4201:ETS`;

const XXD = `00000000: 0b00 4a8e 0000 0000 0010 0008 0000 0000  ..J.............
00000010: 0000 0000 0000 0000 0000 0000 0000 0000  ................
00000020: 0000 0000 0000 0000 0000 0000 0000 0000  ................
00000030: 0000 0000 0000 0000 3432 3031 3a45 5453  ........4201:ETS`;

const XXD_G8E = `00000000: 000000008e4a000b 0000000008001000  ..J.............
00000010: 0000000000000000 0000000000000000  ................
00000020: 0000000000000000 0000000000000000  ................
00000030: 0000000000000000 5354453a31303234  ........4201:ETS`;

const HEXDUMP_C = `00000000  0b 00 4a 8e 00 00 00 00  00 10 00 08 00 00 00 00  |..J.............|
00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
*
00000030  00 00 00 00 00 00 00 00  34 32 30 31 3a 45 54 53  |........4201:ETS|
00000040`;

const HEXDUMP = `0000000 000b 8e4a 0000 0000 1000 0800 0000 0000
0000010 0000 0000 0000 0000 0000 0000 0000 0000
*
0000030 0000 0000 0000 0000 3234 3130 453a 5354
0000040`;

const OD_X = `000000 000000008e4a000b 0000000008001000
000010 0000000000000000 0000000000000000
*
000030 0000000000000000 5354453a31303234
000040`;

const OD_OCTAL = `0000000 000000008e4a000b 0000000008001000
0000020 0000000000000000 0000000000000000
*
0000060 0000000000000000 5354453a31303234
0000100`;

const PLAIN = `0x000000008e4a000b 0x0000000008001000
0x0000000000000000, 0x0000000000000000
40001020: 0 0
40001030: 0000000000000000 5354453a31303234`;

const B = 0x4000_1000;

const FIXTURES: readonly Fixture[] = [
  // ---- QEMU monitor, §1 ----
  {
    name: "qemu xp /8gx (QEMU <= 10.x, 16-digit addresses)",
    text: QEMU_G,
    format: "qemu",
    words: canonical(B),
    spans: { 0: "0:18-36", 1: "0:37-55", 7: "3:37-55" },
    spaces: { 0: "physical" },
    problems: [],
  },
  {
    name: "qemu xp /8gx, QEMU master 8-digit addresses",
    text: "40001000: 0x000000008e4a000b 0x0000000008001000\n40001010: 0x0000000000000000 0x0000000000000000",
    format: "qemu",
    words: canonical(B, 4),
    spans: { 0: "0:10-28" },
    problems: [],
  },
  {
    name: "qemu xp /16wx pairs words low first",
    text: QEMU_W,
    format: "qemu",
    words: canonical(B),
    spans: { 0: "0:18-39", 7: "3:40-61" },
    problems: [],
  },
  {
    name: "qemu xp /16bx reassembles bytes little-endian, 8 a line",
    text: QEMU_B,
    format: "qemu",
    words: canonical(B, 2),
    spans: { 0: "0:18-57", 1: "1:18-57" },
    problems: [],
  },
  {
    name: "qemu xp /8hx halfwords",
    text: "0000000040001000: 0x000b 0x8e4a 0x0000 0x0000 0x1000 0x0800 0x0000 0x0000",
    format: "qemu",
    words: canonical(B, 2),
    problems: [],
  },
  {
    name: "qemu prompt and command: x is virtual, an echoed address that differs is flagged",
    text: "(qemu) x /2gx 0x40002000\n0000000040001000: 0x000000008e4a000b 0x0000000008001000",
    format: "qemu",
    words: canonical(B, 2),
    spaces: { 0: "virtual" },
    problems: ["DUMP-ADDRESS-MISMATCH@1:0-16"],
  },
  {
    name: "qemu x /4wx at a 4-mod-8 address: the halves at the ends are partial, never padded",
    text: "0000000040001004: 0x00000000 0x08001000 0x00000000 0x00000000",
    format: "qemu",
    words: ["0x40001008=0000000008001000"],
    problems: ["DUMP-PARTIAL-WORD@0:18-28", "DUMP-PARTIAL-WORD@0:51-61"],
  },
  {
    name: "qemu /gx and /wx from a big-endian guest (bigEndian): values are reassembled big-endian",
    text: "0000000040001000: 0x0b004a8e00000000 0x0010000800000000\n0000000040001010: 0x00000000 0x00000000 0x34323031 0x3a455453",
    format: "qemu",
    bigEndian: true,
    words: [
      "0x40001000=000000008e4a000b",
      "0x40001008=0000000008001000",
      "0x40001010=0000000000000000",
      "0x40001018=5354453a31303234",
    ],
    problems: [],
  },
  {
    name: "bigEndian does not touch byte dumps",
    text: "00000000  0b 00 4a 8e 00 00 00 00  00 10 00 08 00 00 00 00  |..J.............|",
    format: "hexdump-c",
    bigEndian: true,
    words: canonical(0, 2),
    problems: [],
  },
  {
    name: "qemu `...` is a gap, not zeros; Cannot access memory stops with a located warning",
    text: "0000000040001000: 0x8e4a000b 0x00000000 0x08001000\n...\n0000000040001010: 0x00000000 0x00000000\n0000000040001020: Cannot access memory",
    format: "qemu",
    words: ["0x40001000=000000008e4a000b", "0x40001010=0000000000000000"],
    problems: ["DUMP-PARTIAL-WORD@0:40-50", "DUMP-GAP@1:0-3", "DUMP-READ-ERROR@3:0-38"],
  },
  {
    name: "qemu /10c character dumps are refused, not guessed",
    text: "(qemu) xp /10c 0x40001000\n0000000040001000: 'h' '\\x00' '\\n'",
    format: "qemu",
    words: [],
    problems: ["DUMP-UNSUPPORTED@1:0-33"],
  },
  {
    name: "qemu bad item: located at the token, the line is not imported",
    text: "0000000040001000: 0x000000008e4a000b 0x00000000zz001000\n0000000040001010: 0x0000000000000000 0x0000000000000000",
    format: "qemu",
    words: ["0x40001010=0000000000000000", "0x40001018=0000000000000000"],
    problems: ["DUMP-BAD-LINE@0:37-55"],
  },
  {
    name: "qemu snapshots of one address with different values are both kept and flagged",
    text: "0000000040001000: 0x000000008e4a000b 0x0000000008001000\n0000000040001000: 0x000000008e4a000a 0x0000000008001000",
    format: "qemu",
    words: [
      "0x40001000=000000008e4a000b",
      "0x40001008=0000000008001000",
      "0x40001000=000000008e4a000a",
      "0x40001008=0000000008001000",
    ],
    problems: ["DUMP-CONFLICT@1:18-36"],
  },
  {
    name: "qemu kernel virtual addresses beyond 2^53 are refused with a located error",
    text: "ffff800080000000: 0x0000000000000001 0x0000000000000002",
    format: "qemu",
    words: [],
    problems: ["DUMP-ADDRESS-RANGE@0:0-16"],
  },
  // ---- gdb, §2 ----
  {
    name: "gdb x/8gx with symbols and TABs",
    text: GDB,
    format: "gdb",
    words: canonical(0x404040),
    spans: { 0: "1:19-37", 1: "1:38-56", 2: "2:22-40" },
    spaces: { 0: "virtual" },
    problems: [],
  },
  {
    name: "gdb x/4wx with TABs expanded to spaces and a nested HTML symbol",
    text: "0x404040 <<b>strtab</b>>:   0x8e4a000b   0x00000000   0x08001000   0x00000000",
    format: "gdb",
    words: canonical(0x404040, 2),
    spans: { 0: "0:28-51" },
    problems: [],
  },
  {
    name: "gdb x/16bx, comments and captions between dumps, the error line",
    text: [
      "## la tabella",
      "#indirizzo: primi 8 byte",
      "0x404040 <strtab>:\t0x0b\t0x00\t0x4a\t0x8e\t0x00\t0x00\t0x00\t0x00",
      "0x404048 <strtab+8>:\t0x00\t0x10\t0x00\t0x08\t0x00\t0x00\t0x00\t0x00",
      "(gdb) x/8gx 0x0",
      "0x0:\tCannot access memory at address 0x0",
    ].join("\n"),
    format: "gdb",
    words: canonical(0x404040, 2),
    problems: ["DUMP-READ-ERROR@5:0-40"],
  },
  {
    name: "gdb decimal format letters are refused",
    text: "(gdb) x/2dg 0x404040\n0x404040 <strtab>:\t2387214347\t134221824",
    format: "gdb",
    words: [],
    problems: ["DUMP-UNSUPPORTED@1:0-39"],
  },
  {
    name: "gdb x/2xg: format letters in any order; an echoed address that differs from the literal is flagged",
    text: "(gdb) x/2xg 0x404048\n0x404040 <strtab>:\t0x000000008e4a000b\t0x0000000008001000",
    format: "gdb",
    words: canonical(0x404040, 2),
    problems: ["DUMP-ADDRESS-MISMATCH@1:0-8"],
  },
  // ---- crash rd, §3 ----
  {
    name: "crash rd -p -64: physical, values only (the ASCII column is free text)",
    text: CRASH_64,
    format: "crash",
    words: canonical(B),
    spans: { 0: "1:19-35", 1: "1:36-52" },
    spaces: { 0: "physical" },
    problems: [],
  },
  {
    name: "crash rd -64 short last line with a padded ASCII column; rd is virtual",
    text: "crash> rd -64 40001000 3\n        40001000:  000000008e4a000b 0000000008001000   ..J.............\n        40001010:  0000000000000000                    ........",
    format: "crash",
    words: canonical(B, 3),
    spaces: { 2: "virtual" },
    problems: [],
  },
  {
    name: "crash rd -32 pairs words; ASCII that looks like hex is not data",
    text: "        40001000:  8e4a000b 00000000 08001000 00000000   ..J.............\n        40001010:  64616564 66656562                     deadbeef",
    format: "crash",
    words: ["0x40001000=000000008e4a000b", "0x40001008=0000000008001000", "0x40001010=6665656264616564"],
    spans: { 2: "1:19-36" },
    problems: [],
  },
  {
    name: "crash with whitespace collapsed still takes exactly the values",
    text: "40001000: 000000008e4a000b 0000000008001000 ..J.............\n40001010: 0000000000000000 5354453a31303234 4201:ETS",
    format: "crash",
    words: [
      "0x40001000=000000008e4a000b",
      "0x40001008=0000000008001000",
      "0x40001010=0000000000000000",
      "0x40001018=5354453a31303234",
    ],
    problems: [],
  },
  {
    name: "crash rd -64 at a 4-mod-8 address holds unaligned values: reported, not shifted",
    text: "        c0226a6c:  2e36206e6f697372 0000000000000000   rsion 6.........",
    format: "crash",
    words: [],
    problems: ["DUMP-UNALIGNED@0:19-35", "DUMP-UNALIGNED@0:36-52"],
  },
  {
    name: "crash rd -d decimal is refused; a read error is located",
    text: 'crash> rd -d 40001000 2\n        40001000:         2387214347          134221824\nrd: read error: kernel virtual address: ffff880000000000  type: "64-bit KVADDR"',
    format: "crash",
    words: [],
    problems: ["DUMP-UNSUPPORTED@1:8-55", "DUMP-READ-ERROR@2:0-79"],
  },
  // ---- xxd, §4 ----
  {
    name: "xxd default: 2-byte groups in memory order, placed at base",
    text: XXD,
    format: "xxd",
    base: B,
    words: canonical(B),
    spans: { 0: "0:10-29", 1: "0:30-49", 7: "3:30-49" },
    spaces: { 0: "offset" },
    problems: [],
  },
  {
    name: "xxd -g8 -e: LE qwords (decided by the ASCII column)",
    text: XXD_G8E,
    format: "xxd",
    base: B,
    words: canonical(B),
    spans: { 0: "0:10-26", 1: "0:27-43" },
    problems: [],
  },
  {
    name: "xxd -g8 without -e: memory order (the ASCII column decides)",
    text: "00000000: 0b004a8e00000000 0010000800000000  ..J.............\n00000010: 0000000000000000 3432303132453a54  ....4201:ETS",
    format: "xxd",
    words: ["0x0=000000008e4a000b", "0x8=0000000008001000", "0x10=0000000000000000", "0x18=543a453231303234"],
    problems: [],
  },
  {
    name: "xxd 16-digit groups with no evidence: LE is assumed and said",
    text: "00000000: 0000000000000001 0000000000000002  ................",
    format: "xxd",
    words: ["0x0=0000000000000001", "0x8=0000000000000002"],
    problems: ["DUMP-AMBIGUOUS@0:0-0"],
  },
  {
    name: "xxd -g8 command line says memory order",
    text: "$ xxd -g8 ste.bin\n00000000: 0000000000000001 0000000000000002  ................",
    format: "xxd",
    words: ["0x0=0100000000000000", "0x8=0200000000000000"],
    problems: [],
  },
  {
    name: "xxd -e with a right-aligned partial last group (real xxd output); the partial qword is reported",
    text: "00000000: 8e4a000b 00000000 08001000 00000000  ..J.............\n00000010:   030201                             ...",
    format: "xxd",
    words: canonical(0, 2),
    problems: ["DUMP-PARTIAL-WORD@1:12-18"],
  },
  {
    name: "xxd -a: `*` stands for all-zero lines up to the next offset",
    text: "00000000: 0b00 4a8e 0000 0000 0010 0008 0000 0000  ..J.............\n00000010: 0000 0000 0000 0000 0000 0000 0000 0000  ................\n*\n00000070: 030f adde 0000 0000 0314 0000 0000 6000  ..............`.",
    format: "xxd",
    words: [
      ...canonical(0, 2),
      ...Array.from({ length: 12 }, (_, i) => `0x${(0x10 + 8 * i).toString(16)}=0000000000000000`),
      "0x70=00000000dead0f03",
      "0x78=0060000000001403",
    ],
    spans: { 2: "1:10-29", 4: "2:0-1", 13: "2:0-1", 14: "3:10-29" },
    problems: [],
  },
  {
    name: "xxd -u upper-case hex",
    text: "00000000: 0B00 4A8E 0000 0000 0010 0008 0000 0000  ..J.............",
    format: "xxd",
    words: canonical(0, 2),
    problems: [],
  },
  {
    name: "xxd -g1 bytes",
    text: "00000000: 0b 00 4a 8e 00 00 00 00 00 10 00 08 00 00 00 00  ..J.............",
    format: "xxd",
    words: canonical(0, 2),
    spans: { 0: "0:10-33" },
    problems: [],
  },
  // ---- hexdump -C, §5 ----
  {
    name: "hexdump -C with `*` (copy of the previous line) and the final length line",
    text: HEXDUMP_C,
    format: "hexdump-c",
    base: B,
    words: canonical(B),
    spans: { 0: "0:10-33", 1: "0:35-58", 4: "2:0-1", 5: "2:0-1" },
    problems: [],
  },
  {
    name: "hexdump -C `*` repeats non-zero lines; `|` inside the ASCII column is not a delimiter",
    text: "00000000  11 11 11 11 11 11 11 11  7c 7c 7c 7c 7c 7c 7c 7c  |........||||||||\n*\n00000030  01 00 00 00 00 00 00 00                           |........|\n00000038",
    format: "hexdump-c",
    words: [
      "0x0=1111111111111111",
      "0x8=7c7c7c7c7c7c7c7c",
      "0x10=1111111111111111",
      "0x18=7c7c7c7c7c7c7c7c",
      "0x20=1111111111111111",
      "0x28=7c7c7c7c7c7c7c7c",
      "0x30=0000000000000001",
    ],
    problems: [],
  },
  {
    name: "hexdump -C short last line: the length line says the qword is partial",
    text: "00000000  0b 00 4a 8e 00 00 00 00  00 10 00 08 00 00 00 00  |..J.............|\n00000010  01 02 03                                          |...|\n00000013",
    format: "hexdump-c",
    words: canonical(0, 2),
    problems: ["DUMP-PARTIAL-WORD@1:10-18"],
  },
  {
    name: "hexdump -C `*` right before the length line; `*` with no offset after it",
    text: "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n00000030\n00000000  01 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*",
    format: "hexdump-c",
    base: 0x1000,
    words: [
      ...Array.from({ length: 6 }, (_, i) => `0x${(0x1000 + 8 * i).toString(16)}=0000000000000000`),
      "0x1000=0000000000000001",
      "0x1008=0000000000000000",
    ],
    problems: ["DUMP-ELISION@4:0-1", "DUMP-CONFLICT@3:10-33"],
  },
  // ---- hexdump default, §6 ----
  {
    name: "hexdump default: 16-bit units in host (LE) order, hex offsets",
    text: HEXDUMP,
    format: "hexdump",
    base: B,
    words: canonical(B),
    spans: { 0: "0:8-27", 1: "0:28-47" },
    problems: [],
  },
  {
    name: "hexdump default, 20 bytes: `0003 003e` then 30 spaces, then the length 0000014",
    text: `0000000 457f 464c 0102 0001 0000 0000 0000 0000\n0000010 0003 003e${" ".repeat(30)}\n0000014`,
    format: "hexdump",
    words: ["0x0=00010102464c457f", "0x8=0000000000000000"],
    problems: ["DUMP-PARTIAL-WORD@1:8-17"],
  },
  // ---- od, §7 ----
  {
    name: "od -A x -t x8",
    text: OD_X,
    format: "od",
    base: B,
    words: canonical(B),
    spans: { 0: "0:7-23" },
    problems: [],
  },
  {
    name: "od -t x8 with octal offsets (detected from the step between lines)",
    text: OD_OCTAL,
    format: "od",
    base: B,
    words: canonical(B),
    problems: [],
  },
  {
    name: "od pads the last unit with zeros: the final length (0x13) makes it partial",
    text: "000000 000000008e4a000b 0000000008001000\n000010 0000000000030201\n000013",
    format: "od",
    words: canonical(0, 2),
    problems: ["DUMP-PARTIAL-WORD@1:7-23"],
  },
  {
    name: "od without hex units is refused",
    text: "$ od ste.bin\n0000000 000013 107112 000000 000000 010000 004000 000000 000000",
    format: "od",
    words: [],
    problems: ["DUMP-UNSUPPORTED@1:0-63"],
  },
  // ---- busybox devmem and devmem2, §8–9 ----
  {
    name: "busybox devmem: 64-bit read, then 32-bit reads that pair into a qword, then a 128-bit read (high first)",
    text: [
      "# devmem 0x40001000 64",
      "0x000000008E4A000B",
      "root@OpenWrt:~# devmem 0x40001008",
      "0x08001000",
      "> # devmem 0x4000100c 32",
      "> 0x00000000",
      "# devmem 0x40001010 128",
      "0x0000000008001000000000008E4A000B",
      "# devmem 0x40001020 32 0x1",
    ].join("\n"),
    format: "devmem",
    words: [
      "0x40001000=000000008e4a000b",
      "0x40001008=0000000008001000",
      "0x40001010=000000008e4a000b",
      "0x40001018=0000000008001000",
    ],
    spans: { 0: "1:0-18", 1: "3:0-5:12", 2: "7:18-34", 3: "7:2-18" },
    spaces: { 0: "physical" },
    problems: [],
  },
  {
    name: "devmem2: the value line carries the address; unpadded 32-bit reads pair into a qword",
    text: "devmem2 0x40001000 w\n/dev/mem opened.\nMemory mapped at address 0xb6f8e000.\nValue at address 0x40001000 (0xb6f8e000): 0x8E4A000B\nValue at address 0x40001004 (0xb6f8e004): 0x0",
    format: "devmem",
    words: ["0x40001000=000000008e4a000b"],
    spans: { 0: "3:42-4:45" },
    problems: [],
  },
  {
    name: "devmem: a value with no command, and a lone 32-bit read",
    text: "0x8E4A000B\n# devmem 0x40001000\n0x8E4A000B",
    format: "devmem",
    words: [],
    problems: ["DUMP-BAD-LINE@0:0-10", "DUMP-PARTIAL-WORD@2:0-10"],
  },
  // ---- plain lists, §14 ----
  {
    name: "plain list: running address from base, leading addresses override",
    text: PLAIN,
    format: "plain",
    base: B,
    words: canonical(B),
    spans: { 0: "0:0-18", 2: "1:0-18", 3: "1:20-38", 4: "2:10-11" },
    spaces: { 0: "given" },
    problems: [],
  },
  {
    name: "plain list: `_` and `'` separators, [addr] prefix, `;` separators, trailing comment",
    text: "[0x40001000] 0x0000_0000_8e4a_000b; 0x0000'0000'0800'1000 // STE dword 0..1",
    format: "plain",
    words: canonical(B, 2),
    spans: { 0: "0:13-34", 1: "0:36-57" },
    problems: [],
  },
  {
    name: "plain list: more than 16 digits is an error at the token; prose is ignored",
    text: "Here are the words:\n40001000: 0x0000000008001000000000008e4a000b 0x1",
    format: "plain",
    words: [],
    problems: ["DUMP-BAD-LINE@1:10-44"],
  },
  {
    name: "plain list without an address or a base",
    text: "0x1 0x2",
    format: "plain",
    words: [],
    problems: ["DUMP-NO-BASE@0:0-7"],
  },
  {
    name: "plain list of 8-digit values: qwords by default, with a note",
    text: "8e4a000b 00000000",
    format: "plain",
    base: 0x1000,
    words: ["0x1000=000000008e4a000b", "0x1008=0000000000000000"],
    problems: ["DUMP-AMBIGUOUS@0:0-0"],
  },
  {
    name: "plain list of 32-bit words paired low first (plainWidth 32)",
    text: "8e4a000b 00000000 08001000 00000000",
    format: "plain",
    base: 0x1000,
    plainWidth: 32,
    words: ["0x1000=000000008e4a000b", "0x1008=0000000008001000"],
    spans: { 0: "0:0-17" },
    problems: [],
  },
  // ---- normalization, §16 ----
  {
    name: "mail quotes, diff markers, code fences, prompts and CRLF are stripped",
    text: "```\r\n> > crash> rd -p -64 40001000 2\r\n> >         40001000:  000000008e4a000b 0000000008001000   ..J.............\r\n```\r\n",
    format: "crash",
    words: canonical(B, 2),
    spans: { 0: "2:23-39" },
    spaces: { 0: "physical" },
    problems: [],
  },
  {
    name: "diff `+` prefix and root@host prompt",
    text: "+root@OpenWrt:~# xxd -e ste.bin\n+00000000: 8e4a000b 00000000 08001000 00000000  ..J.............",
    format: "xxd",
    words: canonical(0, 2),
    spans: { 0: "1:11-28" },
    problems: [],
  },
];

for (const f of FIXTURES) {
  test(`dump fixture: ${f.name}`, () => {
    const options: DumpImportOptions = {
      file: "paste.txt",
      ...(f.format !== undefined ? { format: f.format } : {}),
      ...(f.base !== undefined ? { base: f.base } : {}),
      ...(f.plainWidth !== undefined ? { plainWidth: f.plainWidth } : {}),
      ...(f.xxdLittleEndian !== undefined ? { xxdLittleEndian: f.xxdLittleEndian } : {}),
      ...(f.bigEndian !== undefined ? { bigEndian: f.bigEndian } : {}),
    };
    const r = importDump(f.text, options);
    assert.equal(r.format, f.expectFormat ?? f.format);
    assert.deepEqual(wordsOf(r), f.words);
    for (const [index, expected] of Object.entries(f.spans ?? {})) {
      const w = r.words[Number(index)];
      assert.ok(w, `word ${index} exists`);
      assert.equal(spanText(w.span), expected, `span of word ${index}`);
      assert.equal(w.span.file, "paste.txt");
    }
    for (const [index, expected] of Object.entries(f.spaces ?? {}))
      assert.equal(r.words[Number(index)]?.space, expected);
    if (f.problems) assert.deepEqual(problemsOf(r), f.problems);
  });
}
