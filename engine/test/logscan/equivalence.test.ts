// The optimised scanner (engine/src/logscan/) against the reference copy of the scanner before the
// throughput work (./reference/): on generated logs with noise, timestamps, device prefixes, mail
// quoting, CRLF, interleaved sources, damaged characters and dropped lines, both find exactly the
// same records (kind, form, line ranges, dwords, ranges, ids, names, fields, summaries, problems)
// and the same standalone problems, whole and streamed in any chunking.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import {
  ByteLogScanner,
  LogScanner,
  decodeUtf8Bytes,
  scanLog,
  scanLogBytes,
  type DecodedLogRecord,
  type LogProblem,
} from "../../src/logscan/index";
import { scanLog as referenceScanLog } from "./reference/scan";
import type { DecodedLogRecord as ReferenceRecord } from "./reference/types";
import { readRawEventRecord } from "../../src/logscan/raw-bytes";
import { repoRoot } from "../support/paths";

const fixture = (name: string): string => readFileSync(join(repoRoot(), "engine/test/logscan/fixtures", name), "utf8");

interface Snapshot {
  records: unknown[];
  problems: LogProblem[];
  lineCount: number;
}

function plain(r: DecodedLogRecord | ReferenceRecord): unknown {
  return { ...r, words: Array.from(r.words) };
}

function reference(text: string): Snapshot {
  const r = referenceScanLog(text, "f");
  return { records: r.records.map(plain), problems: r.problems, lineCount: r.lineCount };
}

function optimised(text: string): Snapshot {
  const r = scanLog(text, "f");
  return { records: r.records.map(plain), problems: r.problems, lineCount: r.lineCount };
}

/** The streaming scanner fed the text cut at the given offsets. */
function optimisedStreamed(text: string, cuts: readonly number[]): Snapshot {
  const records: unknown[] = [];
  const problems: LogProblem[] = [];
  const s = new LogScanner({ file: "f", onRecord: (r) => records.push(plain(r)), onProblem: (p) => problems.push(p) });
  let from = 0;
  for (const c of [...cuts].map((c) => Math.min(c, text.length)).sort((a, b) => a - b)) {
    s.push(text.slice(from, c));
    from = c;
  }
  s.push(text.slice(from));
  s.end();
  return { records, problems, lineCount: s.lineCount };
}

