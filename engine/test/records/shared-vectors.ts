// Locates the shared event vectors (shared/vectors/events/records.jsonl) for the records tests.
// The shared folder sits next to the repository (<repo>/../shared); the repository root is the
// first folder above this file holding tsconfig.base.json, so the same code works from
// engine/test (tsx) and out/engine/test (compiled). IOMMU_LENS_SHARED overrides the location; a
// clone without shared/ beside it reads the snapshot in test/fixtures/shared.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

function repositoryRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, "tsconfig.base.json")) && existsSync(join(dir, "engine"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root (tsconfig.base.json) above ${__dirname}`);
    dir = parent;
  }
}

export interface EventVector {
  readonly id: string;
  readonly raw: readonly string[];
  readonly expected: { readonly id: string; readonly name: string; readonly fields: Readonly<Record<string, string>> };
}

/** IOMMU_LENS_SHARED, else <repo>/../shared when present, else the snapshot in test/fixtures/shared. */
function sharedDir(): string {
  const env = process.env["IOMMU_LENS_SHARED"];
  if (env) return env;
  const beside = join(repositoryRoot(), "..", "shared");
  return existsSync(join(beside, "vectors")) ? beside : join(repositoryRoot(), "test", "fixtures", "shared");
}

export function readEventVectors(): EventVector[] {
  const shared = sharedDir();
  const path = join(shared, "vectors", "events", "records.jsonl");
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as EventVector);
}
