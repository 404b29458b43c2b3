// The setup and request a scenario becomes: exactly the walker's TranslationSetup and
// TranslationRequest (team RULES.md, W1). The scenario names stay as aliases so callers that
// only read scenarios need not name the walker.

import type { TranslationRequest, TranslationSetup } from "../walk/types";

export type ScenarioSetup = TranslationSetup;
export type ScenarioRequest = TranslationRequest;
