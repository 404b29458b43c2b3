// The VS Code extension's entry point: thin wiring, one feature per file.
//   output.ts         the "IOMMU Lens" output channel (activation and server lifecycle log)
//   languageClient.ts starts the language server (dist/server.js) over IPC
//   debugAdapter.ts   registers the `iommu` debugger (dist/debug-adapter.js as a process)
//   recordPanel.ts    "IOMMU Lens: Show Decoded Record": a webview panel fed by iommuLens/decodeAt
// The extension imports no engine code: it speaks LSP and DAP, and protocol/ types the messages.

import * as vscode from "vscode";
import { registerDebugAdapter } from "./debugAdapter";
import { startLanguageClient, type StartedClient } from "./languageClient";
import { createOutput } from "./output";
import { registerRecordPanel } from "./recordPanel";

let client: StartedClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = createOutput(context);
  const version = (context.extension.packageJSON as { version?: string }).version ?? "?";
  output.appendLine(`IOMMU Lens ${version} activated (${vscode.ExtensionMode[context.extensionMode]} mode)`);
  registerDebugAdapter(context, output);
  client = await startLanguageClient(context, output);
  registerRecordPanel(context, client, output);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
