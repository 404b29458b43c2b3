// Decode throughput: what `iommu-lens decode` does to a big kernel log (stream the file in 1 MiB
// chunks, find every record, decode each through the SMMUv3 record tables) against in-run
// baselines on the same file: `grep -c 'event 0x'` (the tool people reach for first) and a plain
// JavaScript line count (the floor for any line-based scan in Node). Also the no-BigInt hot path:
// decodeEvent on packed 32-bit halves against the same fields extracted with BigInt.
//
// The log is generated: about 200 MB, 1M records of mixed event types in every form the scanner
// reads (Linux raw, Linux >= 6.14 decoded lines, mail-quoted, bare dword lists, CMDQ errors),
// with other drivers' lines between and inside records. It is written under os.tmpdir() and
// deleted at the end. Peak RSS of the decode is measured in a child process of its own.
//   npm run build && node out/bench/decode-log.js [records]

import { spawnSync } from "node:child_process";
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import {
  ByteLogScanner,
  EventFieldValues,
  LogScanner,
  decodeCommand,
  decodeEvent,
  decodeEventFields,
  eventTypeById,
  encodeEvent,
  eventTypeByName,
  getValue,
  hex64Padded,
  hexHalves,
  readBitsNumber,
  type LogScannerOptions,
  type U64,
} from "../engine/src/index";

// ---- the generated log ------------------------------------------------------------------------

/** Deterministic pseudo-random numbers (xorshift32), so every run scans the same log. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

interface Sample {
  readonly words: Uint32Array;
  readonly decodedLines: string[];
}

const TYPES = [
  "F_TRANSLATION",
  "F_ADDR_SIZE",
  "F_ACCESS",
  "F_PERMISSION",
  "C_BAD_STE",
  "C_BAD_CD",
  "F_STE_FETCH",
  "F_CD_FETCH",
  "F_WALK_EABT",
  "C_BAD_STREAMID",
  "F_STREAM_DISABLED",
  "C_BAD_SUBSTREAMID",
];
const CLASS_TEXT = ["CD fetch", "Stage 1 translation table fetch", "Input address caused fault", "Reserved"];

function u(n: number): U64 {
  return { lo: n >>> 0, hi: Math.floor(n / 0x1_0000_0000) >>> 0 };
}

/** 4096 distinct records of mixed types, with the lines Linux >= 6.14 would print for them. */
function samples(): Sample[] {
  const next = rng(12345);
  const out: Sample[] = [];
  for (let i = 0; i < 4096; i++) {
    const name = TYPES[i % TYPES.length]!;
    const sid = next() & 0xffff;
    const ssv = next() & 1;
    const ssid = ssv ? next() & 0xfffff : 0;
    const iova = (next() & 0xffff) * 0x1_0000_0000 + ((next() & 0xfffff000) >>> 0);
    const ipa = (next() & 0xff) * 0x1_0000_0000 + ((next() & 0xfffff000) >>> 0);
    const cls = next() % 3;
    const values: Record<string, U64> = { StreamID: u(sid) };
    const translation =
      name.startsWith("F_") && ["F_TRANSLATION", "F_ADDR_SIZE", "F_ACCESS", "F_PERMISSION"].includes(name);
    if (name !== "F_STREAM_DISABLED") {
      values["SubstreamID"] = u(ssid);
      if (name !== "C_BAD_SUBSTREAMID") values["SSV"] = u(ssv);
    }
    const bits = next();
    if (translation || name === "F_WALK_EABT") {
      Object.assign(values, {
        PnU: u(bits & 1),
        InD: u(0),
        RnW: u((bits >> 1) & 1),
        S2: u((bits >> 2) & 1),
        CLASS: u(cls),
        InputAddr: u(iova),
      });
    }
    if (translation) values["IPA"] = u(ipa);
    if (name.endsWith("_FETCH") || name === "F_WALK_EABT") values["FetchAddr"] = u(ipa + 8 * (bits & 0x1ff));
    const built = encodeEvent(name, values);
    if (built.problems.length) throw new Error(`${name}: ${built.problems.join("; ")}`);
    const d = decodeEvent(built.words);
    const f = Object.fromEntries(d.fields.map((x) => [x.field, x.value]));
    // Linux prints ssid only when DW0.SSV is set (C_BAD_SUBSTREAMID has no SSV: it prints 0).
    const linuxSsid = values["SSV"]?.lo ? ssid : 0;
    const pct = (n: number): string => (n === 0 ? "0" : "0x" + n.toString(16));
    const head = `event: ${name} client: 0000:${(sid >> 8).toString(16).padStart(2, "0")}:00.${sid & 7} sid: ${pct(sid)} ssid: ${pct(linuxSsid)}`;
    const decodedLines = translation
      ? [
          `${head} iova: ${pct(iova)} ipa: ${f["IPA"] === "0x0" ? "0" : f["IPA"]!}`,
          `${bits & 1 ? "priv" : "unpriv"} data ${(bits >> 1) & 1 ? "read" : "write"} ${(bits >> 2) & 1 ? "s2" : "s1"} "${CLASS_TEXT[cls]!}"${
            name === "F_PERMISSION" && cls === 1 ? " ttd_write" : ""
          } stag: 0`,
        ]
      : name.endsWith("_FETCH")
        ? [`${head} fetch_addr: ${f["FetchAddr"]!}`]
        : [head];
    out.push({ words: built.words, decodedLines });
  }
  return out;
}

