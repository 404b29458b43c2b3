// Entry point of the "IOMMU Record" webview panel (bundled to dist/webview/record.js).
// Listens for the host's typed messages (protocol/: ShowRecordMessage), hands them to the
// <iommu-record-view> element, and tells the host when it is ready. It computes nothing.

import { isHostToRecordPanel, type RecordPanelToHost } from "../../../protocol/src/index";
import { type IommuRecordView } from "../record/recordView";
import "../record/recordView";

interface VsCodeApi {
  postMessage(message: RecordPanelToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const view = document.querySelector<IommuRecordView>("iommu-record-view");

window.addEventListener("message", (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostToRecordPanel(message) || !view) return;
  view.record = message.record;
  view.message = message.message;
});

vscode.postMessage({ type: "ready" });
