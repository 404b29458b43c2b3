// STE/CD/L1STD/L1CD, descriptor and register tables: field positions, exact OA extraction per
// granule, the ID-register profile, and a decode -> encode round trip of every table.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseHex64, packWords } from "../../src/bits/u64";
import { decodeStruct, encodeStruct, fieldValues, getValue, fieldOf, type StructSpec } from "../../src/bits/fields";
import {
  CD,
  COMMANDS,
  EVENT_TYPES,
  L1CD,
  L1STD,
  REGISTERS,
  STE,
  decodeCommand,
  descriptorAddress,
  descriptorSpec,
  profileFromIdRegisters,
  registerByName,
  type DescriptorKind,
} from "../../src/smmuv3/records";
import type { Granule } from "../../src/smmuv3/profile";
import { RECORD_STRUCTURES } from "../../src/bits/completion";

function w(...dwords: string[]): Uint32Array {
  return packWords(dwords.map((d) => parseHex64(d)!));
}

function values(spec: StructSpec, words: ArrayLike<number>): Record<string, string> {
  return Object.fromEntries(decodeStruct(spec, words).fields.map((f) => [f.field, f.value]));
}

test("STE of reference §9.2 decodes to the documented fields", () => {
  const v = values(STE, w("0x180000004800000F", "0x00001000080800D6", "0x044A355800000005", "0x0000000880000000"));
  assert.equal(v["V"], "0x1");
  assert.equal(v["Config"], "0x7");
  assert.equal(v["S1Fmt"], "0x0");
  assert.equal(v["S1ContextPtr"], "0x48000000");
  assert.equal(v["S1CDMax"], "0x3");
  assert.equal(v["S1DSS"], "0x2");
  assert.equal(v["S1CIR"], "0x1");
  assert.equal(v["S1COR"], "0x1");
  assert.equal(v["S1CSH"], "0x3");
  assert.equal(v["MEV"], "0x1");
  assert.equal(v["S1STALLD"], "0x1");
  assert.equal(v["SHCFG"], "0x1");
  assert.equal(v["S2VMID"], "0x5");
  assert.equal(v["S2T0SZ"], "0x18");
  assert.equal(v["S2SL0"], "0x1");
  assert.equal(v["S2IR0"], "0x1");
  assert.equal(v["S2OR0"], "0x1");
  assert.equal(v["S2SH0"], "0x3");
  assert.equal(v["S2TG"], "0x0");
  assert.equal(v["S2PS"], "0x2");
  assert.equal(v["S2AA64"], "0x1");
  assert.equal(v["S2PTW"], "0x1");
  assert.equal(v["S2R"], "0x1");
  assert.equal(v["S2S"], "0x0");
  assert.equal(v["S2TTB"], "0x880000000");
  assert.deepEqual(
    decodeStruct(STE, w("0x180000004800000F", "0x00001000080800D6", "0x044A355800000005", "0x0000000880000000"))
      .reserved,
    [],
  );
});

test("STE positions match Linux arm-smmu-v3.h / reference §2.1 for the fields Linux defines", () => {
  const at = (name: string): number => fieldOf(STE, name).lsb;
  assert.deepEqual(
    [
      "V",
      "Config",
      "S1Fmt",
      "S1ContextPtr",
      "S1CDMax",
      "S1DSS",
      "S1CIR",
      "S1COR",
      "S1CSH",
      "MEV",
      "S2FWB",
      "S1STALLD",
      "EATS",
      "STRW",
      "SHCFG",
    ].map(at),
    [0, 1, 4, 6, 59, 64, 66, 68, 70, 83, 89, 91, 92, 94, 108],
  );
  assert.deepEqual(
    [
      "S2VMID",
      "S2T0SZ",
      "S2SL0",
      "S2IR0",
      "S2OR0",
      "S2SH0",
      "S2TG",
      "S2PS",
      "S2AA64",
      "S2ENDI",
      "S2AFFD",
      "S2PTW",
      "S2HD",
      "S2HA",
      "S2S",
      "S2R",
      "S2TTB",
    ].map(at),
    [128, 160, 166, 168, 170, 172, 174, 176, 179, 180, 181, 182, 183, 184, 185, 186, 196],
  );
  // reserved bits of the STE: DW0[58:56], DW1[43:41], DW3[60:56], DW3[63]...
  const d = decodeStruct(STE, w("0x0700000000000000", "0x00000E0000000000", "0x0", "0x9F00000000000000"));
  assert.deepEqual(
    d.reserved.map((r) => r.ranges),
    [["dword0[58:56]"], ["dword1[43:41]"], ["dword3[60:56]", "dword3[63]"]],
  );
});

