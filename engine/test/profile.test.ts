// The SMMU feature profile: the scenario contract's defaults and how bad values are reported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_PROFILE, profileFromJson, paSizeEncoding } from "../src/smmuv3/profile";
import { profileFromIdRegisters, registerByName } from "../src/smmuv3/records/registers";

test("an empty profile takes the contract's defaults", () => {
  const { profile, problems } = profileFromJson({});
  assert.deepEqual(problems, []);
  assert.equal(profile.OAS, 44);
  assert.equal(profile.IAS, 44);
  assert.deepEqual([...profile.granules], ["4K", "16K", "64K"]);
  assert.deepEqual([...profile.stages], ["S1", "S2"]);
  assert.equal(profile.SSIDSIZE, 0);
  assert.equal(profile.SIDSIZE, 16);
  assert.equal(profile.TTENDIAN, "LE");
  assert.equal(profile.HTTU, "none");
  assert.equal(profile.ST_LEVEL, "2-level");
  assert.equal(profile.STALL_MODEL, 1);
  assert.deepEqual(profile, { ...DEFAULT_PROFILE });
});

test("values are read by name, hex strings accepted, IAS follows OAS", () => {
  const { profile, problems } = profileFromJson({
    OAS: 48,
    granules: ["4K", "64KB"],
    stages: ["S2"],
    SSIDSIZE: "0x14",
    TTENDIAN: "mixed",
    HTTU: "AF+dirty",
    ST_LEVEL: "linear",
    Future: 1,
  });
  assert.deepEqual(problems, []);
  assert.equal(profile.OAS, 48);
  assert.equal(profile.IAS, 48);
  assert.deepEqual([...profile.granules], ["4K", "64K"]);
  assert.deepEqual([...profile.stages], ["S2"]);
  assert.equal(profile.SSIDSIZE, 20);
  assert.equal(profile.TTENDIAN, "mixed");
  assert.equal(profile.HTTU, "AF+dirty");
  assert.equal(profile.ST_LEVEL, "linear");
});

test("bad values are reported by key and replaced by the default, never thrown", () => {
  const { profile, problems } = profileFromJson({
    OAS: 45,
    granules: ["8K"],
    SIDSIZE: 40,
    TTENDIAN: { x: 1 },
    HAD: "yes",
  });
  assert.deepEqual(
    problems.map((p) => p.key),
    ["OAS", "granules", "TTENDIAN", "SIDSIZE", "HAD"],
  );
  assert.equal(profile.OAS, 44);
  assert.equal(profile.SIDSIZE, 16);
  assert.equal(profileFromJson(null).problems[0]?.key, "smmu");
  assert.equal(profileFromJson([1]).problems[0]?.key, "smmu");
});

test("PA size encodings", () => {
  assert.equal(paSizeEncoding(44), 4);
  assert.equal(paSizeEncoding(52), 6);
  assert.equal(paSizeEncoding(45), undefined);
});

test("a deeply nested bad value is reported, not thrown", () => {
  let deep: unknown = "x";
  for (let i = 0; i < 200_000; i++) deep = [deep];
  const { problems } = profileFromJson({ granules: [deep], TTENDIAN: deep, stages: [{ a: deep }], TTF: [deep] });
  assert.deepEqual(
    problems.map((p) => p.message),
    [
      "unknown granule an array (4K, 16K or 64K)",
      "unknown stage an object (S1 or S2)",
      'TTENDIAN must be "mixed", "LE" or "BE"',
      "unknown table format an array (AArch32 or AArch64)",
    ],
  );
});

// ---- the facts the STE/CD legality rules need beyond the scenario defaults ----