const hex16 = fc
  .tuple(fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 0xffff_ffff }))
  .map(([hi, lo]) => hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0"));
const eventId = fc.constantFrom(
  "01",
  "02",
  "03",
  "04",
  "05",
  "06",
  "07",
  "08",
  "0a",
  "10",
  "11",
  "12",
  "13",
  "7f",
  "e3",
);
const dword0 = fc
  .tuple(eventId, fc.nat({ max: 0xffff }), fc.nat({ max: 0xffff }))
  .map(([id, sid, x]) => sid.toString(16).padStart(8, "0") + (x & 0xfff).toString(16).padStart(6, "0") + id);
const stamp = fc.oneof(
  fc.constant(""),
  fc.nat({ max: 99999 }).map((n) => `[${(n / 1000).toFixed(6).padStart(12)}] `),
  fc.constant("<3>[    5.000001] "),
  fc.constant("Mar 25 11:35:01 host kernel: "),
  fc.constant("2020-03-25T11:35:01+0000 host kernel: "),
  fc.constant("2020-03-25 "),
  fc.constant("[  +0.000003] "),
);
const device = fc.constantFrom(
  "arm-smmu-v3 arm-smmu-v3.0.auto: ",
  "arm-smmu-v3 arm-smmu-v3.2.auto: ",
  "arm-smmu-v3: ",
  "",
);
const quote = fc.constantFrom("", "", "", "> ", "> > ", ">>");
const noise = fc.constantFrom(
  "nvme nvme0: I/O 12 QID 3 timeout, reset controller",
  "pcieport 0000:00:01.0: AER: Corrected error received: 0000:01:00.0",
  "EXT4-fs (nvme0n1p2): mounted filesystem with ordered data mode. Quota mode: none.",
  "usb 1-1: new high-speed USB device number 2 using xhci_hcd",
  "random: crng init done 0x1234",
  "e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None",
  "vfio-pci 0000:7d:02.1: enabling device (0000 -> 0002)",
  'audit: type=1400 audit(1700000000.123:42): apparmor="STATUS" operation="profile_load"',
  "data: 0123456789abcdef",
  "key abcdef0123456789, fedcba9876543210]",
  "hash cafe",
  "",
  "x",
  "wlan0: caf\u00e9 \u{1f600} na\u00efve 0x12",
  "\u65e5\u672c\u8a9e 0123456789abcdef",
  "\ufeffbom \u20ac 0x0000000000000001",
);
const decodedLines = fc.constantFrom(
  [
    "event: F_TRANSLATION client: 0000:00:01.0 sid: 0x11 ssid: 0 iova: 0x34bce504e21 ipa: 0",
    'unpriv data read s1 "Input address caused fault" stag: 0',
  ],
  ["event: C_BAD_STE client: (unassigned sid) sid: 0x8 ssid: 0"],
  ["event: F_STE_FETCH client: 0000:00:02.0 sid: 0x3 ssid: 0x0 fetch_addr: 0x80000000"],
  [
    "event: F_PERMISSION client: x sid: 7 ssid: 0 iova: 0x1000 ipa: 0x0",
    'priv inst write s2 "Stage 1 translation table fetch" ttd_read stall stag: 0x3',
  ],
);

/** One block of lines: a record in one of the forms, or noise. */
const block = fc.oneof(
  fc
    .tuple(quote, stamp, device, dword0, fc.array(hex16, { minLength: 3, maxLength: 3 }), fc.boolean(), decodedLines)
    .map(([q, s, d, w0, ws, dec, lines]) => [
      `${q}${s}${d}event 0x${w0.slice(-2)} received:`,
      ...[w0, ...ws].map((w) => `${q}${s}${d}\t0x${w}`),
      ...(dec ? lines.map((l) => `${q}${s}${d}${l}`) : []),
    ]),
  fc
    .tuple(dword0, fc.array(hex16, { minLength: 3, maxLength: 3 }), fc.constantFrom(" ", ", ", "\t"))
    .map(([w0, ws, sep]) => [[w0, ...ws].map((w) => "0x" + w.replace(/^0+(?=.)/, "")).join(sep)]),
  fc.tuple(dword0, fc.array(hex16, { minLength: 3, maxLength: 4 })).map(([w0, ws]) => [w0, ...ws].map((w) => `0x${w}`)),
  // A decoded event line re-wrapped by a mail client at one of its blanks; its rest with the same
  // quoting, or another, or a stamp, or a device prefix: joined only when unambiguous.
  fc
    .tuple(quote, stamp, device, dword0, fc.array(hex16, { minLength: 3, maxLength: 3 }), decodedLines, fc.nat(16))
    .chain(([q, s, d, w0, ws, lines, cut]) =>
      fc
        .tuple(fc.constantFrom("", "> ", "[    1.5] ", d, "  "), fc.constantFrom("", "> ", "[    1.5] ", d), fc.nat(16))
        .map(([restPrefix, flagsRestPrefix, flagsCut]) => {
          // The event line cut at one of its blanks, and the flags line (when there is one) too.
          const wrap = (line: string, at: number, prefix: string): string[] => {
            const words = line.split(" ");
            const k = 1 + (at % (words.length - 1));
            return [`${q}${s}${d}${words.slice(0, k).join(" ")}`, `${q}${prefix}${words.slice(k).join(" ")}`];
          };
          return [
            `${q}${s}${d}event 0x${w0.slice(-2)} received:`,
            ...[w0, ...ws].map((w) => `${q}${s}${d}\t0x${w}`),
            ...wrap(lines[0], cut, restPrefix),
            ...lines.slice(1).flatMap((l) => wrap(l, flagsCut, flagsRestPrefix)),
          ];
        }),
    ),
  // `jq .` of an array of hex strings: one quoted item a line between `[` and `]`.
  fc
    .tuple(
      quote,
      fc.constantFrom("", "  ", "\t"),
      dword0,
      fc.array(hex16, { minLength: 2, maxLength: 4 }),
      fc.boolean(),
    )
    .map(([q, indent, w0, ws, prefixed]) => {
      const items = [w0, ...ws].map((w) => `"${prefixed ? "0x" : ""}${w}"`);
      return [`${q}[`, ...items.map((it, i) => `${q}${indent}${it}${i === items.length - 1 ? "" : ","}`), `${q}]`];
    }),
  // Dwords without 0x: 16 digits each, one line or one per line.
  fc
    .tuple(dword0, fc.array(hex16, { minLength: 2, maxLength: 4 }), fc.boolean())
    .map(([w0, ws, vertical]) => (vertical ? [w0, ...ws] : [[w0, ...ws].join(" ")])),
  fc
    .tuple(quote, stamp, device, fc.nat({ max: 3 }))
    .map(([q, s, d, err]) => [
      `${q}${s}${d}CMDQ error (cons 0x0${err}000022): ${["No error", "Illegal command", "Abort on command fetch", "Unknown"][err]}`,
      `${q}${s}${d}${err === 2 ? "retrying command fetch" : "skipping command in error state:"}`,
      `${q}${s}${d}\t0x0000000000000003`,
      `${q}${s}${d}\t0x0000000000000000`,
    ]),
  fc.constantFrom(
    ["smmuv3_record_event C_BAD_STE sid=0x7"],
    ["smmuv3_record_event F_TRANSLATION sid=17"],
    ["smmu_ptw_page_pte stage=1 level=3 iova=0x1000 base@=0x0 pte@=0x8 pte=0x4000000003 page address = 0x4000000000"],
    ["smmu_ptw_invalid_pte stage=1 level=3 base@=0x41003000 pte@=0x41003ff8 offset=511 pte=0x0"],
    ["12345@1700000000.123456:smmuv3_get_ste STE addr: 0x80001000"],
    ["event: C_BAD_STE client: (unassigned sid) sid: 0x8 ssid: 0"],
  ),
  fc.tuple(stamp, noise).map(([s, n]) => [s + n]),
);

/** Damage: replace a character, drop a line, swap two lines (interleaving), add a stray `\r`. */
const damage = fc.array(
  fc.tuple(fc.nat(), fc.nat(4), fc.constantFrom("z", "0", " ", "x", ":", "\r", "é", "\u{1f600}", "\u20ac", "")),
  {
    maxLength: 6,
  },
);

const generatedLog = fc
  .tuple(fc.array(block, { minLength: 1, maxLength: 25 }), damage, fc.boolean(), fc.boolean())
  .map(([blocks, edits, crlf, trailing]) => {
    const lines = blocks.flat();
    for (const [at, op, ch] of edits) {
      if (lines.length === 0) break;
      const i = at % lines.length;
      const l = lines[i]!;
      if (op === 0 && l.length) lines[i] = l.slice(0, at % l.length) + ch + l.slice((at % l.length) + 1);
      else if (op === 1) lines.splice(i, 1);
      else if (op === 2 && i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1]!, l];
      else if (op === 3) lines[i] = l + "\r";
      else lines.splice(i, 0, l.slice(0, at % (l.length + 1)));
    }
    return lines.join(crlf ? "\r\n" : "\n") + (trailing ? "\n" : "");
  });

test("optimised and reference scanners find exactly the same records on generated logs", () => {
  fc.assert(
    fc.property(generatedLog, (text) => {
      assert.deepEqual(optimised(text), reference(text));
    }),
    { numRuns: 200, interruptAfterTimeLimit: 30000 },
  );
});

test("the streaming scanner in any chunking equals the reference", () => {
  fc.assert(
    fc.property(
      generatedLog.chain((t) => fc.tuple(fc.constant(t), fc.array(fc.nat(t.length + 8), { maxLength: 12 }))),
      ([text, cuts]) => {
        assert.deepEqual(optimisedStreamed(text, cuts), reference(text));
      },
    ),
    { numRuns: 150, interruptAfterTimeLimit: 30000 },
  );
});

