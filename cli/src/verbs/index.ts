// The verb registry. Each verb lives in its own file here and is listed once below.

import type { Verb } from "../io";

export interface VerbEntry {
  readonly summary: string;
  readonly usage: string;
  readonly run: Verb;
}

export const VERBS: Readonly<Record<string, VerbEntry>> = {};
