// Walk engine throughput (W1): cold `translate` walks per second for a 4-level 4K stage-1 stream
// and a 4x4-level nested stream (every walk reads STE, CD and all descriptors from the memory
// image: there is no walk cache), with and without the trace; and `enumerateAddressSpace` over
// 1M 4K pages (scattered PAs: 1M ranges; contiguous PAs: merged into one range).
// Baseline, measured in the same run: the bare `MemoryImage.read64` calls of the same walks (the
// addresses a traced walk read), i.e. the floor any walker over this memory image pays.
//   npm run build && node out/bench/walk-engine.js [walks]

import {
  MemoryImage,
  type StructSpec,
  type TranslationRequest,
  type TranslationSetup,
  type U64,
  STE,
  CD,
  descriptorSpec,
  encodeStruct,
  enumerateAddressSpace,
  parseScenario,
  translate,
  u64FromNumber,
} from "../engine/src/index";

const WALKS = Number(process.argv[2] ?? 200_000);

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

function encode(spec: StructSpec, values: Record<string, number>): Uint32Array {
  const v: Record<string, U64> = {};
  for (const [k, n] of Object.entries(values)) v[k] = u64FromNumber(n);
  const r = encodeStruct(spec, v);
  if (r.problems.length) throw new Error(r.problems.map((p) => p.message).join("; "));
  return r.words;
}

function store(mem: MemoryImage, addr: number, words: Uint32Array): void {
  for (let i = 0; i * 2 < words.length; i++) mem.store(addr + i * 8, words[2 * i]!, words[2 * i + 1]!);
}

/** The profile of the scenario contract with the given `smmu` keys (profiles come from scenarios). */
function profileOf(smmu: Record<string, unknown>): TranslationSetup["profile"] {
  const p = parseScenario({
    id: "bench",
    smmu,
    ste: { V: 0 },
    memory: [],
    request: { sid: "0x0", iova: "0x0", access: "read" },
  });
  if (!p.setup) throw new Error(p.problems.join("; "));
  return p.setup.profile;
}

/** 4K tables built by index arithmetic; `offset` moves where (IPA -> PA) they are written. */
class Builder {
  private next: number;
  private readonly tables = new Map<string, number>();
  readonly pages: number[] = [];
  constructor(
    readonly mem: MemoryImage,
    readonly stage: 1 | 2,
    readonly root: number,
    readonly offset: number,
    private readonly levels: number,
  ) {
    this.next = root + 0x1000;
    this.pages.push(root);
  }
  map(addr: number, out: number, leaf: Record<string, number>): void {
    let table = this.root;
    for (let level = 4 - this.levels; level < 3; level++) {
      const shift = 12 + (3 - level) * 9;
      const slot = table + (Math.floor(addr / 2 ** shift) % 512) * 8;
      const key = `${level}:${Math.floor(addr / 2 ** shift)}`;
      let t = this.tables.get(key);
      if (t === undefined) {
        t = this.next;
        this.next += 0x1000;
        this.tables.set(key, t);
        this.pages.push(t);
        store(
          this.mem,
          slot + this.offset,
          encode(descriptorSpec(this.stage, "table", "4K"), { Type: 3, NextLevelTableAddr: t }),
        );
      }
      table = t;
    }
    const slot = table + (Math.floor(addr / 0x1000) % 512) * 8;
    store(
      this.mem,
      slot + this.offset,
      encode(descriptorSpec(this.stage, "page", "4K"), { Type: 3, AF: 1, OutputAddress: out, ...leaf }),
    );
  }
}