test("profileFromIdRegisters reads HAFT, DPT, S1PI, S2PI, S2PO, D128 and SEL2 from their bits, and nothing else", () => {
  const keys = ["HAFT", "DPT", "S1PI", "S2PI", "S2PO", "D128", "SEL2"] as const;
  // [IDR0, IDR3, IDR5, S_IDR1] with one bit (or field value) set, and the key it must set
  const rows: [number, number, number, number, (typeof keys)[number]][] = [
    [3 << 6, 0, 0, 0, "HAFT"], // IDR0.HTTU [7:6] == 0b11
    [0, 1 << 15, 0, 0, "DPT"], // IDR3.DPT [15]
    [0, 1 << 18, 0, 0, "S1PI"], // IDR3.S1PI [18]
    [0, 1 << 19, 0, 0, "S2PI"], // IDR3.S2PI [19]
    [0, 1 << 20, 0, 0, "S2PO"], // IDR3.S2PO [20]
    [0, 0, 1 << 8, 0, "D128"], // IDR5.D128 [8]
    [0, 0, 0, 1 << 29, "SEL2"], // SMMU_S_IDR1.SEL2 [29]
  ];
  for (const [idr0, idr3, idr5, sIdr1, key] of rows) {
    const p = profileFromIdRegisters(idr0, 0, 0, idr3, 0, idr5, sIdr1);
    for (const k of keys) assert.equal(p[k], k === key ? 1 : 0, `${key} row: ${k}`);
    assert.equal(p.SEC_STATE, "NonSecure");
  }
  // HTTU 0b10 is AF+dirty without HAFT; 0b11 is AF+dirty with HAFT
  assert.deepEqual(
    [2, 3].map((h) => {
      const p = profileFromIdRegisters(h << 6, 0, 0, 0, 0, 0);
      return [p.HTTU, p.HAFT];
    }),
    [
      ["AF+dirty", 0],
      ["AF+dirty", 1],
    ],
  );
  // neighbouring bits do not leak in: IDR3 bits 14, 16, 17, 21 and IDR5 bits 7, 9; S_IDR1 bits 28, 31
  const q = profileFromIdRegisters(
    0,
    0,
    0,
    (1 << 14) | (1 << 16) | (1 << 17) | (1 << 21),
    0,
    (1 << 7) | (1 << 9),
    (1 << 28) | (1 << 31),
  );
  for (const k of keys) assert.equal(q[k], 0, k);
  // the register tables hold the fields the profile reads
  assert.deepEqual(
    [
      ["IDR3", "DPT"],
      ["IDR3", "S1PI"],
      ["IDR3", "S2PI"],
      ["IDR3", "S2PO"],
      ["IDR5", "D128"],
      ["S_IDR1", "SEL2"],
    ].map(([r, f]) => {
      const spec = registerByName(r!)!.struct.byName.get(f!)!;
      return [spec.lsb, spec.width];
    }),
    [
      [15, 1],
      [18, 1],
      [19, 1],
      [20, 1],
      [8, 1],
      [29, 1],
    ],
  );
  assert.equal(registerByName("SMMU_S_IDR1")?.offset, 0x8004);
});

test("profileFromJson accepts the new keys and refuses bad values with a problem, never a throw", () => {
  const ok = profileFromJson({
    HTTU: "AF+dirty",
    HAFT: 1,
    DPT: "0x1",
    S1PI: 1,
    S2PI: 1,
    S2PO: 1,
    D128: 1,
    SEL2: 1,
    SEC_STATE: "realm",
  });
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(
    [
      ok.profile.HAFT,
      ok.profile.DPT,
      ok.profile.S1PI,
      ok.profile.S2PI,
      ok.profile.S2PO,
      ok.profile.D128,
      ok.profile.SEL2,
    ],
    [1, 1, 1, 1, 1, 1, 1],
  );
  assert.equal(ok.profile.SEC_STATE, "Realm");
  for (const [text, state] of [
    ["Secure", "Secure"],
    ["non-secure", "NonSecure"],
    ["NS", "NonSecure"],
    [" REALM ", "Realm"],
  ] as const) {
    assert.equal(profileFromJson({ SEC_STATE: text }).profile.SEC_STATE, state, text);
  }
  // defaults: features absent, Non-secure
  assert.deepEqual(
    [DEFAULT_PROFILE.HAFT, DEFAULT_PROFILE.DPT, DEFAULT_PROFILE.S1PI, DEFAULT_PROFILE.S2PI, DEFAULT_PROFILE.S2PO],
    [0, 0, 0, 0, 0],
  );
  assert.deepEqual([DEFAULT_PROFILE.D128, DEFAULT_PROFILE.SEL2, DEFAULT_PROFILE.SEC_STATE], [0, 0, "NonSecure"]);

  let deep: unknown = "x";
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const bad = profileFromJson({ SEC_STATE: "EL3", DPT: 2, S1PI: "yes", S2PO: -1, D128: deep, SEL2: { a: 1 } });
  assert.deepEqual(
    bad.problems.map((p) => [p.key, p.message]),
    [
      ["SEC_STATE", 'SEC_STATE must be "NonSecure", "Secure" or "Realm"'],
      ["DPT", "DPT must be a number from 0 to 1"],
      ["S1PI", "S1PI must be a number from 0 to 1"],
      ["S2PO", "S2PO must be a number from 0 to 1"],
      ["D128", "D128 must be a number from 0 to 1"],
      ["SEL2", "SEL2 must be a number from 0 to 1"],
    ],
  );
  assert.deepEqual([bad.profile.SEC_STATE, bad.profile.DPT, bad.profile.D128], ["NonSecure", 0, 0]);
  assert.equal(profileFromJson({ SEC_STATE: deep }).problems[0]?.key, "SEC_STATE");

  // combinations the ID registers cannot express are reported and the new fact dropped
  const haft = profileFromJson({ HAFT: 1, HTTU: "AF" });
  assert.deepEqual(
    haft.problems.map((p) => p.key),
    ["HAFT"],
  );
  assert.equal(haft.profile.HAFT, 0);
  assert.equal(haft.profile.HTTU, "AF");
  const d128 = profileFromJson({ D128: 1, TTF: ["AArch32", "AArch64"] });
  assert.deepEqual(
    d128.problems.map((p) => p.key),
    ["D128"],
  );
  assert.equal(d128.profile.D128, 0);
});
