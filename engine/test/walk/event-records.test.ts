// Every fault kind the walker raises carries a record that R1's decodeEvent reads back as the same
// event with the same fields (StreamID, SSV/SubstreamID, S2, CLASS, RnW/PnU/InD, InputAddr, IPA
// page, FetchAddr, TTRnW), and without decode problems (no bits outside the event's fields).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryImage } from "../../src/memory/image";
import { hexNumber, u64 } from "../../src/bits/u64";
import { decodeEvent } from "../../src/smmuv3/records";
import { type TranslationRequest, type TranslationSetup, type WalkResult, translate } from "../../src/smmuv3/walk";
import { Tables, type Values, cdWords, linearSetup, profile, request, steWords, writeWords } from "./tables";

const OFFSET = 0x80_0000_0000;

/** A nested stream (4K/4K) whose CD page, S1 tables and final IPA page are mapped unless told. */
function nestedSetup(
  opts: { mapCd?: boolean; mapTables?: boolean; mapOut?: boolean; tableLeaf?: Values; ste?: Values; cd?: Values } = {},
): TranslationSetup {
  const mem = new MemoryImage();
  writeWords(mem, 0x20000 + OFFSET, cdWords({ TTB0: 0x10_0000, ...opts.cd }));
  const setup = linearSetup(
    mem,
    profile({ OAS: 48, IAS: 48, SSIDSIZE: 8 }),
    0x11,
    steWords({
      Config: 0b111,
      S1ContextPtr: 0x20000,
      S1CDMax: 4,
      S1DSS: 2,
      S2T0SZ: 16,
      S2SL0: 2,
      S2PS: 5,
      S2AA64: 1,
      S2R: 1,
      S2TTB: 0x4000_0000,
      ...opts.ste,
    }),
  );
  const s1 = new Tables(mem, 1, "4K", 48, 0, 0x10_0000, OFFSET);
  const s2 = new Tables(mem, 2, "4K", 48, 0, 0x4000_0000);
  s1.map(0x1234_5000, 0x7_0000_0000, 3, { AP: 2 });
  if (opts.mapCd !== false) s2.map(0x20000, 0x20000 + OFFSET, 3);
  if (opts.mapTables !== false) for (const p of s1.tablePages()) s2.map(p, p + OFFSET, 3, opts.tableLeaf ?? {});
  if (opts.mapOut !== false) s2.map(0x7_0000_0000, 0x9_0000_0000, 3, { S2AP: 1 });
  return setup;
}

function s1Setup(ste: Values = {}, cd: Values = {}): TranslationSetup {
  const mem = new MemoryImage();
  writeWords(mem, 0x20000, cdWords({ TTB0: 0x10_0000, ...cd }));
  const t = new Tables(mem, 1, "4K", 48, 0, 0x10_0000);
  t.map(0x1234_5000, 0x5_0000_0000, 3, { AP: 2 });
  t.map(0x1234_6000, 0x5_0000_1000, 3, { AF: 0 });
  return linearSetup(mem, profile({ SSIDSIZE: 8 }), 0x11, steWords({ Config: 0b101, S1ContextPtr: 0x20000, ...ste }));
}

const req = (
  iova: number,
  access: "read" | "write" | "exec" = "read",
  extra: Partial<TranslationRequest> = {},
): TranslationRequest => request(iova, access, extra);