test("CD of reference §9.2 decodes to the documented fields", () => {
  const v = values(CD, w("0x00016202C0003519", "0x0000000040000000"));
  assert.deepEqual(
    [
      v["T0SZ"],
      v["TG0"],
      v["IR0"],
      v["OR0"],
      v["SH0"],
      v["EPD1"],
      v["V"],
      v["IPS"],
      v["AA64"],
      v["R"],
      v["A"],
      v["ASID"],
      v["TTB0"],
    ],
    ["0x19", "0x0", "0x1", "0x1", "0x3", "0x1", "0x1", "0x2", "0x1", "0x1", "0x1", "0x1", "0x40000000"],
  );
  assert.equal(fieldOf(CD, "TTB0").lsb, 64 + 4);
  assert.equal(fieldOf(CD, "TTB1").lsb, 128 + 4);
  assert.equal(fieldOf(CD, "MAIR0").lsb, 192);
  assert.equal(fieldOf(CD, "TBI1").lsb, 39);
});

test("L1STD and L1CD", () => {
  const s = values(L1STD, w("0x000000007e04c009"));
  assert.deepEqual([s["Span"], s["L2Ptr"]], ["0x9", "0x7e04c000"]);
  const c = values(L1CD, w("0x0000000123456001"));
  assert.deepEqual([c["V"], c["L2Ptr"]], ["0x1", "0x123456000"]);
  assert.deepEqual(decodeStruct(L1CD, w("0x0000000123456801")).reserved[0]!.ranges, ["dword0[11]"]);
});

// [stage, kind, granule, ds, level, descriptor, expected address, extra field checks]
const DESCRIPTORS: [
  1 | 2,
  DescriptorKind,
  Granule,
  boolean,
  number | undefined,
  string,
  number,
  Record<string, string>,
][] = [
  // reference §9.3 leaf: AttrIndx 1, AP 0b11, SH ISH, AF, nG, PXN, UXN
  [
    1,
    "page",
    "4K",
    false,
    undefined,
    "0x0060000812345FC7",
    0x812345000,
    { AttrIndx: "0x1", AP: "0x3", SH: "0x3", AF: "0x1", nG: "0x1", PXN: "0x1", UXN: "0x1", NS: "0x0" },
  ],
  [1, "page", "16K", false, undefined, "0x0000000812344403", 0x812344000, { AF: "0x1" }],
  [1, "page", "64K", false, undefined, "0x0000000812340403", 0x812340000, { AF: "0x1" }],
  // 52-bit: 64KB OA[51:48] in bits [15:12]
  [1, "page", "64K", true, undefined, "0x000000001234A403", 0xa000012340000, { OutputAddressHi: "0xa000000000000" }],
  // 52-bit: 4KB with DS, OA[49:48] in [49:48], OA[51:50] in [9:8]
  [
    1,
    "page",
    "4K",
    true,
    undefined,
    "0x0003000812345703",
    0xf000812345000,
    { OutputAddressHi: "0xc000000000000", AF: "0x1" },
  ],
  [1, "page", "16K", true, undefined, "0x0001000812344203", 0x9000812344000, {}],
  [1, "block", "4K", false, 1, "0x0000000040000401", 0x40000000, { AF: "0x1", nT: "0x0" }],
  [1, "block", "4K", false, 2, "0x0000000080210401", 0x80200000, { nT: "0x1" }],
  [1, "block", "4K", true, 0, "0x0000008000000401", 0x8000000000, {}],
  [1, "block", "16K", false, 2, "0x0000000102000401", 0x102000000, {}],
  [1, "block", "64K", false, 2, "0x0000000020000401", 0x20000000, {}],
  [1, "block", "64K", true, 1, "0x0000040000001401", 0x1040000000000, {}],
  [
    1,
    "table",
    "4K",
    false,
    undefined,
    "0x6000000041001003",
    0x41001000,
    { APTable: "0x3", UXNTable: "0x0", PXNTable: "0x0", NSTable: "0x0" },
  ],
  [1, "table", "16K", false, undefined, "0x0000000041004003", 0x41004000, {}],
  [1, "table", "64K", false, undefined, "0x1800000041010003", 0x41010000, { UXNTable: "0x1", PXNTable: "0x1" }],
  [1, "table", "64K", true, undefined, "0x0000000041013003", 0x3000041010000, {}],
  [
    1,
    "table",
    "4K",
    true,
    undefined,
    "0x0002000041001203",
    0xa000041001000,
    { NextLevelTableAddrHi: "0x8000000000000" },
  ],
  // stage 2: MemAttr 0xF, S2AP RW, SH ISH, AF, XN[1:0] = 0b10
  [
    2,
    "page",
    "4K",
    false,
    undefined,
    "0x00400008123457FF",
    0x812345000,
    { MemAttr: "0xf", S2AP: "0x3", SH: "0x3", AF: "0x1", XN: "0x2" },
  ],
  [2, "page", "64K", true, undefined, "0x0000000012341447", 0x1000012340000, { S2AP: "0x1", MemAttr: "0x1" }],
  [2, "block", "16K", false, 2, "0x0000000006000401", 0x6000000, {}],
  [2, "table", "4K", false, undefined, "0x0000000880001003", 0x880001000, {}],
];

