// Random memory and random requests: the walker never throws, never hangs, always returns one of
// the four outcomes, and every recorded fault's record decodes back as the same event without
// problems. Memory is biased towards table descriptors pointing back into the same small region
// (including at themselves), so walks go deep and nested walks cross both stages.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MemoryImage } from "../../src/memory/image";
import { u64 } from "../../src/bits/u64";
import { decodeEvent } from "../../src/smmuv3/records";
import type { SmmuProfile } from "../../src/smmuv3/profile";
import { enumerateAddressSpace, translate } from "../../src/smmuv3/walk";
import { cdWords, profile, steWords, writeWords } from "./tables";

const REGION_PAGES = 64;

const wordArb = fc.oneof(
  // A table/page/block-looking descriptor pointing into the region.
  fc
    .record({
      page: fc.nat(REGION_PAGES - 1),
      low: fc.nat(0xfff),
      hi: fc.constantFrom(0, 0, 0, 1, 0x40_0000, 0x60_0000),
    })
    .map(({ page, low, hi }) => ({
      lo: ((page << 12) | low | 1) >>> 0,
      hi,
    })),
  fc.record({ lo: fc.nat(0xffff_ffff), hi: fc.nat(0xffff_ffff) }),
  fc.constant({ lo: 0, hi: 0 }),
);

/** Fills pages 0..15 with descriptors (mostly valid, pointing into those pages), zeros and noise. */
function fillPages(mem: MemoryImage, seed: number): void {
  let x = seed | 1;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (let page = 0; page < 16; page++) {
    for (let i = 0; i < 512; i++) {
      const r = next();
      const kind = r % 100;
      if (kind < 15) continue;
      if (kind < 25) {
        mem.store(page * 0x1000 + i * 8, next(), next());
        continue;
      }
      // Next-level / output page in the region, type 0b01 or 0b11, AF mostly set, random AP/S2AP/XN bits.
      const target = (next() % 16) * 0x1000;
      const lo = (target | (r & 0x400 ? 0 : 0x400) | (next() & 0xc0) | (r & 0x40000 ? 1 : 3)) >>> 0;
      const hi = next() & 0x7860_0000;
      mem.store(page * 0x1000 + i * 8, lo, hi);
    }
  }
}

const scenarioArb = fc.record({
  config: fc.oneof(fc.constantFrom(5, 6, 7, 7), fc.nat(7)),
  // Mostly consistent stage-2 geometry [S2TG, S2T0SZ, S2SL0], sometimes anything.
  s2geo: fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom([0, 25, 1], [0, 34, 0], [0, 20, 2], [2, 28, 1], [1, 25, 1], [0, 22, 1], [2, 36, 0]),
    },
    { weight: 1, arbitrary: fc.tuple(fc.nat(3), fc.integer({ min: 10, max: 45 }), fc.nat(3)) },
  ),
  granule: fc.oneof({ weight: 4, arbitrary: fc.nat(2) }, { weight: 1, arbitrary: fc.nat(3) }),
  t0sz: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 16, max: 39 }) },
    { weight: 1, arbitrary: fc.integer({ min: 10, max: 45 }) },
  ),
  ips: fc.nat(7),
  s1cdmax: fc.oneof(fc.constant(0), fc.nat(6)),
  s1fmt: fc.nat(3),
  s1dss: fc.nat(3),
  ssid: fc.option(fc.nat(0x7f), { nil: undefined, freq: 3 }),
  extraSte: fc.array(fc.nat(0xffff_ffff), { minLength: 16, maxLength: 16 }),
  steNoise: fc.boolean(),
  seed: fc.nat(0x7fff_ffff),
  words: fc.array(fc.record({ at: fc.nat(REGION_PAGES * 512 - 1), w: wordArb }), { maxLength: 300 }),
  iovaLo: fc.nat(0xffff_ffff),
  iovaHi: fc.oneof(fc.constant(0), fc.nat(0xffff), fc.nat(0xffff_ffff)),
  access: fc.constantFrom("read" as const, "write" as const, "exec" as const),
  privileged: fc.boolean(),
  oas: fc.constantFrom(32, 40, 44, 48, 52),
  sid: fc.oneof({ weight: 4, arbitrary: fc.constant(0x11) }, { weight: 1, arbitrary: fc.nat(0x3ff) }),
  strtab2: fc.boolean(),
  aborts: fc.array(fc.nat(REGION_PAGES - 1), { maxLength: 2 }),
});

