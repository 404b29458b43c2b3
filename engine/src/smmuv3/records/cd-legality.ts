// Legality of a Context Descriptor: every ILLEGAL condition of Arm IHI 0070 §5.4.2 CdIllegal()
// that an SmmuProfile (and, optionally, the STE that points at the CD) can decide (reference
// §4.4, CD-01..23), then the "legal but almost certainly a bug" warnings, as LegalityFindings
// with stable codes from LEGALITY_RULES.
//
// The StreamWorld comes from the STE when given and the Security state of the stream
// (profile.SEC_STATE): Config 0b101 with STRW 0b10 (Non-secure: with IDR0.Hyp) is EL2, with E2H
// unless the context says otherwise; a Secure STE's STRW 0b01 is EL3. Without an STE the CD is
// judged for the EL1 StreamWorld (NS-EL1, Secure or Realm-EL1). With IDR5.D128, AA64 == 0 selects
// VMSAv9-128 tables.

import { fieldOf, getSmall, getValue, reservedBitsSet, type FieldSpec } from "../../bits/fields";
import { hex64, type U64 } from "../../bits/u64";
import type { Granule, SmmuProfile } from "../profile";
import { scanAccessFlag, type QwordReader } from "./af-scan";
import { CD } from "./cd";
import {
  atOrAbove,
  fieldIsZero,
  halvesZero,
  lowBits,
  paSizeBits,
  s1StartLevel,
  s1TxszRange,
  startLevelBits,
} from "./geometry";
import { makeFinding, type LegalityFinding } from "./legality-rules";
import { STE } from "./ste";

export interface CdCheckContext {
  /** The STE that points at this CD (8 dwords, packed halves). */
  readonly ste?: ArrayLike<number>;
  /** SMMU_CR2.E2H, deciding what STRW == 0b10 means; default true (EL2-E2H, as Linux uses it). */
  readonly e2h?: boolean;
  /** Reads a 64-bit word in the stage-1 tables' address space; enables CD-WARN-AF0 and refines CD-WARN-EPD-LIVE. */
  readonly readQword?: QwordReader;
  /** Read budget of the table scans (default 65536 descriptors). */
  readonly maxReads?: number;
}

const F = (name: string): FieldSpec => fieldOf(CD, name);
const TG0_GRANULE: readonly (Granule | undefined)[] = ["4K", "64K", "16K", undefined];
const TG1_GRANULE: readonly (Granule | undefined)[] = [undefined, "16K", "4K", "64K"];

function bin(v: number, width: number): string {
  return "0b" + v.toString(2).padStart(width, "0");
}

/** The StreamWorld's kind: EL1 (NS-EL1, Secure, Realm-EL1), any-EL2, any-EL2-E2H or EL3. */
type World = "EL1" | "EL2" | "EL2-E2H" | "EL3";

function worldName(world: World, sec: SmmuProfile["SEC_STATE"]): string {
  const prefix = sec === "Secure" ? "S-" : sec === "Realm" ? "Realm-" : "NS-";
  if (world === "EL1") return sec === "Secure" ? "Secure" : `${prefix}EL1`;
  return world === "EL3" ? "EL3" : `${prefix}${world}`;
}

/** Stage-1 permission indirection (CD-23): active, inactive, or unknown without the STE. */
type PiState = "active" | "inactive" | "unknown";

/**
 * Judges a CD (8 dwords as packed halves) against an SMMU profile and, optionally, its STE.
 * ILLEGAL findings first, in CdIllegal() order; warnings follow. Never throws.
 */
