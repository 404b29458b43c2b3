// `iommu-lens check FILE...`: every example passes; a failing expectation or an error diagnostic
// makes the exit code 1; --json gives one object per expectation and a summary.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCli, workspace } from "./check-helpers";

const EXAMPLES = join(repoRoot(), "examples");

test("check passes on every example (each of ours has expect lines; F's quickstart may have none)", async () => {
  const files = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".iommu"))
    .sort();
  assert.ok(files.length >= 2);
  for (const f of files) {
    const r = await runCli(["check", f], EXAMPLES);
    assert.equal(r.code, 0, `${f}:\n${r.out}${r.err}`);
    assert.doesNotMatch(r.out, /FAIL/, f);
    if (f !== "quickstart.iommu") {
      assert.doesNotMatch(r.out, /no expect lines/, f);
      assert.match(r.out, /^[1-9]\d* passed, 0 failed\n$/m, f);
    }
  }
});

test("check: a failing expectation says what happened instead, exit 1", async () => {
  const ws = workspace({
    "a.iommu":
      "ste 1 { config bypass }\nexpect translate sid 1 iova 0x1000 read -> 0x2000\nexpect translate sid 1 iova 0x1000 read -> 0x1000\n",
  });
  const r = await runCli(["check", "a.iommu"], ws);
  assert.equal(r.code, 1);
  assert.equal(
    r.out,
    "FAIL a.iommu:2 expect translate sid 1 iova 0x1000 read -> 0x2000\n" +
      "     expected 0x2000, but bypassed to 0x1000 (STE.Config 0b100: both stages bypassed)\n" +
      "PASS a.iommu:3 expect translate sid 1 iova 0x1000 read -> 0x1000\n" +
      "1 passed, 1 failed\n",
  );
});

test("check: an error diagnostic fails the file even when expectations pass", async () => {
  const ws = workspace({
    "a.iommu": "ste 1 { config bypass; bogus 1 }\nexpect translate sid 1 iova 0x10 read -> 0x10\n",
  });
  const r = await runCli(["check", "a.iommu", "--json"], ws);
  assert.equal(r.code, 1);
  const objs = r.out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    objs.map((o) => o["kind"]),
    ["expectation", "diagnostic", "summary"],
  );
  assert.equal(objs[0]!["pass"], true);
  assert.deepEqual((objs[0]!["result"] as Record<string, unknown>)["outcome"], "bypass");
  assert.equal(objs[1]!["code"], "LANG-UNKNOWN-FIELD");
  assert.deepEqual(objs[2], { kind: "summary", passed: 1, failed: 0, errors: 1 });
});

test("check: several files, one unreadable → exit 2", async () => {
  const ws = workspace({ "a.iommu": "ste 1 { config bypass }\nexpect translate sid 1 iova 0x10 read -> 0x10\n" });
  const r = await runCli(["check", "a.iommu", "missing.iommu"], ws);
  assert.equal(r.code, 2);
  assert.match(r.out, /^PASS a\.iommu:2/);
  assert.equal(r.err, "iommu-lens check: cannot read missing.iommu: no such file\n");
});
