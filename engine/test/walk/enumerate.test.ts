// The address-space map: merged ranges with permissions and attributes for stage 1, TTB1,
// stage 2, nested and bypass streams; shared subtrees and self-referencing tables; limits; and
// agreement with translate() for addresses inside and outside every range.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryImage } from "../../src/memory/image";
import { hex64, u64FromNumber } from "../../src/bits/u64";
import { type AddressMapping, type TranslationSetup, enumerateAddressSpace, translate } from "../../src/smmuv3/walk";
import { Tables, type Values, cdWords, linearSetup, profile, request, steWords, writeWords } from "./tables";

const ROOT = 0x10_0000;

function s1Stream(cd: Values = {}): { setup: TranslationSetup; t: Tables; mem: MemoryImage } {
  const mem = new MemoryImage();
  writeWords(mem, 0x20000, cdWords({ TTB0: ROOT, ...cd }));
  const setup = linearSetup(mem, profile(), 0x11, steWords({ Config: 0b101, S1ContextPtr: 0x20000 }));
  return { setup, mem, t: new Tables(mem, 1, "4K", 48, 0, ROOT) };
}

function brief(m: AddressMapping): string {
  const p = (x: { read: boolean; write: boolean; exec: boolean }): string =>
    `${x.read ? "r" : "-"}${x.write ? "w" : "-"}${x.exec ? "x" : "-"}`;
  return `${m.via} ${hex64(m.iova)}+0x${m.size.toString(16)} -> 0x${m.pa.toString(16)}${m.ipa !== undefined ? ` (ipa 0x${m.ipa.toString(16)})` : ""} ${p(m.priv)}/${p(m.unpriv)} ${m.attrs.memType}`;
}

test("contiguous pages with equal attributes merge; a PA gap or other permissions split", () => {
  const { setup, t } = s1Stream();
  t.map(0x1000, 0x5000, 3);
  t.map(0x2000, 0x6000, 3);
  t.map(0x3000, 0x7000, 3);
  t.map(0x4000, 0x9000, 3); // PA gap
  t.map(0x5000, 0xa000, 3, { AP: 3 }); // read-only for both
  t.map(0x4000_0000, 0x8_0000_0000, 1, { AttrIndx: 2, UXN: 1, PXN: 1 }); // 1GB Device block
  const map = enumerateAddressSpace(setup, 0x11);
  assert.deepEqual(map.problems, []);
  assert.deepEqual(map.mappings.map(brief), [
    "TTB0 0x1000+0x3000 -> 0x5000 rwx/--x Normal-WB",
    "TTB0 0x4000+0x1000 -> 0x9000 rwx/--x Normal-WB",
    "TTB0 0x5000+0x1000 -> 0xa000 r-x/r-x Normal-WB",
    "TTB0 0x40000000+0x40000000 -> 0x800000000 rw-/--- Device-nGnRE",
  ]);
});

test("TTB1 ranges carry their sign-extended input address and do not merge with TTB0", () => {
  const { setup, mem, t } = s1Stream({ EPD1: 0, T1SZ: 16, TG1: 2, TTB1: 0x40_0000 });
  t.map(0xffff_f000, 0x1_0000_0000 - 0x1000, 3);
  new Tables(mem, 1, "4K", 48, 0, 0x40_0000).map(0x8000_0000_0000, 0x1_0000_0000, 3);
  const map = enumerateAddressSpace(setup, 0x11);
  assert.deepEqual(map.mappings.map(brief), [
    "TTB0 0xfffff000+0x1000 -> 0xfffff000 rwx/--x Normal-WB",
    "TTB1 0xffff800000000000+0x1000 -> 0x100000000 rwx/--x Normal-WB",
  ]);
  assert.equal(map.mappings[1]!.iovaNumber, 0x8000_0000_0000);
});

test("a shared level-3 table appears under every input range that points at it", () => {
  const { setup, t } = s1Stream();
  t.map(0x20_0000, 0x30_0000, 3);
  t.map(0x20_1000, 0x30_1000, 3);
  const l3 = t.descriptorAddr(0x20_0000, 3) - 0; // the level-3 table holding both pages
  const l2Slot = t.descriptorAddr(0x20_0000, 2);
  // Point the level-2 entry for 0x600000 at the same level-3 table.
  const table = l3 - (l3 % 0x1000);
  t.raw(l2Slot + 16, table + 3);
  const map = enumerateAddressSpace(setup, 0x11);
  assert.deepEqual(map.mappings.map(brief), [
    "TTB0 0x200000+0x2000 -> 0x300000 rwx/--x Normal-WB",
    "TTB0 0x600000+0x2000 -> 0x300000 rwx/--x Normal-WB",
  ]);
  for (const va of [0x20_0010, 0x60_1010]) assert.equal(translate(setup, request(va)).pa, 0x30_0000 + (va % 0x2000));
});

