// An event record of which only some dwords are known (a log record cut short or with a damaged
// line, a queue dump cut mid-entry): what can still be said of it. The dwords not given were
// zero-filled to decode, so their fields would show zeros the text never said: they are left
// out; a field whose validity is decided by a field of a missing dword (IPA and NSIPA by S2,
// Arm IHI 0070 §7.3.13) can be neither "valid" nor "not valid", and a problem that rests on the
// deciding value (NSIPA not zero although S2 == 0) does not hold either.

import type { DecodedField } from "../../bits/fields";
import type { DecodedEvent } from "./event-codec";

export interface PartialEventFields {
  /** The fields of the given dwords, in table order. */
  readonly fields: DecodedField[];
  /** The decoder's problems that rest only on given dwords. */
  readonly problems: string[];
  /** Dword numbers not given. */
  readonly missing: number[];
}

/** `event` (decoded from zero-filled dwords) restricted to the dwords `present[d]` says were given. */
export function eventFieldsOfPresentDwords(event: DecodedEvent, present: readonly boolean[]): PartialEventFields {
  const missing = [0, 1, 2, 3].filter((d) => present[d] !== true);
  const spec = event.type?.struct;
  if (missing.length === 0) return { fields: event.fields, problems: event.problems, missing };
  // No table: an IMPLEMENTATION DEFINED or Reserved number, which only a given dword 0 can say.
  if (spec === undefined)
    return present[0] === true
      ? { fields: [], problems: event.problems, missing }
      : { fields: [], problems: [], missing };
  const dwordOf = (name: string): number => Math.floor((spec.byName.get(name)?.lsb ?? 0) / 64);
  // Fields whose problems do not hold: those of missing dwords (a zero there may read as a Reserved
  // encoding) and those whose validity is decided in a missing dword.
  const unfounded = new Set<string>();
  const fields: DecodedField[] = [];
  for (const f of event.fields) {
    if (present[dwordOf(f.field)] !== true) {
      unfounded.add(f.field);
      continue;
    }
    const cond = spec.byName.get(f.field)?.validWhen;
    if (cond === undefined || present[dwordOf(cond.field)] === true) {
      fields.push(f);
      continue;
    }
    unfounded.add(f.field);
    fields.push({ ...f, meaning: `validity unknown: ${cond.field} is in missing dword ${dwordOf(cond.field)}` });
  }
  // The decoder's problems about a field start with its name ("IPA is not zero although S2 == 0",
  // "CLASS 0x3 is a Reserved encoding"); set bits a type does not define can only be in given dwords.
  const problems = event.problems.filter((p) => !unfounded.has(p.slice(0, p.indexOf(" "))));
  return { fields, problems, missing };
}
