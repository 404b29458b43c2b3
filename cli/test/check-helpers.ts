// Shared helpers of the lint/translate/check CLI tests: run `main` with a captured CliIo, find the
// repository root (for examples/), write fixtures to a temporary workspace.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../src/main";
import type { CliIo } from "../src/io";
export { repoRoot } from "../../engine/test/support/paths";

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCli(args: string[], cwd: string): Promise<CliRun> {
  let out = "";
  let err = "";
  const io: CliIo = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    stdin: new PassThrough(),
    cwd,
  };
  const code = await main(args, io);
  return { code, out, err };
}

/** A temporary workspace holding `files` (path → text). */
export function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "iommu-lang-"));
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}