export function checkCd(
  words: ArrayLike<number>,
  profile: SmmuProfile,
  context: CdCheckContext = {},
): LegalityFinding[] {
  const out: LegalityFinding[] = [];
  const get = (name: string): number => getSmall(words, F(name));
  if (get("V") === 0) {
    out.push(makeFinding("CD-ILL-V", "V is 0: the CD is not valid, so its use raises C_BAD_CD."));
    return out;
  }
  // What the STE tells us
  const sec = profile.SEC_STATE;
  const ste = context.ste;
  const steConfig = ste ? getSmall(ste, fieldOf(STE, "Config")) : 5;
  const steS2 = ste !== undefined && (steConfig === 6 || steConfig === 7);
  const steS2aa64 = ste ? getSmall(ste, fieldOf(STE, "S2AA64")) === 1 : true;
  const steStalld = ste ? getSmall(ste, fieldOf(STE, "S1STALLD")) === 1 : false;
  const steS1pie = ste ? getSmall(ste, fieldOf(STE, "S1PIE")) : undefined;
  const strw = ste ? getSmall(ste, fieldOf(STE, "STRW")) : 0;
  // STRW is used for Config 0b101 only, and in the Non-secure table only with EL2 support (§5.2 STRW)
  const strwUsed = steConfig === 5 && profile.stages.has("S1") && (sec !== "NonSecure" || profile.Hyp === 1);
  const world: World = !strwUsed
    ? "EL1"
    : strw === 2
      ? context.e2h === false
        ? "EL2"
        : "EL2-E2H"
      : strw === 1 && sec === "Secure"
        ? "EL3"
        : "EL1";
  const singleRange = world === "EL2" || world === "EL3";
  const twoRanges = !singleRange;
  const worldText = worldName(world, sec);

  const aa64 = get("AA64") === 1;
  // §5.4.2: using_vmsa32 / using_vmsa128
  const vmsa32 = !aa64 && profile.D128 === 0;
  const vmsa128 = !aa64 && profile.D128 === 1;
  // effective EPDx: forced 0 in the single-range any-EL2 and EL3 StreamWorlds (reference §2.2)
  const epd0 = singleRange ? 0 : get("EPD0");
  const epd1 = singleRange ? 0 : get("EPD1");
  const ttb0On = epd0 === 0;
  const ttb1On = twoRanges && epd1 === 0;

  const s = get("S");
  // CD-02..05
  if (ste && steStalld && s === 1) {
    out.push(makeFinding("CD-ILL-S-STALLD", "CD.S is 1 but the STE disallows stage-1 stalls (STE.S1STALLD == 1)."));
  }
  if (profile.TERM_MODEL === 1 && get("A") === 0) {
    out.push(
      makeFinding(
        "CD-ILL-A-TERM",
        "A is 0 (terminate with RAZ/WI) but the SMMU always aborts terminated transactions (IDR0.TERM_MODEL == 1): A must be 1.",
      ),
    );
  }
  if (profile.STALL_MODEL === 1 && s === 1) {
    out.push(
      makeFinding("CD-ILL-S-NOSTALL", "S is 1 (stall on faults) but the SMMU cannot stall (IDR0.STALL_MODEL == 0b01)."),
    );
  }
  if (profile.STALL_MODEL === 2 && s === 0) {
    out.push(
      makeFinding("CD-ILL-S-FORCED", "S is 0 but the SMMU forces stalls (IDR0.STALL_MODEL == 0b10): S must be 1."),
    );
  }
  // CD-06
  const endi = get("ENDI");
  if ((ttb0On || ttb1On) && ((profile.TTENDIAN === "LE" && endi === 1) || (profile.TTENDIAN === "BE" && endi === 0))) {
    out.push(
      makeFinding(
        "CD-ILL-ENDI",
        `ENDI is ${endi} (${endi ? "big" : "little"}-endian tables) but the SMMU supports only ${profile.TTENDIAN === "LE" ? "little" : "big"}-endian tables (IDR0.TTENDIAN).`,
      ),
    );
  }
  // CD-07 / CD-08 / CD-09
  if (vmsa32 && (!profile.TTF.has("AArch32") || world === "EL2-E2H" || world === "EL3")) {
    out.push(
      makeFinding(
        "CD-ILL-AA32",
        !profile.TTF.has("AArch32")
          ? "AA64 is 0 (VMSAv8-32 tables) but the SMMU supports only VMSAv8-64 (IDR0.TTF)."
          : `AA64 is 0 (VMSAv8-32 tables) in the ${worldText} StreamWorld.`,
      ),
    );
  }
  if (vmsa32 && sec === "Secure" && world === "EL2") {
    out.push(
      makeFinding(
        "CD-ILL-SECURE-AA32",
        "AA64 is 0 (VMSAv8-32 tables) in the S-EL2 StreamWorld (Secure STE, STRW 0b10, SMMU_S_CR2.E2H == 0): S-EL2 needs VMSAv8-64 tables.",
      ),
    );
  }
  if (aa64 && (!profile.TTF.has("AArch64") || (steS2 && !steS2aa64 && profile.D128 === 0))) {
    out.push(
      makeFinding(
        "CD-ILL-AA64",
        !profile.TTF.has("AArch64")
          ? "AA64 is 1 (VMSAv8-64 tables) but the SMMU supports only VMSAv8-32 (IDR0.TTF)."
          : "AA64 is 1 (VMSAv8-64 stage 1) but the STE's stage 2 is VMSAv8-32 (STE.S2AA64 == 0).",
      ),
    );
  }
  // CD-10 / CD-11 / CD-12 (VMSAv8-64 and VMSAv9-128)
  const ha = get("HA");
  const hd = get("HD");
  if (!vmsa32 && (ha || hd) && profile.HTTU === "none") {
    out.push(
      makeFinding(
        "CD-ILL-HTTU",
        `HA=${ha} HD=${hd} ask for hardware table updates but the SMMU has none (IDR0.HTTU == 0b00).`,
      ),
    );
  } else if (!vmsa32 && hd && profile.HTTU === "AF") {
    out.push(
      makeFinding(
        "CD-ILL-HD",
        "HD is 1 but the SMMU updates only the access flag (IDR0.HTTU == 0b01), not dirty state.",
      ),
    );
  }
  if (!vmsa32 && profile.HAFT === 1 && get("HAFT") === 1 && ha === 0) {
    out.push(
      makeFinding(
        "CD-ILL-HAFT",
        "HAFT is 1 (hardware AF update in table descriptors) but HA is 0: on an SMMU with IDR0.HTTU == 0b11 table-descriptor AF updates need leaf AF updates (HA == 1).",
      ),
    );
  }
  // CD-13: the ASID tags EL1 (NS-EL1, Secure, Realm-EL1) and EL2-E2H translations
  const asid = get("ASID");
  if (!singleRange && profile.ASID16 === 0 && asid > 0xff) {
    out.push(
      makeFinding(
        "CD-ILL-ASID",
        `ASID is 0x${asid.toString(16)} but the SMMU has 8-bit ASIDs (IDR0.ASID16 == 0): bits [15:8] must be 0.`,
      ),
    );
  }
  // CD-14..19 (VMSAv8-64 and VMSAv9-128)
  const ipsEnc = get("IPS");
  const effIps = !vmsa32 ? Math.min(paSizeBits(ipsEnc), profile.OAS) : 40;
  const ds = aa64 && profile.DS === 1 && get("DS") === 1;
  const halves = !vmsa32
    ? [
        {
          n: 0,
          on: ttb0On,
          tg: get("TG0"),
          granule: TG0_GRANULE[get("TG0")],
          txsz: get("T0SZ"),
          ttb: getValue(words, F("TTB0")),
        },
        {
          n: 1,
          on: ttb1On,
          tg: get("TG1"),
          granule: TG1_GRANULE[get("TG1")],
          txsz: get("T1SZ"),
          ttb: getValue(words, F("TTB1")),
        },
      ]
    : [];
  const geometry: { n: number; granule: Granule; txsz: number; ttb: U64 }[] = [];
  for (const h of halves) {
    if (!h.on) continue;
    const sz = h.n === 0 ? "T0SZ" : "T1SZ";
    const tg = h.n === 0 ? "TG0" : "TG1";
    const ttbName = h.n === 0 ? "TTB0" : "TTB1";
    let granuleOk = true;
    if (!h.granule || !profile.granules.has(h.granule)) {
      granuleOk = false;
      out.push(
        makeFinding(
          h.n === 0 ? "CD-ILL-TG0" : "CD-ILL-TG1",
          h.granule
            ? `${tg} selects the ${h.granule}B granule, which the SMMU does not support (IDR5.GRAN${h.granule}).`
            : `${tg} is ${bin(h.tg, 2)}, a Reserved granule encoding${h.n === 1 ? " (TG1 uses 0b10 for 4KB, 0b01 for 16KB, 0b11 for 64KB)" : ""}.`,
        ),
      );
    }
    const granule = h.granule ?? "4K";
    const range = vmsa128 ? d128TxszRange(profile, granule, world) : s1TxszRange(profile, granule, ds);
    let sizeOk = true;
    if (granuleOk && (h.txsz < range.min || h.txsz > range.max)) {
      sizeOk = false;
      out.push(
        makeFinding(
          h.n === 0 ? "CD-ILL-T0SZ" : "CD-ILL-T1SZ",
          `${sz} is ${h.txsz} (a ${64 - h.txsz}-bit VA range); with a ${granule}B granule${vmsa128 ? " and VMSAv9-128 tables" : ""} on this SMMU it must be ${range.min}..${range.max}.`,
        ),
      );
    }
    const limit48 = aa64 && granule !== "64K" && !ds;
    if (atOrAbove(h.ttb, effIps) || (limit48 && atOrAbove(h.ttb, 48))) {
      out.push(
        makeFinding(
          h.n === 0 ? "CD-ILL-TTB0" : "CD-ILL-TTB1",
          atOrAbove(h.ttb, effIps)
            ? `${ttbName} ${hex64(h.ttb)} is at or above 2^${effIps} (effective IPS = min(IPS ${paSizeBits(ipsEnc)}, OAS ${profile.OAS}) bits).`
            : `${ttbName} ${hex64(h.ttb)} is at or above 2^48 with a ${granule}B granule and DS == 0.`,
        ),
      );
    } else if (granuleOk && sizeOk && aa64) {
      geometry.push({ n: h.n, granule, txsz: h.txsz, ttb: h.ttb });
    }
    if (vmsa128 && granuleOk && sizeOk) checkD128StartLevel(words, h.n, granule, h.txsz, out);
  }
  // CD-18 / CD-19 for VMSAv8-32 too: CdIllegal() calls CDTTBxOutOfRange() for every format, and
  // with AA64 == 0 IPS is IGNORED and the output size is 40 bits (§5.4 CD.IPS, CD.TTB0/TTB1).
  if (vmsa32) {
    for (const [n, on] of [
      [0, ttb0On],
      [1, ttb1On],
    ] as const) {
      const ttb = getValue(words, F(`TTB${n}`));
      if (on && atOrAbove(ttb, effIps)) {
        out.push(
          makeFinding(
            n === 0 ? "CD-ILL-TTB0" : "CD-ILL-TTB1",
            `TTB${n} ${hex64(ttb)} is at or above 2^${effIps}: VMSAv8-32 tables (AA64 == 0) have a 40-bit output address size (IPS is IGNORED).`,
          ),
        );
      }
    }
  }
  // CD-20 / CD-21 (CD-22 above, per enabled TTBx)
  if (vmsa128 && steS1pie === 0) {
    out.push(
      makeFinding(
        "CD-ILL-D128-S1PIE",
        "AA64 is 0 with IDR5.D128 == 1 (VMSAv9-128 tables), but the STE does not allow permission indirection (STE.S1PIE == 0), which VMSAv9-128 always uses.",
        ["AA64", "S1PIE"],
      ),
    );
  }
  if (vmsa128 && world === "EL2") {
    out.push(
      makeFinding(
        "CD-ILL-D128-EL2",
        `AA64 is 0 with IDR5.D128 == 1 (VMSAv9-128 tables) in the ${worldText} StreamWorld (EL2 without E2H), which cannot use VMSAv9-128.`,
      ),
    );
  }
  // CD-23
  const pi: PiState = vmsa128
    ? "active"
    : !aa64 || profile.S1PI === 0 || get("PIE") === 0 || steS1pie === 0
      ? "inactive"
      : steS1pie === 1
        ? "active"
        : "unknown";
  if (pi === "active") checkIndirectPermissions(words, twoRanges, worldText, out);

  cdWarnings(words, profile, context, out, {
    aa64,
    vmsa32,
    world,
    epd0,
    epd1,
    ttb1On,
    effIps,
    ipsEnc,
    ds,
    geometry,
    pi,
    steS1pie,
  });
  return out;
}