for (const [stage, kind, granule, ds, level, desc, addr, checks] of DESCRIPTORS) {
  test(`descriptor S${stage} ${kind} ${granule}${ds ? " 52-bit" : ""}${level !== undefined ? ` L${level}` : ""}: exact address`, () => {
    const spec = descriptorSpec(stage, kind, granule, ds, level);
    assert.equal(spec.dwords, 1);
    const words = w(desc);
    assert.equal(descriptorAddress(spec, words), addr);
    const v = values(spec, words);
    for (const [k, x] of Object.entries(checks)) assert.equal(v[k], x, k);
    assert.deepEqual(decodeStruct(spec, words).reserved, [], "no reserved bit set");
  });
}

test("descriptor tables: reserved bits and layouts that differ by granule", () => {
  // 16KB table: NLTA bits [13:12] are RES0
  assert.deepEqual(decodeStruct(descriptorSpec(1, "table", "16K"), w("0x0000000041005003")).reserved[0]!.ranges, [
    "dword0[12]",
  ]);
  // 64KB page without 52-bit PA: [15:12] RES0
  assert.deepEqual(decodeStruct(descriptorSpec(1, "page", "64K"), w("0x000000001234A403")).reserved[0]!.ranges, [
    "dword0[13]",
    "dword0[15]",
  ]);
  // 4KB L1 block: OA[29:21] RES0
  assert.deepEqual(
    decodeStruct(descriptorSpec(1, "block", "4K", false, 1), w("0x0000000040200401")).reserved[0]!.ranges,
    ["dword0[21]"],
  );
  // with DS, bits [9:8] are OA[51:50], not SH
  assert.equal(descriptorSpec(1, "page", "4K", true).byName.has("SH"), false);
  assert.equal(descriptorSpec(1, "page", "4K", false).byName.get("SH")!.lsb, 8);
  // stage 2 has no AP/PXN; stage 1 table has APTable
  assert.equal(descriptorSpec(2, "page", "4K").byName.has("AP"), false);
  assert.equal(descriptorSpec(2, "table", "4K").byName.has("APTable"), false);
  assert.equal(descriptorSpec(1, "page", "4K"), descriptorSpec(1, "page", "4K"), "tables are cached");
  const typeMeaning = (kind: DescriptorKind, d: string): string =>
    decodeStruct(descriptorSpec(1, kind, "4K"), w(d)).fields.find((f) => f.field === "Type")!.meaning;
  assert.deepEqual(
    [
      typeMeaning("page", "0x3"),
      typeMeaning("page", "0x1"),
      typeMeaning("block", "0x1"),
      typeMeaning("table", "0x3"),
      typeMeaning("table", "0x2"),
    ],
    ["page", "Reserved (invalid at level 3)", "block", "table", "invalid"],
  );
  assert.equal(
    getValue(w("0x0000000080210401"), fieldOf(descriptorSpec(1, "block", "4K", false, 2), "OutputAddress")).lo,
    0x80200000,
  );
});