const NOISE = [
  "nvme nvme0: I/O 23 QID 4 timeout, aborting",
  "e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None",
  "usb 1-1.2: new high-speed USB device number 4 using ehci-pci",
  "EXT4-fs (nvme0n1p2): mounted filesystem with ordered data mode. Opts: (null)",
  "vfio-pci 0000:7d:02.1: enabling device (0000 -> 0002)",
  'audit: type=1400 audit(1700000000.123:42): apparmor="STATUS" operation="profile_load"',
];

interface GenerateResult {
  bytes: number;
  records: number;
  forms: Record<string, number>;
}

async function generate(file: string, count: number): Promise<GenerateResult> {
  const all = samples();
  const next = rng(777);
  const stream = createWriteStream(file, { highWaterMark: 1 << 22 });
  let buf: string[] = [];
  let size = 0;
  let bytes = 0;
  let t = 1000;
  const forms: Record<string, number> = {};
  const flush = async (): Promise<void> => {
    const text = buf.join("");
    buf = [];
    size = 0;
    bytes += Buffer.byteLength(text);
    if (!stream.write(text)) await new Promise<void>((r) => stream.once("drain", () => r()));
  };
  const line = (s: string): void => {
    buf.push(s, "\n");
    size += s.length + 1;
  };
  const ts = (): string => {
    t += 0.000137;
    return `[${t.toFixed(6).padStart(12)}]`;
  };
  const dev = "arm-smmu-v3 arm-smmu-v3.0.auto:";
  for (let i = 0; i < count; i++) {
    const s = all[next() & 4095]!;
    const w = s.words;
    const dw = (k: number): string => hex64Padded({ lo: w[2 * k]!, hi: w[2 * k + 1]! });
    const id = "0x" + (w[0]! & 0xff).toString(16).padStart(2, "0");
    const pick = next() % 100;
    if (next() % 4 === 0) line(`${ts()} ${NOISE[next() % NOISE.length]!}`);
    let form: string;
    if (pick < 30) {
      form = "linux-raw";
      line(`${ts()} ${dev} event ${id} received:`);
      for (let k = 0; k < 4; k++) {
        if (k === 2 && next() % 8 === 0) line(`${ts()} ${NOISE[0]!}`);
        line(`${ts()} ${dev} \t${dw(k)}`);
      }
    } else if (pick < 35) {
      form = "linux-6.14-decoded";
      line(`${ts()} ${dev} event ${id} received:`);
      for (let k = 0; k < 4; k++) line(`${ts()} ${dev} \t${dw(k)}`);
      for (const d of s.decodedLines) line(`${ts()} ${dev} ${d}`);
    } else if (pick < 45) {
      form = "mail-quoted";
      const q = next() & 1 ? "> " : "> > ";
      line(`${q}${ts()} event ${id} received:`);
      for (let k = 0; k < 4; k++) line(`${q}${ts()} \t${dw(k)}`);
    } else if (pick < 95) {
      form = "bare";
      line([0, 1, 2, 3].map((k) => hexHalves(w[2 * k]!, w[2 * k + 1]!)).join(" "));
    } else {
      form = "cmdq-error";
      line(
        `${ts()} ${dev} CMDQ error (cons 0x01000${(next() & 0xfff).toString(16).padStart(3, "0")}): Illegal command`,
      );
      line(`${ts()} ${dev} skipping command in error state:`);
      line(`${ts()} ${dev} \t0x${(next() & 0xffff).toString(16).padStart(8, "0")}00000003`);
      line(`${ts()} ${dev} \t0x0000000000000001`);
    }
    forms[form] = (forms[form] ?? 0) + 1;
    if (size > 1 << 20) await flush();
  }
  await flush();
  await new Promise<void>((r, j) => stream.end((e?: Error | null) => (e ? j(e) : r())));
  return { bytes, records: count, forms };
}

