// The setup and request a scenario becomes, as the walker takes them.
//
// These are structurally the walker's agreed TranslationSetup / TranslationRequest
// (team RULES.md, W1): a value of one is a value of the other. They are spelled out here only
// until the walker's own types are committed; then these names become aliases of them.

import type { U64 } from "../../bits/u64";
import type { MemoryImage, Provenance } from "../../memory/image";
import type { SmmuProfile } from "../profile";

export interface ScenarioSetup {
  readonly profile: SmmuProfile;
  readonly memory: MemoryImage;
  readonly strtab?: { base: number; fmt: "linear" | "2-level"; log2size: number; split: number };
  readonly ste?: { words: Uint32Array; provenance?: Provenance };
  readonly cd?: { words: Uint32Array; provenance?: Provenance };
}

export interface ScenarioRequest {
  readonly sid: number;
  readonly ssid?: number;
  readonly iova: U64;
  readonly access: "read" | "write" | "exec";
  readonly privileged: boolean;
}
