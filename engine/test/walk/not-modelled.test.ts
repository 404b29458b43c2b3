// Outcome "not-modelled": a legal STE or CD (no ILLEGAL condition, so the SMMU raises no
// C_BAD_STE / C_BAD_CD) that selects what the walker does not implement. The result has the
// reason naming it and the STE/CD reads made, and no fault, record or PA; enumerateAddressSpace
// says it cannot map the stream. A legal Non-secure walk of the same structures is unchanged.

import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryImage } from "../../src/memory/image";
import { DEFAULT_PROFILE, type SmmuProfile } from "../../src/smmuv3/profile";
import { CD, STE, checkCd, checkSte } from "../../src/smmuv3/records";
import { type TraceStep, type WalkResult, enumerateAddressSpace, translate } from "../../src/smmuv3/walk";
import { Tables, cdWords, encode, linearSetup, request, writeWords } from "./tables";

const STE_ADDR = 0x10000 + 0x11 * 64; // linear stream table at 0x10000, StreamID 0x11
const CD_ADDR = 0x20000;

/** The trace as [what, structure, space, addr, pa], for exact comparison. */
function reads(r: WalkResult): [string, string, string, number, number][] {
  return r.steps.map((s: TraceStep) => [s.what, s.structure, s.space, s.addr, s.pa]);
}

function structureReads(what: "STE" | "CD", base: number): [string, string, string, number, number][] {
  return [0, 1, 2, 3, 4, 5, 6, 7].map((d) => [`${what} dword ${d}`, what, "PA", base + d * 8, base + d * 8]);
}

/** The keys a not-modelled result may have: outcome, reason, steps (and linter warnings). */
function assertNotModelled(r: WalkResult, reason: string): void {
  assert.equal(r.outcome, "not-modelled");
  assert.equal(r.reason, reason);
  assert.equal(r.fault, undefined);
  assert.equal(r.pa, undefined);
  assert.equal(r.size, undefined);
  assert.equal(r.perm, undefined);
  assert.equal(r.attrs, undefined);
  assert.deepEqual(
    (r.findings ?? []).filter((f) => f.illegal),
    [],
  );
}

const S1_STE = encode(STE, { V: 1, Config: 5, S1Fmt: 0, S1ContextPtr: CD_ADDR, S1CDMax: 0 });
const SECURE: SmmuProfile = { ...DEFAULT_PROFILE, SEC_STATE: "Secure" };

test("a legal Secure-state STE is not modelled after the STE fetch: no C_BAD_STE, no record", () => {
  assert.deepEqual(
    checkSte(S1_STE, SECURE).filter((f) => f.illegal),
    [],
  );
  const r = translate(linearSetup(new MemoryImage(), SECURE, 0x11, S1_STE), request(0x1000));
  assertNotModelled(
    r,
    'not modelled: Secure streams (SEC_STATE "Secure"): the walker translates Non-secure streams only (one physical address space, no Secure stage 2); this STE is not ILLEGAL by checkSte\'s rules for Secure STEs',
  );
  assert.deepEqual(reads(r), structureReads("STE", STE_ADDR));
  // The same stream in the Realm state names Realm and granule protection checks instead.
  const realm = translate(
    linearSetup(new MemoryImage(), { ...DEFAULT_PROFILE, SEC_STATE: "Realm" }, 0x11, S1_STE),
    request(0x1000),
  );
  assert.equal(
    realm.reason,
    'not modelled: Realm streams (SEC_STATE "Realm"): the walker translates Non-secure streams only (one physical address space, no granule protection checks); this STE is not ILLEGAL by checkSte\'s rules for Realm STEs',
  );
  assert.equal(realm.outcome, "not-modelled");
});

test("a VMSAv9-128 CD (IDR5.D128 1, CD.AA64 0) is not modelled after the STE and CD fetches", () => {
  const d128: SmmuProfile = { ...DEFAULT_PROFILE, D128: 1, S1PI: 1, S2PI: 1, S2PO: 1, IAS: 48, OAS: 48 };
  const ste = encode(STE, { V: 1, Config: 5, S1ContextPtr: CD_ADDR, S1PIE: 1 });
  const cd = encode(CD, { V: 1, AA64: 0, T0SZ: 25, TG0: 0, EPD1: 1, IPS: 5, A: 1, R: 1, TTB0: 0x4000_0000 });
  assert.deepEqual(
    checkCd(cd, d128, { ste }).filter((f) => f.illegal),
    [],
  );
  const memory = new MemoryImage();
  writeWords(memory, CD_ADDR, cd);
  const r = translate(linearSetup(memory, d128, 0x11, ste), request(0x1000, "write"));
  assertNotModelled(
    r,
    "not modelled: VMSAv9-128 stage-1 tables (CD.AA64 0 with IDR5.D128 1): the walker reads only VMSAv8-64 descriptors",
  );
  assert.deepEqual(reads(r), [...structureReads("STE", STE_ADDR), ...structureReads("CD", CD_ADDR)]);
  // Given STE and CD are not fetched: no reads at all.
  const given = translate({ profile: d128, memory, ste: { words: ste }, cd: { words: cd } }, request(0x1000));
  assert.equal(given.outcome, "not-modelled");
  assert.deepEqual(given.steps, []);
});

