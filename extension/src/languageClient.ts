// Starts the IOMMU Lens language server (dist/server.js) over Node IPC and keeps the client.
// The server hovers IOMMU records in .iommu files and in the places records are pasted: logs,
// plain text, C sources.

import type * as vscode from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { LANGUAGE_ID } from "../../protocol/src/index";

export type StartedClient = LanguageClient;

export const DOCUMENT_LANGUAGES = [LANGUAGE_ID, "log", "plaintext", "c"] as const;

export async function startLanguageClient(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
): Promise<LanguageClient> {
  const module = context.asAbsolutePath("dist/server.js");
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_LANGUAGES.flatMap((language) => [
      { scheme: "file", language },
      { scheme: "untitled", language },
    ]),
    outputChannel: output,
  };
  const client = new LanguageClient("iommuLens", "IOMMU Lens Language Server", serverOptions, clientOptions);
  await client.start();
  output.appendLine("language server started");
  return client;
}
