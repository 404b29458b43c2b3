// Properties of the dump importer: a memory image rendered in every format imports back to the
// same words (explicit format and auto-detected), and random or truncated text never throws,
// never hangs and never invents words.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { importDump } from "../../src/dumps/import";
import { renderDump, type RenderDumpOptions } from "../../src/dumps/render";
import { DUMP_FORMATS, type DumpTextFormat } from "../../src/dumps/types";
import { MemoryImage } from "../../src/memory/image";
import { wordText } from "./helpers";

const BASE = 0x4000_0000;

/** Random words in a small window so that they form runs, biased to zeros so `*` appears. */
const imageArb = fc
  .uniqueArray(
    fc.record({
      slot: fc.integer({ min: 0, max: 160 }),
      lo: fc.oneof(fc.constant(0), fc.constant(0x11111111), fc.integer({ min: 0, max: 0xffff_ffff })),
      hi: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff_ffff })),
    }),
    { minLength: 1, maxLength: 60, selector: (w) => w.slot },
  )
  .map((ws) => {
    const image = new MemoryImage();
    for (const w of ws) image.define(BASE + 8 * w.slot, w.lo, w.hi);
    return image;
  });

interface Layout {
  readonly name: string;
  readonly format: DumpTextFormat;
  readonly render: RenderDumpOptions;
  /** A command line the tool's paste would start with (od's offsets need it to be hex). */
  readonly header?: string;
}

const LAYOUTS: readonly Layout[] = [
  { name: "qemu /gx", format: "qemu", render: { unit: 8 } },
  { name: "qemu /wx", format: "qemu", render: { unit: 4 } },
  { name: "qemu /hx", format: "qemu", render: { unit: 2 } },
  { name: "qemu /bx", format: "qemu", render: { unit: 1 } },
  { name: "gdb x/gx", format: "gdb", render: { unit: 8 } },
  { name: "gdb x/wx", format: "gdb", render: { unit: 4 } },
  { name: "gdb x/bx", format: "gdb", render: { unit: 1 } },
  { name: "crash rd -64", format: "crash", render: { unit: 8 } },
  { name: "crash rd -32", format: "crash", render: { unit: 4 } },
  { name: "crash rd -16", format: "crash", render: { unit: 2 } },
  { name: "crash rd -8", format: "crash", render: { unit: 1 } },
  { name: "xxd", format: "xxd", render: { base: BASE } },
  { name: "xxd -a", format: "xxd", render: { base: BASE, elide: true } },
  { name: "xxd -e", format: "xxd", render: { base: BASE, xxd: "e" } },
  { name: "xxd -g8 -e", format: "xxd", render: { base: BASE, xxd: "g8e" }, header: "$ xxd -g8 -e mem.bin" },
  { name: "hexdump -C", format: "hexdump-c", render: { base: BASE } },
  { name: "hexdump", format: "hexdump", render: { base: BASE } },
  { name: "od -A x -t x8", format: "od", render: { base: BASE }, header: "$ od -A x -t x8 mem.bin" },
  { name: "devmem 64", format: "devmem", render: {} },
  { name: "plain", format: "plain", render: {} },
];

function imageWords(image: MemoryImage): string[] {
  return [...image.words()].map(wordText);
}

function render(image: MemoryImage, layout: Layout): string {
  const text = renderDump(image.words(), layout.format, layout.render);
  return layout.header ? layout.header + "\n" + text : text;
}

const RUNS = { numRuns: 120, interruptAfterTimeLimit: 4000 };

test("every format covers a renderer layout", () => {
  assert.deepEqual([...new Set(LAYOUTS.map((l) => l.format))].sort(), [...DUMP_FORMATS].sort());
});

for (const layout of LAYOUTS) {
  test(`round trip: a memory image rendered as ${layout.name} imports back identically`, () => {
    fc.assert(
      fc.property(imageArb, (image) => {
        const text = render(image, layout);
        const r = importDump(text, { file: "rt", format: layout.format, base: BASE });
        assert.deepEqual(
          r.problems.filter((p) => p.severity !== "information"),
          [],
        );
        assert.deepEqual(r.words.map(wordText), imageWords(image));
      }),
      RUNS,
    );
  });
}

