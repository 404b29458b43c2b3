// Review (Q1): nested-walk cases the first tests did not pin down, each with hand-computed
// expectations (event, stage, CLASS, level and the exact record dwords).
//
// Record arithmetic used below (reference §1.1): DW0 = StreamID 0x11 << 32 | event number;
// DW1 bit 33 PnU, 34 InD, 35 RnW, 39 S2, [41:40] CLASS (0 CD, 1 TT, 2 IN), 44 TTRnW;
// DW2 = the full input address; DW3 = IPA[55:12] when S2 == 1, else 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryImage } from "../../src/memory/image";
import type { SmmuProfile } from "../../src/smmuv3/profile";
import { type TranslationRequest, type WalkResult, translate } from "../../src/smmuv3/walk";
import { Tables, type Values, cdWords, linearSetup, profile, recordHex, request, steWords, writeWords } from "./tables";

const OFFSET = 0x80_0000_0000;
const S2ROOT = 0x4000_0000;
const CD_IPA = 0x20000;
const S1ROOT = 0x10_0000;
const VA = 0x1234_5678_9abc;

interface Nested {
  s1: Tables;
  s2: Tables;
  mapTables: (leaf?: Values) => void;
  run: (req: TranslationRequest) => WalkResult;
}

/** Stage 1 4K, T0SZ 16 over stage 2 4K, S2T0SZ 16, start level 0 (OAS = IAS = 48). */
function nested(ste: Values = {}, cd: Values = {}, prof: Partial<SmmuProfile> = {}): Nested {
  const mem = new MemoryImage();
  const p = profile({ OAS: 48, IAS: 48, ...prof });
  writeWords(mem, CD_IPA + OFFSET, cdWords({ TTB0: S1ROOT, ...cd }));
  const setup = linearSetup(
    mem,
    p,
    0x11,
    steWords({
      Config: 0b111,
      S1ContextPtr: CD_IPA,
      S2T0SZ: 16,
      S2SL0: 2,
      S2TG: 0,
      S2PS: 5,
      S2AA64: 1,
      S2R: 1,
      S2TTB: S2ROOT,
      ...ste,
    }),
  );
  const s1 = new Tables(mem, 1, "4K", 48, 0, S1ROOT, OFFSET);
  const s2 = new Tables(mem, 2, "4K", 48, 0, S2ROOT);
  const mapTables = (leaf: Values = {}): void => {
    s2.map(CD_IPA, CD_IPA + OFFSET, 3);
    for (const page of s1.tablePages()) s2.map(page, page + OFFSET, 3, leaf);
  };
  return { s1, s2, mapTables, run: (req) => translate(setup, req) };
}

test("HTTU AF update in a nested walk: the stage-1 permission check comes before the stage-2 write of the descriptor", () => {
  // Stage-1 leaf AF 0 with CD.HA 1, AP 0b11 (read-only); the stage-1 table pages are read-only
  // at stage 2. A write fails the stage-1 permission check, and the AF update (which would need
  // stage-2 write permission) is never attempted: §1.4 nested step 4 ("F_ACCESS, F_PERMISSION
  // S2=0 CLASS=IN; HTTU AF/dirty write *then* needs stage 2 write permission") and Arm DDI 0487
  // AArch64.S1Translate (permission check, then the descriptor update through stage 2).
  const w = nested({}, { HA: 1 }, { HTTU: "AF" });
  w.s1.map(VA, 0x7_0000_0000, 3, { AF: 0, AP: 3 });
  w.mapTables({ S2AP: 1 });
  w.s2.map(0x7_0000_0000, 0x9_0000_0000, 3);
  const r = w.run(request(VA, "write"));
  assert.equal(r.outcome, "fault");
  assert.equal(r.fault?.event, "F_PERMISSION", r.fault?.reason);
  assert.equal(r.fault?.stage, 1);
  assert.equal(r.fault?.class, "IN");
  assert.equal(r.fault?.level, 3);
  // DW1: PnU (bit 33) | CLASS=IN (2 << 40); RnW 0 (write), S2 0. DW3: IPA UNKNOWN, written 0.
  assert.deepEqual(recordHex(r.fault?.record), ["0x1100000013", "0x20200000000", "0x123456789abc", "0x0"]);
  // DDI 0487 leaves an AF update on a Permission-faulting access CONSTRAINED UNPREDICTABLE: the
  // reason names the other possible outcome.
  assert.match(r.fault?.reason ?? "", /CLASS=TT/);

  // The same read is allowed by stage 1, so the AF update is made and needs stage-2 write
  // permission on the table page: F_PERMISSION S2=1 CLASS=TT TTRnW=0, IPA = the L3 descriptor's
  // page. DW1: PnU | RnW (read, bit 35) | S2 (bit 39) | CLASS=TT (1 << 40) = 0x18a00000000.
  const read = w.run(request(VA, "read"));
  assert.equal(read.fault?.event, "F_PERMISSION", read.fault?.reason);
  assert.equal(read.fault?.stage, 2);
  assert.equal(read.fault?.class, "TT");
  const l3 = w.s1.descriptorAddr(VA, 3);
  assert.deepEqual(recordHex(read.fault?.record), [
    "0x1100000013",
    "0x18a00000000",
    "0x123456789abc",
    "0x" + (l3 - (l3 % 0x1000)).toString(16),
  ]);
});

