// Event records: the shared vectors decode to exactly their fields; every event type round-trips
// through encodeEvent/decodeEvent with exact dwords; undefined bits and unknown ids are problems.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseHex64, packWords, type U64 } from "../../src/bits/u64";
import { decodeStruct, encodeStruct, fieldValues } from "../../src/bits/fields";
import { EVENT_TYPES, decodeEvent, encodeEvent, eventTypeById, eventTypeByName } from "../../src/smmuv3/records";
import { readEventVectors } from "./shared-vectors";

function words(raw: readonly string[]): Uint32Array {
  return packWords(raw.map((t) => parseHex64(t) ?? { lo: 0xdead, hi: 0xdead }));
}

const vectors = readEventVectors();

const SEED_PROBLEM =
  "dword1..3 are not defined for C_BAD_STE and are not zero: RES0 per Arm IHI 0070 §7.3 (portions of an event record not explicitly defined are RES0; C_BAD_STE is §7.3.5), so this is non-architectural content";

test("the shared event vectors are there", () => {
  assert.ok(vectors.length >= 59, `only ${vectors.length} vectors`);
});

for (const v of vectors) {
  test(`shared vector ${v.id}`, () => {
    const d = decodeEvent(words(v.raw));
    assert.equal("0x" + d.id.toString(16), v.expected.id);
    assert.equal(d.name, v.expected.name);
    const got = new Map(d.fields.map((f) => [f.field, f.value]));
    for (const [name, value] of Object.entries(v.expected.fields)) assert.equal(got.get(name), value, name);
    // every decoded field is one the type defines
    for (const f of d.fields) assert.ok(d.type!.struct.byName.has(f.field), f.field);
    // QEMU writes the whole stage-2 input address into DW3 (reference §10 #8): the IPA's low bits
    // land in DW3[11:0], which F_TRANSLATION-family records do not define; nothing else may be set.
    const s2 = got.get("S2") === "0x1";
    if (v.id.startsWith("qemu-")) for (const p of d.problems) assert.ok(s2 && /^dword3\[/.test(p), p);
    else assert.deepEqual(d.problems, [SEED_PROBLEM]);
  });
}

test("seed C_BAD_STE: dwords 1..3 are reported as not defined and not zero", () => {
  const d = decodeEvent(
    words(["0x00007d1100000004", "0x0000100800000080", "0x00000000fe040000", "0x000000007e04c440"]),
  );
  assert.equal(d.name, "C_BAD_STE");
  assert.deepEqual(
    d.fields.map((f) => [f.field, f.value]),
    [
      ["SSV", "0x0"],
      ["SubstreamID", "0x0"],
      ["StreamID", "0x7d11"],
    ],
  );
  assert.deepEqual(d.problems, [SEED_PROBLEM]);
  assert.match(d.summary, /^StreamID 0x7d11: the STE is not valid or is ILLEGAL/);
});

test("enumerations are decoded in meaning", () => {
  // reference §9.2: nested stage-2 F_TRANSLATION with CLASS=TT
  const d = decodeEvent(
    words(["0x0000010000005810", "0x0000018800000000", "0x0000000080201ABC", "0x000000007FE00000"]),
  );
  const m = Object.fromEntries(d.fields.map((f) => [f.field, f.meaning]));
  assert.equal(m["CLASS"], "TT");
  assert.equal(m["RnW"], "read");
  assert.equal(m["S2"], "stage 2");
  assert.equal(m["SSV"], "");
  const v = Object.fromEntries(d.fields.map((f) => [f.field, f.value]));
  assert.equal(v["SubstreamID"], "0x5");
  assert.equal(v["StreamID"], "0x100");
  assert.equal(v["IPA"], "0x7fe00000");
  assert.equal(v["InputAddr"], "0x80201abc");
  assert.deepEqual(d.problems, []);
});

test("bits in a defined dword but outside the type's fields are problems with their position", () => {
  // F_TRANSLATION (stage 1, CLASS IN) with DW0[10:8] set and TTRnW (DW1[44], only F_PERMISSION
  // defines it) set
  const d = decodeEvent(words(["0x0000001100000710", "0x0000120000000000", "0x0", "0x0"]));
  assert.deepEqual(d.problems, [
    "dword0[10:8] are not defined for F_TRANSLATION and are not zero: RES0 per Arm IHI 0070 §7.3 (portions of an event record not explicitly defined are RES0; F_TRANSLATION is §7.3.13), so this is non-architectural content",
    "dword1[44] is not defined for F_TRANSLATION and is not zero: RES0 per Arm IHI 0070 §7.3 (portions of an event record not explicitly defined are RES0; F_TRANSLATION is §7.3.13), so this is non-architectural content",
  ]);
  const p = decodeEvent(words(["0x0000001100000013", "0x0000138000000000", "0x0", "0x0"]));
  assert.deepEqual(p.problems, ["CLASS 0x3 is a Reserved encoding"]);
  assert.equal(p.fields.find((f) => f.field === "TTRnW")?.value, "0x1");
});

test("unknown and IMPLEMENTATION DEFINED ids decode to a record with a problem", () => {
  const u = decodeEvent(new Uint32Array([0x0000_0042, 0x11, 0, 0, 0, 0, 0, 0]));
  assert.equal(u.id, 0x42);
  assert.equal(u.name, "UNKNOWN_0x42");
  assert.equal(u.type, undefined);
  assert.deepEqual(u.fields, []);
  assert.equal(u.problems.length, 1);
  assert.match(u.problems[0]!, /Reserved/);
  const i = decodeEvent(new Uint32Array([0xe3, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(i.name, "IMPDEF_0xe3");
  assert.match(i.problems[0]!, /IMPLEMENTATION DEFINED/);
  const short = decodeEvent([0x04]);
  assert.equal(short.name, "C_BAD_STE");
  assert.match(short.problems[0]!, /only 1 halves/);
});

test("every event id 0x01..0x25 of §1.2 is in EVENT_TYPES with the names of the reference", () => {
  const expected: [number, string][] = [
    [0x01, "F_UUT"],
    [0x02, "C_BAD_STREAMID"],
    [0x03, "F_STE_FETCH"],
    [0x04, "C_BAD_STE"],
    [0x05, "F_BAD_ATS_TREQ"],
    [0x06, "F_STREAM_DISABLED"],
    [0x07, "F_TRANSL_FORBIDDEN"],
    [0x08, "C_BAD_SUBSTREAMID"],
    [0x09, "F_CD_FETCH"],
    [0x0a, "C_BAD_CD"],
    [0x0b, "F_WALK_EABT"],
    [0x10, "F_TRANSLATION"],
    [0x11, "F_ADDR_SIZE"],
    [0x12, "F_ACCESS"],
    [0x13, "F_PERMISSION"],
    [0x20, "F_TLB_CONFLICT"],
    [0x21, "F_CFG_CONFLICT"],
    [0x24, "E_PAGE_REQUEST"],
    [0x25, "F_VMS_FETCH"],
  ];
  assert.deepEqual(
    EVENT_TYPES.map((t) => [t.id, t.name]),
    expected,
  );
  for (const [id, name] of expected) {
    assert.equal(eventTypeById(id)?.name, name);
    assert.equal(eventTypeByName(name)?.id, id);
    assert.equal(eventTypeByName(name.toLowerCase())?.id, id);
  }
  assert.equal(eventTypeById(0x0c), undefined);
  assert.equal(eventTypeByName("F_NOPE"), undefined);
});

// Exact field sets per event type (reference §1.3), in table order, without Type.
const FIELD_SETS: Record<string, string[]> = {
  F_UUT: ["SSV", "SubstreamID", "StreamID", "Reason", "PnU", "InD", "RnW", "InputAddr"],
  C_BAD_STREAMID: ["SSV", "SubstreamID", "StreamID"],
  F_STE_FETCH: ["SSV", "SubstreamID", "StreamID", "Reason", "GPCF", "FetchAddr"],
  C_BAD_STE: ["SSV", "SubstreamID", "StreamID"],
  F_BAD_ATS_TREQ: ["SSV", "SubstreamID", "StreamID", "Span", "P", "X", "W", "R", "InputAddr"],
  F_STREAM_DISABLED: ["StreamID"],
  F_TRANSL_FORBIDDEN: ["StreamID", "RnW", "InputAddr"],
  C_BAD_SUBSTREAMID: ["SubstreamID", "StreamID"],
  F_CD_FETCH: ["SSV", "SubstreamID", "StreamID", "Reason", "GPCF", "FetchAddr"],
  C_BAD_CD: ["SSV", "SubstreamID", "StreamID"],
  F_WALK_EABT: [
    "SSV",
    "SubstreamID",
    "StreamID",
    "Reason",
    "GPCF",
    "PnU",
    "InD",
    "RnW",
    "S2",
    "CLASS",
    "InputAddr",
    "FetchAddr",
  ],
  F_TRANSLATION: [
    "SSV",
    "SubstreamID",
    "StreamID",
    "STAG",
    "Stall",
    "PnU",
    "InD",
    "RnW",
    "S2",
    "CLASS",
    "InputAddr",
    "NSIPA",
    "IPA",
  ],
  F_ADDR_SIZE: [
    "SSV",
    "SubstreamID",
    "StreamID",
    "STAG",
    "Stall",
    "PnU",
    "InD",
    "RnW",
    "S2",
    "CLASS",
    "InputAddr",
    "NSIPA",
    "IPA",
  ],
  F_ACCESS: [
    "SSV",
    "SubstreamID",
    "StreamID",
    "STAG",
    "Stall",
    "PnU",
    "InD",
    "RnW",
    "S2",
    "CLASS",
    "InputAddr",
    "NSIPA",
    "IPA",
  ],
  F_PERMISSION: [
    "SSV",
    "SubstreamID",
    "StreamID",
    "STAG",
    "Stall",
    "PnU",
    "InD",
    "RnW",
    "S2",
    "CLASS",
    "TTRnW",
    "InputAddr",
    "NSIPA",
    "IPA",
  ],
  F_TLB_CONFLICT: ["SSV", "SubstreamID", "StreamID", "Reason", "PnU", "InD", "RnW", "S2", "InputAddr", "IPA"],
  F_CFG_CONFLICT: ["SSV", "SubstreamID", "StreamID", "Reason"],
  E_PAGE_REQUEST: ["SSV", "SubstreamID", "StreamID", "uX", "uW", "uR", "pX", "pW", "pR", "Span", "InputAddr"],
  F_VMS_FETCH: ["SSV", "SubstreamID", "StreamID", "Reason", "GPCF", "FetchAddr"],
};

/** A value for each field that fills it with a recognisable pattern (all ones, within range). */
function fullValue(width: number, shift: number): U64 {
  const lo = width >= 32 ? 0xffffffff : (2 ** width - 1) >>> 0;
  const hi = width > 32 ? (width >= 64 ? 0xffffffff : (2 ** (width - 32) - 1) >>> 0) : 0;
  // shift the raw value into an address
  const v = { lo, hi };
  if (!shift) return v;
  return {
    lo: shift >= 32 ? 0 : (v.lo << shift) >>> 0,
    hi: shift >= 32 ? (v.lo << (shift - 32)) >>> 0 : ((v.hi << shift) | (v.lo >>> (32 - shift))) >>> 0,
  };
}

function back0(d: ReturnType<typeof decodeEvent>, name: string): string {
  return d.fields.find((x) => x.field === name)?.value ?? "?";
}

for (const type of EVENT_TYPES) {
  test(`${type.name}: exactly the §1.3 fields, exact dwords, round trip`, () => {
    assert.deepEqual(
      type.struct.fields.filter((f) => f.name !== "Type").map((f) => f.name),
      FIELD_SETS[type.name],
    );
    // each field alone, all ones: exact dword bits at its position, decoded back exactly. Records
    // with S2 are stage-2 ones (S2 = 1, DW1[39]), where NSIPA may be set (§7.3).
    const hasS2 = type.struct.byName.has("S2");
    for (const f of type.struct.fields) {
      if (f.name === "Type") continue;
      const value = fullValue(f.width, f.shift);
      const { words: w, problems } = encodeEvent(type.name, {
        ...(hasS2 ? { S2: { lo: 1, hi: 0 } } : {}),
        [f.name]: value,
      });
      assert.deepEqual(problems, []);
      assert.equal(w[0]! & 0xff, type.id);
      // the set bits are exactly the field's bits plus Type (and S2)
      const expected = new Uint32Array(8);
      expected[0] = type.id;
      if (hasS2) expected[3] = 1 << 7;
      for (let b = f.lsb; b < f.lsb + f.width; b++) expected[b >>> 5]! |= 1 << (b & 31);
      assert.deepEqual([...w], [...expected], f.name);
      const d = decodeEvent(w);
      assert.deepEqual(
        d.problems,
        f.reservedValues?.includes(fullValue(f.width, 0).lo)
          ? [`${f.name} ${back0(d, f.name)} is a Reserved encoding`]
          : [],
        f.name,
      );
      const back = d.fields.find((x) => x.field === f.name)!;
      assert.deepEqual(back.raw, { lo: fullValue(f.width, 0).lo, hi: fullValue(f.width, 0).hi }, f.name);
    }
  });
}

test("F_PERMISSION of reference §9.3 encodes to the documented dwords", () => {
  const r = encodeEvent("F_PERMISSION", {
    StreamID: { lo: 0x42, hi: 0 },
    CLASS: { lo: 2, hi: 0 },
    InputAddr: { lo: 0xfffff040, hi: 0 },
  });
  assert.deepEqual([...r.words], [0x13, 0x42, 0, 0x200, 0xfffff040, 0, 0, 0]);
  const b = encodeEvent(0x13, {
    StreamID: { lo: 0x42, hi: 0 },
    CLASS: { lo: 2, hi: 0 },
    PnU: { lo: 1, hi: 0 },
    RnW: { lo: 1, hi: 0 },
  });
  assert.deepEqual([...b.words.slice(2, 4)], [0, 0x20a]);
});

test("encodeEvent reports undefined fields, misaligned addresses and unknown types", () => {
  assert.deepEqual(encodeEvent("C_BAD_STE", { InputAddr: { lo: 1, hi: 0 } }).problems, [
    "C_BAD_STE does not define a field named InputAddr",
  ]);
  const mis = encodeEvent("F_TRANSLATION", { IPA: { lo: 0x1234, hi: 0 } });
  assert.equal(mis.problems.length, 1);
  assert.match(mis.problems[0]!, /aligned/);
  const unk = encodeEvent(0x42, {});
  assert.equal(unk.words[0], 0x42);
  assert.match(unk.problems[0]!, /not an SMMUv3 event type/);
  assert.match(encodeEvent("NOPE", {}).problems[0]!, /not an SMMUv3 event type/);
});

test("property: event structs round-trip every bit (decode -> encode)", () => {
  const word32 = fc.integer({ min: 0, max: 0xffffffff });
  fc.assert(
    fc.property(fc.constantFrom(...EVENT_TYPES), fc.array(word32, { minLength: 8, maxLength: 8 }), (type, arr) => {
      const w = Uint32Array.from(arr);
      w[0] = (w[0]! & ~0xff) | type.id;
      const again = encodeStruct(
        type.struct,
        fieldValues(type.struct, w),
        w.map((x, i) => x & type.struct.reservedMask[i]!),
      );
      assert.deepEqual([...again.words], [...w]);
      assert.equal(decodeStruct(type.struct, w).fields.length, type.struct.fields.length);
    }),
    { numRuns: 200 },
  );
});

test("property: decodeEvent never throws on random words and agrees with the generic decoder", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 0, maxLength: 10 }), (arr) => {
      const d = decodeEvent(arr);
      if (d.type) {
        const generic = decodeStruct(d.type.struct, arr);
        const byName = new Map(generic.fields.map((f) => [f.field, f.value]));
        for (const f of d.fields) assert.equal(f.value, byName.get(f.field), f.field);
      }
    }),
    { numRuns: 300 },
  );
});