// ---- measurements ---------------------------------------------------------------------------

interface DecodeFigures {
  seconds: number;
  records: number;
  names: Record<string, number>;
  problems: number;
  recordsWithProblems: number;
  /** Records whose content the decoder flags (Reserved values, undefined bits set, header id). */
  decodeProblems: number;
  /** Fields decoded to numbers (numeric mode). */
  fieldsDecoded: number;
  /** Sum of every decoded field half (numeric mode), so the work cannot be optimised away. */
  checksum: number;
  maxRssMiB: number;
  lines: number;
}

/**
 * What a decode child does with each record:
 * - `scan-only`: find it (dwords, ranges, header, kernel lines), decode nothing;
 * - `numeric`: find it and decode every field of every record as numbers (decodeEventFields for
 *   events and dword lists, decodeCommand for the command of a CMDQ error), plus the header's
 *   event number against DW0[7:0]; no text;
 * - `decode`: find it and decode it as the CLI does before printing (decodeLogRecord: fields with
 *   hex text, meanings, docs, summary, every cross-check).
 */
type DecodeMode = "scan-only" | "numeric" | "decode";

/**
 * How the child reads the file: `bytes` hands the Buffers to the byte scanner (what the CLI does),
 * `text` decodes them to strings for the text scanner first (the CLI before the byte scanner).
 */
type DecodeInput = "bytes" | "text";

/** Reads a file as `iommu-lens decode` does: positionless 1 MiB reads into one reused buffer. */
async function readBlocks(file: string, push: (block: Uint8Array) => void): Promise<void> {
  const handle = await open(file, "r");
  try {
    const block = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, block.length, null);
      if (bytesRead === 0) return;
      push(block.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}

/** The child's job: stream the file in 1 MiB chunks as the CLI does, report figures as JSON. */
async function decodeFile(file: string, mode: DecodeMode, input: DecodeInput): Promise<DecodeFigures> {
  const names: Record<string, number> = {};
  let records = 0;
  let recordsWithProblems = 0;
  let problems = 0;
  let decodeProblems = 0;
  let fieldsDecoded = 0;
  let checksum = 0;
  const values = new EventFieldValues();
  const started = process.hrtime.bigint();
  const options: LogScannerOptions = {
    file,
    decode: mode === "decode",
    onRecord: (r) => {
      records++;
      if (r.problems.length) recordsWithProblems++;
      if (mode === "decode") {
        names[r.name] = (names[r.name] ?? 0) + 1;
        if (r.decodeProblems.length) decodeProblems++;
      } else if (mode === "numeric") {
        if (r.kind === "event" || r.kind === "dwords") {
          decodeEventFields(r.words, values);
          if (values.hasProblems) decodeProblems++;
          if (r.headerId !== undefined && r.headerId !== values.id) decodeProblems++;
          fieldsDecoded += values.count;
          for (let i = 0; i < 2 * values.count; i++) checksum = (checksum + values.halves[i]!) | 0;
          const name = values.known ? eventTypeById(values.id)!.name : "?";
          names[name] = (names[name] ?? 0) + 1;
        } else if (r.kind === "cmdq-error" && r.expectedDwords === 2 && r.complete) {
          const c = decodeCommand(r.words);
          fieldsDecoded += c.fields.length;
          names[c.name] = (names[c.name] ?? 0) + 1;
        }
      }
    },
    onProblem: () => problems++,
  };
  let scanner: LogScanner | ByteLogScanner;
  if (input === "bytes") {
    const byteScanner = new ByteLogScanner(options);
    scanner = byteScanner;
    await readBlocks(file, (block) => byteScanner.push(block));
  } else {
    const textScanner = new LogScanner(options);
    scanner = textScanner;
    const decoder = new StringDecoder("utf8");
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      textScanner.push(decoder.write(chunk));
    }
    textScanner.push(decoder.end());
  }
  scanner.end();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    seconds,
    records,
    names,
    problems,
    recordsWithProblems,
    decodeProblems,
    fieldsDecoded,
    checksum,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    lines: scanner.lineCount,
  };
}

