// The fuzz properties, run in a child process by fuzz.test.ts so a walk that never returns is
// caught by the parent's timeout instead of hanging the test runner. Prints one JSON line:
// {"runs", "failure"?: {seed, message}, "outcomes": {...}}. Each case's seed goes to stderr
// before it runs, so the parent can name the case that hung.
//
// Properties (random memory, random STE/CD, random requests):
// - translate never throws and returns a well-formed result;
// - a fault with `recorded` carries a record that decodeEvent turns back into the same event
//   name and id, the request's StreamID (and SubstreamID when the event holds one) and the
//   fault's InputAddr; an unrecorded fault carries no record;
// - resultToJson always gives contract hex (lowercase `0x`, no leading zeros).

import fc from "fast-check";
import { hex64, hexNumber } from "../../src/bits/u64";
import { decodeEvent } from "../../src/smmuv3/records";
import { resultToJson } from "../../src/smmuv3/scenario/result-json";
import { translate } from "../../src/smmuv3/walk";
import type { WalkResult } from "../../src/smmuv3/walk/types";
import { type FuzzCase, type MappedCase, fuzzCase, mappedCase } from "./fuzz-scenarios";

const CONTRACT_HEX = /^0x(0|[1-9a-f][0-9a-f]*)$/;
const HEX_KEYS = new Set(["pa", "size", "addr", "value", "inputAddr", "ipa", "fetchAddr", "id"]);

function checkHex(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) =>
      typeof v === "string" && path.endsWith("record") ? assertHex(v, `${path}[${i}]`) : checkHex(v, `${path}[${i}]`),
    );
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === "string" && HEX_KEYS.has(k) && !(k === "id" && path === "")) assertHex(v, `${path}.${k}`);
      else checkHex(v, `${path}.${k}`);
    }
  }
}

function assertHex(v: string, path: string): void {
  if (!CONTRACT_HEX.test(v)) throw new Error(`${path} = ${JSON.stringify(v)} is not contract hex`);
}

function field(decoded: ReturnType<typeof decodeEvent>, name: string): string | undefined {
  return decoded.fields.find((f) => f.field === name)?.value;
}