// Every field of every event type at the absolute record bit positions [hi, lo] that the sources
// give, written out here (not read back from the tables), so a wrong table position fails.
// Sources: Linux arm-smmu-v3.h EVTQ_* (DW0 SSV/SSID/SID, DW1 STAG/STALL/PnU/InD/RnW/S2/CLASS/
// TT_READ, DW2 ADDR, DW3 IPA/FETCH_ADDR), QEMU smmuv3-internal.h EVT_SET_*, and the text of the
// Arm IHI 0070 §7.3 record figures (wuyongzheng/arm-md-specs smmu/smmu-7.3.md). Positions that no
// public source settles are marked "unverified": they follow reference §1.3 (docs/SPEC-NOTES.md).
type Position = readonly [hi: number, lo: number];
const COMMON: Record<string, Position> = { SSV: [11, 11], SubstreamID: [31, 12], StreamID: [63, 32] };
const TRANSLATION: Record<string, Position> = {
  ...COMMON,
  STAG: [79, 64],
  Stall: [95, 95],
  PnU: [97, 97],
  InD: [98, 98],
  RnW: [99, 99],
  S2: [103, 103],
  CLASS: [105, 104],
  InputAddr: [191, 128],
  NSIPA: [192, 192], // unverified (the F_TRANSLATION-family figures are images in every text found)
  IPA: [247, 204],
};
const FETCH: Record<string, Position> = { ...COMMON, Reason: [79, 64], GPCF: [80, 80], FetchAddr: [247, 195] };
const POSITIONS: Record<string, Record<string, Position>> = {
  F_UUT: { ...COMMON, Reason: [79, 64], PnU: [97, 97], InD: [98, 98], RnW: [99, 99], InputAddr: [191, 128] },
  C_BAD_STREAMID: COMMON,
  F_STE_FETCH: FETCH,
  C_BAD_STE: COMMON,
  // unverified: §7.3.6's figure is an image in every text found
  F_BAD_ATS_TREQ: {
    ...COMMON,
    Span: [67, 64],
    P: [92, 92],
    X: [93, 93],
    W: [94, 94],
    R: [95, 95],
    InputAddr: [191, 140],
  },
  F_STREAM_DISABLED: { StreamID: [63, 32] },
  F_TRANSL_FORBIDDEN: { StreamID: [63, 32], RnW: [99, 99], InputAddr: [191, 128] },
  C_BAD_SUBSTREAMID: { SubstreamID: [31, 12], StreamID: [63, 32] },
  F_CD_FETCH: FETCH,
  C_BAD_CD: COMMON,
  F_WALK_EABT: {
    ...FETCH,
    PnU: [97, 97],
    InD: [98, 98],
    RnW: [99, 99],
    S2: [103, 103],
    CLASS: [105, 104],
    InputAddr: [191, 128],
  },
  F_TRANSLATION: TRANSLATION,
  F_ADDR_SIZE: TRANSLATION,
  F_ACCESS: TRANSLATION,
  F_PERMISSION: { ...TRANSLATION, TTRnW: [108, 108] },
  F_TLB_CONFLICT: {
    ...COMMON,
    Reason: [79, 64], // width unverified (§7.3.17's figure is an image)
    PnU: [97, 97],
    InD: [98, 98],
    RnW: [99, 99],
    S2: [103, 103],
    InputAddr: [191, 128],
    IPA: [247, 204],
  },
  F_CFG_CONFLICT: { ...COMMON, Reason: [95, 64] },
  E_PAGE_REQUEST: {
    ...COMMON,
    uX: [97, 97],
    uW: [98, 98],
    uR: [99, 99],
    pX: [101, 101],
    pW: [102, 102],
    pR: [103, 103],
    Span: [115, 108],
    InputAddr: [191, 140],
  },
  F_VMS_FETCH: FETCH,
};

