// The `.iommu` linter: the model's diagnostics plus checks over the whole description —
// unreachable tables, STE/CD legality (the event the hardware would raise), event lines decoded
// against the structures the file describes, and `expect` lines run through the walker.
// Every code is documented in docs/language.md §11.

import { type FieldSpec, type StructSpec, getValue } from "../bits/fields";
import { hexNumber, u64ToNumber } from "../bits/u64";
import type { EngineDiagnostic, RelatedLocation } from "../diagnostics";
import { decodeEvent } from "../smmuv3/records/event-codec";
import { type LangExpectationResult, runExpectations } from "./expect";
import { legalityOfStructure, legalityOfStructureMemo, steLegality, steWordsFromMemory } from "./legality";
import {
  type DescriptionModel,
  type LangBuildCache,
  type LangBuildOptions,
  type LangStructure,
  buildModel,
} from "./model";
import { parseDescription } from "./parser";
import type { ParseResult } from "./ast";
import type { Position, SourceSpan } from "../source";

export interface LangLintOptions {
  /** Run the `expect` lines (default true). */
  readonly expectations?: boolean;
  /** Judgements of earlier lints of the same document to reuse (the IncrementalAnalyzer passes one). */
  readonly buildCache?: LangBuildCache;
}

export interface LangLintResult {
  readonly diagnostics: EngineDiagnostic[];
  readonly expectations: LangExpectationResult[];
}

/** Lints a built description. Never throws. */
export function lintDescription(model: DescriptionModel, options: LangLintOptions = {}): EngineDiagnostic[] {
  return lintDescriptionFull(model, options).diagnostics;
}

