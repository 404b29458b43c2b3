// The log scanner's text side: every form it reads, with exact line ranges, dwords and problems.
// Data-driven: each case is an inline fixture and what must be found in it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LogLineSplitter } from "../../src/logscan/chunks";
import type { FoundRecord, LogProblem } from "../../src/logscan/types";

function scanRaw(text: string): { records: FoundRecord[]; problems: LogProblem[] } {
  const records: FoundRecord[] = [];
  const problems: LogProblem[] = [];
  const s = new LogLineSplitter({ record: (r) => records.push(r), problem: (p) => problems.push(p) });
  s.push(text);
  s.end();
  return { records, problems };
}

/** Dwords as kernel hex (`0x7d1100000004`), for readable assertions. */
function dwords(r: FoundRecord): string[] {
  const out: string[] = [];
  for (let i = 0; i < r.expectedDwords; i++) {
    const lo = r.words[2 * i]!;
    const hi = r.words[2 * i + 1]!;
    out.push("0x" + (hi ? hi.toString(16) + lo.toString(16).padStart(8, "0") : lo.toString(16)));
  }
  return out;
}

const SEED_RAW = [
  "[10499.379288] vfio-pci 0000:7d:02.1: enabling device (0000 -> 0002)",
  "[10501.943881] arm-smmu-v3 arm-smmu-v3.2.auto: event 0x04 received:",
  "[10501.943884] arm-smmu-v3 arm-smmu-v3.2.auto: 0x00007d1100000004",
  "[10501.943886] arm-smmu-v3 arm-smmu-v3.2.auto: 0x0000100800000080",
  "[10501.943887] arm-smmu-v3 arm-smmu-v3.2.auto: 0x00000000fe040000",
  "[10501.943889] arm-smmu-v3 arm-smmu-v3.2.auto: 0x000000007e04c440",
  "",
  "So I suspect we didn't clear nested stage configuration",
];
const SEED_WORDS = ["0x7d1100000004", "0x100800000080", "0xfe040000", "0x7e04c440"];

interface Case {
  name: string;
  text: string;
  records: {
    kind: FoundRecord["kind"];
    form: FoundRecord["form"];
    startLine: number;
    endLine: number;
    quoteDepth?: number;
    words?: string[];
    wordLines?: (number | undefined)[];
    complete: boolean;
    problems?: RegExp[];
  }[];
  problems?: { line: number; message: RegExp }[];
}

