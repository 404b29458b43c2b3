// Nested streams (Config 0b111): the CD, L1CD and every stage-1 descriptor IPA go through stage 2,
// then the stage-1 output; 4x4 levels make 24 descriptor reads. The three fault classes (CD, TT,
// IN) with exact records, S2PTW, HTTU writes needing stage-2 write permission, stage-1 aborts at
// the PA, permission intersection and the smaller leaf size (reference §1.3, §5.8, §5.9, §9.2).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryImage } from "../../src/memory/image";
import { L1CD } from "../../src/smmuv3/records";
import type { SmmuProfile } from "../../src/smmuv3/profile";
import { type TranslationRequest, type WalkResult, translate } from "../../src/smmuv3/walk";
import {
  Tables,
  type Values,
  cdWords,
  encode,
  linearSetup,
  profile,
  recordHex,
  request,
  steWords,
  writeWords,
} from "./tables";

/** IPA -> PA offset of the stage-2 mappings made for tables and CDs. */
const OFFSET = 0x80_0000_0000;
const S2ROOT = 0x4000_0000;
const CD_IPA = 0x20000;
const S1ROOT = 0x10_0000;
const VA = 0x1234_5678_9abc;

interface Nested {
  mem: MemoryImage;
  s1: Tables;
  s2: Tables;
  /** Maps the CD page and every stage-1 table page (with `leaf` fields) through stage 2. */
  mapTables: (leaf?: Values) => void;
  run: (req: TranslationRequest) => WalkResult;
}

/** Stage 1 4K/T0SZ 16 (or as given) over stage 2 4K, S2T0SZ 16, start level 0 (IAS 48). */
function nested(
  ste: Values = {},
  cd: Values = {},
  prof: Partial<SmmuProfile> = {},
  s1Granule: "4K" | "16K" | "64K" = "4K",
): Nested {
  const mem = new MemoryImage();
  const p = profile({ OAS: 48, IAS: 48, ...prof });
  const tg = s1Granule === "4K" ? 0 : s1Granule === "64K" ? 1 : 2;
  writeWords(mem, CD_IPA + OFFSET, cdWords({ TTB0: S1ROOT, TG0: tg, ...cd }));
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
  const s1 = new Tables(
    mem,
    1,
    s1Granule,
    64 - (cd["T0SZ"] ?? 16),
    s1Granule === "4K" ? 0 : s1Granule === "16K" ? 0 : 1,
    S1ROOT,
    OFFSET,
  );
  const s2 = new Tables(mem, 2, "4K", 48, 0, S2ROOT);
  const mapTables = (leaf: Values = {}): void => {
    s2.map(CD_IPA, CD_IPA + OFFSET, 3);
    const bytes = 2 ** s1.g;
    for (const page of s1.tablePages()) {
      for (let off = 0; off < bytes; off += 0x1000) s2.map(page + off, page + off + OFFSET, 3, leaf);
    }
  };
  return { mem, s1, s2, mapTables, run: (req) => translate(setup, req) };
}

function fault(
  r: WalkResult,
  event: string,
  stage: 1 | 2,
  cls: string | undefined,
  level: number | undefined,
  record?: string[],
): void {
  assert.equal(r.outcome, "fault", `expected ${event}, got ${r.outcome} pa 0x${r.pa?.toString(16)}`);
  assert.equal(r.fault?.event, event, r.fault?.reason);
  assert.equal(r.fault?.stage, stage);
  assert.equal(r.fault?.class, cls);
  assert.equal(r.fault?.level, level);
  if (record) assert.deepEqual(recordHex(r.fault?.record), record);
}

