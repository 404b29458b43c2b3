// Value completion for `.iommu` files: the record tables' named values (bits/completion.ts), each
// with the word to type so that the parser reads back exactly that value.
//
// The join lives here, not in bits/completion.ts, because bits/ must not depend on the language:
// the words come from the parser's own value matching (model.ts `languageValueWords`,
// `languageValueOfNumber`) and the lexer, so completion never offers a word the parser refuses or
// reads as another value (two values both named "Reserved", a `16GB` the parser reads as a size,
// a flag's "set" the parser has no name for).

import type { FieldSpec, StructSpec } from "../bits/fields";
import {
  type RecordStructureGroup,
  type ValueCompletion,
  recordStructureByName,
  recordStructureOf,
  valueCompletions,
} from "../bits/completion";
import { lex } from "./lexer";
import { languageValueKey, languageValueOfNumber, languageValueWords } from "./model";

/** A named value of a field and the word that writes it in a `.iommu` file. */
export interface LanguageValueCompletion extends ValueCompletion {
  /**
   * What to insert after the field name: the value's name as one word (`stage1`, `full-ATS`,
   * `48-bit`, `4KB`) when the parser reads it back as this value, else the raw encoding (`0b11`
   * for a second "Reserved", `1` for a flag).
   */
  readonly word: string;
  /** True when `word` is the raw encoding rather than the value's name. */
  readonly raw: boolean;
}

/**
 * The value's name as one identifier: runs of characters a word cannot hold become `-`, and a
 * number part joins the word before it (`stage 1` → `stage1`, `full ATS with DPT` →
 * `full-ATS-with-DPT`, `Reserved (abort)` → `Reserved-abort`).
 */
function spelling(name: string): string {
  const parts = name.split(/[^A-Za-z0-9_.+-]+/).filter((p) => p !== "");
  let out = "";
  for (const p of parts) {
    if (out === "") out = p;
    else if (/^[0-9]+$/.test(p) && /[A-Za-z]$/.test(out)) out += p;
    else out += "-" + p;
  }
  return out;
}

/** The value the parser gives `word` for field `f`, or undefined when it refuses the word. */
export function languageWordValue(f: FieldSpec, word: string): number | undefined {
  const tokens = lex(word).tokens;
  if (tokens.length !== 1) return undefined;
  const t = tokens[0]!;
  if (t.kind === "ident") return f.values ? languageValueWords(f).get(languageValueKey(t.text)) : undefined;
  if (t.kind !== "number" || t.value === undefined) return undefined;
  const named = languageValueOfNumber(f, {
    kind: "number",
    value: t.value,
    text: t.text,
    isSize: t.isSize,
    range: { start: { line: 0, character: t.start }, end: { line: 0, character: t.end } },
  });
  if (named !== undefined) return named;
  // otherwise a raw encoding, when it fits the field and is not a size (model.ts fieldValue)
  if (t.isSize || t.value.hi !== 0 || (f.width < 32 && t.value.lo >= 2 ** f.width)) return undefined;
  return t.value.lo;
}

/**
 * The structures a description writes field by field (`ste { config nested }`, `register SMMU_IDR0
 * { st_level 2-level }`): the ones whose values the parser reads by the table's names. Map
 * attributes of page-table descriptors (`ap rw`, `sh ish`) have their own vocabulary (§5 of
 * docs/language.md), and events and commands are given only as raw words.
 */
const FIELD_WRITTEN_GROUPS: ReadonlySet<RecordStructureGroup> = new Set(["stream-table", "context", "register"]);

function fieldByName(spec: StructSpec, name: string): FieldSpec | undefined {
  const lower = name.toLowerCase();
  return spec.byName.get(name) ?? spec.fields.find((f) => f.name.toLowerCase() === lower);
}

/**
 * The named values of a field (as `valueCompletions`) with the word to type for each, for the
 * structures a description writes by fields: STE, CD, L1STD, L1CD and the registers. `structure`
 * is a table or a name `recordStructureByName` knows (`STE`, `IDR0`). Empty for an unknown
 * structure or field, a field without names, and structures not written by fields (events,
 * commands, descriptors); never throws.
 */
export function languageValueCompletions(
  structure: StructSpec | string,
  fieldName: string,
): readonly LanguageValueCompletion[] {
  const spec = typeof structure === "string" ? recordStructureByName(structure)?.spec : structure;
  const group = spec ? recordStructureOf(spec)?.group : undefined;
  if (!spec || !group || !FIELD_WRITTEN_GROUPS.has(group)) return [];
  const f = fieldByName(spec, fieldName);
  if (!f) return [];
  return valueCompletions(spec, f.name).map((v): LanguageValueCompletion => {
    const named = spelling(v.name);
    if (named && languageWordValue(f, named) === v.value) return Object.freeze({ ...v, word: named, raw: false });
    const word = f.width === 1 ? String(v.value) : v.binary;
    return Object.freeze({ ...v, word, raw: true });
  });
}
