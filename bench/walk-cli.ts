// Walk CLI throughput: what `iommu-lens walk --scenario FILE.jsonl --json` does per scenario
// (split the file, parse the scenario into a setup, walk it, serialise the result contract),
// over a generated JSON Lines file of 10k scenarios, against an in-run baseline: plain JSON.parse
// of every line of the same file. Also with --trace (every memory read serialised).
//
// The scenarios are the shared walk vectors (shared/vectors/walks/*.jsonl: every category of
// fault and translation), repeated with fresh ids until there are 10k.
//   npm run build && node out/bench/walk-cli.js [count]

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadScenarios, parseScenario, resultToJson, translate } from "../engine/src/index";

/** <repo>/../shared/vectors/walks (or the snapshot in test/fixtures/shared), from out/bench or bench/. */
function vectorsDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "tsconfig.base.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("no repository root above " + __dirname);
    dir = parent;
  }
  const beside = join(dir, "..", "shared", "vectors", "walks");
  return existsSync(beside) ? beside : join(dir, "test", "fixtures", "shared", "vectors", "walks");
}

function vectorScenarios(): unknown[] {
  const dir = vectorsDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .flatMap((f) =>
      readFileSync(join(dir, f), "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => (JSON.parse(l) as { scenario: unknown }).scenario),
    );
}

function generate(count: number): string {
  const base = vectorScenarios() as { id: string }[];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const s = base[i % base.length]!;
    lines.push(JSON.stringify({ ...s, id: `${s.id}#${i}` }));
  }
  return lines.join("\n") + "\n";
}

function baseline(text: string): number {
  let n = 0;
  for (const line of text.split("\n")) if (line !== "") n += JSON.parse(line) === null ? 0 : 1;
  return n;
}

function walkAll(text: string, trace: boolean): { out: number; results: number } {
  let out = 0;
  let results = 0;
  const loaded = loadScenarios(text, "bench.jsonl");
  for (const s of loaded.scenarios) {
    const parsed = parseScenario(s.json, s.origin);
    if (!parsed.setup || !parsed.request) throw new Error(`bench scenario rejected: ${parsed.problems.join("; ")}`);
    const result = translate(parsed.setup, parsed.request, { trace });
    out += JSON.stringify(resultToJson(result, { trace, id: parsed.id })).length + 1;
    results++;
  }
  return { out, results };
}

/** Where the time of one --json pass goes: split, parse (incl. memory image), walk, serialise. */
function phases(text: string): { load: number; parse: number; walk: number; serialise: number } {
  const t0 = performance.now();
  const loaded = loadScenarios(text, "bench.jsonl");
  const t1 = performance.now();
  const parsed = loaded.scenarios.map((s) => parseScenario(s.json, s.origin));
  const t2 = performance.now();
  const results = parsed.map((p) => translate(p.setup!, p.request!, { trace: false }));
  const t3 = performance.now();
  let bytes = 0;
  results.forEach((r, i) => (bytes += JSON.stringify(resultToJson(r, { trace: false, id: parsed[i]!.id })).length));
  const t4 = performance.now();
  if (bytes === 0) throw new Error("nothing serialised");
  return { load: t1 - t0, parse: t2 - t1, walk: t3 - t2, serialise: t4 - t3 };
}

/** Best of `rounds` timings in ms (after one warm-up run). */
function time(rounds: number, f: () => void): number {
  f();
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    f();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

function main(): void {
  const count = Number(process.argv[2] ?? 10_000);
  const text = generate(count);
  const mb = Buffer.byteLength(text) / 1e6;
  let check = 0;
  const tParse = time(5, () => {
    check = baseline(text);
  });
  let walked = { out: 0, results: 0 };
  const tWalk = time(5, () => {
    walked = walkAll(text, false);
  });
  let traced = { out: 0, results: 0 };
  const tTrace = time(5, () => {
    traced = walkAll(text, true);
  });
  if (check !== count || walked.results !== count || traced.results !== count) throw new Error("count mismatch");
  let best = { load: Infinity, parse: Infinity, walk: Infinity, serialise: Infinity };
  for (let i = 0; i < 3; i++) {
    const p = phases(text);
    if (p.load + p.parse + p.walk + p.serialise < best.load + best.parse + best.walk + best.serialise) best = p;
  }
  const rate = (ms: number): string => `${Math.round(count / (ms / 1000)).toLocaleString("en-US")} scenarios/s`;
  console.log(`walk CLI pipeline, ${count} scenarios, ${mb.toFixed(1)} MB JSON Lines (best of 5)`);
  console.log(`  JSON.parse only (baseline)      ${tParse.toFixed(1)} ms  ${rate(tParse)}`);
  console.log(
    `  walk --json                     ${tWalk.toFixed(1)} ms  ${rate(tWalk)}  ${(tWalk / tParse).toFixed(2)}x baseline  (${(walked.out / 1e6).toFixed(1)} MB out)`,
  );
  console.log(
    `  walk --json --trace             ${tTrace.toFixed(1)} ms  ${rate(tTrace)}  ${(tTrace / tParse).toFixed(2)}x baseline  (${(traced.out / 1e6).toFixed(1)} MB out)`,
  );
  const share = (ms: number): string => `${ms.toFixed(1)} ms (${((ms / tParse) * 1).toFixed(2)}x baseline)`;
  console.log(
    `  phases of walk --json (best of 3): split+JSON.parse ${share(best.load)}, parseScenario ${share(best.parse)}, translate ${share(best.walk)}, resultToJson+stringify ${share(best.serialise)}`,
  );
}

main();