/**
 * The real CLI, `iommu-lens decode --json FILE > /dev/null` (compiled out/cli/src/main.js): scan,
 * full decode, contract JSON for every record. Peak RSS from a preload hook in the child.
 */
function timeCliJson(file: string, dir: string): { seconds: number; maxRssMiB: number; exit: number | null } {
  const cli = join(__dirname, "..", "cli", "src", "main.js");
  const hook = join(dir, "rss-hook.cjs");
  writeFileSync(
    hook,
    'process.on("exit", () => process.stderr.write("maxrss " + process.resourceUsage().maxRSS / 1024 + "\\n"));\n',
  );
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", hook, cli, "decode", "--json", file], {
    stdio: ["ignore", openSync("/dev/null", "w"), "pipe"],
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = /maxrss ([\d.]+)/.exec(r.stderr ?? "");
  if (!rss) throw new Error(`cli decode --json failed: ${r.stderr}`);
  return { seconds, maxRssMiB: Number(rss[1]), exit: r.status };
}

// ---- floors: the least any JavaScript decoder of this log must do ---------------------------

/**
 * Lower bounds for a JavaScript decoder of this log, measured on the same file in the same run:
 * - `read`: the file read as the CLI reads it, nothing else;
 * - `lines`: read, and every line found with the native indexOf (any line-based scan does this);
 * - `records`: read, lines, and the least a decoder of this log's record shapes must do: find the
 *   headers, parse and validate every hex digit of every dword, and give each record its own
 *   Uint32Array of dwords. No timestamp or device-prefix check, no character ranges, no field
 *   decode, no problems, no cross-checks: strictly less than the scanner does, so its time bounds
 *   the scanner's from below (it must still find every record: the count is checked);
 * - `records-slab`: the same with no object per record: the dwords go into one reused slab (what
 *   a batch decoder that hands out no record objects could do).
 */
type FloorKind = "read" | "lines" | "records" | "records-slab";

interface FloorFigures {
  seconds: number;
  lines: number;
  records: number;
  checksum: number;
}

const FLOOR_HEX = Int8Array.from({ length: 256 }, (_, c) =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1,
);

/** The last record's dwords, kept so the allocation cannot be optimised away. */
let floorLastRecord: Uint32Array = new Uint32Array(8);

class FloorRecordLoop {
  constructor(private readonly slab: Uint32Array | undefined) {}
  lines = 0;
  records = 0;
  checksum = 0;
  private expected = 0;
  private have = 0;
  private words = new Uint32Array(8);

