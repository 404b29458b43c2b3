// Which IOMMU records a document holds, cached per document version.
//
// The engine's log scanner (`scanLog`) finds records in any text (kernel logs, mails with `> `
// quotes, `.iommu` `event = ...` lines, plain hex lists); the record tables (`decodeEvent`) decode
// them. This file turns both into the protocol's `RecordView` once per document version, so hover
// and iommuLens/decodeAt read the same answer.

import { type TextDocument } from "vscode-languageserver-textdocument";
import { type RecordView } from "../../../protocol/src/index";
import { findRecordViews } from "./recordViews";

interface Entry {
  readonly version: number;
  readonly views: readonly RecordView[];
}

export class RecordIndex {
  private readonly byUri = new Map<string, Entry>();

  /** @param report where an engine failure is said (the server's log); the document then has no records */
  constructor(private readonly report: (message: string) => void = () => {}) {}

  /** Every record in the document, in document order. */
  all(doc: TextDocument): readonly RecordView[] {
    const cached = this.byUri.get(doc.uri);
    if (cached && cached.version === doc.version) return cached.views;
    let views: RecordView[] = [];
    try {
      views = findRecordViews(doc.getText(), doc.uri, doc.languageId);
    } catch (e: unknown) {
      // the engine promises never to throw; if it does, one document loses hover, not the server
      this.report(`IOMMU Lens: decoding ${doc.uri} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.byUri.set(doc.uri, { version: doc.version, views });
    return views;
  }

  /** The record whose lines cover `line` (zero-based), if any. */
  at(doc: TextDocument, line: number): RecordView | undefined {
    return this.all(doc).find((r) => r.startLine <= line && line <= r.endLine);
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }
}
