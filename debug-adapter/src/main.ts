// The IOMMU Lens debug adapter as a standalone process speaking DAP over stdio:
//   node dist/debug-adapter.js
// VS Code starts it as a DebugAdapterExecutable (extension/src/debugAdapter.ts); any other DAP
// client can do the same. See session.ts for what a launch does.

import { DebugSession } from "@vscode/debugadapter";
import { IommuDebugSession } from "./session";

DebugSession.run(IommuDebugSession);
