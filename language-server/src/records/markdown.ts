// A decoded record as hover markdown: title, summary, field table, cause, next steps, problems.
// Pure formatting of a RecordView; every word of content comes from the engine's tables.

import { type RecordView } from "../../../protocol/src/index";

/** Escapes text for a markdown table cell (pipes and line breaks would split the row). */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function recordMarkdown(r: RecordView): string {
  const lines: string[] = [];
  lines.push(`**${r.name}** (SMMUv3 ${r.kind} ${r.id}) — IOMMU Lens`, "");
  if (r.summary) lines.push(r.summary, "");
  lines.push("| Field | Bits | Value | Meaning |", "| --- | --- | --- | --- |");
  for (const f of r.fields) lines.push(`| ${cell(f.name)} | ${cell(f.bits)} | ${cell(f.value)} | ${cell(f.meaning)} |`);
  lines.push("");
  if (r.cause) lines.push(`**Cause:** ${r.cause}`, "");
  if (r.nextSteps.length) {
    lines.push("**Next steps:**", "");
    for (const s of r.nextSteps) lines.push(`- ${s}`);
    lines.push("");
  }
  if (r.problems.length) {
    lines.push("**Problems with this record:**", "");
    for (const p of r.problems) lines.push(`- ${p}`);
    lines.push("");
  }
  lines.push(`Raw: \`${r.raw.join(" ")}\``);
  return lines.join("\n");
}
