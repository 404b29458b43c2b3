// `iommu-lens decode --as evtq|cmdq`: memory dumps of the SMMUv3 event and command queues, in the
// formats engineers paste (gdb x/gx, QEMU xp, plain qword lists, crash rd with kernel virtual
// addresses, raw binary). The dumps are built from encodeEvent/encodeCommand, so the expected
// fields are the values encoded, independent of the decoder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../src/main";
import type { CliIo } from "../src/io";
import { cmdqErrorHelp, encodeCommand, encodeEvent, type U64 } from "../../engine/src/index";

async function run(
  args: string[],
  stdin = "",
  cwd = process.cwd(),
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), stdin: Readable.from([stdin]), cwd };
  const code = await main(args, io);
  return { code, out, err };
}

const n = (v: number): U64 => ({ lo: v >>> 0, hi: Math.floor(v / 0x1_0000_0000) >>> 0 });

function encodedEvent(name: string, values: Record<string, number>): Uint32Array {
  const r = encodeEvent(name, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, n(v)])));
  assert.deepEqual(r.problems, []);
  return r.words;
}

function encodedCommand(name: string, values: Record<string, number>): Uint32Array {
  const r = encodeCommand(name, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, n(v)])));
  assert.deepEqual(r.problems, []);
  return r.words;
}

/** The qwords of packed halves, as `0x%016x` strings (what debuggers print). */
function qwords(...entries: Uint32Array[]): string[] {
  const out: string[] = [];
  for (const e of entries)
    for (let i = 0; i < e.length; i += 2)
      out.push("0x" + e[i + 1]!.toString(16).padStart(8, "0") + e[i]!.toString(16).padStart(8, "0"));
  return out;
}

/** gdb `x/Ngx ADDR`: `0xADDR <sym+off>:` then two TAB-separated qwords a line. */
function gdbDump(base: number, words: string[], symbol = "evtq"): string {
  const lines = [`(gdb) x/${words.length}gx ${symbol}`];
  for (let i = 0; i < words.length; i += 2) {
    const addr = base + 8 * i;
    const sym = i === 0 ? ` <${symbol}>` : ` <${symbol}+${8 * i}>`;
    lines.push(`0x${addr.toString(16)}${sym}:\t${words.slice(i, i + 2).join("\t")}`);
  }
  return lines.join("\n") + "\n";
}

/** QEMU monitor `xp /Ngx ADDR` (QEMU <= 10.x: 16-digit address without 0x). */
function qemuDump(base: number, words: string[]): string {
  const lines = [`(qemu) xp /${words.length}gx 0x${base.toString(16)}`];
  for (let i = 0; i < words.length; i += 2) {
    lines.push(`${(base + 8 * i).toString(16).padStart(16, "0")}: ${words.slice(i, i + 2).join(" ")}`);
  }
  return lines.join("\n") + "\n";
}

const F_TRANSLATION = encodedEvent("F_TRANSLATION", {
  StreamID: 0x7d11,
  SSV: 1,
  SubstreamID: 0x5,
  RnW: 1,
  CLASS: 2,
  InputAddr: 0x12345000,
});
const C_BAD_STE = encodedEvent("C_BAD_STE", { StreamID: 0x42 });
const ZERO_EVENT = new Uint32Array(8);

const EVTQ = 0x80000000;

test("gdb x/8gx of two event entries: the F_TRANSLATION with its exact fields, the all-zero slot skipped and counted", async () => {
  const dump = gdbDump(EVTQ, qwords(F_TRANSLATION, ZERO_EVENT));
  const { code, out, err } = await run(["decode", "--as", "evtq", "-"], dump);
  assert.equal(err, "");
  assert.equal(code, 0);
  const lines = out.split("\n");
  assert.equal(lines[0], "-:2-3: entry 0 at 0x80000000: 0x10 F_TRANSLATION  (gdb dump of the event queue)");
  assert.equal(lines[2], `  raw   ${qwords(F_TRANSLATION).join(" ")}`);
  // field, bits, value of every row the decoder prints, as encoded
  const rows = new Map(
    lines
      .filter((l) => /^ {2}[A-Za-z]\w* +dword\d/.test(l))
      .map((l) => {
        const [field, bits, value] = l.trim().split(/\s+/);
        return [field!, `${bits} ${value}`];
      }),
  );
  assert.equal(rows.get("StreamID"), "dword0[63:32] 0x7d11");
  assert.equal(rows.get("SSV"), "dword0[11] 0x1");
  assert.equal(rows.get("SubstreamID"), "dword0[31:12] 0x5");
  assert.equal(rows.get("RnW"), "dword1[35] 0x1");
  assert.equal(rows.get("CLASS"), "dword1[41:40] 0x2");
  assert.equal(rows.get("InputAddr"), "dword2[63:0] 0x12345000");
  assert.equal(rows.get("S2"), "dword1[39] 0x0");
  assert.ok(out.includes("\n  cause: "), "the event's cause is explained");
  assert.ok(out.includes("\n  next steps:\n    1. "), "and its next steps");
  assert.ok(
    out.endsWith("1 event decoded, 1 empty slot (all zero) skipped\n  F_TRANSLATION  1  StreamID 0x7d11 (1)\n"),
  );
});

