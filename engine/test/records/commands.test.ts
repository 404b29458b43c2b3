// Command queue entries: exact words for every opcode, decode back, and the CERROR_ILL problems.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { U64 } from "../../src/bits/u64";
import {
  COMMANDS,
  commandByName,
  commandByOpcode,
  decodeCommand,
  encodeCommand,
  profileFromIdRegisters,
} from "../../src/smmuv3/records";
import { DEFAULT_PROFILE } from "../../src/smmuv3/profile";

const n = (lo: number, hi = 0): U64 => ({ lo, hi });

// [name, field values, expected halves [dw0.lo, dw0.hi, dw1.lo, dw1.hi]] -- computed by hand from reference §6.2
const CASES: [string, Record<string, U64>, [number, number, number, number]][] = [
  ["CMD_PREFETCH_CONFIG", { StreamID: n(0x7d11), SSV: n(1), SubstreamID: n(5) }, [0x5801, 0x7d11, 0, 0]],
  ["CMD_PREFETCH_ADDR", { StreamID: n(0x10), Size: n(3), Addr: n(0x12345000) }, [0x2, 0x10, 0x12345003, 0]],
  ["CMD_CFGI_STE", { StreamID: n(0x7d11), Leaf: n(1) }, [0x3, 0x7d11, 1, 0]],
  ["CMD_CFGI_STE_RANGE", { Range: n(31) }, [0x4, 0, 31, 0]],
  ["CMD_CFGI_CD", { StreamID: n(0x100), SubstreamID: n(5), Leaf: n(1) }, [0x5005, 0x100, 1, 0]],
  ["CMD_CFGI_CD_ALL", { StreamID: n(0x100) }, [0x6, 0x100, 0, 0]],
  ["CMD_CFGI_VMS_PIDM", { VMID: n(3) }, [0x7, 3, 0, 0]],
  ["CMD_CFGI_CIT", {}, [0x8, 0, 0, 0]],
  ["CMD_CFGI_VSTT_VSID", {}, [0x9, 0, 0, 0]],
  ["CMD_CFGI_VSTT", {}, [0xa, 0, 0, 0]],
  ["CMD_TLBI_NH_ALL", { VMID: n(5) }, [0x10, 5, 0, 0]],
  ["CMD_TLBI_NH_ASID", { VMID: n(5), ASID: n(0x1234) }, [0x11, 0x12340005, 0, 0]],
  [
    "CMD_TLBI_NH_VA",
    { VMID: n(1), ASID: n(2), Leaf: n(1), TG: n(1), TTL: n(3), NUM: n(1), Address: n(0x80001000, 0xffff) },
    [0x1012, 0x00020001, 0x80001701, 0xffff],
  ],
  ["CMD_TLBI_NH_VAA", { VMID: n(1), Address: n(0x2000), Leaf: n(1) }, [0x13, 1, 0x2001, 0]],
  ["CMD_TLBI_EL3_ALL", {}, [0x18, 0, 0, 0]],
  ["CMD_TLBI_EL3_VA", { Address: n(0x3000) }, [0x1a, 0, 0x3000, 0]],
  ["CMD_TLBI_EL2_ALL", {}, [0x20, 0, 0, 0]],
  ["CMD_TLBI_EL2_ASID", { ASID: n(7) }, [0x21, 0x70000, 0, 0]],
  ["CMD_TLBI_EL2_VA", { ASID: n(7), Address: n(0x4000) }, [0x22, 0x70000, 0x4000, 0]],
  ["CMD_TLBI_EL2_VAA", { Address: n(0x5000), Leaf: n(1) }, [0x23, 0, 0x5001, 0]],
  ["CMD_TLBI_S12_VMALL", { VMID: n(9) }, [0x28, 9, 0, 0]],
  [
    "CMD_TLBI_S2_IPA",
    { VMID: n(9), Address: n(0x80000000, 8), Leaf: n(1), SCALE: n(3), NUM: n(2), TG: n(1) },
    [0x30202a, 9, 0x80000401, 8],
  ],
  ["CMD_TLBI_NSNH_ALL", {}, [0x30, 0, 0, 0]],
  ["CMD_ATC_INV", { StreamID: n(0x300), SSV: n(1), SubstreamID: n(1), Size: n(52) }, [0x1840, 0x300, 0x34, 0]],
  ["CMD_PRI_RESP", { StreamID: n(0x300), PRGIndex: n(0x1ff), Resp: n(2) }, [0x41, 0x300, 0x21ff, 0]],
  ["CMD_RESUME", { StreamID: n(0x42), Ac: n(1), STAG: n(0xbeef) }, [0x1044, 0x42, 0xbeef, 0]],
  ["CMD_STALL_TERM", { StreamID: n(0x42) }, [0x45, 0x42, 0, 0]],
  [
    "CMD_SYNC",
    { CS: n(1), MSH: n(3), MSIAttr: n(0xf), MSIData: n(0xcafe), MSIAddress: n(0x44, 8) },
    [0x0fc01046, 0xcafe, 0x44, 8],
  ],
  ["CMD_TLBI_S_EL2_ALL", {}, [0x50, 0, 0, 0]],
  ["CMD_TLBI_S_EL2_ASID", { ASID: n(1) }, [0x51, 0x10000, 0, 0]],
  ["CMD_TLBI_S_EL2_VA", { ASID: n(1), Address: n(0x1000) }, [0x52, 0x10000, 0x1000, 0]],
  ["CMD_TLBI_S_EL2_VAA", { Address: n(0x1000) }, [0x53, 0, 0x1000, 0]],
  ["CMD_TLBI_S_S12_VMALL", { VMID: n(2) }, [0x58, 2, 0, 0]],
  ["CMD_TLBI_S_S2_IPA", { VMID: n(2), Address: n(0x1000) }, [0x5a, 2, 0x1000, 0]],
  ["CMD_TLBI_SNH_ALL", {}, [0x60, 0, 0, 0]],
  ["CMD_DPTI_ALL", {}, [0x70, 0, 0, 0]],
  ["CMD_DPTI_PA", { Leaf: n(1), SIZE: n(3), Address: n(0x200000) }, [0x73, 0, 0x200301, 0]],
];

