// Where the tests find the repository and the shared test vectors. One copy for every test
// project (engine, cli): the same code works from <folder>/test (tsx) and out/<folder>/test
// (compiled), because both sit below the repository root.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** The repository root: the first folder above this file holding tsconfig.base.json and engine/. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, "tsconfig.base.json")) && existsSync(join(dir, "engine"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root (tsconfig.base.json) above ${__dirname}`);
    dir = parent;
  }
}

/**
 * The shared folder holding `vectors/`: IOMMU_LENS_SHARED if set, else `<repo>/../shared` when it
 * exists (the newest vectors), else the snapshot in test/fixtures/shared (a clone with no shared/
 * beside it).
 */
export function sharedDir(): string {
  const env = process.env["IOMMU_LENS_SHARED"];
  if (env) return env;
  const beside = join(repoRoot(), "..", "shared");
  return existsSync(join(beside, "vectors")) ? beside : join(repoRoot(), "test", "fixtures", "shared");
}
