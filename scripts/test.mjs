// Runs the compiled tests (out/**/*.test.js) with node's test runner, one summary at the end.
//   node scripts/test.mjs                 every tier
//   node scripts/test.mjs --tier unit     one tier: unit | server | debug | grammar | webview | e2e
//   node scripts/test.mjs out/engine/test/u64.test.js   given files
// Tiers are by folder: engine/ and cli/ tests are unit; language-server/ is server; debug-adapter/
// is debug; test/grammar* is grammar; webview/ is webview; test/e2e* is e2e.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, existsSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
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
  if (rel[0] === "test" && rel[1]?.startsWith("e2e")) return "e2e";
  if (rel[0] === "test" && rel[1]?.startsWith("grammar")) return "grammar";
  return "unit";
}

const args = process.argv.slice(2);
const tierIndex = args.indexOf("--tier");
const tier = tierIndex >= 0 ? args[tierIndex + 1] : undefined;
const given = args.filter((a, i) => a.endsWith(".js") && i !== tierIndex + 1);
let files = given.length ? given : walk(out).sort();
if (tier) files = files.filter((f) => tierOf(f) === tier);
// e2e journeys last: they are the slowest and the least specific when they fail
files.sort((a, b) => (tierOf(a) === "e2e") - (tierOf(b) === "e2e") || a.localeCompare(b));
if (files.length === 0) {
  console.error("no test files found (did `tsc -b` run?)");
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--enable-source-maps", "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
  cwd: root,
});
process.exit(r.status ?? 1);
