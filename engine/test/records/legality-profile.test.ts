// STE/CD legality that depends on the Security state of the stream (profile.SEC_STATE) and on the
// optional features HAFT, DPT, S1PI/S2PI/S2PO and D128: the differences between Non-secure, Secure
// and Realm streams that Arm IHI 0070 §5.2.2 SteIllegal() / §5.4.2 CdIllegal() spell out, each
// asserted both ways (legal in one state or profile, exact finding in the other).
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_PROFILE, type SmmuProfile } from "../../src/smmuv3/profile";
import { CD, STE, checkCd, checkSte } from "../../src/smmuv3/records";
import { BOTH_TTF, CD_BASE, NESTED_STE, S1_STE, build, codes, illegal } from "./legality-fixtures";

const P: SmmuProfile = DEFAULT_PROFILE;

test("the baselines are legal in every Security state", () => {
  for (const SEC_STATE of ["NonSecure", "Secure", "Realm"] as const) {
    assert.deepEqual(checkSte(S1_STE, { ...P, SEC_STATE }), [], SEC_STATE);
    assert.deepEqual(checkCd(CD_BASE, { ...P, SEC_STATE }, { ste: S1_STE }), [], SEC_STATE);
  }
  assert.deepEqual(checkSte(NESTED_STE, P), []);
  assert.deepEqual(checkSte(NESTED_STE, { ...P, SEC_STATE: "Realm" }), []);
});

test("STRW: a Realm STE uses it without IDR0.Hyp (0bx1 ILLEGAL); a Non-secure STE without Hyp ignores it", () => {
  const w = build(STE, { STRW: 1 }, S1_STE);
  const [f] = checkSte(w, { ...P, SEC_STATE: "Realm" });
  assert.deepEqual(
    [f!.code, f!.fields, f!.message],
    ["STE-ILL-STRW", ["STRW"], "STRW is 0b01, a Reserved StreamWorld for a Realm STE (use 0b00 EL1 or 0b10 EL2)."],
  );
  assert.deepEqual(codes(checkSte(w, P)), ["STE-WARN-RES0-FIELD"]); // RES0 without Hyp
  assert.deepEqual(codes(checkSte(w, { ...P, Hyp: 1 })), ["STE-ILL-STRW"]);
  // Secure: 0b01 is EL3, legal unless the SMMU has RME
  assert.deepEqual(checkSte(w, { ...P, SEC_STATE: "Secure" }), []);
});

test("S1STALLD: a Realm STE only needs stalls to exist (SMMU_R_IDR0.STALL_MODEL != 0b01)", () => {
  const w = build(STE, { S1STALLD: 1 }, S1_STE);
  assert.deepEqual(illegal(checkSte(w, { ...P, STALL_MODEL: 2, SEC_STATE: "Realm" })), []);
  assert.deepEqual(illegal(checkSte(w, { ...P, STALL_MODEL: 2 })), ["STE-ILL-S1STALLD"]);
  assert.deepEqual(illegal(checkSte(w, { ...P, STALL_MODEL: 2, SEC_STATE: "Secure" })), ["STE-ILL-S1STALLD"]);
  const [f] = checkSte(w, { ...P, STALL_MODEL: 1, SEC_STATE: "Realm" });
  assert.equal(
    f!.message,
    "S1STALLD is 1 in a Realm STE but the SMMU cannot stall Realm streams (SMMU_R_IDR0.STALL_MODEL == 0b01).",
  );
});

test("EATS: a Secure STE's EATS is RES0 (no ATS rules); Realm STEs follow the Non-secure ATS rules", () => {
  const w = build(STE, { EATS: 2 }, S1_STE); // split-stage ATS without Config 0b111
  const ats = { ...P, ATS: 1 };
  assert.deepEqual(codes(checkSte(w, ats)), ["STE-ILL-EATS-SPLIT"]);
  assert.deepEqual(codes(checkSte(w, { ...ats, SEC_STATE: "Realm" })), ["STE-ILL-EATS-SPLIT"]);
  const secure = checkSte(w, { ...ats, SEC_STATE: "Secure" });
  assert.deepEqual(
    secure.map((f) => [f.code, f.fields, f.illegal]),
    [["STE-WARN-RES0-FIELD", ["EATS"], false]],
  );
  // EATS 0b11 without DPT is Reserved (behaves as 0b00): a warning naming the Realm register
  const dpt = build(STE, { EATS: 3, DPT_VMATCH: 1 }, NESTED_STE);
  const realm = checkSte(dpt, { ...ats, SEC_STATE: "Realm" });
  assert.deepEqual(
    realm.map((f) => [f.code, f.fields]),
    [
      ["STE-WARN-RES0-FIELD", ["DPT_VMATCH"]],
      ["STE-WARN-RESERVED-ENC", ["EATS"]],
    ],
  );
  assert.match(realm[1]!.message, /SMMU_R_IDR3\.DPT == 0/);
});

