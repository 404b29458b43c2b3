// Reads the shared event vectors (shared/vectors/events/records.jsonl) for the records tests;
// support/paths.ts says where the shared folder is.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedDir } from "../support/paths";

export interface EventVector {
  readonly id: string;
  readonly raw: readonly string[];
  readonly expected: { readonly id: string; readonly name: string; readonly fields: Readonly<Record<string, string>> };
}

export function readEventVectors(): EventVector[] {
  const shared = sharedDir();
  const path = join(shared, "vectors", "events", "records.jsonl");
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as EventVector);
}