test("a table that points at itself is walked once per level and stays bounded", () => {
  const { setup, t } = s1Stream();
  // Every entry of the root points back at the root: 512^3 tables of 512 pages if unrolled.
  for (let i = 0; i < 512; i++) t.raw(ROOT + i * 8, ROOT + 0x403); // table (page at L3), AF
  const started = Date.now();
  const map = enumerateAddressSpace(setup, 0x11, undefined, { maxMappings: 10_000 });
  assert.ok(Date.now() - started < 5_000);
  assert.ok(map.reads <= 4 * 512, `reads ${map.reads}`);
  // At level 3 the root's entries read as pages of PA ROOT (the descriptor's address bits).
  assert.ok(map.mappings.length > 0);
  assert.ok(map.mappings.every((m) => m.pa === ROOT && m.size === 0x1000));
  assert.ok(map.problems.some((p) => p.includes("maxMappings")));
  // translate agrees for an address deep in the self-referencing tree.
  assert.equal(translate(setup, request(0x1234_5678_9abc)).pa, ROOT + 0xabc);
});

test("limits.maxReads stops the walk with a problem", () => {
  const { setup, t } = s1Stream();
  for (let p = 0; p < 600; p++) t.map(p * 0x1000, 0x100_0000 + p * 0x2000, 3);
  const map = enumerateAddressSpace(setup, 0x11, undefined, { maxReads: 100 });
  assert.equal(map.reads, 100);
  assert.ok(map.problems.some((p) => p.includes("maxReads")));
});

test("faulting leaves are left out and counted: AF 0, addresses beyond IPS", () => {
  const { setup, t } = s1Stream({ IPS: 0 });
  t.map(0x1000, 0x5000, 3, { AF: 0 });
  t.map(0x2000, 0x1_0000_0000, 3);
  t.map(0x3000, 0x7000, 3);
  const map = enumerateAddressSpace(setup, 0x11);
  assert.deepEqual(map.mappings.map(brief), ["TTB0 0x3000+0x1000 -> 0x7000 rwx/--x Normal-WB"]);
  assert.deepEqual(map.problems.slice().sort(), [
    "1 × stage-1 leaf with AF 0 (F_ACCESS)",
    "1 × stage-1 output beyond IPS (F_ADDR_SIZE)",
  ]);
});

const OFFSET = 0x80_0000_0000;

test("nested: stage-1 ranges split over the stage-2 pages they meet, permissions intersected", () => {
  const mem = new MemoryImage();
  writeWords(mem, 0x20000 + OFFSET, cdWords({ TTB0: ROOT }));
  const setup = linearSetup(
    mem,
    profile({ OAS: 48, IAS: 48 }),
    0x11,
    steWords({
      Config: 0b111,
      S1ContextPtr: 0x20000,
      S2T0SZ: 16,
      S2SL0: 2,
      S2PS: 5,
      S2AA64: 1,
      S2R: 1,
      S2TTB: 0x4000_0000,
    }),
  );
  const s1 = new Tables(mem, 1, "4K", 48, 0, ROOT, OFFSET);
  const s2 = new Tables(mem, 2, "4K", 48, 0, 0x4000_0000);
  s1.map(0x20_0000, 0x7000_0000, 2); // 2MB block -> IPA 0x70000000
  s2.map(0x20000, 0x20000 + OFFSET, 3);
  for (const p of s1.tablePages()) s2.map(p, p + OFFSET, 3);
  s2.map(0x7000_0000, 0x9_0000_0000, 3);
  s2.map(0x7000_1000, 0x9_0000_1000, 3, { S2AP: 1 });
  s2.map(0x7000_3000, 0x9_0000_3000, 3);
  const map = enumerateAddressSpace(setup, 0x11);
  assert.deepEqual(map.mappings.map(brief), [
    "TTB0 0x200000+0x1000 -> 0x900000000 (ipa 0x70000000) rwx/--x Normal-WB",
    "TTB0 0x201000+0x1000 -> 0x900001000 (ipa 0x70001000) r-x/--x Normal-WB",
    "TTB0 0x203000+0x1000 -> 0x900003000 (ipa 0x70003000) rwx/--x Normal-WB",
  ]);
  for (const m of map.mappings) {
    const r = translate(setup, request(m.iovaNumber + 0x10));
    assert.equal(r.pa, m.pa + 0x10);
    assert.deepEqual(r.perm, m.priv);
  }
  assert.equal(translate(setup, request(0x20_2010)).fault?.class, "IN");
});

