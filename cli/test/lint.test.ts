// `iommu-lens lint FILE [--json]`: located diagnostics, JSON lines, exit codes (formats.md).

import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli, workspace } from "./check-helpers";

const BROKEN = `smmu { oas 44; strtab linear @0x8000_0000 log2size 8 }
ste 1 {
  config bypass; s2tz 24
}
memory @0x1000 { 0x1 }
memory @0x1000 { 0x2 }
`;

test("lint prints file:line:col severity CODE message, related locations, a summary, exit 1 on errors", async () => {
  const ws = workspace({ "a.iommu": BROKEN });
  const r = await runCli(["lint", "a.iommu"], ws);
  assert.equal(r.code, 1);
  assert.equal(r.err, "");
  const lines = r.out.trimEnd().split("\n");
  assert.equal(
    lines[0],
    "a.iommu:3:18: error LANG-UNKNOWN-FIELD STE has no field 's2tz' (did you mean S2TG, S2T0SZ, S2TTB?)",
  );
  assert.ok(lines.some((l) => l.startsWith("a.iommu:6:18: error LANG-CONFLICT the word at 0x1000 is defined twice")));
  assert.ok(lines.some((l) => l === "    a.iommu:5:18: first defined here as 0x1 (memory @0x1000)"));
  assert.match(lines.at(-1)!, /^a\.iommu: \d+ errors?, \d+ warnings?$/);
});

test("lint --json: one diagnostic object per line with zero-based positions", async () => {
  const ws = workspace({ "a.iommu": BROKEN });
  const r = await runCli(["lint", "a.iommu", "--json"], ws);
  assert.equal(r.code, 1);
  const objs = r.out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(objs[0], {
    file: "a.iommu",
    line: 2,
    character: 17,
    endLine: 2,
    endCharacter: 21,
    severity: "error",
    code: "LANG-UNKNOWN-FIELD",
    message: "STE has no field 's2tz' (did you mean S2TG, S2T0SZ, S2TTB?)",
  });
  assert.ok(objs.some((o) => o["code"] === "LANG-CONFLICT" && Array.isArray(o["related"])));
});

test("lint: a clean file exits 0; a missing file or no file is exit 2 without a stack", async () => {
  const ws = workspace({ "ok.iommu": "label a @0x1000\n" });
  const ok = await runCli(["lint", "ok.iommu"], ws);
  assert.deepEqual([ok.code, ok.out], [0, "ok.iommu: 0 errors, 0 warnings\n"]);
  const missing = await runCli(["lint", "nope.iommu"], ws);
  assert.equal(missing.code, 2);
  assert.equal(missing.err, "iommu-lens lint: cannot read nope.iommu: no such file\n");
  const none = await runCli(["lint"], ws);
  assert.equal(none.code, 2);
  assert.doesNotMatch(none.err, /\n\s+at /);
});

test("lint refuses includes that leave the workspace", async () => {
  const ws = workspace({ "a.iommu": 'include "../../etc/passwd"\n' });
  const r = await runCli(["lint", "a.iommu", "--json"], ws);
  assert.equal(r.code, 1);
  const d = JSON.parse(r.out.split("\n")[0]!) as Record<string, unknown>;
  assert.equal(d["code"], "LANG-INCLUDE-ESCAPE");
  assert.equal(d["character"], 8);
});
