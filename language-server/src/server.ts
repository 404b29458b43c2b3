// The IOMMU Lens language server: hosts the engine behind LSP.
//
//   node dist/server.js --stdio        any LSP client (formats.md, "Entry points")
//   node dist/server.js --node-ipc     VS Code's LanguageClient (TransportKind.ipc)
//
// This file only wires the connection; each feature lives in features/ with its own header.
// The server answers on any document type it is opened with (iommu, log, plaintext, c): kernel
// logs and mails are where IOMMU event records are met.

import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { registerDecodeAt } from "./features/decodeAt";
import { registerHover } from "./features/hover";
import { RecordIndex } from "./records/recordIndex";

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const records = new RecordIndex((message) => connection.console.error(message));

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    hoverProvider: true,
  },
  serverInfo: { name: "iommu-lens-server", version: "0.1.0" },
}));

documents.onDidClose((e) => records.forget(e.document.uri));
registerHover(connection, documents, records);
registerDecodeAt(connection, documents, records);

documents.listen(connection);
connection.listen();
