// Tokenizes every examples/*.iommu file and every ```iommu block of docs/language.md with the
// TextMate grammar (vscode-textmate + vscode-oniguruma, the engine VS Code uses) and checks that
// the grammar classifies every word of the real language: no `invalid.illegal` token outside the
// blocks that document a bad number, and no bare word left with only the file's own scope.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as oniguruma from "vscode-oniguruma";
import * as vsctm from "vscode-textmate";

function findRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "syntaxes")) && existsSync(join(dir, "package.json"))) return dir;
    dir = join(dir, "..");
  }
  throw new Error(`cannot find the repository root above ${__dirname}`);
}

const root = findRoot();

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = readFileSync(join(root, "node_modules", "vscode-oniguruma", "release", "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: (scopeName: string) => {
      if (scopeName !== "source.iommu") return Promise.resolve(null);
      const path = join(root, "syntaxes", "iommu.tmLanguage.json");
      return Promise.resolve(vsctm.parseRawGrammar(readFileSync(path, "utf8"), path));
    },
  });
  const grammar = await registry.loadGrammar("source.iommu");
  assert.ok(grammar, "the grammar loads");
  return grammar;
}

interface Sample {
  readonly name: string;
  readonly text: string;
  readonly allowInvalid: boolean;
}

function samples(): Sample[] {
  const out: Sample[] = [];
  const examples = join(root, "examples");
  if (existsSync(examples))
    for (const f of readdirSync(examples).filter((x) => x.endsWith(".iommu")))
      out.push({ name: `examples/${f}`, text: readFileSync(join(examples, f), "utf8"), allowInvalid: false });
  const doc = join(root, "docs", "language.md");
  if (existsSync(doc)) {
    const blocks = readFileSync(doc, "utf8")
      .split(/^```iommu\s*$/m)
      .slice(1);
    blocks.forEach((b, i) => {
      const text = b.split(/^```\s*$/m)[0] ?? "";
      out.push({
        name: `docs/language.md block ${i + 1}`,
        text,
        allowInvalid: /LANG-BAD-NUMBER/.test(text.split("\n")[0] ?? ""),
      });
    });
  }
  return out;
}

function check(grammar: vsctm.IGrammar, all: readonly Sample[]): string[] {
  const problems: string[] = [];
  for (const sample of all) {
    let state = vsctm.INITIAL;
    sample.text.split(/\r?\n/).forEach((line, lineNo) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      for (const t of r.tokens) {
        const text = line.slice(t.startIndex, t.endIndex);
        const where = `${sample.name}:${lineNo + 1}:${t.startIndex + 1} "${text}"`;
        if (!sample.allowInvalid && t.scopes.some((sc) => sc.startsWith("invalid.")))
          problems.push(`${where} is invalid`);
        const meaningful = t.scopes.filter((sc) => sc !== "source.iommu" && sc !== "meta.block.iommu");
        if (meaningful.length === 0 && /\S/.test(text)) problems.push(`${where} has no scope`);
      }
    });
  }
  return problems;
}

test("every example and documented block tokenizes with every word classified", async () => {
  const grammar = await loadGrammar();
  const all = samples();
  assert.ok(all.length >= 8, "there are samples to tokenize");
  assert.deepEqual(check(grammar, all), []);
});

test("the check flags a bad number and an unclassified character", async () => {
  const grammar = await loadGrammar();
  const bad: Sample = { name: "bad", text: "memory @0x1000 { 0x12g }\nste 0x1 { v 1, }", allowInvalid: false };
  assert.deepEqual(check(grammar, [bad]), ['bad:1:18 "0x12g" is invalid', 'bad:2:14 ", " has no scope']);
});
