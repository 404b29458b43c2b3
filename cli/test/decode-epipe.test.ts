// `iommu-lens decode big.log | head`: when the reader closes the pipe, decode stops quietly (no
// EPIPE stack trace, exit 0) instead of decoding the rest of the input into a closed pipe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../engine/test/support/paths";

const ROOT = repoRoot();

test("decode | head -n 2: no EPIPE trace, exit 0, the first record's header printed", () => {
  const dir = mkdtempSync(join(tmpdir(), "iommu-lens-epipe-"));
  try {
    const file = join(dir, "big.log");
    // 200,000 bare records (~8 MB of output in table form): far more than a pipe buffer.
    writeFileSync(file, "0x7d1100000004 0x100800000080 0xfe040000 0x7e04c440\n".repeat(200_000));
    const cli = join(ROOT, "cli/src/main.ts");
    const r = spawnSync("bash", ["-o", "pipefail", "-c", `node --import tsx "${cli}" decode "${file}" | head -n 2`], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout.split("\n"), [
      `${file}:1: 0x4 C_BAD_STE  (hex dwords)`,
      "  StreamID 0x7d11: the STE is not valid or is ILLEGAL",
      "",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
