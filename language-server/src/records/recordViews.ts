// From document text to the protocol's RecordView list. The only place the language server meets
// the engine's record API:
// - .iommu documents: the language's parser finds the `event = <4 dwords>` statements (a `memory`
//   block's words are not events, so the free-text scanner must not guess there);
// - any other document (logs, mails, plain text, C): the engine's log scanner finds the records.
// Both decode through the engine's event tables, which also give cause and next steps.

import {
  type DecodedEvent,
  type DecodedLogRecord,
  type EventNode,
  decodeEvent,
  hexHalves,
  parseDescription,
  scanLog,
} from "../../../engine/src/index";
import { LANGUAGE_ID, type RecordView } from "../../../protocol/src/index";

export function findRecordViews(text: string, uri: string, languageId: string): RecordView[] {
  if (languageId === LANGUAGE_ID) {
    return parseDescription(text, uri)
      .nodes.filter((n): n is EventNode => n.kind === "event" && n.words.length === 4)
      .map((n) => eventStatementView(n, uri));
  }
  return scanLog(text, uri).records.map((r) => logRecordView(r, uri));
}

function eventStatementView(n: EventNode, uri: string): RecordView {
  const words = new Uint32Array(8);
  n.words.forEach((w, i) => {
    words[2 * i] = w.value.lo;
    words[2 * i + 1] = w.value.hi;
  });
  const d = decodeEvent(words);
  return {
    ...eventParts(d),
    kind: "event",
    raw: rawWords(words, 4),
    problems: d.problems,
    uri,
    startLine: n.range.start.line,
    endLine: n.range.end.line,
  };
}

function logRecordView(r: DecodedLogRecord, uri: string): RecordView {
  return {
    kind: r.kind,
    name: r.name,
    id: r.id,
    fields: r.fields.map((f) => ({ name: f.field, bits: f.bits, value: f.value, meaning: f.meaning })),
    summary: r.summary,
    cause: r.event?.type?.cause ?? "",
    nextSteps: r.event?.type?.nextSteps ?? [],
    raw: rawWords(r.words, r.expectedDwords),
    // what is wrong with the content (decoder), then with the text (scanner, with its line)
    problems: [...r.decodeProblems, ...r.problems.map((p) => `line ${p.line + 1}: ${p.message}`)],
    uri,
    startLine: r.startLine,
    endLine: r.endLine,
  };
}

function eventParts(d: DecodedEvent): Pick<RecordView, "name" | "id" | "fields" | "summary" | "cause" | "nextSteps"> {
  return {
    name: d.name,
    id: "0x" + d.id.toString(16),
    fields: d.fields.map((f) => ({ name: f.field, bits: f.bits, value: f.value, meaning: f.meaning })),
    summary: d.summary,
    cause: d.type?.cause ?? "",
    nextSteps: d.type?.nextSteps ?? [],
  };
}

function rawWords(words: ArrayLike<number>, dwords: number): string[] {
  const raw: string[] = [];
  for (let i = 0; i < dwords; i++) raw.push(hexHalves(words[2 * i] ?? 0, words[2 * i + 1] ?? 0));
  return raw;
}
