// Finding and reading the shared walk vectors (shared/vectors/walks/*.jsonl) for the tests.
//
// support/paths.ts says where the shared folder is.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { sharedDir } from "../support/paths";
export { repoRoot, sharedDir } from "../support/paths";

export interface WalkVector {
  /** The vector file's base name. */
  readonly file: string;
  /** Zero-based line in the file. */
  readonly line: number;
  readonly id: string;
  readonly category: string;
  readonly scenario: unknown;
  readonly expected: Readonly<Record<string, unknown>>;
  /** The event record the reference model wrote (four hex dwords), when the vector gives it. */
  readonly record?: readonly string[];
  readonly why?: string;
}

export function walkVectorFiles(): string[] {
  const dir = join(sharedDir(), "vectors", "walks");
  if (!existsSync(dir)) throw new Error(`the shared walk vectors are not at ${dir} (set IOMMU_LENS_SHARED)`);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()
    .map((f) => join(dir, f));
}

export function readWalkVectors(path: string): WalkVector[] {
  const file = path.replace(/^.*[\\/]/, "");
  const out: WalkVector[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((text, line) => {
      if (text.trim() === "") return;
      const o = JSON.parse(text) as {
        category: string;
        scenario: { id: string };
        expected: Record<string, unknown>;
        record?: string[];
        why?: string;
      };
      out.push({
        file,
        line,
        id: o.scenario.id,
        category: o.category,
        scenario: o.scenario,
        expected: o.expected,
        ...(o.record ? { record: o.record } : {}),
        ...(o.why !== undefined ? { why: o.why } : {}),
      });
    });
  return out;
}
