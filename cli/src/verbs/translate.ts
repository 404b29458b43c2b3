// `iommu-lens translate FILE.iommu --sid N [--ssid N] --iova A [--access read|write|exec]
// [--unprivileged] [--json] [--trace]` (shared/design/formats.md): walks one request through the
// description and prints the result (the result contract with --json, through W2's
// `resultToJson`). A fault is a result (exit 0); exit 2 for usage or an unreadable file, 1 when
// the description has errors that stop the walk from meaning anything (reported on stderr), or
// when the walk is not modelled (legal structures the walker does not implement: no fault, no
// PA, so no answer; the reason is printed and repeated on stderr).

import {
  type TranslationRequest,
  type U64,
  decodeEvent,
  parseHex64,
  resultToJson,
  translateInDescription,
} from "../../../engine/src/index";
import { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, parseArgs } from "../io";
import type { VerbEntry } from "./index";
import { formatDiagnostic, loadDescription } from "./lint";
import { formatResult } from "./walk";

export const TRANSLATE_USAGE = `usage: iommu-lens translate FILE.iommu --sid N [--ssid N] --iova A [--access read|write|exec]
                           [--unprivileged] [--json] [--trace]

  --sid N          StreamID (hex 0x.. or decimal)
  --ssid N         SubstreamID (the transaction carries one: SSV=1)
  --iova A         input address (up to 64 bits)
  --access         read (default), write or exec
  --unprivileged   an unprivileged transaction (default privileged)
  --json           the result contract (formats.md, "Result")
  --trace          every memory read of the walk, with the source line of each word

exit 0 when the walk has an answer (a fault is one); 1 when the description has errors or the walk
is not modelled (legal structures the walker does not implement: the reason is printed); 2 for
usage or an unreadable file`;

/** A number in the language's syntax: 0x.. (with _), 0b.., decimal. */
export function parseCliNumber(text: string, what: string): U64 {
  const t = text.trim().toLowerCase();
  let v: U64 | undefined;
  if (t.startsWith("0x")) v = parseHex64(t);
  else if (t.startsWith("0b") && /^0b[01_]+$/.test(t)) {
    const n = parseInt(t.slice(2).replace(/_/g, ""), 2);
    if (Number.isSafeInteger(n)) v = { lo: n >>> 0, hi: Math.floor(n / 0x1_0000_0000) >>> 0 };
  } else if (/^[0-9][0-9_]*$/.test(t)) {
    const n = Number(t.replace(/_/g, ""));
    if (Number.isSafeInteger(n)) v = { lo: n >>> 0, hi: Math.floor(n / 0x1_0000_0000) >>> 0 };
  }
  if (!v) throw new UsageError(`${what} must be a number (0x.., 0b.. or decimal), not '${text}'`);
  return v;
}

function small(text: string, what: string): number {
  const v = parseCliNumber(text, what);
  if (v.hi !== 0) throw new UsageError(`${what} must fit in 32 bits`);
  return v.lo;
}

export async function translateVerb(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, options, positionals } = parseArgs(args, {
    flags: ["json", "trace", "unprivileged"],
    options: ["sid", "ssid", "iova", "access"],
  });
  if (positionals.length !== 1)
    throw new UsageError(positionals.length ? "translate takes one FILE" : "FILE is required");
  const sidText = options.get("sid");
  const iovaText = options.get("iova");
  if (sidText === undefined) throw new UsageError("--sid is required");
  if (iovaText === undefined) throw new UsageError("--iova is required");
  const access = options.get("access") ?? "read";
  if (access !== "read" && access !== "write" && access !== "exec")
    throw new UsageError(`--access must be read, write or exec, not '${access}'`);
  const ssidText = options.get("ssid");
  const request: TranslationRequest = {
    sid: small(sidText, "--sid"),
    ...(ssidText !== undefined ? { ssid: small(ssidText, "--ssid") } : {}),
    iova: parseCliNumber(iovaText, "--iova"),
    access,
    privileged: !flags.has("unprivileged"),
  };
  const loaded = await loadDescription(positionals[0]!, io, { expectations: false });
  if (typeof loaded === "string") {
    io.err(`iommu-lens translate: ${loaded}\n`);
    return EXIT_USAGE;
  }
  // Description errors (LANG-*) make the input suspect; legality findings are the walk's business.
  const errors = loaded.diagnostics.filter((d) => d.severity === "error" && d.code.startsWith("LANG-"));
  for (const d of errors) io.err(formatDiagnostic(d, io.cwd) + "\n");
  const trace = flags.has("trace");
  const result = translateInDescription(loaded.model, request, { trace });
  const out = resultToJson(result, { trace });
  if (flags.has("json")) {
    io.out(JSON.stringify(out) + "\n");
  } else {
    const record = result.fault?.recorded ? result.fault.record : undefined;
    const id = positionals[0]!.replace(/^.*[\\/]/, "");
    io.out(formatResult({ ...out, id }, request, trace, record ? decodeEvent(record).summary : undefined));
  }
  if (result.outcome === "not-modelled") {
    io.err(`iommu-lens translate: no answer: ${result.reason ?? "not modelled"}\n`);
    return EXIT_FAILED;
  }
  // the walk ran; a description with errors is still a failure of the input
  return errors.length > 0 ? EXIT_FAILED : EXIT_OK;
}

export const TRANSLATE_VERB: VerbEntry = {
  summary: "translate one request through a .iommu description",
  usage: TRANSLATE_USAGE,
  run: translateVerb,
};