  /** One line b[s, e) without its line break. */
  line(b: Uint8Array, s: number, e: number): void {
    this.lines++;
    let p = s;
    while (p < e && (b[p] === 0x3e || (b[p] === 0x20 && p > s && b[p - 1] === 0x3e))) p++;
    if (b[p] === 0x5b) {
      while (p < e && b[p] !== 0x5d) p++;
      p += 2;
    }
    if (b[p] === 0x30 && b[p + 1] === 0x78) {
      this.bareList(b, p, e);
      return;
    }
    // A device prefix (`driver device: `) or none.
    if (b[p] !== 0x09 && b[p] !== 0x65) {
      while (p < e && b[p] !== 0x20) p++;
      p++;
      while (p < e && b[p] !== 0x20) p++;
      p++;
    }
    if (b[p] === 0x09 && b[p + 1] === 0x30 && b[p + 2] === 0x78 && this.have < this.expected) {
      if (e - (p + 3) < 16) return;
      let hi = 0;
      let lo = 0;
      for (let k = p + 3; k < p + 11; k++) {
        const d = FLOOR_HEX[b[k]!]!;
        if (d < 0) return;
        hi = (hi << 4) | d;
      }
      for (let k = p + 11; k < p + 19; k++) {
        const d = FLOOR_HEX[b[k]!]!;
        if (d < 0) return;
        lo = (lo << 4) | d;
      }
      this.words[2 * this.have] = lo >>> 0;
      this.words[2 * this.have + 1] = hi >>> 0;
      if (++this.have === this.expected) this.emit(this.words);
    } else if (b[p] === 0x65 && b[p + 5] === 0x20 && b[p + 6] === 0x30 && b[p + 7] === 0x78) {
      this.expected = 4; // `event 0xNN received:`
      this.have = 0;
      if (this.slab === undefined) this.words = new Uint32Array(8);
    } else if (b[p] === 0x73 && b[p + 1] === 0x6b && b[p + 8] === 0x20) {
      this.expected = 2; // `skipping command in error state:`
      this.have = 0;
      if (this.slab === undefined) this.words = new Uint32Array(8);
    }
  }

  private bareList(b: Uint8Array, p: number, e: number): void {
    const words = this.slab === undefined ? new Uint32Array(8) : this.words;
    let n = 0;
    while (n < 4 && p < e && b[p] === 0x30 && b[p + 1] === 0x78) {
      let lo = 0;
      let hi = 0;
      let k = p + 2;
      for (; k < e; k++) {
        const d = FLOOR_HEX[b[k]!]!;
        if (d < 0) break;
        hi = ((hi << 4) | (lo >>> 28)) >>> 0;
        lo = ((lo << 4) | d) >>> 0;
      }
      if (k === p + 2) return;
      words[2 * n] = lo;
      words[2 * n + 1] = hi;
      n++;
      p = k + 1;
    }
    if (n === 4) this.emit(words);
  }

  private emit(words: Uint32Array): void {
    this.checksum = (this.checksum + words[0]! + words[7]!) | 0;
    if (this.slab === undefined) floorLastRecord = words;
    else this.slab.set(words, (this.records & 0xffff) * 8);
    this.records++;
  }
}

async function floorFile(file: string, kind: FloorKind): Promise<FloorFigures> {
  const started = process.hrtime.bigint();
  const loop = new FloorRecordLoop(kind === "records-slab" ? new Uint32Array(8 << 16) : undefined);
  let lines = 0;
  let carry = new Uint8Array(0);
  const decode = kind.startsWith("records");
  await readBlocks(file, (buffer) => {
    if (kind === "read") return;
    // A plain Uint8Array view: element access then sees one array type (not Buffer and Uint8Array).
    const block = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    let pos = 0;
    if (carry.length !== 0) {
      const nl = block.indexOf(10);
      const joined = new Uint8Array(carry.length + (nl < 0 ? block.length : nl));
      joined.set(carry);
      joined.set(block.subarray(0, nl < 0 ? block.length : nl), carry.length);
      carry = joined;
      if (nl < 0) return;
      lines++;
      if (decode) loop.line(carry, 0, carry.length);
      carry = new Uint8Array(0);
      pos = nl + 1;
    }
    for (;;) {
      const nl = buffer.indexOf(10, pos); // Buffer#indexOf: memchr, faster than TypedArray#indexOf
      if (nl < 0) break;
      lines++;
      if (decode) loop.line(block, pos, nl);
      pos = nl + 1;
    }
    carry = block.slice(pos); // a copy (Uint8Array#slice; Buffer#slice would be a view into the reused block)
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, lines, records: loop.records, checksum: loop.checksum + (floorLastRecord[0]! & 0) };
}

/** Baseline: count lines in JavaScript (stream + UTF-8 decode + indexOf per line). */
async function countLines(file: string): Promise<{ seconds: number; lines: number }> {
  const started = process.hrtime.bigint();
  const decoder = new StringDecoder("utf8");
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const s = decoder.write(chunk);
    for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) lines++;
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, lines };
}

