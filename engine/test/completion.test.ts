// Completion data read from the record tables (engine/src/bits/completion.ts): the registry of
// every structure, field completions, value completions and RES0 ranges, asserted against the
// architecture's exact names, numbers and bit positions and cross-checked with the generic decoder.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  RECORD_STRUCTURES,
  fieldCompletions,
  recordStructureByName,
  recordStructureOf,
  res0Ranges,
  valueCompletions,
} from "../src/bits/completion";
import { decodeStruct, encodeStruct } from "../src/bits/fields";
import { CD, L1CD } from "../src/smmuv3/records/cd";
import { COMMANDS } from "../src/smmuv3/records/commands";
import { descriptorSpec } from "../src/smmuv3/records/descriptors";
import { EVENT_TYPES, eventTypeByName } from "../src/smmuv3/records/event-types";
import { REGISTERS, registerByName } from "../src/smmuv3/records/registers";
import { L1STD, STE } from "../src/smmuv3/records/ste";
import * as engine from "../src/index";

const triples = (spec: Parameters<typeof valueCompletions>[0], name: string): [number, string, boolean][] =>
  valueCompletions(spec, name).map((v) => [v.value, v.name, v.reserved]);

test("STE.Config offers exactly the architecture's eight encodings (IHI 0070 §5.2)", () => {
  assert.deepEqual(triples(STE, "Config"), [
    [0, "abort", false],
    [1, "Reserved (abort)", true],
    [2, "Reserved (abort)", true],
    [3, "Reserved (abort)", true],
    [4, "bypass", false],
    [5, "stage 1", false],
    [6, "stage 2", false],
    [7, "nested", false],
  ]);
  const stage1 = valueCompletions(STE, "Config")[5]!;
  assert.equal(stage1.binary, "0b101");
  assert.equal(stage1.doc, "STE.Config = 0b101 (5): stage 1");
  assert.equal(
    valueCompletions(STE, "Config")[1]!.doc,
    "STE.Config = 0b001 (1): Reserved (abort) (reserved by the architecture)",
  );
  // any case finds the field, as the language accepts field names in any case
  assert.deepEqual(valueCompletions(STE, "config"), valueCompletions(STE, "Config"));
});

test("STE field completions: bits, kind, width, shift, max and reserved encodings", () => {
  const fields = fieldCompletions(STE);
  assert.equal(fields.length, STE.fields.length);
  const byName = new Map(fields.map((f) => [f.name, f]));
  const config = byName.get("Config")!;
  assert.deepEqual(
    [config.bits, config.dword, config.lsb, config.width, config.kind, config.maxRaw, config.reservedValues],
    ["dword0[3:1]", 0, 1, 3, "enum", "0x7", [1, 2, 3]],
  );
  assert.equal(config.hasReservedValues, true);
  assert.equal(config.section, "SMMUv3 §5.2 (reference §2.1)");
  const ctx = byName.get("S1ContextPtr")!;
  assert.deepEqual(
    [ctx.bits, ctx.lsb, ctx.width, ctx.kind, ctx.shift, ctx.maxRaw, ctx.values.length],
    ["dword0[55:6]", 6, 50, "address", 6, "0x3ffffffffffff", 0],
  );
  const s2tg = byName.get("S2TG")!;
  assert.deepEqual([s2tg.bits, s2tg.dword, s2tg.lsb], ["dword2[47:46]", 2, 174]);
  assert.deepEqual(triples(STE, "S2TG"), [
    [0, "4KB", false],
    [1, "64KB", false],
    [2, "16KB", false],
    [3, "Reserved", true],
  ]);
  // an unnamed flag reads clear/set, as decodeStruct prints it; a wide unnamed field offers nothing
  assert.deepEqual(triples(STE, "V"), [
    [0, "clear", false],
    [1, "set", false],
  ]);
  assert.deepEqual(valueCompletions(STE, "S1ContextPtr"), []);
  assert.deepEqual(valueCompletions(STE, "S1CDMax"), []);
  assert.deepEqual(valueCompletions(STE, "NoSuchField"), []);
});

