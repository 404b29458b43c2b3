// Plain-language explanation of one decoded event: the event type's cause (data on EventType)
// made specific with the record's own fields -- which stage and what it was translating
// (S2/CLASS, reference §1.3), the StreamID/SubstreamID/addresses to look at -- and the next
// things to check, most likely first.

import type { DecodedField } from "../../bits/fields";
import type { DecodedEvent } from "./event-codec";

export interface EventExplanation {
  /** One paragraph: what happened, with this record's values. */
  readonly cause: string;
  /** What to check next, most specific first. */
  readonly nextSteps: string[];
}

function field(fields: readonly DecodedField[], name: string): DecodedField | undefined {
  for (const f of fields) if (f.field === name) return f;
  return undefined;
}

/** The names of the one-bit flags that are set, joined ("R W P"), or "" when none is. */
function flagsSet(fields: readonly DecodedField[], names: readonly string[]): string {
  return names.filter((n) => field(fields, n)?.value === "0x1").join(" ");
}

/** Where a translation-class fault happened, from S2 and CLASS (reference §1.3, §5.9). */
function whereText(s2: boolean, cls: string, ipa: string | undefined): { where: string; steps: string[] } {
  if (!s2) {
    return cls === "TT"
      ? {
          where: "in stage 1, on a stage-1 translation-table access",
          steps: ["Is every stage-1 table page real, accessible memory?"],
        }
      : {
          where: "in stage 1, on the device's address",
          steps: [
            "Which CD translated it: CD[SubstreamID] (or CD 0 / the only CD without a SubstreamID)? Check its TTB0/TTB1, TxSZ and granule cover this address.",
          ],
        };
  }
  const page = ipa !== undefined ? ` (IPA page ${ipa})` : "";
  if (cls === "CD") {
    return {
      where: `in stage 2, while translating the IPA of the CD or L1CD${page}`,
      steps: ["Does stage 2 map the CD table at STE.S1ContextPtr (and every L1CD.L2Ptr) with read permission?"],
    };
  }
  if (cls === "TT") {
    return {
      where: `in stage 2, while translating the IPA of a stage-1 table descriptor${page}`,
      steps: [
        "Does stage 2 (the IOAS / S2 parent) map the guest page-table page at that IPA, readable (and writable if stage-1 HTTU is on)?",
        "With iommufd nesting this stays in the host log: a VMM/IOAS problem, not a guest driver one.",
      ],
    };
  }
  if (cls === "IN") {
    return {
      where: `in stage 2, on the final IPA${page}`,
      steps: ["Does stage 2 map that IPA (within S2T0SZ, valid descriptor, AF set, S2AP/XN allowing the access)?"],
    };
  }
  return { where: "with a Reserved CLASS value", steps: ["CLASS 0b11 is Reserved: the record may be corrupt."] };
}

const PER_EVENT_LEAF: Readonly<Record<string, string>> = {
  F_TRANSLATION: "Is the address mapped (a valid descriptor at every level) and inside the input range?",
  F_ADDR_SIZE: "Does a descriptor hold an address above the output size (CD.IPS / STE.S2PS, capped by OAS)?",
  F_ACCESS: "Is AF set in the leaf descriptor? Otherwise set AFFD / S2AFFD or enable hardware AF update.",
  F_PERMISSION: "Do the leaf's permissions (AP / S2AP, XN, PXN/UXN, PAN, APTable) allow this access?",
  F_WALK_EABT: "Is FetchAddr real, accessible memory (the table page was freed, or never mapped)?",
};

