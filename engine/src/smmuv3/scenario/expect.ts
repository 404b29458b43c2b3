// Comparing a walk result with an expectation in the result contract's own terms.
//
// The shared test vectors carry `expected`: a subset of the result contract (outcome, pa, size,
// and the fault's event, stage, class, level, recorded, ...). `expectedDifferences` says, key by
// key, where a result departs from such a subset, so `walk --check` and scripts can run vector
// files. Keys are looked up at the top of the result first, then in its `fault`. A not-modelled
// result that departs from the expectation says so last: the walker could not decide it, so the
// expectation is neither confirmed nor refuted (and `walk --check` must not pass it).

import { isScenarioObject, showScenarioValue } from "./values";
import type { ResultJson } from "./result-json";

/** One line per differing key (`pa: expected "0x1000" got "0x2000"`); empty when all hold. */
export function expectedDifferences(result: ResultJson, expected: unknown): string[] {
  if (!isScenarioObject(expected)) return [`the expectation must be an object, found ${showScenarioValue(expected)}`];
  const top = result as unknown as Record<string, unknown>;
  const fault = (result.fault ?? {}) as unknown as Record<string, unknown>;
  const out: string[] = [];
  for (const [key, want] of Object.entries(expected)) {
    const got = key in top && key !== "id" ? top[key] : fault[key];
    if (!sameValue(got, want)) out.push(`${key}: expected ${showScenarioValue(want)} got ${showScenarioValue(got)}`);
  }
  if (out.length > 0 && result.outcome === "not-modelled") {
    out.push(`${result.reason ?? "not modelled"}: the expectation can be neither confirmed nor refuted`);
  }
  return out;
}

/** JSON equality; hex strings compare without case. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isScenarioObject(a) && isScenarioObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue(a[k], b[k]));
  }
  return a === b;
}