test("--json: one object per entry in the decode shape with form dump, addr and index (exact)", async () => {
  const dump = gdbDump(EVTQ, qwords(ZERO_EVENT, F_TRANSLATION, C_BAD_STE));
  const { code, out } = await run(["decode", "--as", "evtq", "--json", "-"], dump);
  assert.equal(code, 0);
  const objects = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(objects.length, 2);
  const [translation, badSte] = objects;
  // The translation fault's meanings are the decoder's words: the enumerations are checked by value.
  const meanings = translation!["meanings"] as Record<string, string>;
  assert.equal(meanings["CLASS"], "IN");
  assert.equal(meanings["RnW"], "read");
  assert.deepEqual(
    { ...translation, meanings: undefined, summary: undefined },
    {
      arch: "smmuv3",
      kind: "event",
      file: "-",
      line: 4,
      endLine: 5,
      raw: ["0x7d1100005810", "0x20800000000", "0x12345000", "0x0"],
      id: "0x10",
      name: "F_TRANSLATION",
      fields: {
        SSV: "0x1",
        SubstreamID: "0x5",
        StreamID: "0x7d11",
        STAG: "0x0",
        Stall: "0x0",
        PnU: "0x0",
        InD: "0x0",
        RnW: "0x1",
        S2: "0x0",
        CLASS: "0x2",
        InputAddr: "0x12345000",
        NSIPA: "0x0",
        IPA: "0x0",
      },
      meanings: undefined,
      summary: undefined,
      problems: [],
      form: "dump",
      complete: true,
      addr: "0x80000020",
      index: 1,
      dumpFormat: "gdb",
    },
  );
  assert.match(String(translation!["summary"]), /^StreamID 0x7d11/);
  assert.deepEqual(
    { ...badSte, summary: undefined },
    {
      arch: "smmuv3",
      kind: "event",
      file: "-",
      line: 6,
      endLine: 7,
      raw: ["0x4200000004", "0x0", "0x0", "0x0"],
      id: "0x4",
      name: "C_BAD_STE",
      fields: { SSV: "0x0", SubstreamID: "0x0", StreamID: "0x42" },
      meanings: (badSte!["meanings"] as object) ?? {},
      summary: undefined,
      problems: [],
      form: "dump",
      complete: true,
      addr: "0x80000040",
      index: 2,
      dumpFormat: "gdb",
    },
  );
});

test("QEMU xp dump: each entry at its address, decoded", async () => {
  const dump = qemuDump(0x40001000, qwords(C_BAD_STE, F_TRANSLATION));
  const { code, out } = await run(["decode", "--as", "evtq", "--json", "-"], dump);
  assert.equal(code, 0);
  const objects = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    objects.map((o) => [
      o["addr"],
      o["index"],
      o["name"],
      o["dumpFormat"],
      (o["fields"] as Record<string, string>)["StreamID"],
    ]),
    [
      ["0x40001000", 0, "C_BAD_STE", "qemu", "0x42"],
      ["0x40001020", 1, "F_TRANSLATION", "qemu", "0x7d11"],
    ],
  );
});