function time(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Bare read64 of every address a traced walk of each request reads (the baseline). */
function baselineReads(
  setup: TranslationSetup,
  requests: readonly TranslationRequest[],
): { ms: number; reads: number } {
  const addrs: number[] = [];
  for (const r of requests.slice(0, 1000)) for (const s of translate(setup, r).steps) addrs.push(s.pa);
  const perWalk = addrs.length / Math.min(1000, requests.length);
  const scratch = new Uint32Array(2);
  const total = Math.round(perWalk * requests.length);
  let sink = 0;
  const ms = time(() => {
    for (let i = 0; i < total; i++) {
      setup.memory.read64(addrs[i % addrs.length]!, scratch, 0, false);
      sink ^= scratch[0]!;
    }
  });
  if (sink === 0.5) console.log(sink);
  return { ms, reads: perWalk };
}

function walksBench(name: string, setup: TranslationSetup, requests: readonly TranslationRequest[]): string[] {
  const check = translate(setup, requests[0]!);
  if (check.outcome !== "translated") throw new Error(`${name}: ${check.outcome} ${check.fault?.reason ?? ""}`);
  // Warm up the JIT on a slice, then measure.
  for (let i = 0; i < 20_000; i++) translate(setup, requests[i % requests.length]!, { trace: false });
  const base = baselineReads(setup, requests);
  const noTrace = time(() => {
    for (const r of requests) translate(setup, r, { trace: false });
  });
  const traced = time(() => {
    for (const r of requests) translate(setup, r);
  });
  const rate = (ms: number): string => `${Math.round((requests.length / ms) * 1000).toLocaleString("en")}`;
  return [
    `| ${name}, no trace | ${requests.length.toLocaleString("en")} | ${noTrace.toFixed(0)} | ${rate(noTrace)} | ${((noTrace * 1e6) / requests.length).toFixed(0)} | ${(noTrace / base.ms).toFixed(1)}× |`,
    `| ${name}, with trace | ${requests.length.toLocaleString("en")} | ${traced.toFixed(0)} | ${rate(traced)} | ${((traced * 1e6) / requests.length).toFixed(0)} | ${(traced / base.ms).toFixed(1)}× |`,
    `| baseline: ${base.reads} bare read64 per walk | ${requests.length.toLocaleString("en")} | ${base.ms.toFixed(0)} | ${rate(base.ms)} | ${((base.ms * 1e6) / requests.length).toFixed(0)} | 1.0× |`,
  ];
}

function stage1Setup(): { setup: TranslationSetup; requests: TranslationRequest[] } {
  const mem = new MemoryImage();
  const profile = profileOf({ OAS: 48 });
  store(mem, 0x10000 + 0x11 * 64, encode(STE, { V: 1, Config: 0b101, S1ContextPtr: 0x20000 }));
  store(
    mem,
    0x20000,
    encode(CD, { V: 1, AA64: 1, R: 1, A: 1, T0SZ: 16, EPD1: 1, IPS: 5, TTB0: 0x100_0000, MAIR0: 0xf404ff44 }),
  );
  const b = new Builder(mem, 1, 0x100_0000, 0, 4);
  const rand = rng(42);
  const vas: number[] = [];
  // 64 regions of 1 GiB spread over the 48-bit space, 4096 pages each (8 level-3 tables).
  for (let r = 0; r < 64; r++) {
    const region = (rand() % 0x4_0000) * 0x4000_0000;
    for (let j = 0; j < 4096; j++) {
      const va = region + j * 0x1000;
      b.map(va, 0x1_0000_0000 + (rand() % 0x100_0000) * 0x1000, { AttrIndx: 1, SH: 3 });
      vas.push(va);
    }
  }
  const requests = Array.from({ length: WALKS }, () => ({
    sid: 0x11,
    iova: u64FromNumber(vas[rand() % vas.length]! + (rand() % 0x1000)),
    access: "read" as const,
    privileged: true,
  }));
  return { setup: { profile, memory: mem, strtab: { base: 0x10000, fmt: "linear", log2size: 8, split: 0 } }, requests };
}

function nestedSetup(): { setup: TranslationSetup; requests: TranslationRequest[] } {
  const mem = new MemoryImage();
  const OFFSET = 0x80_0000_0000;
  const profile = profileOf({ OAS: 48 });
  store(
    mem,
    0x10000 + 0x11 * 64,
    encode(STE, {
      V: 1,
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
  store(
    mem,
    0x20000 + OFFSET,
    encode(CD, { V: 1, AA64: 1, R: 1, A: 1, T0SZ: 16, EPD1: 1, IPS: 5, TTB0: 0x100_0000, MAIR0: 0xf404ff44 }),
  );
  const s1 = new Builder(mem, 1, 0x100_0000, OFFSET, 4);
  const s2 = new Builder(mem, 2, 0x4000_0000, 0, 4);
  const rand = rng(7);
  const vas: number[] = [];
  const outs: number[] = [];
  for (let r = 0; r < 16; r++) {
    const region = (rand() % 0x4_0000) * 0x4000_0000;
    for (let j = 0; j < 2048; j++) {
      const va = region + j * 0x1000;
      const ipa = 0x10_0000_0000 + vas.length * 0x1000;
      s1.map(va, ipa, { AttrIndx: 1, SH: 3 });
      vas.push(va);
      outs.push(ipa);
    }
  }
  s2.map(0x20000, 0x20000 + OFFSET, { S2AP: 3, MemAttr: 0xf, SH: 3 });
  for (const p of s1.pages) s2.map(p, p + OFFSET, { S2AP: 3, MemAttr: 0xf, SH: 3 });
  for (const ipa of outs) s2.map(ipa, 0x2_0000_0000 + (rand() % 0x10_0000) * 0x1000, { S2AP: 3, MemAttr: 0xf, SH: 3 });
  const requests = Array.from({ length: WALKS }, () => ({
    sid: 0x11,
    iova: u64FromNumber(vas[rand() % vas.length]! + (rand() % 0x1000)),
    access: "read" as const,
    privileged: true,
  }));
  return { setup: { profile, memory: mem, strtab: { base: 0x10000, fmt: "linear", log2size: 8, split: 0 } }, requests };
}

function enumerateBench(contiguous: boolean): string[] {
  const mem = new MemoryImage();
  const profile = profileOf({ OAS: 48 });
  store(mem, 0x10000 + 0x11 * 64, encode(STE, { V: 1, Config: 0b101, S1ContextPtr: 0x20000 }));
  store(
    mem,
    0x20000,
    encode(CD, { V: 1, AA64: 1, R: 1, A: 1, T0SZ: 16, EPD1: 1, IPS: 5, TTB0: 0x100_0000, MAIR0: 0xf404ff44 }),
  );
  const b = new Builder(mem, 1, 0x100_0000, 0, 4);
  const rand = rng(3);
  const PAGES = 1 << 20;
  for (let i = 0; i < PAGES; i++) {
    const pa = contiguous ? 0x1_0000_0000 + i * 0x1000 : 0x1_0000_0000 + (rand() % 0x1000_0000) * 0x1000;
    b.map(0x10_0000_0000 + i * 0x1000, pa, { AttrIndx: 1, SH: 3 });
  }
  const setup: TranslationSetup = {
    profile,
    memory: mem,
    strtab: { base: 0x10000, fmt: "linear", log2size: 8, split: 0 },
  };
  enumerateAddressSpace(setup, 0x11, undefined, { maxMappings: 2_000_000 }); // warm-up
  let result = enumerateAddressSpace(setup, 0x11);
  const ms = time(() => {
    result = enumerateAddressSpace(setup, 0x11, undefined, { maxMappings: 2_000_000 });
  });
  // Baseline: one bare read64 per descriptor the enumeration read.
  const scratch = new Uint32Array(2);
  const addrs = b.pages;
  const reads = result.reads;
  let sink = 0;
  const base = time(() => {
    for (let i = 0; i < reads; i++) {
      mem.read64(addrs[(i >>> 9) % addrs.length]! + (i % 512) * 8, scratch, 0, false);
      sink ^= scratch[0]!;
    }
  });
  if (sink === 0.5) console.log(sink);
  const name = `enumerate 1M 4K pages, ${contiguous ? "contiguous PAs" : "scattered PAs"}`;
  return [
    `| ${name} | ${reads.toLocaleString("en")} reads → ${result.mappings.length.toLocaleString("en")} ranges | ${ms.toFixed(0)} | ${Math.round((PAGES / ms) * 1000).toLocaleString("en")} pages/s | ${((ms * 1e6) / PAGES).toFixed(0)} | ${(ms / base).toFixed(1)}× |`,
    `| baseline: ${reads.toLocaleString("en")} bare read64 | | ${base.toFixed(0)} | | ${((base * 1e6) / PAGES).toFixed(0)} | 1.0× |`,
  ];
}

const rows: string[] = [];
const s1 = stage1Setup();
rows.push(...walksBench("stage 1, 4K, 4 levels, cold", s1.setup, s1.requests));
const n = nestedSetup();
rows.push(...walksBench("nested 4K × 4K, 4×4 levels (24 descriptor reads), cold", n.setup, n.requests));
rows.push(...enumerateBench(false));
rows.push(...enumerateBench(true));
console.log(`Node ${process.version}, ${new Date().toISOString()}`);
console.log("| case | count | ms | per second | ns each | vs baseline |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