const CASES: Case[] = [
  {
    name: "Linux raw event with timestamps and device prefix (seed mail)",
    text: SEED_RAW.join("\n"),
    records: [
      {
        kind: "event",
        form: "linux-raw",
        startLine: 1,
        endLine: 5,
        quoteDepth: 0,
        words: SEED_WORDS,
        wordLines: [2, 3, 4, 5],
        complete: true,
      },
    ],
  },
  {
    name: "quoted once with '> '",
    text: SEED_RAW.map((l) => "> " + l).join("\n"),
    records: [
      { kind: "event", form: "linux-raw", startLine: 1, endLine: 5, quoteDepth: 1, words: SEED_WORDS, complete: true },
    ],
  },
  {
    name: "quoted twice with '> > ' and with '>>'",
    text: [...SEED_RAW.map((l) => "> > " + l), ...SEED_RAW.map((l) => ">>" + l)].join("\n"),
    records: [
      { kind: "event", form: "linux-raw", startLine: 1, endLine: 5, quoteDepth: 2, words: SEED_WORDS, complete: true },
      { kind: "event", form: "linux-raw", startLine: 9, endLine: 13, quoteDepth: 2, words: SEED_WORDS, complete: true },
    ],
  },
  {
    name: "CRLF line ends",
    text: SEED_RAW.join("\r\n") + "\r\n",
    records: [{ kind: "event", form: "linux-raw", startLine: 1, endLine: 5, words: SEED_WORDS, complete: true }],
  },
  {
    name: "dmesg without prefixes, tab-indented dwords",
    text: "event 0x10 received:\n\t0x0000001100000010\n\t0x0000020800000000\n\t0x0000034bce504e21\n\t0x0000000000000000\n",
    records: [
      {
        kind: "event",
        form: "linux-raw",
        startLine: 0,
        endLine: 4,
        words: ["0x1100000010", "0x20800000000", "0x34bce504e21", "0x0"],
        complete: true,
      },
    ],
  },
  {
    name: "lines of other drivers between the record's lines",
    text: [
      "[  1.000000] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x04 received:",
      "[  1.000001] arm-smmu-v3 arm-smmu-v3.0.auto: 0x00007d1100000004",
      "[  1.000002] nvme nvme0: I/O 12 QID 3 timeout, aborting",
      "[  1.000003] arm-smmu-v3 arm-smmu-v3.0.auto: 0x0000100800000080",
      "[  1.000004] e1000e 0000:00:19.0 eth0: 0x0000000000000001",
      "[  1.000005] arm-smmu-v3 arm-smmu-v3.0.auto: 0x00000000fe040000",
      "[  1.000006] arm-smmu-v3 arm-smmu-v3.0.auto: 0x000000007e04c440",
    ].join("\n"),
    records: [
      {
        kind: "event",
        form: "linux-raw",
        startLine: 0,
        endLine: 6,
        words: SEED_WORDS,
        wordLines: [1, 3, 5, 6],
        complete: true,
      },
    ],
  },
  {
    name: "a timestamp form the prefix parser does not know: lines match on the device",
    text: [
      "2020-03-25T11:35:01,943881+00:00 arm-smmu-v3 arm-smmu-v3.2.auto: event 0x04 received:",
      "2020-03-25T11:35:01,943884+00:00 arm-smmu-v3 arm-smmu-v3.2.auto: 0x00007d1100000004",
      "2020-03-25T11:35:01,943885+00:00 nvme nvme0: 0x0000000000000001",
      "2020-03-25T11:35:01,943886+00:00 arm-smmu-v3 arm-smmu-v3.2.auto: 0x0000100800000080",
      "2020-03-25T11:35:01,943887+00:00 arm-smmu-v3 arm-smmu-v3.2.auto: 0x00000000fe040000",
      "2020-03-25T11:35:01,943889+00:00 arm-smmu-v3 arm-smmu-v3.2.auto: 0x000000007e04c440",
    ].join("\n"),
    records: [
      {
        kind: "event",
        form: "linux-raw",
        startLine: 0,
        endLine: 5,
        words: SEED_WORDS,
        wordLines: [1, 3, 4, 5],
        complete: true,
      },
    ],
  },
  {
    name: "two SMMUs interleaving their records",
    text: [
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
      "arm-smmu-v3 arm-smmu-v3.0.auto: ok",
      "arm-smmu-v3 arm-smmu-v3.1.auto: ok",
    ].join("\n"),
    records: [
      {
        kind: "event",
        form: "linux-raw",
        startLine: 0,
        endLine: 8,
        words: ["0x100000004", "0x0", "0x0", "0x0"],
        complete: true,
      },
      {
        kind: "event",
        form: "linux-raw",
        startLine: 1,
        endLine: 9,
        words: ["0x20000000a", "0x0", "0x0", "0x0"],
        complete: true,
      },
    ],
  },
  {
    name: "damaged hex digit in a dword",
    text: [
      "event 0x04 received:",
      "\t0x00007d1100000004",
      "\t0x00001008000000g0",
      "\t0x00000000fe040000",
      "\t0x000000007e04c440",
    ].join("\n"),
    records: [
      {
        kind: "event",
        form: "linux-raw",
        startLine: 0,
        endLine: 4,
        words: ["0x7d1100000004", "0x0", "0xfe040000", "0x7e04c440"],
        wordLines: [1, undefined, 3, 4],
        complete: false,
        problems: [/dword 1 of 4 '0x00001008000000g0' is not hexadecimal/],
      },
    ],
  },
  {
    name: "a dword cut short (12 digits) is read but flagged",
    text: "event 0x04 received:\n 0x00007d1100000004\n 0x100800000080\n 0x00000000fe040000\n 0x000000007e04c440",
    records: [
      {
        kind: "event",
        form: "linux-raw",
        startLine: 0,
        endLine: 4,
        words: SEED_WORDS,
        complete: true,
        problems: [/dword 1 of 4 '0x100800000080' has 12 hex digits where Linux prints 16/],
      },
    ],
  },
  {
    name: "bare dwords on one line, and as a JSON array",
    text: 'raw: 0x7d1100000004 0x100800000080 0xfe040000 0x7e04c440\n["0x1100000010", "0x20800000000", "0x34bce504e21", "0x0"]',
    records: [
      {
        kind: "dwords",
        form: "bare",
        startLine: 0,
        endLine: 0,
        words: SEED_WORDS,
        wordLines: [0, 0, 0, 0],
        complete: true,
      },
      {
        kind: "dwords",
        form: "bare",
        startLine: 1,
        endLine: 1,
        words: ["0x1100000010", "0x20800000000", "0x34bce504e21", "0x0"],
        complete: true,
      },
    ],
  },
  {
    name: "bare dwords on four lines (header lost), quoted",
    text: "> 0x00007d1100000004\n> 0x0000100800000080\n> 0x00000000fe040000\n> 0x000000007e04c440\n> thanks",
    records: [
      { kind: "dwords", form: "bare", startLine: 0, endLine: 3, quoteDepth: 1, words: SEED_WORDS, complete: true },
    ],
  },
  {
    name: "five dwords are not a record: a located problem",
    text: [
      "0x00007d1100000004",
      "0x0000100800000080",
      "0x00000000fe040000",
      "0x000000007e04c440",
      "0x0000000000000001",
      "",
      "0x0000000000000001 0x0000000000000002 0x0000000000000003 0x0000000000000004 0x0000000000000005",
    ].join("\n"),
    records: [],
    problems: [
      { line: 0, message: /^5 hex dwords on consecutive lines \(1-5\); an SMMUv3 event record has 4$/ },
      { line: 6, message: /^5 hex dwords on one line; an SMMUv3 event record has 4$/ },
    ],
  },
  {
    name: "Linux >= 6.14 decoded lines follow the raw dwords (translation fault)",
    text: [
      "[  12.000000] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:",
      "[  12.000001] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000001100000010",
      "[  12.000002] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000020800000000",
      "[  12.000003] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000034bce504e21",
      "[  12.000004] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000",
      "[  12.000005] arm-smmu-v3 arm-smmu-v3.0.auto: event: F_TRANSLATION client: 0000:00:01.0 sid: 0x11 ssid: 0 iova: 0x34bce504e21 ipa: 0",
      '[  12.000006] arm-smmu-v3 arm-smmu-v3.0.auto: unpriv data read s1 "Input address caused fault" stag: 0',
      "[  12.000007] nvme nvme0: next",
    ].join("\n"),
    records: [
      {
        kind: "event",
        form: "linux-raw",
        startLine: 0,
        endLine: 6,
        words: ["0x1100000010", "0x20800000000", "0x34bce504e21", "0x0"],
        complete: true,
      },
    ],
  },
  {
    name: "QEMU trace: record_event and a walk step",
    text: [
      "12345@1700000000.000001:smmuv3_record_event F_TRANSLATION sid=0x11",
      "smmu_ptw_invalid_pte stage=1 level=3 base@=0x41003000 pte@=0x41003ff8 offset=511 pte=0x0",
      "smmuv3_translate_success smmuv3-iommu-memory-region-0-0 sid=0x11 iova=0x1000 translated=0x2000 perm=0x3",
      "smmuv3_get_ste STE addr: 0x10440",
      "smmuv3_cmdq_consume_error Error on SMMU_CMD_CFGI_STE command execution: 1",
      "smmuv3_update prod:1 cons:1",
    ].join("\n"),
    records: [
      {
        kind: "event",
        form: "qemu-trace",
        startLine: 0,
        endLine: 0,
        complete: false,
        problems: [],
      },
      { kind: "trace", form: "qemu-trace", startLine: 1, endLine: 1, words: ["0x0"], wordLines: [1], complete: true },
      { kind: "trace", form: "qemu-trace", startLine: 2, endLine: 2, words: [], complete: true },
      { kind: "trace", form: "qemu-trace", startLine: 3, endLine: 3, words: [], complete: true },
      { kind: "trace", form: "qemu-trace", startLine: 4, endLine: 4, words: [], complete: true },
    ],
  },
  {
    name: "CMDQ error with its command (CERROR_ILL), then an abort (CERROR_ABT)",
    text: [
      "arm-smmu-v3 arm-smmu-v3.0.auto: CMDQ error (cons 0x01000022): Illegal command",
      "arm-smmu-v3 arm-smmu-v3.0.auto: skipping command in error state:",
      "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000",
      "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000",
      "arm-smmu-v3 arm-smmu-v3.0.auto: CMDQ error (cons 0x02000010): Abort on command fetch",
      "arm-smmu-v3 arm-smmu-v3.0.auto: retrying command fetch",
    ].join("\n"),
    records: [
      {
        kind: "cmdq-error",
        form: "linux-cmdq",
        startLine: 0,
        endLine: 3,
        words: ["0x0", "0x0"],
        wordLines: [2, 3],
        complete: true,
      },
      { kind: "cmdq-error", form: "linux-cmdq", startLine: 4, endLine: 5, complete: false, problems: [] },
    ],
  },
  {
    name: "CMDQ error whose command is cut off",
    text: "arm-smmu-v3: CMDQ error (cons 0x01000022): Illegal command\narm-smmu-v3: skipping command in error state:\narm-smmu-v3: \t0x0000000000000003\narm-smmu-v3: done",
    records: [
      {
        kind: "cmdq-error",
        form: "linux-cmdq",
        startLine: 0,
        endLine: 2,
        words: ["0x3", "0x0"],
        complete: false,
        problems: [/dword 1 of 2 is missing \(the record is cut at line 4\)/],
      },
    ],
  },
  {
    name: "a header with its dwords on the same line (a re-wrapped paste)",
    text: "> arm-smmu-v3 arm-smmu-v3.2.auto: event 0x04 received: 0x00007d1100000004 0x0000100800000080 0x00000000fe040000 0x000000007e04c440",
    records: [
      {
        kind: "event",
        form: "linux-raw",
        startLine: 0,
        endLine: 0,
        quoteDepth: 1,
        words: SEED_WORDS,
        wordLines: [0, 0, 0, 0],
        complete: true,
      },
    ],
  },
  {
    name: "a damaged header: a located problem, and the dwords after it still found as a list",
    text: "event 0x0g received:\n0x00007d1100000004\n0x0000100800000080\n0x00000000fe040000\n0x000000007e04c440",
    records: [{ kind: "dwords", form: "bare", startLine: 1, endLine: 4, words: SEED_WORDS, complete: true }],
    problems: [
      { line: 0, message: /looks like an 'event 0x.. received:' header but the event number is not hexadecimal/ },
    ],
  },
  {
    name: "a decoded line without its raw dwords",
    text: "arm-smmu-v3 arm-smmu-v3.0.auto: event: C_BAD_STE client: 0000:00:01.0 sid: 0x8 ssid: 0",
    records: [],
    problems: [{ line: 0, message: /decoded C_BAD_STE line without the raw/ }],
  },
  {
    name: "prose, patches and sysfs paths hold no records",
    text: [
      "/sys/class/iommu/smmu.0x00000000e0600000/arm-smmu-v3/model = 2",
      "+#define EVTQ_0_ID GENMASK_ULL(7, 0)",
      "The event 0x04 received: line is followed by four dwords, e.g. 0x1",
      "irq 0x20",
      "base 0x1000 size 0x2000",
    ].join("\n"),
    records: [],
  },
];

