// Hover: over an IOMMU record (an SMMUv3 event in a kernel log, a mail, an `event = ...` line of a
// .iommu file), show it decoded: summary, a table of its fields (name, bits, value, meaning), the
// cause and what to check next. The text comes from the engine's tables, never written here.

import { type Connection, type Hover, MarkupKind, type TextDocuments } from "vscode-languageserver/node";
import { type TextDocument } from "vscode-languageserver-textdocument";
import { type RecordIndex } from "../records/recordIndex";
import { recordMarkdown } from "../records/markdown";

export function registerHover(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  records: RecordIndex,
): void {
  connection.onHover((params): Hover | null => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const record = records.at(doc, params.position.line);
    if (!record) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: recordMarkdown(record) },
      range: {
        start: { line: record.startLine, character: 0 },
        end: { line: record.endLine, character: doc.getText().split("\n")[record.endLine]?.length ?? 0 },
      },
    };
  });
}
