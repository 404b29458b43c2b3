// Translating one transaction through a parsed .iommu program with the engine: the language builds
// the model (memory image, profile, stream table), the walker translates, and this file prints the
// walk trace and the outcome: the physical address with permissions and attributes, or the fault
// with the exact event record the SMMU would write, or, for legal structures the walker does not
// model, the reason it stopped (no fault: the SMMU raises none; the launch then fails, exit 1,
// like the CLI's translate, because it has no answer).

import {
  type ParseResult,
  type TraceStep,
  type WalkResult,
  buildModel,
  formatSpan,
  hex64,
  hexHalves,
  hexNumber,
  includeContent,
  translateInDescription,
} from "../../engine/src/index";
import { formatDiagnostic } from "./diagnostics";
import { type LaunchOutcome, type ReadFile, fail } from "./outcome";
import { type LaunchRequest } from "./request";

export function translateProgram(
  program: string,
  parse: ParseResult,
  request: LaunchRequest,
  readFile: ReadFile,
): LaunchOutcome {
  const model = buildModel(parse, {
    readInclude: (path) => {
      try {
        return includeContent(readFile(path));
      } catch {
        return undefined;
      }
    },
  });
  const errors = model.diagnostics.filter((d) => d.severity === "error");
  if (errors.length)
    return fail(`IOMMU Lens: ${program} has ${errors.length} error(s):`, ...errors.map(formatDiagnostic));

  const result = translateInDescription(model, request, { trace: true });
  const file = program.replace(/^.*[\\/]/, "");
  const lines = [
    `IOMMU Lens: translate StreamID ${hexNumber(request.sid)}` +
      `${request.ssid !== undefined ? ` SubstreamID ${hexNumber(request.ssid)}` : ""} IOVA ${hex64(request.iova)}` +
      ` ${request.access}, ${request.privileged ? "privileged" : "unprivileged"} (${file})`,
    ...result.steps.map((s, i) => stepLine(i + 1, s)),
    ...outcomeLines(result),
  ];
  return { lines, ok: result.outcome !== "not-modelled" };
}

function stepLine(n: number, s: TraceStep): string {
  const where = s.space === "IPA" ? `IPA ${hexNumber(s.addr)} (PA ${hexNumber(s.pa)})` : `PA ${hexNumber(s.pa)}`;
  const index = s.index ? ` ${s.index.bits}=${hexNumber(s.index.value)}` : "";
  const source = s.provenance ? `  <- ${formatSpan(s.provenance)}` : "";
  return `  ${String(n).padStart(2)}. ${s.what.padEnd(22)} ${where}${index} = ${hex64(s.value)}${source}`;
}

function outcomeLines(r: WalkResult): string[] {
  switch (r.outcome) {
    case "translated": {
      const perm = r.perm
        ? ["read", "write", "exec"].filter((p) => r.perm?.[p as "read" | "write" | "exec"]).join(" ") || "none"
        : "?";
      const attrs = r.attrs ? `, ${r.attrs.memType} ${r.attrs.sh}` : "";
      const size = r.size !== undefined ? ` (${hexNumber(r.size)} bytes, ${perm}${attrs})` : "";
      return [`translated: PA ${hexNumber(r.pa ?? 0)}${size}`];
    }
    case "bypass":
      return [`bypass: PA ${hexNumber(r.pa ?? 0)}${r.reason ? ` (${r.reason})` : ""}`];
    case "abort":
      return [`abort: the transaction is terminated without an event${r.reason ? ` (${r.reason})` : ""}`];
    case "not-modelled":
      // The reason starts with "not modelled: " and names what the walker does not implement.
      return [
        r.reason ?? "not modelled",
        "no fault and no event record: the STE/CD are legal, so the SMMU raises no C_BAD_STE / C_BAD_CD; what it does with this transaction is not known here",
      ];
    case "fault": {
      const f = r.fault;
      if (!f) return [`fault${r.reason ? `: ${r.reason}` : ""}`];
      const where = [
        f.stage !== undefined ? `stage ${f.stage}` : "",
        f.level !== undefined ? `level ${f.level}` : "",
        f.class ? `CLASS ${f.class}` : "",
      ].filter(Boolean);
      const lines = [
        `fault: ${f.event} (0x${f.id.toString(16)})${where.length ? `, ${where.join(", ")}` : ""}: ${f.reason}`,
      ];
      if (f.record) {
        const dwords = [0, 1, 2, 3].map((i) => hexHalves(f.record![2 * i] ?? 0, f.record![2 * i + 1] ?? 0));
        lines.push(`event record: ${dwords.join(" ")}`);
      } else if (!f.recorded) {
        lines.push("event record: none (recording is suppressed for this fault)");
      }
      return lines;
    }
  }
}
