// `iommu-lens lint FILE.iommu [--json]` (shared/design/formats.md, "CLI verbs"): parses, builds
// and lints a description and prints its diagnostics (`file:line:col: severity CODE message`, or
// with --json one diagnostic object per line). Exit 0 with no errors, 1 with errors, 2 for usage
// or an unreadable file. Also holds the loading code `translate` and `check` share.

import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve, isAbsolute } from "node:path";
import {
  type DescriptionModel,
  type EngineDiagnostic,
  type LangExpectationResult,
  analyzeDescription,
  includeContent,
} from "../../../engine/src/index";
import { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, parseArgs } from "../io";
import type { VerbEntry } from "./index";

export const LINT_USAGE = `usage: iommu-lens lint FILE.iommu [--json]

  --json   one diagnostic per line as JSON ({file, line, character, endLine, endCharacter,
           severity, code, message, event?, related?})`;

export interface LoadedDescription {
  readonly file: string;
  readonly model: DescriptionModel;
  readonly diagnostics: EngineDiagnostic[];
  readonly expectations: LangExpectationResult[];
}

/** Reads a file an `include` names: text, or bytes when it holds NUL bytes (binary dumps). */
function readIncludeFile(path: string): string | Uint8Array | undefined {
  try {
    return includeContent(readFileSync(path));
  } catch {
    return undefined;
  }
}

/**
 * Loads and analyses one description. Includes must stay inside the workspace root: the current
 * directory, or the file's own directory when the file is outside it. Returns a message for an
 * unreadable file.
 */
export async function loadDescription(
  file: string,
  io: CliIo,
  options: { expectations?: boolean } = {},
): Promise<LoadedDescription | string> {
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e: unknown) {
    const code = e && typeof e === "object" && "code" in e ? String(e.code) : "";
    return `cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : e instanceof Error ? e.message : String(e)}`;
  }
  const rel = relative(io.cwd, path);
  const inside = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  const root = inside ? io.cwd : dirname(path);
  const result = analyzeDescription(text, path, {
    root,
    readInclude: readIncludeFile,
    ...(options.expectations === false ? { expectations: false } : {}),
  });
  return { file: path, model: result.model, diagnostics: result.diagnostics, expectations: result.expectations };
}

/** The path as the user would like to read it: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** `file:line:col: severity CODE message` (one-based line and column). */
export function formatDiagnostic(d: EngineDiagnostic, cwd: string): string {
  const where = d.span ? `${displayPath(d.span.file, cwd)}:${d.span.start.line + 1}:${d.span.start.character + 1}` : "";
  const lines = [`${where}: ${d.severity} ${d.code} ${d.message}`];
  for (const r of d.related ?? [])
    lines.push(
      `    ${displayPath(r.span.file, cwd)}:${r.span.start.line + 1}:${r.span.start.character + 1}: ${r.message}`,
    );
  return lines.join("\n");
}

/** One diagnostic as a JSON object (positions zero-based, as in the engine and LSP). */
export function diagnosticToJson(d: EngineDiagnostic, cwd: string): Record<string, unknown> {
  return {
    ...(d.span
      ? {
          file: displayPath(d.span.file, cwd),
          line: d.span.start.line,
          character: d.span.start.character,
          endLine: d.span.end.line,
          endCharacter: d.span.end.character,
        }
      : {}),
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.event ? { event: d.event } : {}),
    ...(d.fields ? { fields: d.fields } : {}),
    ...(d.section ? { section: d.section } : {}),
    ...(d.related
      ? {
          related: d.related.map((r) => ({
            file: displayPath(r.span.file, cwd),
            line: r.span.start.line,
            character: r.span.start.character,
            message: r.message,
          })),
        }
      : {}),
  };
}

export function sortDiagnostics(ds: readonly EngineDiagnostic[]): EngineDiagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.span?.file ?? "").localeCompare(b.span?.file ?? "") ||
      (a.span?.start.line ?? 0) - (b.span?.start.line ?? 0) ||
      (a.span?.start.character ?? 0) - (b.span?.start.character ?? 0),
  );
}

export async function lintVerb(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(args, { flags: ["json"] });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? "lint takes one FILE" : "FILE is required");
  const file = positionals[0]!;
  const loaded = await loadDescription(file, io, { expectations: true });
  if (typeof loaded === "string") {
    io.err(`iommu-lens lint: ${loaded}\n`);
    return EXIT_USAGE;
  }
  const ds = sortDiagnostics(loaded.diagnostics);
  if (flags.has("json")) {
    io.out(ds.map((d) => JSON.stringify(diagnosticToJson(d, io.cwd)) + "\n").join(""));
  } else {
    io.out(ds.map((d) => formatDiagnostic(d, io.cwd) + "\n").join(""));
    const errors = ds.filter((d) => d.severity === "error").length;
    const warnings = ds.filter((d) => d.severity === "warning").length;
    io.out(
      `${displayPath(loaded.file, io.cwd)}: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}\n`,
    );
  }
  return ds.some((d) => d.severity === "error") ? EXIT_FAILED : EXIT_OK;
}

export const LINT_VERB: VerbEntry = {
  summary: "lint a .iommu description (language, legality and expect checks)",
  usage: LINT_USAGE,
  run: lintVerb,
};