/**
 * The VMSAv9-128 TxSZ range: the minimum by IDR5.VAX and the StreamWorld (CDTxSZInvalid() of
 * §5.4.2 and the CD.T0SZ text agree), the maximum 48 (4KB/16KB) or 47 (64KB) whatever IDR3.STT
 * says, as the CD.T0SZ text's VMSAv9-128 clause states (the pseudocode's maximum is the
 * VMSAv8-64 one, 39 without STT; the STE check reads STE.S2T0SZ the same way, docs/SPEC-NOTES.md
 * "VMSAv9-128 maximum TxSZ").
 */
function d128TxszRange(profile: SmmuProfile, granule: Granule, world: World): { min: number; max: number } {
  const max = granule === "64K" ? 47 : 48;
  const min = profile.VAX === 2 ? (world === "EL3" ? 8 : 9) : profile.VAX === 1 ? 12 : 16;
  return { min, max };
}

/**
 * CD-22, CDSLInvalidD128() of §5.4.2: with 16-byte descriptors a level resolves (granule bits - 4)
 * bits, so the start level is 3 - ((IA bits - 1 - granule bits) DIV stride); SKLx levels are
 * skipped from there, and the result must not pass level 3. SKL0/SKL1 are DW1/DW2 bits [63:62],
 * the bits the VMSAv8-64 tables name HWUx61 and HWUx62.
 */