test("a plain qword list takes its addresses from --base; without it they are offsets", async () => {
  const dump = qwords(ZERO_EVENT, C_BAD_STE).join("\n") + "\n";
  const withBase = await run(["decode", "--as", "evtq", "--json", "--base", "0x90000000", "-"], dump);
  assert.equal(withBase.code, 0);
  const o = JSON.parse(withBase.out.trim()) as Record<string, unknown>;
  assert.deepEqual(
    [o["addr"], o["index"], o["name"], o["line"], o["endLine"], o["dumpFormat"]],
    ["0x90000020", 1, "C_BAD_STE", 5, 8, "plain"],
  );
  const without = await run(["decode", "--as", "evtq", "-"], dump);
  assert.equal(without.code, 0);
  assert.equal(without.out.split("\n")[0], "-: no --base: addresses are offsets from the dump's start");
  assert.equal(without.out.split("\n")[1], "-:5-8: entry 1 at 0x20: 0x4 C_BAD_STE  (qword list of the event queue)");
});

test("a dump cut mid-entry: the entry says which dwords it has, keeps only their fields, and the exit code is 1", async () => {
  // x/6gx: entry 0 whole, entry 1 (a C_BAD_STE) with dwords 0 and 1 only
  const dump = gdbDump(EVTQ, qwords(F_TRANSLATION, C_BAD_STE).slice(0, 6));
  const { code, out } = await run(["decode", "--as", "evtq", "--json", "-"], dump);
  assert.equal(code, 1);
  const objects = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(objects.length, 2);
  const cut = objects[1]!;
  assert.deepEqual(
    [cut["addr"], cut["name"], cut["complete"], cut["raw"], cut["fields"], cut["problems"]],
    [
      "0x80000020",
      "C_BAD_STE",
      false,
      ["0x4200000004", "0x0", "(missing)", "(missing)"],
      { SSV: "0x0", SubstreamID: "0x0", StreamID: "0x42" },
      ["line 4: entry at 0x80000020 has dwords 0,1 only"],
    ],
  );
  const table = await run(["decode", "--as", "evtq", "-"], dump);
  assert.equal(table.code, 1);
  assert.ok(table.out.includes("\n  problems:\n    ! line 4: entry at 0x80000020 has dwords 0,1 only\n"));
  assert.ok(
    table.out.includes("2 events decoded, 1 cut by the dump's end or start, 0 empty slots (all zero) skipped\n"),
  );
  // a cut all-zero entry has nothing to decode: a located problem line
  const zeros = await run(
    ["decode", "--as", "evtq", "--json", "-"],
    gdbDump(EVTQ, qwords(C_BAD_STE, ZERO_EVENT).slice(0, 6)),
  );
  assert.equal(zeros.code, 1);
  assert.deepEqual(JSON.parse(zeros.out.trim().split("\n")[1]!), {
    kind: "problem",
    file: "-",
    line: 4,
    message: "entry at 0x80000020 has dwords 0,1 only (all zero)",
    code: "DECODE-CUT-ENTRY",
  });
});

test("cmdq: CMD_CFGI_STE and CMD_SYNC with their exact fields; a CERROR_ILL condition is a problem", async () => {
  const cfgi = encodedCommand("CMD_CFGI_STE", { StreamID: 0x7d11, Leaf: 1 });
  const sync = encodedCommand("CMD_SYNC", { CS: 1 });
  const secure = encodedCommand("CMD_CFGI_STE", { StreamID: 0x12, SSec: 1 });
  const dump = qemuDump(0x80010000, qwords(cfgi, sync, new Uint32Array(4), secure));
  const { code, out } = await run(["decode", "--as", "cmdq", "--json", "-"], dump);
  assert.equal(code, 0);
  const objects = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(objects.length, 3);
  assert.deepEqual(objects[0], {
    arch: "smmuv3",
    kind: "command",
    file: "-",
    line: 2,
    endLine: 2,
    raw: ["0x7d1100000003", "0x1"],
    id: "0x3",
    name: "CMD_CFGI_STE",
    fields: { SSec: "0x0", StreamID: "0x7d11", Leaf: "0x1" },
    meanings: objects[0]!["meanings"],
    summary: objects[0]!["summary"],
    problems: [],
    form: "dump",
    complete: true,
    addr: "0x80010000",
    index: 0,
    dumpFormat: "qemu",
  });
  const syncObject = objects[1]!;
  assert.deepEqual(
    [syncObject["name"], syncObject["id"], syncObject["raw"], syncObject["addr"], syncObject["index"]],
    ["CMD_SYNC", "0x46", ["0x1046", "0x0"], "0x80010010", 1],
  );
  assert.deepEqual(syncObject["fields"], { CS: "0x1", MSH: "0x0", MSIAttr: "0x0", MSIData: "0x0", MSIAddress: "0x0" });
  const ill = objects[2]!;
  assert.deepEqual([ill["name"], ill["addr"], ill["index"]], ["CMD_CFGI_STE", "0x80010030", 3]);
  assert.ok(
    (ill["problems"] as string[]).some((p) => p.includes("SSec=1") && p.includes("CERROR_ILL")),
    JSON.stringify(ill["problems"]),
  );
  const table = await run(["decode", "--as", "cmdq", "-"], dump);
  assert.equal(table.code, 0);
  assert.ok(
    table.out.startsWith("-:2: entry 0 at 0x80010000: 0x3 CMD_CFGI_STE  (QEMU monitor dump of the command queue)\n"),
  );
  assert.ok(table.out.includes("\n  StreamID  dword0[63:32]  0x7d11\n"));
  assert.ok(table.out.includes("3 commands decoded, 1 empty slot (all zero) skipped\n"));
});