for (const c of CASES) {
  test(`scanner finds: ${c.name}`, () => {
    const { records, problems } = scanRaw(c.text);
    assert.equal(records.length, c.records.length, JSON.stringify(records.map((r) => [r.kind, r.startLine])));
    c.records.forEach((want, i) => {
      const got = records[i]!;
      assert.equal(got.kind, want.kind);
      assert.equal(got.form, want.form);
      assert.equal(got.startLine, want.startLine, "startLine");
      assert.equal(got.endLine, want.endLine, "endLine");
      if (want.quoteDepth !== undefined) assert.equal(got.quoteDepth, want.quoteDepth);
      if (want.words) assert.deepEqual(dwords(got), want.words);
      if (want.wordLines)
        assert.deepEqual(
          got.wordRanges.map((r) => r?.line),
          want.wordLines,
        );
      assert.equal(got.complete, want.complete, "complete");
      const wantProblems = want.problems ?? [];
      assert.equal(got.problems.length, wantProblems.length, JSON.stringify(got.problems));
      wantProblems.forEach((re, k) => assert.match(got.problems[k]!.message, re));
    });
    const wantStandalone = c.problems ?? [];
    assert.equal(problems.length, wantStandalone.length, JSON.stringify(problems));
    wantStandalone.forEach((p, k) => {
      assert.equal(problems[k]!.line, p.line);
      assert.match(problems[k]!.message, p.message);
    });
  });
}