test("an event type's field completions are its table's fields, in order (F_TRANSLATION, IHI 0070 §7.3.12)", () => {
  const t = eventTypeByName("F_TRANSLATION")!;
  assert.deepEqual(
    fieldCompletions(t.struct).map((f) => [f.name, f.bits]),
    [
      ["Type", "dword0[7:0]"],
      ["SSV", "dword0[11]"],
      ["SubstreamID", "dword0[31:12]"],
      ["StreamID", "dword0[63:32]"],
      ["STAG", "dword1[15:0]"],
      ["Stall", "dword1[31]"],
      ["PnU", "dword1[33]"],
      ["InD", "dword1[34]"],
      ["RnW", "dword1[35]"],
      ["S2", "dword1[39]"],
      ["CLASS", "dword1[41:40]"],
      ["InputAddr", "dword2[63:0]"],
      ["NSIPA", "dword3[0]"],
      ["IPA", "dword3[55:12]"],
    ],
  );
  assert.deepEqual(triples(t.struct, "CLASS"), [
    [0, "CD", false],
    [1, "TT", false],
    [2, "IN", false],
    [3, "Reserved", true],
  ]);
  assert.deepEqual(triples(t.struct, "RnW"), [
    [0, "write", false],
    [1, "read", false],
  ]);
  for (const type of EVENT_TYPES) {
    assert.deepEqual(
      fieldCompletions(type.struct).map((f) => f.name),
      type.struct.fields.map((f) => f.name),
      type.name,
    );
  }
});

test("register fields: SMMU_STRTAB_BASE_CFG and SMMU_IDR0.TTF (IHI 0070 §6.3)", () => {
  const cfg = recordStructureByName("STRTAB_BASE_CFG")!;
  assert.equal(cfg.spec, registerByName("STRTAB_BASE_CFG")!.struct);
  assert.deepEqual([cfg.name, cfg.group, cfg.code, cfg.sizeBits], ["SMMU_STRTAB_BASE_CFG", "register", 0x88, 32]);
  assert.deepEqual(
    fieldCompletions(cfg.spec).map((f) => [f.name, f.bits, f.width]),
    [
      ["LOG2SIZE", "dword0[5:0]", 6],
      ["SPLIT", "dword0[10:6]", 5],
      ["FMT", "dword0[17:16]", 2],
    ],
  );
  assert.deepEqual(
    valueCompletions(cfg.spec, "FMT").map((v) => [v.value, v.name, v.reserved]),
    [
      [0, "linear", false],
      [1, "2-level", false],
      [2, "Reserved (linear)", true],
      [3, "Reserved (linear)", true],
    ],
  );
  const idr0 = recordStructureByName("smmu_idr0")!;
  assert.deepEqual(triples(idr0.spec, "TTF"), [
    [0, "Reserved", true],
    [1, "VMSAv8-32", false],
    [2, "VMSAv8-64", false],
    [3, "VMSAv8-32 and VMSAv8-64", false],
  ]);
});

test("descriptor specs: stage-2 4KB page (Arm DDI 0487 D8.3) and a level-1 block's output address", () => {
  const page = recordStructureByName("S2_PAGE_4K")!;
  assert.equal(page.spec, descriptorSpec(2, "page", "4K"));
  assert.deepEqual([page.group, page.sizeBits, page.doc], ["descriptor", 64, "Stage-2 page descriptor, 4K granule."]);
  assert.deepEqual(
    fieldCompletions(page.spec).map((f) => [f.name, f.bits]),
    [
      ["Type", "dword0[1:0]"],
      ["MemAttr", "dword0[5:2]"],
      ["S2AP", "dword0[7:6]"],
      ["SH", "dword0[9:8]"],
      ["AF", "dword0[10]"],
      ["FnXS", "dword0[11]"],
      ["OutputAddress", "dword0[47:12]"],
      ["DBM", "dword0[51]"],
      ["Contiguous", "dword0[52]"],
      ["XN", "dword0[54:53]"],
      ["IGNORED_55", "dword0[55]"],
      ["SW", "dword0[58:56]"],
      ["PBHA", "dword0[62:59]"],
    ],
  );
  assert.deepEqual(triples(page.spec, "S2AP"), [
    [0, "none", false],
    [1, "read-only", false],
    [2, "write-only", false],
    [3, "read/write", false],
  ]);
  assert.deepEqual(
    res0Ranges(page.spec).map((r) => r.bits),
    ["dword0[50:48]", "dword0[63]"],
  );
  const block = recordStructureByName("S1_BLOCK_4K_L1")!;
  assert.equal(block.spec, descriptorSpec(1, "block", "4K", false, 1));
  assert.equal(block.doc, "Stage-1 block descriptor, 4K granule. Level 1: 1GB blocks.");
  const oa = fieldCompletions(block.spec).find((f) => f.name === "OutputAddress")!;
  assert.deepEqual([oa.bits, oa.shift, oa.kind], ["dword0[47:30]", 30, "address"]);
  assert.equal(
    recordStructureByName("S1_BLOCK_64K_52_L1")!.doc,
    "Stage-1 block descriptor, 64K granule, 52-bit. Level 1: 4TB blocks.",
  );
  // blocks are not allowed at level 1 of a 64KB granule without 52-bit PA: no such entry
  assert.equal(recordStructureByName("S1_BLOCK_64K_L1"), undefined);
});

