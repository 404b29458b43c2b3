// Bundles every entry point with esbuild (the type check is `tsc -b`, run before this).
//   node scripts/build.mjs               development build (sourcemaps)
//   node scripts/build.mjs --production  minified, as packaged into the .vsix
//   node scripts/build.mjs --watch       rebuild on change
import * as esbuild from "esbuild";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : "linked",
  logLevel: "warning",
  absWorkingDir: root,
  legalComments: "none",
};

const nodeEntries = [
  { in: "extension/src/extension.ts", out: "extension", external: ["vscode"] },
  { in: "language-server/src/server.ts", out: "server" },
  { in: "debug-adapter/src/main.ts", out: "debug-adapter" },
  { in: "cli/src/main.ts", out: "cli", banner: "#!/usr/bin/env node" },
].filter((e) => existsSync(join(root, e.in)));

const webviewDir = join(root, "webview/src/panels");
const webviewEntries = existsSync(webviewDir)
  ? readdirSync(webviewDir)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => join("webview/src/panels", f))
  : [];

const builds = [
  ...nodeEntries.map((e) => ({
    ...common,
    entryPoints: { [e.out]: e.in },
    outdir: "dist",
    platform: "node",
    format: "cjs",
    target: "node20",
    external: e.external ?? [],
    ...(e.banner ? { banner: { js: e.banner } } : {}),
  })),
  ...(webviewEntries.length
    ? [
        {
          ...common,
          entryPoints: webviewEntries,
          outdir: "dist/webview",
          platform: "browser",
          format: "esm",
          target: "chrome120",
        },
      ]
    : []),
];

if (!watch) rmSync(join(root, "dist"), { recursive: true, force: true });
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log("esbuild: watching", builds.length, "bundles");
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
