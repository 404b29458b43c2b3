// iommufd nesting: judges the guest vSTE a VMM passes in struct iommu_hwpt_arm_smmuv3 (STE
// dwords 0 and 1) the way Linux's arm_smmu_validate_vste() does (reference §8.2), and says
// which bit makes IOMMU_HWPT_ALLOC answer -EIO.
//
// Facts checked against Linux drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c and
// arm-smmu-v3.h (mainline): V == 0 is accepted (zeroed, abort STE installed); then, in this
// order, any dword-0 bit outside STRTAB_STE_0_NESTING_ALLOWED (V, Config, S1Fmt,
// S1ContextPtr[51:6], S1CDMax = 0xF80FFFFFFFFFFFFF) or dword-1 bit outside
// STRTAB_STE_1_NESTING_ALLOWED (S1DSS, S1CIR, S1COR, S1CSH, S1STALLD, EATS = 0x380000FF) gives
// -EIO; Config other than abort (0b000), bypass (0b100) or stage 1 (0b101) gives -EIO; EATS other
// than 0b00 or 0b01 gives -EIO (EATS is then stripped: the host sets it from the device's ATS).

import { fieldOf, getSmall } from "../../bits/fields";
import { makeFinding, type LegalityFinding } from "./legality-rules";
import { STE } from "./ste";

/** STRTAB_STE_0_NESTING_ALLOWED as halves: bits 0..51 and 59..63. */
const DW0_ALLOWED_LO = 0xffffffff;
const DW0_ALLOWED_HI = 0xf80fffff;
/** STRTAB_STE_1_NESTING_ALLOWED: bits 0..7, 27, 28, 29. */
const DW1_ALLOWED_LO = 0x380000ff;
const DW1_ALLOWED_HI = 0;

const CONFIG = fieldOf(STE, "Config");
const EATS = fieldOf(STE, "EATS");

/** "bit 19 (MEV)", "bits 52..55 (S1ContextPtr[55:52])", "bit 56 (RES0)" for the set bits of one dword. */
function describeBits(dword: number, lo: number, hi: number): { text: string; fields: string[] } {
  const parts: string[] = [];
  const fields: string[] = [];
  let b = 0;
  while (b < 64) {
    const set = ((b < 32 ? lo >>> b : hi >>> (b - 32)) & 1) === 1;
    if (!set) {
      b++;
      continue;
    }
    const abs = dword * 64 + b;
    const f = STE.fields.find((x) => abs >= x.lsb && abs < x.lsb + x.width);
    // extend over consecutive set bits of the same field (or of the same RES0 gap)
    let e = b;
    for (;;) {
      const nb = e + 1;
      if (nb >= 64 || ((nb < 32 ? lo >>> nb : hi >>> (nb - 32)) & 1) !== 1) break;
      const nf = STE.fields.find((x) => dword * 64 + nb >= x.lsb && dword * 64 + nb < x.lsb + x.width);
      if (nf !== f) break;
      e = nb;
    }
    let name = "RES0";
    if (f) {
      const fl = f.lsb - dword * 64;
      const part =
        f.width === 1
          ? ""
          : e === b
            ? `[${b - fl + (f.shift || 0)}]`
            : `[${e - fl + (f.shift || 0)}:${b - fl + (f.shift || 0)}]`;
      name = f.name + (f.width === 1 || (b - fl === 0 && e - fl === f.width - 1) ? "" : part);
      if (!fields.includes(f.name)) fields.push(f.name);
    }
    parts.push(`${e === b ? `bit ${b}` : `bits ${e}:${b}`} (${name})`);
    b = e + 1;
  }
  return { text: `dword${dword} ${parts.join(", ")}`, fields };
}

function verb(lo: number, hi: number): "is" | "are" {
  const single = (x: number): boolean => x !== 0 && (x & (x - 1)) === 0;
  return (lo === 0 && single(hi)) || (hi === 0 && single(lo)) ? "is" : "are";
}

/**
 * Checks a guest vSTE (4 packed halves: dwords 0 and 1) against Linux's nested-STE rules.
 * Findings with `illegal: true` are the reasons IOMMU_HWPT_ALLOC fails with -EIO; the first of
 * them is the check the kernel stops at. Never throws.
 */
export function checkNestedVste(words: ArrayLike<number>): LegalityFinding[] {
  const w = (i: number): number => (words[i] ?? 0) >>> 0;
  const out: LegalityFinding[] = [];
  if ((w(0) & 1) === 0) {
    out.push(
      makeFinding(
        "VSTE-INVALID-ABORT",
        "V is 0: the kernel accepts the vSTE, zeroes it and installs an abort STE; the VMM is expected to report C_BAD_STE to the guest.",
      ),
    );
    return out;
  }
  const bad0lo = (w(0) & ~DW0_ALLOWED_LO) >>> 0;
  const bad0hi = (w(1) & ~DW0_ALLOWED_HI) >>> 0;
  const bad1lo = (w(2) & ~DW1_ALLOWED_LO) >>> 0;
  const bad1hi = (w(3) & ~DW1_ALLOWED_HI) >>> 0;
  if (bad0lo || bad0hi) {
    const d = describeBits(0, bad0lo, bad0hi);
    out.push(
      makeFinding(
        "VSTE-EIO-DW0-BITS",
        `${d.text} ${verb(bad0lo, bad0hi)} set: outside STRTAB_STE_0_NESTING_ALLOWED (0xf80fffffffffffff), so IOMMU_HWPT_ALLOC fails with -EIO.`,
        d.fields,
      ),
    );
  }
  if (bad1lo || bad1hi) {
    const d = describeBits(1, bad1lo, bad1hi);
    out.push(
      makeFinding(
        "VSTE-EIO-DW1-BITS",
        `${d.text} ${verb(bad1lo, bad1hi)} set: the host owns these (only S1DSS, S1CIR, S1COR, S1CSH, S1STALLD and EATS may be set, mask 0x380000ff), so IOMMU_HWPT_ALLOC fails with -EIO.`,
        d.fields,
      ),
    );
  }
  const config = getSmall(words, CONFIG);
  if (config !== 0 && config !== 4 && config !== 5) {
    out.push(
      makeFinding(
        "VSTE-EIO-CONFIG",
        `Config is 0b${config.toString(2).padStart(3, "0")} (${config === 6 ? "stage 2" : config === 7 ? "nested" : "Reserved"}): a vSTE may only be abort (0b000), bypass (0b100) or stage 1 (0b101) -- the host supplies stage 2 -- so IOMMU_HWPT_ALLOC fails with -EIO.`,
      ),
    );
  }
  const eats = getSmall(words, EATS);
  if (eats !== 0 && eats !== 1) {
    out.push(
      makeFinding(
        "VSTE-EIO-EATS",
        `EATS is 0b${eats.toString(2).padStart(2, "0")} (${eats === 2 ? "split-stage ATS" : "ATS with DPT"}): only 0b00 or 0b01 (full ATS) are accepted, so IOMMU_HWPT_ALLOC fails with -EIO.`,
      ),
    );
  }
  const first = out.findIndex((f) => f.illegal);
  if (first >= 0) {
    const f = out[first]!;
    out[first] = { ...f, message: `${f.message} This is the first check the kernel fails.` };
  }
  return out;
}