test("RES0 ranges: L1STD, L1CD, and a 32-bit register stops at bit 31", () => {
  assert.deepEqual(res0Ranges(L1STD), [
    { dword: 0, hi: 5, lo: 5, bits: "dword0[5]" },
    { dword: 0, hi: 63, lo: 56, bits: "dword0[63:56]" },
  ]);
  assert.deepEqual(
    res0Ranges(L1CD).map((r) => r.bits),
    ["dword0[11:1]", "dword0[63:56]"],
  );
  const prod = recordStructureByName("CMDQ_PROD")!;
  assert.deepEqual(
    res0Ranges(prod.spec, prod.sizeBits).map((r) => r.bits),
    ["dword0[31:20]"],
  );
  assert.deepEqual(
    res0Ranges(prod.spec).map((r) => r.bits),
    ["dword0[63:20]"],
  );
  // a range never crosses a dword boundary: an event with nothing defined in dwords 2..3
  const badSte = eventTypeByName("C_BAD_STE")!;
  assert.deepEqual(
    res0Ranges(badSte.struct)
      .filter((r) => r.dword >= 2)
      .map((r) => r.bits),
    ["dword2[63:0]", "dword3[63:0]"],
  );
});

test("fields and RES0 ranges partition every structure's bits exactly", () => {
  for (const r of RECORD_STRUCTURES) {
    const owner = new Array<string | undefined>(r.spec.dwords * 64).fill(undefined);
    const claim = (bit: number, who: string): void => {
      assert.equal(owner[bit], undefined, `${r.name}: bit ${bit} claimed by ${owner[bit]} and ${who}`);
      owner[bit] = who;
    };
    for (const f of fieldCompletions(r.spec)) for (let b = f.lsb; b < f.lsb + f.width; b++) claim(b, f.name);
    for (const res of res0Ranges(r.spec)) for (let b = res.lo; b <= res.hi; b++) claim(res.dword * 64 + b, "RES0");
    assert.equal(owner.indexOf(undefined), -1, `${r.name}: every bit is a field or RES0`);
  }
});

test("every named value decodes back to its name through the generic decoder", () => {
  for (const r of RECORD_STRUCTURES) {
    for (const f of fieldCompletions(r.spec)) {
      for (const v of f.values) {
        const { words, problems } = encodeStruct(r.spec, { [f.name]: { lo: v.value, hi: 0 } });
        assert.deepEqual(problems, [], `${r.name}.${f.name}=${v.value}`);
        const decoded = decodeStruct(r.spec, words).fields.find((d) => d.field === f.name)!;
        assert.equal(decoded.meaning, v.name, `${r.name}.${f.name}=${v.value}`);
        assert.equal(decoded.reservedValue, v.reserved, `${r.name}.${f.name}=${v.value} reserved`);
      }
    }
  }
});

test("every field of every structure has a unique name and a doc", () => {
  const undocumented: string[] = [];
  for (const r of RECORD_STRUCTURES) {
    const names = fieldCompletions(r.spec).map((f) => f.name);
    assert.equal(new Set(names).size, names.length, `${r.name} has a duplicate field name`);
    for (const f of fieldCompletions(r.spec)) if (!f.doc.trim()) undocumented.push(`${r.name}.${f.name}`);
    assert.ok(r.doc.trim(), `${r.name} has a doc`);
  }
  assert.deepEqual(undocumented, []);
});