test("stage-2-only and bypass streams", () => {
  const mem = new MemoryImage();
  const setup = linearSetup(
    mem,
    profile(),
    0x11,
    steWords({ Config: 0b110, S2T0SZ: 25, S2SL0: 1, S2PS: 4, S2AA64: 1, S2TTB: 0x40_0000 }),
  );
  const s2 = new Tables(mem, 2, "4K", 39, 1, 0x40_0000);
  s2.map(0x1234_5000, 0x6_6666_6000, 3, { S2AP: 1, XN: 2 });
  s2.map(0x4000_0000, 0x8000_0000, 1, { MemAttr: 1 });
  const map = enumerateAddressSpace(setup, 0x11);
  assert.deepEqual(map.mappings.map(brief), [
    "S2 0x12345000+0x1000 -> 0x666666000 r--/r-- Normal-WB",
    "S2 0x40000000+0x40000000 -> 0x80000000 rwx/rwx Device-nGnRE",
  ]);
  const bypass = linearSetup(new MemoryImage(), profile(), 0x11, steWords({ Config: 0b100 }));
  assert.deepEqual(enumerateAddressSpace(bypass, 0x11).mappings.map(brief), [
    "bypass 0x0+0x100000000000 -> 0x0 rwx/rwx incoming",
  ]);
});

test("a stream that faults before any walk has no mappings and says why", () => {
  const bad = linearSetup(new MemoryImage(), profile(), 0x11, steWords({ V: 0 }));
  const map = enumerateAddressSpace(bad, 0x11);
  assert.deepEqual(map.mappings, []);
  assert.match(map.problems[0]!, /C_BAD_STE/);
  const aborting = linearSetup(new MemoryImage(), profile(), 0x11, steWords({ Config: 0 }));
  assert.match(enumerateAddressSpace(aborting, 0x11).problems[0]!, /abort/);
});

test("every address translate() maps lies in exactly one range with the same PA (sampled)", () => {
  const { setup, t } = s1Stream();
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < 200; i++) {
    const va = rnd(4096) * 0x1000 + rnd(4) * 0x4000_0000;
    t.map(va, 0x1_0000_0000 + rnd(64) * 0x1000, 3, { AP: rnd(4) });
  }
  const map = enumerateAddressSpace(setup, 0x11);
  for (let i = 0; i < 400; i++) {
    const va = rnd(4096) * 0x1000 + rnd(4) * 0x4000_0000 + rnd(0x1000);
    const r = translate(setup, request(u64FromNumber(va).lo + u64FromNumber(va).hi * 2 ** 32));
    const hits = map.mappings.filter((m) => va >= m.iovaNumber && va < m.iovaNumber + m.size);
    if (r.outcome === "translated") {
      assert.equal(hits.length, 1, `0x${va.toString(16)}`);
      assert.equal(hits[0]!.pa + (va - hits[0]!.iovaNumber), r.pa);
      assert.deepEqual(hits[0]!.priv, r.perm);
    } else {
      assert.equal(hits.length, 0, `0x${va.toString(16)} faults but is mapped`);
    }
  }
});

test("the map follows the SubstreamID's CD (S1DSS 0b10 gives CD 0 without one)", () => {
  const mem = new MemoryImage();
  writeWords(mem, 0x20000, cdWords({ TTB0: ROOT }));
  writeWords(mem, 0x20000 + 3 * 64, cdWords({ TTB0: 0x40_0000 }));
  new Tables(mem, 1, "4K", 48, 0, ROOT).map(0x1000, 0x5000, 3);
  new Tables(mem, 1, "4K", 48, 0, 0x40_0000).map(0x2000, 0x6000, 3);
  const setup = linearSetup(
    mem,
    profile({ SSIDSIZE: 4 }),
    0x11,
    steWords({ Config: 0b101, S1ContextPtr: 0x20000, S1CDMax: 2, S1DSS: 2 }),
  );
  assert.deepEqual(enumerateAddressSpace(setup, 0x11).mappings.map(brief), [
    "TTB0 0x1000+0x1000 -> 0x5000 rwx/--x Normal-WB",
  ]);
  assert.deepEqual(enumerateAddressSpace(setup, 0x11, 3).mappings.map(brief), [
    "TTB0 0x2000+0x1000 -> 0x6000 rwx/--x Normal-WB",
  ]);
  assert.match(enumerateAddressSpace(setup, 0x11, 0).problems[0]!, /F_STREAM_DISABLED/);
});