test("registers: offsets, widths and the fields Linux uses", () => {
  const r = (name: string) => registerByName(name)!;
  assert.deepEqual(
    [
      "IDR0",
      "IDR1",
      "IDR3",
      "IDR5",
      "IIDR",
      "AIDR",
      "CR0",
      "CR1",
      "CR2",
      "GERROR",
      "GERRORN",
      "STRTAB_BASE",
      "STRTAB_BASE_CFG",
      "CMDQ_BASE",
      "CMDQ_PROD",
      "CMDQ_CONS",
      "EVENTQ_BASE",
      "EVENTQ_PROD",
      "EVENTQ_CONS",
      "PRIQ_BASE",
      "PRIQ_PROD",
      "PRIQ_CONS",
    ].map((n) => r(n).offset),
    [
      0x0, 0x4, 0xc, 0x14, 0x18, 0x1c, 0x20, 0x28, 0x2c, 0x60, 0x64, 0x80, 0x88, 0x90, 0x98, 0x9c, 0xa0, 0xa8, 0xac,
      0xc0, 0xc8, 0xcc,
    ],
  );
  assert.equal(r("STRTAB_BASE").width, 64);
  assert.equal(r("SMMU_CR0").width, 32);
  for (const reg of REGISTERS) {
    if (reg.width === 32) for (const f of reg.struct.fields) assert.ok(f.lsb + f.width <= 32, `${reg.name}.${f.name}`);
  }
  const cfg = values(r("STRTAB_BASE_CFG").struct, [0x10218, 0]);
  assert.deepEqual([cfg["FMT"], cfg["SPLIT"], cfg["LOG2SIZE"]], ["0x1", "0x8", "0x18"]);
  const cons = decodeStruct(r("CMDQ_CONS").struct, [0x01000005, 0]);
  assert.equal(cons.fields.find((f) => f.field === "ERR")!.meaning, "CERROR_ILL");
  const base = values(r("STRTAB_BASE").struct, w("0x4000000080000000"));
  assert.deepEqual([base["ADDR"], base["RA"]], ["0x80000000", "0x1"]);
});

test("profileFromIdRegisters: a QEMU-like SMMU and a feature-rich one", () => {
  // IDR0: S2P S1P TTF=AArch64 COHACC ASID16 TTENDIAN=LE STALL_MODEL=1 TERM_MODEL ST_LEVEL=2-level
  const q = profileFromIdRegisters(0x0d40101b, 0x10, 0, 0x404, 0, 0x54);
  assert.equal(q.OAS, 44);
  assert.equal(q.IAS, 44);
  assert.deepEqual([...q.granules].sort(), ["4K", "64K"]);
  assert.deepEqual([...q.stages].sort(), ["S1", "S2"]);
  assert.deepEqual([...q.TTF], ["AArch64"]);
  assert.equal(q.TTENDIAN, "LE");
  assert.equal(q.STALL_MODEL, 1);
  assert.equal(q.TERM_MODEL, 1);
  assert.equal(q.ST_LEVEL, "2-level");
  assert.equal(q.SIDSIZE, 16);
  assert.equal(q.SSIDSIZE, 0);
  assert.equal(q.HAD, 1);
  assert.equal(q.ASID16, 1);
  assert.equal(q.VMID16, 0);
  assert.equal(q.CD2L, 0);
  assert.equal(q.HTTU, "none");
  assert.equal(q.COHACC, 1);
  // HTTU AF+dirty (2), Hyp, ATS, PRI, VMID16, CD2L, TTF both, mixed endian, stall model 0;
  // IDR1 SSIDSIZE 20, SIDSIZE 32, ATTR_PERMS_OVR; IDR3 STT XNX E0PD FWB; IDR5 OAS 52, all granules, DS, VAX 52-bit
  const idr0 = 0x3 | (3 << 2) | (2 << 6) | (1 << 9) | (1 << 10) | (1 << 16) | (1 << 18) | (1 << 19);
  const idr1 = 32 | (20 << 6) | (1 << 26);
  const idr3 = (1 << 9) | (1 << 4) | (1 << 13) | (1 << 8);
  const idr5 = 6 | 0x70 | (1 << 7) | (1 << 10);
  const p = profileFromIdRegisters(idr0, idr1, 0, idr3, 0, idr5);
  assert.equal(p.OAS, 52);
  assert.equal(p.IAS, 52);
  assert.deepEqual([...p.TTF].sort(), ["AArch32", "AArch64"]);
  assert.equal(p.HTTU, "AF+dirty");
  assert.deepEqual(
    [
      p.Hyp,
      p.ATS,
      p.PRI,
      p.VMID16,
      p.CD2L,
      p.STALL_MODEL,
      p.TERM_MODEL,
      p.SSIDSIZE,
      p.SIDSIZE,
      p.ATTR_PERMS_OVR,
      p.STT,
      p.XNX,
      p.E0PD,
      p.FWB,
      p.DS,
      p.VAX,
    ],
    [1, 1, 1, 1, 1, 0, 0, 20, 32, 1, 1, 1, 1, 1, 1, 1],
  );
  assert.equal(p.TTENDIAN, "mixed");
  assert.equal(p.ST_LEVEL, "linear");
  // 32-bit-only SMMU: IAS is 40
  assert.equal(profileFromIdRegisters(0x3 | (1 << 2), 0, 0, 0, 0, 2).IAS, 40);
});

