// `iommu-lens check FILE.iommu... [--json]` (shared/design/formats.md): runs every `expect` line of
// each description and reports pass/fail per expectation. Exit 1 if any expectation fails or any
// file has an error diagnostic; 2 for usage or an unreadable file; 0 otherwise. An `expect
// translate` whose walk is not modelled (legal structures the walker does not implement) fails:
// it is neither confirmed nor refuted, and the message gives the reason; the summary counts them.
// --json prints one object per expectation ({"kind":"expectation", file, line, text, pass,
// message, result?}), then one per error diagnostic ({"kind":"diagnostic", ...}), then a summary.

import { resultToJson } from "../../../engine/src/index";
import { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, parseArgs } from "../io";
import type { VerbEntry } from "./index";
import { diagnosticToJson, displayPath, formatDiagnostic, loadDescription, sortDiagnostics } from "./lint";

export const CHECK_USAGE = `usage: iommu-lens check FILE.iommu... [--json]

  --json   one JSON object per expectation, per error diagnostic, then a summary

exit 0 when every expectation holds; 1 when one fails (also when its walk is not modelled: it can
be neither confirmed nor refuted) or a file has an error; 2 for usage or an unreadable file`;

export async function checkVerb(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(args, { flags: ["json"] });
  if (positionals.length === 0) throw new UsageError("at least one FILE is required");
  const json = flags.has("json");
  let passed = 0;
  let failed = 0;
  let errors = 0;
  let notModelled = 0;
  let unreadable = false;
  for (const file of positionals) {
    const loaded = await loadDescription(file, io);
    if (typeof loaded === "string") {
      io.err(`iommu-lens check: ${loaded}\n`);
      unreadable = true;
      continue;
    }
    const shown = displayPath(loaded.file, io.cwd);
    const lines: string[] = [];
    for (const r of loaded.expectations) {
      if (r.pass) passed++;
      else failed++;
      if (!r.pass && r.result?.outcome === "not-modelled") notModelled++;
      const line = r.span.start.line + 1;
      if (json) {
        lines.push(
          JSON.stringify({
            kind: "expectation",
            file: displayPath(r.span.file, io.cwd),
            line: r.span.start.line,
            text: r.text,
            pass: r.pass,
            message: r.message,
            ...(r.result ? { result: resultToJson(r.result, { trace: false }) } : {}),
          }) + "\n",
        );
      } else {
        lines.push(`${r.pass ? "PASS" : "FAIL"} ${displayPath(r.span.file, io.cwd)}:${line} ${r.text}\n`);
        if (!r.pass) lines.push(`     ${r.message}\n`);
      }
    }
    const errs = sortDiagnostics(
      loaded.diagnostics.filter((d) => d.severity === "error" && d.code !== "LANG-EXPECT-FAILED"),
    );
    errors += errs.length;
    for (const d of errs) {
      lines.push(
        json
          ? JSON.stringify({ kind: "diagnostic", ...diagnosticToJson(d, io.cwd) }) + "\n"
          : formatDiagnostic(d, io.cwd) + "\n",
      );
    }
    if (!json && loaded.expectations.length === 0) lines.push(`${shown}: no expect lines\n`);
    io.out(lines.join(""));
  }
  // `notModelled` (how many of the failures are undecided) is added only when there are any.
  if (json)
    io.out(JSON.stringify({ kind: "summary", passed, failed, errors, ...(notModelled ? { notModelled } : {}) }) + "\n");
  else
    io.out(
      `${passed} passed, ${failed} failed${notModelled ? ` (${notModelled} not modelled)` : ""}${errors ? `, ${errors} error diagnostic${errors === 1 ? "" : "s"}` : ""}\n`,
    );
  if (unreadable) return EXIT_USAGE;
  return failed > 0 || errors > 0 ? EXIT_FAILED : EXIT_OK;
}

export const CHECK_VERB: VerbEntry = {
  summary: "run the expect lines of .iommu descriptions",
  usage: CHECK_USAGE,
  run: checkVerb,
};