function checkD128StartLevel(
  words: ArrayLike<number>,
  n: number,
  granule: Granule,
  txsz: number,
  out: LegalityFinding[],
): void {
  const lo = getSmall(words, F(`HWU${n}61`));
  const hi = getSmall(words, F(`HWU${n}62`));
  const skl = lo | (hi << 1);
  const g = granule === "4K" ? 12 : granule === "16K" ? 14 : 16;
  const start = 3 - Math.floor((64 - txsz - 1 - g) / (g - 4));
  if (start + skl > 3) {
    out.push(
      makeFinding(
        "CD-ILL-D128-SKL",
        `SKL${n} is ${skl} (HWU${n}62:HWU${n}61), but T${n}SZ ${txsz} with a ${granule}B granule starts VMSAv9-128 walks at level ${start}: skipping ${skl} level(s) would pass level 3.`,
        [`HWU${n}61`, `HWU${n}62`, `T${n}SZ`, `TG${n}`],
      ),
    );
  }
}

/**
 * CD-23: the indirect permission encodings (PIIP<i>, PIIU<i>, 3 bits each). 0b100 and 0b110 are
 * Reserved; PIIU is judged only where unprivileged accesses exist (the two-range StreamWorlds), and
 * there PIIP 0bx1x (privileged execute) with PIIU 0b1xx (unprivileged write) is ILLEGAL.
 */
