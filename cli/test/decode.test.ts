// `iommu-lens decode` through the CLI's main() with an injected CliIo, and once through the bundled
// dist/cli.js: the seed mail's C_BAD_STE and all its quoted copies, the --json contract, exit codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../src/main";
import type { CliIo } from "../src/io";
import { repoRoot } from "../../engine/test/support/paths";

const ROOT = repoRoot();
const SEED = join(ROOT, "cli/test/decode-fixtures/seed-000-c_bad_ste-thread.txt");

async function run(args: string[], stdin: string | Buffer[] = ""): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    stdin: Readable.from(typeof stdin === "string" ? [stdin] : stdin),
    cwd: ROOT,
  };
  const code = await main(args, io);
  return { code, out, err };
}

const SEED_RECORD = {
  arch: "smmuv3",
  kind: "event",
  raw: ["0x7d1100000004", "0x100800000080", "0xfe040000", "0x7e04c440"],
  id: "0x4",
  name: "C_BAD_STE",
  fields: { SSV: "0x0", SubstreamID: "0x0", StreamID: "0x7d11" },
  meanings: { SubstreamID: "not valid: SSV == 0; UNKNOWN per Arm IHI 0070 §7.3 (SSV)" },
  problems: [
    "dword1..3 are not defined for C_BAD_STE and are not zero: RES0 per Arm IHI 0070 §7.3 (portions of an event record not explicitly defined are RES0; C_BAD_STE is §7.3.5), so this is non-architectural content",
  ],
};

test("decode on the seed mail prints C_BAD_STE for StreamID 0x7d11, every quoted copy, and flags dwords 1..3", async () => {
  const { code, out, err } = await run(["decode", SEED]);
  assert.equal(err, "");
  assert.equal(code, 0);
  const headers = out.split("\n").filter((l) => l.includes("C_BAD_STE  ("));
  assert.deepEqual(
    headers.map((l) => l.slice(SEED.length)),
    [
      ":196-200: 0x4 C_BAD_STE  (Linux arm-smmu-v3 event from arm-smmu-v3.2.auto)",
      ":388-392: 0x4 C_BAD_STE  (Linux arm-smmu-v3 event from arm-smmu-v3.2.auto, quoted >)",
      ":965-969: 0x4 C_BAD_STE  (Linux arm-smmu-v3 event from arm-smmu-v3.2.auto, quoted >)",
      ":1209-1213: 0x4 C_BAD_STE  (Linux arm-smmu-v3 event from arm-smmu-v3.2.auto, quoted >>)",
    ],
  );
  assert.equal(out.split("StreamID 0x7d11: the STE is not valid or is ILLEGAL").length - 1, 4);
  assert.equal(out.split("! dword1..3 are not defined for C_BAD_STE and are not zero").length - 1, 4);
  assert.match(out, /StreamID +dword0\[63:32\] +0x7d11/);
  assert.match(out, /next steps:\n {4}1\. /);
  assert.match(out, /\n4 records found\n {2}C_BAD_STE {2}4 {2}StreamID 0x7d11 \(4\)\n$/);
});

test("decode ends with a count per record name and its StreamIDs, most frequent first (an event storm in one look)", async () => {
  const ev = (id: string, sid: string): string =>
    ["event 0x" + id + " received:", `\t0x0000${sid}000000${id}`, "\t0x0", "\t0x0", "\t0x0"]
      .map((l) => `arm-smmu-v3 arm-smmu-v3.0.auto: ${l}`)
      .join("\n");
  const sids = ["0100", "0200", "0100", "0300", "0100", "0200", "0400", "0500", "0600", "0700"];
  const text = [...sids.map((s) => ev("10", s)), ev("04", "7d11"), "smmu_ptw_invalid_pte stage=1 level=3 pte=0x0"].join(
    "\n",
  );
  const { out } = await run(["decode", "-"], text);
  const tail = out.slice(out.lastIndexOf("\n\n") + 2);
  assert.equal(
    tail,
    [
      "12 records found",
      "  F_TRANSLATION         10  StreamID 0x100 (3), 0x200 (2), 0x300 (1), 0x400 (1), 0x500 (1), 2 more",
      "  C_BAD_STE              1  StreamID 0x7d11 (1)",
      "  smmu_ptw_invalid_pte   1",
      "",
    ].join("\n"),
  );
});

