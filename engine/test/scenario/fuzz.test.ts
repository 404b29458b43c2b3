// Fuzz: random memory and requests through translate never throw, never hang, and every recorded
// fault's event record decodes back to the same event, StreamID and InputAddr; tables built for
// an IOVA translate it to the address they were built for, and still behave when a word is
// corrupted (fuzz-run.ts has the properties, fuzz-scenarios.ts the generators). The walk runs in a child process with a time limit, so a walk that never
// returns fails this test with the seed of the case that hung instead of blocking the runner.
// Also: parseScenario never throws on arbitrary JSON, and reports a problem for every broken
// value of an otherwise valid scenario.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { parseScenario } from "../../src/smmuv3/scenario/parse";
import { fuzzCase, mappedCase } from "./fuzz-scenarios";
import { checkCase, checkMappedCase } from "./fuzz-run";

const RUNS = 200;
const HANG_LIMIT_MS = 90_000;

test("fuzz: random setups through translate (child process, time-limited)", () => {
  const isTs = __filename.endsWith(".ts");
  const runner = join(__dirname, isTs ? "fuzz-run.ts" : "fuzz-run.js");
  const r = spawnSync(process.execPath, [...(isTs ? ["--import", "tsx"] : []), runner, String(RUNS)], {
    encoding: "utf8",
    timeout: HANG_LIMIT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const cases = r.stderr.split("\n").filter((l) => l.startsWith("case "));
  if (r.signal || r.error) {
    assert.fail(
      `the fuzz run did not finish in ${HANG_LIMIT_MS} ms (${r.signal ?? String(r.error)}); last case: ${cases.at(-1) ?? "none"}`,
    );
  }
  assert.equal(
    r.status,
    0,
    `fuzz runner exited ${String(r.status)}: ${r.stderr
      .split("\n")
      .filter((l) => !l.startsWith("case "))
      .join("\n")}`,
  );
  const summary = JSON.parse(r.stdout) as {
    runs: number;
    failure?: { seed: number; message: string };
    outcomes: Record<string, number>;
  };
  assert.equal(
    summary.failure,
    undefined,
    summary.failure ? `seed ${summary.failure.seed}: ${summary.failure.message}` : "",
  );
  assert.ok(summary.runs >= 20, `only ${summary.runs} cases ran`);
  // The generator must reach both results and faults, or the property says little.
  const labels = Object.keys(summary.outcomes);
  assert.ok(
    labels.some((l) => l.startsWith("fault")),
    `no faults among ${labels.join(", ")}`,
  );
  assert.ok(labels.includes("translated") || labels.includes("bypass"), `no translations among ${labels.join(", ")}`);
});

test("fuzz: a few fixed seeds in-process (a fast regression net)", () => {
  for (const seed of [1, 2, 3, 42, 0x7d11, 123456789]) {
    checkCase(fuzzCase(seed));
    checkMappedCase(mappedCase(seed));
  }
});

test("fuzz: parseScenario never throws on arbitrary JSON", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const r = parseScenario(value, "fuzz.json");
      assert.equal(typeof r.id, "string");
      assert.ok(r.problems.length > 0 || r.setup !== undefined);
    }),
    { numRuns: 200, interruptAfterTimeLimit: 10_000 },
  );
});

test("fuzz: a broken value anywhere in a valid scenario is a located problem", () => {
  const valid = {
    id: "v",
    smmu: { OAS: 48, SSIDSIZE: 8 },
    strtab: { base: "0x80000000", fmt: "2-level", log2size: 16, split: 8 },
    memory: [
      { addr: "0x1000", qword: "0x3" },
      { addr: "0x2000", qword: "0x4" },
    ],
    abort: [{ addr: "0x3000", size: "0x1000" }],
    request: { sid: "0x11", ssid: "0x1", iova: "0x1000", access: "read", privileged: false },
  };
  assert.deepEqual(parseScenario(valid).problems, []);
  const paths: string[][] = [
    ["smmu", "OAS"],
    ["strtab", "base"],
    ["strtab", "fmt"],
    ["strtab", "log2size"],
    ["strtab", "split"],
    ["memory", "0", "addr"],
    ["memory", "1", "qword"],
    ["abort", "0", "size"],
    ["request", "sid"],
    ["request", "ssid"],
    ["request", "iova"],
    ["request", "access"],
    ["request", "privileged"],
  ];
  const junk = fc.oneof(
    fc.constantFrom("0xzz", "-1", "", "0x1_", "read-ish", "0x10000000000000000"),
    fc.constant(-5),
    fc.constant(1.5),
    fc.constant([]),
    fc.constant({}),
  );
  fc.assert(
    fc.property(fc.constantFrom(...paths), junk, (path, bad) => {
      const copy = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
      let node = copy;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[path.at(-1)!] = bad;
      const r = parseScenario(copy, "f.json");
      const shown = path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
      assert.ok(r.problems.length > 0, `${shown} = ${JSON.stringify(bad)} was accepted`);
      assert.equal(r.setup, undefined);
      const top = path[0]!;
      assert.ok(
        r.problems.some((p) => p.includes(top)),
        `${shown} = ${JSON.stringify(bad)}: problems do not say where: ${r.problems.join(" | ")}`,
      );
    }),
    { numRuns: 150, interruptAfterTimeLimit: 10_000 },
  );
});
