// Fields that carry meaning only under a condition (Arm IHI 0070 §7.3; FieldSpec.validWhen and
// impliedWhen in the event tables): the decoded meaning says when a field is not valid and what the
// architecture makes it then; a non-zero value where the architecture says zero, and a CLASS that
// contradicts S2, are problems. Records are written out as dwords here, not built from the tables.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseHex64, packWords } from "../../src/bits/u64";
import { EVENT_TYPES, EventFieldValues, decodeEvent, decodeEventFields, explainEvent } from "../../src/smmuv3/records";

function words(raw: readonly string[]): Uint32Array {
  return packWords(raw.map((t) => parseHex64(t) ?? { lo: 0xdead, hi: 0xdead }));
}

function meanings(raw: readonly string[]): Record<string, string> {
  return Object.fromEntries(decodeEvent(words(raw)).fields.map((f) => [f.field, f.meaning]));
}

function hasProblems(raw: readonly string[]): boolean {
  return decodeEventFields(words(raw), new EventFieldValues()).hasProblems;
}

const IPA_S1 = "not valid: S2 == 0 (stage 1); UNKNOWN per Arm IHI 0070 §7.3.13";
const NSIPA_S1 = "not valid: S2 == 0 (stage 1); zero unless S2 == 1 per Arm IHI 0070 §7.3 (NSIPA)";
const SSID_NO_SSV = "not valid: SSV == 0; UNKNOWN per Arm IHI 0070 §7.3 (SSV)";
const STAG_NO_STALL = "not valid: Stall == 0 (terminated); meaningful only when Stall == 1 per Arm IHI 0070 §7.3.21";

test("stage-1 F_TRANSLATION: IPA and NSIPA are not valid, SubstreamID without SSV and STAG without Stall neither", () => {
  // SID 0x100, SSV 0, DW0[31:12] 0x5; DW1: RnW read, S2 0, CLASS IN; InputAddr 0x80201abc; DW3 IPA bits set
  const raw = ["0x0000010000005010", "0x0000020800000000", "0x0000000080201ABC", "0x000000007FE00000"];
  const d = decodeEvent(words(raw));
  assert.deepEqual(
    d.fields.map((f) => [f.field, f.value, f.meaning]),
    [
      ["SSV", "0x0", ""],
      ["SubstreamID", "0x5", SSID_NO_SSV],
      ["StreamID", "0x100", ""],
      ["STAG", "0x0", STAG_NO_STALL],
      ["Stall", "0x0", "terminated"],
      ["PnU", "0x0", "unprivileged"],
      ["InD", "0x0", "data"],
      ["RnW", "0x1", "read"],
      ["S2", "0x0", "stage 1"],
      ["CLASS", "0x2", "IN"],
      ["InputAddr", "0x80201abc", ""],
      ["NSIPA", "0x0", NSIPA_S1],
      ["IPA", "0x7fe00000", IPA_S1],
    ],
  );
  // IPA is UNKNOWN, not RES0, at stage 1: a value there is no problem
  assert.deepEqual(d.problems, []);
  assert.equal(hasProblems(raw), false);
  assert.equal(
    d.summary,
    "StreamID 0x100: no valid translation; stage 1 on the transaction's address (CLASS=IN), read of 0x80201abc",
  );
});

test("stage-2 records: IPA, NSIPA, SubstreamID (SSV 1) and STAG (Stall 1) keep their plain meaning", () => {
  // reference §9.2 nested F_TRANSLATION S2 1 CLASS TT, SSV 1 SubstreamID 5, made stalled with STAG 0x2a
  const raw = ["0x0000010000005810", "0x000001888000002A", "0x0000000080201ABC", "0x000000007FE00000"];
  const m = meanings(raw);
  assert.deepEqual([m["SubstreamID"], m["STAG"], m["NSIPA"], m["IPA"], m["CLASS"]], ["", "", "", "", "TT"]);
  assert.deepEqual(decodeEvent(words(raw)).problems, []);
});

test("NSIPA set in a stage-1 record is a problem: it is zero unless S2 == 1 (§7.3)", () => {
  const raw = ["0x0000010000000010", "0x0000020000000000", "0x0", "0x0000000000000001"];
  const d = decodeEvent(words(raw));
  assert.deepEqual(d.problems, [
    "NSIPA is not zero although S2 == 0 (stage 1): zero unless S2 == 1 per Arm IHI 0070 §7.3 (NSIPA)",
  ]);
  assert.equal(d.fields.find((f) => f.field === "NSIPA")?.meaning, NSIPA_S1);
  assert.equal(hasProblems(raw), true);
  // the same bit with S2 == 1 (Secure event queue) is valid
  assert.deepEqual(decodeEvent(words(["0x0000010000000010", "0x0000028000000000", "0x0", "0x1"])).problems, []);
});

