// `iommu-lens walk --scenario FILE [--json] [--trace]` through cli/src/main.ts with an injected
// CliIo: results per the result contract on vectors-derived files (JSON Lines, an array, one
// pretty-printed object), human output, trace sources, and the exit codes of formats.md
// (a fault is a result: 0; unreadable or invalid input: 2 with a located message, no stack).

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../src/main";
import type { CliIo } from "../src/io";
import { repoRoot, sharedDir } from "../../engine/test/support/paths";

interface Vector {
  category: string;
  scenario: { id: string } & Record<string, unknown>;
  expected: Record<string, unknown>;
}

function vectors(): Vector[] {
  const dir = join(sharedDir(), "vectors", "walks");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as Vector),
    );
}

async function run(args: string[], stdinText = ""): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    stdin,
    cwd: tmpDir,
  };
  const code = await main(["walk", ...args], io);
  return { code, out, err };
}

const tmpDir = mkdtempSync(join(tmpdir(), "walk-cli-"));
const all = vectors();
// A sample across categories: the first vector of each category, faults and translations both.
const sample = all.filter((v, i) => all.findIndex((w) => w.category === v.category) === i);

function subset(result: Record<string, unknown>, expected: Record<string, unknown>): Record<string, unknown> {
  const fault = (result["fault"] ?? {}) as Record<string, unknown>;
  const got: Record<string, unknown> = {};
  for (const key of Object.keys(expected)) {
    got[key] = ["outcome", "pa", "size"].includes(key) ? result[key] : fault[key];
  }
  return got;
}

test("walk --json on JSON Lines of scenarios: one contract object per line, in order", async () => {
  assert.ok(sample.length >= 10, `only ${sample.length} categories`);
  writeFileSync(join(tmpDir, "sample.jsonl"), sample.map((v) => JSON.stringify(v.scenario)).join("\n") + "\n");
  const r = await run(["--scenario", "sample.jsonl", "--json"]);
  assert.equal(r.err, "");
  assert.equal(r.code, 0);
  const lines = r.out.trimEnd().split("\n");
  assert.equal(lines.length, sample.length);
  lines.forEach((line, i) => {
    const result = JSON.parse(line) as Record<string, unknown>;
    const v = sample[i]!;
    assert.equal(result["id"], v.scenario.id);
    assert.deepEqual(subset(result, v.expected), v.expected, v.scenario.id);
    assert.equal(result["steps"], undefined, "no steps without --trace");
    const fault = result["fault"] as { record?: string[]; recorded: boolean } | undefined;
    if (fault?.recorded) assert.equal(fault.record?.length, 4);
  });
});

