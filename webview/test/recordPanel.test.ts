// Webview tier: the bundled panel (dist/webview/record.js) in chromium, inside the extension's own
// HTML shell and Content Security Policy, served from 127.0.0.1. The host side is played by the
// test: it posts typed messages (protocol/) and reads what the panel rendered and posted back.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, type Page, chromium } from "playwright-core";
import { webviewHtml } from "../../extension/src/webviewHtml";
import { type HostToRecordPanel, type RecordView } from "../../protocol/src/index";

function findRepoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}
const root = findRepoRoot();
const chromiumPath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const missing = existsSync(chromiumPath) ? undefined : `no chromium at ${chromiumPath} (apt-get install -y chromium)`;
// CI (.ci/run) requires the browser tiers to run: there a missing chromium is a failure, not a skip
if (missing && process.env["IOMMU_LENS_REQUIRE_E2E"] === "1") throw new Error(`webview tier required: ${missing}`);

// A record as the language server sends it (the panel computes nothing, so the fixture is data).
const RECORD: RecordView = {
  kind: "event",
  name: "C_BAD_STE",
  id: "0x4",
  raw: ["0x7d1100000004", "0x100800000080", "0xfe040000", "0x7e04c440"],
  fields: [
    { name: "SSV", bits: "dword0[11]", value: "0x0", meaning: "" },
    { name: "SubstreamID", bits: "dword0[31:12]", value: "0x0", meaning: "" },
    { name: "StreamID", bits: "dword0[63:32]", value: "0x7d11", meaning: "" },
  ],
  summary: "StreamID 0x7d11: the STE is not valid or is ILLEGAL",
  cause: "The STE selected by this StreamID has V==0, or its fields contradict each other.",
  nextSteps: ["Read the STE and check V.", "Did CMD_CFGI_STE + CMD_SYNC follow the last STE update?"],
  problems: ["dword1..3 are not defined for C_BAD_STE and are not zero"],
  uri: "file:///tmp/dmesg.log",
  startLine: 1,
  endLine: 5,
};

// A few of VS Code's dark theme variables, as the workbench injects them into a webview
const THEME = `html { --vscode-foreground: #cccccc; --vscode-editor-background: #1f1f1f;
  --vscode-font-family: sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-descriptionForeground: #9d9d9d; --vscode-editorWarning-foreground: #cca700; }`;

describe("record panel webview in chromium", { skip: missing ?? false }, () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    const bundle = join(root, "dist", "webview", "record.js");
    assert.ok(existsSync(bundle), `${bundle} is built (node scripts/build.mjs)`);
    server = createServer((req, res) => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (req.url === "/record.js") {
        res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(bundle));
      } else if (req.url === "/") {
        const shell = webviewHtml(origin, `${origin}/record.js`, "IOMMU Record");
        const nonce = /'nonce-([^']+)'/.exec(shell)?.[1] ?? "";
        const html = shell.replace("</head>", `<style nonce="${nonce}">${THEME}</style></head>`);
        res.writeHead(200, { "content-type": "text/html" }).end(html);
      } else if (req.url === "/favicon.ico") {
        res.writeHead(204).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-gpu"] });
    page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    // the host side: VS Code's acquireVsCodeApi, recording what the panel posts
    // (a string, not a function: under tsx, helpers the transpiler adds would not exist in the page)
    await page.addInitScript(`
      window.posted = [];
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m) });
      document.addEventListener("securitypolicyviolation", (e) =>
        window.posted.push({ type: "csp-violation", directive: e.violatedDirective }));
    `);
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });

  after(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  const posted = (): Promise<unknown[]> => page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
  const send = (message: HostToRecordPanel | object): Promise<void> =>
    page.evaluate((m) => window.postMessage(m, "*"), message);

  it("tells the host it is ready, and shows the hint before any record", async () => {
    await page.waitForFunction(() => (window as unknown as { posted: unknown[] }).posted.length > 0);
    assert.deepEqual(await posted(), [{ type: "ready" }]);
    assert.match(await page.locator("#message").innerText(), /Show Decoded Record/);
  });

  it("renders a record: title, summary, one table row per field, cause, next steps, problems, raw", async () => {
    await send({ type: "showRecord", record: RECORD, message: "" });
    await page.locator("#title").waitFor();
    assert.equal(await page.locator("#title").innerText(), "C_BAD_STE SMMUv3 event 0x4");
    assert.equal(await page.locator("#summary").innerText(), RECORD.summary);
    assert.equal(await page.locator("#source").innerText(), "dmesg.log, lines 2-6");
    const rows = page.locator("vscode-table-body vscode-table-row");
    assert.equal(await rows.count(), 3);
    const cells: string[][] = [];
    for (let i = 0; i < 3; i++) {
      cells.push((await rows.nth(i).locator("vscode-table-cell").allInnerTexts()).map((s) => s.trim()));
    }
    assert.deepEqual(cells, [
      ["SSV", "dword0[11]", "0x0", ""],
      ["SubstreamID", "dword0[31:12]", "0x0", ""],
      ["StreamID", "dword0[63:32]", "0x7d11", ""],
    ]);
    assert.deepEqual(
      (await page.locator("vscode-table-header-cell").allInnerTexts()).map((s) => s.trim()),
      ["Field", "Bits", "Value", "Meaning"],
    );
    assert.equal(await page.locator("#cause").innerText(), RECORD.cause);
    assert.deepEqual(await page.locator("#next-steps li").allInnerTexts(), RECORD.nextSteps);
    assert.deepEqual(await page.locator("#problems li").allInnerTexts(), RECORD.problems);
    assert.equal(await page.locator("#raw").innerText(), RECORD.raw.join(" "));
    mkdirSync(join(root, "test-output"), { recursive: true });
    await page.screenshot({ path: join(root, "test-output", "webview-record.png") });
  });

  it("uses VS Code's theme colours", async () => {
    const colour = await page.locator("#summary").evaluate((e) => getComputedStyle(e).color);
    assert.equal(colour, "rgb(204, 204, 204)");
  });

  it("ignores messages that are not the protocol's", async () => {
    await send({ type: "somethingElse", record: null, message: "x" });
    await send({ type: "showRecord", record: null });
    assert.equal(await page.locator("#title").innerText(), "C_BAD_STE SMMUv3 event 0x4");
  });

  it("shows the host's message when there is no record", async () => {
    await send({ type: "showRecord", record: null, message: "No IOMMU record at line 3 of dmesg.log." });
    await page.locator("#message").waitFor();
    assert.equal(await page.locator("#message").innerText(), "No IOMMU record at line 3 of dmesg.log.");
    assert.equal(await page.locator("#title").count(), 0);
  });

  it("ran under the CSP with no violation and no error", async () => {
    assert.deepEqual(
      (await posted()).filter((m) => (m as { type: string }).type === "csp-violation"),
      [],
    );
    assert.deepEqual(errors, []);
  });
});