function checkIndirectPermissions(
  words: ArrayLike<number>,
  unprivileged: boolean,
  worldText: string,
  out: LegalityFinding[],
): void {
  const piip = Array.from({ length: 16 }, (_, i) => getSmall(words, F(`PIIP${i}`)));
  const piiu = Array.from({ length: 16 }, (_, i) => getSmall(words, F(`PIIU${i}`)));
  const reserved = (v: number): boolean => v === 4 || v === 6;
  const bad: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < 16; i++) {
    if (reserved(piip[i]!)) {
      bad.push(`PIIP${i} is ${bin(piip[i]!, 3)} (Reserved)`);
      fields.push(`PIIP${i}`);
    }
    if (!unprivileged) continue;
    if (reserved(piiu[i]!)) {
      bad.push(`PIIU${i} is ${bin(piiu[i]!, 3)} (Reserved)`);
      fields.push(`PIIU${i}`);
    }
    if ((piip[i]! & 2) !== 0 && (piiu[i]! & 4) !== 0) {
      bad.push(
        `PIIP${i} ${bin(piip[i]!, 3)} lets privileged accesses execute while PIIU${i} ${bin(piiu[i]!, 3)} lets unprivileged accesses write`,
      );
      fields.push(`PIIP${i}`, `PIIU${i}`);
    }
  }
  if (bad.length > 0) {
    out.push(
      makeFinding(
        "CD-ILL-PIE",
        `Stage-1 permission indirection is active (${worldText} StreamWorld) and ${bad.join("; ")}.`,
        ["PIE", ...new Set(fields)],
      ),
    );
  }
}

interface CdFacts {
  aa64: boolean;
  vmsa32: boolean;
  world: World;
  epd0: number;
  epd1: number;
  ttb1On: boolean;
  effIps: number;
  ipsEnc: number;
  ds: boolean;
  geometry: { n: number; granule: Granule; txsz: number; ttb: U64 }[];
  pi: PiState;
  steS1pie: number | undefined;
}

function isZero(v: U64): boolean {
  return v.lo === 0 && v.hi === 0;
}

/** MAIR byte encodings the SMMU treats as Reserved (reference §5.4: UNPREDICTABLE ones and 0xF0 Tagged). */
function mairReserved(attr: number): string | undefined {
  const hi = attr >>> 4;
  const lo = attr & 0xf;
  if (attr === 0xf0) return "Tagged Normal memory, not supported by the SMMU";
  if (hi === 0) return (lo & 3) !== 0 ? "an UNPREDICTABLE Device encoding" : undefined;
  if (lo === 0) return "Normal with inner 0b0000, UNPREDICTABLE";
  return undefined;
}