test("walk on the vector files themselves (wrapped lines) and on an array file", async () => {
  const arrayFile = join(tmpDir, "array.json");
  writeFileSync(
    arrayFile,
    JSON.stringify(
      sample.slice(0, 3).map((v) => v.scenario),
      null,
      2,
    ),
  );
  const r = await run(["--scenario", arrayFile, "--json"]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(
    r.out
      .trimEnd()
      .split("\n")
      .map((l) => (JSON.parse(l) as { id: string }).id),
    sample.slice(0, 3).map((v) => v.scenario.id),
  );
  const wrapped = join(tmpDir, "wrapped.jsonl");
  writeFileSync(
    wrapped,
    sample
      .slice(0, 2)
      .map((v) => JSON.stringify(v))
      .join("\n"),
  );
  const w = await run(["--scenario", wrapped, "--json"]);
  assert.equal(w.code, 0, w.err);
  assert.equal(w.out.trimEnd().split("\n").length, 2);
});

test("walk --trace: steps with contract hex and the scenario line as source", async () => {
  const translated = sample.find((v) => v.expected["outcome"] === "translated")!;
  const file = join(tmpDir, "one.json");
  const text = JSON.stringify(translated.scenario, null, 2);
  writeFileSync(file, text);
  const r = await run(["--scenario", file, "--json", "--trace"]);
  assert.equal(r.code, 0, r.err);
  const result = JSON.parse(r.out) as {
    steps: { what: string; addr: string; pa: string; value: string; source?: string }[];
  };
  assert.ok(result.steps.length >= 2, "an STE fetch and at least one descriptor");
  const lines = text.split("\n");
  for (const s of result.steps) {
    for (const v of [s.addr, s.pa, s.value]) assert.match(v, /^0x(0|[1-9a-f][0-9a-f]*)$/);
    if (s.source === undefined) continue;
    // the source names the line of the memory entry that defined the word read
    const m = /^one\.json:(\d+)$/.exec(s.source);
    assert.ok(m, `source ${s.source}`);
    const near = lines.slice(Number(m[1]) - 1, Number(m[1]) + 2).join("\n");
    assert.ok(near.includes(`"addr"`), `line ${m[1]} is not a memory entry: ${near}`);
  }
  assert.ok(
    result.steps.some((s) => s.source !== undefined),
    "some step has a source",
  );
});

test("human output: the request, the outcome and, with --trace, a table of reads", async () => {
  const fault = sample.find((v) => v.expected["outcome"] === "fault" && v.expected["event"] !== undefined)!;
  const translated = sample.find((v) => v.expected["outcome"] === "translated")!;
  writeFileSync(join(tmpDir, "two.jsonl"), [fault, translated].map((v) => JSON.stringify(v.scenario)).join("\n"));
  const r = await run(["--scenario", "two.jsonl", "--trace"]);
  assert.equal(r.code, 0, r.err);
  const [faultText, okText] = r.out.trimEnd().split("\n\n");
  assert.match(faultText!, new RegExp(`^${fault.scenario.id}: sid 0x`));
  assert.match(faultText!, new RegExp(`fault +${String(fault.expected["event"])} \\(0x`));
  assert.match(okText!, new RegExp(`PA +${String(translated.expected["pa"])}`));
  assert.match(okText!, /^ {2}# +read +index +space +addr +pa +value +source$/m);
  assert.match(okText!, /^ {2}1 +(STE dword 0|L1STD) .* two\.jsonl:2$/m);
  assert.match(okText!, / S1 L\d descriptor +IOVA\[\d+:\d+\]=0x[0-9a-f]+ +(PA|IPA) /);
});

test("exit 2 with located messages: invalid scenario, syntax error, missing file, usage", async () => {
  const good = sample[0]!.scenario;
  const bad = { ...good, id: "bad", request: { ...(good["request"] as object), access: "fetch" } };
  writeFileSync(join(tmpDir, "mixed.jsonl"), [JSON.stringify(good), JSON.stringify(bad), "{oops"].join("\n"));
  const r = await run(["--scenario", "mixed.jsonl", "--json"]);
  assert.equal(r.code, 2);
  assert.equal(r.out.trimEnd().split("\n").length, 1, "the valid scenario is still walked");
  assert.match(r.err, /^mixed\.jsonl:2: request\.access: expected "read", "write" or "exec", found "fetch"$/m);
  assert.match(r.err, /^mixed\.jsonl:3:2: not valid JSON: /m);
  assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");

  const noRequest = await run(["--scenario", "-"], JSON.stringify({ ...good, id: "nr", request: undefined }));
  assert.equal(noRequest.code, 2);
  assert.match(noRequest.err, /^<stdin>:1: nr: the scenario has no request to walk$/m);

  const missing = await run(["--scenario", "does-not-exist.json"]);
  assert.equal(missing.code, 2);
  assert.equal(missing.err, "iommu-lens walk: cannot read does-not-exist.json: no such file\n");

  const dir = await run(["--scenario", "."]);
  assert.equal(dir.code, 2);
  assert.equal(dir.err, "iommu-lens walk: cannot read .: is a directory\n");

  const usage = await run([]);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--scenario FILE is required/);
  const unknown = await run(["--scenario", "x.json", "--fast"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown option --fast/);
});

test("the bundled dist/cli.js walks a scenario file (built by scripts/build.mjs when missing or stale)", () => {
  const root = repoRoot();
  const cli = join(root, "dist/cli.js");
  const help = existsSync(cli) ? spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" }).stdout : "";
  if (!help.includes("walk")) {
    const build = spawnSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, encoding: "utf8" });
    assert.equal(build.status, 0, `scripts/build.mjs failed:\n${build.stderr}`);
  }
  const file = join(tmpDir, "bundled.jsonl");
  writeFileSync(file, sample.map((v) => JSON.stringify(v.scenario)).join("\n"));
  const r = spawnSync(process.execPath, [cli, "walk", "--scenario", file, "--json"], { encoding: "utf8" });
  assert.equal(r.stderr, "");
  assert.equal(r.status, 0);
  const results = r.stdout
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    results.map((o, i) => subset(o, sample[i]!.expected)),
    sample.map((v) => v.expected),
  );
  const bad = spawnSync(process.execPath, [cli, "walk", "--scenario", join(tmpDir, "nope.json")], { encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
});

test("walk --check compares with the vector's expected: exit 1 and the differing keys when one fails", async () => {
  const translated = sample.find((v) => v.expected["outcome"] === "translated")!;
  const fault = sample.find((v) => v.expected["event"] !== undefined)!;
  const wrong = { ...translated, expected: { ...translated.expected, pa: "0x1000" } };
  const file = join(tmpDir, "check.jsonl");
  writeFileSync(file, [fault, wrong].map((v) => JSON.stringify(v)).join("\n"));
  const r = await run(["--scenario", file, "--check", "--json"]);
  assert.equal(r.code, 1);
  const [first, second] = r.out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as { check: { pass: boolean; differences: string[] } });
  assert.deepEqual(first!.check, { pass: true, differences: [] });
  const diff = `pa: expected "0x1000" got ${JSON.stringify(translated.expected["pa"])}`;
  assert.deepEqual(second!.check, { pass: false, differences: [diff] });
  assert.equal(r.err, `iommu-lens walk: 1/2 expectations hold\n  FAIL ${translated.scenario.id}: ${diff}\n`);
  const human = await run(["--scenario", file, "--check"]);
  assert.equal(human.code, 1);
  assert.match(human.out, /^ {2}check +PASS$/m);
  assert.match(
    human.out,
    new RegExp(`^ {2}check +FAIL: pa: expected "0x1000" got "${String(translated.expected["pa"])}"$`, "m"),
  );
  // without --check the expectations are not looked at
  assert.equal((await run(["--scenario", file])).code, 0);
});

