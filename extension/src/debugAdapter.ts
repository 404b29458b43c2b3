// Registers the `iommu` debugger: VS Code runs dist/debug-adapter.js as a separate Node process
// speaking DAP over stdio (the same entry point other editors use), so the extension host never
// loads the engine. The Node binary is the one running the extension host (Electron as Node on
// the desktop), so no separate Node installation is needed.

import * as vscode from "vscode";
import { DEBUG_TYPE } from "../../protocol/src/index";

export function registerDebugAdapter(context: vscode.ExtensionContext, output: vscode.OutputChannel): void {
  const adapter = context.asAbsolutePath("dist/debug-adapter.js");
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      // in desktop VS Code process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it plain Node
      // (as VS Code does for its own Node-based adapters); in code-server it is node already
      createDebugAdapterDescriptor: () =>
        new vscode.DebugAdapterExecutable(process.execPath, [adapter], { env: { ELECTRON_RUN_AS_NODE: "1" } }),
    }),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, {
      // F5 on an open .iommu file with no launch.json: debug that file (the adapter then runs the
      // file's first `expect translate` request)
      resolveDebugConfiguration: (_folder, config) => {
        if (!config.type && !config.request && !config.name) {
          const editor = vscode.window.activeTextEditor;
          if (editor?.document.languageId !== "iommu") return config;
          return { type: DEBUG_TYPE, request: "launch", name: "IOMMU: translate", program: editor.document.uri.fsPath };
        }
        return config;
      },
    }),
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.type === DEBUG_TYPE) output.appendLine(`debug session started: ${s.name}`);
    }),
    vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.type === DEBUG_TYPE) output.appendLine(`debug session terminated: ${s.name}`);
    }),
  );
}
