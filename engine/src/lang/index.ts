// The `.iommu` description language's public API (docs/language.md): parse, build, lint, format,
// run expectations. engine/src/index.ts re-exports this file only.

export { parseDescription, parseDescriptionSegment, TOP_LEVEL_KEYWORDS } from "./parser";
export type {
  LangRange,
  NumberLit,
  IdentLit,
  LabelRef,
  Value,
  Placement,
  FieldStmt,
  WordsStmt,
  StrtabStmt,
  SmmuNode,
  StructType,
  StructNode,
  MapAttr,
  MapStmt,
  PageTableNode,
  MemoryNode,
  AbortNode,
  LabelNode,
  RegisterNode,
  EventNode,
  IncludeNode,
  Access,
  ExpectTranslateNode,
  StructureRef,
  ExpectLegalNode,
  TopNode,
  ParseResult,
} from "./ast";
export { buildModel } from "./model";
export type {
  LangDumpImporter,
  LangBuildOptions,
  LangSpace,
  LangLabel,
  LangStrtab,
  LangStructure,
  LangTable,
  LangMapping,
  LangPageTable,
  LangEvent,
  LangExpectation,
  DescriptionModel,
} from "./model";
export { langResolveInclude, langIsInside, langNormalize, langDirname } from "./paths";
export { lintDescription, lintDescriptionFull, analyzeDescription, analyzeParsed } from "./lint";
export { IncrementalAnalyzer } from "./incremental";
export type { LangAnalysis, LangIncrementalPath } from "./incremental";
export type { LangLintOptions, LangLintResult } from "./lint";
export { runExpectations, translateInDescription, translationSetupFor } from "./expect";
export type { LangExpectationResult } from "./expect";
export { legalityOfStructure, steLegality, cdLegality, steOfCd, steWordsFromMemory } from "./legality";
export type { LangLegalityFinding } from "./legality";
export { formatDescription } from "./format";
export { languageValueCompletions, languageWordValue, type LanguageValueCompletion } from "./completion";
export { languageValueKey, languageValueWords, languageValueOfNumber } from "./model";
