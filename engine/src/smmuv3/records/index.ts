// SMMUv3 records: bitfield tables of every architected structure (STE, CD, L1STD, L1CD,
// translation-table descriptors, event records, commands, registers), their decoders and
// encoders, and the legality checks that say what the SMMU would make of an STE or CD.

export * from "./ste";
export * from "./cd";
export * from "./descriptors";
export * from "./event-types";
export * from "./event-codec";
export * from "./commands";
export * from "./registers";
export { LEGALITY_RULES, legalityRule, type LegalityFinding, type LegalityRule } from "./legality-rules";
export * from "./ste-legality";
export * from "./cd-legality";
export * from "./nested-vste";
export * from "./explain";
export * from "./cmdq-errors";
export * from "./non-architectural";
export * from "./ignored";
export * from "./partial-event";
