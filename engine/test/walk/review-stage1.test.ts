// Review (Q1): stage-1 cases the first tests did not pin down, each with hand-computed
// expectations. Record arithmetic (reference §1.1): DW0 = StreamID 0x11 << 32 | event number;
// DW1 bit 33 PnU, 34 InD, 35 RnW, 39 S2, [41:40] CLASS (2 = IN); DW2 = the full input address.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryImage } from "../../src/memory/image";
import { u64 } from "../../src/bits/u64";
import type { SmmuProfile } from "../../src/smmuv3/profile";
import {
  type TranslationRequest,
  type TranslationSetup,
  type WalkResult,
  enumerateAddressSpace,
  translate,
} from "../../src/smmuv3/walk";
import { Tables, type Values, cdWords, linearSetup, profile, recordHex, request, steWords, writeWords } from "./tables";

const CD_ADDR = 0x20000;
const ROOT0 = 0x100000;
const ROOT1 = 0x400000;

interface S1 {
  t0: Tables;
  t1: Tables;
  setup: TranslationSetup;
  run: (req: TranslationRequest) => WalkResult;
}

/** Stage-1 stream 0x11: 4K granules, T0SZ = T1SZ = 25 (39-bit halves, start level 1). */
function s1(cd: Values = {}, ste: Values = {}, prof: Partial<SmmuProfile> = {}): S1 {
  const mem = new MemoryImage();
  writeWords(mem, CD_ADDR, cdWords({ T0SZ: 25, TTB0: ROOT0, T1SZ: 25, TG1: 2, EPD1: 0, SH1: 3, TTB1: ROOT1, ...cd }));
  const setup = linearSetup(mem, profile(prof), 0x11, steWords({ Config: 0b101, S1ContextPtr: CD_ADDR, ...ste }));
  const t0 = new Tables(mem, 1, "4K", 39, 1, ROOT0);
  const t1 = new Tables(mem, 1, "4K", 39, 1, ROOT1);
  return { t0, t1, setup, run: (req) => translate(setup, req) };
}

test("input range faults (TxSZ, TTB1 sign bits, EPDx, E0PDx) are level-0 translation faults", () => {
  // Arm DDI 0487 (AArch64.S1Translate; ESR FSC 0b000100): a VA outside the TTBx range, a walk
  // disabled by EPDx and an E0PDx-blocked access are Translation faults at level 0, whatever
  // the start level (here 1). §5.9: S2=0, CLASS=IN.
  const w = s1({ E0PD0: 1 }, {}, { E0PD: 1 });
  w.t0.map(0x1000, 0x5000, 3);
  const bad = w.run(request(0x80_0000_0000)); // bit 39 set in the TTB0 half (VA[55] 0)
  assert.equal(bad.fault?.event, "F_TRANSLATION", bad.fault?.reason);
  assert.equal(bad.fault?.stage, 1);
  assert.equal(bad.fault?.class, "IN");
  assert.equal(bad.fault?.level, 0);
  assert.deepEqual(recordHex(bad.fault?.record), ["0x1100000010", "0x20a00000000", "0x8000000000", "0x0"]);
  const e0pd = w.run(request(0x1000, "read", { privileged: false }));
  assert.equal(e0pd.fault?.event, "F_TRANSLATION", e0pd.fault?.reason);
  assert.equal(e0pd.fault?.level, 0);
  // Unprivileged: DW1 = RnW (bit 35) | CLASS=IN = 0x20800000000.
  assert.deepEqual(recordHex(e0pd.fault?.record), ["0x1100000010", "0x20800000000", "0x1000", "0x0"]);
  const epd = s1({ EPD1: 1 });
  const r = epd.run(request(u64(0x1000, 0xffff_ff80)));
  assert.equal(r.fault?.event, "F_TRANSLATION", r.fault?.reason);
  assert.equal(r.fault?.level, 0);
});

test("TBI0: the tag byte is ignored for the range check and the walk, but kept in InputAddr", () => {
  // §5.2 step 3/4: with TBI0 the range check covers VA[55:39] only; §1.1: InputAddr is the full
  // 64-bit address (TBI does not strip [63:56]).
  const w = s1({ TBI0: 1 });
  w.t0.map(0x12_3456_7000, 0x8_0000_0000, 3);
  const ok = w.run(request(u64(0x3456_7abc, 0x5a00_0012)));
  assert.equal(ok.fault?.reason, undefined);
  assert.equal(ok.pa, 0x8_0000_0abc);
  const miss = w.run(request(u64(0x3456_8abc, 0x5a00_0012), "write"));
  assert.equal(miss.fault?.event, "F_TRANSLATION");
  assert.equal(miss.fault?.level, 3);
  // Privileged write: DW1 = PnU | CLASS=IN = 0x20200000000; DW2 keeps the tag 0x5a.
  assert.deepEqual(recordHex(miss.fault?.record), ["0x1100000010", "0x20200000000", "0x5a00001234568abc", "0x0"]);
  // Without TBI0 the same tagged address fails the range check at level 0.
  const noTbi = s1();
  const r = noTbi.run(request(u64(0x3456_7abc, 0x5a00_0012)));
  assert.equal(r.fault?.event, "F_TRANSLATION");
  assert.equal(r.fault?.level, 0);
});

