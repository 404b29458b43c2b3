// `translate` through a description the walker does not model (a legal Secure stream, VMSAv8-32
// stage-1 tables): human output says "not modelled: ...", --json is {"outcome":"not-modelled",
// "reason"} with no fault, and the exit code is 1 (no answer) with the reason on stderr.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli, workspace } from "./check-helpers";

const SECURE_REASON =
  'not modelled: Secure streams (SEC_STATE "Secure"): the walker translates Non-secure streams only (one physical address space, no Secure stage 2); this STE is not ILLEGAL by checkSte\'s rules for Secure STEs';

const ws = workspace({
  "secure.iommu":
    "smmu host { oas 44; sec_state secure; strtab linear @0x8000_0000 log2size 8 }\n" +
    "ste 0x11 { config 0b101; s1contextptr 0x4000_0000 }\n",
  "aarch32.iommu":
    "smmu host { oas 44; ttf aarch32 aarch64; strtab linear @0x8000_0000 log2size 8 }\n" +
    "ste 0x11 { config 0b101; s1contextptr @cd0 }\n" +
    "cd cd0 @0x4000_0000 { t0sz 16; tg0 4k; ips 44; aa64 0; r 1; a 1; epd1 1; ttb0 0x4100_0000 }\n",
});

test("translate: a not-modelled walk is printed with its reason, exit 1", async () => {
  const r = await runCli(["translate", "secure.iommu", "--sid", "0x11", "--iova", "0x1000"], ws);
  assert.equal(r.code, 1);
  assert.equal(
    r.out,
    "secure.iommu: sid 0x11 iova 0x1000 read\n" +
      "  outcome   not modelled: no answer (no fault and no event record: the SMMU raises none for legal structures)\n" +
      `  why       ${SECURE_REASON}\n\n`,
  );
  assert.equal(r.err, `iommu-lens translate: no answer: ${SECURE_REASON}\n`);
});

test("translate --json --trace: outcome not-modelled, the reason, the STE and CD reads, no fault", async () => {
  const r = await runCli(["translate", "aarch32.iommu", "--sid", "0x11", "--iova", "0x1000", "--json", "--trace"], ws);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.out) as {
    outcome: string;
    reason: string;
    fault?: unknown;
    pa?: unknown;
    steps: { what: string; pa: string }[];
  };
  const reason = "not modelled: VMSAv8-32 LPAE stage-1 tables (CD.AA64 0): the walker reads only VMSAv8-64 descriptors";
  assert.deepEqual([out.outcome, out.reason, out.fault, out.pa], ["not-modelled", reason, undefined, undefined]);
  assert.deepEqual(
    out.steps.map((s) => [s.what, s.pa]),
    [
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((d) => [`STE dword ${d}`, `0x${(0x8000_0440 + 8 * d).toString(16)}`]),
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((d) => [`CD dword ${d}`, `0x${(0x4000_0000 + 8 * d).toString(16)}`]),
    ],
  );
  assert.equal(r.err, `iommu-lens translate: no answer: ${reason}\n`);
});