test("each dword's range covers exactly its hex text", () => {
  const text = SEED_RAW.join("\n");
  const lines = text.split("\n");
  const [r] = scanRaw(text).records;
  assert.ok(r);
  r.wordRanges.forEach((range, i) => {
    assert.ok(range);
    assert.equal(lines[range.line]!.slice(range.start, range.end), "0x" + SEED_RAW[2 + i]!.slice(-16));
  });
  assert.ok(r.headerRange);
  assert.equal(lines[1]!.slice(r.headerRange.start, r.headerRange.end), "event 0x04 received:");
  assert.equal(r.source, "arm-smmu-v3 arm-smmu-v3.2.auto:");
  assert.equal(r.headerId, 4);
});

test("QEMU trace arguments are kept by the trace's own names", () => {
  const c = CASES.find((x) => x.name.startsWith("QEMU trace"))!;
  const args = scanRaw(c.text).records.map((r) => r.trace?.args);
  assert.deepEqual(args, [
    { sid: "0x11", type: "F_TRANSLATION" },
    { stage: "1", level: "3", "base@": "0x41003000", "pte@": "0x41003ff8", offset: "511", pte: "0x0" },
    { sid: "0x11", iova: "0x1000", translated: "0x2000", perm: "0x3" },
    { "STE addr": "0x10440" },
    { command: "SMMU_CMD_CFGI_STE", error: "1" },
  ]);
});

