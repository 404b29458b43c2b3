// Which STE/CD fields the SMMU does not look at, given the other fields and the profile
// (Arm IHI 0070 §5.2/§5.4 "IGNORED" clauses, reference §2.1, §2.2, §4.1). A field that is
// IGNORED can never make the structure ILLEGAL; editors grey it out, linters say "not checked".
// Only IGNORED clauses are listed: a field the text makes RES0 in this configuration (S2NSW of a
// Non-secure STE, UWXN of a VMSAv9-128 CD, ...) is not, since software must still write it as 0
// and the legality checks warn when it is not. The Security state is profile.SEC_STATE; with
// IDR5.D128, AA64 == 0 / S2AA64 == 0 select VMSAv9-128, not VMSAv8-32, and CD bits 65/129 are
// DisCH0/DisCH1 and CD bits [127:126]/[191:190] SKL0/SKL1 (the tables name them HAD0/HAD1,
// HWU061/HWU062, HWU161/HWU162).

import { fieldOf, getSmall } from "../../bits/fields";
import type { SmmuProfile } from "../profile";
import { CD } from "./cd";
import { STE } from "./ste";

export interface IgnoredField {
  readonly field: string;
  /** Why, in plain words ("stage 2 bypasses (Config 0b101)"). */
  readonly why: string;
}

const S1_FIELDS = [
  "S1Fmt",
  "S1ContextPtr",
  "S1CDMax",
  "S1DSS",
  "S1CIR",
  "S1COR",
  "S1CSH",
  "S1STALLD",
  "S1MPAM",
  "S1PIE",
];

function push(out: IgnoredField[], names: readonly string[], why: string): void {
  for (const n of names) if (!out.some((o) => o.field === n)) out.push({ field: n, why });
}

/** The STE fields the SMMU ignores for this STE (of Security state profile.SEC_STATE) on this SMMU. Never throws. */
export function steIgnoredFields(words: ArrayLike<number>, profile: SmmuProfile): IgnoredField[] {
  const get = (name: string): number => getSmall(words, fieldOf(STE, name));
  const out: IgnoredField[] = [];
  const all = STE.fields.map((f) => f.name);
  if (get("V") === 0) {
    push(
      out,
      all.filter((n) => n !== "V"),
      "V == 0: the STE is invalid",
    );
    return out;
  }
  const config = get("Config");
  if ((config & 4) === 0) {
    push(
      out,
      all.filter((n) => n !== "V" && n !== "Config"),
      `Config 0b${config.toString(2).padStart(3, "0")} aborts all traffic`,
    );
    return out;
  }
  const cfg = `Config 0b${config.toString(2)}`;
  if ((config & 1) === 0) push(out, S1_FIELDS, `stage 1 bypasses (${cfg})`);
  if ((config & 2) === 0) {
    push(
      out,
      STE.fields.map((f) => f.name).filter((n) => n.startsWith("S2") && n !== "S2VMID"),
      `stage 2 bypasses (${cfg})`,
    );
  }
  if ((config & 1) === 1) {
    if (profile.SSIDSIZE === 0)
      push(out, ["S1CDMax", "S1Fmt", "S1DSS"], "the SMMU has no SubstreamIDs (IDR1.SSIDSIZE == 0)");
    else if (get("S1CDMax") === 0) push(out, ["S1Fmt", "S1DSS"], "S1CDMax == 0: one CD, no SubstreamIDs");
  }
  if (config !== 5) push(out, ["STRW"], `STRW is used only for stage-1-only STEs (${cfg})`);
  if (profile.ATS === 0) push(out, ["EATS"], "the SMMU has no ATS (IDR0.ATS == 0)");
  else if ((config & 3) === 0) push(out, ["EATS"], `no translation stage is enabled (${cfg})`);
  // §5.2 STE.NSCFG: IGNORED in the Non-secure Stream table, and in the Secure one when stage 1
  // translates (the NS attribute then comes from CD.NSCFGx and the descriptors); used for Realm.
  const sec = profile.SEC_STATE;
  if (sec === "NonSecure") push(out, ["NSCFG"], "Non-secure STE: NSCFG is used only by Secure and Realm STEs");
  else if (sec === "Secure" && (config & 1) === 1) {
    push(out, ["NSCFG"], `Secure STE with stage 1 enabled (${cfg}): the NS attribute comes from the translation`);
  }
  // §5.2 STE.S2NSW/S2NSA/S2SW/S2SA, S_S2*: Secure stage 2 only (RES0 in other STEs and without
  // SMMU_S_IDR1.SEL2); S2SA is IGNORED when S2SW == 1, S2NSA when S2NSW or the effective S2SA is 1.
  if (sec === "Secure" && profile.SEL2 === 1) {
    if ((config & 2) === 0) {
      push(out, ["S_S2T0SZ", "S_S2SL0", "S_S2TG", "S_S2TTB", "S_S2SL0_2"], `Secure stage 2 bypasses (${cfg})`);
    } else {
      const s2sw = get("S2SW") === 1;
      if (s2sw) push(out, ["S2SA"], "S2SW == 1: Secure IPA translations output to Non-secure PA space");
      if (get("S2NSW") === 1 || s2sw || get("S2SA") === 1) {
        push(
          out,
          ["S2NSA"],
          "S2NSW == 1 or the effective S2SA == 1: Non-secure IPA translations output to Non-secure PA space",
        );
      }
    }
  }
  // §5.2 STE.S2PS: IGNORED for a VMSAv8-32 stage 2 (40-bit output); used by VMSAv9-128 (IDR5.D128)
  if ((config & 2) === 2 && get("S2AA64") === 0 && profile.D128 === 0) {
    push(out, ["S2PS"], "VMSAv8-32 stage 2 (S2AA64 == 0): the output size is 40 bits");
  }
  if (profile.PBHA === 0)
    push(out, ["S2HWU59", "S2HWU60", "S2HWU61", "S2HWU62"], "no page-based hardware attributes (IDR3.PBHA == 0)");
  if (get("S2HA") === 1) push(out, ["S2AFFD"], "S2HA == 1: hardware sets AF");
  if (config !== 7) push(out, ["S2PTW"], `S2PTW applies only to nested STEs (${cfg})`);
  if (get("MTCFG") === 0) push(out, ["ALLOCCFG"], "MTCFG == 0: CONSTRAINED UNPREDICTABLE whether ALLOCCFG applies");
  push(out, ["SW_RESERVED"], "reserved for software");
  return out;
}