test("F_ADDR_SIZE, F_ACCESS, F_PERMISSION take CLASS/IPA/S2 from §7.3.13", () => {
  for (const id of ["11", "12", "13"]) {
    const raw = [`0x00000100000000${id}`, "0x0000020000000000", "0x0", "0x0000000012345000"];
    assert.equal(meanings(raw)["IPA"], IPA_S1, id);
    assert.deepEqual(decodeEvent(words(raw)).problems, [], id);
  }
});

test("F_PERMISSION TTRnW is UNKNOWN unless CLASS == TT (§7.3.16)", () => {
  // S2 1, CLASS IN, TTRnW 1
  const inRec = meanings(["0x0000010000000013", "0x0000128000000000", "0x0", "0x0"]);
  assert.equal(inRec["TTRnW"], "not valid: CLASS == 2 (IN); UNKNOWN per Arm IHI 0070 §7.3.16");
  const cdRec = meanings(["0x0000010000000013", "0x0000108000000000", "0x0", "0x0"]);
  assert.equal(cdRec["TTRnW"], "not valid: CLASS == 0 (CD); UNKNOWN per Arm IHI 0070 §7.3.16");
  // S2 1, CLASS TT, TTRnW 0: valid, an HTTU write
  assert.equal(meanings(["0x0000010000000013", "0x0000018000000000", "0x0", "0x0"])["TTRnW"], "descriptor write");
});

test("F_TLB_CONFLICT: IPA is valid when S2 == 1, otherwise UNKNOWN (§7.3.17)", () => {
  const m = meanings(["0x0000010000000020", "0x0000000000000000", "0x0", "0x0000000012345000"]);
  assert.equal(m["IPA"], "not valid: S2 == 0 (stage 1); UNKNOWN per Arm IHI 0070 §7.3.17");
  assert.equal(meanings(["0x0000010000000020", "0x0000008000000000", "0x0", "0x12345000"])["IPA"], "");
});

test("C_BAD_SUBSTREAMID has no SSV: its SubstreamID is always valid (§7.3.9)", () => {
  const d = decodeEvent(words(["0x0000001100123008", "0x0", "0x0", "0x0"]));
  assert.deepEqual(
    d.fields.map((f) => [f.field, f.value, f.meaning]),
    [
      ["SubstreamID", "0x123", ""],
      ["StreamID", "0x11", ""],
    ],
  );
});

test("a stage-1 translation fault with CLASS CD or TT contradicts §7.3.13; F_WALK_EABT at stage 1 is CLASS TT (§7.3.12)", () => {
  const tt = ["0x0000010000000010", "0x0000010000000000", "0x0", "0x0"];
  const d = decodeEvent(words(tt));
  assert.equal(
    d.fields.find((f) => f.field === "CLASS")?.meaning,
    "TT: contradicts S2 == 0 (stage 1), which has CLASS == 2 (IN) per Arm IHI 0070 §7.3.13",
  );
  // a meaning, not a problem: S2 and CLASS share DW1, and the record's bits are all defined
  assert.deepEqual(d.problems, []);
  assert.equal(hasProblems(tt), false);
  assert.equal(
    d.summary,
    "StreamID 0x100: no valid translation; stage 1 while accessing a stage-1 translation table (CLASS=TT), write of 0x0",
  );
  assert.match(
    explainEvent(d).cause,
    /It happened in stage 1, on a stage-1 translation-table access, for an unprivileged data write of 0x0\. Its CLASS TT: contradicts S2 == 0 \(stage 1\), which has CLASS == 2 \(IN\) per Arm IHI 0070 §7\.3\.13: the record is misread \(dword order\?\) or not architectural\.$/,
  );
  assert.equal(
    meanings(["0x0000010000000012", "0x0", "0x0", "0x0"])["CLASS"],
    "CD: contradicts S2 == 0 (stage 1), which has CLASS == 2 (IN) per Arm IHI 0070 §7.3.13",
  );
  // stage 2: any CLASS
  assert.equal(meanings(["0x0000010000000010", "0x0000018000000000", "0x0", "0x0"])["CLASS"], "TT");
  assert.equal(
    meanings(["0x000001000000000B", "0x0000020000000000", "0x0", "0x0000000040001000"])["CLASS"],
    "IN: contradicts S2 == 0 (stage 1), which has CLASS == 1 (TT) per Arm IHI 0070 §7.3.12",
  );
  assert.equal(meanings(["0x000001000000000B", "0x0000010000000000", "0x0", "0x0000000040001000"])["CLASS"], "TT");
});