test("a 4x4-level nested walk makes 24 descriptor reads in architectural order", () => {
  const w = nested();
  w.s1.map(VA, 0x7_0000_0000, 3);
  w.mapTables();
  w.s2.map(0x7_0000_0000, 0x9_1234_5000, 3);
  const r = w.run(request(VA));
  assert.equal(r.fault?.reason, undefined);
  assert.equal(r.pa, 0x9_1234_5abc);
  assert.equal(r.size, 0x1000);
  const walkSteps = r.steps.filter((s) => s.structure === "S1" || (s.structure === "S2" && s.what.indexOf("CD") < 0));
  assert.equal(walkSteps.length, 24);
  const expected: string[] = [];
  for (let l = 0; l <= 3; l++) {
    for (let m = 0; m <= 3; m++) expected.push(`S2 L${m} descriptor for S1 L${l}`);
    expected.push(`S1 L${l} descriptor`);
  }
  for (let m = 0; m <= 3; m++) expected.push(`S2 L${m} descriptor`);
  assert.deepEqual(
    walkSteps.map((s) => s.what),
    expected,
  );
  const s1l0 = walkSteps[4]!;
  assert.equal(s1l0.space, "IPA");
  assert.equal(s1l0.addr, S1ROOT + 0x24 * 8);
  assert.equal(s1l0.pa, S1ROOT + 0x24 * 8 + OFFSET);
  assert.equal(walkSteps[0]!.forStage1Level, 0);
  assert.deepEqual(walkSteps[0]!.index, { bits: "IPA[47:39]", value: 0 });
  // The CD is fetched after its IPA is translated: 4 stage-2 reads, then 8 CD dwords at the PA.
  const cdSteps = r.steps.slice(8, 8 + 4 + 8);
  assert.deepEqual(
    cdSteps.slice(0, 4).map((s) => s.what),
    [0, 1, 2, 3].map((m) => `S2 L${m} descriptor for the CD`),
  );
  assert.equal(cdSteps[4]!.what, "CD dword 0");
  assert.equal(cdSteps[4]!.space, "IPA");
  assert.equal(cdSteps[4]!.addr, CD_IPA);
  assert.equal(cdSteps[4]!.pa, CD_IPA + OFFSET);
  assert.equal(r.attrs?.vmid, 0);
});

test("CLASS=CD: the CD's IPA unmapped at stage 2 is F_TRANSLATION S2=1 CLASS=CD, IPA = the CD IPA", () => {
  const w = nested();
  const r = w.run(request(VA));
  fault(r, "F_TRANSLATION", 2, "CD", 0, ["0x1100000010", "0x8a00000000", "0x123456789abc", "0x20000"]);
  assert.equal(r.fault?.ipa, CD_IPA);
});

test("CLASS=CD also covers the L1CD of a 2-level CD table", () => {
  const w = nested({ S1CDMax: 8, S1Fmt: 1, S1DSS: 2 }, {}, { SSIDSIZE: 8 });
  writeWords(w.mem, 0x30000 + 8 + OFFSET, encode(L1CD, { V: 1, L2Ptr: 0x31000 }));
  // Only the L1CD page is mapped at stage 2: the CD fetch through L2Ptr faults.
  w.s2.map(0x30000, 0x30000 + OFFSET, 3);
  const st = w.run(request(VA, "read", { ssid: 0x45 }));
  // S1ContextPtr is 0x20000 in this setup: its L1CD at IPA 0x20008 is not mapped.
  fault(st, "F_TRANSLATION", 2, "CD", 3, ["0x1100045810", "0x8a00000000", "0x123456789abc", "0x20000"]);
});

test("a stage-2 abort while translating the CD IPA is F_WALK_EABT S2=1 CLASS=CD", () => {
  const w = nested();
  w.mapTables();
  const slot = w.s2.descriptorAddr(CD_IPA, 3);
  w.mem.addAbort({ addr: slot, size: 8 });
  const r = w.run(request(VA));
  fault(r, "F_WALK_EABT", 2, "CD", 3, ["0x110000000b", "0x8a00000000", "0x123456789abc", "0x" + slot.toString(16)]);
});

test("the CD read aborting at its PA (after stage 2) is F_CD_FETCH with the PA", () => {
  const w = nested();
  w.mapTables();
  w.mem.addAbort({ addr: CD_IPA + OFFSET, size: 64 });
  const r = w.run(request(VA));
  assert.equal(r.fault?.event, "F_CD_FETCH");
  assert.deepEqual(recordHex(r.fault?.record), ["0x1100000009", "0x0", "0x0", "0x" + (CD_IPA + OFFSET).toString(16)]);
});

