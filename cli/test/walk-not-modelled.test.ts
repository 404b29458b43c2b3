// `walk` on a scenario the walker does not model (a legal Secure stream): human output says
// "not modelled: ..." with no fault and no record, --json gives {"outcome":"not-modelled",
// "reason"}, the exit code is 1 (no answer) with the reason on stderr, and `walk --check` against
// an expected C_BAD_STE fails, saying the expectation can be neither confirmed nor refuted.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../src/main";
import type { CliIo } from "../src/io";

const REASON =
  'not modelled: Secure streams (SEC_STATE "Secure"): the walker translates Non-secure streams only (one physical address space, no Secure stage 2); this STE is not ILLEGAL by checkSte\'s rules for Secure STEs';
const UNDECIDED = `${REASON}: the expectation can be neither confirmed nor refuted`;

/** A stage-1 STE (V 1, Config 0b101, S1ContextPtr 0x20000) of StreamID 0x11 on a Secure SMMU. */
const secure = {
  id: "secure-s1",
  smmu: { SEC_STATE: "Secure" },
  strtab: { base: "0x10000", fmt: "linear", log2size: 8 },
  memory: [{ addr: "0x10440", qwords: ["0x2000b", "0x0", "0x0", "0x0", "0x0", "0x0", "0x0", "0x0"] }],
  request: { sid: "0x11", iova: "0x1000", access: "read" },
};
/** The same stream Non-secure: the CD at 0x20000 is all zero, C_BAD_CD (a fault: exit 0). */
const nonSecure = { ...secure, id: "ns-s1", smmu: {} };

const dir = mkdtempSync(join(tmpdir(), "walk-not-modelled-"));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), stdin: new PassThrough(), cwd: dir };
  const code = await main(["walk", ...args], io);
  return { code, out, err };
}

test("walk: a not-modelled scenario is printed with its reason, no fault, and exits 1", async () => {
  writeFileSync(join(dir, "secure.json"), JSON.stringify(secure));
  const r = await run(["--scenario", "secure.json"]);
  assert.equal(r.code, 1);
  assert.equal(
    r.out,
    "secure-s1: sid 0x11 iova 0x1000 read\n" +
      "  outcome   not modelled: no answer (no fault and no event record: the SMMU raises none for legal structures)\n" +
      `  why       ${REASON}\n\n`,
  );
  assert.equal(r.err, `iommu-lens walk: no answer for secure-s1: ${REASON}\n`);
});

test("walk --json: {outcome: not-modelled, reason}; a fault beside it is still a fault", async () => {
  writeFileSync(join(dir, "two.jsonl"), [secure, nonSecure].map((s) => JSON.stringify(s)).join("\n"));
  const r = await run(["--scenario", "two.jsonl", "--json"]);
  assert.equal(r.code, 1);
  const [first, second] = r.out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(first, { id: "secure-s1", outcome: "not-modelled", reason: REASON });
  assert.equal(second!["outcome"], "fault");
  assert.equal((second!["fault"] as { event: string }).event, "C_BAD_CD");
  // only the fault: exit 0, a fault is a result
  writeFileSync(join(dir, "ns.json"), JSON.stringify(nonSecure));
  assert.equal((await run(["--scenario", "ns.json", "--json"])).code, 0);
});

test("walk --check: a vector expecting C_BAD_STE fails against a not-modelled walk, saying why", async () => {
  writeFileSync(
    join(dir, "vector.jsonl"),
    JSON.stringify({ category: "secure", scenario: secure, expected: { outcome: "fault", event: "C_BAD_STE" } }),
  );
  const r = await run(["--scenario", "vector.jsonl", "--check", "--json"]);
  assert.equal(r.code, 1);
  const differences = [
    'outcome: expected "fault" got "not-modelled"',
    'event: expected "C_BAD_STE" got nothing',
    UNDECIDED,
  ];
  assert.deepEqual((JSON.parse(r.out) as { check: unknown }).check, { pass: false, differences });
  assert.equal(
    r.err,
    `iommu-lens walk: no answer for secure-s1: ${REASON}\n` +
      "iommu-lens walk: 0/1 expectations hold\n" +
      `  FAIL secure-s1: ${differences.join(", ")}\n`,
  );
  const human = await run(["--scenario", "vector.jsonl", "--check"]);
  assert.equal(human.code, 1);
  assert.match(human.out, /^ {2}check {5}FAIL: outcome: expected "fault" got "not-modelled", /m);
});