/** Lints and also returns the expectation results (for `check`). */
export function lintDescriptionFull(model: DescriptionModel, options: LangLintOptions = {}): LangLintResult {
  const out: EngineDiagnostic[] = [...model.diagnostics];
  const expectations = options.expectations === false ? [] : runExpectations(model);
  // An ILLEGAL structure an `expect illegal` line asks for is the point of the file, not a mistake.
  const expectedIllegal = new Set<LangStructure>();
  for (const r of expectations) {
    const n = r.expectation.node;
    if (r.pass && n.kind === "expect-legal" && !n.legal && r.structure) expectedIllegal.add(r.structure);
  }
  try {
    unreachableTables(model, out);
    legality(model, out, expectedIllegal, options.buildCache);
    events(model, out);
  } catch (e: unknown) {
    out.push({
      code: "LANG-INTERNAL",
      severity: "error",
      message: `internal error in the linter: ${e instanceof Error ? e.message : String(e)}`,
      span: { file: model.file, start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    });
  }
  for (const r of expectations) {
    if (r.pass) continue;
    const fault = r.result?.fault;
    out.push({
      code: "LANG-EXPECT-FAILED",
      severity: "error",
      message: r.message,
      span: r.span,
      ...(fault ? { event: fault.event } : {}),
      ...(r.findings?.[0]?.event ? { event: r.findings[0].event } : {}),
    });
  }
  return { diagnostics: out, expectations };
}

/** Parse, build and lint a text in one call (the CLI and the language server's entry point). */
export function analyzeDescription(
  text: string,
  file: string,
  options: LangBuildOptions & LangLintOptions = {},
): {
  parse: ParseResult;
  model: DescriptionModel;
  diagnostics: EngineDiagnostic[];
  expectations: LangExpectationResult[];
} {
  return analyzeParsed(parseDescription(text, file), options);
}

/** Build and lint an already parsed description (the incremental analyzer's rebuild path). */
export function analyzeParsed(
  parse: ParseResult,
  options: LangBuildOptions & LangLintOptions = {},
): {
  parse: ParseResult;
  model: DescriptionModel;
  diagnostics: EngineDiagnostic[];
  expectations: LangExpectationResult[];
} {
  const model = buildModel(parse, options);
  const { diagnostics, expectations } = lintDescriptionFull(model, options);
  return { parse, model, diagnostics, expectations };
}

const ADDRESS_FIELDS = new WeakMap<StructSpec, readonly FieldSpec[]>();

/** The address fields of a structure table, found once per table (not once per structure). */
function addressFields(spec: StructSpec): readonly FieldSpec[] {
  let fields = ADDRESS_FIELDS.get(spec);
  if (!fields) ADDRESS_FIELDS.set(spec, (fields = spec.fields.filter((f) => f.kind === "address")));
  return fields;
}

function unreachableTables(model: DescriptionModel, out: EngineDiagnostic[]): void {
  if (model.pageTables.length === 0) return;
  const referenced = new Set<number>();
  for (const s of model.structures) {
    for (const f of addressFields(s.spec)) referenced.add(u64ToNumber(getValue(s.words, f)));
  }
  let candidates = model.pageTables.filter((t) => !referenced.has(t.root));
  if (candidates.length === 0) return;
  // a table may also be reached from raw memory (a hand-written STE or descriptor): scan the
  // words only when some table is still unreferenced (large files rarely pay for it)
  for (const w of model.memory.words()) referenced.add((w.hi % 0x1_0000) * 0x1_0000_0000 + (w.lo >>> 12) * 0x1000);
  candidates = candidates.filter((t) => !referenced.has(t.root));
  for (const t of candidates) {
    out.push({
      code: "LANG-UNREACHABLE-TABLE",
      severity: "warning",
      message: `no STE, CD or descriptor refers to pagetable ${t.name} (root ${hexNumber(t.root)}): the SMMU never walks it`,
      span: { file: t.file, start: t.node.range.start, end: t.node.name?.range.end ?? t.node.range.end },
    });
  }
}

function legality(
  model: DescriptionModel,
  out: EngineDiagnostic[],
  expected: ReadonlySet<LangStructure>,
  cache: LangBuildCache | undefined,
): void {
  const errorsByLine = errorsByFileLine(model);
  for (const s of model.structures) {
    if (s.type !== "ste" && s.type !== "cd") continue;
    const findings = cache ? legalityOfStructureMemo(model, s, cache.legality) : legalityOfStructure(model, s);
    // A field whose written value was refused (does not fit, unknown name) holds 0 in the words we
    // could build: findings about that field follow from the one mistake already reported, so they
    // wait until it is fixed. Findings about the structure's other fields still stand.
    const refused = fieldsWithErrors(errorsByLine, s);
    for (const f of findings) {
      if (refused.size !== 0 && f.fields.some((name) => refused.has(name.toLowerCase()))) continue;
      out.push({
        code: f.code,
        severity: expected.has(s) && f.illegal ? "information" : f.severity,
        message:
          (f.event && f.illegal && !f.message.includes(f.event)
            ? `${f.message.replace(/\.?$/, "")}: the SMMU raises ${f.event}.`
            : f.message) + (expected.has(s) && f.illegal ? " (An expect illegal line asks for this.)" : ""),
        span: { file: s.file, start: s.node.range.start, end: s.node.keyword.range.end },
        ...(f.event ? { event: f.event } : {}),
        ...(f.fields.length ? { fields: f.fields } : {}),
        section: f.section,
      });
    }
  }
}

/** Per file and line, the spans of the errors the model reported. */
function errorsByFileLine(model: DescriptionModel): Map<string, Map<number, SourceSpan[]>> {
  const byFile = new Map<string, Map<number, SourceSpan[]>>();
  for (const d of model.diagnostics) {
    if (d.severity !== "error" || !d.span) continue;
    let lines = byFile.get(d.span.file);
    if (!lines) byFile.set(d.span.file, (lines = new Map<number, SourceSpan[]>()));
    for (let l = d.span.start.line; l <= d.span.end.line; l++) {
      const list = lines.get(l);
      if (list) list.push(d.span);
      else lines.set(l, [d.span]);
    }
  }
  return byFile;
}

const before = (a: Position, b: Position): boolean =>
  a.line < b.line || (a.line === b.line && a.character < b.character);

/** Lower-cased names of the structure's fields whose written value an error refused. */
function fieldsWithErrors(errors: Map<string, Map<number, SourceSpan[]>>, s: LangStructure): Set<string> {
  const refused = new Set<string>();
  const lines = errors.get(s.file);
  if (!lines) return refused;
  for (const fs of s.node.fields) {
    const spans = lines.get(fs.range.start.line);
    if (spans?.some((e) => before(e.start, fs.range.end) && before(fs.range.start, e.end))) refused.add(fs.name.lower);
  }
  return refused;
}

function events(model: DescriptionModel, out: EngineDiagnostic[]): void {
  for (const e of model.events) {
    const d = decodeEvent(e.words);
    const sidField = d.fields.find((f) => f.field === "StreamID");
    const related: RelatedLocation[] = [];
    let extra = "";
    if (sidField) {
      const sid = u64ToNumber(sidField.raw);
      const ste = model.stes.get(sid);
      const fromMemory = ste ? undefined : steWordsFromMemory(model, sid);
      if (ste || fromMemory) {
        if (ste) related.push({ span: ste.span, message: `the STE of StreamID ${hexNumber(sid)}` });
        const prov = fromMemory ? model.memory.provenanceAt(fromMemory.pa) : undefined;
        if (prov)
          related.push({
            span: prov,
            message: `the STE of StreamID ${hexNumber(sid)} (at ${hexNumber(fromMemory!.pa)})`,
          });
        const illegal = (
          ste ? legalityOfStructure(model, ste) : steLegality(fromMemory!.words, model.profile, model.memory)
        ).filter((f) => f.illegal);
        if (illegal.length)
          extra = ` The described STE is ILLEGAL: ${illegal.map((f) => `${f.code} ${f.message}`).join("; ")}.`;
        else if (d.name === "C_BAD_STE")
          extra = " The described STE is legal: the SMMU saw a different one (stale STE, missing CMD_CFGI_STE?).";
      }
    }
    out.push({
      code: "LANG-EVENT",
      severity: "information",
      message: `${d.name}: ${d.summary.replace(/\.?$/, ".")}${extra}`,
      span: e.span,
      event: d.name,
      ...(related.length ? { related } : {}),
    });
    if (d.problems.length)
      out.push({
        code: "LANG-EVENT-PROBLEM",
        severity: "warning",
        message: d.problems.join("; "),
        span: e.span,
        event: d.name,
      });
  }
}
