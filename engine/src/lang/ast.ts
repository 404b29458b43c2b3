// The `.iommu` syntax tree: typed nodes with a precise range on every node (docs/language.md).
//
// Ranges are zero-based line/character (LSP style, engine/src/source.ts); the file name lives once
// on the ParseResult. Values keep their text so the formatter and hover can show what was written.

import type { U64 } from "../bits/u64";
import type { EngineDiagnostic } from "../diagnostics";
import type { Position } from "../source";
import type { Comment } from "./lexer";

export interface LangRange {
  readonly start: Position;
  readonly end: Position;
}

export interface NumberLit {
  readonly kind: "number";
  readonly value: U64;
  readonly text: string;
  /** Written with a K/M/G/T suffix. */
  readonly isSize: boolean;
  readonly range: LangRange;
}

export interface IdentLit {
  readonly kind: "ident";
  readonly text: string;
  /** Lower-cased text: keywords and field names are case-insensitive. */
  readonly lower: string;
  readonly range: LangRange;
}

/** `@name` or `@name + offset`. */
export interface LabelRef {
  readonly kind: "label";
  readonly name: string;
  readonly offset?: NumberLit;
  readonly range: LangRange;
}

export type Value = NumberLit | IdentLit | LabelRef;

/** Where a structure lives: `@addr` / `@label` (PA) or `@ipa addr` (guest IPA, §7). */
export interface Placement {
  readonly space: "pa" | "ipa";
  /** A number or a label reference. */
  readonly addr: NumberLit | LabelRef;
  readonly range: LangRange;
}

/** `name value...` inside a block. */
export interface FieldStmt {
  readonly kind: "field";
  readonly name: IdentLit;
  readonly values: readonly Value[];
  readonly range: LangRange;
}

/** A line of raw 64-bit words inside a block, or after `=`. */
export interface WordsStmt {
  readonly kind: "words";
  readonly words: readonly NumberLit[];
  readonly range: LangRange;
}

export interface StrtabStmt {
  readonly kind: "strtab";
  readonly fmt?: IdentLit;
  readonly placement?: Placement;
  readonly log2size?: NumberLit;
  readonly split?: NumberLit;
  readonly range: LangRange;
}

interface NodeBase {
  /** The whole statement, block included. */
  readonly range: LangRange;
  /** The leading keyword. */
  readonly keyword: IdentLit;
}

export interface SmmuNode extends NodeBase {
  readonly kind: "smmu";
  readonly name?: IdentLit;
  readonly settings: readonly FieldStmt[];
  readonly strtab?: StrtabStmt;
}

export type StructType = "ste" | "cd" | "l1std" | "l1cd";

export interface StructNode extends NodeBase {
  readonly kind: "struct";
  readonly type: StructType;
  /** StreamID for `ste`, index for `l1std`. */
  readonly index?: NumberLit;
  readonly name?: IdentLit;
  /** `ssid <n>` on a `cd`. */
  readonly ssid?: NumberLit;
  readonly placement?: Placement;
  readonly via?: IdentLit;
  readonly fields: readonly FieldStmt[];
  readonly words: readonly WordsStmt[];
}

export interface MapAttr {
  readonly name: IdentLit;
  readonly value?: Value;
  readonly range: LangRange;
}

export interface MapStmt {
  readonly kind: "map";
  readonly keyword: IdentLit;
  readonly iova?: NumberLit;
  readonly size?: NumberLit;
  readonly out?: NumberLit | LabelRef;
  readonly attrs: readonly MapAttr[];
  readonly range: LangRange;
}

export interface PageTableNode extends NodeBase {
  readonly kind: "pagetable";
  readonly name?: IdentLit;
  readonly stage?: 1 | 2;
  readonly stageRange?: LangRange;
  readonly granule?: NumberLit;
  readonly ia?: NumberLit;
  readonly startLevel?: NumberLit;
  readonly pool?: Placement;
  readonly poolSize?: NumberLit;
  readonly via?: IdentLit;
  readonly placement?: Placement;
  readonly maps: readonly MapStmt[];
}

export interface MemoryNode extends NodeBase {
  readonly kind: "memory";
  readonly name?: IdentLit;
  readonly placement?: Placement;
  readonly via?: IdentLit;
  readonly words: readonly NumberLit[];
}

export interface AbortNode extends NodeBase {
  readonly kind: "abort";
  readonly placement?: Placement;
  readonly size?: NumberLit;
}

export interface LabelNode extends NodeBase {
  readonly kind: "label";
  readonly name?: IdentLit;
  readonly placement?: Placement;
  readonly via?: IdentLit;
}

/** `register SMMU_IDR0 = 0x...` or `register SMMU_STRTAB_BASE_CFG { fmt 2-level; split 8 }`. */
export interface RegisterNode extends NodeBase {
  readonly kind: "register";
  readonly name: IdentLit;
  readonly value?: NumberLit;
  readonly fields: readonly FieldStmt[];
}

export interface EventNode extends NodeBase {
  readonly kind: "event";
  readonly words: readonly NumberLit[];
}

export interface IncludeNode extends NodeBase {
  readonly kind: "include";
  readonly path?: string;
  readonly pathRange?: LangRange;
  readonly dump: boolean;
  readonly format?: IdentLit;
  readonly base?: NumberLit | LabelRef;
}

export type Access = "read" | "write" | "exec";

export interface ExpectTranslateNode extends NodeBase {
  readonly kind: "expect-translate";
  readonly sid: NumberLit;
  readonly ssid?: NumberLit;
  readonly iova: NumberLit;
  readonly access: Access;
  readonly unprivileged: boolean;
  readonly result:
    | { readonly kind: "pa"; readonly pa: NumberLit }
    | {
        readonly kind: "fault";
        readonly event: IdentLit;
        readonly stage?: NumberLit;
        readonly level?: NumberLit;
      };
}

export type StructureRef =
  | { readonly type: "ste"; readonly sid: NumberLit; readonly range: LangRange }
  | { readonly type: "cd"; readonly ref: IdentLit | LabelRef | NumberLit; readonly range: LangRange };

export interface ExpectLegalNode extends NodeBase {
  readonly kind: "expect-legal";
  readonly legal: boolean;
  readonly target: StructureRef;
  readonly code?: IdentLit;
}

export type TopNode =
  | SmmuNode
  | StructNode
  | PageTableNode
  | MemoryNode
  | AbortNode
  | LabelNode
  | RegisterNode
  | EventNode
  | IncludeNode
  | ExpectTranslateNode
  | ExpectLegalNode;

export interface ParseResult {
  readonly file: string;
  readonly nodes: readonly TopNode[];
  readonly comments: readonly Comment[];
  /** Syntax diagnostics (LANG-SYNTAX, LANG-BAD-NUMBER, ...). */
  readonly diagnostics: readonly EngineDiagnostic[];
  readonly lineCount: number;
}
