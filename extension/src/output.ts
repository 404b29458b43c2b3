// The "IOMMU Lens" output channel: a short log of activation, server start/stop and debug
// sessions, so a user (and the end-to-end test) can see what the extension did.

import * as vscode from "vscode";
import { OUTPUT_CHANNEL_NAME } from "../../protocol/src/index";

export function createOutput(context: vscode.ExtensionContext): vscode.OutputChannel {
  const channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME);
  context.subscriptions.push(channel);
  return channel;
}
