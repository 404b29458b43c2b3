// iommuLens/decodeAt (protocol/src/index.ts): the decoded record at a position, as data, for
// views that render it themselves (the "Show Decoded Record" webview). null when none is there.

import { type Connection, type TextDocuments } from "vscode-languageserver/node";
import { type TextDocument } from "vscode-languageserver-textdocument";
import { DECODE_AT_METHOD, type DecodeAtParams, type DecodeAtResult } from "../../../protocol/src/index";
import { type RecordIndex } from "../records/recordIndex";

export function registerDecodeAt(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  records: RecordIndex,
): void {
  connection.onRequest(DECODE_AT_METHOD, (params: DecodeAtParams): DecodeAtResult => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    return records.at(doc, params.position.line) ?? null;
  });
}
