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

/** The reason each named field is IGNORED (undefined: not IGNORED). */
function whyOf(
  list: readonly { field: string; why: string }[],
  names: readonly string[],
): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, list.find((f) => f.field === name)?.why]));
}

const SECURE = { ...DEFAULT_PROFILE, SEC_STATE: "Secure" as const };
const REALM = { ...DEFAULT_PROFILE, SEC_STATE: "Realm" as const };
const D128 = { ...DEFAULT_PROFILE, D128: 1, S1PI: 1, S2PI: 1, S2PO: 1 };
const AARCH32 = { ...DEFAULT_PROFILE, TTF: new Set(["AArch32", "AArch64"] as const) };
const STE_NS_FIELDS = ["NSCFG", "S2NSW", "S2NSA", "S2SA"];

test("STE NSCFG / S2NSW / S2NSA follow the Security state (§5.2): IGNORED only where the field texts say so", () => {
  const s2 = mk(STE, { V: 1, Config: 6, S2NSW: 1, S2NSA: 1 });
  // Non-secure: NSCFG is IGNORED; S2NSW/S2NSA are RES0 (not IGNORED) with stage 2 enabled
  assert.deepEqual(whyOf(steIgnoredFields(s2, DEFAULT_PROFILE), STE_NS_FIELDS), {
    NSCFG: "Non-secure STE: NSCFG is used only by Secure and Realm STEs",
    S2NSW: undefined,
    S2NSA: undefined,
    S2SA: undefined,
  });
  // Realm: NSCFG is used (Realm NSCFG table), whatever the stages
  assert.deepEqual(whyOf(steIgnoredFields(mk(STE, { V: 1, Config: 5 }), REALM), ["NSCFG"]), { NSCFG: undefined });
  // Secure: NSCFG is IGNORED when stage 1 translates, used when it bypasses
  assert.deepEqual(whyOf(steIgnoredFields(mk(STE, { V: 1, Config: 5 }), SECURE), ["NSCFG"]), {
    NSCFG: "Secure STE with stage 1 enabled (Config 0b101): the NS attribute comes from the translation",
  });
  assert.deepEqual(whyOf(steIgnoredFields(mk(STE, { V: 1, Config: 4 }), SECURE), ["NSCFG"]), { NSCFG: undefined });
  // Secure stage 2 (SEL2): S2NSA is IGNORED when S2NSW == 1; S2SA (and S2NSA) when S2SW == 1
  assert.deepEqual(whyOf(steIgnoredFields(s2, { ...SECURE, SEL2: 1 }), STE_NS_FIELDS), {
    NSCFG: undefined,
    S2NSW: undefined,
    S2NSA: "S2NSW == 1 or the effective S2SA == 1: Non-secure IPA translations output to Non-secure PA space",
    S2SA: undefined,
  });
  assert.deepEqual(
    whyOf(steIgnoredFields(mk(STE, { V: 1, Config: 6, S2SW: 1 }), { ...SECURE, SEL2: 1 }), STE_NS_FIELDS),
    {
      NSCFG: undefined,
      S2NSW: undefined,
      S2NSA: "S2NSW == 1 or the effective S2SA == 1: Non-secure IPA translations output to Non-secure PA space",
      S2SA: "S2SW == 1: Secure IPA translations output to Non-secure PA space",
    },
  );
  assert.deepEqual(whyOf(steIgnoredFields(mk(STE, { V: 1, Config: 6 }), { ...SECURE, SEL2: 1 }), ["S2NSA"]), {
    S2NSA: undefined,
  });
  // Without Secure stage 2 they are RES0, not IGNORED
  assert.deepEqual(whyOf(steIgnoredFields(s2, SECURE), ["S2NSA"]), { S2NSA: undefined });
  // Secure stage 2 bypassed: the Secure IPA space's fields are IGNORED too (S2* by the general rule)
  assert.deepEqual(
    whyOf(steIgnoredFields(mk(STE, { V: 1, Config: 5 }), { ...SECURE, SEL2: 1 }), ["S_S2TTB", "S_S2T0SZ", "S2NSW"]),
    {
      S_S2TTB: "Secure stage 2 bypasses (Config 0b101)",
      S_S2T0SZ: "Secure stage 2 bypasses (Config 0b101)",
      S2NSW: "stage 2 bypasses (Config 0b101)",
    },
  );
});

test("STE.S2PS is IGNORED for a VMSAv8-32 stage 2, not for VMSAv9-128 (S2AA64 0 with D128)", () => {
  const ste = mk(STE, { V: 1, Config: 6, S2AA64: 0 });
  assert.deepEqual(whyOf(steIgnoredFields(ste, AARCH32), ["S2PS"]), {
    S2PS: "VMSAv8-32 stage 2 (S2AA64 == 0): the output size is 40 bits",
  });
  assert.deepEqual(whyOf(steIgnoredFields(ste, D128), ["S2PS"]), { S2PS: undefined });
  assert.deepEqual(whyOf(steIgnoredFields(mk(STE, { V: 1, Config: 6, S2AA64: 1 }), AARCH32), ["S2PS"]), {
    S2PS: undefined,
  });
});

