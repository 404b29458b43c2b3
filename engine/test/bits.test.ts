// The 64-bit word helpers and the generic bitfield table machinery.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  parseHex64,
  hex64,
  hex64Padded,
  readBits,
  readBits32,
  readBitsNumber,
  writeBits,
  writeBits32,
  packWords,
  unpackWords,
  bswap64,
  shl64,
  shr64,
  u64,
} from "../src/bits/u64";
import { struct, field, decodeStruct, encodeStruct, fieldValues, reservedBitsSet, bitsLabel } from "../src/bits/fields";

test("parseHex64 accepts kernel and language forms, refuses the rest", () => {
  assert.deepEqual(parseHex64("0x00007d1100000004"), { lo: 4, hi: 0x7d11 });
  assert.deepEqual(parseHex64("0x8_0000_0000"), { lo: 0, hi: 8 });
  assert.deepEqual(parseHex64("FFFFFFFFFFFFFFFF"), { lo: 0xffffffff, hi: 0xffffffff });
  assert.deepEqual(parseHex64("0x0000000000000000000001"), { lo: 1, hi: 0 });
  for (const bad of ["", "0x", "0x_1", "0x1__2", "0x1_", "0xg", "0x1_0000_0000_0000_0000", "12 34"]) {
    assert.equal(parseHex64(bad), undefined, bad);
  }
});

test("hex formats follow the contract: lowercase, 0x, no leading zeros", () => {
  assert.equal(hex64({ lo: 0, hi: 0 }), "0x0");
  assert.equal(hex64({ lo: 0x7d11, hi: 0 }), "0x7d11");
  assert.equal(hex64({ lo: 0x4, hi: 0x7d11 }), "0x7d1100000004");
  assert.equal(hex64Padded({ lo: 0x4, hi: 0x7d11 }), "0x00007d1100000004");
});

test("readBits crosses the 32-bit and 64-bit boundaries", () => {
  const w = packWords([u64(0xdeadbeef, 0x12345678), u64(0xcafef00d, 0x0badc0de)]);
  assert.equal(readBits32(w, 0, 32), 0xdeadbeef);
  assert.equal(readBits32(w, 28, 8), 0x8d);
  assert.equal(readBits32(w, 60, 8), 0xd1);
  assert.deepEqual(readBits(w, 16, 48), { lo: 0x5678dead, hi: 0x1234 });
  assert.equal(readBitsNumber(w, 6, 46), Number((0x12345678deadbeefn >> 6n) & ((1n << 46n) - 1n)));
  assert.equal(readBits32(w, 200, 4), 0, "past the end reads zero");
});

test("writeBits then readBits is the identity on the written range and leaves the rest", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 4, maxLength: 4 }),
      fc.integer({ min: 0, max: 127 }),
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      (init, lsb, width, lo, hi) => {
        fc.pre(lsb + width <= 128);
        const w = Uint32Array.from(init);
        const before = Uint32Array.from(w);
        const v =
          width >= 64
            ? u64(lo, hi)
            : width > 32
              ? u64(lo, hi & ((1 << (width - 32)) - 1))
              : u64(width === 32 ? lo : lo & ((1 << width) - 1), 0);
        writeBits(w, lsb, width, v);
        assert.deepEqual(readBits(w, lsb, width), v);
        for (let b = 0; b < 128; b++) {
          if (b >= lsb && b < lsb + width) continue;
          assert.equal(readBits32(w, b, 1), readBits32(before, b, 1), `bit ${b} changed`);
        }
      },
    ),
  );
});

test("writeBits32 does not spill into the next word", () => {
  const w = new Uint32Array(2);
  writeBits32(w, 30, 2, 3);
  assert.deepEqual([...w], [0xc0000000, 0]);
  writeBits32(w, 30, 4, 0xf);
  assert.deepEqual([...w], [0xc0000000, 3]);
});

test("shifts and byte swaps", () => {
  assert.deepEqual(shl64(u64(0x80000001, 0), 4), { lo: 0x10, hi: 0x8 });
  assert.deepEqual(shr64(u64(0, 0x10), 8), { lo: 0x10000000, hi: 0 });
  assert.deepEqual(shl64(u64(1, 0), 40), { lo: 0, hi: 0x100 });
  assert.deepEqual(bswap64(u64(0x04030201, 0x08070605)), { lo: 0x05060708, hi: 0x01020304 });
  assert.deepEqual(unpackWords(packWords([u64(1, 2), u64(3, 4)])), [u64(1, 2), u64(3, 4)]);
});

const DEMO = struct("DEMO", 2, "demo §1", "A demonstration structure.", [
  field("V", 0, 0, 0, "Valid."),
  field("Mode", 0, 3, 1, "Mode.", { values: { 0: "off", 1: "on", 4: "odd" }, reservedValues: [5, 6, 7] }),
  field("Ptr", 0, 51, 6, "A pointer.", { kind: "address" }),
  field("Wide", 1, 63, 0, "A whole dword."),
]);

test("struct tables derive the reserved mask from the fields", () => {
  assert.deepEqual([...DEMO.reservedMask], [0x30, 0xfff00000, 0, 0]);
  assert.equal(bitsLabel(DEMO.byName.get("Ptr")!), "dword0[51:6]");
  assert.equal(bitsLabel(DEMO.byName.get("V")!), "dword0[0]");
  assert.throws(() => struct("BAD", 1, "", "", [field("A", 0, 3, 0, ""), field("B", 0, 4, 3, "")]), /overlaps/);
});

test("decodeStruct names fields, decodes addresses and flags reserved bits and values", () => {
  const words = packWords([u64(0x4000_0000 | 0x20 | 0xb, 0x000f_0000), u64(0xffffffff, 0xffffffff)]);
  const d = decodeStruct(DEMO, words);
  const row = (n: string) => d.fields.find((f) => f.field === n)!;
  assert.equal(row("V").value, "0x1");
  assert.equal(row("Mode").value, "0x5");
  assert.equal(row("Mode").reservedValue, true);
  assert.equal(row("Ptr").value, "0xf000040000000");
  assert.equal(row("Wide").value, "0xffffffffffffffff");
  assert.deepEqual(
    reservedBitsSet(DEMO, words).map((r) => r.ranges),
    [["dword0[5]"]],
  );
});

test("encode(decode(words)) preserves every bit, reserved ones included", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 4, maxLength: 4 }), (init) => {
      const words = Uint32Array.from(init);
      const { words: again, problems } = encodeStruct(DEMO, fieldValues(DEMO, words), words);
      assert.deepEqual(problems, []);
      assert.deepEqual([...again], [...words]);
      const { words: fromZero } = encodeStruct(DEMO, fieldValues(DEMO, words));
      for (let i = 0; i < 4; i++) assert.equal(fromZero[i], (words[i]! & ~DEMO.reservedMask[i]!) >>> 0);
    }),
  );
});

test("encode reports values that do not fit and unknown names, never throws", () => {
  const r = encodeStruct(DEMO, { Mode: u64(9, 0), Ptr: u64(0x1001, 0), Nope: u64(1, 0) });
  assert.deepEqual(
    r.problems.map((p) => p.field),
    ["Mode", "Ptr", "Nope"],
  );
  assert.match(r.problems[1]!.message, /aligned to 64 bytes/);
});
