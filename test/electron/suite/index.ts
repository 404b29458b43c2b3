// Runs inside the Extension Development Host started by ../electron.test.ts: the first journey
// through the VS Code API (open quickstart.iommu, language mode, hover from the language server,
// the Show Decoded Record command). Throws on the first failed check; test-electron reports it.

import assert from "node:assert/strict";
import { join } from "node:path";
import * as vscode from "vscode";

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "examples/ is open");
  const doc = await vscode.workspace.openTextDocument(join(folder.uri.fsPath, "quickstart.iommu"));
  const editor = await vscode.window.showTextDocument(doc);
  assert.equal(doc.languageId, "iommu");

  const line = doc
    .getText()
    .split("\n")
    .findIndex((l) => l.startsWith("event = "));
  assert.ok(line >= 0, "quickstart.iommu has an event line");
  const position = new vscode.Position(line, 10);
  let text = "";
  for (let attempt = 0; attempt < 40 && !text.includes("C_BAD_STE"); attempt++) {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      "vscode.executeHoverProvider",
      doc.uri,
      position,
    );
    text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === "string" ? c : c.value))
      .join("\n");
    if (!text.includes("C_BAD_STE")) await new Promise((r) => setTimeout(r, 250));
  }
  assert.match(text, /\*\*C_BAD_STE\*\* \(SMMUv3 event 0x4\)/);
  assert.match(text, /\| StreamID \| dword0\[63:32\] \| 0x7d11 \|/);

  editor.selection = new vscode.Selection(position, position);
  await vscode.commands.executeCommand("iommuLens.showDecodedRecord");
  const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === "IOMMU Record");
  assert.ok(tab, "the IOMMU Record panel is open");
}