test("CLASS=TT: a stage-1 table page unmapped at stage 2, IPA = that descriptor's page (§9.2)", () => {
  const w = nested();
  w.s1.map(VA, 0x7_0000_0000, 3);
  w.mapTables();
  // Unmap the page of the level-2 table at stage 2.
  const l2Slot = w.s1.descriptorAddr(VA, 2);
  w.s2.raw(w.s2.descriptorAddr(l2Slot, 3), 0);
  const r = w.run(request(VA));
  const page = l2Slot - (l2Slot % 0x1000);
  fault(r, "F_TRANSLATION", 2, "TT", 3, ["0x1100000010", "0x18a00000000", "0x123456789abc", "0x" + page.toString(16)]);
  assert.equal(r.fault?.ipa, l2Slot);
  assert.equal(r.steps[r.steps.length - 1]!.forStage1Level, 2);
});

test("CLASS=TT F_PERMISSION: stage 2 denies reading a stage-1 table (TTRnW=1)", () => {
  const w = nested();
  w.s1.map(VA, 0x7_0000_0000, 3);
  w.mapTables({ S2AP: 2 }); // write-only
  const r = w.run(request(VA));
  fault(r, "F_PERMISSION", 2, "TT", 3, [
    "0x1100000013",
    "0x118a00000000",
    "0x123456789abc",
    "0x" + S1ROOT.toString(16),
  ]);
});

test("CLASS=TT with S2PTW: a stage-1 table mapped Device at stage 2 is F_PERMISSION", () => {
  const w = nested({ S2PTW: 1 });
  w.s1.map(VA, 0x7_0000_0000, 3);
  w.mapTables({ MemAttr: 0x1 });
  fault(w.run(request(VA)), "F_PERMISSION", 2, "TT", 3, [
    "0x1100000013",
    "0x118a00000000",
    "0x123456789abc",
    "0x100000",
  ]);
  const noPtw = nested();
  noPtw.s1.map(VA, 0x7_0000_0000, 3);
  noPtw.mapTables({ MemAttr: 0x1 });
  noPtw.s2.map(0x7_0000_0000, 0x9_0000_0000, 3);
  assert.equal(noPtw.run(request(VA)).pa, 0x9_0000_0abc);
});

test("CLASS=TT TTRnW=0: a hardware AF update needs stage-2 write permission on the table page (§9.3 C)", () => {
  const w = nested({}, { HA: 1 }, { HTTU: "AF" });
  w.s1.map(VA, 0x7_0000_0000, 3, { AF: 0 });
  w.mapTables({ S2AP: 1 }); // read-only
  w.s2.map(0x7_0000_0000, 0x9_0000_0000, 3);
  const r = w.run(request(VA));
  const l3 = w.s1.descriptorAddr(VA, 3);
  fault(r, "F_PERMISSION", 2, "TT", 3, [
    "0x1100000013",
    "0x18a00000000",
    "0x123456789abc",
    "0x" + (l3 - (l3 % 0x1000)).toString(16),
  ]);
  // Writable table pages: the update is made and the walk goes on.
  const ok = nested({}, { HA: 1 }, { HTTU: "AF" });
  ok.s1.map(VA, 0x7_0000_0000, 3, { AF: 0 });
  ok.mapTables();
  ok.s2.map(0x7_0000_0000, 0x9_0000_0000, 3);
  assert.equal(ok.run(request(VA)).pa, 0x9_0000_0abc);
});

test("a stage-1 descriptor abort at its PA (stage 2 succeeded) is F_WALK_EABT S2=0 CLASS=TT", () => {
  const w = nested();
  w.s1.map(VA, 0x7_0000_0000, 3);
  w.mapTables();
  const l1 = w.s1.descriptorAddr(VA, 1);
  w.mem.addAbort({ addr: l1 + OFFSET, size: 8 });
  const r = w.run(request(VA));
  fault(r, "F_WALK_EABT", 1, "TT", 1, [
    "0x110000000b",
    "0x10a00000000",
    "0x123456789abc",
    "0x" + (l1 + OFFSET).toString(16),
  ]);
});

