// Debug tier: the real adapter process (dist/debug-adapter.js) over real DAP on stdio. A launch
// translates one transaction through examples/quickstart.iommu and prints the walk and its outcome
// to the Debug Console, then terminates; bad input is a readable message, never a crash.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type DebugProtocol } from "@vscode/debugprotocol";
import { DapClient, root } from "./dapClient";

const QUICKSTART = join(root, "examples", "quickstart.iommu");

async function session(args: Record<string, unknown>): Promise<{ output: string; exitCode: number; dap: DapClient }> {
  const dap = new DapClient();
  const launch = await dap.launch(args);
  assert.equal(launch.success, true);
  const exited = (await dap.waitForEvent("exited")) as DebugProtocol.ExitedEvent;
  const output = dap.output();
  assert.equal(await dap.close(), 0, "the adapter process exits cleanly");
  return { output, exitCode: exited.body.exitCode, dap };
}

describe("debug adapter over stdio", () => {
  it("answers initialize with configurationDone support", async () => {
    const dap = new DapClient();
    const init = await dap.request<DebugProtocol.InitializeResponse>("initialize", {
      adapterID: "iommu",
      pathFormat: "path",
    });
    assert.equal(init.success, true);
    assert.equal(init.body?.supportsConfigurationDoneRequest, true);
    await dap.waitForEvent("initialized");
    assert.equal(await dap.close(), 0);
  });

  it("translates an IOVA of the quick start to its PA and shows the walk", async () => {
    const { output, exitCode } = await session({
      program: QUICKSTART,
      streamId: "0x7d11",
      iova: "0x10_0123",
      access: "read",
    });
    assert.equal(exitCode, 0);
    const lines = output.trimEnd().split("\n");
    assert.equal(lines[0], "IOMMU Lens: translate StreamID 0x7d11 IOVA 0x100123 read, privileged (quickstart.iommu)");
    assert.match(output, /STE dword 0 +PA 0x801f4440 = 0x4000000b {2}<- quickstart\.iommu:15\n/);
    assert.match(
      output,
      /S1 L3 descriptor +PA 0x40102800 IOVA\[20:12\]=0x100 = 0x50000747 {2}<- quickstart\.iommu:25\n/,
    );
    assert.equal(lines.at(-1), "translated: PA 0x50000123 (0x1000 bytes, read write, Normal-WB inner)");
  });

  it("reports a translation fault with the event record the SMMU would write", async () => {
    const { output, exitCode } = await session({ program: QUICKSTART, streamId: 0x7d11, iova: 0x200000 });
    assert.equal(exitCode, 0, "a fault is a result, not a failure");
    const lines = output.trimEnd().split("\n");
    assert.equal(
      lines.at(-2),
      "fault: F_TRANSLATION (0x10), stage 1, level 2, CLASS IN: stage-1 level-2 descriptor is invalid (bit 0 clear)",
    );
    // SMMUv3 §7.3 F_TRANSLATION: DW0 StreamID 0x7d11, type 0x10; DW1 0x20a_0000_0000 = PnU (bit 33,
    // privileged), RnW (bit 35, read), CLASS = 0b10 IN (bits 41:40); DW2 InputAddr 0x200000
    assert.equal(lines.at(-1), "event record: 0x7d1100000010 0x20a00000000 0x200000 0x0");
  });

  it("translates the file's first `expect translate` request when the launch names none (F5)", async () => {
    const { output, exitCode } = await session({ program: QUICKSTART });
    assert.equal(exitCode, 0);
    const lines = output.trimEnd().split("\n");
    assert.equal(lines[0], "IOMMU Lens: translate StreamID 0x7d11 IOVA 0x100123 read, privileged (quickstart.iommu)");
    assert.equal(lines.at(-1), "translated: PA 0x50000123 (0x1000 bytes, read write, Normal-WB inner)");
  });

  it("replays an event record given in the launch arguments", async () => {
    const { output, exitCode } = await session({
      program: QUICKSTART,
      event: ["0x00007d1100000004", "0x0000100800000080", "0x00000000fe040000", "0x000000007e04c440"],
    });
    assert.equal(exitCode, 0);
    assert.match(output, /^IOMMU Lens: event C_BAD_STE \(0x4\)\n/);
    assert.match(output, /\n {2}StreamID = 0x7d11\n/);
  });

  const failures: [string, Record<string, unknown>, RegExp][] = [
    ["a missing program", { streamId: 1, iova: 0 }, /has no `program`/],
    ["an iova without a streamId", { program: QUICKSTART, iova: 0 }, /needs `streamId`/],
    [
      "an unreadable program",
      { program: "/nonexistent/x.iommu", streamId: 1, iova: 0 },
      /cannot read program \/nonexistent\/x\.iommu: ENOENT/,
    ],
    ["a bad iova", { program: QUICKSTART, streamId: 1, iova: "0x12g" }, /iova: '0x12g' is not a number/],
    [
      "a bad access",
      { program: QUICKSTART, streamId: 1, iova: 0, access: "fetch" },
      /access must be read, write or exec/,
    ],
  ];
  for (const [what, args, message] of failures) {
    it(`says so plainly for ${what}`, async () => {
      const { output, exitCode } = await session(args);
      assert.equal(exitCode, 1);
      assert.match(output, message);
    });
  }

  it("reports syntax errors of the program with their lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "iommu-lens-da-"));
    try {
      const program = join(dir, "broken.iommu");
      writeFileSync(program, "smmu host {\n  oas 44\n}\nste 0x1 {\n  config 0x12g\n}\n");
      const { output, exitCode } = await session({ program, streamId: 1, iova: 0 });
      assert.equal(exitCode, 1);
      assert.match(output, /broken\.iommu has \d+ error\(s\):\n {2}broken\.iommu:5: error LANG-BAD-NUMBER/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints the reason, not a fault, for a legal stream the walker does not model (a Secure stream)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "iommu-lens-da-"));
    try {
      const program = join(dir, "secure.iommu");
      writeFileSync(
        program,
        "smmu host { oas 44; sec_state secure; strtab linear @0x8000_0000 log2size 8 }\n" +
          "ste 0x11 { config 0b101; s1contextptr 0x4000_0000 }\n",
      );
      const { output, exitCode } = await session({ program, streamId: "0x11", iova: "0x1000" });
      assert.equal(exitCode, 1, "no answer: the launch fails like the CLI's translate (exit 1)");
      const lines = output.trimEnd().split("\n");
      assert.equal(lines[0], "IOMMU Lens: translate StreamID 0x11 IOVA 0x1000 read, privileged (secure.iommu)");
      // the STE fetch (8 dwords at 0x8000_0000 + 0x11 * 64) is the walk up to where it stopped
      assert.match(lines[1]!, /^ {3}1\. STE dword 0 +PA 0x80000440 = 0x4000000b {2}<- secure\.iommu:2$/);
      assert.match(lines[8]!, /^ {3}8\. STE dword 7 +PA 0x80000478 = 0x0/);
      assert.deepEqual(lines.slice(9), [
        'not modelled: Secure streams (SEC_STATE "Secure"): the walker translates Non-secure streams only (one physical address space, no Secure stage 2); this STE is not ILLEGAL by checkSte\'s rules for Secure STEs',
        "no fault and no event record: the STE/CD are legal, so the SMMU raises no C_BAD_STE / C_BAD_CD; what it does with this transaction is not known here",
      ]);
      assert.doesNotMatch(output, /fault:|event record: 0x/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a binary `include dump` as bytes (a raw memory image holding the STE)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "iommu-lens-da-"));
    try {
      // STE for StreamID 0 at the stream table base: V=1, Config=0b100 (bypass); the rest zero.
      const ste = new Uint8Array(64);
      ste[0] = 0x09;
      writeFileSync(join(dir, "ste.bin"), ste);
      const program = join(dir, "raw.iommu");
      writeFileSync(
        program,
        'smmu host { oas 44; sidsize 8; strtab linear @0x8000_0000 log2size 8 }\ninclude dump "ste.bin" base 0x8000_0000\n',
      );
      const { output, exitCode } = await session({ program, streamId: 0, iova: "0x1234" });
      assert.equal(exitCode, 0, output);
      assert.match(output, /STE dword 0 +PA 0x80000000 = 0x9 {2}<- ste\.bin/);
      assert.match(output.trimEnd().split("\n").at(-1) ?? "", /^bypass: PA 0x1234\b/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
