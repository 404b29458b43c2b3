// decodeEventFields (the numeric hot path of a log decode) against decodeEvent (the reference that
// builds the text): for every record, the same field names in the same order, the same values
// (decodeEvent's hex text is exactly the printed halves), and problems exactly when decodeEvent
// has some. Records are random dwords over every architected type, IMPDEF and Reserved ids,
// with and without set undefined bits, and short inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { hexHalves } from "../../src/bits/u64";
import { EVENT_TYPES, EventFieldValues, decodeEvent, decodeEventFields, encodeEvent } from "../../src/smmuv3/records";

function assertSame(words: ArrayLike<number>, out: EventFieldValues): void {
  const ref = decodeEvent(words);
  decodeEventFields(words, out);
  assert.equal(out.id, ref.id);
  assert.equal(out.known, ref.type !== undefined);
  assert.equal(out.count, ref.fields.length);
  assert.deepEqual(
    [...out.names],
    ref.fields.map((f) => f.field),
  );
  for (let i = 0; i < out.count; i++) {
    assert.equal(hexHalves(out.halves[2 * i]!, out.halves[2 * i + 1]!), ref.fields[i]!.value, ref.fields[i]!.field);
  }
  assert.equal(out.hasProblems, ref.problems.length !== 0, ref.problems.join("; "));
}

const half = fc.oneof(fc.constant(0), fc.constant(0xffff_ffff), fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 15 }));
const ids = [...EVENT_TYPES.map((t) => t.id), 0, 0x7f, 0xe3, 0xff];

test("decodeEventFields gives decodeEvent's values on random records (every type, reused output)", () => {
  const out = new EventFieldValues();
  fc.assert(
    fc.property(fc.constantFrom(...ids), fc.array(half, { minLength: 8, maxLength: 8 }), (id, halves) => {
      const words = Uint32Array.from(halves);
      words[0] = ((words[0]! & ~0xff) | id) >>> 0;
      assertSame(words, out);
    }),
    { numRuns: 300, interruptAfterTimeLimit: 5000 },
  );
});

test("decodeEventFields on well-formed records of every type, short inputs and plain arrays", () => {
  const out = new EventFieldValues();
  for (const type of EVENT_TYPES) {
    const built = encodeEvent(type.id, {});
    assertSame(built.words, out);
    assert.equal(out.hasProblems, false, type.name);
    assertSame(Array.from(built.words), out);
    assertSame(built.words.subarray(0, 5), out);
    assert.equal(out.hasProblems, true);
  }
  assertSame([], out);
  assert.equal(out.known, false);
  assert.equal(out.count, 0);
});

test("decodeEventFields keeps addresses in place and full 64-bit InputAddr", () => {
  const out = new EventFieldValues();
  const built = encodeEvent("F_TRANSLATION", {
    StreamID: { lo: 0x7d11, hi: 0 },
    InputAddr: { lo: 0x8765_4321, hi: 0xfedc_ba98 },
    IPA: { lo: 0x1234_5000, hi: 0x000a_bcde },
  });
  assert.deepEqual(built.problems, []);
  decodeEventFields(built.words, out);
  const at = (name: string): string => {
    const i = out.names.indexOf(name);
    return hexHalves(out.halves[2 * i]!, out.halves[2 * i + 1]!);
  };
  assert.equal(at("StreamID"), "0x7d11");
  assert.equal(at("InputAddr"), "0xfedcba9887654321");
  assert.equal(at("IPA"), "0xabcde12345000");
  assertSame(built.words, out);
});
