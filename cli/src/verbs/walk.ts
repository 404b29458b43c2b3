// `iommu-lens walk --scenario FILE.json [--json] [--trace] [--check]` (shared/design/formats.md,
// "CLI verbs"; --check is an addition).
//
// Reads scenarios (one object, an array, or JSON Lines), walks each through the engine's SMMUv3
// translation and prints one result per scenario: a readable summary, or with --json one
// result-contract object per line. --trace adds every memory read (a table, or `steps`).
// A fault is a result (exit 0). A walk the walker does not model (outcome "not-modelled": legal
// structures it does not implement, so no fault either) has no answer: it is printed with its
// reason, named on stderr, and the verb exits 1. A scenario that cannot be read or is invalid is
// reported on stderr with its file and line and the verb exits 2 after walking the valid ones.
// With --check, results are compared with the `expected` of test-vector lines; any difference
// exits 1 (a not-modelled result never passes an expectation of a fault or a PA).

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  type ResultJson,
  type TranslationRequest,
  type WalkResult,
  decodeEvent,
  expectedDifferences,
  hex64,
  hexNumber,
  loadScenarios,
  parseScenario,
  resultToJson,
  translate,
} from "../../../engine/src/index";
import { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, describeReadError, parseArgs } from "../io";
import type { VerbEntry } from "./index";

export const WALK_USAGE = `usage: iommu-lens walk --scenario FILE.json [--json] [--trace] [--check]

  --scenario FILE  scenario file: one JSON object, an array, or JSON Lines ('-' reads stdin);
                   test-vector lines {"scenario", "expected"} are accepted too
  --json           one result-contract JSON object per line
  --trace          include every memory read of the walk
  --check          compare each result with the scenario's "expected" (exit 1 if any differs)

exit 0 when every scenario walked (a fault is a result); 1 when a check fails or a walk is not
modelled (legal structures the walker does not implement: no answer, the reason is printed);
2 for usage, an unreadable file or an invalid scenario`;

export const WALK_SUMMARY = "walk scenario(s) through the SMMUv3 translation";