test("the kernel's decoded lines are parsed with the record", () => {
  const c = CASES.find((x) => x.name.startsWith("Linux >= 6.14"))!;
  const [r] = scanRaw(c.text).records;
  assert.deepEqual(r?.kernelDecoded, {
    name: "F_TRANSLATION",
    client: "0000:00:01.0",
    sid: 0x11,
    ssid: 0,
    iova: "0x34bce504e21",
    ipa: "0x0",
    lines: [5, 6],
    privileged: false,
    instruction: false,
    read: true,
    stage2: false,
    classText: "Input address caused fault",
    stall: false,
    stag: 0,
  });
});

test("a record truncated after each of its lines says which dwords are missing, and where", () => {
  for (let keep = 1; keep <= 4; keep++) {
    const lines = SEED_RAW.slice(1, 1 + keep);
    const text = [...lines, "[10502.000000] arm-smmu-v3 arm-smmu-v3.2.auto: something else"].join("\n");
    const { records } = scanRaw(text);
    assert.equal(records.length, 1);
    const r = records[0]!;
    assert.equal(r.complete, false);
    assert.equal(r.startLine, 0);
    assert.equal(r.endLine, keep - 1);
    const present = keep - 1;
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.message]),
      [
        [
          keep - 1,
          present === 3
            ? `dword 3 of 4 is missing (the record is cut at line ${keep + 1})`
            : `dwords ${present}..3 of 4 are missing (the record is cut at line ${keep + 1})`,
        ],
      ],
    );
    assert.deepEqual(dwords(r).slice(0, present), SEED_WORDS.slice(0, present));
  }
});

test("a record cut by the end of the text", () => {
  const { records } = scanRaw(SEED_RAW.slice(1, 3).join("\n"));
  assert.deepEqual(records[0]?.problems, [
    { line: 1, message: "dwords 1..3 of 4 are missing (the record is cut at line 3)" },
  ]);
});

test("at most 8 records in progress: the oldest is given up, with a problem, when a ninth starts", () => {
  const lines = Array.from({ length: 10 }, (_, i) => `arm-smmu-v3 smmu${i}: event 0x04 received:`);
  const { records } = scanRaw(lines.join("\n") + "\n");
  assert.equal(records.length, 10);
  assert.deepEqual(records.map((r) => [r.startLine, r.problems.map((p) => p.message)]).slice(0, 3), [
    [0, ["more than 8 records interleaved: given up", "dwords 0..3 of 4 are missing (the record is cut after line 1)"]],
    [1, ["more than 8 records interleaved: given up", "dwords 0..3 of 4 are missing (the record is cut after line 2)"]],
    [2, ["dwords 0..3 of 4 are missing (the record is cut after line 3)"]],
  ]);
});

test("QEMU smmuv3_translate_abort/bypass/disable keep the IOVA they print as 'iova:0x..'", () => {
  const text = [
    "smmuv3_translate_abort smmuv3-iommu-memory-region-16-0 sid=0x10 abort on iova:0x1000 is_write=0",
    "smmuv3_translate_bypass smmuv3-iommu-memory-region-16-0 sid=0x10 STE bypass iova:0xfee00000 is_write=1",
    "smmuv3_translate_disable smmuv3-iommu-memory-region-16-0 sid=0x10 bypass (smmu disabled) iova:0x2000 is_write=0",
  ].join("\n");
  const { records, problems } = scanRaw(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    records.map((r) => [r.startLine, r.trace?.point, r.trace?.args]),
    [
      [0, "smmuv3_translate_abort", { sid: "0x10", is_write: "0", iova: "0x1000" }],
      [1, "smmuv3_translate_bypass", { sid: "0x10", is_write: "1", iova: "0xfee00000" }],
      [2, "smmuv3_translate_disable", { sid: "0x10", is_write: "0", iova: "0x2000" }],
    ],
  );
});

test("a list in braces (gdb p/x, a C initialiser) is read, its label ending in '=' or ':'", () => {
  const text = [
    "$1 = {0x7d1100000004, 0x100800000080, 0xfe040000, 0x7e04c440}",
    "static const u64 evt[] = { 0x0000001100000010, 0x0000020800000000, 0x0000034bce504e21, 0x0 };",
    "evt: {00007d1100000004 0000100800000080 00000000fe040000 000000007e04c440}",
    "$2 = {0x1, 0x2, 0x3}",
    "if (x) { y = 0x1; }",
  ].join("\n");
  const { records, problems } = scanRaw(text);
  assert.deepEqual(
    records.map((r) => [r.startLine, r.form, r.source, dwords(r)]),
    [
      [0, "bare", "$1 =", ["0x7d1100000004", "0x100800000080", "0xfe040000", "0x7e04c440"]],
      [1, "bare", "static const u64 evt[] =", ["0x1100000010", "0x20800000000", "0x34bce504e21", "0x0"]],
      [2, "bare", "evt:", ["0x7d1100000004", "0x100800000080", "0xfe040000", "0x7e04c440"]],
    ],
  );
  assert.deepEqual(problems, []);
  const r = records[0]!;
  assert.deepEqual(r.wordRanges[3], { line: 0, start: 50, end: 60 });
});

