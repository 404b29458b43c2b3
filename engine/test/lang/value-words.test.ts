// Value completion for `.iommu` files (lang/completion.ts): every word offered for a field is read
// back by the parser as the very value it stands for, checked through the language itself (a small
// description per word, built by buildModel), for every named value of every field of the
// structures a description writes by fields (STE, CD, L1STD, L1CD, registers).
import { test } from "node:test";
import assert from "node:assert/strict";
import { RECORD_STRUCTURES, type RecordStructure } from "../../src/bits/completion";
import { getValue, type FieldSpec } from "../../src/bits/fields";
import { hex64, shl64 } from "../../src/bits/u64";
import { TOP_LEVEL_KEYWORDS, parseDescription } from "../../src/lang/parser";
import { buildModel, type DescriptionModel } from "../../src/lang/model";
import { languageValueCompletions, languageWordValue } from "../../src/lang/completion";

function model(text: string): DescriptionModel {
  return buildModel(parseDescription(text, "/ws/words.iommu"), { root: "/ws", readInclude: () => undefined });
}

/** Every diagnostic as `CODE message` (spans left out: two files may differ only in where). */
function messages(m: DescriptionModel): string[] {
  return m.diagnostics.map((d) => `${d.code} ${d.message}`);
}

/** A description holding one structure of `r`'s kind with `field word`, and where to find it. */
function structureText(r: RecordStructure, field: string, word: string): string {
  switch (r.name) {
    case "STE":
      // an STE written by fields needs a Config
      return `smmu { strtab linear @0x8000_0000 log2size 4 }\nste 0x1 { ${field === "Config" ? "" : "config abort; "}${field} ${word} }`;
    case "CD":
      return `cd @0x4000_0000 { ${field} ${word} }`;
    case "L1STD":
      return `l1std 0 @0x5000_0000 { ${field} ${word} }`;
    case "L1CD":
      return `l1cd @0x6000_0000 { ${field} ${word} }`;
    default:
      throw new Error(`no structure statement for ${r.name}`);
  }
}

const WRITTEN = RECORD_STRUCTURES.filter((r) => r.group === "stream-table" || r.group === "context");
const REGISTERS = RECORD_STRUCTURES.filter((r) => r.group === "register");

function namedFields(r: RecordStructure): FieldSpec[] {
  return r.spec.fields.filter((f) => languageValueCompletions(r.spec, f.name).length > 0);
}

// A field named like a top-level keyword cannot be written by name: the parser reads `abort` in a
// block as the start of an `abort` statement (a missing `}`). Such fields are given as raw words.
const KEYWORDS: readonly string[] = TOP_LEVEL_KEYWORDS;
const isKeyword = (f: FieldSpec): boolean => KEYWORDS.includes(f.name.toLowerCase());

test("STE, CD, L1STD, L1CD: every offered word builds the structure with exactly that value, with no diagnostic", () => {
  assert.deepEqual(
    WRITTEN.map((r) => r.name),
    ["CD", "L1CD", "L1STD", "STE"],
  );
  assert.deepEqual(
    WRITTEN.flatMap((r) => r.spec.fields.filter(isKeyword)),
    [],
  );
  let checked = 0;
  for (const r of WRITTEN) {
    for (const f of namedFields(r)) {
      for (const v of languageValueCompletions(r.spec, f.name)) {
        const m = model(structureText(r, f.name, v.word));
        const what = `${r.name}.${f.name} ${v.word} (${v.name})`;
        assert.deepEqual(
          messages(m).filter((d) => !d.startsWith("LANG-MISSING-FIELD")),
          [],
          what,
        );
        const s = m.structures.find((x) => x.spec === r.spec);
        assert.ok(s, what);
        assert.deepEqual(getValue(s.words, f), { lo: v.value, hi: 0 }, what);
        checked++;
      }
    }
  }
  // every named value of STE.Config, S1Fmt, S1DSS, ..., CD.TG0, IPS, ..., and every flag's 0 and 1
  assert.ok(checked > 150, `${checked} words checked`);
});

/** The stream table comes from SMMU_STRTAB_BASE and _CFG together: give the other one. */
function companion(register: string): string {
  if (register === "SMMU_STRTAB_BASE_CFG") return "register SMMU_STRTAB_BASE = 0x8000_0000\n";
  if (register === "SMMU_STRTAB_BASE") return "register SMMU_STRTAB_BASE_CFG = 0x8\n";
  return "";
}