test("the registry lists every table once, sorted by name, in deterministic architectural order", () => {
  const names = RECORD_STRUCTURES.map((r) => r.name);
  assert.deepEqual(names, [...names].sort(), "sorted by name (code-unit order)");
  assert.equal(new Set(names).size, names.length);
  const specs = (group: string): unknown[] => RECORD_STRUCTURES.filter((r) => r.group === group).map((r) => r.spec);
  assert.deepEqual(new Set(specs("stream-table")), new Set([STE, L1STD]));
  assert.deepEqual(new Set(specs("context")), new Set([CD, L1CD]));
  assert.deepEqual(new Set(specs("event")), new Set(EVENT_TYPES.map((t) => t.struct)));
  assert.deepEqual(new Set(specs("command")), new Set(COMMANDS.map((c) => c.struct)));
  assert.deepEqual(new Set(specs("register")), new Set(REGISTERS.map((reg) => reg.struct)));
  // descriptors: 2 stages x 3 granules x (table, page, block) x (48-bit, 52-bit), plus blocks per allowed level
  // (4KB: L1, L2 / L0-L2 with DS; 16KB: L2 / L1-L2; 64KB: L2 / L1-L2 with 52-bit PA)
  assert.equal(specs("descriptor").length, 2 * 3 * 3 * 2 + 2 * (2 + 3 + 1 + 2 + 1 + 2));
  const orders = RECORD_STRUCTURES.map((r) => r.order).sort((a, b) => a - b);
  assert.deepEqual(
    orders,
    RECORD_STRUCTURES.map((_, i) => i),
  );
  const events = RECORD_STRUCTURES.filter((r) => r.group === "event").sort((a, b) => a.order - b.order);
  assert.deepEqual(
    events.map((e) => e.code),
    EVENT_TYPES.map((t) => t.id).sort((a, b) => a - b),
  );
  const ste = recordStructureOf(STE)!;
  assert.deepEqual([ste.name, ste.order, ste.sizeBits], ["STE", 0, 512]);
});

test("command notes come from the command table (queue, version, partial layout)", () => {
  assert.deepEqual(recordStructureByName("CMD_TLBI_EL3_ALL")!.notes, [
    "Secure command queue only (CERROR_ILL on the Non-secure queue).",
  ]);
  assert.deepEqual(recordStructureByName("CMD_CFGI_CIT")!.notes, [
    "SMMUv3.5 (IHI 0070 H.a) only.",
    "Partial layout: only the named fields are reproduced from the architecture; bits listed as RES0 may hold fields.",
  ]);
  assert.deepEqual(recordStructureByName("CMD_SYNC")!.notes, []);
  for (const c of COMMANDS) {
    const notes = recordStructureOf(c.struct)!.notes;
    assert.equal(
      notes.some((n) => n.startsWith("Secure")),
      c.secureOnly,
      c.name,
    );
    assert.equal(
      notes.some((n) => n.startsWith("Partial")),
      c.partialLayout ?? false,
      c.name,
    );
  }
});

test("lookups: any case, prefixes the language leaves out, unknown names", () => {
  assert.equal(recordStructureByName("ste")!.spec, STE);
  assert.equal(recordStructureByName(" l1cd ")!.spec, L1CD);
  assert.equal(recordStructureByName("f_translation")!.name, "F_TRANSLATION");
  assert.equal(recordStructureByName("IDR0")!.name, "SMMU_IDR0");
  assert.equal(recordStructureByName("SYNC")!.name, "CMD_SYNC");
  assert.equal(recordStructureByName("CMD_CFGI_ALL")!.name, "CMD_CFGI_STE_RANGE");
  assert.equal(recordStructureByName("s1_page_4k")!.spec, descriptorSpec(1, "page", "4K"));
  assert.equal(recordStructureByName("NOPE"), undefined);
  assert.equal(recordStructureByName(""), undefined);
  assert.equal(recordStructureOf(descriptorSpec(2, "table", "64K", true))!.name, "S2_TABLE_64K_52");
});

test("the engine's public API exports the completion and reference functions", () => {
  assert.equal(engine.RECORD_STRUCTURES, RECORD_STRUCTURES);
  assert.equal(typeof engine.fieldCompletions, "function");
  assert.equal(typeof engine.valueCompletions, "function");
  assert.equal(typeof engine.recordStructureByName, "function");
  assert.equal(typeof engine.structureReferenceMarkdown, "function");
  assert.equal(typeof engine.recordReferenceFiles, "function");
});
