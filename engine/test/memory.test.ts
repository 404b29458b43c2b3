// The sparse memory image: definitions, conflicts, provenance, aborts, endianness.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryImage } from "../src/memory/image";
import { span } from "../src/source";
import fc from "fast-check";

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

test("matches a plain map model for random define/store sequences (slab growth, shared provenance)", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          store: fc.boolean(),
          // clustered and far-apart addresses: many chunks, forcing the slabs to grow
          addr: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 2 ** 30 })).map((k) => k * 8),
          lo: fc.integer({ min: 0, max: 3 }),
          hi: fc.constantFrom(0, 0xffffffff),
          prov: fc.integer({ min: -1, max: 3 }),
        }),
        { maxLength: 400 },
      ),
      (ops) => {
        const provs = [0, 1, 2, 3].map((i) => ({ ...span("p.iommu", i, 0, i, 1), what: `p${i}` }));
        const m = new MemoryImage();
        const ref = new Map<number, { lo: number; hi: number; prov: object | undefined }>();
        for (const op of ops) {
          const prov = op.prov < 0 ? undefined : provs[op.prov];
          const prev = ref.get(op.addr);
          const r = op.store ? m.store(op.addr, op.lo, op.hi, prov) : m.define(op.addr, op.lo, op.hi, prov);
          if (op.store || !prev) ref.set(op.addr, { lo: op.lo, hi: op.hi, prov: prov ?? prev?.prov });
          else if (prev.lo !== op.lo || prev.hi !== op.hi) {
            assert.equal(r.kind, "conflict");
            assert.equal(r.kind === "conflict" && r.previousProvenance, prev.prov);
          } else assert.deepEqual(r, { kind: "ok" });
        }
        assert.equal(m.size, ref.size);
        const out = new Uint32Array(2);
        for (const [addr, w] of ref) {
          m.read64(addr, out);
          assert.deepEqual([...out], [w.lo, w.hi]);
          assert.equal(m.provenanceAt(addr), w.prov);
          assert.equal(m.isDefined(addr), true);
        }
        const listed = [...m.words()];
        assert.deepEqual(
          listed.map((w) => w.addr),
          [...ref.keys()].sort((a, b) => a - b),
        );
        for (const w of listed) assert.equal(w.provenance, ref.get(w.addr)!.prov);
      },
    ),
    { numRuns: 150 },
  );
});