test("decode --json prints the formats.md contract, one object per record, one-based lines", async () => {
  const { code, out } = await run(["decode", "--json", SEED]);
  assert.equal(code, 0);
  const lines = out.trimEnd().split("\n");
  assert.equal(lines.length, 4);
  const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    objs.map((o) => [o["line"], o["endLine"], o["quoteDepth"]]),
    [
      [196, 200, 0],
      [388, 392, 1],
      [965, 969, 1],
      [1209, 1213, 2],
    ],
  );
  for (const o of objs) {
    for (const [k, v] of Object.entries(SEED_RECORD)) assert.deepEqual(o[k], v, k);
    assert.equal(o["file"], SEED);
    assert.match(String(o["summary"]), /^StreamID 0x7d11: /);
  }
});

test("decode reads standard input for '-' and with no FILE", async () => {
  for (const args of [
    ["decode", "--json", "-"],
    ["decode", "--json"],
  ]) {
    const { code, out } = await run(args, "0x7d1100000004 0x100800000080 0xfe040000 0x7e04c440\n");
    assert.equal(code, 0);
    const o = JSON.parse(out) as Record<string, unknown>;
    assert.deepEqual([o["file"], o["line"], o["name"], o["kind"]], ["-", 1, "C_BAD_STE", "event"]);
  }
});

test("a damaged record and a line that only looks like one: located problems, exit 1", async () => {
  const text = [
    "event 0x10 received:",
    "\t0x0000001100000010",
    "\t0x00000208000000zz",
    "\t0x0000034bce504e21",
    "\t0x0000000000000000",
    "1 2 3",
    "0x0000000000000001 0x0000000000000002 0x0000000000000003",
  ].join("\n");
  const { code, out } = await run(["decode", "--json", "-"], text);
  assert.equal(code, 1);
  const [record, problem, ...rest] = out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(rest.length, 0);
  assert.deepEqual([record!["name"], record!["line"], record!["endLine"]], ["F_TRANSLATION", 1, 5]);
  assert.deepEqual(
    (record!["problems"] as string[])[0],
    "line 3: dword 1 of 4 '0x00000208000000zz' is not hexadecimal: the line is damaged",
  );
  assert.deepEqual(problem, {
    kind: "problem",
    file: "-",
    line: 7,
    message: "3 hex dwords on one line; an SMMUv3 event record has 4",
  });
});

test("no record found: exit 1", async () => {
  const { code, out } = await run(["decode", "-"], "nothing to see here\n");
  assert.equal(code, 1);
  assert.equal(out, "no records found\n");
});

test("architectures other than SMMUv3 say plainly they are not supported yet (exit 2)", async () => {
  for (const [arch, what] of [
    ["vtd", "Intel VT-d"],
    ["amdvi", "AMD-Vi"],
    ["smmuv2", "Arm SMMUv2"],
  ] as const) {
    const { code, out, err } = await run(["decode", "--arch", arch, SEED]);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.match(
      err,
      new RegExp(
        `^iommu-lens decode: --arch ${arch}: decoding ${what} .* is not supported yet \\(only smmuv3 is implemented\\)\\n$`,
      ),
    );
  }
  for (const arch of ["auto", "smmuv3"]) assert.equal((await run(["decode", "--arch", arch, SEED])).code, 0);
  const bad = await run(["decode", "--arch", "x86", SEED]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--arch x86: expected auto, smmuv3, smmuv2, vtd or amdvi/);
});

test("an unreadable file is a located message, exit 2, no stack trace; the other files are still decoded", async () => {
  const { code, out, err } = await run(["decode", "--json", "does/not/exist.log", SEED]);
  assert.equal(code, 2);
  assert.equal(err, "iommu-lens decode: cannot read does/not/exist.log: no such file\n");
  assert.doesNotMatch(err, /\n\s+at /);
  assert.equal(out.trimEnd().split("\n").length, 4);
  const dir = await run(["decode", "cli"]);
  assert.equal(dir.code, 2);
  assert.equal(dir.err, "iommu-lens decode: cannot read cli: is a directory\n");
});

