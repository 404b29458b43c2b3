// Auto-detection: which format the importer picks on its own, including inputs that parse in
// more than one format (the words differ, so the choice matters).
import { test } from "node:test";
import assert from "node:assert/strict";
import { importDump } from "../../src/dumps/import";
import type { DumpFormat } from "../../src/dumps/types";
import { canonical, problemsOf, wordsOf } from "./helpers";

interface DetectCase {
  readonly name: string;
  readonly text: string;
  readonly format: DumpFormat;
  readonly words?: readonly string[];
  readonly base?: number;
}

const B = 0x4000_1000;

const CASES: readonly DetectCase[] = [
  {
    name: "QEMU /wx lines also parse as a plain list with addresses; address continuity picks qemu",
    text: "40001000: 0x8e4a000b 0x00000000 0x08001000 0x00000000\n40001010: 0x00000000 0x00000000 0x00000000 0x00000000",
    format: "qemu",
    words: canonical(B, 4),
  },
  {
    name: "gdb lines with TABs expanded look like `0xADDR: 0xV ...` plain lines; gdb wins",
    text: "0x404040:   0x8e4a000b   0x00000000   0x08001000   0x00000000\n0x404050:   0x00000000   0x00000000   0x00000000   0x00000000",
    format: "gdb",
    words: canonical(0x404040, 4),
  },
  {
    name: "crash `ADDR:  V V` (two spaces) versus xxd -g8 -e `OFF: V V` (one space): crash",
    text: "40001000:  000000008e4a000b 0000000008001000   ..J.............\n40001010:  0000000000000000 0000000000000000   ................",
    format: "crash",
    words: canonical(B, 4),
  },
  {
    name: "the same values with one space after the colon: xxd -g8 -e, placed at base",
    text: "00000000: 000000008e4a000b 0000000008001000  ..J.............\n00000010: 0000000000000000 0000000000000000  ................",
    format: "xxd",
    base: B,
    words: canonical(B, 4),
  },
  {
    name: "hexdump default (hex offsets) versus od -x (octal offsets): the step decides",
    text: "0000000 000b 8e4a 0000 0000 1000 0800 0000 0000\n0000020 0000 0000 0000 0000 0000 0000 0000 0000\n0000040",
    format: "od",
    words: canonical(0, 4),
  },
  {
    name: "hexdump default with hex offsets",
    text: "0000000 000b 8e4a 0000 0000 1000 0800 0000 0000\n0000010 0000 0000 0000 0000 0000 0000 0000 0000\n0000020",
    format: "hexdump",
    words: canonical(0, 4),
  },
  {
    name: "hexdump -C",
    text: "00000000  0b 00 4a 8e 00 00 00 00  00 10 00 08 00 00 00 00  |..J.............|\n00000010",
    format: "hexdump-c",
    words: canonical(0, 2),
  },
  {
    name: "xxd default",
    text: "00000000: 0b00 4a8e 0000 0000 0010 0008 0000 0000  ..J.............",
    format: "xxd",
    words: canonical(0, 2),
  },
  {
    name: "od -A x -t x8 with `*`",
    text: "000000 000000008e4a000b 0000000008001000\n000010 0000000000000000 0000000000000000\n*\n000030 0000000000000000 5354453a31303234\n000040",
    format: "od",
    words: canonical(0),
  },
  {
    name: "busybox devmem reads",
    text: "# devmem 0x40001000 64\n0x000000008E4A000B\n# devmem 0x40001008 64\n0x0000000008001000",
    format: "devmem",
    words: canonical(B, 2),
  },
  {
    name: "a plain list",
    text: "0x000000008e4a000b 0x0000000008001000\n0x0000000000000000, 0x0000000000000000",
    format: "plain",
    base: B,
    words: canonical(B, 4),
  },
  {
    name: "a command line decides between look-alikes: `(qemu) xp /2gx`",
    text: "(qemu) xp /2gx 0x40001000\n0000000040001000: 0x000000008e4a000b 0x0000000008001000",
    format: "qemu",
    words: canonical(B, 2),
  },
  {
    name: "a crash paste inside a mail quote with a prompt",
    text: "> crash> rd -p -64 40001000 2\n>         40001000:  000000008e4a000b 0000000008001000   ..J.............",
    format: "crash",
    words: canonical(B, 2),
  },
];

for (const c of CASES) {
  test(`detects ${c.format}: ${c.name}`, () => {
    const r = importDump(c.text, { file: "p", ...(c.base !== undefined ? { base: c.base } : {}) });
    assert.equal(r.format, c.format, problemsOf(r).join(" "));
    if (c.words) assert.deepEqual(wordsOf(r), c.words);
  });
}

test("a close call between formats whose words differ is reported", () => {
  const r = importDump("40001000: 0x8e4a000b 0x00000000 0x08001000 0x00000000", { file: "p" });
  assert.equal(r.format, "qemu");
  assert.deepEqual(problemsOf(r), ["DUMP-FORMAT-DETECTED@0:0-0"]);
  assert.match(r.problems[0]!.message, /read as qemu \(it also parses as plain\)/);
});

test("text with no dump in it: an empty result with DUMP-EMPTY, the plain format", () => {
  const r = importDump("Hello, this is not a dump.\nNeither is this.", { file: "p" });
  assert.equal(r.format, "plain");
  assert.deepEqual(r.words, []);
  assert.deepEqual(problemsOf(r), ["DUMP-EMPTY@0:0-0"]);
});

test("format names as users write them resolve; unknown names are refused and detection runs", () => {
  const text = "0000000040001000: 0x000000008e4a000b 0x0000000008001000";
  const named = importDump(text, { file: "p", format: "qemu-xp" as never });
  assert.equal(named.format, "qemu");
  assert.deepEqual(problemsOf(named), []);
  const unknown = importDump(text, { file: "p", format: "trace32" as never });
  assert.equal(unknown.format, "qemu");
  assert.deepEqual(wordsOf(unknown), canonical(B, 2));
  assert.deepEqual(problemsOf(unknown), ["DUMP-BAD-OPTION@-"]);
  assert.deepEqual(problemsOf(importDump(text, { file: "p", format: "binary" })), ["DUMP-BAD-OPTION@-"]);
});
