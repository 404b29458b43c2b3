// The walker's own STE/CD guards (walk/legality.ts) against R1's linters (checkSte / checkCd):
// over random STE/CD words and random profiles (Security state, D128, HAFT, DPT, permission
// indirection and overlays included), a guard never calls ILLEGAL what the linter calls legal,
// and what the walker does not model (VMSAv8-32, VMSAv9-128, Secure and Realm streams, permission
// indirection) is reported as "not modelled", naming it. The last property holds `translate`
// itself to the same: a C_BAD_STE / C_BAD_CD it raises is one the linter also finds, and a
// not-modelled structure is outcome "not-modelled" (no fault, no record), never C_BAD_*.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { getSmall, setValue } from "../../src/bits/fields";
import { u64FromNumber } from "../../src/bits/u64";
import { MemoryImage } from "../../src/memory/image";
import { DEFAULT_PROFILE, type Granule, type SmmuProfile, type Stage } from "../../src/smmuv3/profile";
import { CD, STE, checkCd, checkSte } from "../../src/smmuv3/records";
import { translate } from "../../src/smmuv3/walk";
import { cdGuard, cdSingleRange, steGuard } from "../../src/smmuv3/walk/legality";
import { encode, request } from "./tables";

const RUNS = { numRuns: 200, interruptAfterTimeLimit: 15_000 } as const;

const bit = fc.nat(1);
const pick = <T>(...values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values);
/** Mostly `usual`, sometimes anything `other` gives. */
const usually = <T>(usual: T, other: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: other });
/** Any TxSZ a 6-bit field holds, mostly near the legal ones. */
const txsz = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 8, max: 50 }) }, { weight: 1, arbitrary: fc.nat(63) });
const addr = pick(0x4000_0000, 0x8_0000_1000, 2 ** 40, 2 ** 44, 2 ** 48, 2 ** 52 - 0x1000);

const profileArb: fc.Arbitrary<SmmuProfile> = fc
  .record({
    OAS: pick(32, 40, 44, 48, 52),
    IAS: pick(32, 40, 44, 48, 52),
    granules: usually<Granule[]>(["4K", "16K", "64K"], fc.subarray<Granule>(["4K", "16K", "64K"], { minLength: 1 })),
    stages: usually<Stage[]>(["S1", "S2"], fc.subarray<Stage>(["S1", "S2"], { minLength: 1 })),
    SSIDSIZE: pick(0, 4, 8, 20),
    TTENDIAN: usually("mixed" as const, pick("LE" as const, "BE" as const)),
    HTTU: pick("none" as const, "AF" as const, "AF+dirty" as const),
    HAFT: bit,
    STALL_MODEL: usually(0, fc.nat(2)),
    TERM_MODEL: bit,
    TTF: usually<("AArch32" | "AArch64")[]>(
      ["AArch64"],
      fc.subarray<"AArch32" | "AArch64">(["AArch32", "AArch64"], { minLength: 1 }),
    ),
    CD2L: bit,
    VMID16: bit,
    ASID16: bit,
    ATS: bit,
    Hyp: bit,
    STT: bit,
    VAX: fc.nat(2),
    DS: bit,
    NS1ATS: bit,
    FWB: bit,
    PBHA: bit,
    RME_IMPL: bit,
    MPAM: bit,
    E2H: bit,
    DPT: bit,
    S1PI: bit,
    S2PI: bit,
    S2PO: bit,
    D128: bit,
    SEL2: bit,
    SEC_STATE: fc.oneof(
      { weight: 2, arbitrary: fc.constant("NonSecure" as const) },
      { weight: 1, arbitrary: pick("Secure" as const, "Realm" as const) },
    ),
  })
  .map((r): SmmuProfile => {
    // Only combinations the ID registers can express (profileFromJson refuses the others).
    const d128 = r.D128 === 1 && r.TTF.length === 1 && r.TTF[0] === "AArch64";
    return {
      ...DEFAULT_PROFILE,
      ...r,
      granules: new Set(r.granules),
      stages: new Set(r.stages),
      TTF: new Set(r.TTF),
      HAFT: r.HTTU === "AF+dirty" ? r.HAFT : 0,
      D128: d128 ? 1 : 0,
    };
  });