export async function walkVerb(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, options, positionals } = parseArgs(args, {
    flags: ["json", "trace", "check"],
    options: ["scenario"],
  });
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument '${positionals[0]!}' (give the file with --scenario)`);
  const file = options.get("scenario");
  if (file === undefined) throw new UsageError("--scenario FILE is required");
  const json = flags.has("json");
  const trace = flags.has("trace");
  const check = flags.has("check");
  let checked = 0;
  const failedChecks: string[] = [];
  const notModelled: string[] = [];

  let text: string;
  try {
    text = file === "-" ? await readStream(io.stdin) : await readFile(resolve(io.cwd, file), "utf8");
  } catch (e: unknown) {
    io.err(`iommu-lens walk: cannot read ${file}: ${describeReadError(e)}\n`);
    return EXIT_USAGE;
  }

  const loaded = loadScenarios(text, file === "-" ? "<stdin>" : file);
  let invalid = loaded.problems.length > 0;
  for (const p of loaded.problems) io.err(p + "\n");
  const lines: string[] = [];
  for (const scenario of loaded.scenarios) {
    const parsed = parseScenario(scenario.json, scenario.origin);
    if (parsed.problems.length > 0 || !parsed.setup) {
      invalid = true;
      for (const p of parsed.problems) io.err(p + "\n");
      continue;
    }
    if (!parsed.request) {
      invalid = true;
      const line = scenario.origin.line;
      io.err(
        `${scenario.origin.file}${line !== undefined ? ":" + (line + 1) : ""}: ${parsed.id}: the scenario has no request to walk\n`,
      );
      continue;
    }
    let result: WalkResult;
    try {
      result = translate(parsed.setup, parsed.request, { trace });
    } catch (e: unknown) {
      // A walker bug must not hide the other scenarios' results; say which scenario hit it.
      invalid = true;
      io.err(`iommu-lens walk: ${parsed.id}: internal error in the walk: ${describeReadError(e)}\n`);
      continue;
    }
    const out: ResultJson & { check?: { pass: boolean; differences: string[] } } = resultToJson(result, {
      trace,
      id: parsed.id,
    });
    if (result.outcome === "not-modelled") notModelled.push(`${parsed.id}: ${result.reason ?? "not modelled"}`);
    // A vector line carries `expected` beside the scenario; a scenario may carry its own.
    const expected = scenario.expected ?? (isObject(scenario.json) ? scenario.json["expected"] : undefined);
    if (check && expected !== undefined) {
      const differences = expectedDifferences(out, expected);
      out.check = { pass: differences.length === 0, differences };
      checked++;
      if (differences.length > 0) failedChecks.push(`${parsed.id}: ${differences.join(", ")}`);
    }
    // Results go out in batches so a long file shows progress without one write per scenario.
    if (lines.length >= 256) {
      io.out(lines.splice(0).join(""));
      // Let a closed pipe (`walk ... | head`) be noticed; then there is no one left to walk for.
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
      if (process.stdout.destroyed) return EXIT_OK;
    }
    if (json) lines.push(JSON.stringify(out) + "\n");
    else {
      const record = result.fault?.recorded ? result.fault.record : undefined;
      lines.push(formatResult(out, parsed.request, trace, record ? decodeEvent(record).summary : undefined));
    }
  }
  io.out(lines.join(""));
  for (const n of notModelled) io.err(`iommu-lens walk: no answer for ${n}\n`);
  if (check) {
    io.err(`iommu-lens walk: ${checked - failedChecks.length}/${checked} expectations hold\n`);
    for (const f of failedChecks) io.err(`  FAIL ${f}\n`);
  }
  if (invalid) return EXIT_USAGE;
  return failedChecks.length > 0 || notModelled.length > 0 ? EXIT_FAILED : EXIT_OK;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The registry entry (cli/src/verbs/index.ts). */
export const WALK_VERB: VerbEntry = { summary: WALK_SUMMARY, usage: WALK_USAGE, run: walkVerb };

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: string[] = [];
  stream.setEncoding("utf8");
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? chunk : String(chunk));
  return chunks.join("");
}

// ---- human output ---------------------------------------------------------------------------

function formatRequest(r: TranslationRequest): string {
  const ssid = r.ssid !== undefined ? ` ssid ${hexNumber(r.ssid)}` : "";
  return `sid ${hexNumber(r.sid)}${ssid} iova ${hex64(r.iova)} ${r.access}${r.privileged ? "" : " unprivileged"}`;
}

function permText(p: { read: boolean; write: boolean; exec: boolean }): string {
  return `${p.read ? "r" : "-"}${p.write ? "w" : "-"}${p.exec ? "x" : "-"}`;
}

/** The lines of a fault: event and where, addresses, why, the record and its decoding. */
function faultLines(f: NonNullable<ResultJson["fault"]>, eventSummary: string | undefined): string[] {
  const lines: string[] = [];
  const where = [
    f.stage !== undefined ? `stage ${f.stage}` : "",
    f.level !== undefined ? `level ${f.level}` : "",
    f.class !== undefined ? `CLASS ${f.class}` : "",
  ].filter((s) => s !== "");
  lines.push(`  fault     ${f.event} (${f.id})${where.length ? ", " + where.join(", ") : ""}`);
  const addrs = [`InputAddr ${f.inputAddr}`];
  if (f.ipa !== undefined) addrs.push(`IPA ${f.ipa}`);
  if (f.fetchAddr !== undefined) addrs.push(`FetchAddr ${f.fetchAddr}`);
  lines.push(`  address   ${addrs.join("  ")}`);
  lines.push(`  why       ${f.reason}`);
  lines.push(
    `  record    ${f.record ? f.record.join(" ") : "not recorded (recording suppressed: CD.R / STE.S2R 0, or a silent termination)"}`,
  );
  if (eventSummary !== undefined) lines.push(`  decoded   ${eventSummary}`);
  return lines;
}

/** A readable result: the outcome line, then details indented, then (trace) the table of reads. */
export function formatResult(
  out: ResultJson,
  request: TranslationRequest,
  trace: boolean,
  eventSummary?: string,
): string {
  const lines: string[] = [];
  const id = out.id ?? "scenario";
  lines.push(`${id}: ${formatRequest(request)}`);
  switch (out.outcome) {
    case "fault":
      if (out.fault) lines.push(...faultLines(out.fault, eventSummary));
      else lines.push("  outcome   fault", ...(out.reason !== undefined ? [`  why       ${out.reason}`] : []));
      break;
    case "not-modelled":
      // Legal structures (no C_BAD_STE / C_BAD_CD) the walker does not implement: no fault, no PA.
      lines.push(
        "  outcome   not modelled: no answer (no fault and no event record: the SMMU raises none for legal structures)",
        `  why       ${out.reason ?? "not modelled"}`,
      );
      break;
    case "translated":
    case "bypass":
    case "abort":
      lines.push(`  outcome   ${out.outcome}`);
      if (out.pa !== undefined)
        lines.push(`  PA        ${out.pa}${out.size !== undefined ? `  (mapping of ${out.size} bytes)` : ""}`);
      if (out.perm) lines.push(`  perm      ${permText(out.perm)}`);
      if (out.attrs) {
        const a = out.attrs;
        const parts = [String(a["memType"] ?? ""), a["sh"] !== undefined ? `${String(a["sh"])} shareable` : ""].filter(
          (s) => s !== "",
        );
        if (parts.length) lines.push(`  attrs     ${parts.join(", ")}`);
      }
      if (out.reason !== undefined) lines.push(`  why       ${out.reason}`);
      break;
    default: {
      // Every outcome is handled above; a new one must be added here (the compiler says so).
      const unhandled: never = out.outcome;
      lines.push(`  outcome   ${String(unhandled)}`);
    }
  }
  const checkResult = (out as { check?: { pass: boolean; differences: string[] } }).check;
  if (checkResult) {
    lines.push(`  check     ${checkResult.pass ? "PASS" : "FAIL: " + checkResult.differences.join(", ")}`);
  }
  for (const finding of out.findings ?? []) {
    lines.push(`  ${finding.severity.padEnd(9)} ${finding.code}: ${finding.message} (${finding.section})`);
  }
  if (trace && out.steps) {
    const header = ["#", "read", "index", "space", "addr", "pa", "value", "source"];
    const rows = out.steps.map((s, i) => [
      String(i + 1),
      s.what,
      s.index ? `${s.index.bits}=${s.index.value}` : "",
      s.space,
      s.addr,
      s.pa,
      s.value,
      s.source ?? "",
    ]);
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const render = (cells: string[]): string =>
      "  " +
      cells
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd();
    lines.push(render(header));
    for (const row of rows) lines.push(render(row));
    if (rows.length === 0) lines.push("  (no memory reads)");
  }
  return lines.join("\n") + "\n\n";
}
