// The esbuild bundles keep the boundaries too: dist/extension.js holds no engine code and needs
// nothing at run time but `vscode` and Node built-ins (everything else is bundled, which is why the
// .vsix is packaged with --no-dependencies); the webview bundle holds no engine code; the servers do
// carry the engine. Runs on whatever `node scripts/build.mjs` last produced (npm test builds first).

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";

function findRepoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}
const dist = join(findRepoRoot(), "dist");
const notBuilt = existsSync(join(dist, "extension.js")) ? false : "dist/ is not built (node scripts/build.mjs)";

/** Module names a CommonJS bundle still require()s at run time. */
function runtimeRequires(file: string): string[] {
  const text = readFileSync(join(dist, file), "utf8");
  return [...new Set([...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!))].sort();
}

// A string only the engine's event tables contain.
const ENGINE_MARKER = "C_BAD_STREAMID";

describe("bundles", { skip: notBuilt }, () => {
  it("dist/extension.js requires only vscode and Node built-ins", () => {
    const external = runtimeRequires("extension.js").filter(
      (m) => m !== "vscode" && !builtinModules.includes(m.replace(/^node:/, "")),
    );
    assert.deepEqual(external, []);
    assert.ok(runtimeRequires("extension.js").includes("vscode"));
  });

  it("the language server and the debug adapter are self-contained Node programs", () => {
    for (const file of ["server.js", "debug-adapter.js", "cli.js"]) {
      const external = runtimeRequires(file).filter((m) => !builtinModules.includes(m.replace(/^node:/, "")));
      assert.deepEqual(external, [], file);
    }
  });

  it("the engine is in the servers and the CLI, not in the extension or the webview", () => {
    for (const file of ["server.js", "debug-adapter.js", "cli.js"]) {
      assert.ok(readFileSync(join(dist, file), "utf8").includes(ENGINE_MARKER), `${file} carries the engine`);
    }
    for (const file of ["extension.js", "webview/record.js"]) {
      assert.ok(!readFileSync(join(dist, file), "utf8").includes(ENGINE_MARKER), `${file} has no engine code`);
    }
  });
});