/**
 * Field values of a structure: a base the linter usually accepts, with up to `maxChanged` fields
 * replaced by arbitrary values (so that legal structures, where the guards matter, are common).
 */
function mutated(
  base: Readonly<Record<string, number>>,
  other: { [k: string]: fc.Arbitrary<number> },
  maxChanged: number,
): fc.Arbitrary<Record<string, number>> {
  return fc
    .tuple(fc.record(other), fc.subarray(Object.keys(other), { maxLength: maxChanged }))
    .map(([values, changed]) => {
      const out: Record<string, number> = { ...base };
      for (const k of changed) out[k] = values[k]!;
      return out;
    });
}

/** 16 arbitrary halves with V and Config forced (noise the linter almost always rejects). */
const noiseSte = fc
  .tuple(fc.array(fc.nat(0xffff_ffff), { minLength: 16, maxLength: 16 }), fc.integer({ min: 4, max: 7 }))
  .map(([halves, config]) => {
    const words = Uint32Array.from(halves);
    setValue(words, STE.byName.get("V")!, u64FromNumber(1));
    setValue(words, STE.byName.get("Config")!, u64FromNumber(config));
    return words;
  });

/** An STE the guard is asked about (V 1, Config 0b1xx): a stage-1/stage-2 STE with a few fields changed. */
const steArb: fc.Arbitrary<Uint32Array> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        pick(4, 5, 6, 7, 7),
        bit,
        mutated(
          // 4KB stage 2, 32-bit IPA from level 2 (4 concatenated tables): legal on every IAS/OAS generated
          { S2T0SZ: 32, S2SL0: 0, S2TG: 0, S2PS: 2, S2TTB: 0x4000_0000, S1ContextPtr: 0x4000_0000, S2VMID: 5 },
          {
            S1Fmt: fc.nat(3),
            S1CDMax: fc.nat(21),
            S1DSS: fc.nat(3),
            S1ContextPtr: addr,
            S1STALLD: bit,
            S1PIE: bit,
            EATS: fc.nat(3),
            STRW: fc.nat(3),
            S2VMID: pick(0, 0x100),
            S2T0SZ: txsz,
            S2SL0: fc.nat(3),
            S2TG: fc.nat(3),
            S2PS: fc.nat(7),
            S2ENDI: bit,
            S2AFFD: bit,
            S2HD: bit,
            S2HA: bit,
            S2S: bit,
            S2R: bit,
            S2HAFT: bit,
            S2PIE: bit,
            S2POE: bit,
            S2SL0_2: bit,
            S2DS: bit,
            S2TTB: addr,
            S2SKL: fc.nat(3),
            S_S2T0SZ: txsz,
            S_S2SL0: fc.nat(3),
            S_S2TG: fc.nat(3),
            S_S2TTB: addr,
          },
          4,
        ),
      )
      .map(([Config, S2AA64, v]) => encode(STE, { V: 1, Config, S2AA64: S2AA64 || Config === 7 ? 1 : 0, ...v })),
  },
  { weight: 1, arbitrary: noiseSte },
);

/** A CD: a 4KB TTB0 + TTB1 CD with a few fields changed, or noise. */
const cdArb: fc.Arbitrary<Uint32Array> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        bit,
        mutated(
          {
            V: 1,
            T0SZ: 25,
            TG0: 0,
            T1SZ: 25,
            TG1: 2,
            IPS: 2,
            A: 1,
            R: 1,
            ASID: 1,
            TTB0: 0x4000_0000,
            TTB1: 0x4001_0000,
          },
          {
            V: bit,
            T0SZ: txsz,
            TG0: fc.nat(3),
            EPD0: bit,
            ENDI: bit,
            T1SZ: txsz,
            TG1: fc.nat(3),
            EPD1: bit,
            IPS: fc.nat(7),
            HD: bit,
            HA: bit,
            S: bit,
            R: bit,
            A: bit,
            ASID: pick(0x100, 0xffff),
            HAFT: bit,
            TTB0: addr,
            TTB1: addr,
            DS: bit,
            PIE: bit,
            HWU061: bit,
            HWU062: bit,
          },
          4,
        ),
      )
      .map(([aa32, v]) => encode(CD, { AA64: aa32 ? 0 : 1, ...v })),
  },
  {
    weight: 1,
    arbitrary: fc.array(fc.nat(0xffff_ffff), { minLength: 16, maxLength: 16 }).map((h) => Uint32Array.from(h)),
  },
);

