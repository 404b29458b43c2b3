// Every shared walk vector (shared/vectors/walks/*.jsonl) through parseScenario -> translate ->
// resultToJson, asserting the vector's `expected` subset exactly (outcome, pa, size, event, stage,
// class, level, recorded), one subtest per vector named by its id; and, where the vector gives
// the reference model's event record, the record dwords exactly (a separate subtest).
//
// With VECTOR_STATUS_FILE=path the run also writes a summary (pass count, each failing id with
// expected vs got) there, for the walker's owner.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { parseScenario } from "../../src/smmuv3/scenario/parse";
import { type ResultJson, resultToJson } from "../../src/smmuv3/scenario/result-json";
import { translate } from "../../src/smmuv3/walk";
import { type WalkVector, readWalkVectors, walkVectorFiles } from "./vector-files";

/** The keys of `expected` and where each is found in the result contract. */
const EXPECTED_KEYS: Readonly<Record<string, (r: ResultJson) => unknown>> = {
  outcome: (r) => r.outcome,
  pa: (r) => r.pa,
  size: (r) => r.size,
  event: (r) => r.fault?.event,
  stage: (r) => r.fault?.stage,
  class: (r) => r.fault?.class,
  level: (r) => r.fault?.level,
  recorded: (r) => r.fault?.recorded,
};

interface Outcome {
  readonly id: string;
  readonly file: string;
  readonly ok: boolean;
  readonly detail: string;
}
const outcomes: Outcome[] = [];
const recordMismatches: string[] = [];

/** Walks one vector; returns the result JSON or a description of why there is none. */
function run(v: WalkVector): ResultJson | string {
  const parsed = parseScenario(v.scenario, { file: v.file, line: v.line });
  if (parsed.problems.length > 0 || !parsed.setup || !parsed.request) {
    return `scenario not accepted: ${parsed.problems.join("; ") || "no request"}`;
  }
  try {
    return resultToJson(translate(parsed.setup, parsed.request), { trace: true, id: parsed.id });
  } catch (e: unknown) {
    return `translate threw: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** The result reduced to the keys the vector expects, with `undefined` for absent ones. */
function subsetOf(result: ResultJson, expected: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const got: Record<string, unknown> = {};
  for (const key of Object.keys(expected)) {
    const pick = EXPECTED_KEYS[key];
    got[key] = pick ? pick(result) : `(unknown expected key ${key})`;
  }
  return got;
}

const CONTRACT_HEX = /^0x(0|[1-9a-f][0-9a-f]*)$/;

/** The result contract's value forms: hex strings for addresses/IDs, numbers for stage/level. */
function assertContractShape(r: ResultJson): void {
  for (const v of [r.pa, r.size]) if (v !== undefined) assert.match(v, CONTRACT_HEX);
  const f = r.fault;
  if (f) {
    for (const v of [f.id, f.inputAddr, f.ipa, f.fetchAddr, ...(f.record ?? [])]) {
      if (v !== undefined) assert.match(v, CONTRACT_HEX);
    }
    if (f.stage !== undefined) assert.ok(f.stage === 1 || f.stage === 2);
    if (f.level !== undefined) assert.ok(Number.isInteger(f.level) && f.level >= -1 && f.level <= 3);
    assert.equal(typeof f.recorded, "boolean");
    assert.equal(f.record === undefined ? 0 : f.record.length, f.recorded ? 4 : 0);
  }
  for (const s of r.steps ?? []) for (const v of [s.addr, s.pa, s.value]) assert.match(v, CONTRACT_HEX);
}

function differences(got: Record<string, unknown>, expected: Readonly<Record<string, unknown>>): string {
  return Object.keys(expected)
    .filter((k) => got[k] !== expected[k])
    .map((k) => `${k}: expected ${JSON.stringify(expected[k])} got ${JSON.stringify(got[k]) ?? "nothing"}`)
    .join(", ");
}

// A missing shared folder fails one test with the reason instead of the whole file at load.
let files: string[] = [];
let missing: string | undefined;
try {
  files = walkVectorFiles();
} catch (e: unknown) {
  missing = e instanceof Error ? e.message : String(e);
}

test("the shared walk vectors are there", () => {
  assert.equal(missing, undefined);
  assert.ok(files.length >= 2, `expected the vector files, found ${files.join(", ")}`);
});

for (const path of files) {
  const vectors = readWalkVectors(path);
  test(`walk vectors: ${vectors[0]?.file ?? path}`, async (t) => {
    assert.ok(vectors.length > 0);
    for (const v of vectors) {
      await t.test(v.id, () => {
        const result = run(v);
        if (typeof result === "string") {
          outcomes.push({ id: v.id, file: v.file, ok: false, detail: result });
          assert.fail(`${v.id}: ${result}`);
        }
        const got = subsetOf(result, v.expected);
        const diff = differences(got, v.expected);
        const fault = result.fault ? ` [got ${result.fault.event}: ${result.fault.reason}]` : "";
        outcomes.push({ id: v.id, file: v.file, ok: diff === "", detail: diff + (diff ? fault : "") });
        assert.deepEqual(got, v.expected, `${v.id}: ${diff}${fault}`);
        assertContractShape(result);
      });
      const record = v.record;
      if (record) {
        await t.test(`${v.id} record`, () => {
          const result = run(v);
          const got = typeof result === "string" ? result : result.fault?.record;
          if (JSON.stringify(got) !== JSON.stringify(record)) {
            recordMismatches.push(
              `${v.id}: record expected ${JSON.stringify(record)} got ${JSON.stringify(got) ?? "none"}`,
            );
          }
          assert.deepEqual(got, record);
        });
      }
    }
  });
}

after(() => {
  const target = process.env["VECTOR_STATUS_FILE"];
  if (!target) return;
  const failing = outcomes.filter((o) => !o.ok);
  const byFile = new Map<string, { pass: number; total: number }>();
  for (const o of outcomes) {
    const s = byFile.get(o.file) ?? { pass: 0, total: 0 };
    s.total++;
    if (o.ok) s.pass++;
    byFile.set(o.file, s);
  }
  const lines = [
    `walk vectors: ${outcomes.length - failing.length}/${outcomes.length} pass (${new Date().toISOString()})`,
    ...[...byFile].map(([f, s]) => `  ${f}: ${s.pass}/${s.total}`),
    "",
    `failing (${failing.length}):`,
    ...failing.map((o) => `  ${o.file.replace(/-sample\.jsonl$/, "")} ${o.id}: ${o.detail}`),
    "",
    `event records differing from the vector's record (${recordMismatches.length}):`,
    ...recordMismatches.map((m) => "  " + m),
    "",
  ];
  writeFileSync(target, lines.join("\n"));
});