function timeGrep(file: string): { seconds: number; count: number } {
  const started = process.hrtime.bigint();
  const r = spawnSync("grep", ["-c", "event 0x", file], { encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`grep failed: ${r.stderr}`);
  return { seconds, count: Number(r.stdout.trim()) };
}

interface HotPathFigures {
  n: number;
  /** Parse the four dword texts and extract + format the 13 translation-layout fields: halves. */
  halvesNs: number;
  /** The same with BigInt (parse, shift, mask, toString(16)). */
  bigintNs: number;
  /** The table-driven decodeEvent (fields with bits, meanings, docs, problems, summary). */
  decodeEventNs: number;
  /** decodeEventFields (every field as numbers, no text) after the same parse. */
  decodeEventFieldsNs: number;
  /** Field values only (numbers, no text), from already-parsed dwords: halves vs BigInt. */
  valuesHalvesNs: number;
  valuesBigintNs: number;
}

/**
 * The no-BigInt hot path against BigInt, doing the same work: parse a record's four dword texts
 * and produce the contract hex of the 13 fields of the translation layout (F_PERMISSION's table).
 * Then the full decodeEvent per record, for scale.
 */
function hotPathComparison(): HotPathFigures {
  const all = samples();
  const n = 1_000_000;
  const texts = all.map((s) => [0, 1, 2, 3].map((k) => hex64Padded({ lo: s.words[2 * k]!, hi: s.words[2 * k + 1]! })));
  const layout = eventTypeByName("F_PERMISSION")!.struct.fields;
  let sink = 0;
  const words = new Uint32Array(8);
  const parse = (dws: string[]): void => {
    for (let k = 0; k < 4; k++) {
      const h = dws[k]!;
      words[2 * k] = parseInt(h.slice(10), 16);
      words[2 * k + 1] = parseInt(h.slice(2, 10), 16);
    }
  };
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    parse(texts[i & 4095]!);
    for (const f of layout) {
      const v = getValue(words, f);
      sink += hexHalves(v.lo, v.hi).length;
    }
  }
  const halvesNs = Number(process.hrtime.bigint() - t0) / n;
  const big = layout.map((f) => ({
    dword: BigInt(Math.floor(f.lsb / 64)),
    shift: BigInt(f.lsb % 64),
    mask: (1n << BigInt(f.width)) - 1n,
    out: BigInt(f.shift),
  }));
  t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const dws = texts[i & 4095]!;
    const d = [BigInt(dws[0]!), BigInt(dws[1]!), BigInt(dws[2]!), BigInt(dws[3]!)];
    for (const f of big) {
      const v = ((d[Number(f.dword)]! >> f.shift) & f.mask) << f.out;
      sink += ("0x" + v.toString(16)).length;
    }
  }
  const bigintNs = Number(process.hrtime.bigint() - t0) / n;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    parse(texts[i & 4095]!);
    sink += decodeEvent(words).fields.length;
  }
  const decodeEventNs = Number(process.hrtime.bigint() - t0) / n;
  // The numeric decode of every field (what the numeric log decode runs per record).
  const values = new EventFieldValues();
  t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    parse(texts[i & 4095]!);
    sink += decodeEventFields(words, values).halves[1]!;
  }
  const decodeEventFieldsNs = Number(process.hrtime.bigint() - t0) / n;
  // Values only, from dwords already in memory (what a walker or a filter needs).
  const packed = all.map((x) => x.words);
  const bigWords = all.map((x) =>
    [0, 1, 2, 3].map((k) => (BigInt(x.words[2 * k + 1]!) << 32n) | BigInt(x.words[2 * k]!)),
  );
  let acc = 0;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const w = packed[i & 4095]!;
    for (const f of layout) acc += readBitsNumber(w, f.lsb, f.width > 53 ? 53 : f.width);
  }
  const valuesHalvesNs = Number(process.hrtime.bigint() - t0) / n;
  let bigAcc = 0n;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const d = bigWords[i & 4095]!;
    for (const f of big) bigAcc += (d[Number(f.dword)]! >> f.shift) & f.mask;
  }
  const valuesBigintNs = Number(process.hrtime.bigint() - t0) / n;
  if (sink === 42 || acc === 42 || bigAcc === 42n) console.log("");
  return { n, halvesNs, bigintNs, decodeEventNs, decodeEventFieldsNs, valuesHalvesNs, valuesBigintNs };
}