test("a fault's record given to `decode` gives the same event and fields back (formats.md)", async () => {
  const faults = all.filter((v) => v.expected["outcome"] === "fault" && v.expected["recorded"] !== false).slice(0, 40);
  writeFileSync(join(tmpDir, "faults.jsonl"), faults.map((v) => JSON.stringify(v.scenario)).join("\n"));
  const walked = await run(["--scenario", "faults.jsonl", "--json"]);
  assert.equal(walked.code, 0, walked.err);
  const results = walked.out
    .trimEnd()
    .split("\n")
    .map(
      (l) =>
        JSON.parse(l) as { id: string; fault: { event: string; id: string; record?: string[]; inputAddr: string } },
    );
  const recorded = results.filter((r) => r.fault.record);
  assert.ok(recorded.length >= 20, `only ${recorded.length} recorded faults`);
  for (const r of recorded) {
    let out = "";
    const stdin = new PassThrough();
    stdin.end(r.fault.record!.join(" ") + "\n");
    const code = await main(["decode", "--json", "-"], {
      out: (t) => (out += t),
      err: () => undefined,
      stdin,
      cwd: tmpDir,
    });
    assert.equal(code, 0, r.id);
    const decoded = JSON.parse(out.split("\n")[0]!) as { name: string; id: string; fields: Record<string, string> };
    assert.equal(decoded.name, r.fault.event, r.id);
    assert.equal(decoded.id, r.fault.id, r.id);
    if (decoded.fields["InputAddr"] !== undefined) assert.equal(decoded.fields["InputAddr"], r.fault.inputAddr, r.id);
  }
});
