// Which STE/CD fields the SMMU does not look at, given the other fields and the profile
// (Arm IHI 0070 §5.2/§5.4 "IGNORED" clauses, reference §2.1, §2.2, §4.1). A field that is
// IGNORED can never make the structure ILLEGAL; editors grey it out, linters say "not checked".

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

/** The STE fields the SMMU ignores for this STE on this SMMU (Non-secure STE). Never throws. */
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
  push(out, ["NSCFG", "S2NSW", "S2NSA"], "Non-secure STE");
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
  const el2 =
    ste !== undefined &&
    getSmall(ste, fieldOf(STE, "Config")) === 5 &&
    profile.Hyp === 1 &&
    getSmall(ste, fieldOf(STE, "STRW")) === 2 &&
    context.e2h === false;
  const aa64 = get("AA64") === 1;
  if (el2) {
    push(out, ["EPD0", "EPD1", "ASID", "UWXN", "PAN"], "single-range EL2 StreamWorld");
  } else {
    if (get("EPD0") === 1)
      push(
        out,
        ["T0SZ", "TG0", "IR0", "OR0", "SH0", "TTB0", "TBI0", "HAD0", "E0PD0"],
        "EPD0 == 1: TTB0 walks are disabled",
      );
    if (get("EPD1") === 1)
      push(
        out,
        ["T1SZ", "TG1", "IR1", "OR1", "SH1", "TTB1", "TBI1", "HAD1", "E0PD1"],
        "EPD1 == 1: TTB1 walks are disabled",
      );
    if (get("EPD0") === 1 && get("EPD1") === 1) push(out, ["ENDI"], "both TTBs are disabled");
  }
  if (!aa64) push(out, ["TG0", "TG1", "HD", "HA"], "VMSAv8-32 tables (AA64 == 0)");
  else push(out, ["UWXN"], "VMSAv8-64 tables (UWXN is VMSAv8-32 only)");
  if (get("HA") === 1) push(out, ["AFFD"], "HA == 1: hardware sets AF");
  if (profile.HAD === 0) push(out, ["HAD0", "HAD1"], "the SMMU has no hierarchical attribute disable (IDR3.HAD == 0)");
  push(out, ["NSCFG0", "NSCFG1"], "Non-secure stream");
  if (profile.PBHA === 0)
    push(
      out,
      ["HWU059", "HWU060", "HWU061", "HWU062", "HWU159", "HWU160", "HWU161", "HWU162"],
      "no page-based hardware attributes (IDR3.PBHA == 0)",
    );
  if (!ste || getSmall(ste, fieldOf(STE, "S1MPAM")) === 0)
    push(out, ["PARTID", "PMG"], "STE.S1MPAM == 0: MPAM labels come from the STE");
  return out;
}
