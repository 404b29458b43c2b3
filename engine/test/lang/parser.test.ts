// Parser: typed nodes with exact ranges, one diagnostic per mistake, recovery at the next statement.

import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseHex64 } from "../../src/bits/u64";
import { parseNumberText } from "../../src/lang/lexer";
import { parseDescription } from "../../src/lang/parser";
import type { MapStmt, MemoryNode, PageTableNode, StructNode, ExpectTranslateNode } from "../../src/lang/ast";

const codes = (text: string): string[] => parseDescription(text, "t.iommu").diagnostics.map((d) => d.code);

test("an ste by fields: index, fields, values and ranges", () => {
  const r = parseDescription("ste 0x7d11 host {\n  config 0b111; s1cdmax 0\n  s2ttb @host_s2 + 0x1000\n}\n", "a.iommu");
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.nodes.length, 1);
  const ste = r.nodes[0] as StructNode;
  assert.equal(ste.kind, "struct");
  assert.equal(ste.type, "ste");
  assert.equal(ste.index?.value.lo, 0x7d11);
  assert.equal(ste.name?.text, "host");
  assert.deepEqual(ste.range, { start: { line: 0, character: 0 }, end: { line: 3, character: 1 } });
  assert.deepEqual(
    ste.fields.map((f) => f.name.text),
    ["config", "s1cdmax", "s2ttb"],
  );
  assert.deepEqual(ste.fields[0]!.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 14 } });
  const ttb = ste.fields[2]!.values[0]!;
  assert.equal(ttb.kind, "label");
  assert.ok(ttb.kind === "label" && ttb.name === "host_s2" && ttb.offset?.value.lo === 0x1000);
});

test("raw words after = and inside a block", () => {
  const r = parseDescription("ste 0x7d12 = 0x0000000080100007 0 0 0\nste 3 {\n 0x1 0x2\n v 1\n}", "a.iommu");
  assert.deepEqual(r.diagnostics, []);
  const a = r.nodes[0] as StructNode;
  assert.equal(a.words[0]!.words.length, 4);
  assert.deepEqual(a.words[0]!.words[0]!.value, { lo: 0x80100007, hi: 0 });
  const b = r.nodes[1] as StructNode;
  assert.equal(b.words[0]!.words.length, 2);
  assert.equal(b.fields.length, 1);
});

test("numbers: hex with separators, binary, sizes", () => {
  const r = parseDescription(
    "pagetable t stage1 granule 64K ia 48 @0x8_0000_0000 {\n map 0x10_0000 size 2M -> 0b1_0000 af\n}",
    "a",
  );
  assert.deepEqual(r.diagnostics, []);
  const pt = r.nodes[0] as PageTableNode;
  assert.equal(pt.granule?.value.lo, 65536);
  assert.equal(pt.granule?.isSize, true);
  assert.equal(pt.placement?.addr.kind, "number");
  assert.ok(pt.placement?.addr.kind === "number" && pt.placement.addr.value.hi === 8);
  const m = pt.maps[0] as MapStmt;
  assert.equal(m.iova?.value.lo, 0x10_0000);
  assert.equal(m.size?.value.lo, 2 * 1024 * 1024);
  assert.ok(m.out?.kind === "number" && m.out.value.lo === 16);
  assert.deepEqual(
    m.attrs.map((a) => a.name.text),
    ["af"],
  );
});

test("map attributes with and without values", () => {
  const r = parseDescription(
    "pagetable t stage1 granule 4k @0x1000 {\n map 0 size 4K -> 0x5000 attrindx 1 ap ro af sh ish pxn\n}",
    "a",
  );
  assert.deepEqual(r.diagnostics, []);
  const m = (r.nodes[0] as PageTableNode).maps[0]!;
  assert.deepEqual(
    m.attrs.map((a) => [a.name.text, a.value && "text" in a.value ? a.value.text : undefined]),
    [
      ["attrindx", "1"],
      ["ap", "ro"],
      ["af", undefined],
      ["sh", "ish"],
      ["pxn", undefined],
    ],
  );
  // each attribute's name and whole range, on the map's line
  assert.deepEqual(
    m.attrs.map((a) => [a.name.range.start.line, a.name.range.start.character, a.range.end.character]),
    [
      [1, 25, 35],
      [1, 36, 41],
      [1, 42, 44],
      [1, 45, 51],
      [1, 52, 55],
    ],
  );
});

test("expect lines in the formats.md forms", () => {
  const r = parseDescription(
    "expect translate sid 0x7d11 ssid 0 iova 0x10_0123 read -> 0x8_5000_0123\n" +
      "expect translate sid 0x42 iova 0x1000 write unprivileged -> fault F_PERMISSION stage 1 level 3\n" +
      "expect illegal ste 0x7d11 C_BAD_STE\nexpect legal cd guest_cd0",
    "a",
  );
  assert.deepEqual(r.diagnostics, []);
  const a = r.nodes[0] as ExpectTranslateNode;
  assert.equal(a.ssid?.value.lo, 0);
  assert.equal(a.access, "read");
  assert.ok(a.result.kind === "pa" && a.result.pa.value.hi === 8 && a.result.pa.value.lo === 0x5000_0123);
  const b = r.nodes[1] as ExpectTranslateNode;
  assert.equal(b.unprivileged, true);
  assert.ok(b.result.kind === "fault" && b.result.event.text === "F_PERMISSION" && b.result.level?.value.lo === 3);
  assert.equal(r.nodes[2]!.kind, "expect-legal");
});