test("round trip with auto-detection: the detected format reads the same words", () => {
  const detectable = LAYOUTS.filter((l) => l.format !== "plain");
  assert.ok(detectable.some((l) => l.format === "devmem"));
  fc.assert(
    fc.property(
      imageArb.filter((image) => image.size >= 4),
      fc.constantFrom(...detectable),
      (image, layout) => {
        const text = render(image, layout);
        const r = importDump(text, { file: "rt", base: BASE });
        assert.deepEqual(r.words.map(wordText), imageWords(image), `${layout.name} read as ${r.format}`);
      },
    ),
    { numRuns: 200, interruptAfterTimeLimit: 6000 },
  );
});

const dumpChars = fc.constantFrom(..."0123456789abcdefxX:*|.>+<-_'[]; \t\n\n\n/#$()gw");

test("random text never throws and always answers with the result shape", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ unit: dumpChars, maxLength: 600 }), fc.string({ unit: "grapheme", maxLength: 200 })),
      fc.option(fc.constantFrom(...DUMP_FORMATS), { nil: undefined }),
      (text, format) => {
        const r = importDump(text, { file: "rand", base: 0x1000, ...(format ? { format } : {}) });
        assert.ok(DUMP_FORMATS.includes(r.format as never));
        assert.ok(r.problems.every((p) => p.code.startsWith("DUMP-") && p.code !== "DUMP-INTERNAL"));
        for (const w of r.words) assert.ok(w.addr % 8 === 0 && w.lo >>> 0 === w.lo && w.hi >>> 0 === w.hi);
      },
    ),
    { numRuns: 300, interruptAfterTimeLimit: 6000 },
  );
});

test("truncated dumps never throw and never invent words", () => {
  fc.assert(
    fc.property(
      imageArb,
      fc.constantFrom(...LAYOUTS),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (image, layout, cut) => {
        const text = render(image, layout);
        const truncated = text.slice(0, Math.floor(text.length * cut));
        const r = importDump(truncated, { file: "cut", format: layout.format, base: BASE });
        assert.ok(r.problems.every((p) => p.code !== "DUMP-INTERNAL"));
        const original = new Set(imageWords(image));
        const addresses = new Set([...image.words()].map((w) => w.addr));
        for (const w of r.words) {
          // A plain list cut inside its last value reads a shorter value, and one cut inside its
          // first address (`0x40` of `0x40000030: ...`) is a list of one value at the base: the
          // text cannot tell either apart from a dump that says so.
          if (layout.format === "plain") {
            assert.ok(addresses.has(w.addr) || (!truncated.includes(":") && w.addr === BASE), `plain read ${w.addr}`);
          } else assert.ok(original.has(wordText(w)), `${layout.name} invented ${wordText(w)}`);
        }
      },
    ),
    { numRuns: 300, interruptAfterTimeLimit: 6000 },
  );
});

test("a `*` that would expand past maxElisionBytes is refused, not expanded", () => {
  const text = "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n7fffffff0\n";
  const started = Date.now();
  const r = importDump(text, { file: "big", format: "hexdump-c" });
  assert.ok(Date.now() - started < 2000);
  assert.equal(r.words.length, 2);
  assert.deepEqual(
    r.problems.map((p) => p.code),
    ["DUMP-ELISION-TOO-LARGE"],
  );
});

test("degenerate megabyte inputs finish in every format (no quadratic scans)", { timeout: 60_000 }, () => {
  const inputs = [
    "\n".repeat(1 << 20),
    " \n".repeat(1 << 19),
    "0: ".repeat(1 << 18),
    "*\n".repeat(1 << 19),
    "<b>".repeat(1 << 18),
    "Value at address 0x1000 (\n".repeat(1 << 14),
    "00000000: 00000000 00000000  \n".repeat(1 << 15),
    "0".repeat(1 << 20),
  ];
  for (const text of inputs)
    for (const format of [undefined, ...DUMP_FORMATS]) {
      const r = importDump(text, { file: "big", base: 0, ...(format ? { format } : {}) });
      assert.ok(r.problems.every((p) => p.code !== "DUMP-INTERNAL"));
    }
});
