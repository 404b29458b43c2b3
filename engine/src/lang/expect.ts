// Runs a description's `expect` lines (docs/language.md §10) against W1's walker and R1's
// legality checks: each expectation passes or fails with a sentence saying what happened instead.
// A walk the walker does not model (outcome "not-modelled") fails every `expect translate`: it
// neither confirms nor refutes it, and the message says so with the reason.

import { hexNumber, u64ToNumber } from "../bits/u64";
import type { SourceSpan } from "../source";
import { translate } from "../smmuv3/walk/translate";
import type { TranslationRequest, TranslationSetup, WalkResult } from "../smmuv3/walk/types";
import type { ExpectLegalNode, ExpectTranslateNode } from "./ast";
import { type LangLegalityFinding, legalityOfStructure, steLegality, steWordsFromMemory } from "./legality";
import type { DescriptionModel, LangExpectation, LangStructure } from "./model";

export interface LangExpectationResult {
  readonly expectation: LangExpectation;
  readonly pass: boolean;
  /** `expect translate ... -> 0x850000123` in canonical form. */
  readonly text: string;
  /** What happened, in a sentence (on failure: what happened instead). */
  readonly message: string;
  /** The walk, for `expect translate`. */
  readonly result?: WalkResult;
  /** The legality findings, for `expect legal|illegal`. */
  readonly findings?: readonly LangLegalityFinding[];
  /** The structure an `expect legal|illegal` judged. */
  readonly structure?: LangStructure;
  readonly span: SourceSpan;
}

/** The walker's set-up for a StreamID: the memory image, and the STE directly when it is not in a stream table. */
export function translationSetupFor(model: DescriptionModel, sid: number): TranslationSetup {
  const ste = model.stes.get(sid);
  const given = ste && (!model.strtab || ste.pa === undefined);
  return {
    profile: model.profile,
    memory: model.memory,
    ...(model.strtab ? { strtab: model.strtab } : {}),
    ...(given ? { ste: { words: ste.words, provenance: ste.dwordProvenance[0]! } } : {}),
  };
}

/** Translates one request in a description (the `translate` verb and `expect translate`). */
export function translateInDescription(
  model: DescriptionModel,
  request: TranslationRequest,
  options: { trace?: boolean } = {},
): WalkResult {
  return translate(translationSetupFor(model, request.sid), request, { trace: options.trace ?? true });
}

function describeResult(r: WalkResult): string {
  switch (r.outcome) {
    case "translated":
      return `translated to ${hexNumber(r.pa ?? 0)}`;
    case "bypass":
      return `bypassed to ${hexNumber(r.pa ?? 0)}${r.reason ? ` (${r.reason})` : ""}`;
    case "abort":
      return `aborted without an event${r.reason ? ` (${r.reason})` : ""}`;
    case "not-modelled":
      // Legal structures the walker does not implement: what the SMMU does is unknown here.
      return `the walker cannot decide it: ${r.reason ?? "not modelled"}; the expectation can be neither confirmed nor refuted`;
    case "fault": {
      const f = r.fault;
      if (!f) return `faulted${r.reason ? `: ${r.reason}` : ""}`;
      const where = [f.stage !== undefined ? `stage ${f.stage}` : "", f.level !== undefined ? `level ${f.level}` : ""]
        .filter(Boolean)
        .join(" ");
      return `faulted with ${f.event}${where ? ` ${where}` : ""}: ${f.reason}`;
    }
  }
}

function translateText(n: ExpectTranslateNode): string {
  const r = n.result;
  const result =
    r.kind === "pa"
      ? hexNumber(u64ToNumber(r.pa.value))
      : `fault ${r.event.text}${r.stage ? ` stage ${r.stage.text}` : ""}${r.level ? ` level ${r.level.text}` : ""}`;
  return `expect translate sid ${n.sid.text}${n.ssid ? ` ssid ${n.ssid.text}` : ""} iova ${n.iova.text} ${n.access}${n.unprivileged ? " unprivileged" : ""} -> ${result}`;
}

