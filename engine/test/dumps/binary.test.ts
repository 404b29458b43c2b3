// importBinary: raw little-endian files placed at an address.
import { test } from "node:test";
import assert from "node:assert/strict";
import { importBinary } from "../../src/dumps/import";
import { problemsOf, spanText, wordsOf } from "./helpers";

const STE = [0x0b, 0x00, 0x4a, 0x8e, 0, 0, 0, 0, 0x00, 0x10, 0x00, 0x08, 0, 0, 0, 0];

test("a binary file is consecutive LE qwords from base, spans count bytes", () => {
  const r = importBinary(Uint8Array.from(STE), 0x4000_1000, "ste.bin");
  assert.equal(r.format, "binary");
  assert.deepEqual(wordsOf(r), ["0x40001000=000000008e4a000b", "0x40001008=0000000008001000"]);
  assert.equal(spanText(r.words[1]!.span), "0:8-16");
  assert.equal(r.words[1]!.span.file, "ste.bin");
  assert.equal(r.words[0]!.space, "offset");
  assert.deepEqual(r.problems, []);
});

test("a trailing partial qword is a located problem, not padded", () => {
  const r = importBinary(Uint8Array.from([...STE, 1, 2, 3]), 0x1000, "x.bin");
  assert.deepEqual(wordsOf(r), ["0x1000=000000008e4a000b", "0x1008=0000000008001000"]);
  assert.deepEqual(problemsOf(r), ["DUMP-TRAILING-BYTES@0:16-19"]);
  assert.match(r.problems[0]!.message, /3 bytes.*\(at 0x1010\)/);
});

test("bad bases are refused without throwing", () => {
  assert.deepEqual(problemsOf(importBinary(Uint8Array.from(STE), 0x1004, "x.bin")), ["DUMP-BAD-OPTION@-"]);
  assert.deepEqual(problemsOf(importBinary(Uint8Array.from(STE), -8, "x.bin")), ["DUMP-BAD-OPTION@0:0-0"]);
  assert.deepEqual(problemsOf(importBinary(Uint8Array.from(STE), 2 ** 53, "x.bin")), ["DUMP-BAD-OPTION@0:0-0"]);
  assert.deepEqual(problemsOf(importBinary(Uint8Array.from(STE), 2 ** 53 - 8, "x.bin")), ["DUMP-ADDRESS-RANGE@-"]);
  assert.deepEqual(importBinary(new Uint8Array(0), 0, "e.bin").words, []);
});

test("imported words serialize to JSON with all their fields", () => {
  const r = importBinary(Uint8Array.from(STE), 0x4000_1000, "ste.bin");
  assert.deepEqual(JSON.parse(JSON.stringify(r.words[0])), {
    addr: 0x4000_1000,
    lo: 0x8e4a000b,
    hi: 0,
    span: { file: "ste.bin", start: { line: 0, character: 0 }, end: { line: 0, character: 8 } },
    space: "offset",
  });
  const { addr, lo, hi } = r.words[1]!;
  assert.deepEqual([addr, lo, hi], [0x4000_1008, 0x08001000, 0]);
});
