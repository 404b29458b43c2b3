// Finding and reading the shared walk vectors (shared/vectors/walks/*.jsonl) for the tests.
//
// The shared folder sits next to the repository (`<repo>/../shared`); the repository root is
// found by walking up from this file to the folder holding tsconfig.base.json, so the same code
// works from engine/test (tsx) and from out/engine/test (compiled). IOMMU_LENS_SHARED overrides.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";

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

export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, "tsconfig.base.json")) && existsSync(join(dir, "engine"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root (tsconfig.base.json) above ${__dirname}`);
    dir = parent;
  }
}

/** IOMMU_LENS_SHARED, else <repo>/../shared when present, else the snapshot in test/fixtures/shared. */
export function sharedDir(): string {
  const env = process.env["IOMMU_LENS_SHARED"];
  if (env) return env;
  const beside = join(repoRoot(), "..", "shared");
  return existsSync(join(beside, "vectors")) ? beside : join(repoRoot(), "test", "fixtures", "shared");
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