/**
 * The input shapes the line machine reads (and their near misses), one text each: both the string
 * and the byte scanner must find in them exactly what the reference does.
 */
const INPUT_SHAPE_TEXTS: readonly string[] = [
  // Lists in braces and ending in ';' (gdb p/x, C initialisers), and their near misses.
  "$1 = {0x7d1100000004, 0x100800000080, 0xfe040000, 0x7e04c440}\nu64 e[] = { 0x1, 0x2, 0x3, 0x4 };\n" +
    "{00007d1100000004 0000100800000080 00000000fe040000 000000007e04c440}\n$2 = {0x1, 0x2, 0x3}\n" +
    "x = 0x1;\n{0x1 0x2 0x3 0x4 0x5};\n; 0x0000000000000001 0x2 0x3 0x4 }\n",
  // rsyslog's escaped tab before the dwords (#011), and near misses.
  "k: [ 1.5] smmu: event 0x10 received:\nk: [ 1.5] smmu: #0110x0000000300000010\nk: [ 1.5] smmu: #0110x0\n" +
    "k: [ 1.5] smmu: #011\nk: [ 1.5] smmu: #01x0x1\n#0110x0000000000000001\n" +
    "k: [ 1.5] smmu: event 0x10 received:\nk: [ 1.5] smmu: =090x0000000300000010\nk: [ 1.5] smmu: =09\n" +
    "k: [ 1.5] smmu: =0x0\n=090x0000000000000001\n",
  // dmesg -x prefixes and near misses.
  "kern  :err   : [   1.000000] smmu x: event 0x04 received:\nkern  :err   : [   1.000001] smmu x: \t0x0000000100000004\n" +
    "daemon:notice: 0x1 0x2 0x3 0x4\nkern:err: 0x1 0x2 0x3 0x4\nlocal0:err   :\nab    :cd    :x 0x1\n",
  // JSON arrays of hex strings (decode --json raw, walk --json record) and near misses.
  '{"raw":["0x7d1100000004","0x100800000080","0xfe040000","0x7e04c440"]}\n{"r": [ "0x1" , "0x2","0x3", "0x4" ] }\n' +
    '["0x1","0x2","0x3"]\n["0x1","0x2","0x3","0x4","0x5"]\n["0x1","0x2","0x3","0x4"\n[ "0x", "0x1", "0x2", "0x3"]\n' +
    '"0x1" ["0x1","0x2","0x3","0x4"] ["0x5","0x6","0x7","0x8"]\n["0x1","0x2","0x3",0x4]\n',
  // A flags line re-wrapped by a mail client (after its event line, itself re-wrapped or not),
  // and near misses: another quoting depth, a stamp or the device prefix before the rest, a rest
  // not starting with the next token, a cut before the class, the input ending after the cut.
  "> smmu x: event 0x10 received:\n> smmu x: \t0x0000010000000010\n> smmu x: \t0x0000020800000000\n" +
    "> smmu x: \t0x00000000fffff000\n> smmu x: \t0x0000000000000000\n> smmu x: event: F_TRANSLATION client:\n" +
    '> 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0\n> smmu x: unpriv data read s1 "Input\n' +
    '> address caused fault" stag: 0x0\n' +
    "smmu x: event 0x10 received:\nsmmu x: \t0x0000010000000010\nsmmu x: \t0x0000020800000000\n" +
    "smmu x: \t0x00000000fffff000\nsmmu x: \t0x0000000000000000\n" +
    "smmu x: event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0\n" +
    'smmu x: priv inst\nwrite s2 "Stage 1 translation table fetch" ttd_read stall stag: 0x3\n' +
    "smmu x: event 0x10 received:\nsmmu x: \t0x0000010000000010\nsmmu x: \t0x0000020800000000\n" +
    "smmu x: \t0x00000000fffff000\nsmmu x: \t0x0000000000000000\n" +
    "smmu x: event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0\n" +
    'smmu x: unpriv data read s1 "Input address caused fault"\n> stag: 0x0\n' +
    "smmu x: event 0x10 received:\nsmmu x: \t0x0000010000000010\nsmmu x: \t0x0000020800000000\n" +
    "smmu x: \t0x00000000fffff000\nsmmu x: \t0x0000000000000000\n" +
    "smmu x: event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0\n" +
    'smmu x: unpriv data read s1 "Input address caused fault"\nsmmu x: stag: 0x0\n' +
    "smmu x: event 0x10 received:\nsmmu x: \t0x0000010000000010\nsmmu x: \t0x0000020800000000\n" +
    "smmu x: \t0x00000000fffff000\nsmmu x: \t0x0000000000000000\n" +
    "smmu x: event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0\n" +
    'smmu x: unpriv data read s1 "Input address caused fault"\n[ 1.3] stag: 0x0\n' +
    "smmu x: event 0x10 received:\nsmmu x: \t0x0000010000000010\nsmmu x: \t0x0000020800000000\n" +
    "smmu x: \t0x00000000fffff000\nsmmu x: \t0x0000000000000000\n" +
    "smmu x: event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0\n" +
    'smmu x: unpriv data\nwrite read s1 "x" stag: 0x0\nsmmu x: unpriv data read s1 "x" stag:\n0x1 0x2 0x3 0x4\n' +
    "smmu x: event 0x10 received:\nsmmu x: \t0x0000010000000010\nsmmu x: \t0x0000020800000000\n" +
    "smmu x: \t0x00000000fffff000\nsmmu x: \t0x0000000000000000\n" +
    "smmu x: event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0\n" +
    'smmu x: unpriv data read s1 "Input',
  // QEMU trace values after a quoted-printable `=3D`, and near misses.
  "smmuv3_record_event SMMU_EVT_F_TRANSLATION sid=3D0x11 ssid=3D0x0\nsmmuv3_record_event C_BAD_STE sid=3D17\n" +
    "smmuv3_record_event C_BAD_STE sid=3Dzz\nsmmuv3_record_event C_BAD_STE sid=3D0x11=\nsmmuv3_record_event C_BAD_STE sid=3D\n" +
    "smmu_ptw_invalid_pte stage=3D1 level=3d3 base@=3D0x41003000 pte@=3D0x41003ff8 offset=3D511 pte=3D0x0\n",
  // A decoded event line re-wrapped by a mail client, and near misses: another quoting depth, a
  // stamp or the device prefix before the rest, a rest that does not start with the next token,
  // a rest that does not complete the line, the input ending after the cut.
  "> [ 1.2] smmu x: event 0x10 received:\n> [ 1.2] smmu x: \t0x0000010000000010\n> [ 1.2] smmu x: \t0x0000020800000000\n" +
    "> [ 1.2] smmu x: \t0x00000000fffff000\n> [ 1.2] smmu x: \t0x0000000000000000\n> [ 1.2] smmu x: event: F_TRANSLATION client:\n" +
    "> 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0\n" +
    '> [ 1.2] smmu x: unpriv data read s1 "Input address caused fault" stag: 0x0\n' +
    "smmu x: event 0x04 received:\nsmmu x: \t0x0000010000000004\nsmmu x: \t0x0\nsmmu x: \t0x0\nsmmu x: \t0x0\n" +
    "smmu x: event: C_BAD_STE client: (unassigned\nsid) sid: 0x100 ssid: 0\n" +
    "smmu x: event 0x04 received:\nsmmu x: \t0x0000010000000004\nsmmu x: \t0x0\nsmmu x: \t0x0\nsmmu x: \t0x0\n" +
    "smmu x: event: C_BAD_STE client: 0000:01:00.0\nsid: 0x100 ssid: 0\n" +
    "smmu x: event 0x04 received:\nsmmu x: \t0x0000010000000004\nsmmu x: \t0x0\nsmmu x: \t0x0\nsmmu x: \t0x0\n" +
    "smmu x: event: C_BAD_STE client: 0000:01:00.0\nsmmu x: sid: 0x100 ssid: 0\n" +
    "> smmu x: event 0x04 received:\n> smmu x: \t0x0000010000000004\n> smmu x: \t0x0\n> smmu x: \t0x0\n> smmu x: \t0x0\n" +
    "> smmu x: event: C_BAD_STE client:\n> > 0000:01:00.0 sid: 0x100 ssid: 0\n" +
    "> smmu x: event 0x04 received:\n> smmu x: \t0x0000010000000004\n> smmu x: \t0x0\n> smmu x: \t0x0\n> smmu x: \t0x0\n" +
    "> smmu x: event: C_BAD_STE client:\n> [ 1.3] 0000:01:00.0 sid: 0x100 ssid: 0\n" +
    "> smmu x: event 0x04 received:\n> smmu x: \t0x0000010000000004\n> smmu x: \t0x0\n> smmu x: \t0x0\n> smmu x: \t0x0\n" +
    "> smmu x: event: C_BAD_STE client:\n> sid: 0x100 ssid: 0\n" +
    "> smmu x: event 0x04 received:\n> smmu x: \t0x0000010000000004\n> smmu x: \t0x0\n> smmu x: \t0x0\n> smmu x: \t0x0\n" +
    "> smmu x: event: C_BAD_STE client: a sid:\n> 0x100 ssid: zz\n" +
    "> smmu x: event 0x04 received:\n> smmu x: \t0x0000010000000004\n> smmu x: \t0x0\n> smmu x: \t0x0\n> smmu x: \t0x0\n" +
    "> smmu x: event: C_BAD_STE client:",
  // `jq .` of such arrays (one quoted item a line) and near misses: unquoted or unterminated
  // items, a mix of quoted and bare, a label before the first item, five items, a key's array.
  '[\n  "0x0000d4f200000010",\n  "0x0000000000000000",\n  "0x0000000000001000",\n  "0x0000000000000000"\n]\n' +
    '"0x1",\n"0x2"\n0x3\n"0x4"\n\n"0x1",\n"0x2,\n"0x3",\n"0x4"\n\nraw: "0x1",\n"0x2",\n"0x3",\n"0x4"\n' +
    '"0x1"\n"0x2"\n"0x3"\n"0x4"\n"0x5"\n\n> "record": [\n>   "0x1100000010",\n>   "0x20a00000000",\n>   "0x34bce504e21",\n' +
    '>   "0x0"\n> ]\n"0x",\n""\n"0xzz",\n"0x1",,\n"",\n',
  // /dev/kmsg: sequence prefix, escaped tab, dictionary lines between; near misses.
  "3,1,1,-;smmu x: event 0x10 received:\n SUBSYSTEM=platform\n3,2,2,-;smmu x: \\x090x0000000300000010\n" +
    "3,3,3,-;smmu x: \\x090x0\n3,4,4;smmu x: \\x090x1\n12,5,0,c,x;0x1 0x2 0x3 0x4\n1,2,3 0x1 0x2 0x3 0x4\n",
];

