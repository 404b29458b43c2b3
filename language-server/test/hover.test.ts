// Server tier: the real language server (dist/server.js) over real LSP. Hover and
// iommuLens/decodeAt on the seed's C_BAD_STE record, as a kernel log printed it (the 2019 vSMMU
// thread), as an `event = ...` line of a .iommu file, and in a C comment; nothing elsewhere.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeEvent, eventTypeByName } from "../../engine/src/index";
import { LspClient } from "./lspClient";

// /work/shared/seeds/000_c7faf01d7ede73c1.txt lines 195-200
const KERNEL_LOG = `[10499.379288] vfio-pci 0000:7d:02.1: enabling device (0000 -> 0002)
[10501.943881] arm-smmu-v3 arm-smmu-v3.2.auto: event 0x04 received:
[10501.943884] arm-smmu-v3 arm-smmu-v3.2.auto: 0x00007d1100000004
[10501.943886] arm-smmu-v3 arm-smmu-v3.2.auto: 0x0000100800000080
[10501.943887] arm-smmu-v3 arm-smmu-v3.2.auto: 0x00000000fe040000
[10501.943889] arm-smmu-v3 arm-smmu-v3.2.auto: 0x000000007e04c440
[10502.000000] vfio-pci 0000:7d:02.1: something else
`;

const IOMMU_FILE = `// the seed's event
smmu host { oas 44 }
event = 0x00007d1100000004 0x0000100800000080 0x00000000fe040000 0x000000007e04c440
memory @0x9100_0000 {
  0x00007d1100000004 0x0000100800000080 0x00000000fe040000 0x000000007e04c440
}
`;

const C_FILE = `/* What the host printed when the device first did DMA:
${KERNEL_LOG.split("\n").slice(1, 6).join("\n")}
 */
static int probe(void) { return 0; }
`;

const SEED_WORDS = [0x00000004, 0x00007d11, 0x00000080, 0x00001008, 0xfe040000, 0x00000000, 0x7e04c440, 0x00000000];

/** The hover the seed record must produce: field rows from the specification (SMMUv3 §7.3.3,
 * C_BAD_STE: SSV, SubstreamID, StreamID in bit order), prose from the engine's event table. */
function expectedHover(): string {
  const type = eventTypeByName("C_BAD_STE");
  assert.ok(type, "the engine's event table has C_BAD_STE");
  const decoded = decodeEvent(SEED_WORDS);
  return [
    "**C_BAD_STE** (SMMUv3 event 0x4) — IOMMU Lens",
    "",
    decoded.summary,
    "",
    "| Field | Bits | Value | Meaning |",
    "| --- | --- | --- | --- |",
    "| SSV | dword0[11] | 0x0 |  |",
    "| SubstreamID | dword0[31:12] | 0x0 | not valid: SSV == 0; UNKNOWN per Arm IHI 0070 §7.3 (SSV) |",
    "| StreamID | dword0[63:32] | 0x7d11 |  |",
    "",
    `**Cause:** ${type.cause}`,
    "",
    "**Next steps:**",
    "",
    ...type.nextSteps.map((s) => `- ${s}`),
    "",
    "**Problems with this record:**",
    "",
    ...decoded.problems.map((p) => `- ${p}`),
    "",
    "Raw: `0x7d1100000004 0x100800000080 0xfe040000 0x7e04c440`",
  ].join("\n");
}

describe("language server over stdio", () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start("stdio");
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
  });

  it("announces hover and incremental sync", () => {
    assert.equal(client.initializeResult.capabilities.hoverProvider, true);
    assert.equal(client.initializeResult.capabilities.textDocumentSync, 2);
    assert.equal(client.initializeResult.serverInfo?.name, "iommu-lens-server");
  });

  it("hovers the seed's C_BAD_STE in a kernel log with the exact decoding", async () => {
    await client.open("file:///tmp/dmesg.log", "log", KERNEL_LOG);
    for (const line of [1, 2, 3, 4, 5]) {
      const hover = await client.hover("file:///tmp/dmesg.log", line, 50);
      assert.ok(hover, `hover on line ${line}`);
      assert.deepEqual(hover.contents, { kind: "markdown", value: expectedHover() });
      assert.deepEqual(hover.range, { start: { line: 1, character: 0 }, end: { line: 5, character: 65 } });
    }
  });

  it("has no hover outside a record", async () => {
    await client.open("file:///tmp/dmesg2.log", "log", KERNEL_LOG);
    assert.equal(await client.hover("file:///tmp/dmesg2.log", 0, 5), null);
    assert.equal(await client.hover("file:///tmp/dmesg2.log", 6, 5), null);
  });

  it("hovers an event statement of a .iommu file, and not the words of a memory block", async () => {
    await client.open("file:///tmp/quick.iommu", "iommu", IOMMU_FILE);
    const hover = await client.hover("file:///tmp/quick.iommu", 2, 10);
    assert.ok(hover);
    assert.deepEqual(hover.contents, { kind: "markdown", value: expectedHover() });
    assert.deepEqual(hover.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 83 } });
    assert.equal(await client.hover("file:///tmp/quick.iommu", 1, 3), null);
    assert.equal(await client.hover("file:///tmp/quick.iommu", 4, 3), null);
  });

  it("hovers a kernel log pasted into a C comment", async () => {
    await client.open("file:///tmp/notes.c", "c", C_FILE);
    const hover = await client.hover("file:///tmp/notes.c", 3, 10);
    assert.ok(hover);
    assert.deepEqual(hover.contents, { kind: "markdown", value: expectedHover() });
  });

  it("answers iommuLens/decodeAt with the record as data", async () => {
    await client.open("file:///tmp/dmesg3.log", "log", KERNEL_LOG);
    const record = await client.decodeAt("file:///tmp/dmesg3.log", 3, 0);
    assert.ok(record);
    assert.equal(record.name, "C_BAD_STE");
    assert.equal(record.id, "0x4");
    assert.equal(record.kind, "event");
    assert.deepEqual(record.raw, ["0x7d1100000004", "0x100800000080", "0xfe040000", "0x7e04c440"]);
    assert.deepEqual(record.fields, [
      { name: "SSV", bits: "dword0[11]", value: "0x0", meaning: "" },
      {
        name: "SubstreamID",
        bits: "dword0[31:12]",
        value: "0x0",
        meaning: "not valid: SSV == 0; UNKNOWN per Arm IHI 0070 §7.3 (SSV)",
      },
      { name: "StreamID", bits: "dword0[63:32]", value: "0x7d11", meaning: "" },
    ]);
    assert.deepEqual([record.startLine, record.endLine], [1, 5]);
    assert.equal(record.uri, "file:///tmp/dmesg3.log");
    assert.equal(await client.decodeAt("file:///tmp/dmesg3.log", 0, 0), null);
    assert.equal(await client.decodeAt("file:///tmp/never-opened.log", 0, 0), null);
  });
});

describe("language server over Node IPC (as VS Code starts it)", () => {
  it("hovers the seed record", async () => {
    const client = await LspClient.start("node-ipc");
    try {
      await client.open("file:///tmp/ipc.log", "plaintext", KERNEL_LOG);
      const hover = await client.hover("file:///tmp/ipc.log", 2, 0);
      assert.deepEqual(hover?.contents, { kind: "markdown", value: expectedHover() });
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });
});
