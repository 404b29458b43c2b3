// Renders qwords in the text layouts `importDump` reads (dump-formats.md), so the CLI can export a
// memory image for other tools and tests and benches can round-trip. Each run of consecutive
// words is printed as the tool would print that memory; `*` elision happens only inside a run,
// and the last line of every run is printed, so no elision ever spans a gap.

import type { DumpTextFormat } from "./types";

export interface RenderDumpOptions {
  /** Unit size in bytes for formats with a choice (qemu/gdb: 1, 2, 4, 8; crash: 1, 2, 4, 8). Default 8. */
  readonly unit?: 1 | 2 | 4 | 8;
  /** Offset 0 of file-offset formats (xxd, hexdump, od); words below it are not rendered. Default 0. */
  readonly base?: number;
  /** xxd layout: default 2-byte memory-order groups, `e` (4-byte LE) or `g8e` (8-byte LE). */
  readonly xxd?: "default" | "e" | "g8e";
  /** Elide repeated lines with `*` (xxd `-a`: zero lines; hexdump/od: repeats). Default true for hexdump/od. */
  readonly elide?: boolean;
}

interface Word {
  readonly addr: number;
  readonly lo: number;
  readonly hi: number;
}

/** Renders `words` (8-byte aligned; any order; duplicates keep the first) as `format` text. */
export function renderDump(words: Iterable<Word>, format: DumpTextFormat, options: RenderDumpOptions = {}): string {
  const sorted = [...words].filter((w) => w.addr % 8 === 0).sort((a, b) => a.addr - b.addr);
  const runs: Word[][] = [];
  for (const w of sorted) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run && last && last.addr === w.addr) continue;
    if (run && last && last.addr + 8 === w.addr) run.push(w);
    else runs.push([w]);
  }
  const out: string[] = [];
  const base = options.base ?? 0;
  let end = 0;
  for (const run of runs) {
    const bytes = runBytes(run);
    const start = run[0]!.addr;
    switch (format) {
      case "qemu":
        renderQemu(out, start, bytes, options.unit ?? 8);
        break;
      case "gdb":
        renderGdb(out, start, bytes, options.unit ?? 8);
        break;
      case "crash":
        renderCrash(out, start, bytes, options.unit ?? 8);
        break;
      case "plain":
        renderPlain(out, run);
        break;
      case "devmem":
        for (const w of run)
          out.push(
            `# devmem 0x${w.addr.toString(16)} 64`,
            "0x" + (hex(w.hi >>> 0, 8) + hex(w.lo >>> 0, 8)).toUpperCase(),
          );
        break;
      case "xxd":
        if (start >= base) renderXxd(out, start - base, bytes, options.xxd ?? "default", options.elide ?? false);
        break;
      case "hexdump-c":
      case "hexdump":
      case "od":
        if (start >= base) renderHexdump(out, format, start - base, bytes, options.elide ?? true);
        break;
    }
    end = start + bytes.length - base;
  }
  if ((format === "hexdump-c" || format === "hexdump" || format === "od") && runs.length > 0)
    out.push(offsetText(format, end));
  return out.length ? out.join("\n") + "\n" : "";
}

function runBytes(run: readonly Word[]): Uint8Array {
  const bytes = new Uint8Array(run.length * 8);
  run.forEach((w, i) => {
    for (let k = 0; k < 4; k++) {
      bytes[8 * i + k] = (w.lo >>> (8 * k)) & 0xff;
      bytes[8 * i + 4 + k] = (w.hi >>> (8 * k)) & 0xff;
    }
  });
  return bytes;
}

function hex(n: number, digits: number): string {
  return n.toString(16).padStart(digits, "0");
}

/** The LE number of `size` bytes at `at`, as zero-padded hex. */
function unitHex(bytes: Uint8Array, at: number, size: number): string {
  let s = "";
  for (let k = size - 1; k >= 0; k--) s += hex(bytes[at + k]!, 2);
  return s;
}

function memHex(bytes: Uint8Array, at: number, size: number): string {
  let s = "";
  for (let k = 0; k < size; k++) s += hex(bytes[at + k]!, 2);
  return s;
}

function ascii(bytes: Uint8Array, at: number, n: number): string {
  let s = "";
  for (let k = 0; k < n; k++) {
    const b = bytes[at + k]!;
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
  }
  return s;
}

function renderQemu(out: string[], start: number, bytes: Uint8Array, unit: number): void {
  const perLine = unit === 1 ? 8 : 16;
  for (let at = 0; at < bytes.length; at += perLine) {
    let line = hex(start + at, 16) + ":";
    for (let k = at; k < Math.min(at + perLine, bytes.length); k += unit) line += " 0x" + unitHex(bytes, k, unit);
    out.push(line);
  }
}

