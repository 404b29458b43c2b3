// The same first journey through @vscode/test-electron, for machines that have (or can download)
// a desktop VS Code: the extension loaded from this checkout in an Extension Development Host,
// examples/ open, suite/index.ts driving it through the VS Code API.
//
// Where no desktop VS Code can be had this test SKIPS and says why (node:test `skip` with the
// reason); it never passes without running. Looked for, in order: $VSCODE_EXECUTABLE, a build
// cached in .vscode-test/, a download of VS Code 1.96.4 (only if the download server answers).
// A desktop VS Code on Linux also needs a display ($DISPLAY, e.g. xvfb-run).

import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { it } from "node:test";
import { downloadAndUnzipVSCode, runTests } from "@vscode/test-electron";
import { repoRoot } from "../e2e/codeServer";

const VERSION = "1.96.4";

function cachedBuild(): string | undefined {
  const cache = join(repoRoot, ".vscode-test");
  if (!existsSync(cache)) return undefined;
  for (const dir of readdirSync(cache).filter((d) => d.startsWith("vscode-"))) {
    const exe = join(cache, dir, "code");
    if (existsSync(exe)) return exe;
  }
  return undefined;
}

function reachable(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: "HEAD", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

async function findVsCode(): Promise<{ executable?: string; reason?: string }> {
  const fromEnv = process.env["VSCODE_EXECUTABLE"];
  if (fromEnv)
    return existsSync(fromEnv) ? { executable: fromEnv } : { reason: `VSCODE_EXECUTABLE=${fromEnv} does not exist` };
  const cached = cachedBuild();
  if (cached) return { executable: cached };
  if (!(await reachable("https://update.code.visualstudio.com/api/releases/stable", 5000))) {
    return {
      reason:
        "no desktop VS Code: VSCODE_EXECUTABLE is not set, .vscode-test/ holds none, and update.code.visualstudio.com " +
        "cannot be reached to download one (the end-to-end tier runs the same journey in code-server instead)",
    };
  }
  return { executable: await downloadAndUnzipVSCode({ version: VERSION, cachePath: join(repoRoot, ".vscode-test") }) };
}

it("journey in desktop VS Code via @vscode/test-electron", { timeout: 300_000 }, async (t) => {
  const found = await findVsCode().catch((e: unknown) => ({
    reason: `downloading VS Code ${VERSION} failed: ${e instanceof Error ? e.message : String(e)}`,
  }));
  const noDisplay =
    process.platform === "linux" && !process.env["DISPLAY"]
      ? "no $DISPLAY for a desktop VS Code (use xvfb-run)"
      : undefined;
  const reason = "reason" in found && found.reason ? found.reason : noDisplay;
  if (reason) {
    t.skip(reason);
    return;
  }
  assert.ok("executable" in found && found.executable);
  const code = await runTests({
    vscodeExecutablePath: found.executable,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(__dirname, "suite", "index.js"),
    launchArgs: [join(repoRoot, "examples"), "--disable-extensions", "--disable-workspace-trust", "--no-sandbox"],
  });
  assert.equal(code, 0);
});
