// The sparse memory image: definitions, conflicts, provenance, aborts, endianness.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryImage } from "../src/memory/image";
import { span } from "../src/source";

test("undefined words read as zero; defined words read back with their provenance", () => {
  const m = new MemoryImage();
  const out = new Uint32Array(2);
  assert.equal(m.read64(0x1000, out), "ok");
  assert.deepEqual([...out], [0, 0]);
  const where = { ...span("a.iommu", 4, 0, 4, 20), what: "ste 0x7d11 dword 0" };
  assert.deepEqual(m.define(0x8000_0000, 0x80100007, 0, where), { kind: "ok" });
  m.read64(0x8000_0000, out);
  assert.deepEqual([...out], [0x80100007, 0]);
  assert.equal(m.provenanceAt(0x8000_0000), where);
  assert.equal(m.isDefined(0x8000_0008), false);
  assert.equal(m.size, 1);
});

test("a second definition with another value is a conflict naming the first", () => {
  const m = new MemoryImage();
  const first = span("a.iommu", 1, 0, 1, 5);
  m.define(0x10, 1, 0, first);
  assert.deepEqual(m.define(0x10, 1, 0, span("b.iommu", 2, 0, 2, 5)), { kind: "ok" });
  const r = m.define(0x10, 2, 0, span("b.iommu", 3, 0, 3, 5));
  assert.equal(r.kind, "conflict");
  assert.equal(r.kind === "conflict" && r.previousProvenance, first);
});

test("invalid addresses are refused with a reason, reads there abort", () => {
  const m = new MemoryImage();
  assert.equal(m.define(3, 0, 0).kind, "invalid");
  assert.equal(m.define(-8, 0, 0).kind, "invalid");
  assert.equal(m.define(2 ** 53, 0, 0).kind, "invalid");
  assert.equal(m.define(2 ** 53 - 8, 7, 0).kind, "ok");
  assert.equal(m.read64(2 ** 53, new Uint32Array(2)), "abort");
  assert.equal(m.read64(4, new Uint32Array(2)), "abort");
});

test("abort ranges and big-endian reads", () => {
  const m = new MemoryImage();
  m.addAbort({ addr: 0x2000, size: 0x1000 });
  const out = new Uint32Array(4);
  assert.equal(m.read64(0x2ff8, out), "abort");
  assert.equal(m.read64(0x3000, out), "ok");
  m.define(0x3000, 0x04030201, 0x08070605);
  m.read64(0x3000, out, 2, true);
  assert.deepEqual([...out.slice(2)], [0x05060708, 0x01020304]);
  assert.deepEqual(
    [...m.words()].map((w) => w.addr),
    [0x3000],
  );
});

test("the version changes with every change and only then", () => {
  const m = new MemoryImage();
  const v0 = m.version;
  m.define(0x10, 1, 0);
  const v1 = m.version;
  assert.notEqual(v1, v0);
  m.define(0x10, 1, 0);
  m.define(0x10, 2, 0);
  assert.equal(m.version, v1, "a repeated or refused definition changes nothing");
  m.store(0x10, 2, 0);
  assert.notEqual(m.version, v1);
  const v2 = m.version;
  m.addAbort({ addr: 0, size: 8 });
  assert.notEqual(m.version, v2);
});