function renderGdb(out: string[], start: number, bytes: Uint8Array, unit: number): void {
  const perLine = unit === 1 ? 8 : unit === 2 ? 16 : 16;
  for (let at = 0; at < bytes.length; at += perLine) {
    let line = "0x" + (start + at).toString(16) + ":";
    for (let k = at; k < Math.min(at + perLine, bytes.length); k += unit) line += "\t0x" + unitHex(bytes, k, unit);
    out.push(line);
  }
}

function renderCrash(out: string[], start: number, bytes: Uint8Array, unit: number): void {
  for (let at = 0; at < bytes.length; at += 16) {
    const n = Math.min(16, bytes.length - at);
    let line = (start + at).toString(16).padStart(16, " ") + ":  ";
    let values = "";
    for (let k = at; k < at + n; k += unit) values += unitHex(bytes, k, unit) + " ";
    const full = (16 / unit) * (unit * 2 + 1);
    line += values.padEnd(full, " ") + "  " + ascii(bytes, at, n);
    out.push(line);
  }
}

function renderPlain(out: string[], run: readonly Word[]): void {
  for (let i = 0; i < run.length; i += 4) {
    const values = run
      .slice(i, i + 4)
      .map((w) => "0x" + hex(w.hi >>> 0, 8) + hex(w.lo >>> 0, 8))
      .join(" ");
    out.push(i === 0 ? "0x" + run[0]!.addr.toString(16) + ": " + values : values);
  }
}

function isZero(bytes: Uint8Array, at: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (bytes[at + k] !== 0) return false;
  return true;
}

function sameLine(bytes: Uint8Array, a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}

function renderXxd(
  out: string[],
  offset: number,
  bytes: Uint8Array,
  variant: "default" | "e" | "g8e",
  elide: boolean,
): void {
  const group = variant === "default" ? 2 : variant === "e" ? 4 : 8;
  const groupsWidth = (16 / group) * (group * 2 + 1) - 1;
  // xxd -a: a zero line after a zero line is elidable (the last line never is); a lone
  // elidable line is printed in full, two or more become one `*` (checked against xxd 2022-01-14)
  const lines = Math.ceil(bytes.length / 16);
  const elidable = (l: number): boolean =>
    elide && l > 0 && l < lines - 1 && isZero(bytes, 16 * l, 16) && isZero(bytes, 16 * (l - 1), 16);
  let starred = false;
  for (let at = 0; at < bytes.length; at += 16) {
    const n = Math.min(16, bytes.length - at);
    const l = at / 16;
    if (elidable(l) && (starred || elidable(l + 1))) {
      if (!starred) out.push("*");
      starred = true;
      continue;
    }
    starred = false;
    const groups: string[] = [];
    for (let k = at; k < at + n; k += group)
      groups.push(variant === "default" ? memHex(bytes, k, group) : unitHex(bytes, k, group));
    out.push(hex(offset + at, 8) + ": " + groups.join(" ").padEnd(groupsWidth, " ") + "  " + ascii(bytes, at, n));
  }
}

function offsetText(format: DumpTextFormat, offset: number): string {
  return hex(offset, format === "hexdump-c" ? 8 : format === "hexdump" ? 7 : 6);
}

function renderHexdump(
  out: string[],
  format: "hexdump-c" | "hexdump" | "od",
  offset: number,
  bytes: Uint8Array,
  elide: boolean,
): void {
  let starred = false;
  for (let at = 0; at < bytes.length; at += 16) {
    const n = Math.min(16, bytes.length - at);
    const last = at + 16 >= bytes.length;
    if (elide && !last && at > 0 && sameLine(bytes, at, at - 16, 16)) {
      if (!starred) out.push("*");
      starred = true;
      continue;
    }
    starred = false;
    let line = offsetText(format, offset + at);
    if (format === "hexdump-c") {
      let data = "";
      for (let k = 0; k < n; k++) data += hex(bytes[at + k]!, 2) + " " + (k === 7 ? " " : "");
      line += "  " + data.padEnd(49, " ") + " |" + ascii(bytes, at, n) + "|";
    } else {
      const unit = format === "hexdump" ? 2 : 8;
      for (let k = at; k < at + n; k += unit) line += " " + unitHex(bytes, k, unit);
      // hexdump pads a short line to full width (od does not)
      if (format === "hexdump") line = line.padEnd(7 + 8 * 5, " ");
    }
    out.push(line);
  }
}
