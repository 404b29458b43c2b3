// Dump import benchmark (docs/PERFORMANCE.md, "Dump import (L2)"): imports a generated ~64 MB text
// dump in each major format (QEMU `xp /gx`, QEMU `xp /wx`, crash `rd -64`, xxd, `hexdump -C`, a
// plain qword list) and a 64 MB raw binary file, and reports MB/s against in-run baselines on the
// same text: a plain `text.split("\n")` (the floor of any line-based reader in Node) and a
// per-line regular expression that only finds the address (what a naive importer does first).
// Memory: heap growth while the result is alive, per imported word.
//   npm run build && node --expose-gc out/bench/dump-import.js [MB]

import { importBinary, importDump, renderDump, type DumpTextFormat, type RenderDumpOptions } from "../engine/src/index";

const targetMB = Number(process.argv[2] ?? 64);
const BASE = 0x8_0000_0000;

interface Case {
  readonly name: string;
  readonly format: DumpTextFormat;
  readonly render: RenderDumpOptions;
  /** Text bytes per 16 bytes of memory (to size the memory for ~targetMB of text). */
  readonly bytesPerLine: number;
}

const CASES: readonly Case[] = [
  { name: "qemu xp /gx", format: "qemu", render: { unit: 8 }, bytesPerLine: 56 },
  { name: "qemu xp /wx", format: "qemu", render: { unit: 4 }, bytesPerLine: 62 },
  { name: "crash rd -64", format: "crash", render: { unit: 8 }, bytesPerLine: 72 },
  { name: "xxd", format: "xxd", render: { base: BASE }, bytesPerLine: 68 },
  { name: "hexdump -C", format: "hexdump-c", render: { base: BASE }, bytesPerLine: 78 },
  { name: "plain list", format: "plain", render: {}, bytesPerLine: 39 },
];

/** Deterministic pseudo-random words (xorshift), so runs compare. */
function* words(count: number): Generator<{ addr: number; lo: number; hi: number }> {
  let x = 0x9e3779b9;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (let i = 0; i < count; i++) {
    // page-table-like: mostly small descriptors, some zeros
    const r = next();
    yield r % 5 === 0
      ? { addr: BASE + 8 * i, lo: 0, hi: 0 }
      : { addr: BASE + 8 * i, lo: ((r & ~0xfff) | 0x703) >>> 0, hi: next() & 0xfff };
  }
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function time<T>(f: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = f();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

/** Best of `n` runs (the machine is shared). */
function best<T>(n: number, f: () => T): { ms: number; value: T } {
  let result = time(f);
  for (let i = 1; i < n; i++) {
    const r = time(f);
    if (r.ms < result.ms) result = r;
  }
  return result;
}

const ADDRESS = /^\s*(?:0x)?([0-9a-f]+)/;

function main(): void {
  const rows: string[] = [];
  rows.push(
    "| Input | Text MB | Words | import ms | MB/s | split ms | import / split | regex ms | import / regex | heap B/word |",
  );
  rows.push("|---|---|---|---|---|---|---|---|---|---|");
  for (const c of CASES) {
    const lines = Math.floor((targetMB * 1024 * 1024) / c.bytesPerLine);
    const text = renderDump(words(lines * 2), c.format, c.render);
    const mb = text.length / (1024 * 1024);
    gc();
    const split = best(3, () => text.split("\n").length);
    const regex = best(2, () => {
      let n = 0;
      for (const line of text.split("\n")) if (ADDRESS.exec(line)) n++;
      return n;
    });
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const imported = time(() => importDump(text, { file: "bench.txt", format: c.format, base: BASE }));
    const heap1 = process.memoryUsage().heapUsed;
    const r = imported.value;
    if (r.words.length !== lines * 2 || r.problems.some((p) => p.severity !== "information"))
      throw new Error(`${c.name}: ${r.words.length} words, problems ${JSON.stringify(r.problems.slice(0, 3))}`);
    const again = best(2, () => importDump(text, { file: "bench.txt", format: c.format, base: BASE }).words.length);
    const ms = Math.min(imported.ms, again.ms);
    rows.push(
      `| ${c.name} | ${mb.toFixed(1)} | ${r.words.length} | ${ms.toFixed(0)} | ${(mb / (ms / 1000)).toFixed(0)} | ${split.ms.toFixed(0)} | ${(ms / split.ms).toFixed(2)} | ${regex.ms.toFixed(0)} | ${(ms / regex.ms).toFixed(2)} | ${((heap1 - heap0) / r.words.length).toFixed(0)} |`,
    );
    console.error(rows[rows.length - 1]);
  }
  // auto-detection adds a sample parse in every format: measure it on the xxd text
  {
    const c = CASES[3]!;
    const text = renderDump(words(Math.floor((targetMB * 1024 * 1024) / c.bytesPerLine) * 2), c.format, c.render);
    const given = best(2, () => importDump(text, { file: "b", format: "xxd", base: BASE }).words.length);
    const detected = best(2, () => importDump(text, { file: "b", base: BASE }).words.length);
    rows.push("");
    rows.push(
      `Auto-detection on the xxd text: ${detected.ms.toFixed(0)} ms against ${given.ms.toFixed(0)} ms with the format given (${(detected.ms / given.ms).toFixed(2)}x).`,
    );
  }
  {
    const bytes = new Uint8Array(targetMB * 1024 * 1024);
    let x = 1;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      bytes[i] = x >>> 24;
    }
    gc();
    const copy = best(3, () => bytes.slice().length);
    const heap0 = process.memoryUsage().heapUsed;
    const r = time(() => importBinary(bytes, BASE, "bench.bin"));
    const heap1 = process.memoryUsage().heapUsed;
    rows.push(
      `Raw binary, ${targetMB} MB: importBinary ${r.ms.toFixed(0)} ms (${(targetMB / (r.ms / 1000)).toFixed(0)} MB/s, ${r.value.words.length} words, ${((heap1 - heap0) / r.value.words.length).toFixed(0)} B/word) against ${copy.ms.toFixed(0)} ms for a plain copy of the bytes (${(r.ms / copy.ms).toFixed(1)}x).`,
    );
  }
  console.log(rows.join("\n"));
}

main();