test("fixtures and odd text: same records as the reference", () => {
  const texts = [
    fixture("seed-000-c_bad_ste-thread.txt"),
    "",
    "\n",
    "\r\n\r\n",
    "0x1 0x2 0x3 0x4",
    "0x00000000000000001 0x10000000000000000 0x0000000000000000000 0xfFfFfFfF12345678",
    "event 0x04 received:\n\t0x000000000000000001\n\t0x10000000000000000\n\t0x1\n\t0x00000000000000000",
    "é 0x1 0x2 0x3 0x4\r\n0x00007d1100000004\r\n0x0000100800000080\r\n0x00000000fe040000\r\n0x000000007e04c440",
    "x".repeat(70000) + "\n0x1 0x2 0x3 0x4\n",
    "\u2028 event 0x04 received:\n\t0x0000000000000004\n",
    ...INPUT_SHAPE_TEXTS,
  ];
  for (const t of texts) {
    assert.deepEqual(optimised(t), reference(t));
    assert.deepEqual(optimisedStreamed(t, [1, 7, 100, 5000]), reference(t));
  }
});

// ---- the byte scanner ---------------------------------------------------------------------------

const utf8 = new TextEncoder();
/** What the bytes say as text (kept byte-order mark, U+FFFD for invalid bytes): the CLI's decoding. */
const utf8Text = (bytes: Uint8Array): string => new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);

