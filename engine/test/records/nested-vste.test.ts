// iommufd nested vSTE: what Linux's arm_smmu_validate_vste() accepts, and which bit gives -EIO.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { packWords, parseHex64 } from "../../src/bits/u64";
import { checkNestedVste, LEGALITY_RULES } from "../../src/smmuv3/records";

const v = (dw0: string, dw1: string): Uint32Array => packWords([parseHex64(dw0)!, parseHex64(dw1)!]);

test("a guest stage-1 vSTE with the fields Linux allows is accepted", () => {
  // V, Config 0b101, S1Fmt 0, S1ContextPtr 0x48000000, S1CDMax 3; S1DSS 0b10, S1CIR/S1COR 01, S1CSH 11, S1STALLD, EATS 0b01
  assert.deepEqual(checkNestedVste(v("0x180000004800000B", "0x00000000180000D6")), []);
  assert.deepEqual(checkNestedVste(v("0x1", "0x0")), [], "abort");
  assert.deepEqual(checkNestedVste(v("0x9", "0x0")), [], "bypass");
  // the widest accepted values: every allowed bit set except Config/EATS, with Config 0b101 and EATS 0b01
  assert.deepEqual(checkNestedVste(v("0xF80FFFFFFFFFFFFB", "0x000000001800_00FF")), []);
});

test("V == 0 is accepted and becomes an abort STE", () => {
  const f = checkNestedVste(v("0xFFFF_FFFF_FFFF_FFFE", "0xFFFF_FFFF_FFFF_FFFF"));
  assert.deepEqual(
    f.map((x) => [x.code, x.illegal]),
    [["VSTE-INVALID-ABORT", false]],
  );
});

test("bits outside the nesting masks give -EIO, naming each bit", () => {
  const dw0 = checkNestedVste(v("0x010000004800000B", "0x0"));
  assert.deepEqual(
    dw0.map((x) => x.code),
    ["VSTE-EIO-DW0-BITS"],
  );
  assert.equal(
    dw0[0]!.message,
    "dword0 bit 56 (RES0) is set: outside STRTAB_STE_0_NESTING_ALLOWED (0xf80fffffffffffff), so IOMMU_HWPT_ALLOC fails with -EIO. This is the first check the kernel fails.",
  );
  // S1ContextPtr[55:52] is architected but outside Linux's [51:6] mask
  const hiPtr = checkNestedVste(v("0x003000004800000B", "0x0"))[0]!;
  assert.equal(hiPtr.code, "VSTE-EIO-DW0-BITS");
  assert.deepEqual(hiPtr.fields, ["S1ContextPtr"]);
  assert.match(hiPtr.message, /^dword0 bits 53:52 \(S1ContextPtr\[53:52\]\) are set/);
  // MEV (host-owned) and SHCFG[0] in dword 1
  const dw1 = checkNestedVste(v("0x4800000B", "0x0000100000080000"))[0]!;
  assert.equal(dw1.code, "VSTE-EIO-DW1-BITS");
  assert.deepEqual(dw1.fields, ["MEV", "SHCFG"]);
  assert.match(dw1.message, /^dword1 bit 19 \(MEV\), bit 44 \(SHCFG\[0\]\) are set: the host owns these/);
  // stage-2 fields of dword 1 (S2FWB bit 25)
  assert.deepEqual(checkNestedVste(v("0x4800000B", "0x02000000"))[0]!.fields, ["S2FWB"]);
});

test("Config and EATS values the kernel refuses", () => {
  for (const [config, ok] of [
    [0, true],
    [1, false],
    [2, false],
    [3, false],
    [4, true],
    [5, true],
    [6, false],
    [7, false],
  ] as const) {
    const f = checkNestedVste([1 | (config << 1), 0, 0, 0]);
    assert.deepEqual(
      f.map((x) => x.code),
      ok ? [] : ["VSTE-EIO-CONFIG"],
      `Config ${config}`,
    );
  }
  for (const [eats, ok] of [
    [0, true],
    [1, true],
    [2, false],
    [3, false],
  ] as const) {
    assert.deepEqual(
      checkNestedVste([0xb, 0, eats << 28, 0]).map((x) => x.code),
      ok ? [] : ["VSTE-EIO-EATS"],
      `EATS ${eats}`,
    );
  }
  // several reasons: the first in kernel order is marked
  const many = checkNestedVste([0xf, 0x01000000, 0x20080000, 0]);
  assert.deepEqual(
    many.map((x) => x.code),
    ["VSTE-EIO-DW0-BITS", "VSTE-EIO-DW1-BITS", "VSTE-EIO-CONFIG", "VSTE-EIO-EATS"],
  );
  assert.match(many[0]!.message, /This is the first check the kernel fails\.$/);
  assert.doesNotMatch(many[2]!.message, /first check/);
});

test("every vSTE rule is in LEGALITY_RULES and random vSTEs never throw", () => {
  const codes = new Set(LEGALITY_RULES.filter((r) => r.structure === "vSTE").map((r) => r.code));
  assert.deepEqual([...codes].sort(), [
    "VSTE-EIO-CONFIG",
    "VSTE-EIO-DW0-BITS",
    "VSTE-EIO-DW1-BITS",
    "VSTE-EIO-EATS",
    "VSTE-INVALID-ABORT",
  ]);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 5 }), (arr) => {
      for (const f of checkNestedVste(arr)) assert.ok(codes.has(f.code));
    }),
    { numRuns: 300 },
  );
});
