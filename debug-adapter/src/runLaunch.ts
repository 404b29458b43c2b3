// One launch, start to end, as plain data: read the program, parse it, then either replay the
// `event` given in the launch arguments or translate one transaction through the described tables
// (translateProgram.ts), as lines for the Debug Console. Without streamId and iova the transaction
// is the file's first `expect translate` line. Never throws for bad input: an unreadable
// file, syntax errors and bad arguments are all lines with ok = false.

import { type ExpectTranslateNode, decodeEvent, parseDescription } from "../../engine/src/index";
import { type IommuLaunchArguments } from "../../protocol/src/index";
import { formatDiagnostic } from "./diagnostics";
import { type LaunchOutcome, type ReadFile, fail } from "./outcome";
import { type LaunchRequest, parseLaunchNumber, readRequest } from "./request";
import { translateProgram } from "./translateProgram";

const decoder = new TextDecoder("utf-8", { fatal: false });

export function runLaunch(args: Partial<IommuLaunchArguments>, readFile: ReadFile): LaunchOutcome {
  const program = args.program;
  if (typeof program !== "string" || program === "") {
    return fail("IOMMU Lens: the launch configuration has no `program` (the .iommu file to run).");
  }
  let text: string;
  try {
    text = decoder.decode(readFile(program));
  } catch (e: unknown) {
    const code = (e as { code?: string }).code;
    return fail(`IOMMU Lens: cannot read program ${program}: ${code ?? (e instanceof Error ? e.message : String(e))}`);
  }
  const parse = parseDescription(text, program);
  const errors = parse.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) {
    return fail(`IOMMU Lens: ${program} has ${errors.length} error(s):`, ...errors.map(formatDiagnostic));
  }

  if (args.event !== undefined) return replayEvent(args.event);

  // No transaction in the launch arguments (F5 on a file, no launch.json): the file's first
  // `expect translate` line says which one is interesting
  const expectation = parse.nodes.find((n): n is ExpectTranslateNode => n.kind === "expect-translate");
  const request =
    args.streamId === undefined && args.iova === undefined && expectation
      ? requestOfExpectation(expectation)
      : readRequest(args);
  if (typeof request === "string") return fail(`IOMMU Lens: ${request}`);
  return translateProgram(program, parse, request, readFile);
}

function requestOfExpectation(n: ExpectTranslateNode): LaunchRequest {
  return {
    sid: n.sid.value.lo,
    ...(n.ssid ? { ssid: n.ssid.value.lo } : {}),
    iova: n.iova.value,
    access: n.access,
    privileged: !n.unprivileged,
  };
}

function replayEvent(event: readonly (number | string)[]): LaunchOutcome {
  if (!Array.isArray(event) || event.length !== 4) return fail("IOMMU Lens: `event` must be four dwords");
  const words = new Uint32Array(8);
  for (let i = 0; i < 4; i++) {
    const v = parseLaunchNumber(`event[${i}]`, event[i]);
    if (typeof v === "string") return fail(`IOMMU Lens: ${v}`);
    words[2 * i] = v.lo;
    words[2 * i + 1] = v.hi;
  }
  const d = decodeEvent(words);
  return {
    ok: true,
    lines: [
      `IOMMU Lens: event ${d.name} (0x${d.id.toString(16)})`,
      d.summary,
      ...d.fields.map((f) => `  ${f.field} = ${f.value}${f.meaning ? ` (${f.meaning})` : ""}`),
      ...d.problems.map((p) => `  problem: ${p}`),
    ],
  };
}