test("registers: `register SMMU_X { field word }` gives the same model as the raw encoding", () => {
  assert.deepEqual(
    REGISTERS.flatMap((r) => r.spec.fields.filter(isKeyword).map((f) => `${r.name}.${f.name}`)),
    ["SMMU_GBPA.ABORT"],
  );
  let checked = 0;
  for (const r of REGISTERS) {
    for (const f of namedFields(r).filter((x) => !isKeyword(x))) {
      for (const v of languageValueCompletions(r.spec, f.name)) {
        const what = `${r.name}.${f.name} ${v.word} (${v.name})`;
        const byWord = model(`${companion(r.name)}register ${r.name} { ${f.name} ${v.word} }`);
        const raw = hex64(shl64({ lo: v.value, hi: 0 }, f.lsb));
        const byRaw = model(`${companion(r.name)}register ${r.name} = ${raw}`);
        // a refused word is a LANG-VALUE-RANGE the raw file does not have; profile problems
        // (D128 without the facts it implies) are the same in both
        assert.deepEqual(messages(byWord), messages(byRaw), what);
        assert.deepEqual(byWord.profile, byRaw.profile, what);
        assert.deepEqual(byWord.strtab, byRaw.strtab, what);
        checked++;
      }
    }
  }
  assert.ok(checked > 200, `${checked} words checked`);
  // the comparison sees a register field's value: the two Stream table formats differ
  const level = (word: string) => model(`register SMMU_IDR0 { ST_LEVEL ${word} }`).profile;
  assert.notDeepEqual(level("linear"), level("2-level"));
  const fmt = (word: string) =>
    model(`${companion("SMMU_STRTAB_BASE_CFG")}register SMMU_STRTAB_BASE_CFG { FMT ${word}; LOG2SIZE 8 }`).strtab?.fmt;
  assert.deepEqual([fmt("linear"), fmt("2-level"), fmt("Reserved-linear")], ["linear", "2-level", "linear"]);
});

test("words: the value's name as one word; the raw encoding where the name is taken or not a word", () => {
  const words = (structure: string, field: string) =>
    languageValueCompletions(structure, field).map((v) => [v.value, v.word, v.raw]);
  assert.deepEqual(words("STE", "Config"), [
    [0, "abort", false],
    [1, "Reserved-abort", false],
    // the next two Reserved values share the name, which the parser reads as 0b001
    [2, "0b010", true],
    [3, "0b011", true],
    [4, "bypass", false],
    [5, "stage1", false],
    [6, "stage2", false],
    [7, "nested", false],
  ]);
  assert.deepEqual(words("ste", "eats"), [
    [0, "ATS-disabled", false],
    [1, "full-ATS", false],
    [2, "split-stage-ATS", false],
    [3, "full-ATS-with-DPT", false],
  ]);
  // sizes are read as sizes, bit counts as idents
  assert.deepEqual(
    words("CD", "TG0").map((w) => w[1]),
    ["4KB", "64KB", "16KB", "Reserved"],
  );
  assert.deepEqual(words("CD", "IPS")[5], [5, "48-bit", false]);
  // a flag without names: the parser takes 0 and 1, not "clear" and "set"
  assert.deepEqual(words("STE", "V"), [
    [0, "0", true],
    [1, "1", true],
  ]);
  assert.deepEqual(words("IDR0", "ST_LEVEL"), [
    [0, "linear", false],
    [1, "2-level", false],
    [2, "Reserved", false],
    [3, "0b11", true],
  ]);
  // reserved marks come through from the tables
  assert.deepEqual(
    languageValueCompletions("STE", "Config").map((v) => v.reserved),
    [false, true, true, true, false, false, false, false],
  );
});

test("words: not offered for structures a description does not write by fields; unknown names give nothing", () => {
  assert.deepEqual(languageValueCompletions("F_TRANSLATION", "CLASS"), []);
  assert.deepEqual(languageValueCompletions("CMD_SYNC", "CS"), []);
  assert.deepEqual(languageValueCompletions("S1_PAGE_4K", "AP"), []);
  assert.deepEqual(languageValueCompletions("NO_SUCH_THING", "V"), []);
  assert.deepEqual(languageValueCompletions("STE", "NoSuchField"), []);
  assert.deepEqual(languageValueCompletions("STE", "S1ContextPtr"), []);
  assert.deepEqual(
    languageValueCompletions("ste", "s1fmt").map((v) => v.word),
    ["linear", "2-level-4KB-leaves", "2-level-64KB-leaves", "Reserved-linear"],
  );
});

test("languageWordValue reads words as the parser does (names, first words, sizes, bit counts, raw numbers)", () => {
  const config = RECORD_STRUCTURES.find((r) => r.name === "STE")!.spec.byName.get("Config")!;
  const s2tg = RECORD_STRUCTURES.find((r) => r.name === "STE")!.spec.byName.get("S2TG")!;
  const s2ps = RECORD_STRUCTURES.find((r) => r.name === "STE")!.spec.byName.get("S2PS")!;
  assert.deepEqual(
    ["nested", "Stage-1", "s2", "0b110", "5", "bogus", "8", "two words", ""].map((w) => languageWordValue(config, w)),
    [7, 5, 6, 6, 5, undefined, undefined, undefined, undefined],
  );
  assert.deepEqual(
    ["4k", "64KB", "16K", "8K"].map((w) => languageWordValue(s2tg, w)),
    [0, 1, 2, undefined],
  );
  assert.deepEqual(
    ["44", "48-bit", "3", "45"].map((w) => languageWordValue(s2ps, w)),
    [4, 5, 3, undefined],
  );
  // the checks above hold in a real description too
  const m = model("smmu { strtab linear @0x8000_0000 log2size 4 }\nste 0x1 { config Stage-1; s2tg 64KB; s2ps 44 }");
  const ste = m.stes.get(1)!;
  assert.deepEqual(
    [getValue(ste.words, config).lo, getValue(ste.words, s2tg).lo, getValue(ste.words, s2ps).lo],
    [5, 1, 4],
  );
});
