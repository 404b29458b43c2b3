// `check` on expectations whose walk is not modelled (a legal Secure stream): each fails, neither
// confirmed nor refuted, with the reason; the summary counts them; exit 1.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli, workspace } from "./check-helpers";

const REASON =
  'not modelled: Secure streams (SEC_STATE "Secure"): the walker translates Non-secure streams only (one physical address space, no Secure stage 2); this STE is not ILLEGAL by checkSte\'s rules for Secure STEs';
const UNDECIDED = `the walker cannot decide it: ${REASON}; the expectation can be neither confirmed nor refuted`;

const ws = workspace({
  "secure.iommu":
    "smmu host { oas 44; sec_state secure; strtab linear @0x8000_0000 log2size 8 }\n" +
    "ste 0x11 { config 0b101; s1contextptr 0x4000_0000 }\n" +
    "expect translate sid 0x11 iova 0x1000 read -> fault C_BAD_STE\n" +
    "expect translate sid 0x11 iova 0x1000 read -> 0x1000\n",
});

test("check: a not-modelled walk fails its expectations with the reason, exit 1", async () => {
  const r = await runCli(["check", "secure.iommu"], ws);
  assert.equal(r.code, 1);
  assert.equal(
    r.out,
    "FAIL secure.iommu:3 expect translate sid 0x11 iova 0x1000 read -> fault C_BAD_STE\n" +
      `     expected fault C_BAD_STE, but ${UNDECIDED}\n` +
      "FAIL secure.iommu:4 expect translate sid 0x11 iova 0x1000 read -> 0x1000\n" +
      `     expected 0x1000, but ${UNDECIDED}\n` +
      "0 passed, 2 failed (2 not modelled)\n",
  );
});

test("check --json: the result is {outcome: not-modelled, reason}; the summary adds notModelled", async () => {
  const r = await runCli(["check", "secure.iommu", "--json"], ws);
  assert.equal(r.code, 1);
  const objs = r.out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(objs[0], {
    kind: "expectation",
    file: "secure.iommu",
    line: 2,
    text: "expect translate sid 0x11 iova 0x1000 read -> fault C_BAD_STE",
    pass: false,
    message: `expected fault C_BAD_STE, but ${UNDECIDED}`,
    result: { outcome: "not-modelled", reason: REASON },
  });
  assert.deepEqual(objs.at(-1), { kind: "summary", passed: 0, failed: 2, errors: 0, notModelled: 2 });
});
