// The scenario contract read into a translation setup: values, defaults, provenance, and every
// bad value reported at its path (formats.md, "Scenario").
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseScenario } from "../../src/smmuv3/scenario/parse";
import { loadScenarios } from "../../src/smmuv3/scenario/load";

const base = {
  id: "t",
  smmu: { OAS: 48 },
  strtab: { base: "0x80000000", fmt: "linear", log2size: 16 },
  memory: [
    { addr: "0x41000000", qword: "0x41001003" },
    { addr: 4096, qword: "18446744073709551615" },
  ],
  request: { sid: "0x7d11", iova: "0xff80000012345000", access: "write" },
};

function read64(memory: { read64(a: number, out: Uint32Array): string }, addr: number): [number, number] {
  const out = new Uint32Array(2);
  assert.equal(memory.read64(addr, out), "ok");
  return [out[0]!, out[1]!];
}

test("a valid scenario becomes a setup and a request", () => {
  const r = parseScenario(base, "s.json");
  assert.deepEqual(r.problems, []);
  assert.equal(r.id, "t");
  assert.ok(r.setup && r.request);
  assert.equal(r.setup.profile.OAS, 48);
  assert.equal(r.setup.profile.IAS, 48);
  assert.deepEqual(r.setup.strtab, { base: 0x8000_0000, fmt: "linear", log2size: 16, split: 0 });
  assert.deepEqual(read64(r.setup.memory, 0x4100_0000), [0x4100_1003, 0]);
  assert.deepEqual(read64(r.setup.memory, 0x1000), [0xffff_ffff, 0xffff_ffff]);
  assert.deepEqual(read64(r.setup.memory, 0x2000), [0, 0]);
  assert.equal(r.setup.memory.provenanceAt(0x1000)?.what, "memory[1]");
  assert.equal(r.setup.memory.provenanceAt(0x1000)?.file, "s.json");
  // the full 64-bit IOVA survives (TTB1 sign extension), privileged defaults to true, no SSID
  assert.deepEqual(r.request, {
    sid: 0x7d11,
    iova: { lo: 0x1234_5000, hi: 0xff80_0000 },
    access: "write",
    privileged: true,
  });
  assert.equal("ssid" in r.request, false);
});

test("ssid present means SSV=1; null or absent means none", () => {
  const withSsid = parseScenario({ ...base, request: { ...base.request, ssid: 0 } });
  assert.equal(withSsid.request?.ssid, 0);
  const nullSsid = parseScenario({ ...base, request: { ...base.request, ssid: null } });
  assert.deepEqual(nullSsid.problems, []);
  assert.equal(nullSsid.request && "ssid" in nullSsid.request, false);
});

test("2-level stream tables and abort ranges", () => {
  const r = parseScenario({
    ...base,
    strtab: { base: "0x80000000", fmt: "2-level", log2size: 16, split: 8 },
    abort: [{ addr: "0x248000000", size: "0x40" }],
  });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.setup?.strtab, { base: 0x8000_0000, fmt: "2-level", log2size: 16, split: 8 });
  assert.equal(r.setup?.memory.aborts64(0x2_4800_0038), true);
  assert.equal(r.setup?.memory.aborts64(0x2_4800_0040), false);
});

