// Helpers shared by the npm scripts (start, test, package). Node built-ins only: these run
// before `npm ci` on a fresh clone.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
export const vsixPath = join(root, `${pkg.name}-${pkg.version}.vsix`);
export const codeServerDir = join(root, ".cache", "code-server");
export const codeServerBin = join(codeServerDir, "node_modules", ".bin", "code-server");

/** Runs a command in the checkout, output to the terminal; exits the script when it fails. */
export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...options });
  if (r.status !== 0) {
    console.error(`\n${[cmd, ...args].join(" ")} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

/** A fresh clone has no node_modules: install exactly the lockfile's packages first. */
export function ensureDependencies() {
  if (existsSync(join(root, "node_modules", ".package-lock.json"))) return;
  console.log("node_modules is missing: running npm ci first");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

/** The real VS Code the end-to-end tier and `npm start` run: code-server, cached in .cache/. */
export function ensureCodeServer() {
  const r = spawnSync("bash", [join(root, "scripts", "install-code-server.sh"), codeServerDir], {
    stdio: "inherit",
    cwd: root,
  });
  return r.status === 0 ? codeServerBin : undefined;
}

const npx = (bin) => join(root, "node_modules", ".bin", bin);

export function typecheck() {
  run(npx("tsc"), ["-b"]);
}

/** Production bundles into dist/ and the .vsix (vsce runs `vscode:prepublish` = the production build). */
export function packageVsix() {
  // --no-rewrite-relative-links: the repository URL is not known yet, so README links stay relative
  run(npx("vsce"), [
    "package",
    "--no-dependencies",
    "--allow-missing-repository",
    "--no-rewrite-relative-links",
    "--out",
    vsixPath,
  ]);
  return vsixPath;
}
