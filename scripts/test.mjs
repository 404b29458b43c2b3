// npm test: every tier, one node:test summary at the end.
//   node scripts/test.mjs                  install deps if missing, type-check, package, every tier
//   node scripts/test.mjs --tier server    one tier: unit | server | debug | grammar | webview | e2e
//   node scripts/test.mjs --no-build ...   skip the build steps (the npm run test:<tier> scripts build first)
//   node scripts/test.mjs out/engine/test/u64.test.js   given files
// Tiers are by folder: engine/, cli/ and test/*.test (boundaries) are unit; language-server/ is
// server (drives dist/server.js over LSP); debug-adapter/ is debug (dist/debug-adapter.js over DAP);
// test/grammar* is grammar; webview/ is webview (dist/webview in chromium); test/e2e* and
// test/electron are e2e (the packaged .vsix in a real VS Code).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, existsSync } from "node:fs";
import { join, relative } from "node:path";
import { ensureCodeServer, ensureDependencies, packageVsix, root, run, typecheck } from "./lib.mjs";

const out = join(root, "out");

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".test.js") ? [p] : [];
  });
}

function tierOf(file) {
  const rel = relative(out, file).split(/[\\/]/);
  if (rel[0] === "engine" || rel[0] === "cli") return "unit";
  if (rel[0] === "language-server") return "server";
  if (rel[0] === "debug-adapter") return "debug";
  if (rel[0] === "webview") return "webview";
  if (rel[0] === "test" && (rel[1]?.startsWith("e2e") || rel[1] === "electron")) return "e2e";
  if (rel[0] === "test" && rel[1]?.startsWith("grammar")) return "grammar";
  return "unit";
}

const args = process.argv.slice(2);
const tierIndex = args.indexOf("--tier");
const tier = tierIndex >= 0 ? args[tierIndex + 1] : undefined;
const noBuild = args.includes("--no-build");
const given = args.filter((a, i) => a.endsWith(".js") && i !== tierIndex + 1);

if (!noBuild) {
  ensureDependencies();
  typecheck();
  if (!tier || tier === "e2e") {
    // the end-to-end tier tests what users install: the production .vsix (its prepublish step
    // also leaves the production bundles in dist/ for the other tiers)
    packageVsix();
    if (!ensureCodeServer()) console.error("could not install code-server: the end-to-end tier will say why it skips");
  } else {
    run(process.execPath, [join(root, "scripts/build.mjs")]);
  }
}

let files = given.length ? given : walk(out).sort();
if (tier) files = files.filter((f) => tierOf(f) === tier);
// (node's test runner orders the files itself, by path; each file is one process, one at a time)
if (files.length === 0) {
  console.error("no test files found (did `tsc -b` run?)");
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ["--enable-source-maps", "--test", "--test-concurrency=1", "--test-reporter=spec", ...files],
  { stdio: "inherit", cwd: root },
);
process.exit(r.status ?? 1);
