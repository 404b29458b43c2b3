// The scanner's decoding: the shared event vectors (QEMU-written records and the seed mail's real
// C_BAD_STE) found in text and decoded exactly; the cross-checks between what a log says twice.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cmdqErrorName, findLogRecordAt, scanLog, type DecodedLogRecord } from "../../src/index";
import { repoRoot } from "../support/paths";

const FIXTURES = join(repoRoot(), "engine/test/logscan/fixtures");

interface Vector {
  id: string;
  raw: string[];
  expected: { id: string; name: string; fields: Record<string, string> };
}
const VECTORS: Vector[] = readFileSync(join(FIXTURES, "records.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim().length !== 0)
  .map((l) => JSON.parse(l) as Vector);

function fieldsOf(r: DecodedLogRecord): Record<string, string> {
  return Object.fromEntries(r.fields.map((f) => [f.field, f.value]));
}

/** `0x%016llx`, as Linux prints a dword. */
function kernelHex(contractHex: string): string {
  return "0x" + contractHex.slice(2).padStart(16, "0");
}

test("the vector set is the one expected (59 records, one of them the seed's C_BAD_STE)", () => {
  assert.equal(VECTORS.length, 59);
  assert.ok(VECTORS.some((v) => v.id === "seed-000-c_bad_ste"));
});

for (const v of VECTORS) {
  test(`vector ${v.id}: found and decoded in Linux raw form and as a bare list`, () => {
    const kernel = [
      `[  100.000001] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x${v.expected.id.slice(2).padStart(2, "0")} received:`,
      ...v.raw.map((d, i) => `[  100.00000${i + 2}] arm-smmu-v3 arm-smmu-v3.0.auto: \t${kernelHex(d)}`),
    ].join("\n");
    const bare = `> ${v.raw.join(" ")}`;
    const result = scanLog(`${kernel}\nnoise line\n${bare}\n`, "v.log");
    assert.equal(result.records.length, 2);
    assert.deepEqual(result.problems, []);
    for (const r of result.records) {
      assert.equal(r.id, v.expected.id);
      assert.equal(r.name, v.expected.name);
      // Every field the vector expects, with its value (the tables may define more, e.g. NSIPA).
      const got = fieldsOf(r);
      for (const [name, value] of Object.entries(v.expected.fields)) assert.equal(got[name], value, name);
      assert.equal(r.file, "v.log");
      assert.equal(r.complete, true);
    }
    const [raw, list] = result.records as [DecodedLogRecord, DecodedLogRecord];
    assert.deepEqual([raw.kind, raw.startLine, raw.endLine], ["event", 0, 4]);
    assert.deepEqual([list.kind, list.startLine, list.endLine, list.quoteDepth], ["dwords", 6, 6, 1]);
    // The header's event number agrees with DW0[7:0]: no text problem.
    assert.deepEqual(raw.problems, []);
  });
}

test("the seed mail: every quoted copy of the C_BAD_STE, with dwords 1..3 flagged", () => {
  const text = readFileSync(join(FIXTURES, "seed-000-c_bad_ste-thread.txt"), "utf8");
  const { records, problems } = scanLog(text, "seed");
  assert.deepEqual(problems, []);
  assert.deepEqual(
    records.map((r) => [r.startLine + 1, r.endLine + 1, r.quoteDepth, r.name, fieldsOf(r)["StreamID"]]),
    [
      [196, 200, 0, "C_BAD_STE", "0x7d11"],
      [388, 392, 1, "C_BAD_STE", "0x7d11"],
      [965, 969, 1, "C_BAD_STE", "0x7d11"],
      [1209, 1213, 2, "C_BAD_STE", "0x7d11"],
    ],
  );
  for (const r of records) {
    assert.deepEqual(r.decodeProblems, [
      "dword1..3 are not defined for C_BAD_STE and are not zero: RES0 per Arm IHI 0070 §7.3 (portions of an event record not explicitly defined are RES0; C_BAD_STE is §7.3.5), so this is non-architectural content",
    ]);
    assert.deepEqual(fieldsOf(r), { SSV: "0x0", SubstreamID: "0x0", StreamID: "0x7d11" });
  }
});

const DECODED_OK = [
  "arm-smmu-v3 arm-smmu-v3.0.auto: event 0x13 received:",
  "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000001100000013",
  "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000118a80000005",
  "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000e3356e050",
  "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x00f0000040000000",
  "arm-smmu-v3 arm-smmu-v3.0.auto: event: F_PERMISSION client: 0000:00:01.0 sid: 0x11 ssid: 0 iova: 0xe3356e050 ipa: 0x40000000",
  'arm-smmu-v3 arm-smmu-v3.0.auto: priv data read s2 "Stage 1 translation table fetch" ttd_read stall stag: 0x5',
];

test("Linux >= 6.14 decoded lines that agree with the raw dwords give no problem", () => {
  const { records } = scanLog(DECODED_OK.join("\n"));
  assert.equal(records.length, 1);
  const r = records[0]!;
  assert.deepEqual([r.startLine, r.endLine, r.name], [0, 6, "F_PERMISSION"]);
  assert.deepEqual(r.problems, []);
  assert.equal(fieldsOf(r)["IPA"], "0xf0000040000000");
  assert.equal(fieldsOf(r)["STAG"], "0x5");
});

test("decoded lines that disagree with the raw dwords are reported on their line", () => {
  const cases: [number, string, string, string][] = [
    [5, "sid: 0x11", "sid: 0x12", "the kernel's decoded line says sid 0x12 but the raw dwords give 0x11"],
    [
      5,
      "iova: 0xe3356e050",
      "iova: 0xe3356e051",
      "the kernel's decoded line says iova 0xe3356e051 but the raw dwords give 0xe3356e050",
    ],
    [
      5,
      "event: F_PERMISSION",
      "event: F_ACCESS",
      "the kernel's decoded line says event F_ACCESS but the raw dwords give F_PERMISSION",
    ],
    [
      6,
      "priv data read",
      "priv data write",
      "the kernel's decoded line says access write but the raw dwords give RnW=1 (read)",
    ],
    [
      6,
      "ttd_read",
      "ttd_write",
      "the kernel's decoded line says table access ttd_write but the raw dwords give TTRnW=1",
    ],
    [6, "stag: 0x5", "stag: 0x6", "the kernel's decoded line says stag 0x6 but the raw dwords give 0x5"],
    [
      5,
      "ipa: 0x40000000",
      "ipa: 0x41000000",
      "the kernel's decoded line says ipa 0x41000000 but the raw dwords give 0x40000000",
    ],
  ];
  for (const [line, from, to, message] of cases) {
    const lines = [...DECODED_OK];
    lines[line] = lines[line]!.replace(from, to);
    const { records } = scanLog(lines.join("\n"));
    assert.equal(records.length, 1, to);
    assert.deepEqual(records[0]!.problems, [{ line, message }], to);
  }
});

test("a header whose number disagrees with DW0[7:0] is reported", () => {
  const { records } = scanLog(
    "event 0x10 received:\n 0x0000001100000004\n 0x0000000000000000\n 0x0000000000000000\n 0x0000000000000000",
  );
  assert.equal(records[0]?.name, "C_BAD_STE");
  assert.deepEqual(records[0]?.problems, [{ line: 0, message: "the header says event 0x10 but DW0[7:0] is 0x4" }]);
});

test("a QEMU smmuv3_record_event line becomes its record with Type and StreamID", () => {
  const { records } = scanLog("smmuv3_record_event F_TRANSLATION sid=0x11\nsmmuv3_record_event C_BAD_STE sid=8\n");
  assert.deepEqual(
    records.map((r) => [r.name, r.id, fieldsOf(r)["StreamID"], Array.from(r.words.slice(0, 2))]),
    [
      ["F_TRANSLATION", "0x10", "0x11", [0x10, 0x11]],
      ["C_BAD_STE", "0x4", "0x8", [0x4, 0x8]],
    ],
  );
  assert.deepEqual(records[0]!.problems, []);
  assert.match(records[0]!.summary, /only the type and StreamID are known/);
});

test("a truncated record is still decoded from what is there, with its problem", () => {
  const { records } = scanLog("event 0x04 received:\n\t0x00007d1100000004\n");
  assert.equal(records.length, 1);
  const r = records[0]!;
  assert.equal(r.name, "C_BAD_STE");
  assert.equal(fieldsOf(r)["StreamID"], "0x7d11");
  assert.equal(r.complete, false);
  assert.deepEqual(r.problems, [{ line: 1, message: "dwords 1..3 of 4 are missing (the record is cut at line 3)" }]);
});

test("a CMDQ error: the command in error decoded, CONS.ERR named; an abort names the error", () => {
  const { records } = scanLog(
    [
      "arm-smmu-v3: CMDQ error (cons 0x01000022): Illegal command",
      "arm-smmu-v3: skipping command in error state:",
      "arm-smmu-v3:  0x0000000000003046",
      "arm-smmu-v3:  0x0000000000000000",
      "arm-smmu-v3: CMDQ error (cons 0x02000010): Abort on command fetch",
      "arm-smmu-v3: retrying command fetch",
    ].join("\n"),
  );
  assert.equal(records.length, 2);
  const [ill, abt] = records as [DecodedLogRecord, DecodedLogRecord];
  assert.deepEqual([ill.kind, ill.name, ill.id, ill.startLine, ill.endLine], ["cmdq-error", "CMD_SYNC", "0x46", 0, 3]);
  assert.deepEqual(Array.from(ill.words), [0x3046, 0, 0, 0]);
  assert.equal(ill.cmdq?.errorCode, 1);
  assert.match(ill.summary, /^CERROR_ILL \(Illegal command\), CONS 0x1000022: /);
  // CS = 0b11 is ILLEGAL for CMD_SYNC (SMMUv3 §6.2): the decoder says so.
  assert.ok(
    ill.decodeProblems.some((p) => /CS/.test(p)),
    JSON.stringify(ill.decodeProblems),
  );
  assert.deepEqual([abt.name, abt.id, abt.startLine, abt.endLine, abt.complete], ["CERROR_ABT", "", 4, 5, false]);
  assert.match(abt.summary, /the kernel retries the fetch/);
  assert.deepEqual(abt.problems, []);
});

test("findLogRecordAt: the record at a position, and the dword under it (hover)", () => {
  const text = [
    "arm-smmu-v3 arm-smmu-v3.0.auto: event 0x04 received:",
    "arm-smmu-v3 arm-smmu-v3.1.auto: event 0x0a received:",
    "arm-smmu-v3 arm-smmu-v3.0.auto: 0x0000000100000004",
    "arm-smmu-v3 arm-smmu-v3.1.auto: 0x000000020000000a",
    "arm-smmu-v3 arm-smmu-v3.0.auto: 0x0000000000000000",
    "arm-smmu-v3 arm-smmu-v3.1.auto: 0x0000000000000000",
    "arm-smmu-v3 arm-smmu-v3.0.auto: 0x0000000000000000",
    "arm-smmu-v3 arm-smmu-v3.1.auto: 0x0000000000000000",
    "arm-smmu-v3 arm-smmu-v3.0.auto: 0x0000000000000000",
    "arm-smmu-v3 arm-smmu-v3.1.auto: 0x0000000000000000",
    "unrelated",
  ].join("\n");
  const { records } = scanLog(text);
  const at = (line: number, character: number): [string, number | undefined] | undefined => {
    const hit = findLogRecordAt(records, line, character);
    return hit ? [hit.record.name, hit.dword] : undefined;
  };
  assert.deepEqual(at(3, 40), ["C_BAD_CD", 0]);
  assert.deepEqual(at(2, 32), ["C_BAD_STE", 0]);
  assert.deepEqual(at(8, 50), ["C_BAD_STE", 3]);
  assert.deepEqual(at(9, 49), ["C_BAD_CD", 3]);
  assert.deepEqual(at(0, 3), ["C_BAD_STE", undefined]);
  assert.deepEqual(at(1, 40), ["C_BAD_CD", undefined]);
  assert.equal(at(10, 0), undefined);
});

test("fields of missing dwords are left out, and the summary says so; a QEMU trace keeps the StreamID only", () => {
  const cut = scanLog("event 0x10 received:\n\t0x0000001100000010\n\t0x0000020800000000\n").records[0]!;
  assert.deepEqual(
    cut.fields.map((f) => f.field),
    ["SSV", "SubstreamID", "StreamID", "STAG", "Stall", "PnU", "InD", "RnW", "S2", "CLASS"],
  );
  assert.match(cut.summary, /^StreamID 0x11: .* \(incomplete record: dwords 2, 3 missing, their fields unknown\)$/);
  const damaged = scanLog(
    "event 0x10 received:\n\t0x0000001100000010\n\t0x00000208000000zz\n\t0x0000034bce504e21\n\t0x0000000000000000",
  ).records[0]!;
  assert.equal(damaged.complete, false);
  assert.ok(!damaged.fields.some((f) => ["RnW", "CLASS", "S2"].includes(f.field)));
  assert.ok(damaged.fields.some((f) => f.field === "InputAddr"));
  const trace = scanLog("smmuv3_record_event F_PERMISSION sid=0x20").records[0]!;
  assert.deepEqual(
    trace.fields.map((f) => [f.field, f.value]),
    [["StreamID", "0x20"]],
  );
  assert.match(trace.summary, /^StreamID 0x20: .*\(from a QEMU trace: only the type and StreamID are known\)$/);
});

test("QEMU's own event names (smmu_event_string: SMMU_EVT_ prefix, F_TRANS_FORBIDDEN, E_PAGE_REQ) decode", () => {
  const { records, problems } = scanLog(
    [
      "smmuv3_record_event SMMU_EVT_F_TRANSLATION sid=0x11",
      "1234@1700000000.123456:smmuv3_record_event SMMU_EVT_C_BAD_STE sid=0x8",
      "smmuv3_record_event SMMU_EVT_F_TRANS_FORBIDDEN sid=0x11",
      "smmuv3_record_event SMMU_EVT_E_PAGE_REQ sid=0x11",
      "smmuv3_record_event SMMU_EVT_C_BAD_STREAMID sid=17",
    ].join("\n"),
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(
    records.map((r) => [r.startLine, r.name, r.id, fieldsOf(r)["StreamID"], r.problems]),
    [
      [0, "F_TRANSLATION", "0x10", "0x11", []],
      [1, "C_BAD_STE", "0x4", "0x8", []],
      [2, "F_TRANSL_FORBIDDEN", "0x7", "0x11", []],
      [3, "E_PAGE_REQUEST", "0x24", "0x11", []],
      [4, "C_BAD_STREAMID", "0x2", "0x11", []],
    ],
  );
});

test("a QEMU event name that is no SMMUv3 event says so, without inventing event 0x00", () => {
  const { records } = scanLog("smmuv3_record_event SMMU_EVT_BOGUS sid=0x11\n");
  assert.equal(records.length, 1);
  assert.deepEqual(records[0]!.problems, [
    { line: 0, message: "'SMMU_EVT_BOGUS' is not an SMMUv3 event name (QEMU smmu_event_string)" },
  ]);
  assert.equal(records[0]!.name, "SMMU_EVT_BOGUS");
  assert.equal(records[0]!.id, "");
  assert.deepEqual(records[0]!.decodeProblems, []);
});

test("QEMU smmuv3_record_event with the Security state first or last (sec_sid=, sec_idx=) still decodes", () => {
  const { records, problems } = scanLog(
    "smmuv3_record_event sec_sid=0 SMMU_EVT_F_TRANSLATION sid=0x11\n" +
      "smmuv3_record_event SMMU_EVT_C_BAD_CD sid=0x12 sec_idx=0\n",
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(
    records.map((r) => [r.name, fieldsOf(r)["StreamID"], r.problems]),
    [
      ["F_TRANSLATION", "0x11", []],
      ["C_BAD_CD", "0x12", []],
    ],
  );
});

test("a record cut before its first dword is named by its header, not decoded as Reserved event 0x00", () => {
  const { records } = scanLog("event 0x10 received:\nsomething else entirely\n");
  assert.equal(records.length, 1);
  const r = records[0]!;
  assert.deepEqual([r.id, r.name, r.fields, r.decodeProblems], ["0x10", "F_TRANSLATION", [], []]);
  assert.equal(r.summary, "no valid translation (incomplete record: dwords 0, 1, 2, 3 missing, their fields unknown)");
  assert.deepEqual(Array.from(r.words), [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(r.problems, [{ line: 0, message: "dwords 0..3 of 4 are missing (the record is cut at line 2)" }]);
});

test("a record whose dword 1 is unreadable: IPA and NSIPA (valid by S2 of dword 1) say their validity is unknown", () => {
  // NSIPA set and S2 unknown: neither "not valid: S2 == 0" nor its RES0 problem may be claimed.
  const log = [
    "arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:",
    "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000d4f200000010",
    "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x00000080zz000000",
    "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000398a0c694000",
    "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x000000f676457001",
  ].join("\n");
  const [r, ...more] = scanLog(log, "cut.log").records;
  assert.equal(more.length, 0);
  assert.ok(r);
  assert.equal(r.complete, false);
  assert.deepEqual(
    r.fields.filter((f) => f.field === "NSIPA" || f.field === "IPA").map((f) => [f.field, f.value, f.meaning]),
    [
      ["NSIPA", "0x1", "validity unknown: S2 is in missing dword 1"],
      ["IPA", "0xf676457000", "validity unknown: S2 is in missing dword 1"],
    ],
  );
  assert.deepEqual(
    r.decodeProblems.filter((p) => p.startsWith("NSIPA")),
    [],
  );
  assert.equal(
    r.fields.some((f) => f.field === "S2"),
    false,
  );
});

test("cmdqErrorName: the CONS.ERR names of the register table, Reserved values by number", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 0x7f].map(cmdqErrorName), [
    "CERROR_NONE",
    "CERROR_ILL",
    "CERROR_ABT",
    "CERROR_ATC_INV_SYNC",
    "CERROR_0x4",
    "CERROR_0x7f",
  ]);
});