/** Checks one case; returns the outcome label for the summary. Throws on a property violation. */
export function checkCase(c: FuzzCase): string {
  let result: WalkResult;
  try {
    result = translate(c.setup, c.request);
  } catch (e: unknown) {
    throw new Error(`translate threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, { cause: e });
  }
  const outcomes = ["translated", "fault", "bypass", "abort"];
  if (!outcomes.includes(result.outcome)) throw new Error(`unknown outcome ${String(result.outcome)}`);
  if (!Array.isArray(result.steps)) throw new Error("no steps array");
  if (result.outcome === "translated" || result.outcome === "bypass") {
    if (result.pa === undefined || !Number.isSafeInteger(result.pa) || result.pa < 0) {
      throw new Error(`${result.outcome} without a valid pa (${String(result.pa)})`);
    }
  }
  if (result.outcome === "translated") checkTranslation(c, result);
  if (result.outcome === "fault") {
    const f = result.fault;
    if (!f) throw new Error("a fault outcome without a fault");
    if (f.recorded) {
      if (!f.record || f.record.length !== 8) throw new Error(`${f.event} recorded without an 8-half record`);
      const d = decodeEvent(f.record);
      if (d.problems.length > 0) throw new Error(`${f.event} record: ${d.problems.join("; ")}`);
      if (d.name !== f.event || d.id !== f.id) {
        throw new Error(
          `record decodes as ${d.name} (0x${d.id.toString(16)}), fault says ${f.event} (0x${f.id.toString(16)})`,
        );
      }
      const sid = field(d, "StreamID");
      if (sid !== hexNumber(c.request.sid))
        throw new Error(`${f.event}: StreamID ${String(sid)}, request sid ${hexNumber(c.request.sid)}`);
      const input = field(d, "InputAddr");
      if (input !== undefined && input !== hex64(f.inputAddr)) {
        throw new Error(`${f.event}: record InputAddr ${input}, fault inputAddr ${hex64(f.inputAddr)}`);
      }
      // The record's S2/CLASS/IPA say what the fault says (reference §1.3; IPA holds [..:12]).
      const s2 = field(d, "S2");
      if (s2 !== undefined && f.stage !== undefined && s2 !== (f.stage === 2 ? "0x1" : "0x0")) {
        throw new Error(`${f.event}: record S2 ${s2}, fault stage ${f.stage}`);
      }
      const cls = d.fields.find((x) => x.field === "CLASS")?.meaning;
      if (cls !== undefined && f.class !== undefined && cls !== f.class) {
        throw new Error(`${f.event}: record CLASS ${cls}, fault class ${f.class}`);
      }
      const ipa = field(d, "IPA");
      if (ipa !== undefined && f.stage === 2 && f.ipa !== undefined) {
        const page = hexNumber(Math.floor(f.ipa / 0x1000) * 0x1000);
        if (ipa !== page)
          throw new Error(`${f.event}: record IPA ${ipa}, fault ipa ${hexNumber(f.ipa)} (page ${page})`);
      }
      const ssv = field(d, "SSV");
      if (ssv !== undefined && c.request.ssid !== undefined && f.event !== "C_BAD_STREAMID") {
        if (ssv !== "0x1" || field(d, "SubstreamID") !== hexNumber(c.request.ssid)) {
          throw new Error(
            `${f.event}: SSV ${ssv} SubstreamID ${String(field(d, "SubstreamID"))}, request ssid ${hexNumber(c.request.ssid)}`,
          );
        }
      }
    } else if (f.record) {
      throw new Error(`${f.event} not recorded but carries a record`);
    }
  }
  checkGivenSte(c, result);
  const json = resultToJson(result, { trace: true, id: "fuzz" });
  checkHex(JSON.parse(JSON.stringify(json)) as unknown, "");
  return result.outcome === "fault" ? `fault ${result.fault?.event ?? "?"}` : result.outcome;
}

/**
 * A mapped case (tables built for the IOVA): without corruption the walk must translate to the
 * address the tables were built for; with a corrupted word, the general properties hold.
 */
export function checkMappedCase(c: MappedCase): string {
  const label = checkCase(c);
  if (c.expected) {
    const r = translate(c.setup, c.request);
    const got = { outcome: r.outcome, pa: r.pa, size: r.size };
    const want = { outcome: "translated", pa: c.expected.pa, size: c.expected.size };
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new Error(
        `mapped case: expected ${JSON.stringify(want)} got ${JSON.stringify(got)}${r.fault ? ` (${r.fault.event}: ${r.fault.reason})` : ""}`,
      );
    }
    return `mapped ${label}`;
  }
  if (c.expectedFault) {
    const r = translate(c.setup, c.request);
    const f = r.fault;
    const want: Record<string, unknown> = { outcome: "fault", ...c.expectedFault, recorded: true };
    const got: Record<string, unknown> = { outcome: r.outcome, ...f };
    const differs = Object.keys(want).filter((k) => got[k] !== want[k]);
    if (differs.length > 0) {
      throw new Error(
        `targeted ${c.mutation ?? ""}: ${differs.map((k) => `${k} expected ${String(want[k])} got ${String(got[k])}`).join(", ")}${f ? ` (${f.event}: ${f.reason})` : ""}`,
      );
    }
    return `targeted ${label}`;
  }
  return `mutated ${label}`;
}

/**
 * A translation keeps the offset inside its mapping (PA and IOVA agree below `size`, a power of
 * two of at least 4 KiB) and grants the access that was asked for.
 */
function checkTranslation(c: FuzzCase, r: WalkResult): void {
  const size = r.size;
  if (size === undefined || size < 0x1000 || 2 ** Math.round(Math.log2(size)) !== size) {
    throw new Error(`translated with size ${String(size)}`);
  }
  const iovaLow = c.request.iova.lo + (c.request.iova.hi % 0x10_0000) * 0x1_0000_0000;
  if (r.pa! % size !== iovaLow % size) {
    throw new Error(
      `pa ${hexNumber(r.pa!)} and iova ${hex64(c.request.iova)} differ below the ${hexNumber(size)} mapping`,
    );
  }
  if (!r.perm || !r.perm[c.request.access]) {
    throw new Error(`translated a ${c.request.access} but perm is ${JSON.stringify(r.perm)}`);
  }
}

/**
 * Differential property: giving the STE the walk fetched (formats.md: a given structure skips
 * the fetch but is still judged) gives the same outcome, PA, size and fault. Only without HTTU,
 * which may write memory during the first walk.
 */
function checkGivenSte(c: FuzzCase, fetched: WalkResult): void {
  if (c.setup.ste || c.setup.profile.HTTU !== "none") return;
  const steSteps = fetched.steps.filter((s) => s.structure === "STE");
  if (steSteps.length !== 8) return;
  const words = new Uint32Array(16);
  steSteps.forEach((s, i) => {
    words[2 * i] = s.value.lo;
    words[2 * i + 1] = s.value.hi;
  });
  const { strtab: _strtab, ...rest } = c.setup;
  const given = translate({ ...rest, ste: { words } }, c.request);
  const summary = (r: WalkResult): string =>
    JSON.stringify([
      r.outcome,
      r.pa,
      r.size,
      r.fault?.event,
      r.fault?.stage,
      r.fault?.level,
      r.fault?.class,
      r.fault?.recorded,
    ]);
  if (summary(given) !== summary(fetched)) {
    throw new Error(`given STE ${summary(given)} differs from fetched STE ${summary(fetched)}`);
  }
}

function main(): void {
  const numRuns = Number(process.argv[2] ?? 200);
  const seed = Number(process.argv[3] ?? Date.now() % 0x7fff_ffff);
  const counts: Record<string, number> = {};
  let runs = 0;
  const property = fc.property(fc.integer({ min: 0, max: 0x7fff_ffff }), (caseSeed) => {
    process.stderr.write(`case ${caseSeed}\n`);
    // Even seeds: random tables; odd seeds: tables built for the IOVA (perhaps corrupted).
    const label = caseSeed % 2 === 0 ? checkCase(fuzzCase(caseSeed)) : checkMappedCase(mappedCase(caseSeed));
    counts[label] = (counts[label] ?? 0) + 1;
    runs++;
  });
  const details = fc.check(property, { numRuns, seed, interruptAfterTimeLimit: 20_000, endOnFailure: true });
  const failure = details.failed
    ? {
        seed: details.counterexample?.[0] ?? -1,
        message: details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance),
      }
    : undefined;
  process.stdout.write(
    JSON.stringify({
      runs,
      fcSeed: seed,
      interrupted: details.interrupted,
      ...(failure ? { failure } : {}),
      outcomes: counts,
    }) + "\n",
  );
}

if (require.main === module) main();
