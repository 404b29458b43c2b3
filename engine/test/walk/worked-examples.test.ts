// The reference's constructed examples (shared/spec/smmuv3.md §9.2 and §9.3) rebuilt word for word:
// the walker must produce exactly the event records printed there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryImage } from "../../src/memory/image";
import { u64 } from "../../src/bits/u64";
import { CD, STE, descriptorSpec } from "../../src/smmuv3/records";
import { translate } from "../../src/smmuv3/walk";
import { Tables, encode, profile, recordHex } from "./tables";

test("§9.2: nested walk, stage-2 F_TRANSLATION with CLASS=TT on the guest's level-2 table", () => {
  const mem = new MemoryImage();
  // Host SMMU: OAS 44, stalls configurable (S1STALLD=1 is legal only with STALL_MODEL 0b00).
  const prof = profile({ OAS: 44, IAS: 44, SSIDSIZE: 8, STALL_MODEL: 0 });
  // STE DW0..DW3 = 0x180000004800000F, 0x00001000080800D6, 0x044A355800000005, 0x0000000880000000.
  const steWords = new Uint32Array(16);
  steWords.set([
    0x4800_000f, 0x1800_0000, 0x0808_00d6, 0x0000_1000, 0x0000_0005, 0x044a_3558, 0x8000_0000, 0x0000_0008,
  ]);
  // Stage 2: 2 concatenated level-1 tables at 0x8_8000_0000; IPA[39:30] = 1 -> the level-2 table at
  // 0x8_8100_0000. IPA 0x40000000 (L2 index 0) -> 2 MB block at 0x9_4000_0000; the CD's 2 MB (index
  // 0x40) -> 0x9_4800_0000; index 0x1FF (IPA 0x7FE00000) is invalid.
  const s2 = new Tables(mem, 2, "4K", 40, 1, 0x8_8000_0000, 0, 0x2000);
  s2.put(0x8_8000_0008, descriptorSpec(2, "table", "4K"), { Type: 3, NextLevelTableAddr: 0x8_8100_0000 });
  const block = descriptorSpec(2, "block", "4K", false, 2);
  s2.put(0x8_8100_0000, block, { Type: 1, OutputAddress: 0x9_4000_0000, AF: 1, S2AP: 3, MemAttr: 0xf, SH: 3 });
  s2.put(0x8_8100_0000 + 0x40 * 8, block, {
    Type: 1,
    OutputAddress: 0x9_4800_0000,
    AF: 1,
    S2AP: 3,
    MemAttr: 0xf,
    SH: 3,
  });
  // Guest CD[5] at IPA 0x48000140 and its level-1 descriptor at IPA 0x40000010.
  mem.store(0x9_4800_0140, 0xc000_3519, 0x0001_6202);
  mem.store(0x9_4800_0148, 0x4000_0000, 0);
  const l1 = encode(descriptorSpec(1, "table", "4K"), { Type: 3, NextLevelTableAddr: 0x7fe0_0000 });
  mem.store(0x9_4000_0010, l1[0]!, l1[1]!);
  const r = translate(
    { profile: prof, memory: mem, ste: { words: steWords } },
    { sid: 0x100, ssid: 5, iova: u64(0x8020_1abc, 0), access: "read", privileged: false },
  );
  assert.equal(r.fault?.event, "F_TRANSLATION", r.fault?.reason ?? r.outcome);
  assert.equal(r.fault?.stage, 2);
  assert.equal(r.fault?.class, "TT");
  assert.equal(r.fault?.ipa, 0x7fe0_0008);
  assert.deepEqual(recordHex(r.fault?.record), ["0x10000005810", "0x18800000000", "0x80201abc", "0x7fe00000"]);
  // The last read is the invalid stage-2 level-2 descriptor at PA 0x881000FF8, for stage-1 level 2.
  const last = r.steps[r.steps.length - 1]!;
  assert.equal(last.pa, 0x8_8100_0ff8);
  assert.equal(last.what, "S2 L2 descriptor for S1 L2");
});

function example93(): { mem: MemoryImage; t: Tables } {
  const mem = new MemoryImage();
  // CD: T0SZ 16, TG0 4K, IPS 48, AA64, R, A; the leaf for VA 0xFFFFF040 is the §9.3 page descriptor.
  const t = new Tables(mem, 1, "4K", 48, 0, 0x10_0000);
  const slot = t.descriptorAddr(0xffff_f040, 3);
  mem.store(slot, 0x1234_5fc7, 0x0060_0008);
  return { mem, t };
}

const cd93 = (pan: number): Uint32Array =>
  encode(CD, {
    V: 1,
    T0SZ: 16,
    TG0: 0,
    IPS: 5,
    AA64: 1,
    R: 1,
    A: 1,
    EPD1: 1,
    PAN: pan,
    TTB0: 0x10_0000,
    MAIR0: 0xf404ff44,
  });

test("§9.3: stage-1 F_PERMISSION for a device write to a read-only page", () => {
  const { mem } = example93();
  const r = translate(
    { profile: profile(), memory: mem, ste: { words: encode(STE, { V: 1, Config: 0b101 }) }, cd: { words: cd93(0) } },
    { sid: 0x42, iova: u64(0xffff_f040, 0), access: "write", privileged: false },
  );
  assert.equal(r.fault?.event, "F_PERMISSION");
  assert.equal(r.fault?.level, 3);
  assert.deepEqual(recordHex(r.fault?.record), ["0x4200000013", "0x20000000000", "0xfffff040", "0x0"]);
});

test("§9.3 variant B: PAN with STE.PRIVCFG privileged denies a read of an EL0-readable page", () => {
  const { mem } = example93();
  const r = translate(
    {
      profile: profile({ ATTR_PERMS_OVR: 1 }),
      memory: mem,
      ste: { words: encode(STE, { V: 1, Config: 0b101, PRIVCFG: 3 }) },
      cd: { words: cd93(1) },
    },
    { sid: 0x42, iova: u64(0xffff_f040, 0), access: "read", privileged: false },
  );
  assert.equal(r.fault?.event, "F_PERMISSION");
  assert.deepEqual(recordHex(r.fault?.record), ["0x4200000013", "0x20a00000000", "0xfffff040", "0x0"]);
  // Without PAN the same read succeeds, at the §9.3 output address.
  const ok = translate(
    {
      profile: profile({ ATTR_PERMS_OVR: 1 }),
      memory: mem,
      ste: { words: encode(STE, { V: 1, Config: 0b101, PRIVCFG: 3 }) },
      cd: { words: cd93(0) },
    },
    { sid: 0x42, iova: u64(0xffff_f040, 0), access: "read", privileged: false },
  );
  assert.equal(ok.pa, 0x8_1234_5040);
  assert.equal(ok.attrs?.memType, "Normal-WB");
  assert.equal(ok.attrs?.nG, true);
});
