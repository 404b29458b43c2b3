// "IOMMU Lens: Show Decoded Record": asks the language server for the record under the cursor
// (iommuLens/decodeAt) and shows it in a webview panel; while open, the panel follows the cursor
// onto other records. The panel (webview/src/panels/record.ts) only renders the typed message it
// receives; one panel is reused.

import * as vscode from "vscode";
import { type LanguageClient } from "vscode-languageclient/node";
import {
  COMMAND_SHOW_DECODED_RECORD,
  DECODE_AT_METHOD,
  type DecodeAtParams,
  type DecodeAtResult,
  type HostToRecordPanel,
  type RecordPanelToHost,
} from "../../protocol/src/index";
import { DOCUMENT_LANGUAGES } from "./languageClient";
import { webviewHtml } from "./webviewHtml";

export function registerRecordPanel(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  output: vscode.OutputChannel,
): void {
  let panel: vscode.WebviewPanel | undefined;
  let ready = false;
  let pending: HostToRecordPanel | undefined;

  const post = (message: HostToRecordPanel): void => {
    if (panel && ready) void panel.webview.postMessage(message);
    else pending = message;
  };

  const open = (): vscode.WebviewPanel => {
    if (panel) {
      panel.reveal(vscode.ViewColumn.Beside, true);
      return panel;
    }
    const distWebview = vscode.Uri.joinPath(context.extensionUri, "dist", "webview");
    panel = vscode.window.createWebviewPanel(
      "iommuLens.record",
      "IOMMU Record",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [distWebview] },
    );
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(distWebview, "record.js"));
    panel.webview.html = webviewHtml(panel.webview.cspSource, script.toString(), "IOMMU Record");
    panel.webview.onDidReceiveMessage((m: RecordPanelToHost) => {
      if (m.type === "ready") {
        ready = true;
        if (pending && panel) void panel.webview.postMessage(pending);
        pending = undefined;
      }
    });
    panel.onDidDispose(() => {
      panel = undefined;
      ready = false;
    });
    return panel;
  };

  // the editor context menu offers the command in the languages the server decodes
  void vscode.commands.executeCommand("setContext", "iommuLens.recordLanguages", [...DOCUMENT_LANGUAGES]);
  const decodeAt = (editor: vscode.TextEditor): Promise<DecodeAtResult> => {
    const params: DecodeAtParams = {
      textDocument: { uri: editor.document.uri.toString() },
      position: { line: editor.selection.active.line, character: editor.selection.active.character },
    };
    return client.sendRequest<DecodeAtResult>(DECODE_AT_METHOD, params);
  };

  // While the panel is open it follows the cursor onto other records (and keeps showing the last
  // one while the cursor is elsewhere, so it does not flicker).
  let shown: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const follow = (e: vscode.TextEditorSelectionChangeEvent): void => {
    if (!panel || !(DOCUMENT_LANGUAGES as readonly string[]).includes(e.textEditor.document.languageId)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      void decodeAt(e.textEditor).then((record) => {
        const key = record ? `${record.uri}:${record.startLine}` : undefined;
        if (record && key !== shown) {
          shown = key;
          post({ type: "showRecord", record, message: "" });
        }
      });
    }, 150);
  };

  context.subscriptions.push(
    vscode.window.onDidChangeTextEditorSelection(follow),
    vscode.commands.registerCommand(COMMAND_SHOW_DECODED_RECORD, async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage(
          "IOMMU Lens: open a file with an IOMMU record and place the cursor on it.",
        );
        return;
      }
      const record = await decodeAt(editor);
      const where = `line ${editor.selection.active.line + 1} of ${vscode.workspace.asRelativePath(editor.document.uri)}`;
      output.appendLine(record ? `showing ${record.name} at ${where}` : `no IOMMU record at ${where}`);
      open();
      shown = record ? `${record.uri}:${record.startLine}` : undefined;
      post({ type: "showRecord", record, message: record ? "" : `No IOMMU record at ${where}.` });
    }),
  );
}