test("every command opcode has a case (and nothing else is in COMMANDS)", () => {
  assert.deepEqual(CASES.map((c) => c[0]).sort(), COMMANDS.map((c) => c.name).sort());
});

for (const [name, values, expected] of CASES) {
  test(`${name}: exact words, decoded back`, () => {
    const e = encodeCommand(name, values);
    assert.deepEqual(e.problems, []);
    assert.deepEqual([...e.words], expected);
    const type = commandByName(name)!;
    const d = decodeCommand(e.words, { queue: type.secureOnly ? "secure" : "non-secure" });
    assert.equal(d.name, name);
    assert.equal(d.opcode, type.opcode);
    assert.equal(commandByOpcode(type.opcode), type);
    for (const [k, v] of Object.entries(values)) {
      const f = d.fields.find((x) => x.field === k);
      assert.ok(f, k);
      assert.equal(f.value, "0x" + (v.hi * 2 ** 32 + v.lo).toString(16), k);
    }
    if (type.since)
      assert.deepEqual(d.problems, [
        `${name} (0x0${type.opcode.toString(16)}) is Reserved before SMMUv3.5: older SMMUs stop with CERROR_ILL`,
      ]);
    else assert.deepEqual(d.problems, []);
  });
}

test("decodeCommand: reserved and IMPLEMENTATION DEFINED opcodes are problems, not throws", () => {
  const r = decodeCommand([0x0b, 0, 0, 0]);
  assert.equal(r.name, "RESERVED_0x0b");
  assert.deepEqual(r.problems, ["opcode 0x0b is Reserved: the SMMU stops with CERROR_ILL"]);
  assert.deepEqual(r.fields, []);
  const i = decodeCommand([0x85, 0, 0, 0]);
  assert.equal(i.name, "IMPDEF_CMD_0x85");
  assert.match(i.problems[0]!, /IMPLEMENTATION DEFINED/);
  assert.match(decodeCommand([]).problems[0]!, /only 0 halves/);
});

