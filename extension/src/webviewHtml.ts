// The HTML shell of every IOMMU Lens webview: a strict Content Security Policy (scripts only
// with this page's nonce, nothing remote), the panel's module script, theme colours from VS Code's
// CSS variables. The panel script renders everything else. Plain strings in and out (no vscode
// types), so the webview tier's test page is this very shell.

import { randomBytes } from "node:crypto";

/**
 * @param cspSource `webview.cspSource`: the origin the webview's own resources come from
 * @param scriptUri the panel script, already a webview URI (`webview.asWebviewUri(...)`)
 */
export function webviewHtml(cspSource: string, scriptUri: string, title: string): string {
  const nonce = randomBytes(16).toString("base64");
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${title}</title>
<style nonce="${nonce}">
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background);
         font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 12px; }
</style>
</head>
<body>
<iommu-record-view id="root"></iommu-record-view>
<script type="module" nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}