function illegalFinding(findings: readonly { illegal: boolean; event?: string }[], event: string): boolean {
  return findings.some((f) => f.illegal && f.event === event);
}

const steField = (words: Uint32Array, name: string): number => getSmall(words, STE.byName.get(name)!);
const cdField = (words: Uint32Array, name: string): number => getSmall(words, CD.byName.get(name)!);

/** A not-modelled reason names what is not modelled. */
const NOT_MODELLED =
  /^not modelled: (VMSAv8-32|VMSAv9-128|Secure|Realm|stage-1 permission indirection|stage-2 permission indirection) /;

test("steGuard never calls ILLEGAL an STE checkSte finds legal; what it cannot walk is named as not modelled", () => {
  fc.assert(
    fc.property(steArb, profileArb, (ste, profile) => {
      const verdict = steGuard(ste, profile);
      const illegal = illegalFinding(checkSte(ste, profile), "C_BAD_STE");
      if (verdict?.kind === "illegal") assert.ok(illegal, `guard: ${verdict.reason}; checkSte finds it legal`);
      if (verdict?.kind === "not-modelled") assert.match(verdict.reason, NOT_MODELLED);
      if (illegal) return;
      const config = steField(ste, "Config");
      const s2 = config === 6 || config === 7;
      if (profile.SEC_STATE !== "NonSecure") {
        assert.equal(verdict?.kind, "not-modelled");
        assert.ok(verdict.reason.startsWith(`not modelled: ${profile.SEC_STATE} `), verdict.reason);
      } else if (s2 && steField(ste, "S2AA64") === 0) {
        assert.equal(verdict?.kind, "not-modelled");
        assert.match(verdict.reason, profile.D128 === 1 ? /^not modelled: VMSAv9-128 / : /^not modelled: VMSAv8-32 /);
      }
    }),
    RUNS,
  );
});

test("cdGuard never calls ILLEGAL a CD checkCd finds legal; VMSAv9-128 and VMSAv8-32 stage 1 are not modelled", () => {
  const steFor = fc
    .record({
      Config: pick(5, 7),
      STRW: fc.nat(3),
      S1STALLD: bit,
      S1PIE: bit,
      S2AA64: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(0) }),
    })
    .map((v) => encode(STE, { V: 1, ...v }));
  fc.assert(
    fc.property(cdArb, steFor, profileArb, fc.boolean(), (cd, ste, profile, e2h) => {
      const verdict = cdGuard(cd, ste, profile, !cdSingleRange(ste, profile, e2h));
      const illegal = illegalFinding(checkCd(cd, profile, { ste, e2h }), "C_BAD_CD");
      if (verdict?.kind === "illegal") assert.ok(illegal, `guard: ${verdict.reason}; checkCd finds it legal`);
      if (verdict?.kind === "not-modelled") assert.match(verdict.reason, NOT_MODELLED);
      if (illegal) return;
      if (profile.SEC_STATE !== "NonSecure") {
        assert.equal(verdict?.kind, "not-modelled");
      } else if (cdField(cd, "AA64") === 0) {
        assert.equal(verdict?.kind, "not-modelled");
        assert.match(verdict.reason, profile.D128 === 1 ? /^not modelled: VMSAv9-128 / : /^not modelled: VMSAv8-32 /);
      }
    }),
    RUNS,
  );
});