/** The byte scanner fed the bytes cut at the given offsets (anywhere: inside CRLF and characters). */
function byteStreamed(bytes: Uint8Array, cuts: readonly number[]): Snapshot {
  const records: unknown[] = [];
  const problems: LogProblem[] = [];
  const s = new ByteLogScanner({
    file: "f",
    onRecord: (r) => records.push(plain(r)),
    onProblem: (p) => problems.push(p),
  });
  let from = 0;
  for (const c of [...cuts].map((c) => Math.min(c, bytes.length)).sort((a, b) => a - b)) {
    s.push(bytes.subarray(from, c));
    from = c;
  }
  s.push(bytes.subarray(from));
  s.end();
  return { records, problems, lineCount: s.lineCount };
}

function byteWhole(bytes: Uint8Array): Snapshot {
  const r = scanLogBytes(bytes, "f");
  return { records: r.records.map(plain), problems: r.problems, lineCount: r.lineCount };
}

test("the byte scanner, whole and in any byte chunking, equals the reference on the decoded text", () => {
  fc.assert(
    fc.property(
      generatedLog.chain((t) => {
        const bytes = utf8.encode(t);
        return fc.tuple(fc.constant(bytes), fc.array(fc.nat(bytes.length + 8), { maxLength: 12 }));
      }),
      ([bytes, cuts]) => {
        const expected = reference(utf8Text(bytes));
        assert.deepEqual(byteWhole(bytes), expected);
        assert.deepEqual(byteStreamed(bytes, cuts), expected);
      },
    ),
    { numRuns: 200, interruptAfterTimeLimit: 30000 },
  );
});

test("the byte scanner on invalid UTF-8 and raw bytes equals the reference on the decoded text", () => {
  const byteValue = fc.oneof(
    fc.constantFrom(0x0a, 0x0d, 0x20, 0x30, 0x78, 0x80, 0xbf, 0xc3, 0xe2, 0xed, 0xf0, 0xf4, 0xff, 0xef, 0xbb),
    fc.nat(255),
  );
  fc.assert(
    fc.property(
      generatedLog,
      fc.array(fc.tuple(fc.nat(), fc.array(byteValue, { maxLength: 4 })), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      (text, inserts, cutSeeds) => {
        let bytes: Uint8Array = utf8.encode(text);
        for (const [at, ins] of inserts) {
          const i = at % (bytes.length + 1);
          const next = new Uint8Array(bytes.length + ins.length);
          next.set(bytes.subarray(0, i));
          next.set(ins, i);
          next.set(bytes.subarray(i), i + ins.length);
          bytes = next;
        }
        const expected = reference(utf8Text(bytes));
        assert.deepEqual(byteWhole(bytes), expected);
        const cuts = cutSeeds.map((c) => c % (bytes.length + 1));
        assert.deepEqual(byteStreamed(bytes, cuts), expected);
      },
    ),
    { numRuns: 150, interruptAfterTimeLimit: 30000 },
  );
});

test("the byte scanner on fixtures, long lines and odd text equals the reference", () => {
  const texts = [
    fixture("seed-000-c_bad_ste-thread.txt"),
    "",
    "\n",
    "\r\n\r\n",
    "\r",
    "0x1 0x2 0x3 0x4",
    "\ufeff0x1 0x2 0x3 0x4\n\ufeffevent 0x04 received:\n",
    "é 0x1 0x2 0x3 0x4\r\n0x00007d1100000004\r\n0x0000100800000080\r\n0x00000000fe040000\r\n0x000000007e04c440",
    "x".repeat(70000) + "\n0x1 0x2 0x3 0x4\n",
    "x".repeat(65535) + "\r\n" + "y".repeat(65536) + "\r\n" + "z".repeat(65537) + "\r\n0x1 0x2 0x3 0x4",
    "é".repeat(40000) + " 0x1 0x2 0x3 0x4\n" + "\u{1f600}".repeat(70000) + "\n0x1 0x2 0x3 0x4\r",
    "0x1 0x2 0x3 " + "0".repeat(300000) + "\n0x5 0x6 0x7 0x8",
    "\u2028 event 0x04 received:\n\t0x0000000000000004\n",
    ...INPUT_SHAPE_TEXTS,
  ];
  for (const t of texts) {
    const bytes = utf8.encode(t);
    const expected = reference(utf8Text(bytes));
    assert.deepEqual(byteWhole(bytes), expected);
    for (const cuts of [
      [1, 7, 100, 5000],
      [3, 65537, 65538, 131075, 262150],
      Array.from({ length: 40 }, (_, i) => i * 9973),
    ]) {
      assert.deepEqual(byteStreamed(bytes, cuts), expected);
    }
  }
});

test("the fallback UTF-8 decoder equals the platform's on any bytes", () => {
  const platform = new TextDecoder("utf-8", { ignoreBOM: true });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.string({ unit: "binary", maxLength: 32 }), (raw, s) => {
      assert.equal(decodeUtf8Bytes(raw), platform.decode(raw));
      const encoded = utf8.encode(s);
      assert.equal(decodeUtf8Bytes(encoded), platform.decode(encoded));
    }),
    { numRuns: 300, interruptAfterTimeLimit: 10000 },
  );
  const edge = [
    [0xe0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90],
    [0xf0, 0x8f],
    [0xc0, 0xaf],
    [0xef, 0xbb, 0xbf],
    [0xe2, 0x82],
  ];
  for (const e of edge) assert.equal(decodeUtf8Bytes(Uint8Array.from(e)), platform.decode(Uint8Array.from(e)));
});

// ---- the byte fast path for Linux raw events (raw-bytes.ts) -------------------------------------