function cdWarnings(
  words: ArrayLike<number>,
  profile: SmmuProfile,
  context: CdCheckContext,
  out: LegalityFinding[],
  f: CdFacts,
): void {
  const get = (name: string): number => getSmall(words, F(name));
  for (const r of reservedBitsSet(CD, words)) {
    out.push(
      makeFinding(
        "CD-WARN-RES0",
        `RES0 bits ${r.ranges.join(", ")} are set: some implementations treat this as an invalid CD (C_BAD_CD), others ignore them.`,
        [],
      ),
    );
  }
  const res0 = (name: string, why: string): void => {
    const spec = F(name);
    if (fieldIsZero(words, spec)) return;
    const v = getValue(words, spec);
    out.push(
      makeFinding(
        "CD-WARN-RES0-FIELD",
        `${name} is ${hex64(v)} but is RES0 ${why}: some implementations treat this as an invalid CD (C_BAD_CD).`,
        [name],
      ),
    );
  };
  if (profile.E0PD === 0 || f.vmsa32)
    for (const n of ["E0PD0", "E0PD1"]) res0(n, "without IDR3.E0PD (or with VMSAv8-32)");
  if (profile.HAFT === 0) res0("HAFT", "unless IDR0.HTTU == 0b11 (profile HAFT 1)");
  if (profile.EPAN === 0) res0("EPAN", "without IDR3.EPAN");
  if (profile.DS === 0 || !f.aa64) res0("DS", "without IDR5.DS (or without VMSAv8-64 tables)");
  for (const n of ["PnCH", "AIE"]) res0(n, "(feature not in this SMMU's profile)");
  if (profile.S1PI === 0) res0("PIE", "without stage-1 permission indirection (IDR3.S1PI == 0)");
  else if (f.steS1pie === 0) res0("PIE", "while the STE does not allow permission indirection (STE.S1PIE == 0)");
  if (profile.MPAM === 0) for (const n of ["PARTID", "PMG"]) res0(n, "without MPAM");
  if (f.world === "EL2" || f.world === "EL3") {
    for (const n of ["T1SZ", "TG1", "IR1", "OR1", "SH1", "TBI1", "HAD1", "NSCFG1", "TTB1"])
      res0(n, `in the single-range ${f.world} StreamWorld`);
  }
  if (f.pi === "inactive" && !halvesZero(words, 12, 16)) {
    for (let p = 0; p < 16; p++) {
      res0(`PIIU${p}`, "without permission indirection");
      res0(`PIIP${p}`, "without permission indirection");
    }
  }
  // Reserved encodings with fallbacks
  if (get("EPD0") === 0 && get("SH0") === 1) {
    out.push(
      makeFinding("CD-WARN-RESERVED-ENC", "SH0 is 0b01, Reserved: TTB0 walks behave as Non-shareable.", ["SH0"]),
    );
  }
  if (f.ttb1On && get("SH1") === 1) {
    out.push(
      makeFinding("CD-WARN-RESERVED-ENC", "SH1 is 0b01, Reserved: TTB1 walks behave as Non-shareable.", ["SH1"]),
    );
  }
  if (f.aa64) {
    for (const [name, shift0] of [
      ["MAIR0", 0],
      ["MAIR1", 4],
    ] as const) {
      const m = get(name);
      for (let i = 0; i < 4; i++) {
        const attr = (m >>> (8 * i)) & 0xff;
        const why = mairReserved(attr);
        if (why) {
          out.push(
            makeFinding(
              "CD-WARN-RESERVED-ENC",
              `${name} Attr${shift0 + i} is 0x${attr.toString(16).padStart(2, "0")}: ${why} (Reserved, a fallback applies).`,
              [name],
            ),
          );
        }
      }
    }
    if (paSizeBits(f.ipsEnc) > profile.OAS) {
      out.push(
        makeFinding(
          "CD-WARN-IPS-CAP",
          `IPS ${bin(f.ipsEnc, 3)} (${paSizeBits(f.ipsEnc)} bits) is larger than OAS (${profile.OAS} bits): capped at ${profile.OAS}.`,
        ),
      );
    }
    if ((get("HA") || get("HD")) && profile.HTTU !== "none") {
      const nc =
        (get("EPD0") === 0 && (get("IR0") === 0 || get("OR0") === 0)) ||
        (f.ttb1On && (get("IR1") === 0 || get("OR1") === 0));
      if (nc) {
        out.push(
          makeFinding(
            "CD-WARN-HTTU-NC",
            "HA/HD with non-cacheable table walks (IRx/ORx == 0b00): hardware updates may fail as F_WALK_EABT.",
          ),
        );
      }
    }
  }
  if (get("R") === 0 && get("S") === 0) {
    out.push(
      makeFinding(
        "CD-WARN-NO-RECORD",
        "R is 0 and S is 0: stage-1 faults of this context terminate silently, no event is recorded.",
      ),
    );
  }
  // TTB with EPD set but a live table; TTB 0 with walks enabled (VMSAv8-64, two-range worlds)
  if (f.aa64 && (f.world === "EL1" || f.world === "EL2-E2H")) {
    for (const n of [0, 1] as const) {
      const epd = n === 0 ? f.epd0 : f.epd1;
      const ttb = getValue(words, F(n === 0 ? "TTB0" : "TTB1"));
      if (epd === 1 && !isZero(ttb) && liveTable(ttb, context)) {
        out.push(
          makeFinding(
            "CD-WARN-EPD-LIVE",
            `EPD${n} is 1 but TTB${n} is ${hex64(ttb)}${context.readQword ? " and holds valid descriptors" : ""}: walks of the TTB${n} half are disabled, so every access there faults with F_TRANSLATION.`,
            [`EPD${n}`, `TTB${n}`],
          ),
        );
      }
      if (epd === 0 && isZero(ttb)) {
        out.push(
          makeFinding(
            "CD-WARN-TTB-ZERO",
            `EPD${n} is 0 (TTB${n} walks enabled) but TTB${n} is 0: the ${n === 0 ? "lower" : "upper"} VA half is walked from address 0.${n === 1 ? " Set EPD1 = 1 if TTB1 is unused (as Linux does)." : ""}`,
            [`TTB${n}`, `EPD${n}`],
          ),
        );
      }
    }
  }
  // Alignment of TTBx to the start-level table, and AF == 0 leaves
  for (const h of f.geometry) {
    const level = s1StartLevel(h.granule, h.txsz);
    const r = startLevelBits(h.granule, 64 - h.txsz, level);
    const tableBits = Math.max(r + 3, f.effIps >= 52 ? 6 : 3);
    if (isZero(h.ttb)) continue;
    if (lowBits(h.ttb, tableBits) !== 0) {
      out.push(
        makeFinding(
          "CD-WARN-TTB-ALIGN",
          `TTB${h.n} ${hex64(h.ttb)} is not aligned to its start-level table (level ${level}, ${2 ** tableBits} bytes for T${h.n}SZ ${h.txsz}, ${h.granule}B): the low bits are treated as 0.`,
          [`TTB${h.n}`],
        ),
      );
    }
    if (context.readQword && get("AFFD") === 0 && get("HA") === 0) {
      const base = h.ttb.hi * 0x1_0000_0000 + h.ttb.lo - lowBits(h.ttb, tableBits);
      const scan = scanAccessFlag(context.readQword, {
        granule: h.granule,
        ds: f.ds || (h.granule === "64K" && f.effIps >= 52),
        startLevel: level,
        startBits: r,
        base,
        ...(context.maxReads !== undefined ? { maxReads: context.maxReads } : {}),
      });
      if (scan.first) {
        out.push(
          makeFinding(
            "CD-WARN-AF0",
            `${scan.count}${scan.truncated ? "+" : ""} leaf descriptor(s) under TTB${h.n} have AF == 0 while AFFD == 0 and HA == 0 (first: level ${scan.first.level} descriptor at 0x${scan.first.descriptorAddr.toString(16)} for VA offset 0x${scan.first.inputAddr.toString(16)}): accesses through them raise F_ACCESS.`,
          ),
        );
      }
    }
  }
}

/** Without a reader any non-zero TTB counts as live; with one, the first 512 entries must hold a valid descriptor. */
function liveTable(ttb: U64, context: CdCheckContext): boolean {
  const read = context.readQword;
  if (!read) return true;
  const base = ttb.hi * 0x1_0000_0000 + (ttb.lo & ~0xf);
  for (let i = 0; i < 512; i++) {
    let d: U64 | undefined;
    try {
      d = read(base + i * 8);
    } catch {
      d = undefined;
    }
    if (d && (d.lo & 1) === 1) return true;
  }
  return false;
}