test("the seed C_BAD_STE: SubstreamID not valid (SSV 0), dwords 1..3 flagged as RES0 per §7.3 with the record's section", () => {
  const d = decodeEvent(
    words(["0x00007d1100000004", "0x0000100800000080", "0x00000000fe040000", "0x000000007e04c440"]),
  );
  assert.deepEqual(
    d.fields.map((f) => [f.field, f.meaning]),
    [
      ["SSV", ""],
      ["SubstreamID", SSID_NO_SSV],
      ["StreamID", ""],
    ],
  );
  assert.deepEqual(d.problems, [
    "dword1..3 are not defined for C_BAD_STE and are not zero: RES0 per Arm IHI 0070 §7.3 (portions of an event record not explicitly defined are RES0; C_BAD_STE is §7.3.5), so this is non-architectural content",
  ]);
});

test("the conditions in the tables: exactly these fields of these events, with these sections", () => {
  const got = EVENT_TYPES.flatMap((t) =>
    t.struct.fields.flatMap((f) => [
      ...(f.validWhen
        ? [
            `${t.name}.${f.name} valid when ${f.validWhen.field} == ${f.validWhen.equals}, else ${f.validWhen.otherwise} (${f.validWhen.section})`,
          ]
        : []),
      ...(f.impliedWhen
        ? [
            `${t.name}.${f.name} == ${f.impliedWhen.value} when ${f.impliedWhen.field} == ${f.impliedWhen.equals} (${f.impliedWhen.section})`,
          ]
        : []),
    ]),
  );
  const ssv = (name: string): string =>
    `${name}.SubstreamID valid when SSV == 1, else UNKNOWN (Arm IHI 0070 §7.3 (SSV))`;
  const translation = (name: string, ttrnw: boolean): string[] => [
    ssv(name),
    `${name}.STAG valid when Stall == 1, else unspecified (Arm IHI 0070 §7.3.21)`,
    `${name}.CLASS == 2 when S2 == 0 (Arm IHI 0070 §7.3.13)`,
    ...(ttrnw ? [`${name}.TTRnW valid when CLASS == 1, else UNKNOWN (Arm IHI 0070 §7.3.16)`] : []),
    `${name}.NSIPA valid when S2 == 1, else zero (Arm IHI 0070 §7.3 (NSIPA))`,
    `${name}.IPA valid when S2 == 1, else UNKNOWN (Arm IHI 0070 §7.3.13)`,
  ];
  assert.deepEqual(got, [
    ssv("F_UUT"),
    ssv("C_BAD_STREAMID"),
    ssv("F_STE_FETCH"),
    ssv("C_BAD_STE"),
    ssv("F_BAD_ATS_TREQ"),
    ssv("F_CD_FETCH"),
    ssv("C_BAD_CD"),
    ssv("F_WALK_EABT"),
    "F_WALK_EABT.CLASS == 1 when S2 == 0 (Arm IHI 0070 §7.3.12)",
    ...translation("F_TRANSLATION", false),
    ...translation("F_ADDR_SIZE", false),
    ...translation("F_ACCESS", false),
    ...translation("F_PERMISSION", true),
    ssv("F_TLB_CONFLICT"),
    "F_TLB_CONFLICT.IPA valid when S2 == 1, else UNKNOWN (Arm IHI 0070 §7.3.17)",
    ssv("F_CFG_CONFLICT"),
    ssv("E_PAGE_REQUEST"),
    ssv("F_VMS_FETCH"),
  ]);
  assert.deepEqual(EVENT_TYPES.map((t) => `${t.id.toString(16)} ${t.section}`).slice(0, 4), [
    "1 Arm IHI 0070 §7.3.2",
    "2 Arm IHI 0070 §7.3.3",
    "3 Arm IHI 0070 §7.3.4",
    "4 Arm IHI 0070 §7.3.5",
  ]);
});