test("CD.AA64 == 0 ignores TG0/TG1/HA/HD/IPS only for VMSAv8-32; with D128 (VMSAv9-128) they are used", () => {
  const names = ["TG0", "TG1", "HA", "HD", "IPS", "AFFD", "UWXN"];
  const cd = mk(CD, { V: 1, AA64: 0, HA: 1 });
  const v8 = "VMSAv8-32 tables (AA64 == 0)";
  assert.deepEqual(whyOf(cdIgnoredFields(cd, AARCH32), names), {
    TG0: v8,
    TG1: v8,
    HA: v8,
    HD: v8,
    IPS: v8,
    AFFD: undefined, // HA is IGNORED, so AFFD applies
    UWXN: undefined,
  });
  assert.deepEqual(whyOf(cdIgnoredFields(cd, D128), names), {
    TG0: undefined,
    TG1: undefined,
    HA: undefined,
    HD: undefined,
    IPS: undefined,
    AFFD: "HA == 1: hardware sets AF",
    UWXN: undefined, // RES0 with VMSAv9-128, not IGNORED
  });
});

test("CD with D128: bits 65/129 and [127:126]/[191:190] are DisCHx and SKLx, read only for VMSAv9-128", () => {
  const names = ["HAD0", "HAD1", "HWU059", "HWU061", "HWU062", "HWU161", "HWU162"];
  const noPbha = "no page-based hardware attributes (IDR3.PBHA == 0)";
  const only128 = "with IDR5.D128 these bits are DisCH0/DisCH1 and SKL0/SKL1, which apply only to VMSAv9-128 tables";
  assert.deepEqual(whyOf(cdIgnoredFields(mk(CD, { V: 1, AA64: 1 }), { ...D128, HAD: 0 }), names), {
    HAD0: only128,
    HAD1: only128,
    HWU059: noPbha,
    HWU061: only128,
    HWU062: only128,
    HWU161: only128,
    HWU162: only128,
  });
  assert.deepEqual(whyOf(cdIgnoredFields(mk(CD, { V: 1, AA64: 0 }), { ...D128, HAD: 0 }), names), {
    HAD0: undefined,
    HAD1: undefined,
    HWU059: noPbha,
    HWU061: undefined,
    HWU062: undefined,
    HWU161: undefined,
    HWU162: undefined,
  });
  const epd1 = "EPD1 == 1: TTB1 walks are disabled";
  assert.deepEqual(whyOf(cdIgnoredFields(mk(CD, { V: 1, AA64: 0, EPD1: 1 }), D128), names), {
    HAD0: undefined,
    HAD1: epd1,
    HWU059: noPbha,
    HWU061: undefined,
    HWU062: undefined,
    HWU161: epd1,
    HWU162: epd1,
  });
  // Without D128 the bits are HAD0/HAD1 and PBHA bits, as before
  assert.deepEqual(
    whyOf(cdIgnoredFields(mk(CD, { V: 1, AA64: 1 }), { ...DEFAULT_PROFILE, HAD: 0 }), ["HAD0", "HWU061"]),
    {
      HAD0: "the SMMU has no hierarchical attribute disable (IDR3.HAD == 0)",
      HWU061: noPbha,
    },
  );
});

test("CD NSCFG0/NSCFG1 are used only from a Secure STE; EL3 and Realm-EL2 StreamWorlds have one range (§5.4)", () => {
  const cd = mk(CD, { V: 1, AA64: 1 });
  assert.deepEqual(whyOf(cdIgnoredFields(cd, DEFAULT_PROFILE), ["NSCFG0", "NSCFG1"]), {
    NSCFG0: "Non-secure stream: NSCFGx are used only by Secure streams",
    NSCFG1: "Non-secure stream: NSCFGx are used only by Secure streams",
  });
  assert.deepEqual(whyOf(cdIgnoredFields(cd, REALM), ["NSCFG0"]), {
    NSCFG0: "Realm stream: NSCFGx are used only by Secure streams",
  });
  assert.deepEqual(whyOf(cdIgnoredFields(cd, SECURE), ["NSCFG0", "NSCFG1"]), { NSCFG0: undefined, NSCFG1: undefined });
  const el3 = cdIgnoredFields(cd, SECURE, { ste: mk(STE, { V: 1, Config: 5, STRW: 1 }) });
  assert.deepEqual(whyOf(el3, ["EPD0", "ASID"]), {
    EPD0: "single-range EL3 StreamWorld",
    ASID: "single-range EL3 StreamWorld",
  });
  // A Non-secure STE's STRW 0b01 is Reserved, not EL3
  assert.deepEqual(
    whyOf(cdIgnoredFields(cd, { ...DEFAULT_PROFILE, Hyp: 1 }, { ste: mk(STE, { V: 1, Config: 5, STRW: 1 }) }), [
      "ASID",
    ]),
    { ASID: undefined },
  );
  // Realm-EL2 without E2H: STRW is used in the Realm table whatever IDR0.Hyp says
  const realmEl2 = cdIgnoredFields(cd, REALM, { ste: mk(STE, { V: 1, Config: 5, STRW: 2 }), e2h: false });
  assert.deepEqual(whyOf(realmEl2, ["EPD1"]), { EPD1: "single-range EL2 StreamWorld" });
});
