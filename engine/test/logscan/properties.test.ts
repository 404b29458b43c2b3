// Properties of the log scanner: any text (random, or a real log mutated) is scanned without an
// exception and in bounded time, and streaming the text in any chunking finds exactly what
// scanning it whole finds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { LogScanner, decodeLogRecord, scanLog, type DecodedLogRecord, type LogProblem } from "../../src/index";
import { repoRoot } from "../support/paths";

const SEED = readFileSync(join(repoRoot(), "engine/test/logscan/fixtures/seed-000-c_bad_ste-thread.txt"), "utf8");

/** A compact log exercising every form, used as the base for mutations and chunkings. */
const MIXED = [
  "[    1.000000] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:",
  "[    1.000001] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000001100000010",
  "[    1.000002] nvme nvme0: I/O 12 QID 3 timeout",
  "[    1.000003] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000020800000000",
  "[    1.000004] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000034bce504e21",
  "[    1.000005] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000",
  "[    1.000006] arm-smmu-v3 arm-smmu-v3.0.auto: event: F_TRANSLATION client: 0000:00:01.0 sid: 0x11 ssid: 0 iova: 0x34bce504e21 ipa: 0",
  '[    1.000007] arm-smmu-v3 arm-smmu-v3.0.auto: unpriv data read s1 "Input address caused fault" stag: 0',
  "> > [10501.943881] arm-smmu-v3 arm-smmu-v3.2.auto: event 0x04 received:",
  "> > [10501.943884] arm-smmu-v3 arm-smmu-v3.2.auto: 0x00007d1100000004",
  "> > [10501.943886] arm-smmu-v3 arm-smmu-v3.2.auto: 0x0000100800000080",
  "arm-smmu-v3: CMDQ error (cons 0x01000022): Illegal command",
  "arm-smmu-v3: skipping command in error state:",
  "arm-smmu-v3: \t0x0000000000000003",
  "arm-smmu-v3: \t0x0000000000000000",
  "raw: 0x7d1100000004 0x100800000080 0xfe040000 0x7e04c440",
  "0x00007d1100000004",
  "0x0000100800000080",
  "0x00000000fe040000",
  "0x000000007e04c440",
  "0x0000000000000001",
  "smmuv3_record_event F_TRANSLATION sid=0x11",
  "smmu_ptw_invalid_pte stage=1 level=3 base@=0x41003000 pte@=0x41003ff8 offset=511 pte=0x0",
  "event: C_BAD_STE client: (unassigned sid) sid: 0x8 ssid: 0",
].join("\r\n");

interface Snapshot {
  records: unknown[];
  problems: LogProblem[];
}

function snapshotRecord(r: DecodedLogRecord): unknown {
  return { ...r, words: Array.from(r.words), event: undefined };
}

function whole(text: string): Snapshot {
  const r = scanLog(text, "f");
  return { records: r.records.map(snapshotRecord), problems: r.problems };
}

function streamed(text: string, cuts: number[]): Snapshot {
  const records: unknown[] = [];
  const problems: LogProblem[] = [];
  const s = new LogScanner({
    file: "f",
    onRecord: (r) => records.push(snapshotRecord(r)),
    onProblem: (p) => problems.push(p),
  });
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    s.push(text.slice(from, c));
    from = c;
  }
  s.push(text.slice(from));
  s.end();
  return { records, problems };
}

/** Text that looks like logs often enough to reach every state. */
const logAlphabet = fc.constantFrom(
  "event 0x04 received:",
  "event 0x10 received:",
  "event: F_TRANSLATION client: x sid: 0x1 ssid: 0 iova: 0x0 ipa: 0",
  'unpriv data read s1 "Input address caused fault" stag: 0',
  "CMDQ error (cons 0x01000022): Illegal command",
  "skipping command in error state:",
  "retrying command fetch",
  "0x00007d1100000004",
  "0x0000100800000080",
  "0x000000000000zz00",
  "0x1 0x2 0x3 0x4",
  "smmuv3_record_event C_BAD_STE sid=0x7",
  "smmu_ptw_page_pte stage=1 level=3 iova=0x1000 base@=0x0 pte@=0x8 pte=0x4000000003 page address = 0x4000000000",
  "arm-smmu-v3 arm-smmu-v3.0.auto: ",
  "[ 12.345678] ",
  "> ",
  ">>",
  "\t",
  " ",
  "\n",
  "\r\n",
  "\r",
  "x",
  "0x",
);
const logText = fc.array(logAlphabet, { maxLength: 120 }).map((parts) => parts.join(""));
const anyText = fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: "binary", maxLength: 400 }), logText);