test("translate raises C_BAD_STE / C_BAD_CD only where checkSte / checkCd find the structure ILLEGAL, else says not modelled without a fault", () => {
  const memory = new MemoryImage();
  fc.assert(
    fc.property(steArb, cdArb, profileArb, fc.boolean(), (ste, cd, profile, e2h) => {
      const r = translate({ profile, memory, ste: { words: ste }, cd: { words: cd }, e2h }, request(0x1000), {
        trace: false,
      });
      if (r.outcome === "not-modelled") {
        assert.match(r.reason ?? "", NOT_MODELLED);
        assert.equal(r.fault, undefined);
        assert.equal(r.pa, undefined);
        return;
      }
      const event = r.fault?.event;
      if (event !== "C_BAD_STE" && event !== "C_BAD_CD") return;
      const reason = r.fault!.reason;
      assert.doesNotMatch(reason, /not modelled/);
      const findings = event === "C_BAD_STE" ? checkSte(ste, profile) : checkCd(cd, profile, { ste, e2h });
      assert.ok(illegalFinding(findings, event), `${event}: ${reason}; the linter finds it legal`);
    }),
    RUNS,
  );
});

// ---- the cases the properties were written for, with exact results ------------------------------

const NS_D128 = { ...DEFAULT_PROFILE, D128: 1, S1PI: 1, S2PI: 1, S2PO: 1, IAS: 48, OAS: 48 };

test("a legal VMSAv9-128 stage 2 (D128, S2AA64 0) is reported as not modelled, not as VMSAv8-32", () => {
  const ste = encode(STE, { V: 1, Config: 6, S2AA64: 0, S2T0SZ: 24, S2TG: 0, S2PS: 5, S2TTB: 0x4000_0000 });
  assert.deepEqual(
    checkSte(ste, NS_D128).filter((f) => f.illegal),
    [],
  );
  const r = translate({ profile: NS_D128, memory: new MemoryImage(), ste: { words: ste } }, request(0x1000));
  assert.equal(r.outcome, "not-modelled");
  assert.equal(r.fault, undefined);
  assert.equal(
    r.reason,
    "not modelled: VMSAv9-128 stage-2 tables (S2AA64 0 with IDR5.D128 1): the walker reads only VMSAv8-64 descriptors",
  );
  // Without D128 the same STE is VMSAv8-32, ILLEGAL on an AArch64-only SMMU (STE-23).
  const plain = steGuard(ste, { ...NS_D128, D128: 0 });
  assert.equal(plain?.kind, "illegal");
});

test("a legal VMSAv9-128 stage 1 (D128, CD.AA64 0, STE.S1PIE 1) is reported as not modelled", () => {
  const ste = encode(STE, { V: 1, Config: 5, S1PIE: 1 });
  const cd = encode(CD, { V: 1, AA64: 0, T0SZ: 25, TG0: 0, EPD1: 1, IPS: 5, A: 1, R: 1, TTB0: 0x4000_0000 });
  assert.deepEqual(
    checkCd(cd, NS_D128, { ste }).filter((f) => f.illegal),
    [],
  );
  assert.deepEqual(cdGuard(cd, ste, NS_D128, true), {
    kind: "not-modelled",
    reason:
      "not modelled: VMSAv9-128 stage-1 tables (CD.AA64 0 with IDR5.D128 1): the walker reads only VMSAv8-64 descriptors",
  });
});

test("Secure and Realm streams are not modelled: a Realm STE with S1STALLD under forced stalls is legal, not STE-16", () => {
  // §5.2 STE.S1STALLD: for a Realm STE only SMMU_R_IDR0.STALL_MODEL == 0b01 makes S1STALLD 1 ILLEGAL.
  const ste = encode(STE, { V: 1, Config: 5, S1STALLD: 1 });
  const realm = { ...DEFAULT_PROFILE, SEC_STATE: "Realm" as const, STALL_MODEL: 2 };
  assert.deepEqual(
    checkSte(ste, realm).filter((f) => f.illegal),
    [],
  );
  const verdict = steGuard(ste, realm);
  assert.equal(verdict?.kind, "not-modelled");
  assert.ok(verdict.reason.startsWith('not modelled: Realm streams (SEC_STATE "Realm")'), verdict.reason);
  // The Non-secure rule still holds for a Non-secure STE.
  assert.equal(steGuard(ste, { ...realm, SEC_STATE: "NonSecure" })?.kind, "illegal");
  const secure = steGuard(encode(STE, { V: 1, Config: 4 }), { ...DEFAULT_PROFILE, SEC_STATE: "Secure" });
  assert.equal(secure?.kind, "not-modelled");
  assert.ok(secure.reason.startsWith('not modelled: Secure streams (SEC_STATE "Secure")'), secure.reason);
});