/** Mostly the fast path's exact shape: `[ seconds.micro] word word: event 0xNN received:` + 4 dwords. */
const fastStamp = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 9_999_999 }).map((n) => `[${(n / 1000).toFixed(6).padStart(12)}] `) },
  { weight: 2, arbitrary: fc.constant("") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "[1.5] ",
      "[\t 3.000001]\t",
      "[    5.000001]",
      "[    5.000001]  ",
      "[    5.] ",
      "[  +0.000003] ",
      "[    5.000001] [    T1] ",
      "[    5.000001][  C0] ",
      "<3>[    5.000001] ",
      "Mar 25 11:35:01 host kernel: ",
      "[Wed Mar 25 11:35:01 2020] ",
      " [    5.000001] ",
    ),
  },
);
const fastDevice = fc.oneof(
  { weight: 6, arbitrary: fc.constant("arm-smmu-v3 arm-smmu-v3.0.auto: ") },
  { weight: 3, arbitrary: fc.constant("") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "arm-smmu-v3 arm-smmu-v3.2.auto: ",
      "arm-smmu-v3 arm-smmu-v3.0.auto:  ",
      "arm-smmu-v3 arm-smmu-v3.0.auto:\t",
      "arm-smmu-v3 0000:00:01.0: ",
      "arm-smmu-v3: ",
      "Arm-smmu-v3 arm-smmu-v3.0.auto: ",
      "arm-smmu-v3  arm-smmu-v3.0.auto: ",
      "arm-smmu-v3 arm-smmu-v3.0.auto é: ",
      "arm-smmu-v3 event: ",
      "",
    ),
  },
);
/** A dword as printed, or a near miss (15/17 digits, uppercase, 0X, trailing blanks, damage). */
const fastDword = fc.tuple(hex16, fc.nat(40)).map(([h, m]) => {
  switch (m) {
    case 0:
      return `\t0x${h.slice(1)}`;
    case 1:
      return `\t0x0${h}`;
    case 2:
      return `\t0x${h.toUpperCase()}`;
    case 3:
      return `\t0X${h}`;
    case 4:
      return `\t0x${h}  `;
    case 5:
      return ` 0x${h}\t`;
    case 6:
      return `\t0x${h.slice(0, 7)}g${h.slice(8)}`;
    case 7:
      return `\t0x${h} 0x1`;
    case 8:
      return `\t0x${h}\u00e9`;
    case 9:
      return `0x${h}`;
    case 10:
      return `\t${h}`;
    default:
      return `\t0x${h}`;
  }
});
const fastHeader = fc.tuple(eventId, fc.nat(30)).map(([id, m]) => {
  switch (m) {
    case 0:
      return `event 0x${id.toUpperCase()} received:`;
    case 1:
      return `event 0x${id} received: `;
    case 2:
      return `event 0x0${id} received:`;
    case 3:
      return `event 0x${id} received`;
    case 4:
      return `event 0x${id.slice(1)} received:`;
    case 5:
      return `event 0x${id} received: 0x0000000000000001`;
    default:
      return `event 0x${id} received:`;
  }
});
/** One raw event: the header, four dwords (each line with its own stamp and maybe another device). */
const fastRawBlock = fc
  .tuple(
    fastDevice,
    fastHeader,
    fc.array(fc.tuple(fastStamp, fastDword, fc.nat(30)), { minLength: 4, maxLength: 4 }),
    fastStamp,
    fc.constantFrom("", "", "", "> ", "> ", "> > ", ">>", " > ", ">\t"),
    fc.array(fc.constantFrom(...decodedLinesChoices()), { maxLength: 1 }),
    fc.nat(12),
  )
  .map(([device, header, dwords, stamp, q, decoded, otherDevice]) => {
    const lines = [`${q}${stamp}${device}${header}`];
    for (const [s, d, m] of dwords) {
      // Now and then a line of another device (or none), or another quoting, inside the record.
      const dev = m === 0 ? "arm-smmu-v3 arm-smmu-v3.1.auto: " : m === 1 ? "" : device;
      const quoting = m === 2 ? "> " + q : m === 3 ? q.replace("> > ", ">>") : q;
      lines.push(`${quoting}${s}${dev}${d}`);
    }
    if (otherDevice === 0) lines.splice(2, 0, `${stamp}nvme nvme0: I/O 23 QID 4 timeout, aborting`);
    for (const block of decoded) for (const l of block) lines.push(`${q}${stamp}${device}${l}`);
    return lines;
  });

function decodedLinesChoices(): string[][] {
  return [
    [
      "event: F_TRANSLATION client: 0000:00:01.0 sid: 0x11 ssid: 0 iova: 0x34bce504e21 ipa: 0",
      'unpriv data read s1 "Input address caused fault" stag: 0',
    ],
    ["event: C_BAD_STE client: (unassigned sid) sid: 0x8 ssid: 0"],
    ["event:  C_BAD_STE client: (unassigned sid) sid: 0x8 ssid: 0"],
    ["eventual C_BAD_STE"],
  ];
}

/** A command-queue error in the fast path's shape, or a near miss. */
const fastCmdqBlock = fc
  .tuple(fastDevice, fastStamp, fc.constantFrom("", "", "> ", ">>"), fc.nat(3), fc.nat(24), hex16, hex16)
  .map(([device, stamp, q, err, m, w0, w1]) => {
    const texts = ["No error", "Illegal command", "Abort on command fetch", "ATC invalidate timeout"];
    const text = m === 0 ? "Unknown" : m === 1 ? texts[(err + 1) % 4]! : m === 2 ? texts[err] + " " : texts[err]!;
    const cons = m === 3 ? `0${err}0000022a` : m === 4 ? `${err}000022` : m === 5 ? `0${err}00AB22` : `0${err}000022`;
    const p = `${q}${stamp}${device}`;
    const lines = [
      `${p}CMDQ error (cons 0x${cons}): ${text}`,
      `${p}${m === 6 ? "retrying command fetch" : m === 7 ? "skipping command in error state: " : m === 13 ? "skipping command in error state:x" : "skipping command in error state:"}`,
      `${m === 8 ? "> " : ""}${p}\t0x${m === 9 ? w0.slice(1) : w0}`,
      `${m === 10 ? `${stamp}arm-smmu-v3 arm-smmu-v3.3.auto: ` : p}${m === 11 ? " " : "\t"}0x${w1}`,
    ];
    if (m === 12) lines.splice(1, 0, `${stamp}nvme nvme0: I/O 23 QID 4 timeout, aborting`);
    return lines;
  });