/** Newest modification time of the TypeScript sources the CLI bundle is built from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

test("the bundled dist/cli.js decodes the seed mail (built by scripts/build.mjs when missing or stale)", () => {
  const cli = join(ROOT, "dist/cli.js");
  const stale =
    !existsSync(cli) ||
    statSync(cli).mtimeMs < Math.max(newestSource(join(ROOT, "cli/src")), newestSource(join(ROOT, "engine/src")));
  if (stale) {
    const build = spawnSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { cwd: ROOT, encoding: "utf8" });
    assert.equal(build.status, 0, `scripts/build.mjs failed:\n${build.stderr}`);
  }
  const tmp = mkdtempSync(join(tmpdir(), "iommu-lens-decode-"));
  try {
    const crlf = join(tmp, "mail.txt");
    // The same mail with CRLF line ends, as a Windows mail client saves it.
    writeFileSync(crlf, spawnSync("sed", ["s/$/\r/", SEED], { encoding: "utf8" }).stdout);
    const r = spawnSync(process.execPath, [cli, "decode", "--json", crlf], { encoding: "utf8" });
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    const objs = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      objs.map((o) => [o["line"], o["name"], (o["fields"] as Record<string, string>)["StreamID"]]),
      [
        [196, "C_BAD_STE", "0x7d11"],
        [388, "C_BAD_STE", "0x7d11"],
        [965, "C_BAD_STE", "0x7d11"],
        [1209, "C_BAD_STE", "0x7d11"],
      ],
    );
    const missing = spawnSync(process.execPath, [cli, "decode", join(tmp, "nope.log")], { encoding: "utf8" });
    assert.equal(missing.status, 2);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("stdin in byte chunks that split UTF-8 characters and CRLF pairs decodes as one text", async () => {
  // A device prefix with a 3-byte character on every line: a character broken by a chunk
  // boundary would change one line's prefix and cut the record.
  const text = [
    "[ 1.0] arm-smmu-v3 smmu—0: event 0x04 received:",
    "[ 1.1] arm-smmu-v3 smmu—0: 0x00007d1100000004",
    "[ 1.2] arm-smmu-v3 smmu—0: 0x0000100800000080",
    "[ 1.3] arm-smmu-v3 smmu—0: 0x00000000fe040000",
    "[ 1.4] arm-smmu-v3 smmu—0: 0x000000007e04c440",
    "",
  ].join("\r\n");
  const bytes = Buffer.from(text, "utf8");
  // Cut inside the "—" of every other line (after its first byte: a per-chunk decoder would give
  // those lines a different prefix) and between every \r and \n.
  const cuts: number[] = [];
  let dash = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0xe2 && dash++ % 2 === 1) cuts.push(i + 1);
    if (bytes[i] === 13 && bytes[i + 1] === 10) cuts.push(i + 1);
  }
  const chunks = [0, ...cuts].map((from, k) => bytes.subarray(from, cuts[k] ?? bytes.length));
  assert.equal(chunks.length, 8);
  const { code, out } = await run(["decode", "--json", "-"], chunks);
  assert.equal(code, 0);
  const o = JSON.parse(out) as Record<string, unknown>;
  assert.deepEqual(
    [o["line"], o["endLine"], o["name"], o["problems"]],
    [
      1,
      5,
      "C_BAD_STE",
      [
        "dword1..3 are not defined for C_BAD_STE and are not zero: RES0 per Arm IHI 0070 §7.3 (portions of an event record not explicitly defined are RES0; C_BAD_STE is §7.3.5), so this is non-architectural content",
      ],
    ],
  );
});

test("several files: each with its own line numbers, in the order given", async () => {
  const { code, out } = await run(["decode", "--json", SEED, "-"], "0x1100000010 0x20800000000 0x34bce504e21 0x0\n");
  assert.equal(code, 0);
  const objs = out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    objs.map((o) => [o["file"] === SEED ? "seed" : o["file"], o["line"], o["name"]]),
    [
      ["seed", 196, "C_BAD_STE"],
      ["seed", 388, "C_BAD_STE"],
      ["seed", 965, "C_BAD_STE"],
      ["seed", 1209, "C_BAD_STE"],
      ["-", 1, "F_TRANSLATION"],
    ],
  );
});

test("decode --json: kernelDecoded holds every value the kernel's decoded lines printed, as read", async () => {
  const dev = "[   12.345678] arm-smmu-v3 arm-smmu-v3.0.auto: ";
  const text = [
    "event 0x13 received:",
    "\t0x0000010000001813",
    "\t0x0000018080000005",
    "\t0x0000ffff00001000",
    "\t0x0000000080001000",
    "event: F_PERMISSION client: 0000:01:00.0 sid: 0x100 ssid: 0x1 iova: 0xffff00001000 ipa: 0x80001000",
    'unpriv data write s2 "Stage 1 translation table fetch" ttd_write stall stag: 0x5',
    "event 0x0a received:",
    "\t0x000001000000000a",
    "\t0x0000000000000000",
    "\t0x0000000000000000",
    "\t0x0000000041000040",
    "event: C_BAD_CD client: (unassigned sid) sid: 0x100 ssid: 0",
  ]
    .map((l) => dev + l)
    .join("\n");
  const { code, out } = await run(["decode", "--json", "-"], text);
  const [perm, cd] = out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(perm!["problems"], []);
  assert.deepEqual(perm!["kernelDecoded"], {
    name: "F_PERMISSION",
    client: "0000:01:00.0",
    sid: "0x100",
    ssid: "0x1",
    iova: "0xffff00001000",
    ipa: "0x80001000",
    privileged: false,
    instruction: false,
    read: false,
    stage2: true,
    class: "Stage 1 translation table fetch",
    ttdRead: false,
    stall: true,
    stag: "0x5",
  });
  assert.deepEqual(cd!["kernelDecoded"], { name: "C_BAD_CD", client: "(unassigned sid)", sid: "0x100", ssid: "0x0" });
  assert.equal(code, 0);
});

test("decode --json: a CMDQ error names CONS.ERR (cerror) beside the kernel's text; the command is in raw", async () => {
  const dev = "arm-smmu-v3 arm-smmu-v3.0.auto: ";
  const text = [
    "CMDQ error (cons 0x01000012): Illegal command",
    "skipping command in error state:",
    "\t0x0000010000000003",
    "\t0x0000000000000000",
    "CMDQ error (cons 0x02000013): Abort on command fetch",
    "retrying command fetch",
  ]
    .map((l) => dev + l)
    .join("\n");
  const { code, out } = await run(["decode", "--json", "-"], text);
  const objs = out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    objs.map((o) => [o["kind"], o["form"], o["line"], o["endLine"], o["id"], o["name"], o["raw"], o["cmdq"]]),
    [
      [
        "cmdq-error",
        "linux-cmdq",
        1,
        4,
        "0x3",
        "CMD_CFGI_STE",
        ["0x10000000003", "0x0"],
        { cons: "0x1000012", error: "0x1", cerror: "CERROR_ILL", text: "Illegal command" },
      ],
      [
        "cmdq-error",
        "linux-cmdq",
        5,
        6,
        "",
        "CERROR_ABT",
        ["0x0", "0x0"],
        { cons: "0x2000013", error: "0x2", cerror: "CERROR_ABT", text: "Abort on command fetch" },
      ],
    ],
  );
  assert.equal(code, 0);
});

test("decode: a CMDQ error says what the command does, what the error means and what to check (once per error)", async () => {
  const dev = "arm-smmu-v3 arm-smmu-v3.0.auto: ";
  const ill = [
    "CMDQ error (cons 0x01000012): Illegal command",
    "skipping command in error state:",
    "\t0x0000000000000020",
    "\t0x0000000000000000",
  ];
  const text = [...ill, ...ill, "CMDQ error (cons 0x03000013): ATC invalidate timeout"].map((l) => dev + l).join("\n");
  const { code, out } = await run(["decode", "-"], text);
  assert.equal(code, 0);
  const blocks = out.split("\n\n");
  assert.match(
    blocks[0]!,
    /^-:1-4: 0x20 CMD_TLBI_EL2_ALL {2}\(Linux arm-smmu-v3 command-queue error from arm-smmu-v3\.0\.auto\)\n/,
  );
  assert.match(blocks[0]!, /\n {2}meaning: Invalidate all NS-EL2 entries\.\n/);
  assert.match(blocks[0]!, /\n {2}cause: .*IDR0/);
  assert.match(blocks[0]!, /\n {2}next steps:\n {4}1\. /);
  assert.match(blocks[0]!, /CMD_SYNC/);
  assert.match(blocks[1]!, /\n {2}\(cause and next steps for CERROR_ILL: see above\)$/);
  assert.match(blocks[2]!, /\n {2}cause: .*ATC/);
  assert.match(out, /\n3 records found\n {2}CERROR_ILL CMD_TLBI_EL2_ALL {2}2\n {2}CERROR_ATC_INV_SYNC {10}1\n$/);
});

test("decode: a CMDQ error that prints no command by design shows no '(missing)' dwords; a cut CERROR_ILL does", async () => {
  const dev = "arm-smmu-v3 arm-smmu-v3.0.auto: ";
  const text = [
    "CMDQ error (cons 0x02000013): Abort on command fetch",
    "retrying command fetch",
    "CMDQ error (cons 0x03000013): ATC invalidate timeout",
    "CMDQ error (cons 0x01000012): Illegal command",
  ]
    .map((l) => dev + l)
    .join("\n");
  const { code, out } = await run(["decode", "-"], text);
  const blocks = out.split("\n\n");
  assert.doesNotMatch(blocks[0]!, /raw|missing/);
  assert.doesNotMatch(blocks[1]!, /raw|missing/);
  assert.match(blocks[2]!, /\n {2}raw {3}\(missing\) \(missing\)\n/);
  assert.match(blocks[2]!, /the command in error \(two dwords after 'skipping command in error state:'\) is missing/);
  assert.equal(code, 1);
});

test("decode reads 'dmesg --color=always' output: ANSI colour sequences are skipped, even split across chunks", async () => {
  const esc = "\u001b";
  const line = (msg: string, t: number): string =>
    `${esc}[32m[   12.34567${t}] ${esc}[0m${esc}[33marm-smmu-v3 arm-smmu-v3.0.auto: ${esc}[0m${esc}[1;31m${msg}${esc}[0m`;
  const text = [
    "plain line",
    line("event 0x10 received:", 0),
    ...["0x0000010000000010", "0x0000020800000000", "0x00000000fffff000", "0x0000000000000000"].map((d, i) =>
      line(`\t${d}`, i + 1),
    ),
  ].join("\n");
  const bytes = Buffer.from(text, "utf8");
  for (const cuts of [[bytes.length], [bytes.indexOf(0x1b, 40) + 1, bytes.indexOf(0x1b, 200) + 3, bytes.length]]) {
    const chunks: Buffer[] = [];
    let from = 0;
    for (const c of cuts) {
      chunks.push(bytes.subarray(from, c));
      from = c;
    }
    const { code, out } = await run(["decode", "--json", "-"], chunks);
    const o = JSON.parse(out) as Record<string, unknown>;
    assert.deepEqual(
      [o["name"], o["line"], o["endLine"], o["raw"], o["problems"]],
      ["F_TRANSLATION", 2, 6, ["0x10000000010", "0x20800000000", "0xfffff000", "0x0"], []],
    );
    assert.equal(code, 0);
  }
});

test("decode names the SMMU instance that printed each record (StreamIDs are per SMMU)", async () => {
  const ev = (dev: string, sid: string): string[] =>
    ["event 0x04 received:", `\t0x0000${sid}00000004`, "\t0x0", "\t0x0", "\t0x0"].map(
      (l) => `arm-smmu-v3 ${dev}: ${l}`,
    );
  const a = ev("arm-smmu-v3.0.auto", "0100");
  const b = ev("9050000.smmuv3", "0200");
  const text = a.flatMap((l, i) => [l, b[i]!]).join("\n");
  const json = await run(["decode", "--json", "-"], text);
  assert.deepEqual(
    json.out
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .map((o) => [o["line"], (o["fields"] as Record<string, string>)["StreamID"], o["source"]]),
    [
      [1, "0x100", "arm-smmu-v3 arm-smmu-v3.0.auto:"],
      [2, "0x200", "arm-smmu-v3 9050000.smmuv3:"],
    ],
  );
  const table = await run(
    ["decode", "-"],
    text + "\n" + b.map((l) => `kern  :err   : [Sat Nov 21 08:00:00 2026] ${l}`).join("\n"),
  );
  assert.match(table.out, /^-:1-9: 0x4 C_BAD_STE {2}\(Linux arm-smmu-v3 event from arm-smmu-v3\.0\.auto\)$/m);
  assert.match(table.out, /^-:2-10: 0x4 C_BAD_STE {2}\(Linux arm-smmu-v3 event from 9050000\.smmuv3\)$/m);
  assert.match(table.out, /^-:11-15: 0x4 C_BAD_STE {2}\(Linux arm-smmu-v3 event from 9050000\.smmuv3\)$/m);
  assert.match(
    table.out,
    /\n3 records found\n {2}C_BAD_STE {2}3 {2}StreamID 0x200 on 9050000\.smmuv3 \(2\), 0x100 on arm-smmu-v3\.0\.auto \(1\)\n$/,
  );
});

test("decode: a decoded line re-wrapped by a mail client is joined when its rest is unambiguous, else a located problem", async () => {
  const dev = "> [   12.345678] arm-smmu-v3 arm-smmu-v3.0.auto: ";
  const raw = [
    "event 0x10 received:",
    "\t0x0000010000000010",
    "\t0x0000020800000000",
    "\t0x00000000fffff000",
    "\t0x0000000000000000",
  ].map((l) => dev + l);
  // The rest at the same quoting depth, no stamp, starting with the client: joined, read, checked.
  const joined = await run(
    ["decode", "--json", "-"],
    [
      ...raw,
      dev + "event: F_TRANSLATION client:",
      "> 0000:01:00.0 sid: 0x200 ssid: 0 iova: 0xfffff000 ipa: 0",
      // The flags line re-wrapped too, as Gmail does at 78 columns.
      dev + 'unpriv data read s1 "Input address',
      '> caused fault" stag: 0x0',
    ].join("\n"),
  );
  const o = JSON.parse(joined.out.split("\n")[0]!) as Record<string, unknown>;
  const kernel = o["kernelDecoded"] as Record<string, unknown>;
  assert.deepEqual(
    [o["line"], o["endLine"], kernel["client"], kernel["sid"], kernel["iova"], kernel["class"]],
    [1, 9, "0000:01:00.0", "0x200", "0xfffff000", "Input address caused fault"],
  );
  assert.deepEqual(o["problems"], ["line 6: the kernel's decoded line says sid 0x200 but the raw dwords give 0x100"]);
  // Another quoting depth, or a stamp before the rest: not its rest, the problem it was.
  for (const rest of [
    "> > 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0",
    "> [   12.345679] 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0",
    "> sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0",
  ]) {
    const { code, out } = await run(["decode", "-"], [...raw, dev + "event: F_TRANSLATION client:", rest].join("\n"));
    assert.doesNotMatch(out, /kernel decoded/);
    assert.match(
      out,
      /! line 6: the kernel's decoded event line ends before 'sid:' \(cut, or re-wrapped by a mail client\): 'event: F_TRANSLATION client:'/,
    );
    assert.equal(code, 1);
  }
});

test("decode reads UTF-16 text (a Windows PowerShell redirect): BOM or NUL-interleaved ASCII, in any chunking", async () => {
  const text = [
    "[    1.000000] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x04 received:",
    "[    1.000001] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000010000000004",
    "[    1.000002] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000",
    "[    1.000003] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000",
    "[    1.000004] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000",
  ].join("\r\n");
  const le = Buffer.from(text, "utf16le");
  const be = Buffer.from(le).swap16();
  for (const bytes of [
    Buffer.concat([Buffer.from([0xff, 0xfe]), le]),
    Buffer.concat([Buffer.from([0xfe, 0xff]), be]),
    le,
  ]) {
    for (const cuts of [[bytes.length], [1, 2, 3, 101, bytes.length]]) {
      const chunks: Buffer[] = [];
      let from = 0;
      for (const c of cuts) {
        chunks.push(bytes.subarray(from, c));
        from = c;
      }
      const { code, out } = await run(["decode", "--json", "-"], chunks);
      const o = JSON.parse(out) as Record<string, unknown>;
      assert.deepEqual([o["name"], o["line"], o["endLine"], o["problems"]], ["C_BAD_STE", 1, 5, []]);
      assert.equal(code, 0);
    }
  }
});

test("decode --help states every exit 1 case, and that --json ends with problem lines", async () => {
  const { code, out } = await run(["decode", "--help"]);
  assert.equal(code, 0);
  assert.match(
    out,
    /exit: 0 records decoded; 1 no record found, a record is damaged or cut, or a line only looks like one;/,
  );
  assert.match(out, /--json +one JSON object per record \(formats\.md\), then one per problem line/);
});

test("decode reads journalctl -o json and -o json-pretty: the MESSAGE of each entry, lines those of the JSON", async () => {
  const dev = "arm-smmu-v3 arm-smmu-v3.0.auto: ";
  const messages = ["event 0x10 received:", "\t0x0000010000000010", "\t0x0000020800000000", "\t0x00000000fffff000"].map(
    (m) => dev + m,
  );
  const last = dev + "\t0x0000000000000000";
  // Not valid UTF-8 for journald: MESSAGE is then an array of byte values.
  const lastBytes = [...Buffer.from(last, "utf8")];
  const compact = [
    JSON.stringify({ __CURSOR: "s=1", __REALTIME_TIMESTAMP: "1700000000000000", MESSAGE: "Booting Linux" }),
    ...messages.map((m, i) => JSON.stringify({ __REALTIME_TIMESTAMP: `170000000000000${i + 1}`, MESSAGE: m })),
    JSON.stringify({ __REALTIME_TIMESTAMP: "1700000000000009", MESSAGE: lastBytes }),
  ].join("\n");
  const entry = (message: string): string[] => [
    "{",
    '\t"__CURSOR" : "s=1",',
    `\t"MESSAGE" : ${JSON.stringify(message)},`,
    '\t"_TRANSPORT" : "kernel"',
    "}",
  ];
  const pretty = [
    ...messages.flatMap(entry),
    "{",
    '\t"MESSAGE" : [',
    ...lastBytes.map((b, i) => `\t\t${b}${i === lastBytes.length - 1 ? "" : ","}`),
    "\t],",
    '\t"_TRANSPORT" : "kernel"',
    "}",
  ].join("\n");
  const raw = ["0x10000000010", "0x20800000000", "0xfffff000", "0x0"];
  for (const [text, lines] of [
    [compact, [2, 6]],
    [pretty, [3, 22]],
  ] as const) {
    const bytes = Buffer.from(text, "utf8");
    for (const cuts of [[bytes.length], [1, 30, 131, bytes.length - 3, bytes.length]]) {
      const chunks: Buffer[] = [];
      let from = 0;
      for (const c of cuts) {
        chunks.push(bytes.subarray(from, c));
        from = c;
      }
      const { code, out } = await run(["decode", "--json", "-"], chunks);
      const o = JSON.parse(out) as Record<string, unknown>;
      assert.deepEqual(
        [o["name"], o["line"], o["endLine"], o["raw"], o["source"], o["problems"]],
        ["F_TRANSLATION", lines[0], lines[1], raw, "arm-smmu-v3 arm-smmu-v3.0.auto:", []],
      );
      assert.equal(code, 0);
    }
  }
  // decode's own JSON output is no journal: its raw array is still read as one record.
  const own = await run(["decode", "--json", "-"], JSON.stringify({ arch: "smmuv3", raw }) + "\n");
  assert.deepEqual((JSON.parse(own.out) as Record<string, unknown>)["raw"], raw);
});

test("decode reads quoted-printable mails (lore/b4 mboxes): =XX and soft line breaks after the mail's header only", async () => {
  const dev = "> [   12.345678] arm-smmu-v3 arm-smmu-v3.0.auto: ";
  const body = [
    "With a=3Db the guest faults:",
    "12345@1700000000.123456:smmuv3_record_event SMMU_EVT_F_TRANSLATION sid=3D0x11=",
    " ssid=3D0x0",
    `${dev}event 0x10 received:`,
    ...["0x0000010000000010", "0x0000020800000000", "0x00000000fffff000", "0x0000000000000000"].map(
      (d) => `${dev}=09${d}`,
    ),
    `${dev}event: F_TRANSLATION client: 0=`,
    "000:01:00.0 sid: 0x100 ssid: 0 iova: 0xfffff000 ipa: 0",
    `${dev}unpriv data read s1 "Input ad=`,
    'dress caused fault" stag: 0x0',
  ];
  const mail = [
    "From 1234 Mon Sep 17 00:00:00 2001",
    "From: A <a@example.com>",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    ...body,
  ].join("\r\n");
  const bytes = Buffer.from(mail, "utf8");
  const header = mail.indexOf("Transfer-Enc");
  for (const cuts of [
    [bytes.length],
    [header + 2, header + 9, mail.indexOf("0=\r\n000") + 2, mail.indexOf("ad=") + 3, bytes.length],
  ]) {
    const chunks: Buffer[] = [];
    let from = 0;
    for (const c of cuts) {
      chunks.push(bytes.subarray(from, c));
      from = c;
    }
    const { code, out } = await run(["decode", "--json", "-"], chunks);
    const records = out
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      records.map((o) => [o["form"], o["line"], o["endLine"], o["raw"], o["problems"]]),
      [
        ["qemu-trace", 7, 7, ["0x1100000010", "0x0", "0x0", "0x0"], []],
        ["linux-raw", 9, 16, ["0x10000000010", "0x20800000000", "0xfffff000", "0x0"], []],
      ],
    );
    const kernel = records[1]!["kernelDecoded"] as Record<string, unknown>;
    assert.deepEqual(
      [kernel["client"], kernel["sid"], kernel["class"]],
      ["0000:01:00.0", "0x100", "Input address caused fault"],
    );
    assert.equal(code, 0);
  }
  // Without the header (or with another encoding) an '=' is text: no soft break is joined, so the
  // trace's value is cut (only a whole `=3D` before a trace's number is read without the header).
  for (const head of ["", "Content-Transfer-Encoding: 8bit\r\n\r\n"]) {
    const { code, out } = await run(["decode", "--json", "-"], head + body.slice(1, 3).join("\r\n"));
    assert.match(out, /"problems":\["line \d: sid '3D0x11=' is not a number"\]/);
    assert.equal(code, 1);
  }
});

test("decode of a file over 1 MiB: a line an input filter holds across the reused read block keeps its bytes", async () => {
  // decode reads a file in 1 MiB blocks into one reused buffer. A journalctl JSON line, a
  // quoted-printable mail line or a colour sequence cut by a block's end is held until the next
  // block: held as a copy, else the next read overwrites it.
  const record = [
    "arm-smmu-v3 arm-smmu-v3.0.auto: event 0x04 received:",
    "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x00007d1100000004",
    "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000100800000080",
    "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x00000000fe040000",
    "arm-smmu-v3 arm-smmu-v3.0.auto: \t0x000000007e04c440",
  ];
  const BLOCK = 1 << 20;
  /** `head`, filler lines, then the record's lines, its second line cut by the first block's end. */
  const input = (head: string, line: (message: string) => string, cutAt: (second: string) => number): string => {
    let text = head;
    const filler = line("random: crng init done");
    const before = [line(record[0]!)];
    const second = line(record[1]!);
    const fill = BLOCK - text.length - before[0]!.length - 1 - cutAt(second);
    text += (filler + "\n").repeat(Math.floor(fill / (filler.length + 1)));
    const rest = fill % (filler.length + 1);
    if (rest !== 0) text += " ".repeat(rest - 1) + "\n";
    text += before[0] + "\n" + record.slice(1).map(line).join("\n") + "\n";
    // Then over a block of plain text: the next read overwrites every byte of the buffer.
    return text + "random: crng init done\n".repeat(Math.ceil(BLOCK / 20));
  };
  const shapes: [string, string][] = [
    [
      "journalctl -o json",
      input(
        "",
        (m) => JSON.stringify({ __CURSOR: "s=1", MESSAGE: m }),
        (second) => second.length >> 1,
      ),
    ],
    [
      "quoted-printable mail",
      input(
        "Content-Transfer-Encoding: quoted-printable\n\n",
        (m) => m.replace("\t", "=09"),
        (second) => second.length >> 1,
      ),
    ],
    [
      "ANSI colours",
      input(
        "",
        (m) => `\x1b[31m${m}\x1b[0m`,
        (second) => second.length - 3,
      ),
    ],
  ];
  const tmp = mkdtempSync(join(tmpdir(), "iommu-lens-decode-"));
  try {
    for (const [what, text] of shapes) {
      const file = join(tmp, "big.log");
      writeFileSync(file, text);
      const { code, out } = await run(["decode", "--json", file]);
      const records = out
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(
        records.map((o) => [o["name"], o["raw"], o["problems"]]),
        [["C_BAD_STE", ["0x7d1100000004", "0x100800000080", "0xfe040000", "0x7e04c440"], SEED_RECORD.problems]],
        what,
      );
      assert.equal(code, 0, what);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
