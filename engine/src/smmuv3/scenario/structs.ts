// A given STE or CD in a scenario (formats.md, "Scenario": `ste` / `cd`).
//
// A structure is given either as its eight 64-bit words (`"words": ["0x...", ...]`, dword 0
// first) or by the specification's field names (`{"V": 1, "Config": "0x7", "S2T0SZ": 24}`), or
// both: named fields are then written over the given words. Field names and positions come from
// the records tables (SMMUv3 §2.1 STE, §4.1 CD) through the generic encoder, so nothing here
// knows a bit position. Enumerated fields also take their value names (`"S2TG": "4KB"`).

import type { U64 } from "../../bits/u64";
import { type StructSpec, encodeStruct } from "../../bits/fields";
import type { Provenance } from "../../memory/image";
import type { ScenarioReader } from "./parse";
import { isScenarioObject, readU64, showScenarioValue } from "./values";

/** Both structures are 64 bytes: eight 64-bit words (§2.1, §4.1). */
const STRUCT_DWORDS = 8;

/** Keys that are not fields: the contract's own `"...": "..."` placeholder and comments. */
const IGNORED_KEYS = new Set(["words", "...", "//", "comment"]);

/**
 * Encodes the `ste` or `cd` value of a scenario into packed halves, reporting problems at
 * `ste.S2T0SZ`-style paths. `spec` is the structure's table (records: STE or CD).
 */
export function encodeScenarioStruct(
  r: ScenarioReader,
  key: "ste" | "cd",
  v: unknown,
  spec: StructSpec,
): { words: Uint32Array; provenance: Provenance } | undefined {
  const label = key === "ste" ? "STE" : "CD";
  if (!isScenarioObject(v)) {
    r.problem(
      key,
      `expected the ${label} as an object of fields or {"words": [8 dwords]}, found ${showScenarioValue(v)}`,
    );
    return undefined;
  }
  const before = r.problems.length;
  let base: Uint32Array = new Uint32Array(STRUCT_DWORDS * 2);
  if (v["words"] !== undefined) {
    const given = readWords(r, `${key}.words`, v["words"]);
    if (given) base = given;
  }
  const values = new Map<string, U64>();
  for (const [name, raw] of Object.entries(v)) {
    if (IGNORED_KEYS.has(name)) continue;
    const field = spec.byName.get(name);
    if (!field) {
      r.problem(`${key}.${name}`, `the ${label} has no field named ${name}${suggest(spec, name)}`);
      continue;
    }
    const value = readFieldValue(raw, field.values);
    if (!value.ok) {
      r.problem(`${key}.${name}`, value.message);
      continue;
    }
    values.set(name, value.value);
  }
  if (values.size > 0) {
    const encoded = encodeStruct(spec, values, base);
    for (const p of encoded.problems) r.problem(`${key}.${p.field}`, p.message);
    base = encoded.words;
  }
  if (r.problems.length > before) return undefined;
  return { words: base, provenance: r.provenance(key, key) };
}

function readWords(r: ScenarioReader, path: string, v: unknown): Uint32Array | undefined {
  if (!Array.isArray(v) || v.length !== STRUCT_DWORDS) {
    r.problem(path, `expected ${STRUCT_DWORDS} 64-bit words (dword 0 first), found ${showScenarioValue(v)}`);
    return undefined;
  }
  const words = new Uint32Array(STRUCT_DWORDS * 2);
  let ok = true;
  v.forEach((w: unknown, i) => {
    const word = r.take(`${path}[${i}]`, readU64(w));
    if (!word) {
      ok = false;
      return;
    }
    words[2 * i] = word.lo;
    words[2 * i + 1] = word.hi;
  });
  return ok ? words : undefined;
}

/** A field's value: a number, a hex string, true/false, or one of its enumerated value names. */
function readFieldValue(
  raw: unknown,
  names: Readonly<Record<number, string>> | undefined,
): { ok: true; value: U64 } | { ok: false; message: string } {
  if (typeof raw === "string" && names) {
    const wanted = raw.trim().toLowerCase();
    for (const [n, name] of Object.entries(names)) {
      if (name.toLowerCase() === wanted) return { ok: true, value: { lo: Number(n) >>> 0, hi: 0 } };
    }
    const numeric = readU64(raw);
    if (numeric.ok) return numeric;
    return {
      ok: false,
      message: `${showScenarioValue(raw)} is not a number nor a value of this field (${Object.values(names).join(", ")})`,
    };
  }
  return readU64(raw);
}

function suggest(spec: StructSpec, name: string): string {
  const lower = name.toLowerCase();
  const match = spec.fields.find((f) => f.name.toLowerCase() === lower);
  return match ? ` (did you mean ${match.name}?)` : "";
}