test("HTTU AF update with AF 0: F_ACCESS is never raised when HA is on, whatever AFFD says", () => {
  // §5.7: AF 0 with HA 1 is set by hardware; AFFD is IGNORED when HA == 1.
  const w = nested({}, { HA: 1, AFFD: 0 }, { HTTU: "AF" });
  w.s1.map(VA, 0x7_0000_0000, 3, { AF: 0 });
  w.mapTables();
  w.s2.map(0x7_0000_0000, 0x9_0000_0000, 3);
  const r = w.run(request(VA, "read"));
  assert.equal(r.fault?.reason, undefined);
  assert.equal(r.pa, 0x9_0000_0abc);
});

test("STE.S2FWB (IDR3.FWB): stage-2 MemAttr forces the final memory type", () => {
  // Arm DDI 0487 AArch64.S2ApplyFWBMemAttrs (FEAT_S2FWB; Linux MT_S2_FWB_*: 1 Device-nGnRE,
  // 5 Normal NC, 6 Normal WB, 7 as stage 1). CD MAIR (tables.ts): Attr0 0x44 NC, Attr1 0xff WB,
  // Attr2 0x04 Device-nGnRE.
  const cases: { s1Attr: number; memAttr: number; fwb: string; noFwb: string }[] = [
    // 0b0110: forced Normal WB, even over a stage-1 Device; without FWB: outer NC, inner WT, and
    // a stage-1 Device wins.
    { s1Attr: 2, memAttr: 0b0110, fwb: "Normal-WB", noFwb: "Device-nGnRE" },
    { s1Attr: 0, memAttr: 0b0110, fwb: "Normal-WB", noFwb: "Normal-NC" },
    // 0b0111: the stage-1 attributes; without FWB: outer NC, inner WB combined with stage-1 WB.
    { s1Attr: 1, memAttr: 0b0111, fwb: "Normal-WB", noFwb: "Normal-iWB-oNC" },
    // 0b0101: Normal NC unless stage 1 is Device.
    { s1Attr: 1, memAttr: 0b0101, fwb: "Normal-NC", noFwb: "Normal-NC" },
    { s1Attr: 2, memAttr: 0b0101, fwb: "Device-nGnRE", noFwb: "Device-nGnRE" },
    // 0b1001 (MemAttr[3] RES0 with FWB): Device-nGnRE; without FWB: outer WT, inner NC.
    { s1Attr: 1, memAttr: 0b1001, fwb: "Device-nGnRE", noFwb: "Normal-iNC-oWT" },
  ];
  for (const c of cases) {
    for (const fwb of [true, false]) {
      const w = nested({ S2FWB: fwb ? 1 : 0 }, {}, { FWB: 1 });
      w.s1.map(VA, 0x7_0000_0000, 3, { AttrIndx: c.s1Attr });
      w.mapTables();
      w.s2.map(0x7_0000_0000, 0x9_0000_0000, 3, { MemAttr: c.memAttr });
      const r = w.run(request(VA));
      assert.equal(r.fault?.reason, undefined);
      assert.equal(r.attrs?.memType, fwb ? c.fwb : c.noFwb, `S1 Attr${c.s1Attr} S2 MemAttr ${c.memAttr} FWB ${fwb}`);
    }
  }
});

test("S2PTW with S2FWB: Device at stage 2 is MemAttr[2] == 0 in the FWB encoding", () => {
  // MemAttr 0b1001 maps the stage-1 table pages: FWB reads it as Device-nGnRE (MemAttr[3] RES0),
  // so S2PTW faults: F_PERMISSION S2=1 CLASS=TT TTRnW=1 at the start-level table page
  // (DW1 = PnU | RnW | S2 | CLASS=TT | TTRnW = 0x118a00000000). Without FWB it is Normal.
  const w = nested({ S2FWB: 1, S2PTW: 1 }, {}, { FWB: 1 });
  w.s1.map(VA, 0x7_0000_0000, 3);
  w.mapTables({ MemAttr: 0b1001 });
  w.s2.map(0x7_0000_0000, 0x9_0000_0000, 3);
  const r = w.run(request(VA));
  assert.equal(r.fault?.event, "F_PERMISSION", r.fault?.reason);
  assert.equal(r.fault?.stage, 2);
  assert.equal(r.fault?.class, "TT");
  assert.deepEqual(recordHex(r.fault?.record), ["0x1100000013", "0x118a00000000", "0x123456789abc", "0x100000"]);
  const normal = nested({ S2PTW: 1 }, {}, { FWB: 1 });
  normal.s1.map(VA, 0x7_0000_0000, 3);
  normal.mapTables({ MemAttr: 0b1001 });
  normal.s2.map(0x7_0000_0000, 0x9_0000_0000, 3);
  assert.equal(normal.run(request(VA)).pa, 0x9_0000_0abc);
});