/** BigInt use in the compiled decode path (scanner and record decoders): shown, expected none. */
function bigIntInDecodePath(): string[] {
  const root = join(__dirname, "..", "engine", "src");
  const found: string[] = [];
  for (const dir of ["logscan", join("smmuv3", "records"), "bits"]) {
    for (const f of readdirSync(join(root, dir)).filter((x) => x.endsWith(".js"))) {
      // Code only: comments say "no BigInt" and must not count.
      const code = readFileSync(join(root, dir, f), "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      if (/\bBigInt\b|\b\d+n\b/.test(code)) found.push(join(dir, f));
    }
  }
  return found;
}

async function mainBench(): Promise<void> {
  if (process.argv[2] === "--decode-child") {
    process.stdout.write(
      JSON.stringify(
        await decodeFile(process.argv[3]!, process.argv[4] as DecodeMode, (process.argv[5] ?? "bytes") as DecodeInput),
      ) + "\n",
    );
    return;
  }
  if (process.argv[2] === "--floor-child") {
    process.stdout.write(JSON.stringify(await floorFile(process.argv[3]!, process.argv[4] as FloorKind)) + "\n");
    return;
  }
  if (process.argv[2] === "--hot-path") {
    console.log(JSON.stringify({ ...hotPathComparison(), bigint: bigIntInDecodePath() }));
    return;
  }
  if (process.argv[2] === "--generate") {
    // For profiling: `--generate FILE COUNT` writes the log and keeps it.
    console.log(JSON.stringify(await generate(process.argv[3]!, Number(process.argv[4] ?? 50000))));
    return;
  }
  const count = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), "iommu-lens-bench-"));
  const file = join(dir, "kernel.log");
  try {
    const t = Date.now();
    const gen = await generate(file, count);
    const mb = statSync(file).size / 1e6;
    console.log(
      `generated ${mb.toFixed(1)} MB, ${gen.records} records ${JSON.stringify(gen.forms)} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
    timeGrep(file); // warm the page cache
    const grep = timeGrep(file);
    console.log(
      `grep -c 'event 0x': ${grep.count} lines in ${grep.seconds.toFixed(3)} s = ${(mb / grep.seconds).toFixed(0)} MB/s`,
    );
    const lines = await countLines(file);
    console.log(
      `JS line count: ${lines.lines} lines in ${lines.seconds.toFixed(3)} s = ${(mb / lines.seconds).toFixed(0)} MB/s`,
    );
    const child = (mode: DecodeMode, input: DecodeInput = "bytes"): DecodeFigures => {
      const r = spawnSync(process.execPath, [__filename, "--decode-child", file, mode, input], {
        encoding: "utf8",
        maxBuffer: 1 << 24,
      });
      if (r.status !== 0) throw new Error(`decode child failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as DecodeFigures;
    };
    const ratio = (seconds: number): string => `${(grep.seconds / seconds).toFixed(3)}x grep`;
    for (const kind of ["read", "lines", "records", "records-slab"] as const) {
      const r = spawnSync(process.execPath, [__filename, "--floor-child", file, kind], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`floor child failed: ${r.stderr}`);
      const f = JSON.parse(r.stdout) as FloorFigures;
      console.log(
        `floor, ${kind}: ${f.seconds.toFixed(3)} s = ${(mb / f.seconds).toFixed(0)} MB/s, ${ratio(f.seconds)}` +
          (kind === "read" ? "" : `; ${f.lines} lines`) +
          (kind.startsWith("records") ? `; ${f.records} records (must be ${count}); checksum ${f.checksum}` : ""),
      );
    }
    // The text scanner on the same file (strings decoded from the Buffers first, as before the
    // byte scanner): the in-run "before" figure.
    for (const mode of ["scan-only", "numeric"] as const) {
      const t = child(mode, "text");
      console.log(
        `text scanner, ${mode}: ${t.records} records in ${t.seconds.toFixed(3)} s = ${(mb / t.seconds).toFixed(0)} MB/s, ` +
          `${ratio(t.seconds)}; peak RSS ${t.maxRssMiB.toFixed(0)} MiB; checksum ${t.checksum}`,
      );
    }
    const scan = child("scan-only");
    console.log(
      `byte scanner, scan only (records found with dwords and ranges, not decoded): ${scan.records} records in ${scan.seconds.toFixed(3)} s = ` +
        `${(mb / scan.seconds).toFixed(0)} MB/s, ${ratio(scan.seconds)}; peak RSS ${scan.maxRssMiB.toFixed(0)} MiB`,
    );
    const n = child("numeric");
    console.log(
      `byte scanner, scan + numeric decode of every field (decodeEventFields / decodeCommand): ${n.records} records, ${n.fieldsDecoded} fields in ` +
        `${n.seconds.toFixed(3)} s = ${(mb / n.seconds).toFixed(0)} MB/s, ${ratio(n.seconds)}; peak RSS ${n.maxRssMiB.toFixed(0)} MiB; ` +
        `decode problems ${n.decodeProblems}; checksum ${n.checksum}`,
    );
    console.log(`  by name: ${JSON.stringify(n.names)}`);
    const d = child("decode");
    console.log(
      `scan + full text decode (decodeLogRecord, as the CLI prints): ${d.records} records in ${d.seconds.toFixed(3)} s = ` +
        `${(mb / d.seconds).toFixed(0)} MB/s, ${ratio(d.seconds)}, ${(d.records / d.seconds / 1e6).toFixed(2)} M records/s; ` +
        `peak RSS ${d.maxRssMiB.toFixed(0)} MiB; decode problems ${d.decodeProblems}`,
    );
    console.log(
      `  by name: ${JSON.stringify(d.names)}; records with text problems ${d.recordsWithProblems}; standalone problems ${d.problems}`,
    );
    const j = timeCliJson(file, dir);
    console.log(
      `iommu-lens decode --json > /dev/null (whole CLI: start-up, scan, decode, JSON): ${j.seconds.toFixed(3)} s = ` +
        `${(mb / j.seconds).toFixed(0)} MB/s, ${ratio(j.seconds)}; peak RSS ${j.maxRssMiB.toFixed(0)} MiB; exit ${j.exit}`,
    );
    const b = hotPathComparison();
    console.log(
      `hot path, ${b.n} records (parse 4 dwords, 13 fields to contract hex): 32-bit halves ${b.halvesNs.toFixed(0)} ns/record, ` +
        `BigInt ${b.bigintNs.toFixed(0)} ns/record (BigInt ${(b.bigintNs / b.halvesNs).toFixed(2)}x the time); ` +
        `full decodeEvent ${b.decodeEventNs.toFixed(0)} ns/record, decodeEventFields ${b.decodeEventFieldsNs.toFixed(0)} ns/record ` +
        `(both after the same parse)`,
    );
    console.log(
      `field values only (13 per record, dwords in memory): 32-bit halves ${b.valuesHalvesNs.toFixed(0)} ns/record, ` +
        `BigInt ${b.valuesBigintNs.toFixed(0)} ns/record (BigInt ${(b.valuesBigintNs / b.valuesHalvesNs).toFixed(1)}x the time)`,
    );
    const bigints = bigIntInDecodePath();
    console.log(
      `BigInt in the compiled decode path (logscan, records, bits): ${bigints.length ? bigints.join(", ") : "none"}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

mainBench().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exitCode = 1;
});
