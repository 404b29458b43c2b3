// <iommu-record-view>: one decoded IOMMU record (protocol RecordView) as a VS Code-styled page:
// title, summary, a vscode-table of fields (name, bits, value, meaning), cause, next steps,
// problems, raw words. Colours come from VS Code's theme variables; no inline style attributes
// (the panel's CSP allows only nonce'd styles and adopted style sheets).

import { LitElement, css, html, nothing, type TemplateResult } from "lit";
import { type RecordView } from "../../../protocol/src/index";
import "@vscode-elements/elements/dist/vscode-table/index.js";
import "@vscode-elements/elements/dist/vscode-table-header/index.js";
import "@vscode-elements/elements/dist/vscode-table-header-cell/index.js";
import "@vscode-elements/elements/dist/vscode-table-body/index.js";
import "@vscode-elements/elements/dist/vscode-table-row/index.js";
import "@vscode-elements/elements/dist/vscode-table-cell/index.js";

export class IommuRecordView extends LitElement {
  static override properties = {
    record: { attribute: false },
    message: { type: String },
  };

  static override styles = css`
    :host {
      display: block;
      color: var(--vscode-foreground);
      font-family: var(--vscode-font-family);
      font-size: var(--vscode-font-size);
    }
    h1 {
      font-size: 1.4em;
      font-weight: 600;
      margin: 0.8em 0 0.3em;
    }
    .kind {
      color: var(--vscode-descriptionForeground);
      font-weight: normal;
    }
    .summary {
      margin: 0.3em 0 0.2em;
    }
    .source {
      color: var(--vscode-descriptionForeground);
      margin: 0 0 1em;
    }
    h2 {
      font-size: 1.1em;
      margin: 1.2em 0 0.3em;
    }
    code,
    .mono {
      font-family: var(--vscode-editor-font-family);
    }
    .problems li {
      color: var(--vscode-editorWarning-foreground);
    }
    .empty {
      color: var(--vscode-descriptionForeground);
      margin-top: 2em;
    }
  `;

  declare record: RecordView | null;
  declare message: string;

  constructor() {
    super();
    this.record = null;
    this.message = "Place the cursor on an IOMMU record and run “IOMMU Lens: Show Decoded Record”.";
  }

  override render(): TemplateResult {
    const r = this.record;
    if (!r) return html`<p class="empty" id="message">${this.message}</p>`;
    return html`
      <h1 id="title">${r.name} <span class="kind">SMMUv3 ${r.kind} ${r.id}</span></h1>
      <p class="summary" id="summary">${r.summary}</p>
      <p class="source" id="source">${where(r)}</p>
      <vscode-table id="fields" zebra bordered-rows .columns=${["24%", "24%", "22%", "30%"]}>
        <vscode-table-header slot="header">
          <vscode-table-header-cell>Field</vscode-table-header-cell>
          <vscode-table-header-cell>Bits</vscode-table-header-cell>
          <vscode-table-header-cell>Value</vscode-table-header-cell>
          <vscode-table-header-cell>Meaning</vscode-table-header-cell>
        </vscode-table-header>
        <vscode-table-body slot="body">
          ${r.fields.map(
            (f) =>
              html`<vscode-table-row>
                <vscode-table-cell>${f.name}</vscode-table-cell>
                <vscode-table-cell class="mono">${f.bits}</vscode-table-cell>
                <vscode-table-cell class="mono">${f.value}</vscode-table-cell>
                <vscode-table-cell>${f.meaning}</vscode-table-cell>
              </vscode-table-row>`,
          )}
        </vscode-table-body>
      </vscode-table>
      ${
        r.cause
          ? html`<h2>Cause</h2>
              <p id="cause">${r.cause}</p>`
          : nothing
      }
      ${
        r.nextSteps.length
          ? html`<h2>Next steps</h2>
              <ul id="next-steps">
                ${r.nextSteps.map((s) => html`<li>${s}</li>`)}
              </ul>`
          : nothing
      }
      ${
        r.problems.length
          ? html`<h2>Problems with this record</h2>
              <ul class="problems" id="problems">
                ${r.problems.map((p) => html`<li>${p}</li>`)}
              </ul>`
          : nothing
      }
      <h2>Raw</h2>
      <p><code id="raw">${r.raw.join(" ")}</code></p>
    `;
  }
}

/** `dmesg.log, lines 2-6`: where the record was found (the file name is the URI's last segment). */
function where(r: RecordView): string {
  const last = r.uri.replace(/[?#].*$/, "").replace(/^.*\//, "");
  let file = last;
  try {
    file = decodeURIComponent(last);
  } catch {
    // a malformed escape: show the name as it is
  }
  const lines = r.endLine > r.startLine ? `lines ${r.startLine + 1}-${r.endLine + 1}` : `line ${r.startLine + 1}`;
  return `${file}, ${lines}`;
}

customElements.define("iommu-record-view", IommuRecordView);

declare global {
  interface HTMLElementTagNameMap {
    "iommu-record-view": IommuRecordView;
  }
}