test("a VMSAv8-32 stage-2 STE (S2AA64 0, IDR0.TTF with AArch32) is not modelled; without AArch32 it is STE-23", () => {
  const aarch32: SmmuProfile = { ...DEFAULT_PROFILE, TTF: new Set(["AArch32", "AArch64"]) };
  const ste = encode(STE, {
    V: 1,
    Config: 6,
    S2AA64: 0,
    S2T0SZ: 0,
    S2SL0: 1,
    S2TG: 0,
    S2PS: 0,
    S2R: 1,
    S2TTB: 0x4000_0000,
  });
  assert.deepEqual(
    checkSte(ste, aarch32).filter((f) => f.illegal),
    [],
  );
  const r = translate(linearSetup(new MemoryImage(), aarch32, 0x11, ste), request(0x1000));
  assertNotModelled(
    r,
    "not modelled: VMSAv8-32 LPAE stage-2 tables (S2AA64 0): the walker reads only VMSAv8-64 descriptors",
  );
  assert.deepEqual(reads(r), structureReads("STE", STE_ADDR));
  // The same STE on an AArch64-only SMMU is ILLEGAL: that stays the C_BAD_STE fault with its record.
  const bad = translate(linearSetup(new MemoryImage(), DEFAULT_PROFILE, 0x11, ste), request(0x1000));
  assert.equal(bad.outcome, "fault");
  assert.equal(bad.fault?.event, "C_BAD_STE");
  assert.equal(bad.fault?.recorded, true);
  assert.equal(bad.fault?.record?.length, 8);
});

test("a VMSAv8-32 stage-2 STE whose S2SL0 and S2T0SZ disagree is C_BAD_STE (STE-31), not not-modelled", () => {
  const aarch32: SmmuProfile = { ...DEFAULT_PROFILE, TTF: new Set(["AArch32", "AArch64"]) };
  const fields = { V: 1, Config: 6, S2AA64: 0, S2TG: 0, S2PS: 0, S2R: 1, S2TTB: 0x4000_0000 };
  // S2T0SZ 0b1000 is -8, a 40-bit IPA: legal from level 1 (S2SL0 0b01), ILLEGAL from level 2 (0b00)
  const legal = translate(
    linearSetup(new MemoryImage(), aarch32, 0x11, encode(STE, { ...fields, S2T0SZ: 8, S2SL0: 1 })),
    request(0x1000),
  );
  assert.equal(legal.outcome, "not-modelled");
  const r = translate(
    linearSetup(new MemoryImage(), aarch32, 0x11, encode(STE, { ...fields, S2T0SZ: 8, S2SL0: 0 })),
    request(0x1000),
  );
  assert.equal(r.outcome, "fault");
  assert.equal(r.fault?.event, "C_BAD_STE");
  assert.equal(r.fault?.recorded, true);
  assert.equal(r.fault?.record?.length, 8);
  assert.equal(r.fault?.record?.[0], 0x04); // C_BAD_STE, no SubstreamID
  assert.equal(r.fault?.record?.[1], 0x11); // StreamID
  assert.match(r.fault?.reason ?? "", /^STE-ILL-S2SL0: S2SL0 0b00 selects start level 2, .* 40-bit IPA space/);
  assert.deepEqual(reads(r), structureReads("STE", STE_ADDR));
  assert.equal(r.pa, undefined);
});

test("enumerateAddressSpace of a not-modelled stream is a problem that says the map is unknown", () => {
  const map = enumerateAddressSpace(linearSetup(new MemoryImage(), SECURE, 0x11, S1_STE), 0x11);
  assert.deepEqual(map.mappings, []);
  assert.deepEqual(map.problems, [
    'cannot map this stream: not modelled: Secure streams (SEC_STATE "Secure"): the walker translates Non-secure streams only (one physical address space, no Secure stage 2); this STE is not ILLEGAL by checkSte\'s rules for Secure STEs (its mappings are unknown, not absent)',
  ]);
});

test("the same stage-1 stream in the Non-secure state walks as before", () => {
  const memory = new MemoryImage();
  const s1 = new Tables(memory, 1, "4K", 48, 0, 0x40000);
  s1.map(0x1000, 0x8_0000_0000, 3, { AP: 0, PXN: 1 });
  writeWords(memory, CD_ADDR, cdWords({ TTB0: s1.root }));
  const r = translate(linearSetup(memory, DEFAULT_PROFILE, 0x11, S1_STE), request(0x1234, "write"));
  assert.equal(r.outcome, "translated");
  assert.equal(r.pa, 0x8_0000_0234);
  assert.equal(r.size, 0x1000);
  assert.deepEqual(r.perm, { read: true, write: true, exec: false });
  assert.equal(r.fault, undefined);
  assert.deepEqual(reads(r), [
    ...structureReads("STE", STE_ADDR),
    ...structureReads("CD", CD_ADDR),
    ["S1 L0 descriptor", "S1", "PA", 0x40000, 0x40000],
    ["S1 L1 descriptor", "S1", "PA", 0x41000, 0x41000],
    ["S1 L2 descriptor", "S1", "PA", 0x42000, 0x42000],
    ["S1 L3 descriptor", "S1", "PA", 0x43008, 0x43008],
  ]);
});