test("decodeCommand: CERROR_ILL conditions with their reason", () => {
  assert.deepEqual(decodeCommand([0x3 | (1 << 10), 0x11, 1, 0]).problems, [
    "SSec=1 on the Non-secure command queue: CERROR_ILL",
  ]);
  assert.deepEqual(decodeCommand([0x18, 0, 0, 0]).problems, [
    "CMD_TLBI_EL3_ALL is accepted only on the Secure command queue: CERROR_ILL",
  ]);
  assert.deepEqual(decodeCommand([0x46 | (3 << 12), 0, 0, 0]).problems, ["CS 0x3 is ILLEGAL for CMD_SYNC: CERROR_ILL"]);
  assert.deepEqual(decodeCommand([0x41, 0, 3 << 12, 0]).problems, ["Resp 0x3 is ILLEGAL for CMD_PRI_RESP: CERROR_ILL"]);
  assert.deepEqual(decodeCommand([0x12, 0, 1 << 10, 0]).problems, [
    "TG != 0 with NUM, SCALE and TTL all 0 is Reserved: CERROR_ILL",
  ]);
  assert.deepEqual(decodeCommand([0x12 | (1 << 12), 0, 0, 0]).problems, [
    "NUM/SCALE/TTL are RES0 when TG == 0 (single-address invalidation)",
  ]);
  assert.deepEqual(decodeCommand([0x3, 0x11, 0x2, 0]).problems, [
    "dword1[1] RES0 for CMD_CFGI_STE but set: the SMMU may stop with CERROR_ILL",
  ]);
  const profile = { ...DEFAULT_PROFILE, ATS: 0, STALL_MODEL: 1, Hyp: 0, VMID16: 0 };
  assert.deepEqual(decodeCommand([0x40, 0x300, 0, 0], { profile }).problems, ["CMD_ATC_INV: IDR0.ATS==0: CERROR_ILL"]);
  assert.deepEqual(decodeCommand([0x44, 0x42, 0, 0], { profile }).problems, [
    "CMD_RESUME: IDR0.STALL_MODEL==0b01 (no stalls): CERROR_ILL",
  ]);
  assert.deepEqual(decodeCommand([0x20, 0, 0, 0], { profile }).problems, ["CMD_TLBI_EL2_ALL: IDR0.Hyp==0: CERROR_ILL"]);
  assert.deepEqual(decodeCommand([0x10, 0x100, 0, 0], { profile }).problems, [
    "CMD_TLBI_NH_ALL: VMID[15:8] is RES0 without IDR0.VMID16",
  ]);
  const s2only = profileFromIdRegisters(0x0d401019, 0x10, 0, 0, 0, 0x54);
  assert.deepEqual(decodeCommand([0x5, 0x11, 0, 0], { profile: s2only }).problems, [
    "CMD_CFGI_CD: stage 1 is not implemented (IDR0.S1P==0): CERROR_ILL",
  ]);
});

test("decodeCommand summary names the target", () => {
  assert.equal(decodeCommand([0x3, 0x7d11, 1, 0]).summary, "CMD_CFGI_STE StreamID 0x7d11, leaf");
  assert.equal(decodeCommand([0x46 | (1 << 12), 0, 0, 0]).summary, "CMD_SYNC CS SIG_IRQ");
});

test("CMD_CFGI_ALL is CMD_CFGI_STE_RANGE with Range 31", () => {
  const all = encodeCommand("CMD_CFGI_ALL", {});
  assert.deepEqual([...all.words], [0x4, 0, 31, 0]);
  assert.equal(commandByName("cfgi_all")?.name, "CMD_CFGI_STE_RANGE");
  assert.equal(decodeCommand(all.words).summary, "CMD_CFGI_ALL (CMD_CFGI_STE_RANGE Range 31)");
  assert.equal(decodeCommand([0x4, 0x100, 7, 0]).summary, "CMD_CFGI_STE_RANGE StreamID 0x100, Range 0x7");
});

test("encodeCommand reports unknown commands and fields", () => {
  assert.deepEqual(encodeCommand("CMD_SYNC", { StreamID: n(1) }).problems, ["CMD_SYNC has no field named StreamID"]);
  const u = encodeCommand(0x0b, {});
  assert.deepEqual([...u.words], [0x0b, 0, 0, 0]);
  assert.match(u.problems[0]!, /not an SMMUv3 command/);
  assert.equal(encodeCommand("cfgi_ste", { StreamID: n(1) }).words[1], 1);
});

test("property: decodeCommand never throws on random words", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 6 }), fc.boolean(), (arr, secure) => {
      const d = decodeCommand(arr, { queue: secure ? "secure" : "non-secure", profile: DEFAULT_PROFILE });
      assert.equal(d.opcode, (arr[0] ?? 0) & 0xff);
    }),
    { numRuns: 300 },
  );
});
