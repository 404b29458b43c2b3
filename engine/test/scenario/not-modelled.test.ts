// A scenario the walker does not model, through parseScenario -> translate -> resultToJson: the
// result contract's compatible extension {"outcome":"not-modelled","reason":...} with no fault,
// no record and no pa, steps with --trace; and expectedDifferences, which never lets a
// not-modelled walk pass an expectation of a fault or a PA and says why it cannot decide.

import { test } from "node:test";
import assert from "node:assert/strict";
import { expectedDifferences } from "../../src/smmuv3/scenario/expect";
import { parseScenario } from "../../src/smmuv3/scenario/parse";
import { resultToJson } from "../../src/smmuv3/scenario/result-json";
import { translate } from "../../src/smmuv3/walk";

const SECURE_REASON =
  'not modelled: Secure streams (SEC_STATE "Secure"): the walker translates Non-secure streams only (one physical address space, no Secure stage 2); this STE is not ILLEGAL by checkSte\'s rules for Secure STEs';

/** A stage-1 STE (V 1, Config 0b101, S1ContextPtr 0x20000) for StreamID 0x11 on a Secure SMMU. */
const secureScenario = {
  id: "secure-s1",
  smmu: { SEC_STATE: "Secure" },
  strtab: { base: "0x10000", fmt: "linear", log2size: 8 },
  memory: [{ addr: "0x10440", qwords: ["0x2000b", "0x0", "0x0", "0x0", "0x0", "0x0", "0x0", "0x0"] }],
  request: { sid: "0x11", iova: "0x1000", access: "read" },
};

function walk(scenario: unknown, trace: boolean): ReturnType<typeof resultToJson> {
  const parsed = parseScenario(scenario, "s.json");
  assert.deepEqual(parsed.problems, []);
  return resultToJson(translate(parsed.setup!, parsed.request!), { trace, id: parsed.id });
}

test("a Secure stream is {outcome: not-modelled, reason}: no fault, record or pa", () => {
  assert.deepEqual(walk(secureScenario, false), { id: "secure-s1", outcome: "not-modelled", reason: SECURE_REASON });
});

test("with trace, the steps are the STE fetch the walker made before it stopped", () => {
  const json = walk(secureScenario, true);
  assert.deepEqual(
    json.steps,
    [0x2000b, 0, 0, 0, 0, 0, 0, 0].map((value, d) => ({
      what: `STE dword ${d}`,
      structure: "STE",
      space: "PA",
      addr: `0x${(0x10440 + 8 * d).toString(16)}`,
      pa: `0x${(0x10440 + 8 * d).toString(16)}`,
      value: `0x${value.toString(16)}`,
      source: "s.json:1",
    })),
  );
  assert.equal(json.fault, undefined);
});

test("the same scenario in the Non-secure state stays a fault (the CD at 0x20000 is all zero: C_BAD_CD)", () => {
  const json = walk({ ...secureScenario, id: "ns-s1", smmu: {} }, false);
  assert.equal(json.outcome, "fault");
  assert.equal(json.fault?.event, "C_BAD_CD");
  assert.equal(json.fault?.reason.startsWith("not modelled"), false);
  assert.equal(json.fault?.record?.length, 4);
});

test("expectedDifferences: a not-modelled result meets a fault or PA expectation as a difference that says why", () => {
  const json = walk(secureScenario, false);
  const undecided = `${SECURE_REASON}: the expectation can be neither confirmed nor refuted`;
  assert.deepEqual(expectedDifferences(json, { outcome: "fault", event: "C_BAD_STE" }), [
    'outcome: expected "fault" got "not-modelled"',
    'event: expected "C_BAD_STE" got nothing',
    undecided,
  ]);
  assert.deepEqual(expectedDifferences(json, { pa: "0x1000" }), ['pa: expected "0x1000" got nothing', undecided]);
  // Expecting exactly this outcome holds.
  assert.deepEqual(expectedDifferences(json, { outcome: "not-modelled" }), []);
});