test("random memory and requests: never throws, never hangs, records decode", () => {
  const seen = new Set<string>();
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const mem = new MemoryImage();
      fillPages(mem, s.seed);
      for (const { at, w } of s.words) mem.store(at * 8, w.lo, w.hi);
      for (const p of s.aborts) mem.addAbort({ addr: p * 0x1000, size: 0x1000 });
      const prof: SmmuProfile = profile({
        OAS: s.oas,
        IAS: s.oas,
        SSIDSIZE: 6,
        HTTU: "AF+dirty",
        STT: s.t0sz > 39 ? 1 : 0,
      });
      const ste = steWords({
        Config: s.config,
        S1ContextPtr: 0x2000,
        S1CDMax: s.s1cdmax,
        S1Fmt: s.s1fmt,
        S1DSS: s.s1dss,
        S2T0SZ: s.s2geo[1] % 64,
        S2SL0: s.s2geo[2],
        S2TG: s.s2geo[0],
        S2PS: s.ips,
        S2AA64: 1,
        S2R: 1,
        S2TTB: 0x3000,
        S2HA: 1,
      });
      if (s.steNoise) for (let i = 0; i < 16; i++) ste[i] = (ste[i]! ^ (s.extraSte[i]! & 0x0f0f_0000)) >>> 0;
      writeWords(mem, 0x10000 + (s.sid % 256) * 64, ste);
      writeWords(
        mem,
        0x2000,
        cdWords({
          T0SZ: s.t0sz % 64,
          TG0: s.granule,
          IPS: s.ips,
          TTB0: 0x4000,
          EPD1: 0,
          T1SZ: s.t0sz % 64,
          TG1: s.granule,
          TTB1: 0x5000,
          HA: 1,
          HD: 1,
        }),
      );
      const setup = {
        profile: prof,
        memory: mem,
        strtab: s.strtab2
          ? { base: 0x10000, fmt: "2-level" as const, log2size: 10, split: 6 }
          : { base: 0x10000, fmt: "linear" as const, log2size: 8, split: 0 },
      };
      const r = translate(setup, {
        sid: s.sid,
        ...(s.ssid !== undefined ? { ssid: s.ssid } : {}),
        iova: u64(s.iovaLo, s.iovaHi),
        access: s.access,
        privileged: s.privileged,
      });
      assert.ok(["translated", "fault", "bypass", "abort"].includes(r.outcome));
      seen.add(r.fault ? `${r.fault.event}/${r.fault.stage ?? ""}` : r.outcome);
      assert.ok(!(r.reason ?? "").startsWith("internal error"), r.reason);
      assert.ok(r.steps.length <= 8 + 1 + 5 + 8 + 5 * 6 + 5);
      if (r.outcome === "fault") {
        assert.ok(r.fault, "a fault outcome has a fault");
        if (r.fault.record) {
          const d = decodeEvent(r.fault.record);
          assert.equal(d.name, r.fault.event);
          assert.deepEqual(d.problems, []);
        }
      }
      if (r.outcome === "translated") {
        assert.ok(r.pa !== undefined && r.pa >= 0 && r.pa < 2 ** s.oas, `pa ${r.pa}`);
        assert.ok(r.size !== undefined && r.size >= 0x1000);
      }
    }),
    {
      numRuns: Number(process.env["WALK_FUZZ_RUNS"] ?? 300),
      seed: Number(process.env["WALK_FUZZ_SEED"] ?? 20261121),
      interruptAfterTimeLimit: 20_000,
    },
  );
  // The generator reaches deep into the walk, not just configuration errors (fixed seed; set
  // WALK_FUZZ_SEED / WALK_FUZZ_RUNS to explore further).
  assert.ok(seen.size >= 8, [...seen].join(", "));
  assert.ok(
    [...seen].some((k) => k.startsWith("F_TRANSLATION/") || k === "translated"),
    [...seen].join(", "),
  );
});

test("random memory: enumerateAddressSpace never throws and stays within its limits", () => {
  fc.assert(
    fc.property(fc.nat(0x7fff_ffff), fc.constantFrom(5, 6, 7), fc.nat(2), (seed, config, tg) => {
      const mem = new MemoryImage();
      fillPages(mem, seed);
      writeWords(
        mem,
        0x10000 + 0x11 * 64,
        steWords({
          Config: config,
          S1ContextPtr: 0x2000,
          S2T0SZ: 25,
          S2SL0: 1,
          S2TG: 0,
          S2PS: 4,
          S2AA64: 1,
          S2TTB: 0x3000,
        }),
      );
      writeWords(mem, 0x2000, cdWords({ T0SZ: 25, TG0: tg, TTB0: 0x4000, IPS: 4 }));
      const setup = {
        profile: profile(),
        memory: mem,
        strtab: { base: 0x10000, fmt: "linear" as const, log2size: 8, split: 0 },
      };
      const map = enumerateAddressSpace(setup, 0x11, undefined, { maxReads: 20_000, maxMappings: 5_000 });
      assert.ok(map.reads <= 20_000);
      assert.ok(map.mappings.length <= 5_000);
      assert.ok(!map.problems.some((p) => p.startsWith("internal error")), map.problems.join("; "));
      for (const m of map.mappings.slice(0, 20)) {
        const r = translate(setup, { sid: 0x11, iova: m.iova, access: "read", privileged: true });
        if (r.outcome === "translated") assert.equal(r.pa, m.pa);
      }
    }),
    { numRuns: 60, seed: 7, interruptAfterTimeLimit: 20_000 },
  );
});