test("rsyslog's escaped tab (#011, its default for control characters) before a dword is skipped", () => {
  const p = "Nov 21 08:00:00 host kernel: [   12.345678] arm-smmu-v3 arm-smmu-v3.0.auto: ";
  const text = [
    `${p}event 0x10 received:`,
    `${p}#0110x0000010000000010`,
    `${p}#0110x0000020800000000`,
    `${p}#0110x00000000fffff000`,
    `${p}#0110x0000000000000000`,
    `${p}CMDQ error (cons 0x01000012): Illegal command`,
    `${p}skipping command in error state:`,
    `${p}#0110x0000010000000003`,
    `${p}#0110x0000000000000000`,
  ].join("\n");
  const { records, problems } = scanRaw(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    records.map((r) => [r.startLine, r.endLine, r.complete, dwords(r), r.problems]),
    [
      [0, 4, true, ["0x10000000010", "0x20800000000", "0xfffff000", "0x0"], []],
      [5, 8, true, ["0x10000000003", "0x0"], []],
    ],
  );
  assert.deepEqual(records[0]!.wordRanges[0], { line: 1, start: p.length + 4, end: p.length + 22 });
});

test("/dev/kmsg records (seq prefix, escaped tab \\x09, SUBSYSTEM/DEVICE lines between) are read", () => {
  const dev = "arm-smmu-v3 arm-smmu-v3.0.auto: ";
  const lines: string[] = [];
  [
    "event 0x10 received:",
    "\\x090x0000010000000010",
    "\\x090x0000020800000000",
    "\\x090x00000000fffff000",
    "\\x090x0000000000000000",
  ].forEach((l, i) =>
    lines.push(
      `3,${1234 + i},${12345678 + i},-;${dev}${l}`,
      " SUBSYSTEM=platform",
      " DEVICE=+platform:arm-smmu-v3.0.auto",
    ),
  );
  const { records, problems } = scanRaw(lines.join("\n"));
  assert.deepEqual(problems, []);
  assert.deepEqual(
    records.map((r) => [r.startLine, r.endLine, r.complete, dwords(r), r.problems]),
    [[0, 12, true, ["0x10000000010", "0x20800000000", "0xfffff000", "0x0"], []]],
  );
});

test("repeated driver messages ending in a hex number are no vertical dword list; kernel dword lines are", () => {
  const text = [
    "[    5.000000] random: crng init done 0x1234",
    "[    5.000001] random: crng init done 0x1234",
    "[    5.000002] random: crng init done 0x1234",
    "[    5.000003] random: crng init done 0x1234",
    "[    6.000000] foo foo.0: 0x4",
    "[    6.000001] foo foo.0: 0x4",
    "[    6.000002] foo foo.0: 0x4",
    "[    6.000003] foo foo.0: 0x4",
    "[    7.000000] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000010000000010",
    "[    7.000001] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000020800000000",
    "[    7.000002] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x00000000fffff000",
    "[    7.000003] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000",
    "0x1",
    "0x2",
    "0x3",
    "0x4",
  ].join("\n");
  const { records, problems } = scanRaw(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    records.map((r) => [r.startLine, r.endLine, r.form, r.source, dwords(r)]),
    [
      [8, 11, "bare", "arm-smmu-v3 arm-smmu-v3.0.auto:", ["0x10000000010", "0x20800000000", "0xfffff000", "0x0"]],
      [12, 15, "bare", "", ["0x1", "0x2", "0x3", "0x4"]],
    ],
  );
});

test("a quoted-printable mail's tab (=09) before a kernel dword is skipped", () => {
  const p = "[10501.943884] arm-smmu-v3 arm-smmu-v3.2.auto: ";
  const text = [
    `${p}event 0x04 received:`,
    `${p}=090x00007d1100000004`,
    `${p}=090x0000100800000080`,
    `${p}=090x00000000fe040000`,
    `${p}=090x000000007e04c440`,
  ].join("\n");
  const { records } = scanRaw(text);
  assert.deepEqual(
    records.map((r) => [r.startLine, r.endLine, r.complete, dwords(r), r.problems]),
    [[0, 4, true, ["0x7d1100000004", "0x100800000080", "0xfe040000", "0x7e04c440"], []]],
  );
  assert.deepEqual(records[0]!.wordRanges[3], { line: 4, start: p.length + 3, end: p.length + 21 });
});