/** Explains one decoded event for a person: cause with this record's values, and next steps. */
export function explainEvent(event: DecodedEvent): EventExplanation {
  const t = event.type;
  if (!t) {
    return {
      cause: `${event.name}: ${event.problems.at(-1) ?? "not an architected SMMUv3 event"}.`,
      nextSteps: [
        "Check the dword order and that the record really is an SMMUv3 event queue entry (4 dwords, DW0 first).",
      ],
    };
  }
  const f = event.fields;
  const sid = field(f, "StreamID")?.value;
  const ssid = field(f, "SubstreamID");
  const ssv = field(f, "SSV");
  const withSsid = ssid !== undefined && (ssv === undefined || ssv.value === "0x1");
  const who = sid !== undefined ? `StreamID ${sid}${withSsid ? ` SubstreamID ${ssid.value}` : ""}` : "the stream";
  const steps: string[] = [];
  let cause = `${t.name} for ${who}: ${t.cause}`;
  const s2 = field(f, "S2");
  const cls = field(f, "CLASS");
  if (s2 && cls) {
    // CLASS by its enumerated name: the decoded meaning may also say it contradicts S2 (impliedWhen)
    const className = t.struct.byName.get("CLASS")?.values?.[cls.raw.lo] ?? "";
    const w = whereText(s2.value === "0x1", className, field(f, "IPA")?.value);
    const input = field(f, "InputAddr")?.value;
    const rnw = field(f, "RnW")?.meaning;
    const ind = field(f, "InD")?.meaning;
    const pnu = field(f, "PnU")?.meaning;
    const what = [pnu, ind, rnw ?? "access"].filter((x) => x).join(" ");
    const article = /^[aeiou]/.test(what) ? "an" : "a";
    cause += ` It happened ${w.where}${input ? `, for ${article} ${what} of ${input}` : ""}.`;
    if (t.name === "F_PERMISSION" && className === "TT") {
      const tt = field(f, "TTRnW");
      if (tt) cause += ` The stage-1 table access was a ${tt.meaning}.`;
    }
    if (cls.meaning !== className)
      cause += ` Its CLASS ${cls.meaning}: the record is misread (dword order?) or not architectural.`;
    const leaf = PER_EVENT_LEAF[t.name];
    if (leaf) steps.push(leaf);
    steps.push(...w.steps);
    if (field(f, "Stall")?.value === "0x1") {
      steps.push(
        `The transaction is stalled: resume or terminate it with CMD_RESUME (STAG ${field(f, "STAG")?.value ?? "?"}) once fixed.`,
      );
    }
  }
  switch (t.name) {
    case "C_BAD_STE":
      steps.push(
        `Read the STE of StreamID ${sid ?? "?"} (linear: STRTAB_BASE + SID*64; 2-level: via the L1STD at STRTAB_BASE + (SID >> SPLIT)*8) and check V, then run the STE legality check.`,
      );
      break;
    case "C_BAD_STREAMID":
      steps.push(
        `Is StreamID ${sid ?? "?"} below 2^STRTAB_BASE_CFG.LOG2SIZE, and (2-level) is its L1STD valid with a large enough Span?`,
      );
      break;
    case "C_BAD_SUBSTREAMID":
      steps.push(
        `Is SubstreamID ${ssid?.value ?? "?"} below 2^STE.S1CDMax, does the STE enable stage 1, and (2-level) is its L1CD valid?`,
      );
      break;
    case "C_BAD_CD":
      steps.push(
        `Read the CD for ${withSsid ? `SubstreamID ${ssid.value}` : "CD 0 (no SubstreamID)"} and check V, then run the CD legality check.`,
      );
      break;
    case "F_STE_FETCH":
    case "F_CD_FETCH":
    case "F_VMS_FETCH":
      steps.push(
        `Is FetchAddr ${field(f, "FetchAddr")?.value ?? "?"} real, accessible memory?${field(f, "GPCF")?.value === "0x1" ? " GPCF=1: a granule protection check refused it." : ""}`,
      );
      break;
    case "F_BAD_ATS_TREQ": {
      const asked = flagsSet(f, ["R", "W", "X", "P"]);
      cause += ` The request asked for ${asked || "no access"} on ${field(f, "Span")?.value ?? "?"} STU(s) at page ${field(f, "InputAddr")?.value ?? "?"}.`;
      // §7.3.6: a PCIe ATS Translation Request always has R == 1, so R == 0 questions the layout,
      // whose R/W/X/P/Span positions no public text of the Arm figure confirms (docs/SPEC-NOTES.md).
      if (field(f, "R")?.value !== "0x1") {
        steps.push(
          "R is 0, but a PCIe ATS Translation Request always asks for read: either the requester is not PCIe ATS or this SMMU places R/W/X/P/Span elsewhere (their bit positions are not verified against the Arm record figure).",
        );
      }
      break;
    }
    case "E_PAGE_REQUEST": {
      const asked = flagsSet(f, ["pR", "pW", "pX", "uR", "uW", "uX"]);
      cause += ` It expects ${asked || "no"} access to ${field(f, "Span")?.value ?? "?"} 4KB page(s) from ${field(f, "InputAddr")?.value ?? "?"}.`;
      break;
    }
    default:
      break;
  }
  for (const s of t.nextSteps) if (!steps.includes(s)) steps.push(s);
  if (event.problems.length) steps.push(`The record itself has problems: ${event.problems.join("; ")}.`);
  return { cause, nextSteps: steps };
}