/** The CD fields the SMMU ignores for this CD on this SMMU (and StreamWorld, from the STE when given). */
export function cdIgnoredFields(
  words: ArrayLike<number>,
  profile: SmmuProfile,
  context: { readonly ste?: ArrayLike<number>; readonly e2h?: boolean } = {},
): IgnoredField[] {
  const get = (name: string): number => getSmall(words, fieldOf(CD, name));
  const out: IgnoredField[] = [];
  if (get("V") === 0) {
    push(
      out,
      CD.fields.map((f) => f.name).filter((n) => n !== "V"),
      "V == 0: the CD is invalid",
    );
    return out;
  }
  const ste = context.ste;
  const sec = profile.SEC_STATE;
  // STRW is used for Config 0b101, in the Non-secure table only with IDR0.Hyp (§5.2 STE.STRW);
  // 0b10 without E2H is any-EL2 (NS-, S-, Realm-EL2) and a Secure STE's 0b01 is EL3: one range.
  const strwUsed =
    ste !== undefined &&
    getSmall(ste, fieldOf(STE, "Config")) === 5 &&
    profile.stages.has("S1") &&
    (sec !== "NonSecure" || profile.Hyp === 1);
  const strw = ste !== undefined ? getSmall(ste, fieldOf(STE, "STRW")) : 0;
  const el3 = strwUsed && sec === "Secure" && strw === 1;
  const el2 = strwUsed && strw === 2 && context.e2h === false;
  const aa64 = get("AA64") === 1;
  // §5.4 CD.AA64: with IDR5.D128 == 1, AA64 == 0 selects VMSAv9-128 instead of VMSAv8-32
  const vmsa32 = !aa64 && profile.D128 === 0;
  const vmsa128 = !aa64 && profile.D128 === 1;
  if (el2 || el3) {
    push(out, ["EPD0", "EPD1", "ASID", "UWXN", "PAN"], `single-range ${el3 ? "EL3" : "EL2"} StreamWorld`);
  } else {
    if (get("EPD0") === 1)
      push(
        out,
        ["T0SZ", "TG0", "IR0", "OR0", "SH0", "TTB0", "TBI0", "HAD0", "E0PD0", ...(vmsa128 ? ["HWU061", "HWU062"] : [])],
        "EPD0 == 1: TTB0 walks are disabled",
      );
    if (get("EPD1") === 1)
      push(
        out,
        ["T1SZ", "TG1", "IR1", "OR1", "SH1", "TTB1", "TBI1", "HAD1", "E0PD1", ...(vmsa128 ? ["HWU161", "HWU162"] : [])],
        "EPD1 == 1: TTB1 walks are disabled",
      );
    if (get("EPD0") === 1 && get("EPD1") === 1) push(out, ["ENDI"], "both TTBs are disabled");
  }
  if (vmsa32) push(out, ["TG0", "TG1", "HD", "HA", "IPS"], "VMSAv8-32 tables (AA64 == 0)");
  else if (aa64) push(out, ["UWXN"], "VMSAv8-64 tables (UWXN is VMSAv8-32 only)");
  if (!vmsa32 && get("HA") === 1) push(out, ["AFFD"], "HA == 1: hardware sets AF");
  if (profile.D128 === 1) {
    // bits 65/129 are DisCH0/DisCH1 and [127:126]/[191:190] SKL0/SKL1, read only for VMSAv9-128
    if (!vmsa128) {
      push(
        out,
        ["HAD0", "HAD1", "HWU061", "HWU062", "HWU161", "HWU162"],
        "with IDR5.D128 these bits are DisCH0/DisCH1 and SKL0/SKL1, which apply only to VMSAv9-128 tables",
      );
    }
  } else if (profile.HAD === 0) {
    push(out, ["HAD0", "HAD1"], "the SMMU has no hierarchical attribute disable (IDR3.HAD == 0)");
  }
  // §5.4 CD.NSCFG0: "used only when the CD is reached from a Secure STE and is otherwise IGNORED"
  if (sec !== "Secure") {
    push(
      out,
      ["NSCFG0", "NSCFG1"],
      `${sec === "Realm" ? "Realm" : "Non-secure"} stream: NSCFGx are used only by Secure streams`,
    );
  }
  const skl = profile.D128 === 1 ? ["HWU061", "HWU062", "HWU161", "HWU162"] : [];
  if (profile.PBHA === 0)
    push(
      out,
      ["HWU059", "HWU060", "HWU061", "HWU062", "HWU159", "HWU160", "HWU161", "HWU162"].filter((n) => !skl.includes(n)),
      "no page-based hardware attributes (IDR3.PBHA == 0)",
    );
  if (!ste || getSmall(ste, fieldOf(STE, "S1MPAM")) === 0)
    push(out, ["PARTID", "PMG"], "STE.S1MPAM == 0: MPAM labels come from the STE");
  return out;
}