test("QEMU smmu_ptw_page_pte/_block_pte: the page or block address and the block size each once, by their trace names", () => {
  const text = [
    "smmu_ptw_page_pte stage=1 level=3 iova=0x1000 base@=0x41000000 pte@=0x41000008 pte=0x50000743 page address = 0x50000000",
    "smmu_ptw_block_pte stage=2 level=2 base@=0x42000000 pte@=0x42000010 pte=0x40200741 iova=0x40200000 block address = 0x40200000 block size = 2 MiB",
  ].join("\n");
  const { records } = scanRaw(text);
  assert.deepEqual(
    records.map((r) => r.trace?.args),
    [
      {
        stage: "1",
        level: "3",
        iova: "0x1000",
        "base@": "0x41000000",
        "pte@": "0x41000008",
        pte: "0x50000743",
        "page address": "0x50000000",
      },
      {
        stage: "2",
        level: "2",
        "base@": "0x42000000",
        "pte@": "0x42000010",
        pte: "0x40200741",
        iova: "0x40200000",
        "block address": "0x40200000",
        "block size": "2 MiB",
      },
    ],
  );
});

test("a JSON array of four hex strings ('raw' of decode --json, 'record' of walk --json) is a record", () => {
  const text = [
    '{"id":"s1","outcome":"fault","fault":{"event":"F_TRANSLATION","record":["0x1100000010","0x20a00000000","0x34bce504e21","0x0"],"reason":"x"}}',
    '{"arch":"smmuv3","kind":"event","raw": [ "0x7d1100000004", "0x100800000080", "0xfe040000", "0x7e04c440" ],"id":"0x4"}',
    '{"ste":{"words":["0x1","0x2","0x3","0x4","0x5","0x6","0x7","0x8"]},"cd":["0x1","0x2","0x3"]}',
    '{"a":["0x1","0xzz","0x3","0x4"],"b":["0x9","0x8","0x7","0x6"]}',
  ].join("\n");
  const { records, problems } = scanRaw(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    records.map((r) => [r.startLine, r.kind, r.form, r.source, dwords(r), r.complete]),
    [
      [0, "dwords", "bare", "record", ["0x1100000010", "0x20a00000000", "0x34bce504e21", "0x0"], true],
      [1, "dwords", "bare", "raw", ["0x7d1100000004", "0x100800000080", "0xfe040000", "0x7e04c440"], true],
      [3, "dwords", "bare", "b", ["0x9", "0x8", "0x7", "0x6"], true],
    ],
  );
  const line0 = text.split("\n")[0]!;
  const r = records[0]!.wordRanges[2]!;
  assert.equal(line0.slice(r.start, r.end), "0x34bce504e21");
});

test("a JSON array of hex strings printed one item a line (jq .) is a record; near misses are not", () => {
  const text = [
    "[",
    '  "0x0000d4f200000010",',
    '  "0x0000000000000000",',
    '  "0x0000000000001000",',
    '  "0x0000000000000000"',
    "]",
    '> "record": [',
    '>   "0x1100000010",',
    '>   "0x20a00000000",',
    ">   0x34bce504e21,",
    '>   "0x0"',
    "> ]",
    'raw: "0x1",',
    '"0x2",',
    '"0x3",',
    '"0x4"',
  ].join("\n");
  const { records, problems } = scanRaw(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    records.map((r) => [r.startLine, r.endLine, r.kind, r.form, r.source, r.quoteDepth, dwords(r), r.complete]),
    [[1, 4, "dwords", "bare", "", 0, ["0xd4f200000010", "0x0", "0x1000", "0x0"], true]],
  );
  assert.deepEqual(records[0]!.wordRanges[3], { line: 4, start: 3, end: 21 });
});

