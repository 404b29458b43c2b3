// The SMMU feature profile: the scenario contract's defaults and how bad values are reported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_PROFILE, profileFromJson, paSizeEncoding } from "../src/smmuv3/profile";

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