/** What follows a raw event: another one, noise (some of it with the device prefix), lists. */
const fastFiller = fc.oneof(
  { weight: 6, arbitrary: fastRawBlock },
  { weight: 2, arbitrary: fastCmdqBlock },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fastStamp, fc.array(hex16, { minLength: 4, maxLength: 4 }))
      .map(([s, ws]) => [ws.map((w) => "0x" + w).join(" "), `${s}\u00e9t\u00e9 noise`]),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fastStamp, fc.nat(13))
      .map(([s, n]) => [
        [
          `${s}arm-smmu-v3 arm-smmu-v3.0.auto: event: C_BAD_STE client: (unassigned sid) sid: 0x8 ssid: 0`,
          `${s}arm-smmu-v3 arm-smmu-v3.0.auto: CMDQ error (cons 0x01000022): Illegal command`,
          `${s}arm-smmu-v3 arm-smmu-v3.0.auto: probing hardware configuration...`,
          `${s}arm-smmu-v3 arm-smmu-v3.0.auto:`,
          `${s}xarm-smmu-v3 arm-smmu-v3.0.auto: event: x`,
          `> ${s}arm-smmu-v3 arm-smmu-v3.0.auto: event: C_BAD_STE client: x sid: 0x8 ssid: 0`,
          `${s}nvme nvme0: I/O 23 QID 4 timeout, aborting`,
          "",
          `${s}arm-smmu-v3 arm-smmu-v3.0.auto:\u00a0event: C_BAD_STE client: x sid: 0x8 ssid: 0`,
          `${s}arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received: now`,
          `> ${s}nvme nvme0: I/O 23 QID 4 timeout, aborting`,
          `> > ${s}event: C_BAD_STE client: x sid: 0x8 ssid: 0`,
          `>> ${s}x event: C_BAD_STE`,
          `> ${s}arm-smmu-v3 arm-smmu-v3.0.auto: probing`,
        ][n]!,
      ]),
  },
);

const fastLog = fc
  .tuple(fc.array(fastFiller, { minLength: 1, maxLength: 20 }), fc.boolean(), fc.boolean(), damage)
  .map(([blocks, crlf, trailing, edits]) => {
    const lines = blocks.flat();
    // Fewer edits than the general generator: most records must keep the exact shape.
    for (const [at, op, ch] of edits.slice(0, 2)) {
      if (lines.length === 0) break;
      const i = at % lines.length;
      const l = lines[i]!;
      if (op === 0 && l.length) lines[i] = l.slice(0, at % l.length) + ch + l.slice((at % l.length) + 1);
      else if (op === 3) lines[i] = l + "\r";
    }
    return lines.join(crlf ? "\r\n" : "\n") + (trailing ? "\n" : "");
  });

test("raw events in the byte fast path's shape and its near misses: byte scanner equals the reference", () => {
  fc.assert(
    fc.property(
      fastLog.chain((t) => {
        const bytes = utf8.encode(t);
        return fc.tuple(fc.constant(bytes), fc.array(fc.nat(bytes.length + 8), { maxLength: 8 }));
      }),
      ([bytes, cuts]) => {
        const expected = reference(utf8Text(bytes));
        assert.deepEqual(byteWhole(bytes), expected);
        assert.deepEqual(byteStreamed(bytes, cuts), expected);
        // Cuts inside the device prefix and the hex digits of every line.
        const inLine: number[] = [];
        for (let i = 0, line = 0; i < bytes.length; i++) {
          if (bytes[i] === 10) line++;
          else if (line % 3 === 1 && (bytes[i] === 0x2e || bytes[i] === 0x3a || bytes[i] === 0x78)) inLine.push(i + 3);
        }
        assert.deepEqual(byteStreamed(bytes, inLine.slice(0, 64)), expected);
      },
    ),
    { numRuns: 300, interruptAfterTimeLimit: 40000 },
  );
});

test("the byte fast path takes the common raw events itself (and gives the reference's records)", () => {
  const dev = "arm-smmu-v3 arm-smmu-v3.0.auto:";
  const lines: string[] = [];
  for (let r = 0; r < 50; r++) {
    const t = (k: number): string => `[${(100 + r + k / 10).toFixed(6).padStart(12)}]`;
    lines.push(`${t(0)} ${dev} event 0x${(r % 16).toString(16)}${(r % 3).toString(16)} received:`);
    for (let k = 0; k < 4; k++) lines.push(`${t(k + 1)} ${dev} \t0x${(r * 7919 + k).toString(16).padStart(16, "0")}`);
    if (r % 5 === 0) lines.push("0x1 0x2 0x3 0x4");
  }
  const bytes = utf8.encode(lines.join("\n") + "\n");
  const limit = bytes.lastIndexOf(10);
  let taken = 0;
  for (let pos = 0, line = 0; pos <= limit; line++) {
    const nl = bytes.indexOf(10, pos);
    const fast = readRawEventRecord(bytes, pos, nl, limit, line);
    if (fast?.finished) {
      taken++;
      assert.equal(fast.record.startLine, line);
      assert.equal(fast.lines, 5);
    } else if (fast) {
      // Read, but left to the machine: only the last one (nothing after it to prove its end).
      assert.equal(fast.record.startLine, 255);
      assert.equal(fast.dwords, 4);
    }
    pos = nl + 1;
  }
  // The last record waits for lines that are not there (the scanner then leaves it to the machine).
  assert.equal(taken, 49);
  const expected = reference(utf8Text(bytes));
  assert.equal(expected.records.length, 60);
  assert.deepEqual(byteWhole(bytes), expected);
  assert.deepEqual(byteStreamed(bytes, [5, 100, 333, 1000]), expected);
});