test("S2VMID: ignored by a Secure stage-1-only STE or without Secure stage 2, judged with Secure stage 2", () => {
  const p8 = { ...P, VMID16: 0, SEC_STATE: "Secure" as const };
  const s1 = build(STE, { S2VMID: 0x100 }, S1_STE);
  assert.deepEqual(illegal(checkSte(s1, { ...p8, SEL2: 1 })), []);
  assert.deepEqual(illegal(checkSte(s1, { ...P, VMID16: 0 })), ["STE-ILL-S2VMID"]); // NS-EL1 tags with it
  const nested = build(STE, { S2VMID: 0x100, S_S2TG: 0, S_S2T0SZ: 24, S_S2SL0: 1, S_S2TTB: 0x890000000 }, NESTED_STE);
  assert.deepEqual(illegal(checkSte(nested, { ...p8, SEL2: 1 })), ["STE-ILL-S2VMID"]);
  assert.deepEqual(illegal(checkSte(nested, { ...p8, SEL2: 0 })), ["STE-ILL-SECURE-S2"]);
});

test("Secure IPA space geometry (STE-32): each rule names the S_S2 field, only with Secure stage 2", () => {
  const secure = { ...P, SEC_STATE: "Secure" as const, SEL2: 1 };
  const good = { S_S2TG: 0, S_S2T0SZ: 24, S_S2SL0: 1, S_S2TTB: 0x890000000 };
  assert.deepEqual(checkSte(build(STE, good, NESTED_STE), secure), []);
  const rows: [Record<string, number>, string[]][] = [
    [{ S_S2TG: 3 }, ["S_S2TG"]],
    [{ S_S2TTB: 2 ** 40 }, ["S_S2TTB", "S2PS"]],
    [{ S_S2T0SZ: 40 }, ["S_S2T0SZ", "S_S2TG"]],
    [{ S_S2SL0: 0 }, ["S_S2SL0", "S_S2T0SZ", "S_S2TG"]],
  ];
  for (const [set, fields] of rows) {
    const fs = checkSte(build(STE, { ...good, ...set }, NESTED_STE), secure);
    assert.deepEqual(
      fs.map((f) => [f.code, f.fields]),
      [["STE-ILL-SECURE-S2GEOM", fields]],
      JSON.stringify(set),
    );
    assert.match(fs[0]!.message, /^Secure IPA space: S_S2/);
  }
  // a Non-secure STE never reads them: RES0 warnings instead
  assert.deepEqual(illegal(checkSte(build(STE, { ...good, S_S2TG: 3 }, NESTED_STE), P)), []);
});

test("D128: S2AA64 == 0 selects VMSAv9-128 (not VMSAv8-32) and its S2T0SZ range", () => {
  const w = build(STE, { S2AA64: 0, S2SL0: 0 }, NESTED_STE);
  assert.deepEqual(illegal(checkSte(w, P)), ["STE-ILL-S2AA32"]);
  assert.deepEqual(checkSte(w, { ...P, D128: 1 }), []);
  // VMSAv8-32 is ILLEGAL for Realm stage 2, VMSAv9-128 is not
  assert.deepEqual(illegal(checkSte(w, { ...P, SEC_STATE: "Realm", TTF: BOTH_TTF })), ["STE-ILL-SECURE-AA32"]);
  assert.deepEqual(illegal(checkSte(w, { ...P, SEC_STATE: "Realm", D128: 1 })), []);
  const [t] = checkSte(build(STE, { S2T0SZ: 5 }, w), { ...P, D128: 1 });
  assert.deepEqual(
    [t!.code, t!.message],
    [
      "STE-ILL-S2T0SZ",
      "S2T0SZ is 5 (a 59-bit IPA space); with a 4KB granule and VMSAv9-128 tables on this SMMU it must be 20..48 (IAS 44).",
    ],
  );
  // 48 is legal for VMSAv9-128 without IDR3.STT (39 at most for VMSAv8-64)
  assert.deepEqual(illegal(checkSte(build(STE, { S2T0SZ: 48 }, w), { ...P, D128: 1 })), []);
});