function runTranslate(model: DescriptionModel, e: LangExpectation, n: ExpectTranslateNode): LangExpectationResult {
  const request: TranslationRequest = {
    sid: u64ToNumber(n.sid.value),
    ...(n.ssid ? { ssid: u64ToNumber(n.ssid.value) } : {}),
    iova: n.iova.value,
    access: n.access,
    privileged: !n.unprivileged,
  };
  const result = translateInDescription(model, request);
  const text = translateText(n);
  const got = describeResult(result);
  let pass: boolean;
  if (n.result.kind === "pa") {
    const want = u64ToNumber(n.result.pa.value);
    pass = (result.outcome === "translated" || result.outcome === "bypass") && result.pa === want;
  } else {
    const f = result.fault;
    const want = n.result;
    pass =
      result.outcome === "fault" &&
      f !== undefined &&
      f.event.toUpperCase() === want.event.text.toUpperCase() &&
      (want.stage === undefined || f.stage === u64ToNumber(want.stage.value)) &&
      (want.level === undefined || f.level === u64ToNumber(want.level.value));
  }
  return {
    expectation: e,
    pass,
    text,
    message: pass ? got : `expected ${text.replace(/^.* -> /, "")}, but ${got}`,
    result,
    span: e.span,
  };
}

function findStructure(model: DescriptionModel, n: ExpectLegalNode): LangStructure | string {
  const t = n.target;
  if (t.type === "ste") {
    const sid = u64ToNumber(t.sid.value);
    return model.stes.get(sid) ?? `the file has no STE for StreamID ${hexNumber(sid)} (none described, none in memory)`;
  }
  const ref = t.ref;
  if (ref.kind === "ident") {
    return model.structures.find((s) => s.type === "cd" && s.name === ref.text) ?? `no cd is named ${ref.text}`;
  }
  let addr: number | undefined;
  if (ref.kind === "label") {
    const l = model.labels.get(ref.name);
    addr = l ? l.addr + (ref.offset ? u64ToNumber(ref.offset.value) : 0) : undefined;
  } else {
    addr = u64ToNumber(ref.value);
  }
  return (
    model.structures.find((s) => s.type === "cd" && s.addr === addr) ??
    `no cd is at ${addr === undefined ? "that label" : hexNumber(addr)}`
  );
}

function runLegal(model: DescriptionModel, e: LangExpectation, n: ExpectLegalNode): LangExpectationResult {
  const text = `expect ${n.legal ? "legal" : "illegal"} ${n.target.type} ${
    n.target.type === "ste"
      ? n.target.sid.text
      : n.target.ref.kind === "label"
        ? "@" + n.target.ref.name
        : n.target.ref.text
  }${n.code ? " " + n.code.text : ""}`;
  const s = findStructure(model, n);
  let findings: LangLegalityFinding[];
  let structure: LangStructure | undefined;
  if (typeof s === "string") {
    // not described by an `ste` statement: the STE may still be in memory (a dump, raw words)
    const fromMemory = n.target.type === "ste" ? steWordsFromMemory(model, u64ToNumber(n.target.sid.value)) : undefined;
    if (!fromMemory) return { expectation: e, pass: false, text, message: s, span: e.span };
    findings = steLegality(fromMemory.words, model.profile, model.memory);
  } else {
    structure = s;
    findings = legalityOfStructure(model, s);
  }
  const illegal = findings.filter((f) => f.illegal);
  const code = n.code?.text.toUpperCase();
  const listed = illegal.map((f) => `${f.code}${f.event ? ` (${f.event})` : ""}: ${f.message}`).join("; ");
  let pass: boolean;
  let message: string;
  if (n.legal) {
    pass = illegal.length === 0 && (code === undefined || !findings.some((f) => matches(f, code)));
    message = pass
      ? "no ILLEGAL condition"
      : `the structure is ILLEGAL: ${listed || findings.map((f) => f.code).join(", ")}`;
  } else {
    pass = illegal.length > 0 && (code === undefined || illegal.some((f) => matches(f, code)));
    message = pass
      ? listed
      : illegal.length === 0
        ? "the structure is legal (no ILLEGAL condition applies)"
        : `ILLEGAL, but not by ${n.code?.text ?? ""}: ${listed}`;
  }
  return { expectation: e, pass, text, message, findings, ...(structure ? { structure } : {}), span: e.span };
}

function matches(f: LangLegalityFinding, code: string): boolean {
  return f.code.toUpperCase() === code || (f.event?.toUpperCase() ?? "") === code;
}

/** Runs every `expect` line of a description, in order. Never throws. */
export function runExpectations(model: DescriptionModel): LangExpectationResult[] {
  return model.expectations.map((e) => {
    try {
      return e.node.kind === "expect-translate" ? runTranslate(model, e, e.node) : runLegal(model, e, e.node);
    } catch (err: unknown) {
      return {
        expectation: e,
        pass: false,
        text: "expect",
        message: `internal error while checking: ${err instanceof Error ? err.message : String(err)}`,
        span: e.span,
      };
    }
  });
}
