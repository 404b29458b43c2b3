// `iommu-lens translate FILE --sid --iova ...`: the result contract through resultToJson, trace
// sources pointing at the description's lines, faults as results (exit 0), usage errors (exit 2).

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { repoRoot, runCli, workspace } from "./check-helpers";

const EXAMPLES = join(repoRoot(), "examples");

test("translate --json on the nested example: PA, size, perm, attrs per the result contract", async () => {
  const r = await runCli(
    ["translate", "nested-vfio.iommu", "--sid", "0x7d11", "--iova", "0xfe040123", "--json"],
    EXAMPLES,
  );
  assert.equal(r.code, 0);
  const out = JSON.parse(r.out) as Record<string, unknown>;
  assert.equal(out["outcome"], "translated");
  assert.equal(out["pa"], "0x850040123");
  assert.equal(out["size"], "0x200000");
  assert.deepEqual(out["perm"], { read: true, write: true, exec: false });
  assert.equal(out["steps"], undefined);
});

test("translate --trace --json: every read with the source line that defined the word", async () => {
  const r = await runCli(
    ["translate", "nested-vfio.iommu", "--sid", "0x7d11", "--iova", "0xfe040000", "--json", "--trace"],
    EXAMPLES,
  );
  const out = JSON.parse(r.out) as { steps: { what: string; source?: string; pa: string }[] };
  assert.deepEqual(out.steps[0], { ...out.steps[0], what: "L1STD", pa: "0x7e0403e8", source: "nested-vfio.iommu:21" });
  const cd0 = out.steps.find((s) => s.what === "CD dword 0")!;
  assert.equal(cd0.pa, "0x840000000");
  assert.equal(cd0.source, "nested-vfio.iommu:42");
});

test("translate: a fault is a result (exit 0) with the event record", async () => {
  const r = await runCli(
    ["translate", "nested-vfio.iommu", "--sid", "0x7d11", "--iova", "0xfe200010", "--access", "write", "--json"],
    EXAMPLES,
  );
  assert.equal(r.code, 0);
  const out = JSON.parse(r.out) as { outcome: string; fault: Record<string, unknown> };
  assert.equal(out.outcome, "fault");
  assert.equal(out.fault["event"], "F_PERMISSION");
  assert.equal(out.fault["stage"], 1);
  assert.equal(out.fault["level"], 3);
  assert.deepEqual(out.fault["record"], ["0x7d1100000013", "0x20200000000", "0xfe200010", "0x0"]);
});

test("translate: human output names the fault", async () => {
  const r = await runCli(
    ["translate", "nested-vfio-second-run.iommu", "--sid", "0x7d11", "--iova", "0xfe040000"],
    EXAMPLES,
  );
  assert.equal(r.code, 0);
  assert.match(r.out, /^nested-vfio-second-run.iommu: sid 0x7d11 iova 0xfe040000 read\n/);
  assert.match(r.out, /fault {5}C_BAD_STE \(0x4\)/);
});

test("translate: usage errors exit 2", async () => {
  const ws = workspace({ "a.iommu": "label a @0x1000\n" });
  for (const args of [
    ["translate", "a.iommu", "--iova", "0x1000"],
    ["translate", "a.iommu", "--sid", "1"],
    ["translate", "a.iommu", "--sid", "zz", "--iova", "0"],
    ["translate", "a.iommu", "--sid", "1", "--iova", "0", "--access", "fetch"],
  ]) {
    const r = await runCli(args, ws);
    assert.equal(r.code, 2, args.join(" "));
    assert.doesNotMatch(r.err, /\n\s+at /);
  }
});