test("--entries/--prod/--cons: entries between CONS and PROD are unread (evtq) or pending, CONS.ERR names the command", async () => {
  const dump = gdbDump(EVTQ, qwords(F_TRANSLATION, C_BAD_STE, ZERO_EVENT, C_BAD_STE));
  // 4 entries, CONS index 3 wrap 0, PROD index 1 wrap 1: entries 3 and 0 are unread
  const { code, out } = await run(
    ["decode", "--as", "evtq", "--json", "--entries", "4", "--prod", "0x5", "--cons", "0x3", "-"],
    dump,
  );
  assert.equal(code, 0);
  const states = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((o) => [o["index"], o["state"]]);
  assert.deepEqual(states, [
    [0, "unread"],
    [1, "read"],
    [3, "unread"],
  ]);
  const cfgi = encodedCommand("CMD_CFGI_STE", { StreamID: 1 });
  const sync = encodedCommand("CMD_SYNC", {});
  // PROD 0x2: index 0 wrap 1; CONS 0x01000001: ERR 1 (CERROR_ILL), index 1 wrap 0
  const cmdq = await run(
    ["decode", "--as", "cmdq", "--entries", "2", "--prod", "0x2", "--cons", "0x01000001", "-"],
    qemuDump(0x80010000, qwords(cfgi, sync)),
  );
  assert.equal(cmdq.code, 0);
  const lines = cmdq.out.split("\n");
  assert.equal(
    lines[0],
    "-: command queue of 2 entries, PROD index 0 wrap 1, CONS index 1 wrap 0: 1 pending (written by software, not yet consumed by the SMMU)",
  );
  assert.equal(lines[1], "-: CONS.ERR is CERROR_ILL: the SMMU stopped at the command at index 1");
  assert.ok(
    lines.includes(
      "-:3: entry 1 at 0x80010010: 0x46 CMD_SYNC  (QEMU monitor dump of the command queue; pending, in error: CERROR_ILL)",
    ),
  );
  assert.ok(
    lines.includes("-:2: entry 0 at 0x80010000: 0x3 CMD_CFGI_STE  (QEMU monitor dump of the command queue; consumed)"),
  );
  // The command in error is explained: CERROR_ILL's cause and next steps, from the engine (§7.1).
  const help = cmdqErrorHelp("CERROR_ILL")!;
  const at = lines.indexOf(`  CERROR_ILL: ${help.cause}`);
  assert.ok(
    at >
      lines.indexOf(
        "-:3: entry 1 at 0x80010010: 0x46 CMD_SYNC  (QEMU monitor dump of the command queue; pending, in error: CERROR_ILL)",
      ),
  );
  assert.deepEqual(lines.slice(at + 1, at + 2 + help.nextSteps.length), [
    "  next steps:",
    ...help.nextSteps.map((step, i) => `    ${i + 1}. ${step}`),
  ]);
});

test("--entries/--prod/--cons: an all-zero entry between CONS and PROD is decoded, not reported as cut", async () => {
  // 4 entries, CONS index 0, PROD index 1 (both wrap 0): entry 0 (all zero) is unread.
  const dump = gdbDump(EVTQ, qwords(ZERO_EVENT, C_BAD_STE));
  const { code, out } = await run(
    ["decode", "--as", "evtq", "--json", "--entries", "4", "--prod", "1", "--cons", "0", "-"],
    dump,
  );
  assert.equal(code, 0);
  const objects = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    objects.map((o) => [o["kind"], o["index"], o["id"], o["state"], o["complete"]]),
    [
      ["event", 0, "0x0", "unread", true],
      ["event", 1, "0x4", "read", true],
    ],
  );
});