/**
 * A record of this type with exactly bits [hi:lo] set, plus the event number and, for records with
 * S2 (bit 103), S2 = 1: a stage-2 fault, where NSIPA may be set (§7.3).
 */
function recordWithBits(id: number, [hi, lo]: Position, stage2: boolean): Uint32Array {
  const w = new Uint32Array(8);
  w[0] = id;
  if (stage2) w[3] = 1 << 7;
  for (let b = lo; b <= hi; b++) w[b >>> 5]! |= 1 << (b & 31);
  return w;
}

for (const type of EVENT_TYPES) {
  test(`${type.name}: every field at the record bits the sources give`, () => {
    const positions = POSITIONS[type.name]!;
    assert.deepEqual(
      type.struct.fields.filter((f) => f.name !== "Type").map((f) => f.name),
      Object.keys(positions).sort((a, b) => positions[a]![1] - positions[b]![1]),
    );
    for (const [name, pos] of Object.entries(positions)) {
      const expected = recordWithBits(type.id, pos, "S2" in positions);
      const d = decodeEvent(expected);
      const f = d.fields.find((x) => x.field === name)!;
      // the field covers exactly those bits: all ones, and nothing left over as a problem
      assert.deepEqual(d.problems, name === "CLASS" ? ["CLASS 0x3 is a Reserved encoding"] : [], name);
      assert.equal(f.raw.lo, pos[0] - pos[1] + 1 >= 32 ? 0xffffffff : 2 ** (pos[0] - pos[1] + 1) - 1, name);
      // and encoding the decoded value gives back exactly those dwords
      const again = encodeEvent(type.name, {
        ...("S2" in positions ? { S2: { lo: 1, hi: 0 } } : {}),
        [name]: parseHex64(f.value)!,
      });
      assert.deepEqual([...again.words], [...expected], name);
    }
  });
}

test("F_CFG_CONFLICT: Reason is the whole of DW1[31:0] (IHI 0070 §7.3.18 figure)", () => {
  const r = encodeEvent("F_CFG_CONFLICT", { StreamID: { lo: 0x7d11, hi: 0 }, Reason: { lo: 0xdead_beef, hi: 0 } });
  assert.deepEqual(r.problems, []);
  assert.deepEqual([...r.words], [0x21, 0x7d11, 0xdead_beef, 0, 0, 0, 0, 0]);
  const d = decodeEvent(words(["0x00007d1100000021", "0x0000000080010000", "0x0", "0x0"]));
  assert.equal(d.fields.find((f) => f.field === "Reason")?.value, "0x80010000");
  assert.deepEqual(d.problems, []);
});
