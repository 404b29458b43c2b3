// The first user journey, in a real VS Code (code-server 4.96.4 + chromium) with the packaged
// .vsix installed: open examples/, open quickstart.iommu, see the IOMMU language mode, hover the
// event record and read the language server's decoding, open the decoded record in the webview,
// run the debugger on the file. Screenshots go to test-output/.
//
// Skips (and says why) only when the machine cannot run a real VS Code; with
// IOMMU_LENS_REQUIRE_E2E=1 (CI) a missing prerequisite is a failure instead.

import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser } from "playwright-core";
import { type RunningCodeServer, missingPrerequisite, repoRoot, startCodeServer } from "./codeServer";
import { Workbench, launchBrowser } from "./workbench";

const shots = join(repoRoot, "test-output");
const missing = missingPrerequisite();
if (missing && process.env["IOMMU_LENS_REQUIRE_E2E"] === "1") throw new Error(`end-to-end tier required: ${missing}`);

const EVENT_LINE = "event = 0x00007d1100000004 0x0000100800000080 0x00000000fe040000 0x000000007e04c440";

// The seed thread's host log (shared/seeds/000_c7faf01d7ede73c1.txt lines 195-200)
const KERNEL_LOG = `[10499.379288] vfio-pci 0000:7d:02.1: enabling device (0000 -> 0002)
[10501.943881] arm-smmu-v3 arm-smmu-v3.2.auto: event 0x04 received:
[10501.943884] arm-smmu-v3 arm-smmu-v3.2.auto: 0x00007d1100000004
[10501.943886] arm-smmu-v3 arm-smmu-v3.2.auto: 0x0000100800000080
[10501.943887] arm-smmu-v3 arm-smmu-v3.2.auto: 0x00000000fe040000
[10501.943889] arm-smmu-v3 arm-smmu-v3.2.auto: 0x000000007e04c440
`;

const LAUNCH_JSON = JSON.stringify({
  version: "0.2.0",
  configurations: [
    {
      type: "iommu",
      request: "launch",
      name: "IOMMU: translate 0x10_0123",
      program: "${workspaceFolder}/quickstart.iommu",
      streamId: "0x7d11",
      iova: "0x10_0123",
      access: "read",
    },
  ],
});

describe("journey: quick start in a real VS Code", { skip: missing ?? false }, () => {
  let server: RunningCodeServer;
  let browser: Browser;
  let wb: Workbench;

  before(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startCodeServer({
      workspace: { examples: join(repoRoot, "examples") },
      files: { "examples/.vscode/launch.json": LAUNCH_JSON, "examples/host-dmesg.log": KERNEL_LOG },
    });
    browser = await launchBrowser();
    wb = await Workbench.open(browser, server.folderUrl("examples"));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const step = (name: string, fn: () => Promise<void> | void): void => {
    it(name, async () => {
      try {
        await fn();
      } catch (e) {
        await wb?.screenshot(join(shots, `journey-fail-${name.replace(/\W+/g, "-").slice(0, 40)}.png`)).catch(() => {});
        throw e;
      }
    });
  };

  step("the explorer shows examples/ with quickstart.iommu", async () => {
    await wb.explorerRow("quickstart.iommu").waitFor();
  });

  step("quickstart.iommu opens in the IOMMU language mode", async () => {
    await wb.openFile("quickstart.iommu");
    await wb.line("event = 0x00007d11").waitFor();
    assert.equal(await wb.statusBarLanguage("IOMMU"), "IOMMU");
  });

  step("hovering the event record shows the language server's decoded C_BAD_STE", async () => {
    const text = await wb.hoverText(wb.line(EVENT_LINE), "C_BAD_STE");
    assert.match(text, /C_BAD_STE/);
    assert.match(text, /StreamID\s+dword0\[63:32\]\s+0x7d11/);
    assert.match(text, /IOMMU Lens/);
    await wb.page.waitForTimeout(400); // let the hover finish fading in before the picture
    await wb.screenshot(join(shots, "journey-hover.png"));
  });

  step("Show Decoded Record renders the record in a webview", async () => {
    await wb.page.mouse.move(5, 5);
    await wb.line(EVENT_LINE).click();
    await wb.runCommand("IOMMU Lens: Show Decoded Record");
    const frame = wb.webview();
    const title = frame.locator("#title");
    await title.waitFor();
    assert.match(await title.innerText(), /^C_BAD_STE/);
    assert.equal(await frame.locator("#source").innerText(), "quickstart.iommu, line 30");
    const rows = frame.locator("vscode-table-body vscode-table-row");
    await rows.first().waitFor();
    const table: string[][] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      table.push((await rows.nth(i).locator("vscode-table-cell").allInnerTexts()).map((s) => s.trim()));
    }
    assert.deepEqual(
      table.find((cells) => cells[0] === "StreamID"),
      ["StreamID", "dword0[63:32]", "0x7d11", ""],
    );
    await wb.screenshot(join(shots, "journey.png"));
  });

  step("the debugger translates an address of the file and prints it in the Debug Console", async () => {
    await wb.runCommand("Debug: Start Debugging");
    const repl = wb.page.locator(".repl");
    await repl.getByText("translated", { exact: false }).first().waitFor();
    assert.match(await repl.innerText(), /0x50000123/);
    await wb.page.locator(".debug-toolbar").waitFor({ state: "hidden" });
    await wb.screenshot(join(shots, "journey-debug.png"));
  });

  step("a kernel log (.log) gets the same hover decoding from the language server", async () => {
    await wb.openFile("host-dmesg.log");
    assert.equal(await wb.statusBarLanguage("Log"), "Log");
    const text = await wb.hoverText(wb.line("0x0000100800000080"), "C_BAD_STE");
    assert.match(text, /StreamID\s+dword0\[63:32\]\s+0x7d11/);
    assert.match(text, /dword1\.\.3 are not defined for C_BAD_STE/);
  });

  step("the open record panel follows the cursor onto the log's record", async () => {
    await wb.page.mouse.move(5, 5);
    await wb.line("0x00000000fe040000").click();
    const source = wb.webview().locator("#source");
    await source.filter({ hasText: "host-dmesg.log, lines 2-6" }).waitFor();
    assert.equal(await wb.webview().locator("#title").innerText(), "C_BAD_STE SMMUv3 event 0x4");
  });

  step("the output channel logged activation and the language server start", () => {
    const log = server.outputChannelLog("IOMMU Lens");
    assert.match(log, /IOMMU Lens 0\.1\.0 activated/);
    assert.match(log, /language server started/);
  });
});