// Every table defined by the records module, for the round-trip property.
function allStructs(): StructSpec[] {
  const out: StructSpec[] = [STE, CD, L1STD, L1CD];
  for (const t of EVENT_TYPES) out.push(t.struct);
  for (const c of COMMANDS) out.push(c.struct);
  for (const r of REGISTERS) out.push(r.struct);
  for (const stage of [1, 2] as const) {
    for (const g of ["4K", "16K", "64K"] as const) {
      for (const ds of [false, true]) {
        out.push(descriptorSpec(stage, "table", g, ds), descriptorSpec(stage, "page", g, ds));
        for (const level of [undefined, 0, 1, 2]) out.push(descriptorSpec(stage, "block", g, ds, level));
      }
    }
  }
  return out;
}

test("property: every StructSpec round-trips every bit (decode -> encode from reserved-only base)", () => {
  const structs = allStructs();
  assert.ok(structs.length > 100);
  for (const spec of structs) {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: spec.dwords * 2, maxLength: spec.dwords * 2 }),
        (arr) => {
          const words = Uint32Array.from(arr);
          const reservedOnly = words.map((x, i) => x & spec.reservedMask[i]!);
          const again = encodeStruct(spec, fieldValues(spec, words), reservedOnly);
          assert.deepEqual(again.problems, []);
          assert.deepEqual([...again.words], [...words], spec.name);
        },
      ),
      { numRuns: 40 },
    );
  }
});

// The tables name a Reserved encoding "Reserved" or "Reserved (<what it behaves as>)"; decode,
// completion and the reference docs mark a value reserved only through `reservedValues`, so a
// value named Reserved must be listed there too (IHI 0070 §6.3.1 ST_LEVEL 0b1x, §6.3.6 VAX 0b11,
// §6.3.25 FMT 0b1x, §4.7.3 MSH 0b01; DDI 0487 D8.3 level-3 descriptor 0b01).
test("every value a table names Reserved is in the field's reservedValues (all RECORD_STRUCTURES)", () => {
  const missing: string[] = [];
  let named = 0;
  for (const r of RECORD_STRUCTURES) {
    for (const f of r.spec.fields) {
      for (const [raw, name] of Object.entries(f.values ?? {})) {
        if (!/^reserved\b/i.test(name)) continue;
        named++;
        if (!(f.reservedValues ?? []).includes(Number(raw))) missing.push(`${r.name}.${f.name}=${raw} (${name})`);
      }
    }
  }
  assert.ok(named > 20, `the walk saw ${named} Reserved names`);
  assert.deepEqual(missing, []);
});

test("Reserved encodings decode as reserved: ST_LEVEL, VAX, STRTAB FMT, level-3 Type 0b01, CMD_SYNC MSH", () => {
  const reservedOf = (spec: StructSpec, words: ArrayLike<number>, name: string): boolean =>
    decodeStruct(spec, words).fields.find((f) => f.field === name)!.reservedValue;
  const reg = (name: string): StructSpec => registerByName(name)!.struct;
  assert.deepEqual(
    [1, 2, 3].map((v) => reservedOf(reg("IDR0"), [v << 27, 0], "ST_LEVEL")),
    [false, true, true],
  );
  assert.deepEqual(
    [2, 3].map((v) => reservedOf(reg("IDR5"), [v << 10, 0], "VAX")),
    [false, true],
  );
  assert.deepEqual(
    [1, 2, 3].map((v) => reservedOf(reg("STRTAB_BASE_CFG"), [v << 16, 0], "FMT")),
    [false, true, true],
  );
  for (const stage of [1, 2] as const) {
    assert.equal(reservedOf(descriptorSpec(stage, "page", "4K"), [1, 0], "Type"), true);
    assert.equal(reservedOf(descriptorSpec(stage, "page", "4K"), [3, 0], "Type"), false);
    assert.equal(reservedOf(descriptorSpec(stage, "block", "4K"), [1, 0], "Type"), false);
  }
  // MSH 0b01 is Reserved but treated as 0b00 (§4.7.3): reported, without CERROR_ILL; CS 0b11 still is.
  assert.deepEqual(decodeCommand([0x46 | (1 << 22), 0, 0, 0]).problems, [
    "MSH 0x1 is Reserved for CMD_SYNC: the SMMU treats it as NSH",
  ]);
  assert.deepEqual(decodeCommand([0x46 | (3 << 12), 0, 0, 0]).problems, ["CS 0x3 is ILLEGAL for CMD_SYNC: CERROR_ILL"]);
});
