// Scenario scalars: hex strings (fast and general paths), decimal strings beyond 2^53, JSON
// numbers only while exact; messages for everything else.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFlag, readU64, readUint } from "../../src/smmuv3/scenario/values";

const good: [unknown, number, number][] = [
  ["0x0", 0, 0],
  ["0x7d11", 0x7d11, 0],
  ["0xFE040000", 0xfe04_0000, 0],
  ["0x100000000", 0, 1],
  ["0xffffffffffffffff", 0xffff_ffff, 0xffff_ffff],
  ["0x000000000000000000ff", 0xff, 0], // leading zeros beyond 16 digits: general path
  ["0X1_0000_0000", 0, 1],
  [" 0x10 ", 0x10, 0],
  ["18446744073709551615", 0xffff_ffff, 0xffff_ffff],
  ["4294967296", 0, 1],
  [4096, 0x1000, 0],
  [2 ** 53 - 1, 0xffff_ffff, 0x1f_ffff],
  [true, 1, 0],
];

for (const [input, lo, hi] of good) {
  test(`readU64(${JSON.stringify(input)})`, () => {
    assert.deepEqual(readU64(input), { ok: true, value: { lo, hi } });
  });
}

const bad: [unknown, string][] = [
  ["0x", '"0x" is not a hex number of at most 64 bits'],
  ["0x1g", '"0x1g" is not a hex number of at most 64 bits'],
  ["0x10000000000000000", '"0x10000000000000000" is not a hex number of at most 64 bits'],
  ["18446744073709551616", '"18446744073709551616" does not fit in 64 bits'],
  ["ff", '"ff" is not a number (write "0x..." for hex)'],
  [-1, "-1 is not a non-negative integer"],
  [1.5, "1.5 is not a non-negative integer"],
  [2 ** 53, "9007199254740992 is too large to be exact as a JSON number; write it as a hex string"],
  [null, "expected a number or a hex string, found null"],
];

for (const [input, message] of bad) {
  test(`readU64(${JSON.stringify(input)}) is refused`, () => {
    assert.deepEqual(readU64(input), { ok: false, message });
  });
}

test("readUint bounds and readFlag forms", () => {
  assert.deepEqual(readUint("0xffffffff", 0xffff_ffff), { ok: true, value: 0xffff_ffff });
  assert.deepEqual(readUint("0x100000000", 0xffff_ffff, "a StreamID"), {
    ok: false,
    message: '"0x100000000" is out of range: a StreamID is at most 0xffffffff',
  });
  assert.deepEqual(readUint(true, 1), { ok: false, message: "expected a number, found true" });
  assert.deepEqual(
    [readFlag(true), readFlag(0), readFlag("1")],
    [
      { ok: true, value: true },
      { ok: true, value: false },
      { ok: true, value: true },
    ],
  );
  assert.deepEqual(readFlag("yes"), { ok: false, message: 'expected true or false, found "yes"' });
});
