// expectedDifferences: a result against a subset of the result contract, key by key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { expectedDifferences } from "../../src/smmuv3/scenario/expect";
import type { ResultJson } from "../../src/smmuv3/scenario/result-json";

const fault: ResultJson = {
  id: "f",
  outcome: "fault",
  fault: {
    event: "F_TRANSLATION",
    id: "0x10",
    stage: 2,
    level: 3,
    class: "TT",
    inputAddr: "0x1234",
    recorded: false,
    reason: "r",
  },
};

test("keys are looked up at the top, then in the fault; hex compares without case", () => {
  assert.deepEqual(
    expectedDifferences(fault, {
      outcome: "fault",
      event: "F_TRANSLATION",
      stage: 2,
      level: 3,
      class: "TT",
      recorded: false,
    }),
    [],
  );
  assert.deepEqual(expectedDifferences(fault, { inputAddr: "0X1234", id: "0x10" }), []);
  assert.deepEqual(expectedDifferences(fault, { outcome: "translated", pa: "0x1000", level: 2, recorded: true }), [
    'outcome: expected "translated" got "fault"',
    'pa: expected "0x1000" got nothing',
    "level: expected 2 got 3",
    "recorded: expected true got false",
  ]);
  assert.deepEqual(
    expectedDifferences(
      { outcome: "translated", pa: "0x5000", perm: { read: true, write: false, exec: false } },
      { perm: { read: true, write: true, exec: false } },
    ),
    ['perm: expected {"read":true,"write":true,"exec":false} got {"read":true,"write":false,"exec":false}'],
  );
  assert.deepEqual(expectedDifferences(fault, "fault"), ['the expectation must be an object, found "fault"']);
});