test("a decoded event line re-wrapped by a mail client is joined with its unambiguous rest and read as one", () => {
  const p = "> [   12.345678] arm-smmu-v3 arm-smmu-v3.0.auto: ";
  const raw = [
    "event 0x10 received:",
    "\t0x0000010000000010",
    "\t0x0000020800000000",
    "\t0x00000000fffff000",
    "\t0x0000000000000000",
  ];
  const flags = 'unpriv data read s1 "Input address caused fault" stag: 0x0';
  const record = (cut: string, rest: string): FoundRecord[] =>
    scanRaw([...raw.map((l) => p + l), p + cut, rest, p + flags].join("\n")).records;
  const [joined] = record("event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100", "> ssid: 0 iova: 0xfffff000 ipa: 0");
  assert.deepEqual(
    [joined!.startLine, joined!.endLine, joined!.problems, joined!.kernelDecoded],
    [
      0,
      7,
      [],
      {
        name: "F_TRANSLATION",
        client: "0000:01:00.0",
        sid: 0x100,
        ssid: 0,
        iova: "0xfffff000",
        ipa: "0x0",
        lines: [5, 6, 7],
        privileged: false,
        instruction: false,
        read: true,
        stage2: false,
        classText: "Input address caused fault",
        stall: false,
        stag: 0,
      },
    ],
  );
  // The rest must start with the token that comes next: a value after a key, else the next key.
  const [notNext] = record("event: F_TRANSLATION client: 0000:01:00.0", "> ssid: 0 sid: 0x100 iova: 0xfffff000 ipa: 0");
  assert.deepEqual(
    [notNext!.endLine, notNext!.kernelDecoded?.name, notNext!.problems.map((q) => q.message)],
    [
      5,
      "?",
      [
        "the kernel's decoded event line ends before 'sid:' (cut, or re-wrapped by a mail client): 'event: F_TRANSLATION client: 0000:01:00.0'",
      ],
    ],
  );
});

test("QEMU trace values after a quoted-printable '=3D' (a mail not decoded) are read as the number after it", () => {
  const lines = [
    "smmuv3_record_event SMMU_EVT_F_TRANSLATION sid=3D0x11 ssid=3D0x0",
    "smmu_ptw_invalid_pte stage=3D1 level=3D3 base@=3D0x41003000 pte@=3D0x41003ff8 offset=3D511 pte=3D0x0",
    "smmuv3_record_event C_BAD_STE sid=3Dzz",
  ];
  const text = lines.join("\n");
  // The dword's range is the number after `=3D` (the sid, the pte).
  const after = (line: number, what: string): { line: number; start: number; end: number } => {
    const start = lines[line]!.indexOf(what);
    return { line, start, end: start + what.length };
  };
  const { records } = scanRaw(text);
  assert.deepEqual(
    records.map((r) => [r.startLine, r.trace?.args, r.wordRanges[0]]),
    [
      [0, { sid: "0x11", ssid: "0x0", type: "SMMU_EVT_F_TRANSLATION" }, after(0, "0x11")],
      [
        1,
        { stage: "1", level: "3", "base@": "0x41003000", "pte@": "0x41003ff8", offset: "511", pte: "0x0" },
        after(1, "0x0"),
      ],
      [2, { sid: "3Dzz", type: "C_BAD_STE" }, after(2, "3Dzz")],
    ],
  );
});

test("a flags line re-wrapped by a mail client is joined with its unambiguous rest; otherwise the record ends as before", () => {
  const p = "> [   12.345678] arm-smmu-v3 arm-smmu-v3.0.auto: ";
  const lines = [
    "event 0x10 received:",
    "\t0x0000010000000010",
    "\t0x0000020800000000",
    "\t0x00000000fffff000",
    "\t0x0000000000000000",
    "event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0",
  ].map((l) => p + l);
  const scan = (cut: string, rest: string): FoundRecord[] => scanRaw([...lines, p + cut, rest].join("\n")).records;
  const [joined] = scan('priv inst write s2 "Stage 1 translation', '> table fetch" ttd_read stall stag: 0x3');
  const d = joined!.kernelDecoded!;
  assert.deepEqual(
    [joined!.endLine, joined!.problems, d.lines, d.privileged, d.instruction, d.read, d.stage2, d.classText],
    [7, [], [5, 6, 7], true, true, false, true, "Stage 1 translation table fetch"],
  );
  assert.deepEqual([d.ttdRead, d.stall, d.stag], [true, true, 3]);
  const missing = [
    {
      line: 5,
      message:
        'the kernel\'s flags line (priv/unpriv inst/data read/write s1/s2 "class" stag) for F_TRANSLATION is missing',
    },
  ];
  for (const [cut, rest] of [
    ['priv inst write s2 "Stage 1 translation', '> > table fetch" stag: 0x3'],
    ['priv inst write s2 "Stage 1 translation table fetch"', "> [ 12.4] stag: 0x3"],
    ['priv inst write s2 "Stage 1 translation table fetch"', "> 0x3 stag:"],
    ["priv inst", '> s2 read "x" stag: 0x3'],
  ]) {
    const [r] = scan(cut!, rest!);
    assert.deepEqual([r!.endLine, r!.problems, r!.kernelDecoded!.stag], [5, missing, undefined], `${cut} / ${rest}`);
  }
});
