// Scenarios (formats.md, "Scenario" and "Result"): reading scenario files into translation
// setups, and writing walk results in the result contract.

export { parseScenario, type ParsedScenario, type ScenarioOrigin } from "./parse";
export { loadScenarios, type LoadedScenario, type LoadedScenarios } from "./load";
export type { ScenarioSetup, ScenarioRequest } from "./types";
export {
  resultToJson,
  faultToJson,
  stepToJson,
  recordDwords,
  type ResultJson,
  type ResultJsonOptions,
  type FaultJson,
  type StepJson,
} from "./result-json";
export { expectedDifferences } from "./expect";