const kinds: { name: string; run: () => WalkResult }[] = [
  { name: "C_BAD_STREAMID", run: () => translate(s1Setup(), req(0x1000, "read", { sid: 0x1ff })) },
  {
    name: "F_STE_FETCH",
    run: () => {
      const s = s1Setup();
      s.memory.addAbort({ addr: 0x10000 + 0x11 * 64, size: 64 });
      return translate(s, req(0x1000));
    },
  },
  { name: "C_BAD_STE", run: () => translate(s1Setup({ V: 0 }), req(0x1000, "read", { ssid: 3 })) },
  { name: "C_BAD_SUBSTREAMID", run: () => translate(s1Setup(), req(0x1000, "read", { ssid: 9 })) },
  { name: "F_STREAM_DISABLED", run: () => translate(s1Setup({ S1CDMax: 2, S1DSS: 0 }), req(0x1000)) },
  {
    name: "F_CD_FETCH",
    run: () => {
      const s = s1Setup();
      s.memory.addAbort({ addr: 0x20000, size: 64 });
      return translate(s, req(0x1000));
    },
  },
  { name: "C_BAD_CD", run: () => translate(s1Setup({}, { V: 0 }), req(0x1000)) },
  { name: "F_TRANSLATION stage 1", run: () => translate(s1Setup(), req(0x7000_0000, "exec", { privileged: false })) },
  { name: "F_PERMISSION stage 1", run: () => translate(s1Setup(), req(0x1234_5008, "write")) },
  { name: "F_ACCESS stage 1", run: () => translate(s1Setup(), req(0x1234_6000)) },
  {
    name: "F_TRANSLATION S2 CLASS=CD",
    run: () => translate(nestedSetup({ mapCd: false }), req(0x1234_5678, "read", { ssid: 3 })),
  },
  { name: "F_TRANSLATION S2 CLASS=TT", run: () => translate(nestedSetup({ mapTables: false }), req(0x1234_5678)) },
  {
    name: "F_PERMISSION S2 CLASS=TT (TTRnW 1)",
    run: () => translate(nestedSetup({ tableLeaf: { S2AP: 2 } }), req(0x1234_5678)),
  },
  {
    name: "F_ACCESS S2 CLASS=TT",
    run: () => translate(nestedSetup({ tableLeaf: { AF: 0 } }), req(0x1234_5678, "exec")),
  },
  { name: "F_TRANSLATION S2 CLASS=IN", run: () => translate(nestedSetup({ mapOut: false }), req(0x1234_5678)) },
  {
    name: "F_ADDR_SIZE stage-1 bypass",
    run: () => translate(nestedSetup({ ste: { S1DSS: 1 } }), { ...req(0), iova: u64(0, 0x1_0000) }),
  },
  {
    name: "F_WALK_EABT S2",
    run: () => {
      const s = nestedSetup();
      s.memory.addAbort({ addr: 0x4000_0000, size: 0x1000 });
      return translate(s, req(0x1234_5678));
    },
  },
];

for (const k of kinds) {
  test(`decodeEvent reads back the walker's record: ${k.name}`, () => {
    const r = k.run();
    const f = r.fault;
    assert.ok(f, `no fault: ${r.outcome}`);
    assert.ok(f.record, `no record for ${f.event}: ${f.reason}`);
    assert.equal(f.recordProblems, undefined);
    const d = decodeEvent(f.record);
    assert.equal(d.name, f.event);
    assert.equal(d.id, f.id);
    assert.deepEqual(d.problems, []);
    const fields = new Map(d.fields.map((x) => [x.field, x.value]));
    assert.equal(fields.get("StreamID"), hexNumber(f.event === "C_BAD_STREAMID" ? 0x1ff : 0x11));
    if (fields.has("S2")) assert.equal(fields.get("S2"), f.stage === 2 ? "0x1" : "0x0");
    if (fields.has("CLASS")) assert.equal(fields.get("CLASS"), hexNumber({ CD: 0, TT: 1, IN: 2 }[f.class!]));
    if (fields.has("InputAddr"))
      assert.equal(
        fields.get("InputAddr"),
        "0x" +
          (f.inputAddr.hi
            ? f.inputAddr.hi.toString(16) + f.inputAddr.lo.toString(16).padStart(8, "0")
            : f.inputAddr.lo.toString(16)),
      );
    if (f.stage === 2 && f.ipa !== undefined) assert.equal(fields.get("IPA"), hexNumber(f.ipa - (f.ipa % 0x1000)));
    if (f.fetchAddr !== undefined) assert.equal(fields.get("FetchAddr"), hexNumber(f.fetchAddr));
    if (f.event === "F_PERMISSION" && f.class === "TT") assert.equal(fields.get("TTRnW"), "0x1");
    if (k.name.includes("exec")) assert.equal(fields.get("InD"), "0x1");
  });
}

test("the kinds above cover every event the walker raises", () => {
  const seen = new Set(kinds.map((k) => k.run().fault?.event));
  for (const e of [
    "C_BAD_STREAMID",
    "F_STE_FETCH",
    "C_BAD_STE",
    "C_BAD_SUBSTREAMID",
    "F_STREAM_DISABLED",
    "F_CD_FETCH",
    "C_BAD_CD",
    "F_WALK_EABT",
    "F_TRANSLATION",
    "F_ADDR_SIZE",
    "F_ACCESS",
    "F_PERMISSION",
  ]) {
    assert.ok(seen.has(e), e);
  }
});