test("STRW 0b10 (IDR0.Hyp): the walker and the CD linter agree on the StreamWorld", () => {
  // The CD linter judges STRW 0b10 as NS-EL2-E2H unless told otherwise (Linux programs STRW EL2
  // only with SMMU_CR2.E2H = 1); §2.2: EL2-E2H has TTB0 + TTB1 and two privilege levels.
  const e2h = s1({}, { STRW: 2 }, { Hyp: 1 });
  e2h.t1.map(0x7f_ffff_f000, 0x9_0000_0000, 3, { AP: 0 }); // VA 0xffff_ffff_ffff_f000 via TTB1
  const hi = u64(0xffff_fabc, 0xffff_ffff);
  const viaTtb1 = e2h.run(request(hi));
  assert.equal(viaTtb1.fault?.reason, undefined);
  assert.equal(viaTtb1.pa, 0x9_0000_0abc);
  // AP 0b00: privileged only. An unprivileged read faults at level 3 (two privileges).
  const unpriv = e2h.run(request(hi, "read", { privileged: false }));
  assert.equal(unpriv.fault?.event, "F_PERMISSION", unpriv.fault?.reason);
  assert.equal(unpriv.fault?.level, 3);
  // With SMMU_CR2.E2H = 0 given explicitly: NS-EL2, one range, one privilege (AP[1] as 1).
  const el2 = s1({}, { STRW: 2 }, { Hyp: 1 });
  el2.t0.map(0x1000, 0x9_0000_0000, 3, { AP: 0 });
  const setup: TranslationSetup = { ...el2.setup, e2h: false };
  const single = translate(setup, request(0x1abc, "read", { privileged: false }));
  assert.equal(single.fault?.reason, undefined);
  assert.equal(single.pa, 0x9_0000_0abc);
  const noTtb1 = translate(setup, request(hi));
  assert.equal(noTtb1.fault?.event, "F_TRANSLATION");
  assert.equal(noTtb1.fault?.level, 0);
});

test("the profile's E2H (SMMU_CR2.E2H) decides STRW 0b10 the same way; the setup's e2h overrides it", () => {
  const el2 = s1({}, { STRW: 2 }, { Hyp: 1, E2H: 0 });
  el2.t0.map(0x1000, 0x9_0000_0000, 3, { AP: 0 });
  // one privilege: the unprivileged read of an AP 0b00 page is allowed, as with setup.e2h false
  const single = translate(el2.setup, request(0x1abc, "read", { privileged: false }));
  assert.equal(single.fault?.reason, undefined);
  assert.equal(single.pa, 0x9_0000_0abc);
  // the setup's override wins: E2H on again, two privileges, the same read faults
  const twoPriv = translate({ ...el2.setup, e2h: true }, request(0x1abc, "read", { privileged: false }));
  assert.equal(twoPriv.fault?.event, "F_PERMISSION", twoPriv.fault?.reason);
  assert.equal(twoPriv.fault?.level, 3);
});

test("NS-EL2 (STRW 0b10, CR2.E2H 0): EPD0 is IGNORED, the TTB0 walk goes on", () => {
  // Reference §2.2: in the any-EL2 StreamWorld EPD0/EPD1 are IGNORED (effective 0), and R1's CD
  // linter judges TTB0 as enabled; the walk must not stop at EPD0.
  const w = s1({ EPD0: 1 }, { STRW: 2 }, { Hyp: 1 });
  w.t0.map(0x1000, 0x9_0000_0000, 3);
  const r = translate({ ...w.setup, e2h: false }, request(0x1abc));
  assert.equal(r.fault?.reason, undefined);
  assert.equal(r.pa, 0x9_0000_0abc);
  // The address-space map agrees: the one page of TTB0 is listed.
  const map = enumerateAddressSpace({ ...w.setup, e2h: false }, 0x11);
  assert.deepEqual(
    map.mappings.map((m) => [m.iovaNumber, m.size, m.pa]),
    [[0x1000, 0x1000, 0x9_0000_0000]],
  );
});