test("CD-13 is not applied in the single-range NS-EL2 StreamWorld, which has no ASID", () => {
  const profile = { ...DEFAULT_PROFILE, Hyp: 1, ASID16: 0 };
  const ste = encode(STE, { V: 1, Config: 5, STRW: 2 });
  const cd = encode(CD, {
    V: 1,
    AA64: 1,
    T0SZ: 25,
    TG0: 0,
    EPD1: 1,
    IPS: 5,
    A: 1,
    R: 1,
    ASID: 0x100,
    TTB0: 0x4000_0000,
  });
  assert.equal(cdSingleRange(ste, profile, false), true);
  assert.deepEqual(
    checkCd(cd, profile, { ste, e2h: false }).filter((f) => f.illegal),
    [],
  );
  assert.equal(cdGuard(cd, ste, profile, false), undefined);
  // With E2H (two ranges) the ASID is used, and both say ILLEGAL.
  assert.equal(cdSingleRange(ste, profile, true), false);
  assert.equal(cdGuard(cd, ste, profile, true)?.reason, "CD-13: ASID[15:8] set without 16-bit ASIDs");
  assert.deepEqual(
    checkCd(cd, profile, { ste, e2h: true })
      .filter((f) => f.illegal)
      .map((f) => f.code),
    ["CD-ILL-ASID"],
  );
});

test("permission indirection is not modelled: STE.S2PIE with IDR3.S2PI, CD.PIE with STE.S1PIE and IDR3.S1PI", () => {
  const profile = { ...DEFAULT_PROFILE, S1PI: 1, S2PI: 1 };
  const ste = encode(STE, { V: 1, Config: 6, S2AA64: 1, S2T0SZ: 32, S2TG: 0, S2PS: 2, S2TTB: 0x4000_0000, S2PIE: 1 });
  assert.deepEqual(
    checkSte(ste, profile).filter((f) => f.illegal),
    [],
  );
  const r = translate({ profile, memory: new MemoryImage(), ste: { words: ste } }, request(0x1000));
  assert.equal(r.outcome, "not-modelled");
  assert.equal(r.fault, undefined);
  assert.equal(
    r.reason,
    "not modelled: stage-2 permission indirection (S2PIE 1 with IDR3.S2PI 1, and overlays with S2POE): the walker applies only the direct permission scheme (S2AP, XN)",
  );
  // Without IDR3.S2PI the bit is RES0 and the walk goes on (to the empty stage-2 tables)
  assert.equal(steGuard(ste, { ...profile, S2PI: 0 }), undefined);
  const s1 = encode(STE, { V: 1, Config: 5, S1PIE: 1 });
  const cd = encode(CD, { V: 1, AA64: 1, T0SZ: 25, TG0: 0, EPD1: 1, IPS: 5, A: 1, R: 1, TTB0: 0x4000_0000, PIE: 1 });
  assert.equal(
    cdGuard(cd, s1, profile, true)?.reason,
    "not modelled: stage-1 permission indirection (CD.PIE 1 with STE.S1PIE 1 and IDR3.S1PI 1): the walker applies only the direct permission scheme (AP, PXN, UXN)",
  );
  assert.equal(cdGuard(cd, encode(STE, { V: 1, Config: 5 }), profile, true), undefined);
  assert.equal(cdGuard(cd, s1, { ...profile, S1PI: 0 }, true), undefined);
});
