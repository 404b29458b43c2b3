// eventFieldsOfPresentDwords: an event record of which only some dwords were given keeps the
// fields and problems those dwords decide, and says when a field's validity is undecided.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { U64 } from "../../src/bits/u64";
import { decodeEvent, encodeEvent, eventFieldsOfPresentDwords } from "../../src/smmuv3/records";

const u = (v: number): U64 => ({ lo: v >>> 0, hi: Math.floor(v / 2 ** 32) });

function translationFault(values: Record<string, number>): Uint32Array {
  const r = encodeEvent(
    "F_TRANSLATION",
    Object.fromEntries(
      Object.entries({ StreamID: 0xd4f2, InputAddr: 0x398a0c694000, ...values }).map(([k, v]) => [k, u(v)]),
    ),
  );
  assert.deepEqual(r.problems, []);
  return r.words;
}

const view = (fields: readonly { field: string; value: string; meaning: string }[]): string[][] =>
  fields.map((f) => [f.field, f.value, f.meaning]);

test("all dwords given: the decoding as it is", () => {
  const event = decodeEvent(translationFault({ S2: 0, NSIPA: 1, IPA: 0xf676457000 }));
  const r = eventFieldsOfPresentDwords(event, [true, true, true, true]);
  assert.equal(r.fields, event.fields);
  assert.equal(r.problems, event.problems);
  assert.deepEqual(r.missing, []);
  assert.ok(event.problems.some((p) => p.startsWith("NSIPA is not zero although S2 == 0")));
});

test("dword 1 missing: its fields are dropped, IPA/NSIPA validity (by S2) is unknown, NSIPA's RES0 problem does not hold", () => {
  const words = translationFault({ S2: 0, NSIPA: 1, IPA: 0xf676457000 });
  words[2] = 0;
  words[3] = 0;
  const r = eventFieldsOfPresentDwords(decodeEvent(words), [true, false, true, true]);
  assert.deepEqual(view(r.fields), [
    ["SSV", "0x0", ""],
    ["SubstreamID", "0x0", "not valid: SSV == 0; UNKNOWN per Arm IHI 0070 §7.3 (SSV)"],
    ["StreamID", "0xd4f2", ""],
    ["InputAddr", "0x398a0c694000", ""],
    ["NSIPA", "0x1", "validity unknown: S2 is in missing dword 1"],
    ["IPA", "0xf676457000", "validity unknown: S2 is in missing dword 1"],
  ]);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.missing, [1]);
});

test("a problem about a field of a missing dword does not hold (a Reserved encoding read from it)", () => {
  // CLASS 0b11 is Reserved: said only when dword 1 was given.
  const words = translationFault({ S2: 1, CLASS: 3 });
  const event = decodeEvent(words);
  assert.ok(event.problems.some((p) => p.startsWith("CLASS ")));
  assert.equal(
    eventFieldsOfPresentDwords(event, [true, false, true, true]).problems.some((p) => p.startsWith("CLASS ")),
    false,
  );
  assert.ok(eventFieldsOfPresentDwords(event, [true, true, false, false]).problems.some((p) => p.startsWith("CLASS ")));
});

test("set bits a type does not define, in a given dword, are still reported", () => {
  const words = new Uint32Array([0x4, 0x7d11, 0, 0, 0xfe040000, 0, 0, 0]);
  const r = eventFieldsOfPresentDwords(decodeEvent(words), [true, false, true, false]);
  assert.deepEqual(
    r.problems.map((p) => p.slice(0, p.indexOf(":"))),
    ["dword2 is not defined for C_BAD_STE and is not zero"],
  );
});

test("without dword 0 an unknown event number says nothing; with it, its problem stays", () => {
  const reserved = new Uint32Array([0x7f, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(eventFieldsOfPresentDwords(decodeEvent(reserved), [false, true, true, true]), {
    fields: [],
    problems: [],
    missing: [0],
  });
  assert.equal(eventFieldsOfPresentDwords(decodeEvent(reserved), [true, true, false, true]).problems.length, 1);
});