test("crash rd of a kernel virtual address and a raw binary dump", async () => {
  const words = qwords(C_BAD_STE);
  const crash =
    `crash> rd -64 ffff000081200000 4\n` +
    `ffff000081200000:  ${words[0]!.slice(2)} ${words[1]!.slice(2)}   ................\n` +
    `ffff000081200010:  ${words[2]!.slice(2)} ${words[3]!.slice(2)}   ................\n`;
  const fromCrash = await run(["decode", "--as", "evtq", "--json", "-"], crash);
  assert.equal(fromCrash.code, 0);
  const o = JSON.parse(fromCrash.out.trim()) as Record<string, unknown>;
  assert.deepEqual([o["addr"], o["name"], o["dumpFormat"]], ["0xffff000081200000", "C_BAD_STE", "crash"]);

  const dir = mkdtempSync(join(tmpdir(), "decode-dump-"));
  try {
    const bytes = new Uint8Array(64);
    new DataView(bytes.buffer).setUint32(32, C_BAD_STE[0]!, true);
    new DataView(bytes.buffer).setUint32(36, C_BAD_STE[1]!, true);
    writeFileSync(join(dir, "evtq.bin"), bytes);
    const fromBinary = await run(["decode", "--as", "evtq", "--json", "--base", "0x1000", "evtq.bin"], "", dir);
    assert.equal(fromBinary.code, 0);
    const b = JSON.parse(fromBinary.out.trim()) as Record<string, unknown>;
    assert.deepEqual([b["addr"], b["index"], b["name"], b["dumpFormat"]], ["0x1020", 1, "C_BAD_STE", "binary"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("usage: --as bogus, dump options without --as, --prod without --entries, a misaligned --base are exit 2", async () => {
  for (const args of [
    ["decode", "--as", "bogus", "-"],
    ["decode", "--base", "0x1000", "-"],
    ["decode", "--as", "evtq", "--prod", "1", "--cons", "0", "-"],
    ["decode", "--as", "evtq", "--base", "0x1010", "-"],
    ["decode", "--as", "evtq", "--entries", "3", "-"],
    ["decode", "--as", "cmdq", "--entries", "4", "--prod", "1", "--cons", "2", "-"],
  ]) {
    const { code, out, err } = await run(args, "");
    assert.equal(code, 2, args.join(" "));
    assert.equal(out, "");
    assert.match(err, /^iommu-lens decode: --/);
  }
  const missing = await run(["decode", "--as", "evtq", "no-such-file.txt"]);
  assert.equal(missing.code, 2);
  assert.equal(missing.err, "iommu-lens decode: cannot read no-such-file.txt: no such file\n");
});

test("without --as a queue dump is not read as events (the log path is unchanged), and an empty queue decodes nothing", async () => {
  const dump = gdbDump(EVTQ, qwords(F_TRANSLATION));
  const log = await run(["decode", "-"], dump);
  assert.equal(log.code, 1);
  assert.ok(log.out.includes("no records found"));
  const empty = await run(["decode", "--as", "evtq", "-"], gdbDump(EVTQ, qwords(ZERO_EVENT, ZERO_EVENT)));
  assert.equal(empty.code, 1);
  assert.equal(empty.out, "0 events decoded, 2 empty slots (all zero) skipped\n");
});

test("the same memory dumped twice (before/after) is decoded as two dumps, never merged", async () => {
  const before = gdbDump(EVTQ, qwords(C_BAD_STE, ZERO_EVENT));
  const after = gdbDump(EVTQ, qwords(C_BAD_STE, F_TRANSLATION));
  const { code, out } = await run(["decode", "--as", "evtq", "--json", "-"], before + after);
  assert.equal(code, 0);
  const objects = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    objects.map((o) => [o["line"], o["addr"], o["index"], o["name"], o["snapshot"]]),
    [
      [2, "0x80000000", 0, "C_BAD_STE", undefined],
      [7, "0x80000000", 0, "C_BAD_STE", 2],
      [9, "0x80000020", 1, "F_TRANSLATION", 2],
    ],
  );
});
