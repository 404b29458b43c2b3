// IGNORED fields of STEs and CDs: what the SMMU does not look at, and why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeStruct } from "../../src/bits/fields";
import { DEFAULT_PROFILE } from "../../src/smmuv3/profile";
import { CD, STE, cdIgnoredFields, steIgnoredFields } from "../../src/smmuv3/records";

const n = (v: number) => ({ lo: v, hi: 0 });
const mk = (spec: typeof STE, o: Record<string, number>): Uint32Array =>
  encodeStruct(spec, Object.fromEntries(Object.entries(o).map(([k, v]) => [k, n(v)]))).words;

test("STE: stage-1-only ignores the S2 fields except S2VMID; stage-2-only ignores the S1 fields", () => {
  const s1 = steIgnoredFields(mk(STE, { V: 1, Config: 5, S1CDMax: 0 }), { ...DEFAULT_PROFILE, SSIDSIZE: 8 });
  const names = s1.map((f) => f.field);
  assert.ok(names.includes("S2TTB") && names.includes("S2T0SZ") && !names.includes("S2VMID"));
  assert.ok(names.includes("S1Fmt") && names.includes("S1DSS"), "S1CDMax == 0");
  assert.ok(!names.includes("S1ContextPtr") && !names.includes("STRW"));
  assert.equal(s1.find((f) => f.field === "S2TTB")!.why, "stage 2 bypasses (Config 0b101)");
  const s2 = steIgnoredFields(mk(STE, { V: 1, Config: 6 }), DEFAULT_PROFILE).map((f) => f.field);
  assert.ok(s2.includes("S1ContextPtr") && s2.includes("STRW") && s2.includes("S2PTW") && !s2.includes("S2TTB"));
  const invalid = steIgnoredFields(mk(STE, { V: 0 }), DEFAULT_PROFILE);
  assert.equal(invalid.length, STE.fields.length - 1);
  assert.deepEqual(
    steIgnoredFields(mk(STE, { V: 1, Config: 0 }), DEFAULT_PROFILE)
      .map((f) => f.field)
      .includes("Config"),
    false,
  );
});

test("CD: disabled TTBs and format-specific fields", () => {
  const c = cdIgnoredFields(mk(CD, { V: 1, AA64: 1, EPD1: 1, HA: 1 }), DEFAULT_PROFILE);
  const names = c.map((f) => f.field);
  assert.ok(names.includes("TTB1") && names.includes("T1SZ") && !names.includes("TTB0"));
  assert.ok(names.includes("AFFD") && names.includes("UWXN") && !names.includes("ENDI"));
  const both = cdIgnoredFields(mk(CD, { V: 1, AA64: 1, EPD0: 1, EPD1: 1 }), DEFAULT_PROFILE).map((f) => f.field);
  assert.ok(both.includes("ENDI") && both.includes("TTB0"));
  const el2Ste = mk(STE, { V: 1, Config: 5, STRW: 2 });
  const el2 = cdIgnoredFields(
    mk(CD, { V: 1, AA64: 1, EPD0: 1 }),
    { ...DEFAULT_PROFILE, Hyp: 1 },
    { ste: el2Ste, e2h: false },
  );
  assert.equal(el2.find((f) => f.field === "EPD0")!.why, "single-range EL2 StreamWorld");
  assert.ok(!el2.some((f) => f.field === "TTB0"), "EPD0 is itself ignored, so TTB0 is walked");
});