test("a given STE as words", () => {
  const words = ["0x2000b", "0x0", "0x8000000000000", "0x0", "0x0", "0x0", "0x0", "0x1"];
  const r = parseScenario({ ...base, strtab: undefined, ste: { words } });
  assert.deepEqual(r.problems, []);
  assert.deepEqual([...r.setup!.ste!.words], [0x2000b, 0, 0, 0, 0, 0x80000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
  assert.equal(r.setup?.strtab, undefined);
});

const bad: [string, unknown, string[]][] = [
  ["not an object", [1], ["s.json: a scenario must be a JSON object, found [1]"]],
  [
    "bad values at their paths",
    {
      ...base,
      smmu: { OAS: 45 },
      strtab: { base: "0x10001", fmt: "2-level", log2size: 8, split: 7 },
      memory: [
        { addr: "0x10", qword: "0x1" },
        { addr: "0x10", qword: "0x2" },
        { addr: "0x11", qword: 1 },
        { addr: 8, qword: 1e300 },
        { addr: "0x18" },
        "x",
      ],
      abort: [{ addr: "0x0" }],
      request: { sid: "0x1_0000_0000", iova: "0x10000000000000000", access: "fetch", privileged: 2, ssid: "0x100000" },
    },
    [
      "s.json: smmu.OAS: OAS must be one of 32, 36, 40, 42, 44, 48, 52, 56 bits",
      "s.json: strtab.base: 0x10001 is not 64-byte aligned (SMMU_STRTAB_BASE.ADDR is [55:6])",
      "s.json: strtab.split: SPLIT must be 6, 8 or 10 (§3.1), found 7",
      "s.json: memory[1].qword: redefines the word at 0x10 (memory[0]) with a different value",
      "s.json: memory[2].addr: 0x11 is not 8-byte aligned (memory holds 64-bit words)",
      "s.json: memory[3].qword: 1e+300 is too large to be exact as a JSON number; write it as a hex string",
      "s.json: memory[4]: missing `qword`",
      's.json: memory[5]: expected {addr, qword}, found "x"',
      's.json: abort[0]: expected {addr, size}, found {"addr":"0x0"}',
      's.json: request.sid: "0x1_0000_0000" is out of range: a StreamID is at most 0xffffffff',
      's.json: request.ssid: "0x100000" is out of range: a SubstreamID (20 bits) is at most 0xfffff',
      's.json: request.iova: "0x10000000000000000" is not a hex number of at most 64 bits',
      's.json: request.access: expected "read", "write" or "exec", found "fetch"',
      "s.json: request.privileged: expected true or false, found 2",
    ],
  ],
  [
    "no stream table and no STE",
    { id: "x", request: base.request },
    ["s.json: a scenario needs a stream table (`strtab`) or a given STE (`ste`)"],
  ],
  [
    "2-level without split",
    { ...base, strtab: { base: 0, fmt: "2-level", log2size: 8 } },
    ["s.json: strtab: a 2-level stream table needs `split` (6, 8 or 10)"],
  ],
  [
    "STE words of the wrong length",
    { ...base, ste: { words: ["0x1"] } },
    ['s.json: ste.words: expected 8 64-bit words (dword 0 first), found ["0x1"]'],
  ],
  [
    "missing request fields",
    { ...base, request: {} },
    [
      "s.json: request: missing `sid` (the StreamID)",
      "s.json: request: missing `iova`",
      's.json: request: missing `access` ("read", "write" or "exec")',
    ],
  ],
];

for (const [name, json, problems] of bad) {
  test(`problems: ${name}`, () => {
    const r = parseScenario(json, "s.json");
    assert.deepEqual(r.problems, problems);
    assert.equal(r.setup, undefined);
    assert.equal(r.request, undefined);
  });
}

test("loadScenarios: one object, pretty-printed, locates values by line", () => {
  const text = JSON.stringify({ ...base, memory: [...base.memory, { addr: "0x9", qword: 0 }] }, null, 2);
  const loaded = loadScenarios(text, "dir/one.json");
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.scenarios.length, 1);
  const r = parseScenario(loaded.scenarios[0]!.json, loaded.scenarios[0]!.origin);
  const line = text.split("\n").findIndex((l) => l.includes('"0x9"')) + 1;
  assert.deepEqual(r.problems, [
    `dir/one.json:${line}: memory[2].addr: 0x9 is not 8-byte aligned (memory holds 64-bit words)`,
  ]);
});

test("loadScenarios: an array and JSON Lines keep each scenario's line; syntax errors are located", () => {
  const arrText = JSON.stringify([base, { ...base, id: "u" }], null, 1);
  const arr = loadScenarios(arrText, "a.json");
  assert.deepEqual(arr.problems, []);
  assert.deepEqual(
    arr.scenarios.map((s) => s.origin.line),
    [1, 1 + JSON.stringify(base, null, 1).split("\n").length],
  );
  const provenance = parseScenario(arr.scenarios[1]!.json, arr.scenarios[1]!.origin).setup?.memory.provenanceAt(0x1000);
  // memory[1] of the second scenario: the "{" line just above its second `"addr": 4096`
  const addrLines = arrText.split("\n").flatMap((l, i) => (l.includes('"addr": 4096') ? [i] : []));
  assert.equal(provenance?.start.line, addrLines[1]! - 1);
  const lines = [
    JSON.stringify(base),
    "",
    "{not json",
    JSON.stringify({ category: "c", scenario: base, expected: { outcome: "fault" } }),
  ].join("\n");
  const jl = loadScenarios(lines, "v.jsonl");
  assert.deepEqual(
    jl.scenarios.map((s) => s.origin.line),
    [0, 3],
  );
  assert.deepEqual(jl.scenarios[1]!.expected, { outcome: "fault" });
  assert.equal(jl.problems.length, 1);
  assert.match(jl.problems[0]!, /^v\.jsonl:3:2: not valid JSON: /);
  assert.deepEqual(loadScenarios("  \n", "e.json").problems, ["e.json: the file holds no scenario"]);
  assert.match(
    loadScenarios('{\n "a": 1,\n "b": [1,2\n}', "bad.json").problems[0]!,
    /^bad\.json:4:1: not valid JSON: /,
  );
});

test("a given STE and CD by field names (records tables), over given words", () => {
  const r = parseScenario({
    ...base,
    ste: { V: 1, Config: "0x6", S2T0SZ: 24, S2TG: "4KB", S2AA64: true, S2TTB: "0x40000000" },
    cd: { V: 1, T0SZ: 16, TG0: "4KB", IPS: "48-bit", AA64: 1, R: 1, A: 1, TTB0: "0x41000000", "...": "..." },
  });
  assert.deepEqual(r.problems, []);
  // STE: V (bit 0) and Config 0b110 (bits 3:1); S2T0SZ at DW2[37:32], S2AA64 DW2[51]; S2TTB in place in DW3
  assert.deepEqual([...r.setup!.ste!.words], [0xd, 0, 0, 0, 0, 24 | (1 << 19), 0x4000_0000, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  // CD: T0SZ 16, V bit 31; IPS 0b101 DW0[34:32], AA64 [41], R [45], A [46]; TTB0 in place in DW1
  assert.deepEqual([...r.setup!.cd!.words], [0x8000_0010, 0x6205, 0x4100_0000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(r.setup?.ste?.provenance?.what, "ste");
  const over = parseScenario({
    ...base,
    ste: { words: ["0x1", "0x0", "0x0", "0x0", "0x0", "0x0", "0x0", "0xff"], Config: 4 },
  });
  assert.deepEqual([...over.setup!.ste!.words].slice(0, 2), [0x9, 0]);
  assert.deepEqual([...over.setup!.ste!.words].slice(14), [0xff, 0]);
});

test("STE/CD field problems name the field", () => {
  const r = parseScenario(
    { ...base, ste: { Confg: 1, config: 1, S2TTB: "0x40000001", S2TG: "8KB", V: "yes" }, cd: { T0SZ: 64 } },
    "s.json",
  );
  assert.deepEqual(r.problems, [
    "s.json: ste.Confg: the STE has no field named Confg",
    "s.json: ste.config: the STE has no field named config (did you mean Config?)",
    's.json: ste.S2TG: "8KB" is not a number nor a value of this field (4KB, 64KB, 16KB, Reserved)',
    's.json: ste.V: "yes" is not a number (write "0x..." for hex)',
    "s.json: ste.S2TTB: S2TTB must be aligned to 16 bytes (its low 4 bits are not held)",
    "s.json: cd.T0SZ: 0x40 does not fit in T0SZ (6 bits)",
  ]);
});

test("values nested deeper than the stack are problems, not exceptions", () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  const loaded = loadScenarios(deep, "deep.json");
  assert.deepEqual(loaded.problems, []);
  assert.deepEqual(parseScenario(loaded.scenarios[0]!.json, loaded.scenarios[0]!.origin).problems, [
    "deep.json:1: a scenario must be a JSON object, found [[[...]]]",
  ]);
  const nested = JSON.parse(
    `{"smmu":{"TTENDIAN":${deep}},"strtab":{"base":0,"log2size":8},"ste":{"V":${deep}},"request":{"sid":1,"iova":${deep},"access":"read"}}`,
  ) as unknown;
  assert.deepEqual(parseScenario(nested, "d.json").problems, [
    "d.json: smmu: the SMMU profile could not be read (Maximum call stack size exceeded)",
    "d.json: ste.V: expected a number or a hex string, found [[[...]]]",
    "d.json: request.iova: expected a number or a hex string, found [[[...]]]",
  ]);
});
