// The extension manifest (package.json) agrees with the code and the files it names: ids shared
// with protocol/, grammar entries identical to the ones the grammar tests load, every path present,
// the .vsix file list, exact dependency pins, the VS Code engine.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, it } from "node:test";
import { COMMAND_SHOW_DECODED_RECORD, DEBUG_TYPE, LANGUAGE_ID } from "../protocol/src/index";

function findRepoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}
const root = findRepoRoot();

interface Grammar {
  language?: string;
  scopeName: string;
  path: string;
  injectTo?: string[];
  embeddedLanguages?: Record<string, string>;
}
interface Manifest {
  name: string;
  displayName: string;
  main: string;
  icon: string;
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | string; description?: string } };
  contributes: {
    languages: { id: string; aliases: string[]; extensions: string[]; configuration: string }[];
    grammars: Grammar[];
    commands: { command: string; title: string; category: string }[];
    debuggers: { type: string; languages: string[] }[];
  };
  devDependencies: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest;

describe("package.json manifest", () => {
  it("names the extension and its language, command and debugger as the code does", () => {
    assert.equal(manifest.name, "iommu-lens");
    assert.equal(manifest.displayName, "IOMMU Lens");
    assert.deepEqual(
      manifest.contributes.languages.map((l) => [l.id, l.aliases[0], l.extensions]),
      [[LANGUAGE_ID, "IOMMU", [".iommu"]]],
    );
    assert.deepEqual(
      manifest.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]),
      [[COMMAND_SHOW_DECODED_RECORD, "IOMMU Lens: Show Decoded Record"]],
    );
    assert.deepEqual(
      manifest.contributes.debuggers.map((d) => [d.type, d.languages]),
      [[DEBUG_TYPE, [LANGUAGE_ID]]],
    );
    assert.ok(manifest.activationEvents.includes(`onLanguage:${LANGUAGE_ID}`));
    assert.ok(manifest.activationEvents.includes(`onDebugResolve:${DEBUG_TYPE}`));
  });

  it("has the grammar entries the grammar tests load, and every file it names exists", () => {
    const config = JSON.parse(readFileSync(join(root, "test/grammar/config.json"), "utf8")) as {
      contributes: { grammars: Grammar[] };
    };
    const tested = config.contributes.grammars
      .filter((g) => g.path.startsWith("../../syntaxes/"))
      .map((g) => ({ ...g, path: "./" + normalize(join("test/grammar", g.path)) }));
    assert.deepEqual(manifest.contributes.grammars, tested);
    for (const path of [
      manifest.icon,
      ...manifest.contributes.grammars.map((g) => g.path),
      ...manifest.contributes.languages.map((l) => l.configuration),
    ]) {
      assert.ok(existsSync(join(root, path)), `${path} exists`);
    }
  });

  it("has a 128x128 PNG icon", () => {
    const png = readFileSync(join(root, manifest.icon));
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it("ships only the bundles, grammars, language configuration, docs and icon", () => {
    assert.equal(manifest.main, "./dist/extension.js");
    const kept = readFileSync(join(root, ".vscodeignore"), "utf8")
      .split("\n")
      .filter((l) => l.startsWith("!"))
      .map((l) => l.slice(1));
    assert.deepEqual(kept, [
      "dist/extension.js",
      "dist/server.js",
      "dist/debug-adapter.js",
      "dist/webview/**",
      "syntaxes/*.tmLanguage.json",
      "language-configuration.json",
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
      manifest.icon,
    ]);
  });

  it("targets VS Code 1.96 and pins every dependency exactly", () => {
    assert.equal(manifest.engines.vscode, "^1.96.0");
    assert.equal(manifest.devDependencies["@types/vscode"], "1.96.0");
    assert.equal(manifest.devDependencies["@vscode/vsce"], "3.9.2");
    const loose = Object.entries(manifest.devDependencies).filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v));
    assert.deepEqual(loose, []);
  });

  it("says honestly what works in Restricted Mode", () => {
    const u = manifest.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, "limited");
    assert.match(u.description ?? "", /hover/);
    assert.match(u.description ?? "", /Debugging .* disabled/);
  });
});