test("CLASS=IN: the final IPA unmapped, denied or AF 0 at stage 2", () => {
  const unmapped = nested();
  unmapped.s1.map(VA, 0x7_0000_0000, 3);
  unmapped.mapTables();
  fault(unmapped.run(request(VA)), "F_TRANSLATION", 2, "IN", 1, [
    "0x1100000010",
    "0x28a00000000",
    "0x123456789abc",
    "0x700000000",
  ]);
  const ro = nested();
  ro.s1.map(VA, 0x7_0000_0000, 3);
  ro.mapTables();
  ro.s2.map(0x7_0000_0000, 0x9_0000_0000, 3, { S2AP: 1 });
  fault(ro.run(request(VA, "write")), "F_PERMISSION", 2, "IN", 3, [
    "0x1100000013",
    "0x28200000000",
    "0x123456789abc",
    "0x700000000",
  ]);
  const r = ro.run(request(VA));
  assert.deepEqual(r.perm, { read: true, write: false, exec: true });
  const af = nested();
  af.s1.map(VA, 0x7_0000_0000, 3);
  af.mapTables();
  af.s2.map(0x7_0000_0000, 0x9_0000_0000, 3, { AF: 0 });
  fault(af.run(request(VA)), "F_ACCESS", 2, "IN", 3);
});

test("stage-1 faults in a nested walk stay S2=0 CLASS=IN", () => {
  const w = nested();
  w.s1.map(VA, 0x7_0000_0000, 3, { AP: 2 });
  w.mapTables();
  w.s2.map(0x7_0000_0000, 0x9_0000_0000, 3);
  fault(w.run(request(VA, "write")), "F_PERMISSION", 1, "IN", 3, [
    "0x1100000013",
    "0x20200000000",
    "0x123456789abc",
    "0x0",
  ]);
});

test("nested permissions are the intersection; the size is the smaller leaf; attributes combine", () => {
  const w = nested();
  w.s1.map(VA, 0x7_0000_0000, 2, { AP: 0, UXN: 1 }); // 2MB stage-1 block, RW
  w.mapTables();
  w.s2.map(0x7_0018_9000, 0x9_0000_0000, 3, { S2AP: 1, MemAttr: 0x5 }); // RO page, Normal NC
  const r = w.run(request(VA));
  assert.equal(r.pa, 0x9_0000_0abc);
  assert.equal(r.size, 0x1000);
  assert.deepEqual(r.perm, { read: true, write: false, exec: true });
  assert.equal(r.attrs?.memType, "Normal-NC");
  assert.equal(r.attrs?.sh, "outer");
  assert.equal(r.attrs?.s2MemAttr, 0x5);
});

test("nested with a 64K stage 1 over a 4K stage 2: stage-1 tables span several stage-2 pages", () => {
  const w = nested({}, {}, {}, "64K");
  w.s1.map(VA, 0x7_0000_0000, 3);
  w.mapTables();
  w.s2.map(0x7_0000_9000, 0x9_0000_0000, 3);
  const r = w.run(request(VA));
  assert.equal(r.fault?.reason, undefined);
  assert.equal(r.pa, 0x9_0000_0abc);
  assert.equal(r.size, 0x1000);
});

test("S1DSS 0b01 with Config 0b111: stage 2 alone translates a transaction without SubstreamID", () => {
  const w = nested({ S1CDMax: 2, S1DSS: 1 }, {}, { SSIDSIZE: 4 });
  w.s2.map(0x7000_0000, 0x9_0000_0000, 3);
  assert.equal(w.run(request(0x7000_0010)).pa, 0x9_0000_0010);
  fault(w.run(request(0x7100_0010)), "F_TRANSLATION", 2, "IN", 2);
});

test("S2HD with DBM on the table page lets the stage-1 AF update through", () => {
  const w = nested({ S2HA: 1, S2HD: 1 }, { HA: 1 }, { HTTU: "AF+dirty" });
  w.s1.map(VA, 0x7_0000_0000, 3, { AF: 0 });
  w.mapTables({ S2AP: 1, DBM: 1 });
  w.s2.map(0x7_0000_0000, 0x9_0000_0000, 3, { S2AP: 1, DBM: 1 });
  const r = w.run(request(VA, "write"));
  assert.equal(r.fault?.reason, undefined);
  assert.equal(r.pa, 0x9_0000_0abc);
  assert.deepEqual(r.perm, { read: true, write: true, exec: true });
});