test("random text never throws and is scanned in bounded time", () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const started = Date.now();
      const r = scanLog(text);
      assert.ok(Date.now() - started < 1000);
      for (const rec of r.records) {
        assert.ok(rec.startLine <= rec.endLine);
        assert.ok(rec.endLine < Math.max(1, r.lineCount));
      }
    }),
    { numRuns: 200, interruptAfterTimeLimit: 20000 },
  );
});

test("real logs mutated (characters replaced, deleted, lines dropped) never throw", () => {
  const base = [SEED.slice(9000, 12000), MIXED];
  fc.assert(
    fc.property(
      fc.constantFrom(...base),
      fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 3 })), { maxLength: 30 }),
      (text, edits) => {
        let t = text;
        for (const [at, op, s] of edits) {
          const i = t.length ? at % t.length : 0;
          if (op === 0) t = t.slice(0, i) + s + t.slice(i + 1);
          else if (op === 1) t = t.slice(0, i) + t.slice(i + 1);
          else if (op === 2) t = t.slice(0, i) + s + t.slice(i);
          else {
            const nl = t.indexOf("\n", i);
            t = nl < 0 ? t.slice(0, i) : t.slice(0, t.lastIndexOf("\n", i) + 1) + t.slice(nl + 1);
          }
        }
        const started = Date.now();
        scanLog(t);
        assert.ok(Date.now() - started < 1000);
      },
    ),
    { numRuns: 200, interruptAfterTimeLimit: 20000 },
  );
});

test("streaming in any chunking finds exactly what scanning the whole text finds", () => {
  const texts = fc.oneof(fc.constant(MIXED), fc.constant(SEED.slice(8000, 14000)), logText);
  fc.assert(
    fc.property(
      texts.chain((t) => fc.tuple(fc.constant(t), fc.array(fc.nat(Math.max(0, t.length)), { maxLength: 40 }))),
      ([text, cuts]) => {
        assert.deepEqual(streamed(text, cuts), whole(text));
      },
    ),
    { numRuns: 150, interruptAfterTimeLimit: 20000 },
  );
});

test("one character at a time gives the same records as the whole text", () => {
  const cuts = Array.from({ length: MIXED.length }, (_, i) => i);
  const w = whole(MIXED);
  assert.deepEqual(streamed(MIXED, cuts), w);
  // The fixture itself: every form found (records of all four kinds, two standalone problems).
  assert.deepEqual(
    (w.records as DecodedLogRecord[]).map((r) => [r.kind, r.startLine, r.endLine]),
    [
      ["event", 0, 7],
      ["event", 8, 10],
      ["cmdq-error", 11, 14],
      ["dwords", 15, 15],
      ["event", 21, 21],
      ["trace", 22, 22],
    ],
  );
  assert.deepEqual(
    w.problems.map((p) => p.line),
    [16, 23],
  );
});

test("very long lines are scanned in their first 64 Ki characters, in any chunking", () => {
  const long = "x".repeat(70000) + " event 0x04 received:\n" + "0x1 0x2 0x3 0x4\n";
  const w = whole(long);
  assert.equal(w.records.length, 1);
  assert.deepEqual(streamed(long, [10, 65536, 65537, 70010]), w);
});

test("records handed out undecoded (decode: false) decode later to the same result", () => {
  const later: unknown[] = [];
  const s = new LogScanner({
    file: "f",
    decode: false,
    onRecord: (r) => {
      assert.equal(r.name, "");
      later.push(snapshotRecord(decodeLogRecord(r)));
    },
  });
  s.push(MIXED);
  s.end();
  assert.deepEqual(later, whole(MIXED).records);
});

test("adversarial long lines (repeated pattern fragments) are scanned in bounded time", () => {
  const fragments = [
    " sid: ",
    "event: x client: ",
    "event 0x",
    " received",
    "CMDQ error (cons 0x1): ",
    "0x1 ",
    "> ",
    "\t",
  ];
  for (const f of fragments) {
    for (const head of ["", "event: x client: ", "arm-smmu-v3: CMDQ error (cons 0x1): ", "smmuv3_record_event "]) {
      const line = head + f.repeat(Math.ceil(60000 / f.length));
      const started = Date.now();
      scanLog(`event 0x04 received:\n${line}\n${line}\n`);
      assert.ok(Date.now() - started < 1000, JSON.stringify([head, f]));
    }
  }
});