test("CD StreamWorlds of a Secure STE: EL3 (STRW 0b01) is single-range and has no ASID; Secure EL1 has one", () => {
  const profile = { ...P, SEC_STATE: "Secure" as const, ASID16: 0, TTF: BOTH_TTF };
  const el3 = build(STE, { STRW: 1 }, S1_STE);
  const cd = build(CD, { ASID: 0x100 }, CD_BASE);
  assert.deepEqual(illegal(checkCd(cd, profile, { ste: el3 })), []);
  assert.deepEqual(illegal(checkCd(cd, profile, { ste: S1_STE })), ["CD-ILL-ASID"]);
  const aa32 = checkCd(build(CD, { AA64: 0 }, CD_BASE), profile, { ste: el3 });
  assert.deepEqual(
    aa32.map((f) => [f.code, f.message]),
    [["CD-ILL-AA32", "AA64 is 0 (VMSAv8-32 tables) in the EL3 StreamWorld."]],
  );
  // S-EL2-E2H is CD-07, S-EL2 is CD-08
  const sel2 = build(STE, { STRW: 2 }, S1_STE);
  const aa32cd = build(CD, { AA64: 0 }, CD_BASE);
  assert.deepEqual(illegal(checkCd(aa32cd, { ...profile, SEL2: 1 }, { ste: sel2 })), ["CD-ILL-AA32"]);
  assert.deepEqual(illegal(checkCd(aa32cd, { ...profile, SEL2: 1 }, { ste: sel2, e2h: false })), [
    "CD-ILL-SECURE-AA32",
  ]);
});

test("CD-12 and CD-10/11 judge VMSAv8-64 and VMSAv9-128 CDs, never VMSAv8-32 ones", () => {
  const haft = { ...P, HTTU: "AF+dirty" as const, HAFT: 1 };
  const cd = build(CD, { HAFT: 1 }, CD_BASE);
  assert.deepEqual(illegal(checkCd(cd, haft)), ["CD-ILL-HAFT"]);
  assert.deepEqual(illegal(checkCd(build(CD, { HA: 1 }, cd), haft)), []);
  assert.deepEqual(illegal(checkCd(build(CD, { AA64: 0 }, cd), { ...haft, TTF: BOTH_TTF })), []);
  const d128 = { ...haft, D128: 1, S1PI: 1 };
  const s1pie = build(STE, { S1PIE: 1 }, S1_STE);
  assert.deepEqual(illegal(checkCd(build(CD, { AA64: 0 }, cd), d128, { ste: s1pie })), ["CD-ILL-HAFT"]);
});

test("CD-23: PIIU only where unprivileged accesses exist; the privileged-execute/unprivileged-write pair; unknown without the STE", () => {
  const profile = { ...P, S1PI: 1, Hyp: 1 };
  const s1pie = build(STE, { S1PIE: 1 }, S1_STE);
  const cd = build(CD, { PIE: 1, PIIU4: 6, PIIP7: 2, PIIU7: 4 }, CD_BASE);
  const [f] = checkCd(cd, profile, { ste: s1pie });
  assert.deepEqual(
    [f!.code, f!.fields, f!.message],
    [
      "CD-ILL-PIE",
      ["PIE", "PIIU4", "PIIU7", "PIIP7"],
      "Stage-1 permission indirection is active (NS-EL1 StreamWorld) and PIIU4 is 0b110 (Reserved); PIIU7 is 0b100 (Reserved); PIIP7 0b010 lets privileged accesses execute while PIIU7 0b100 lets unprivileged accesses write.",
    ],
  );
  // NS-EL2 without E2H has one privilege level: PIIU is not judged
  const el2 = build(STE, { STRW: 2 }, s1pie);
  assert.deepEqual(illegal(checkCd(cd, profile, { ste: el2, e2h: false })), []);
  // the STE forbids indirection: PIE and PIIx are RES0, not ILLEGAL
  assert.deepEqual(illegal(checkCd(cd, profile, { ste: S1_STE })), []);
  // without the STE, STE.S1PIE is unknown: neither judged nor warned about
  assert.deepEqual(checkCd(cd, profile), []);
  // VMSAv9-128 always uses indirection, STE given or not
  const d128 = { ...profile, D128: 1, S2PI: 1, S2PO: 1 };
  assert.deepEqual(illegal(checkCd(build(CD, { AA64: 0 }, cd), d128)), ["CD-ILL-PIE"]);
});

test("CD-20..22 need VMSAv9-128; CD-20 is judged only with the STE", () => {
  const d128 = { ...P, D128: 1, S1PI: 1, S2PI: 1, S2PO: 1 };
  const cd = build(CD, { AA64: 0 }, CD_BASE);
  assert.deepEqual(checkCd(cd, d128), []);
  assert.deepEqual(illegal(checkCd(cd, d128, { ste: S1_STE })), ["CD-ILL-D128-S1PIE"]);
  // start level 0 (39-bit VA, 4KB) + SKL0 3 == 3: legal; T0SZ 33 starts at level 1: ILLEGAL
  const skl = build(CD, { HWU061: 1, HWU062: 1 }, cd);
  assert.deepEqual(illegal(checkCd(skl, d128)), []);
  assert.deepEqual(illegal(checkCd(build(CD, { T0SZ: 33 }, skl), d128)), ["CD-ILL-D128-SKL"]);
  // the same bits are PBHA hardware-use bits of a VMSAv8-64 CD
  assert.deepEqual(illegal(checkCd(build(CD, { AA64: 1, T0SZ: 33 }, skl), d128)), []);
});