test("the byte fast path at the edges of the decoded-line wait: same records as the reference", () => {
  const dev = "arm-smmu-v3 arm-smmu-v3.0.auto:";
  const raw = [
    `[   10.000001] ${dev} event 0x10 received:`,
    `[   10.000002] ${dev} \t0x0000000300000010`,
    `[   10.000003] ${dev} \t0x0000000000000000`,
    `[   10.000004] ${dev} \t0x00000000deadb000`,
    `[   10.000005] ${dev} \t0x0000000000000000`,
  ];
  const decoded = [
    `[   10.000006] ${dev} event: F_TRANSLATION client: 0000:00:01.0 sid: 0x3 ssid: 0 iova: 0xdeadb000 ipa: 0`,
    `[   10.000007] ${dev} unpriv data read s1 "Input address caused fault" stag: 0`,
  ];
  const other = "[   10.000008] nvme nvme0: I/O 23 QID 4 timeout, aborting";
  for (let idle = 0; idle <= 7; idle++) {
    for (const tail of [
      decoded,
      decoded.slice(0, 1),
      [raw[0]!],
      [`${dev} event: C_BAD_STE client: x sid: 0x8 ssid: 0`],
    ]) {
      const text = [...raw, ...Array.from({ length: idle }, () => other), ...tail, ...raw, other].join("\n") + "\n";
      const bytes = utf8.encode(text);
      const expected = reference(text);
      assert.deepEqual(byteWhole(bytes), expected, `idle ${idle}, tail ${tail[0]}`);
      assert.deepEqual(byteStreamed(bytes, [bytes.length - 3]), expected);
    }
  }
});

test("the byte fast path on quoted raw events and bare lists with near misses: same records as the reference", () => {
  const quoted = (q: string): string[] => [
    `${q}[   10.000001] event 0x10 received:`,
    `${q}[   10.000002] \t0x0000000300000010`,
    `${q}[   10.000003] \t0x0000000000000000`,
    `${q}[   10.000004] \t0x00000000deadb000`,
    `${q}[   10.000005] \t0x0000000000000000`,
  ];
  const lists = [
    "0x1 0x2 0x3 0x4",
    "0x0123456789abcdef 0xFEDCBA9876543210 0x0 0x00000000000000000",
    "0x1 0x10000000000000000 0x3 0x4",
    "0x1 0X2 0x3 0x4",
    "0x1  0x2 0x3 0x4",
    "0x1\t0x2 0x3 0x4",
    "0x1 0x2 0x3 0x4 ",
    "0x1 0x2 0x3 0x4 0x5",
    "0x1 0x2 0x3",
    "0x1 0x2 0x3 0x4\u00e9",
    "0x1 0x2 0x3 0xg",
    "0x 0x2 0x3 0x4",
  ];
  const after = [
    "> [   10.000009] event: C_BAD_STE client: x sid: 0x8 ssid: 0",
    "> > [   10.000009] event: C_BAD_STE client: x sid: 0x8 ssid: 0",
    "[   10.000009] event: C_BAD_STE client: x sid: 0x8 ssid: 0",
    "> [   10.000009] probe done",
    "[   10.000009] 0x0000000000000001",
    "> [   10.000009] \t0x0000000000000001",
  ];
  for (const q of ["> ", "> > ", ">>", ""]) {
    for (const between of [[], ["> > x"], ["plain", "> > y", "z"], ["a", "b", "c", "d", "e"]]) {
      for (const tail of after) {
        for (const list of [lists[0]!, lists[2]!]) {
          const text = [...quoted(q), ...between, tail, list, ...quoted(q), list].join("\n") + "\n";
          const bytes = utf8.encode(text);
          const expected = reference(text);
          assert.deepEqual(byteWhole(bytes), expected, JSON.stringify([q, between, tail, list]));
          assert.deepEqual(byteStreamed(bytes, [text.length - 20]), expected);
          // Every line its own chunk: each raw event is read up to its chunk's end, then resumed.
          const lineEnds: number[] = [];
          bytes.forEach((c, i) => (c === 10 ? lineEnds.push(i + 1) : undefined));
          assert.deepEqual(byteStreamed(bytes, lineEnds), expected);
          // A chunk that ends right after the fourth dword: read whole, then resumed after it.
          assert.deepEqual(byteStreamed(bytes, [lineEnds[4]!]), expected);
        }
      }
    }
  }
  const text = lists.join("\n") + "\n" + lists.join("\r\n") + "\r\n";
  assert.deepEqual(byteWhole(utf8.encode(text)), reference(text));
});

test("a caller may reuse one buffer for every chunk: nothing the scanner keeps points into it", () => {
  // The CLI reads a file into one reused Buffer. Buffer#slice is a view, so a device prefix kept
  // as `chunk.slice(...)` would silently change when the next chunk overwrites the buffer: two
  // chunks with the same layout but other devices must still give each record its own source.
  const chunkText = (device: string): string => {
    const lines: string[] = [];
    for (let r = 0; r < 4; r++) {
      lines.push(`[ 100.00000${r}] arm-smmu-v3 ${device}: event 0x10 received:`);
      for (let k = 0; k < 4; k++) lines.push(`[ 100.00000${r}] arm-smmu-v3 ${device}: \t0x${"0".repeat(15)}${k}`);
      lines.push("nvme nvme0: I/O 23 QID 4 timeout, aborting");
    }
    return lines.join("\n") + "\n";
  };
  const chunks = [chunkText("arm-smmu-v3.0.auto"), chunkText("arm-smmu-v3.1.auto"), chunkText("arm-smmu-v3.0.auto")];
  const expected = reference(chunks.join(""));
  assert.deepEqual(
    expected.records.map((r) => (r as { source: string }).source),
    [
      ...Array<string>(4).fill("arm-smmu-v3 arm-smmu-v3.0.auto:"),
      ...Array<string>(4).fill("arm-smmu-v3 arm-smmu-v3.1.auto:"),
      ...Array<string>(4).fill("arm-smmu-v3 arm-smmu-v3.0.auto:"),
    ],
  );
  const reused = Buffer.alloc(4096);
  const records: DecodedLogRecord[] = [];
  const problems: LogProblem[] = [];
  const s = new ByteLogScanner({ file: "f", onRecord: (r) => records.push(r), onProblem: (p) => problems.push(p) });
  for (const c of chunks) {
    const bytes = utf8.encode(c);
    reused.set(bytes);
    s.push(reused.subarray(0, bytes.length));
    reused.fill(0x41);
  }
  s.end();
  assert.deepEqual({ records: records.map(plain), problems, lineCount: s.lineCount }, expected);
});
