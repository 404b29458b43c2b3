// What `vscode`, `vscode-*` and `@vscode/*` resolve to inside engine/, protocol/ and webview/
// (their tsconfig.json `paths`). This file is deliberately not a module (no import or export),
// so such an import fails to compile with TS2306 "... is not a module": the boundary is enforced
// by the compiler, not only by the lint rule. Without it, TypeScript would find @types/vscode in
// node_modules even though these projects load no types. test/boundaries.test.ts proves both.
declare const __iommuLensForbiddenImport: never;