test("one mistake gives one diagnostic and parsing resumes at the next statement", () => {
  const r = parseDescription("ste 0x10 {\n  config 0x12g\n  s1cdmax 2\n}\nfrobnicate 1 2 3\nevent = 1 2 3 4\n", "a");
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.span?.start.line, d.span?.start.character]),
    [
      ["LANG-BAD-NUMBER", 1, 9],
      ["LANG-UNKNOWN-STATEMENT", 4, 0],
    ],
  );
  assert.deepEqual(
    r.nodes.map((n) => n.kind),
    ["struct", "event"],
  );
  assert.equal((r.nodes[0] as StructNode).fields.length, 1);
});

test("a missing } is reported once, at the {, and the next statement still parses", () => {
  const r = parseDescription("ste 1 {\n  config 5\nste 2 {\n  config 6\n}\n", "a");
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.span?.start.line, d.span?.start.character]),
    [["LANG-UNCLOSED-BLOCK", 0, 6]],
  );
  assert.equal(r.nodes.length, 2);
  assert.deepEqual(codes("}\n"), ["LANG-UNMATCHED-BRACE"]);
  assert.deepEqual(codes("smmu {\n oas 44\n"), ["LANG-UNCLOSED-BLOCK"]);
});

test("event needs four dwords; include needs a quoted path", () => {
  assert.deepEqual(codes("event = 1 2 3"), ["LANG-SYNTAX"]);
  assert.deepEqual(codes('include "a.iommu\n'), ["LANG-UNTERMINATED-STRING"]);
  assert.deepEqual(codes("include a.iommu"), ["LANG-SYNTAX"]);
  assert.deepEqual(codes('include dump "x.txt" format qemu-xp base 0x1000'), []);
});

test("comments are kept with their positions", () => {
  const r = parseDescription("# prompt\nste 1 = 0 // raw\n", "a");
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(
    r.comments.map((c) => [c.line, c.start, c.text]),
    [
      [0, 0, "# prompt"],
      [1, 10, "// raw"],
    ],
  );
});

test("a { on the line after its header belongs to the header", () => {
  const r = parseDescription("smmu\n{\n  oas 48\n}\n", "a");
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.nodes.length, 1);
});

test("the lexer's hex fast path agrees with parseHex64 (property)", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.boolean(), (n, sep) => {
      let hex = n.toString(16);
      if (sep) hex = hex.replace(/(.)(?=(.{4})+$)/g, "$1_");
      const text = "0x" + hex;
      assert.deepEqual(parseNumberText(text).value, parseHex64(text));
    }),
    { numRuns: 200 },
  );
  for (const bad of ["0x", "0x_1", "0x1_", "0x1__2", "0xg", "0x1_0000_0000_0000_0000_0"]) {
    assert.equal(parseNumberText(bad).value, undefined, bad);
    assert.ok(parseNumberText(bad).problem, bad);
  }
  assert.deepEqual(parseNumberText("64KB"), { value: { lo: 65536, hi: 0 }, isSize: true });
  assert.deepEqual(parseNumberText("0b1_01").value, { lo: 5, hi: 0 });
});

test("a number node gives back the text as written, whatever its spelling (property)", () => {
  // canonical hex and decimal texts are rebuilt from the value; every other spelling is kept
  const spellings = fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => "0x" + n.toString(16)),
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => "0x" + n.toString(16).toUpperCase()),
    fc.bigInt({ min: 0n, max: (1n << 60n) - 1n }).map((n) => "0x0" + n.toString(16)),
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => "0x" + n.toString(16).replace(/(.)(?=(.{4})+$)/g, "$1_")),
    fc.bigInt({ min: 0n, max: (1n << 53n) - 1n }).map((n) => n.toString(10)),
    fc.bigInt({ min: 0n, max: 99999n }).map((n) => "0" + n.toString(10)),
    fc.bigInt({ min: 0n, max: 31n }).map((n) => "0b" + n.toString(2)),
    fc.constantFrom("0", "0x0", "4K", "4k", "2M", "64KB", "1_000", "0X1f"),
  );
  fc.assert(
    fc.property(spellings, (text) => {
      const r = parseDescription(`memory @0x1000 {\n  ${text}\n}\n`, "t.iommu");
      assert.deepEqual(r.diagnostics, []);
      const m = r.nodes[0] as MemoryNode;
      const w = m.words[0]!;
      assert.equal(w.text, text);
      assert.deepEqual(w.value, parseNumberText(text).value);
      assert.equal(w.isSize, parseNumberText(text).isSize ?? false);
      assert.deepEqual(w.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 2 + text.length } });
    }),
    { numRuns: 300 },
  );
});
