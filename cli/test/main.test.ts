// The CLI entry point itself: usage, unknown verbs, and a reader that stops early.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../src/main";
import type { CliIo } from "../src/io";

function captureIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    stdin: new PassThrough(),
    cwd: process.cwd(),
  };
  return io;
}

test("no verb prints the usage with every verb and exits 2", async () => {
  const io = captureIo();
  assert.equal(await main([], io), 2);
  for (const verb of ["decode", "walk", "lint", "translate", "check"])
    assert.match(io.stdout, new RegExp(`\\n  ${verb} `));
});

test("an unknown verb or option is a usage error (exit 2), never a stack trace", async () => {
  const io = captureIo();
  assert.equal(await main(["frobnicate"], io), 2);
  assert.match(io.stderr, /unknown verb 'frobnicate'/);
  const io2 = captureIo();
  assert.equal(await main(["decode", "--bogus"], io2), 2);
  assert.match(io2.stderr, /unknown option --bogus/);
  assert.doesNotMatch(io.stderr + io2.stderr, /\n\s+at /);
});

const cli = join(__dirname, "../../../dist/cli.js");

test(
  "a reader that closes the pipe early ends the CLI quietly with success (no EPIPE trace)",
  { skip: !existsSync(cli) && "dist/cli.js is not built (run `node scripts/build.mjs`)" },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "iommu-lens-epipe-"));
    try {
      const record = [
        "event 0x04 received:",
        "0x00007d1100000004",
        "0x0000100800000080",
        "0x00000000fe040000",
        "0x000000007e04c440",
      ]
        .map((l) => `[    1.000000] arm-smmu-v3 arm-smmu-v3.2.auto: ${l}`)
        .join("\n");
      const log = join(dir, "many.log");
      writeFileSync(log, Array.from({ length: 20000 }, () => record).join("\n") + "\n");
      const child = spawn(process.execPath, [cli, "decode", log], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      child.stdout.destroy();
      const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
      assert.equal(stderr, "");
      assert.equal(code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
