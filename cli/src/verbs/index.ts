// The verb registry. Each verb lives in its own file here and is listed once below.

import type { Verb } from "../io";
import { DECODE_SUMMARY, DECODE_USAGE, decodeVerb } from "./decode";
import { WALK_VERB } from "./walk";
import { LINT_VERB } from "./lint";
import { TRANSLATE_VERB } from "./translate";
import { CHECK_VERB } from "./check";

export interface VerbEntry {
  readonly summary: string;
  readonly usage: string;
  readonly run: Verb;
}

export const VERBS: Readonly<Record<string, VerbEntry>> = {
  decode: { summary: DECODE_SUMMARY, usage: DECODE_USAGE, run: decodeVerb },
  walk: WALK_VERB,
  lint: LINT_VERB,
  translate: TRANSLATE_VERB,
  check: CHECK_VERB,
};
