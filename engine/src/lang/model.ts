// Semantics of a `.iommu` description: nodes → profile, stream table, labels, structures, page
// tables and a MemoryImage with provenance on every word (docs/language.md §3-§9).
//
// Phases: expand includes; read the profile; register labels; resolve placements lazily (labels
// may point at labels, IPAs go through the file's stage-2 mappings); build page tables from `map`
// statements (deterministic allocation, §5); encode structures through R1's field tables; write
// every word in source order so a conflict is reported on the later definition with the earlier
// one as related location. Never throws: problems are located diagnostics.

import { type U64, fitsNumber, hexNumber, u64FromNumber, u64ToNumber, hex64 } from "../bits/u64";
import { type FieldSpec, type StructSpec, getValue, setValue } from "../bits/fields";
import type { EngineDiagnostic, RelatedLocation } from "../diagnostics";
import { MemoryImage, type Provenance } from "../memory/image";
import type { SourceSpan } from "../source";
import { DEFAULT_PROFILE, type Granule, type SmmuProfile, profileFromJson } from "../smmuv3/profile";
import { CD, L1CD } from "../smmuv3/records/cd";
import { L1STD, STE } from "../smmuv3/records/ste";
import { blockShift, descriptorSpec } from "../smmuv3/records/descriptors";
import { REGISTERS, profileFromIdRegisters, registerByName } from "../smmuv3/records/registers";
import type {
  ExpectLegalNode,
  ExpectTranslateNode,
  FieldStmt,
  IdentLit,
  LabelRef,
  LangRange,
  MapStmt,
  NumberLit,
  MemoryNode,
  PageTableNode,
  ParseResult,
  Placement,
  StructNode,
  StructType,
  TopNode,
  Value,
} from "./ast";
import { parseDescription } from "./parser";
import type { LangLegalityMemo } from "./legality";
import { type DumpFormat, dumpFormatByName, importBinary, importDump } from "../dumps/index";
import { langDirname, langIsInside, langNormalize, langResolveInclude } from "./paths";

/** A dump importer with L2's `importDump` / `importBinary` shape (engine/src/dumps). */
export interface LangDumpImporter {
  importDump(
    text: string,
    options: { format?: DumpFormat; file: string; base?: number },
  ): {
    words: readonly { addr: number; lo: number; hi: number; span: SourceSpan; space?: string }[];
    problems: readonly EngineDiagnostic[];
  };
  importBinary(
    bytes: Uint8Array,
    base: number,
    file: string,
  ): {
    words: readonly { addr: number; lo: number; hi: number; span: SourceSpan; space?: string }[];
    problems: readonly EngineDiagnostic[];
  };
}

/** L2's importer (engine/src/dumps); tests may inject another. */
const DEFAULT_DUMPS: LangDumpImporter = { importDump, importBinary };

export interface LangBuildOptions {
  /** Reads an included file by its resolved path; undefined when it cannot be read. */
  readonly readInclude?: (path: string) => string | Uint8Array | undefined;
  /** Workspace root includes must stay inside (default: the main file's directory). */
  readonly root?: string;
  /** The dump importer for `include dump` (default: L2's engine/src/dumps). */
  readonly dumps?: LangDumpImporter;
  /**
   * Results of earlier builds to reuse (the IncrementalAnalyzer keeps one across edits): a
   * pagetable node that is the same object as in an earlier build, with the same labels and profile
   * granules, replays what that build did instead of resolving and encoding its maps again.
   */
  readonly buildCache?: LangBuildCache;
}

/** One thing a pagetable's build did, replayed in order on a cache hit. */
type LangPageTableOp =
  | { readonly op: "diag"; readonly diagnostic: EngineDiagnostic }
  | {
      readonly op: "define";
      readonly addr: number;
      readonly lo: number;
      readonly hi: number;
      readonly prov: Provenance;
      readonly span: SourceSpan;
    }
  | { readonly op: "region"; readonly region: LangRegion };

interface LangRegion {
  readonly start: number;
  readonly end: number;
  readonly table: boolean;
  readonly what: string;
  readonly span: SourceSpan;
}

/** Per-node build results kept between builds of the same document (see LangBuildOptions.buildCache). */
export class LangBuildCache {
  /** @internal */
  readonly replays = new WeakMap<
    PageTableNode | MemoryNode,
    { readonly key: string; readonly ops: readonly LangPageTableOp[]; readonly table: LangPageTable | undefined }
  >();
  /** @internal */
  readonly legality = new WeakMap<Uint32Array, LangLegalityMemo>();
  /** @internal */
  readonly writes = new WeakMap<
    StructNode,
    { readonly key: string; readonly ops: readonly LangPageTableOp[]; readonly structure: LangStructure }
  >();
  /** @internal */
  readonly structures = new WeakMap<
    StructNode,
    { readonly key: string; readonly diagnostics: readonly EngineDiagnostic[]; readonly structure: LangStructure }
  >();
}

export type LangSpace = "pa" | "ipa";

export interface LangLabel {
  readonly name: string;
  readonly addr: number;
  readonly space: LangSpace;
  readonly span: SourceSpan;
}

export interface LangStrtab {
  readonly base: number;
  readonly fmt: "linear" | "2-level";
  readonly log2size: number;
  readonly split: number;
}

export interface LangStructure {
  readonly type: StructType;
  readonly spec: StructSpec;
  readonly node: StructNode;
  readonly file: string;
  readonly span: SourceSpan;
  /** Packed halves of the encoded words. */
  readonly words: Uint32Array;
  /** Provenance of each dword (the line that set it). */
  readonly dwordProvenance: readonly Provenance[];
  readonly sid?: number;
  readonly name?: string;
  /** Address in its own space (PA, or IPA for @ipa placements); undefined for a given STE. */
  readonly addr?: number;
  readonly space?: LangSpace;
  /** PA of dword 0 when placed in memory. */
  readonly pa?: number;
}

export interface LangTable {
  /** Address in the pagetable's space. */
  readonly addr: number;
  readonly level: number;
  readonly size: number;
}

export interface LangMapping {
  readonly iova: number;
  readonly size: number;
  readonly out: number;
  readonly node: MapStmt;
  readonly span: SourceSpan;
}

export interface LangPageTable {
  readonly name: string;
  readonly node: PageTableNode;
  readonly file: string;
  readonly span: SourceSpan;
  readonly stage: 1 | 2;
  readonly granule: Granule;
  readonly ia: number;
  readonly startLevel: number;
  readonly space: LangSpace;
  readonly root: number;
  readonly tables: readonly LangTable[];
  readonly mappings: readonly LangMapping[];
}

export interface LangEvent {
  readonly words: Uint32Array;
  readonly span: SourceSpan;
}

export interface LangExpectation {
  readonly node: ExpectTranslateNode | ExpectLegalNode;
  readonly span: SourceSpan;
}

export interface DescriptionModel {
  readonly file: string;
  readonly profile: SmmuProfile;
  readonly strtab?: LangStrtab;
  readonly memory: MemoryImage;
  readonly labels: ReadonlyMap<string, LangLabel>;
  readonly structures: readonly LangStructure[];
  /** STEs by StreamID (placed or given). */
  readonly stes: ReadonlyMap<number, LangStructure>;
  readonly pageTables: readonly LangPageTable[];
  readonly events: readonly LangEvent[];
  readonly expectations: readonly LangExpectation[];
  /** Every file read (the main file first). */
  readonly files: readonly string[];
  /** Parse and model diagnostics of every file. */
  readonly diagnostics: readonly EngineDiagnostic[];
}

// ---- helpers ----

const LIMIT_52 = 2 ** 52;

/**
 * Joins parts into one flat string. A template literal builds a tree of concatenation nodes (one
 * per part): provenance texts live as long as the model, and a big file holds hundreds of
 * thousands of them.
 */
function flatText(parts: string[]): string {
  return parts.join("");
}

function spanOf(file: string, r: LangRange): SourceSpan {
  return { file, start: r.start, end: r.end };
}

/** A span with what defined it, built directly (object spreads are slow on this hot path). */
function provenanceOf(file: string, r: LangRange, what: string): Provenance {
  return { file, start: r.start, end: r.end, what };
}

function lowerMap(spec: StructSpec): Map<string, FieldSpec> {
  let m = LOWER_CACHE.get(spec);
  if (!m) {
    m = new Map();
    for (const f of spec.fields) m.set(f.name.toLowerCase(), f);
    LOWER_CACHE.set(spec, m);
  }
  return m;
}
const LOWER_CACHE = new WeakMap<StructSpec, Map<string, FieldSpec>>();

/**
 * A field by its name as written (any case), remembered per spelling: files spell the same few
 * names thousands of times, and lower-casing each one was a hot spot of big files.
 */
function fieldByWrittenName(spec: StructSpec, written: string): FieldSpec | undefined {
  let bySpelling = SPELLING_CACHE.get(spec);
  if (!bySpelling) SPELLING_CACHE.set(spec, (bySpelling = new Map<string, FieldSpec | null>()));
  const known = bySpelling.get(written);
  if (known !== undefined) return known ?? undefined;
  const f = lowerMap(spec).get(written.toLowerCase());
  // bounded: a file of misspellings must not grow the cache without end
  if (bySpelling.size < 4096) bySpelling.set(written, f ?? null);
  return f;
}
const SPELLING_CACHE = new WeakMap<StructSpec, Map<string, FieldSpec | null>>();

const normalise = (s: string): string => s.toLowerCase().replace(/[^a-z0-9+]/g, "");

/** The key an enumerated-value word is matched on: lower case, letters, digits and `+` only (`Stage-1` → `stage1`). */
export const languageValueKey: (word: string) => string = normalise;

/** The field value an identifier names (`nested`, `stage1`, `linear`), from the table's `values`. */
function enumValue(f: FieldSpec, word: string): number | undefined {
  if (!f.values) return undefined;
  return languageValueWords(f).get(normalise(word));
}

/**
 * Normalised value names of a field → value, built once per field: the whole name first, then
 * (where no whole name claims it) the first word of a non-Reserved name. These keys
 * (`languageValueKey` of a written identifier) are every word the parser accepts for the field.
 */
export function languageValueWords(f: FieldSpec): ReadonlyMap<string, number> {
  let names = ENUM_NAMES.get(f);
  if (names) return names;
  names = new Map();
  const entries = Object.entries(f.values ?? {});
  for (const [k, name] of entries) if (!names.has(normalise(name))) names.set(normalise(name), Number(k));
  for (const [k, name] of entries) {
    const first = normalise(name.split(/[\s,(]/)[0] ?? "");
    if (first && !names.has(first) && !/^reserved/i.test(name)) names.set(first, Number(k));
  }
  // "stage 1" / "stage 2" are also written the way the sketch and kernel sources abbreviate them
  for (const [k, name] of entries) {
    const stage = /^stage (\d)$/i.exec(name);
    if (stage && !names.has(`s${stage[1]}`)) names.set(`s${stage[1]}`, Number(k));
  }
  ENUM_NAMES.set(f, names);
  return names;
}
const ENUM_NAMES = new WeakMap<FieldSpec, Map<string, number>>();

/** A number written as a size or bit count that names an enumerated value (`4k` → "4KB", `44` → "44-bit"). */
export function languageValueOfNumber(f: FieldSpec, n: NumberLit): number | undefined {
  if (!f.values) return undefined;
  const value = n.value; // built on each read: once
  if (value.hi !== 0) return undefined;
  if (!n.isSize && (f.width >= 32 || value.lo < 2 ** f.width)) return undefined; // a raw encoding
  const v = value.lo;
  const candidates = n.isSize ? [`${v / 1024}KB`] : [`${v}-bit`];
  for (const [k, name] of Object.entries(f.values)) if (candidates.includes(name)) return Number(k);
  return undefined;
}

const STRUCT_SPECS: Readonly<Record<StructType, StructSpec>> = { ste: STE, cd: CD, l1std: L1STD, l1cd: L1CD };

/** Which scenario-contract profile key a setting names (case-insensitive). */
const PROFILE_KEYS: ReadonlyMap<string, string> = new Map(
  [...Object.keys(DEFAULT_PROFILE), "granules", "stages"].map((k) => [k.toLowerCase(), k]),
);

interface Item {
  readonly node: TopNode;
  readonly file: string;
}

// ---- the builder ----

/** Builds the model of a parsed description (and everything it includes). Never throws. */
export function buildModel(parse: ParseResult, options: LangBuildOptions = {}): DescriptionModel {
  try {
    return new Builder(parse, options).build();
  } catch (e: unknown) {
    // a defect, not an input error: an empty model that says so instead of crashing the host
    return {
      file: parse.file,
      profile: DEFAULT_PROFILE,
      memory: new MemoryImage(),
      labels: new Map(),
      structures: [],
      stes: new Map(),
      pageTables: [],
      events: [],
      expectations: [],
      files: [parse.file],
      diagnostics: [
        ...parse.diagnostics,
        {
          code: "LANG-INTERNAL",
          severity: "error",
          message: `internal error while building the description: ${e instanceof Error ? e.message : String(e)}`,
          span: { file: parse.file, start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        },
      ],
    };
  }
}

// `map` attributes (docs/language.md §5): flags, and words naming AP / S2AP / SH encodings
const ONE: U64 = Object.freeze({ lo: 1, hi: 0 });
// (Maps, not object literals: an attribute named `constructor` must not find Object's)
const S1_FLAG_ATTRS: ReadonlyMap<string, string> = new Map([
  ["af", "AF"],
  ["contiguous", "Contiguous"],
  ["dbm", "DBM"],
  ["ng", "nG"],
  ["pxn", "PXN"],
  ["uxn", "UXN"],
  ["xn", "UXN"],
  ["ns", "NS"],
]);
const S2_FLAG_ATTRS: ReadonlyMap<string, string> = new Map([
  ["af", "AF"],
  ["contiguous", "Contiguous"],
  ["dbm", "DBM"],
]);
interface NamedAttr {
  readonly field: string;
  readonly values: ReadonlyMap<string, number>;
}
const AP_NAMES: NamedAttr = {
  field: "AP",
  values: new Map([
    ["rw", 1],
    ["ro", 3],
    ["priv-rw", 0],
    ["priv-ro", 2],
  ]),
};
const S2AP_NAMES: NamedAttr = {
  field: "S2AP",
  values: new Map([
    ["none", 0],
    ["ro", 1],
    ["wo", 2],
    ["rw", 3],
  ]),
};
const SH_NAMES: NamedAttr = {
  field: "SH",
  values: new Map([
    ["nsh", 0],
    ["osh", 2],
    ["ish", 3],
  ]),
};

/** Labels may name labels; a longer chain than this is refused (bounded recursion). */
const MAX_LABEL_DEPTH = 200;

class Builder {
  private readonly diagnostics: EngineDiagnostic[] = [];
  private readonly items: Item[] = [];
  private readonly files: string[] = [];
  private profile: SmmuProfile = DEFAULT_PROFILE;
  private strtab: LangStrtab | undefined;
  private readonly memory = new MemoryImage();
  private readonly labelDefs = new Map<string, { item: Item; ident: IdentLit }>();
  private readonly labels = new Map<string, LangLabel>();
  private readonly labelState = new Map<string, "resolving" | "failed">();
  private readonly structures: LangStructure[] = [];
  private readonly structByNode = new Map<StructNode, LangStructure | null>();
  private readonly stes = new Map<number, LangStructure>();
  private readonly l1stds = new Map<number, Item>();
  private readonly pageTables: LangPageTable[] = [];
  private readonly tableByNode = new Map<PageTableNode, LangPageTable | null>();
  private readonly s2Lookups = new Map<string, { iova: number; end: number; out: number }[] | null>();
  private readonly events: LangEvent[] = [];
  private readonly expectations: LangExpectation[] = [];
  private readonly regions: LangRegion[] = [];
  private readonly root: string;
  private labelDepth = 0;
  /** Set once every label is resolved (from then on a label lookup has no side effect). */
  private labelsResolved = false;
  /** While a pagetable is built for the cache: what it does, in order. */
  private recording: LangPageTableOp[] | undefined;

  constructor(
    private readonly parse: ParseResult,
    private readonly options: LangBuildOptions,
  ) {
    this.root = langNormalize(options.root ?? langDirname(parse.file) ?? ".");
  }

  private diag(
    code: string,
    severity: EngineDiagnostic["severity"],
    message: string,
    span: SourceSpan,
    extra: { related?: RelatedLocation[]; event?: string; fields?: string[] } = {},
  ): void {
    const d: EngineDiagnostic = {
      code,
      severity,
      message,
      span,
      ...(extra.related && extra.related.length ? { related: extra.related } : {}),
      ...(extra.event ? { event: extra.event } : {}),
      ...(extra.fields ? { fields: extra.fields } : {}),
    };
    this.diagnostics.push(d);
    this.recording?.push({ op: "diag", diagnostic: d });
  }

  build(): DescriptionModel {
    this.expand(this.parse, [langNormalize(this.parse.file)]);
    this.readProfile();
    this.registerLabels();
    this.labelsResolved = true;
    for (const it of this.items) {
      const n = it.node;
      switch (n.kind) {
        case "pagetable":
          this.writePageTable(n, it);
          break;
        case "struct":
          this.writeStructure(n, it);
          break;
        case "memory":
          this.writeMemory(n, it);
          break;
        case "abort":
          this.writeAbort(n, it);
          break;
        case "event":
          this.events.push({ words: packNumbers(n.words), span: spanOf(it.file, n.range) });
          break;
        case "expect-translate":
        case "expect-legal":
          this.expectations.push({ node: n, span: spanOf(it.file, n.range) });
          break;
        case "include":
          if (n.dump) this.includeDump(n, it);
          break;
        default:
          break;
      }
    }
    this.checkRegions();
    return {
      file: this.parse.file,
      profile: this.profile,
      ...(this.strtab ? { strtab: this.strtab } : {}),
      memory: this.memory,
      labels: this.labels,
      structures: this.structures,
      stes: this.stes,
      pageTables: this.pageTables,
      events: this.events,
      expectations: this.expectations,
      files: this.files,
      diagnostics: this.diagnostics,
    };
  }

  // ---- includes ----

  private expand(parse: ParseResult, stack: string[]): void {
    this.files.push(parse.file);
    this.diagnostics.push(...parse.diagnostics);
    for (const node of parse.nodes) {
      if (node.kind !== "include" || node.dump) {
        this.items.push({ node, file: parse.file });
        continue;
      }
      const resolved = this.resolveIncludePath(node, parse.file);
      if (!resolved) continue;
      if (stack.includes(resolved)) {
        this.diag(
          "LANG-INCLUDE-CYCLE",
          "error",
          `${node.path ?? ""} includes itself (through ${stack.join(" → ")})`,
          spanOf(parse.file, node.range),
        );
        continue;
      }
      const content = this.read(resolved);
      if (content === undefined) {
        this.diag(
          "LANG-INCLUDE-NOT-FOUND",
          "error",
          `cannot read ${node.path ?? ""} (${resolved})`,
          spanOf(parse.file, node.pathRange ?? node.range),
        );
        continue;
      }
      const text = typeof content === "string" ? content : decodeUtf8(content);
      this.expand(parseDescription(text, resolved), [...stack, resolved]);
    }
  }

  private read(path: string): string | Uint8Array | undefined {
    try {
      return this.options.readInclude?.(path);
    } catch {
      return undefined;
    }
  }

  private resolveIncludePath(
    node: { path?: string; pathRange?: LangRange; range: LangRange },
    file: string,
  ): string | undefined {
    if (node.path === undefined) return undefined;
    const resolved = langResolveInclude(file, node.path);
    if (!langIsInside(this.root, resolved)) {
      this.diag(
        "LANG-INCLUDE-ESCAPE",
        "error",
        `${node.path} is outside the workspace root ${this.root}: includes must stay inside it`,
        spanOf(file, node.pathRange ?? node.range),
      );
      return undefined;
    }
    return resolved;
  }

  private includeDump(n: Extract<TopNode, { kind: "include" }>, it: Item): void {
    const resolved = this.resolveIncludePath(n, it.file);
    if (!resolved) return;
    const span = spanOf(it.file, n.range);
    const dumps = this.options.dumps ?? DEFAULT_DUMPS;
    let format: DumpFormat | undefined;
    if (n.format) {
      format = dumpFormatByName(n.format.text);
      if (!format) {
        this.diag(
          "LANG-VALUE-RANGE",
          "error",
          `unknown dump format '${n.format.text}' (qemu-xp, gdb, crash, xxd, hexdump-c, hexdump, od, plain, binary)`,
          spanOf(it.file, n.format.range),
        );
        return;
      }
    }
    const content = this.read(resolved);
    if (content === undefined) {
      this.diag(
        "LANG-INCLUDE-NOT-FOUND",
        "error",
        `cannot read ${n.path ?? ""} (${resolved})`,
        spanOf(it.file, n.pathRange ?? n.range),
      );
      return;
    }
    const base = n.base ? this.addressOf(n.base, it.file) : undefined;
    let result: ReturnType<LangDumpImporter["importDump"]>;
    try {
      if (typeof content === "string") {
        result = dumps.importDump(content, {
          file: resolved,
          ...(format ? { format } : {}),
          ...(base !== undefined ? { base } : {}),
        });
      } else {
        result = dumps.importBinary(content, base ?? 0, resolved);
      }
    } catch (e: unknown) {
      this.diag("LANG-DUMP", "error", `the dump importer failed: ${e instanceof Error ? e.message : String(e)}`, span);
      return;
    }
    for (const p of result.problems) {
      this.diag(
        "LANG-DUMP",
        p.severity === "error" ? "error" : "warning",
        `${p.span ? `${p.span.file}:${p.span.start.line + 1}: ` : ""}${p.message}`,
        span,
      );
    }
    if (result.words.some((w) => w.space === "virtual"))
      this.diag(
        "LANG-DUMP",
        "warning",
        "this dump shows virtual addresses (x, gdb, crash rd without -p): they are used as physical addresses",
        span,
      );
    for (const w of result.words) {
      this.define(w.addr, w.lo, w.hi, { ...w.span, what: `dump ${n.path ?? ""}` }, span);
    }
  }

  // ---- profile and stream table ----

  /** `register` statements, encoded through R1's register tables, by register name (`IDR0`). */
  private readRegisters(): Map<string, { words: Uint32Array; span: SourceSpan; item: Item }> {
    const out = new Map<string, { words: Uint32Array; span: SourceSpan; item: Item }>();
    for (const it of this.items) {
      const n = it.node;
      if (n.kind !== "register") continue;
      const spec = registerByName(n.name.text);
      const span = spanOf(it.file, n.range);
      if (!spec) {
        this.diag(
          "LANG-UNKNOWN-FIELD",
          "error",
          `unknown register '${n.name.text}' (${REGISTERS.map((r) => "SMMU_" + r.name).join(", ")})`,
          spanOf(it.file, n.name.range),
        );
        continue;
      }
      const words = new Uint32Array(2);
      if (n.value) {
        if (spec.width === 32 && n.value.value.hi !== 0) {
          this.diag(
            "LANG-VALUE-RANGE",
            "error",
            `SMMU_${spec.name} is a 32-bit register`,
            spanOf(it.file, n.value.range),
          );
          continue;
        }
        words[0] = n.value.value.lo;
        words[1] = n.value.value.hi;
      }
      const fields = lowerMap(spec.struct);
      for (const fs of n.fields) {
        const f = fields.get(fs.name.lower);
        if (!f) {
          this.diag(
            "LANG-UNKNOWN-FIELD",
            "error",
            unknownFieldMessage(spec.struct, fs.name.text),
            spanOf(it.file, fs.name.range),
          );
          continue;
        }
        if (fs.values.length !== 1) {
          this.diag("LANG-VALUE-RANGE", "error", `${f.name} takes one value`, spanOf(it.file, fs.range));
          continue;
        }
        const v = this.fieldValue(f, fs.values[0]!, it.file);
        if (v !== undefined && !setValue(words, f, v))
          this.diag("LANG-VALUE-RANGE", "error", doesNotFit(f, v), spanOf(it.file, fs.values[0]!.range));
      }
      if (out.has(spec.name))
        this.diag("LANG-DUPLICATE-FIELD", "warning", `SMMU_${spec.name} is given twice (the last wins)`, span, {
          related: [{ span: out.get(spec.name)!.span, message: "the first value" }],
        });
      out.set(spec.name, { words, span, item: it });
    }
    return out;
  }

  private readProfile(): void {
    const regs = this.readRegisters();
    const obj: Record<string, unknown> = {};
    const where = new Map<string, SourceSpan>();
    const idrs = ["IDR0", "IDR1", "IDR2", "IDR3", "IDR4", "IDR5"];
    const firstIdr = idrs.map((r) => regs.get(r)).find((r) => r !== undefined);
    if (firstIdr) {
      for (const r of ["IDR0", "IDR1", "IDR3", "IDR5"])
        if (!regs.has(r))
          this.diag(
            "LANG-MISSING-FIELD",
            "warning",
            `SMMU_${r} is not given: the profile reads it as 0`,
            firstIdr.span,
          );
      const v = (r: string): number => regs.get(r)?.words[0] ?? 0;
      const p = profileFromIdRegisters(v("IDR0"), v("IDR1"), v("IDR2"), v("IDR3"), v("IDR4"), v("IDR5"), v("S_IDR1"));
      for (const [k, val] of Object.entries(p) as [string, unknown][]) {
        obj[k] = val instanceof Set ? [...(val as Set<string>)] : val;
        where.set(k, firstIdr.span);
      }
    }
    const setKeys = new Set<string>();
    let seen: Item | undefined;
    let strtab: { s: NonNullable<Extract<TopNode, { kind: "smmu" }>["strtab"]>; it: Item } | undefined;
    for (const it of this.items) {
      const n = it.node;
      if (n.kind !== "smmu") continue;
      if (seen) {
        this.diag("LANG-DUPLICATE-LABEL", "error", "only one smmu block is allowed", spanOf(it.file, n.keyword.range), {
          related: [{ span: spanOf(seen.file, seen.node.range), message: "the first smmu block" }],
        });
        continue;
      }
      seen = it;
      for (const s of n.settings) {
        const key = PROFILE_KEYS.get(s.name.lower);
        const span = spanOf(it.file, s.range);
        if (!key) {
          this.diag(
            "LANG-UNKNOWN-FIELD",
            "error",
            `unknown SMMU setting '${s.name.text}'`,
            spanOf(it.file, s.name.range),
          );
          continue;
        }
        if (setKeys.has(key)) this.diag("LANG-DUPLICATE-FIELD", "warning", `${key} is set twice (the last wins)`, span);
        setKeys.add(key);
        where.set(key, span);
        const vals = s.values.map((v) =>
          v.kind === "number"
            ? v.isSize
              ? `${u64ToNumber(v.value) / 1024}K`
              : u64ToNumber(v.value)
            : v.kind === "ident"
              ? v.text
              : `@${v.name}`,
        );
        if (key === "granules" || key === "stages" || key === "TTF") obj[key] = vals;
        else if (vals.length !== 1) this.diag("LANG-VALUE-RANGE", "error", `${key} takes one value`, span);
        else obj[key] = key === "TTENDIAN" && typeof vals[0] === "string" ? vals[0].toUpperCase() : vals[0];
        if (key === "HTTU")
          obj[key] =
            String(vals[0]).toLowerCase() === "af"
              ? "AF"
              : String(vals[0]).toLowerCase() === "af+dirty"
                ? "AF+dirty"
                : vals[0];
        // IAS follows OAS unless given (formats.md: IAS = OAS for an AArch64-only SMMU)
        if (key === "OAS" && !setKeys.has("IAS")) delete obj["IAS"];
      }
      if (n.strtab) strtab = { s: n.strtab, it };
    }
    if (Array.isArray(obj["TTF"]))
      obj["TTF"] = (obj["TTF"] as unknown[]).map((t) =>
        String(t).toLowerCase() === "aarch32" ? "AArch32" : String(t).toLowerCase() === "aarch64" ? "AArch64" : t,
      );
    if (Array.isArray(obj["stages"])) obj["stages"] = (obj["stages"] as unknown[]).map((t) => String(t).toUpperCase());
    if (seen || firstIdr) {
      const { profile, problems } = profileFromJson(obj);
      const fallback = seen ? spanOf(seen.file, seen.node.range) : firstIdr!.span;
      for (const p of problems) this.diag("LANG-VALUE-RANGE", "error", p.message, where.get(p.key) ?? fallback);
      this.profile = profile;
    }
    if (strtab) this.readStrtab(strtab.s, strtab.it);
    const base = regs.get("STRTAB_BASE");
    const cfg = regs.get("STRTAB_BASE_CFG");
    if (base || cfg) {
      const at = (base ?? cfg)!.span;
      if (strtab) {
        this.diag("LANG-CONFLICT", "warning", "the stream table is given twice: the smmu block's strtab is used", at, {
          related: [{ span: spanOf(strtab.it.file, strtab.s.range), message: "the strtab statement" }],
        });
      } else if (!base || !cfg) {
        this.diag(
          "LANG-MISSING-FIELD",
          "error",
          "a stream table needs both SMMU_STRTAB_BASE and SMMU_STRTAB_BASE_CFG",
          at,
        );
      } else {
        const reg = (r: ReturnType<typeof registerByName>, name: string, words: Uint32Array): number => {
          const f = r?.struct.byName.get(name);
          return f ? u64ToNumber(getValue(words, f)) : 0;
        };
        const bSpec = registerByName("STRTAB_BASE");
        const cSpec = registerByName("STRTAB_BASE_CFG");
        const addr = reg(bSpec, "ADDR", base.words);
        const log2size = reg(cSpec, "LOG2SIZE", cfg.words);
        const split = reg(cSpec, "SPLIT", cfg.words);
        const fmt = reg(cSpec, "FMT", cfg.words) === 1 ? "2-level" : "linear";
        this.strtab = {
          base: addr,
          fmt,
          log2size: Math.min(log2size, 32),
          split: [6, 8, 10].includes(split) ? split : 6,
        };
      }
    }
  }

  private readStrtab(s: NonNullable<Extract<TopNode, { kind: "smmu" }>["strtab"]>, it: Item): void {
    const span = spanOf(it.file, s.range);
    const fmt = s.fmt?.lower === "2-level" ? "2-level" : "linear";
    if (!s.placement) {
      this.diag("LANG-MISSING-FIELD", "error", "strtab needs a base address (@0x...)", span);
      return;
    }
    const base = this.placementAddress(s.placement, it.file);
    if (base === undefined) return;
    const log2size = s.log2size ? u64ToNumber(s.log2size.value) : this.profile.SIDSIZE;
    const split = s.split ? u64ToNumber(s.split.value) : 8;
    if (log2size > 32)
      this.diag("LANG-VALUE-RANGE", "error", "log2size must be 0..32", spanOf(it.file, s.log2size!.range));
    if (fmt === "2-level" && ![6, 8, 10].includes(split))
      this.diag("LANG-VALUE-RANGE", "error", "split must be 6, 8 or 10", spanOf(it.file, s.split?.range ?? s.range));
    const align =
      fmt === "linear"
        ? 2 ** (log2size + 6) // the literal LOG2SIZE, not SIDSIZE (smmuv3.md §3.1)
        : Math.max(64, 2 ** (Math.max(0, log2size - split) + 3));
    if (base.addr % align !== 0)
      this.diag(
        "LANG-MISALIGNED",
        "error",
        `the stream table base must be aligned to its size (${hexNumber(align)} bytes) (SMMU_STRTAB_BASE.ADDR, smmuv3.md §3.1)`,
        spanOf(it.file, s.placement.range),
      );
    this.strtab = { base: base.addr, fmt, log2size: Math.min(log2size, 32), split };
    const entries =
      fmt === "linear" ? 2 ** Math.min(log2size, 24) * 64 : Math.max(1, 2 ** Math.max(0, log2size - split)) * 8;
    this.regions.push({ start: base.addr, end: base.addr + entries, table: false, what: "the stream table", span });
  }

  // ---- labels ----

  private registerLabels(): void {
    for (const it of this.items) {
      const n = it.node;
      const ident =
        n.kind === "pagetable" || n.kind === "memory" || n.kind === "label" || n.kind === "struct" ? n.name : undefined;
      if (!ident) continue;
      const prev = this.labelDefs.get(ident.text);
      if (prev) {
        this.diag("LANG-DUPLICATE-LABEL", "error", `${ident.text} is defined twice`, spanOf(it.file, ident.range), {
          related: [
            { span: spanOf(prev.item.file, prev.ident.range), message: `the first definition of ${ident.text}` },
          ],
        });
        continue;
      }
      this.labelDefs.set(ident.text, { item: it, ident });
      if (n.kind === "struct" && n.type === "l1std" && n.index) this.l1stds.set(u64ToNumber(n.index.value), it);
    }
    for (const it of this.items) {
      const n = it.node;
      if (n.kind === "struct" && n.type === "l1std" && n.index && !n.name)
        this.l1stds.set(u64ToNumber(n.index.value), it);
    }
    for (const name of this.labelDefs.keys()) this.resolveLabel(name, undefined);
  }

  /** Resolves a label (memoised, cycle-safe). `ref` is the use site for the "undefined" diagnostic. */
  private resolveLabel(name: string, ref: { file: string; range: LangRange } | undefined): LangLabel | undefined {
    const done = this.labels.get(name);
    if (done) return done;
    const state = this.labelState.get(name);
    const def = this.labelDefs.get(name);
    if (!def) {
      if (ref)
        this.diag(
          "LANG-UNDEFINED-LABEL",
          "error",
          `@${name} is not defined (no pagetable, structure, memory block or label has that name)`,
          spanOf(ref.file, ref.range),
        );
      return undefined;
    }
    if (state === "failed") return undefined;
    if (state === "resolving") {
      if (ref) this.diag("LANG-UNDEFINED-LABEL", "error", `@${name} depends on itself`, spanOf(ref.file, ref.range));
      this.labelState.set(name, "failed");
      return undefined;
    }
    if (this.labelDepth >= MAX_LABEL_DEPTH) {
      if (ref)
        this.diag(
          "LANG-UNDEFINED-LABEL",
          "error",
          `@${name}: labels defined through more than ${MAX_LABEL_DEPTH} other labels are not resolved`,
          spanOf(ref.file, ref.range),
        );
      return undefined;
    }
    this.labelState.set(name, "resolving");
    this.labelDepth++;
    let where: { addr: number; space: LangSpace } | undefined;
    try {
      where = this.addressOfItem(def.item);
    } finally {
      this.labelDepth--;
    }
    if (!where) {
      this.labelState.set(name, "failed");
      return undefined;
    }
    const label: LangLabel = {
      name,
      addr: where.addr,
      space: where.space,
      span: spanOf(def.item.file, def.ident.range),
    };
    this.labels.set(name, label);
    this.labelState.delete(name);
    return label;
  }

  /** Where a node lives (in its own space). */
  private addressOfItem(it: Item): { addr: number; space: LangSpace } | undefined {
    const n = it.node;
    if (n.kind === "struct") return this.structureAddress(n, it);
    if (n.kind === "pagetable" || n.kind === "memory" || n.kind === "label" || n.kind === "abort") {
      if (!n.placement) return undefined;
      return this.placementAddress(n.placement, it.file);
    }
    return undefined;
  }

  private placementAddress(p: Placement, file: string): { addr: number; space: LangSpace } | undefined {
    if (p.addr.kind === "number") {
      const a = this.numberOf(p.addr, file);
      return a === undefined ? undefined : { addr: a, space: p.space };
    }
    const l = this.resolveLabel(p.addr.name, { file, range: p.addr.range });
    if (!l) return undefined;
    const off = p.addr.offset ? (this.numberOf(p.addr.offset, file) ?? 0) : 0;
    return { addr: l.addr + off, space: p.space === "ipa" ? "ipa" : l.space };
  }

  /** The address a number or label stands for. */
  private addressOf(v: NumberLit | LabelRef, file: string): number | undefined {
    if (v.kind === "number") return this.numberOf(v, file);
    const l = this.resolveLabel(v.name, { file, range: v.range });
    if (!l) return undefined;
    const off = v.offset ? (this.numberOf(v.offset, file) ?? 0) : 0;
    return l.addr + off;
  }

  private numberOf(n: NumberLit, file: string): number | undefined {
    if (!fitsNumber(n.value) || u64ToNumber(n.value) >= LIMIT_52 * 2) {
      this.diag(
        "LANG-VALUE-RANGE",
        "error",
        `${n.text} is not an address (addresses are at most 52 bits)`,
        spanOf(file, n.range),
      );
      return undefined;
    }
    return u64ToNumber(n.value);
  }

  private structureAddress(n: StructNode, it: Item): { addr: number; space: LangSpace } | undefined {
    if (n.placement) return this.placementAddress(n.placement, it.file);
    if (n.type === "ste" && n.index) {
      const sid = u64ToNumber(n.index.value);
      const st = this.strtab;
      if (!st) return undefined;
      if (sid >= 2 ** Math.min(st.log2size, this.profile.SIDSIZE)) return undefined;
      if (st.fmt === "linear") return { addr: st.base + sid * 64, space: "pa" };
      const l1 = this.l1stds.get(Math.floor(sid / 2 ** st.split));
      if (!l1 || l1.node.kind !== "struct") return undefined;
      const enc = this.encode(l1.node, l1);
      if (!enc) return undefined;
      const span = Number(readField(enc.words, L1STD, "Span"));
      const l2 = Number(readField(enc.words, L1STD, "L2Ptr"));
      const idx = sid % 2 ** st.split;
      if (span === 0 || span > 11 || idx >= 2 ** (span - 1)) return undefined;
      return { addr: l2 + idx * 64, space: "pa" };
    }
    if (n.type === "l1std" && n.index && this.strtab) {
      return { addr: this.strtab.base + u64ToNumber(n.index.value) * 8, space: "pa" };
    }
    return undefined;
  }

  // ---- IPA → PA through the file's stage-2 mappings (§7) ----

  private s2Table(
    via: IdentLit | undefined,
    file: string,
    span: SourceSpan,
  ): { iova: number; end: number; out: number }[] | undefined {
    let node: { n: PageTableNode; it: Item } | undefined;
    if (via) {
      const def = this.labelDefs.get(via.text);
      if (!def || def.item.node.kind !== "pagetable" || def.item.node.stage !== 2) {
        this.diag("LANG-IPA-UNMAPPED", "error", `${via.text} is not a stage-2 pagetable`, spanOf(file, via.range));
        return undefined;
      }
      node = { n: def.item.node, it: def.item };
    } else {
      const all = this.items.filter((i) => i.node.kind === "pagetable" && i.node.stage === 2);
      if (all.length !== 1) {
        this.diag(
          "LANG-IPA-UNMAPPED",
          "error",
          all.length === 0
            ? "an @ipa placement needs a stage-2 pagetable in the file"
            : "several stage-2 pagetables: say which one with `via <name>`",
          span,
        );
        return undefined;
      }
      const only = all[0]!;
      node = { n: only.node as PageTableNode, it: only };
    }
    const key = node.n.name?.text ?? "";
    const cached = this.s2Lookups.get(key);
    if (cached !== undefined) return cached ?? undefined;
    this.s2Lookups.set(key, null);
    const list: { iova: number; end: number; out: number }[] = [];
    for (const m of node.n.maps) {
      if (!m.iova || !m.size || !m.out) continue;
      const out = this.addressOf(m.out, node.it.file);
      if (out === undefined) continue;
      const iova = u64ToNumber(m.iova.value);
      list.push({ iova, end: iova + u64ToNumber(m.size.value), out });
    }
    list.sort((a, b) => a.iova - b.iova);
    this.s2Lookups.set(key, list);
    return list;
  }

  /** PA of an address in `space` (identity for PA). */
  private toPa(
    addr: number,
    space: LangSpace,
    via: IdentLit | undefined,
    file: string,
    span: SourceSpan,
  ): number | undefined | null {
    if (space === "pa") return addr;
    const list = this.s2Table(via, file, span);
    if (!list) return null; // no stage-2 table: already reported
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = list[mid]!;
      if (addr < m.iova) hi = mid - 1;
      else if (addr >= m.end) lo = mid + 1;
      else return m.out + (addr - m.iova);
    }
    return undefined;
  }

  // ---- memory writes ----

  private define(addr: number, lo: number, hi: number, prov: Provenance, span: SourceSpan): void {
    const recording = this.recording;
    if (recording === undefined) return this.defineNow(addr, lo, hi, prov, span);
    // a conflict depends on the other statements: replayed as a define, not as its diagnostic
    recording.push({ op: "define", addr, lo, hi, prov, span });
    this.recording = undefined;
    try {
      this.defineNow(addr, lo, hi, prov, span);
    } finally {
      this.recording = recording;
    }
  }

  private defineNow(addr: number, lo: number, hi: number, prov: Provenance, span: SourceSpan): void {
    const r = this.memory.define(addr, lo, hi, prov);
    if (r.kind === "ok") return;
    if (r.kind === "invalid") {
      this.diag("LANG-MISALIGNED", "error", r.message, span);
      return;
    }
    const isMap = (p: Provenance | undefined): boolean => (p?.what ?? "").startsWith("map ");
    const code = isMap(prov) || isMap(r.previousProvenance) ? "LANG-MAP-COLLIDES" : "LANG-CONFLICT";
    const prevValue = hex64({ lo: r.previous.lo, hi: r.previous.hi });
    const related: RelatedLocation[] = r.previousProvenance
      ? [
          {
            span: r.previousProvenance,
            message: `first defined here as ${prevValue}${r.previousProvenance.what ? ` (${r.previousProvenance.what})` : ""}`,
          },
        ]
      : [];
    this.diag(
      code,
      "error",
      `the word at ${hexNumber(addr)} is defined twice with different values: ${prevValue} and ${hex64({ lo, hi })}${prov.what ? ` (${prov.what})` : ""}`,
      span,
      { related },
    );
  }

  private writeMemory(n: MemoryNode, it: Item): void {
    let key: string | undefined;
    if (this.options.buildCache && !n.via && n.placement?.space !== "ipa") {
      key = it.file;
      const a = n.placement?.addr;
      if (a?.kind === "label") key += this.labelKeyPart(a.name);
    }
    this.withReplay(n, key, () => {
      this.writeMemoryNow(n, it);
      return undefined;
    });
  }

  private writeMemoryNow(n: MemoryNode, it: Item): void {
    const span = spanOf(it.file, n.range);
    if (!n.placement) {
      this.diag(
        "LANG-MISSING-FIELD",
        "error",
        "a memory block needs a placement (@address or @ipa address)",
        spanOf(it.file, n.keyword.range),
      );
      return;
    }
    const where = this.placementAddress(n.placement, it.file);
    if (!where) return;
    if (where.addr % 8 !== 0) {
      this.diag(
        "LANG-MISALIGNED",
        "error",
        `memory blocks hold 64-bit words: ${hexNumber(where.addr)} is not 8-byte aligned`,
        spanOf(it.file, n.placement.range),
      );
      return;
    }
    let reported = false;
    // one provenance per source line of words (the line that defined them), not one per word
    let provLine = -1;
    let prov: Provenance | undefined;
    const label = `memory${n.name ? " " + n.name.text : ""}`;
    for (let i = 0; i < n.words.length; i++) {
      const w = n.words[i]!;
      const r = w.range;
      const addr = where.addr + i * 8;
      const wspan: SourceSpan = { file: it.file, start: r.start, end: r.end };
      if (r.start.line !== provLine) {
        provLine = r.start.line;
        let k = i;
        while (k + 1 < n.words.length && n.words[k + 1]!.range.start.line === provLine) k++;
        prov = {
          file: it.file,
          start: r.start,
          end: n.words[k]!.range.end,
          what: flatText([label, " @", hexNumber(addr)]),
        };
      }
      const pa = this.toPa(addr, where.space, n.via, it.file, span);
      if (pa === undefined || pa === null) {
        if (!reported && pa === undefined)
          this.diag("LANG-IPA-UNMAPPED", "error", `IPA ${hexNumber(addr)} is not mapped by the stage-2 tables`, wspan);
        reported = true;
        continue;
      }
      this.define(pa, w.value.lo, w.value.hi, prov!, wspan);
    }
    // Raw memory may deliberately repeat or patch table words: only a different value is a
    // problem, and define() reports that (LANG-MAP-COLLIDES / LANG-CONFLICT).
  }

  private writeAbort(n: Extract<TopNode, { kind: "abort" }>, it: Item): void {
    const span = spanOf(it.file, n.range);
    if (!n.placement || !n.size) {
      this.diag("LANG-MISSING-FIELD", "error", "abort needs @address and size", span);
      return;
    }
    const where = this.placementAddress(n.placement, it.file);
    const size = this.numberOf(n.size, it.file);
    if (!where || size === undefined) return;
    const pa = this.toPa(where.addr, where.space, undefined, it.file, span);
    if (pa === undefined || pa === null) return;
    this.memory.addAbort({ addr: pa, size, provenance: { ...span, what: "abort" } });
  }

  // ---- structures ----

  /** Encodes a structure's words (memoised): raw words first, then fields on top. */
  private encode(n: StructNode, it: Item): LangStructure | undefined {
    const cached = this.structByNode.get(n);
    if (cached !== undefined) return cached ?? undefined;
    const cache = this.labelsResolved ? this.options.buildCache?.structures : undefined;
    const key = cache ? this.structureKey(n, it) : undefined;
    if (cache === undefined || key === undefined) return this.encodeNow(n, it);
    const hit = cache.get(n);
    if (hit && hit.key === key) {
      for (const d of hit.diagnostics) {
        this.diagnostics.push(d);
        this.recording?.push({ op: "diag", diagnostic: d });
      }
      // a copy: writeStructure adds the structure's PA to it
      const copy: LangStructure = { ...hit.structure };
      this.structByNode.set(n, copy);
      return copy;
    }
    const outer = this.recording;
    const ops: LangPageTableOp[] = [];
    this.recording = ops;
    let s: LangStructure;
    try {
      s = this.encodeNow(n, it);
    } finally {
      this.recording = outer;
    }
    const diagnostics: EngineDiagnostic[] = [];
    for (const o of ops) if (o.op === "diag") diagnostics.push(o.diagnostic);
    outer?.push(...ops);
    cache.set(n, { key, diagnostics, structure: { ...s } });
    return s;
  }

  /**
   * Everything outside the node that encoding a structure reads: the file, the labels it names
   * and, without a placement, the stream table. Undefined for an STE in a 2-level stream table
   * (its address comes from an L1STD's encoding): always encoded afresh.
   */
  private structureKey(n: StructNode, it: Item): string | undefined {
    let key = it.file;
    const label = (v: Value | undefined): void => {
      if (v === undefined || v.kind !== "label") return;
      key += this.labelKeyPart(v.name);
    };
    if (n.placement) label(n.placement.addr);
    else if (n.type === "ste" || n.type === "l1std") {
      const st = this.strtab;
      if (st && st.fmt !== "linear" && n.type === "ste") return undefined;
      key += st ? `\u0000strtab ${st.base}:${st.log2size}:${this.profile.SIDSIZE}` : "\u0000no strtab";
    }
    for (const fs of n.fields) for (const v of fs.values) label(v);
    return key;
  }

  private encodeNow(n: StructNode, it: Item): LangStructure {
    this.structByNode.set(n, null);
    const spec = STRUCT_SPECS[n.type];
    const span = spanOf(it.file, n.range);
    const headerProv: Provenance = provenanceOf(
      it.file,
      span,
      flatText([n.type, n.index ? " " : "", n.index ? n.index.text : "", n.name ? " " : "", n.name ? n.name.text : ""]),
    );
    const words = new Uint32Array(spec.dwords * 2);
    const prov: Provenance[] = new Array<Provenance>(spec.dwords).fill(headerProv);
    const touched = new Array<boolean>(spec.dwords).fill(false);
    let d = 0;
    for (const ws of n.words) {
      for (const w of ws.words) {
        if (d >= spec.dwords) {
          this.diag(
            "LANG-VALUE-RANGE",
            "error",
            `${n.type} has ${spec.dwords} dword${spec.dwords > 1 ? "s" : ""}: this word is one too many`,
            spanOf(it.file, w.range),
          );
          d++;
          continue;
        }
        words[2 * d] = w.value.lo;
        words[2 * d + 1] = w.value.hi;
        prov[d] = provenanceOf(it.file, w.range, flatText([headerProv.what ?? n.type, " dword ", String(d)]));
        touched[d] = true;
        d++;
      }
    }
    const seen = new Map<string, FieldStmt>();
    const fields = lowerMap(spec);
    for (const fs of n.fields) {
      const f = fieldByWrittenName(spec, fs.name.text);
      if (!f) {
        this.diag(
          "LANG-UNKNOWN-FIELD",
          "error",
          unknownFieldMessage(spec, fs.name.text),
          spanOf(it.file, fs.name.range),
        );
        continue;
      }
      const prev = seen.get(f.name);
      if (prev)
        this.diag(
          "LANG-DUPLICATE-FIELD",
          "warning",
          `${f.name} is given twice (the last wins)`,
          spanOf(it.file, fs.range),
          {
            related: [{ span: spanOf(it.file, prev.range), message: `${f.name} first given here` }],
          },
        );
      seen.set(f.name, fs);
      const values = fs.values; // may be built on each read: once
      if (values.length !== 1) {
        this.diag("LANG-VALUE-RANGE", "error", `${f.name} takes one value`, spanOf(it.file, fs.range));
        continue;
      }
      const value = this.fieldValue(f, values[0]!, it.file);
      if (value === undefined) continue;
      if (!setValue(words, f, value)) {
        this.diag("LANG-VALUE-RANGE", "error", doesNotFit(f, value), spanOf(it.file, values[0]!.range), {
          fields: [f.name],
        });
        continue;
      }
      const first = Math.floor(f.lsb / 64);
      const last = Math.floor((f.lsb + f.width - 1) / 64);
      for (let k = first; k <= last; k++) {
        if (!touched[k]) {
          prov[k] = provenanceOf(it.file, fs.range, flatText([headerProv.what ?? n.type, " ", f.name]));
          touched[k] = true;
        }
      }
    }
    // A structure written by fields is meant to be valid (docs/language.md §4).
    const v = fields.get("v");
    if (v && n.words.length === 0 && !seen.has("V")) setValue(words, v, { lo: 1, hi: 0 });
    if (n.type === "ste" && n.words.length === 0 && !seen.has("Config") && n.fields.length > 0)
      this.diag(
        "LANG-MISSING-FIELD",
        "error",
        "an STE written by fields needs Config (abort, bypass, stage 1, stage 2 or nested)",
        spanOf(it.file, n.keyword.range),
        { fields: ["Config"] },
      );
    const where = this.structureAddress(n, it);
    const s: LangStructure = {
      type: n.type,
      spec,
      node: n,
      file: it.file,
      span,
      words,
      dwordProvenance: prov,
      ...(n.type === "ste" && n.index ? { sid: u64ToNumber(n.index.value) } : {}),
      ...(n.name ? { name: n.name.text } : {}),
      ...(where ? { addr: where.addr, space: where.space } : {}),
    };
    this.structByNode.set(n, s);
    return s;
  }

  private fieldValue(f: FieldSpec, v: Value, file: string): U64 | undefined {
    if (v.kind === "label") {
      const a = this.addressOf(v, file);
      return a === undefined ? undefined : u64FromNumber(a);
    }
    if (v.kind === "ident") {
      const e = enumValue(f, v.text);
      if (e === undefined) {
        const names = f.values ? Object.values(f.values).filter((x) => !/^reserved/i.test(x)) : [];
        this.diag(
          "LANG-VALUE-RANGE",
          "error",
          names.length
            ? `'${v.text}' is not a value of ${f.name} (${names.join(", ")})`
            : `${f.name} takes a number, not '${v.text}'`,
          spanOf(file, v.range),
          { fields: [f.name] },
        );
        return undefined;
      }
      return { lo: e, hi: 0 };
    }
    const named = languageValueOfNumber(f, v);
    if (named !== undefined) return { lo: named, hi: 0 };
    const value = v.value; // built on each read: once
    const tooWide = value.hi !== 0 || (f.width < 32 && value.lo >= 2 ** f.width);
    if (f.values && (v.isSize || tooWide)) {
      const names = Object.entries(f.values)
        .filter(([, x]) => !/^reserved/i.test(x))
        .map(([k, x]) => `${x} (${k})`);
      this.diag(
        "LANG-VALUE-RANGE",
        "error",
        `${v.text} is not a value of ${f.name}: ${names.join(", ")}`,
        spanOf(file, v.range),
        { fields: [f.name] },
      );
      return undefined;
    }
    return value;
  }

  private writeStructure(n: StructNode, it: Item): void {
    const cache = this.options.buildCache?.writes;
    if (cache === undefined || this.structByNode.has(n) || n.via || n.placement?.space === "ipa") {
      this.writeStructureNow(n, it);
      return;
    }
    const st = this.strtab;
    const base = this.structureKey(n, it);
    if (base === undefined) {
      this.writeStructureNow(n, it);
      return;
    }
    const key = `${base}\u0000${st ? `${st.fmt}:${st.base}:${st.log2size}:${st.split}` : "-"}:${this.profile.SIDSIZE}`;
    const hit = cache.get(n);
    // a second STE for a StreamID is judged against the others: only a first one is replayed
    if (hit && hit.key === key && !(hit.structure.sid !== undefined && this.stes.has(hit.structure.sid))) {
      this.replayOps(hit.ops);
      // shared with the earlier model: nothing changes a structure once it is written
      const same = hit.structure;
      this.structByNode.set(n, same);
      this.structures.push(same);
      if (same.sid !== undefined) this.stes.set(same.sid, same);
      return;
    }
    const outer = this.recording;
    const ops: LangPageTableOp[] = [];
    this.recording = ops;
    let written: LangStructure | undefined;
    try {
      written = this.writeStructureNow(n, it);
    } finally {
      this.recording = outer;
    }
    outer?.push(...ops);
    if (written && (n.type !== "ste" || written.sid !== undefined)) cache.set(n, { key, ops, structure: written });
    else cache.delete(n);
  }

  /** Encodes and places a structure; the structure when it joined the model's structures. */
  private writeStructureNow(n: StructNode, it: Item): LangStructure | undefined {
    const s = this.encode(n, it);
    if (!s) return undefined;
    const span = s.span;
    if (n.type === "ste" && s.sid !== undefined) {
      const prev = this.stes.get(s.sid);
      if (prev) {
        this.diag(
          "LANG-DUPLICATE-STRUCTURE",
          "error",
          `StreamID ${hexNumber(s.sid)} has two STEs`,
          spanOf(it.file, n.index?.range ?? n.range),
          {
            related: [{ span: prev.span, message: "the first STE for this StreamID" }],
          },
        );
        return undefined;
      }
    }
    if ((n.type === "cd" || n.type === "l1cd") && !n.placement) {
      this.diag(
        "LANG-NO-PLACEMENT",
        "error",
        `a ${n.type} needs a placement: @address or @ipa address`,
        spanOf(it.file, n.keyword.range),
      );
      return undefined;
    }
    if (n.type === "ste" && !n.placement && s.addr === undefined && this.strtab) {
      const sid = s.sid ?? 0;
      const st = this.strtab;
      const why =
        sid >= 2 ** Math.min(st.log2size, this.profile.SIDSIZE)
          ? `StreamID ${hexNumber(sid)} is beyond the stream table (log2size ${st.log2size}, SIDSIZE ${this.profile.SIDSIZE}): the SMMU raises C_BAD_STREAMID`
          : `no valid l1std for index ${hexNumber(Math.floor(sid / 2 ** st.split))} covers StreamID ${hexNumber(sid)} (add \`l1std ${hexNumber(Math.floor(sid / 2 ** st.split))} { span ${st.split + 1}; l2ptr @... }\`)`;
      this.diag(
        "LANG-NO-PLACEMENT",
        "error",
        why,
        spanOf(it.file, n.index?.range ?? n.range),
        sid >= 2 ** st.log2size ? { event: "C_BAD_STREAMID" } : {},
      );
    }
    this.structures.push(s);
    if (n.type === "ste" && s.sid !== undefined) this.stes.set(s.sid, s);
    if (s.addr === undefined || s.space === undefined) return s;
    const align = n.type === "ste" || n.type === "cd" ? 64 : 8;
    if (s.addr % align !== 0) {
      this.diag(
        "LANG-MISALIGNED",
        "error",
        `a ${n.type.toUpperCase()} must be ${align}-byte aligned: ${hexNumber(s.addr)} is not`,
        spanOf(it.file, n.placement?.range ?? n.range),
      );
      return s;
    }
    let firstPa: number | undefined;
    for (let d = 0; d < s.spec.dwords; d++) {
      const pa = this.toPa(s.addr + d * 8, s.space, n.via, it.file, span);
      if (pa === undefined || pa === null) {
        if (pa === undefined)
          this.diag(
            "LANG-IPA-UNMAPPED",
            "error",
            `IPA ${hexNumber(s.addr + d * 8)} of this ${n.type} is not mapped by the stage-2 tables`,
            spanOf(it.file, n.placement?.range ?? n.range),
          );
        return s;
      }
      if (d === 0) firstPa = pa;
      const p = s.dwordProvenance[d]!;
      this.define(pa, s.words[2 * d]!, s.words[2 * d + 1]!, p, p);
    }
    if (firstPa !== undefined) {
      (s as { pa?: number }).pa = firstPa;
      this.addRegion({
        start: firstPa,
        end: firstPa + s.spec.dwords * 8,
        table: false,
        what: flatText([
          n.type,
          n.index ? " " : "",
          n.index ? n.index.text : "",
          n.name ? " " : "",
          n.name ? n.name.text : "",
        ]),
        span,
      });
    }
    return s;
  }

  // ---- page tables (§5) ----

  private writePageTable(n: PageTableNode, it: Item): void {
    const key = this.options.buildCache ? this.pageTableKey(n, it) : undefined;
    this.addPageTable(
      n,
      this.withReplay(n, key, () => this.encodePageTable(n, it)),
    );
  }

  /**
   * Runs `build` for a top-level node, or replays what it did in an earlier build of the same
   * document (the diagnostics it reported, the words it defined — conflicts are judged again —,
   * the regions it occupies) when the node is the same object and `key`, everything else it
   * reads, is the same. Without a cache or a key, just runs it.
   */
  private withReplay(
    node: PageTableNode | MemoryNode,
    key: string | undefined,
    build: () => LangPageTable | undefined,
  ): LangPageTable | undefined {
    const cache = this.options.buildCache?.replays;
    if (cache === undefined || key === undefined) return build();
    const hit = cache.get(node);
    if (hit && hit.key === key) {
      this.replayOps(hit.ops);
      return hit.table;
    }
    const outer = this.recording;
    const ops: LangPageTableOp[] = [];
    this.recording = ops;
    let table: LangPageTable | undefined;
    try {
      table = build();
    } finally {
      this.recording = outer;
    }
    outer?.push(...ops);
    cache.set(node, { key, ops, table });
    return table;
  }

  private addPageTable(n: PageTableNode, lt: LangPageTable | undefined): void {
    if (!lt) return;
    this.tableByNode.set(n, lt);
    this.pageTables.push(lt);
  }

  /**
   * Everything outside the node that a pagetable's build reads: the file, the profile's granules
   * and the labels it names. Undefined when it reads more (IPA placements go through the stage-2
   * tables): such a table is always built afresh.
   */
  private pageTableKey(n: PageTableNode, it: Item): string | undefined {
    if (n.via || n.placement?.space === "ipa" || n.pool?.space === "ipa") return undefined;
    let key = `${it.file}\u0000${[...this.profile.granules].join(",")}`;
    const label = (v: NumberLit | LabelRef | undefined): void => {
      if (v === undefined || v.kind !== "label") return;
      key += this.labelKeyPart(v.name);
    };
    label(n.placement?.addr);
    label(n.pool?.addr);
    for (const m of n.maps) label(m.out);
    return key;
  }

  /** Does again what a build recorded (and records it too when an enclosing build is recording). */
  private replayOps(ops: readonly LangPageTableOp[]): void {
    for (const o of ops) {
      if (o.op === "diag") {
        this.diagnostics.push(o.diagnostic);
        this.recording?.push(o);
      } else if (o.op === "define") this.define(o.addr, o.lo, o.hi, o.prov, o.span);
      else this.addRegion(o.region);
    }
  }

  /** What a label stands for, as part of a replay key (resolved once all labels are: no side effect). */
  private labelKeyPart(name: string): string {
    const l = this.labels.get(name);
    return l ? `\u0000${name}=${l.addr}:${l.space}` : `\u0000${name}=${this.labelDefs.has(name) ? "x" : "?"}`;
  }

  private addRegion(region: LangRegion): void {
    this.regions.push(region);
    this.recording?.push({ op: "region", region });
  }

  /** Builds a pagetable's descriptors into the image; the table, or undefined when it is unusable. */
  private encodePageTable(n: PageTableNode, it: Item): LangPageTable | undefined {
    const span = spanOf(it.file, n.range);
    const name = n.name?.text ?? "?";
    if (!n.stage)
      return void this.diag(
        "LANG-MISSING-FIELD",
        "error",
        "a pagetable needs stage1 or stage2",
        spanOf(it.file, n.keyword.range),
      );
    if (!n.granule)
      return void this.diag(
        "LANG-MISSING-FIELD",
        "error",
        "a pagetable needs a granule (4k, 16k or 64k)",
        spanOf(it.file, n.keyword.range),
      );
    if (!n.placement)
      return void this.diag(
        "LANG-MISSING-FIELD",
        "error",
        "a pagetable needs a placement (@address or @ipa address)",
        spanOf(it.file, n.keyword.range),
      );
    const gBytes = u64ToNumber(n.granule.value);
    const granule: Granule | undefined =
      gBytes === 4096 ? "4K" : gBytes === 16384 ? "16K" : gBytes === 65536 ? "64K" : undefined;
    if (!granule)
      return void this.diag(
        "LANG-VALUE-RANGE",
        "error",
        "the granule must be 4k, 16k or 64k",
        spanOf(it.file, n.granule.range),
      );
    if (!this.profile.granules.has(granule))
      this.diag(
        "LANG-VALUE-RANGE",
        "warning",
        `the SMMU profile does not support the ${granule} granule`,
        spanOf(it.file, n.granule.range),
      );
    const g = Math.log2(gBytes);
    const s = g - 3;
    const ia = n.ia ? u64ToNumber(n.ia.value) : 48;
    if (ia < 16 || ia > 52)
      return void this.diag("LANG-VALUE-RANGE", "error", "ia must be 16..52 bits", spanOf(it.file, n.ia!.range));
    const levelShift = (L: number): number => g + (3 - L) * s;
    const naturalStart = 4 - Math.ceil((ia - g) / s);
    let startLevel = naturalStart;
    if (n.startLevel) {
      startLevel = u64ToNumber(n.startLevel.value);
      const rb = ia - levelShift(startLevel);
      const maxBits = n.stage === 2 ? s + 4 : s;
      if (startLevel > 3 || rb < 1 || rb > maxBits)
        return void this.diag(
          "LANG-VALUE-RANGE",
          "error",
          `start level ${startLevel} cannot resolve a ${ia}-bit input with the ${granule} granule (${n.stage === 2 ? "at most 16 concatenated tables, " : ""}smmuv3.md §2.5, §5.2)`,
          spanOf(it.file, n.startLevel.range),
        );
    }
    const rootBits = ia - levelShift(startLevel);
    const rootSize = 2 ** rootBits * 8;
    const where = this.placementAddress(n.placement, it.file);
    if (!where) return;
    const rootAlign = Math.max(rootSize, 8);
    if (where.addr % rootAlign !== 0)
      this.diag(
        "LANG-MISALIGNED",
        "error",
        `the root table (${hexNumber(rootSize)} bytes${rootSize > gBytes ? `, ${rootSize / gBytes} concatenated tables` : ""}) must be aligned to its size: ${hexNumber(where.addr)} is not`,
        spanOf(it.file, n.placement.range),
      );
    let next: number;
    let limit = Infinity;
    if (n.pool) {
      const pool = this.placementAddress(n.pool, it.file);
      if (!pool) return;
      if (pool.space !== where.space)
        this.diag(
          "LANG-VALUE-RANGE",
          "error",
          "the pool must be in the same address space as the table",
          spanOf(it.file, n.pool.range),
        );
      if (pool.addr % gBytes !== 0)
        this.diag("LANG-MISALIGNED", "error", `the pool must be ${granule}-aligned`, spanOf(it.file, n.pool.range));
      next = Math.ceil(pool.addr / gBytes) * gBytes;
      if (n.poolSize) limit = pool.addr + u64ToNumber(n.poolSize.value);
    } else {
      next = Math.ceil((where.addr + rootSize) / gBytes) * gBytes;
    }

    // resolve the mappings and check them against each other
    const maps: LangMapping[] = [];
    for (const m of n.maps) {
      const mspan = spanOf(it.file, m.range);
      if (!m.iova) continue;
      if (!m.size) {
        this.diag("LANG-MISSING-FIELD", "error", "map needs `size <size>`", spanOf(it.file, m.keyword.range));
        continue;
      }
      if (!m.out) {
        this.diag("LANG-MISSING-FIELD", "error", "map needs `-> <output address>`", spanOf(it.file, m.keyword.range));
        continue;
      }
      const out = this.addressOf(m.out, it.file);
      const iova = this.numberOf(m.iova, it.file);
      const size = this.numberOf(m.size, it.file);
      if (out === undefined || iova === undefined || size === undefined) continue;
      if (size === 0) {
        this.diag("LANG-VALUE-RANGE", "error", "map size must not be 0", spanOf(it.file, m.size.range));
        continue;
      }
      if (iova % gBytes !== 0 || size % gBytes !== 0 || out % gBytes !== 0) {
        const what = iova % gBytes !== 0 ? m.iova : size % gBytes !== 0 ? m.size : m.out;
        this.diag(
          "LANG-MISALIGNED",
          "error",
          `map input, size and output must be ${granule}-aligned (the granule)`,
          spanOf(it.file, what.range),
        );
        continue;
      }
      if (iova + size > 2 ** ia) {
        this.diag(
          "LANG-MAP-RANGE",
          "error",
          `${hexNumber(iova + size - 1)} is beyond the ${ia}-bit input range of ${name}: the walk raises F_TRANSLATION`,
          spanOf(it.file, m.iova.range),
          { event: "F_TRANSLATION" },
        );
        continue;
      }
      if (out + size > LIMIT_52) {
        this.diag("LANG-MAP-RANGE", "error", "the output range goes beyond 52 bits", spanOf(it.file, m.out.range));
        continue;
      }
      maps.push({ iova, size, out, node: m, span: mspan });
    }
    const sorted = [...maps].sort((a, b) => a.iova - b.iova);
    const bad = new Set<LangMapping>();
    let reach: LangMapping | undefined;
    for (const m of sorted) {
      if (reach && m.iova < reach.iova + reach.size) {
        bad.add(m);
        this.diag(
          "LANG-MAP-OVERLAP",
          "error",
          `this mapping overlaps another one of ${name} at ${hexNumber(m.iova)}`,
          m.span,
          {
            related: [{ span: reach.span, message: "the other mapping" }],
          },
        );
        if (m.iova + m.size <= reach.iova + reach.size) continue;
      }
      reach = m;
    }

    const ds = ia > 48 || maps.some((m) => m.out + m.size > 2 ** 48) || where.addr >= 2 ** 48;
    interface PtTable {
      addr: number;
      level: number;
      entries: Map<number, PtEntry>;
      span: SourceSpan;
    }
    type PtEntry =
      | { kind: "table"; child: PtTable; map: LangMapping }
      | { kind: "leaf"; level: number; oa: number; map: LangMapping };
    const root: PtTable = { addr: where.addr, level: startLevel, entries: new Map(), span };
    const tables: PtTable[] = [root];
    let exhausted = false;
    // per-level divisor and entry count, computed once (the hot loop of big tables)
    const levelSize: number[] = [];
    const levelEntries: number[] = [];
    for (let L = startLevel; L <= 3; L++) {
      // indexed by L + 1: the start level may be -1 (4K, 52-bit)
      levelSize[L + 1] = 2 ** levelShift(L);
      levelEntries[L + 1] = 2 ** (L === startLevel ? rootBits : s);
    }
    // bytes a block descriptor maps at each level (undefined: no blocks there)
    const blockBytes: (number | undefined)[] = [];
    for (let L = startLevel; L < 3; L++) {
      const sh = blockShift(granule, L, ds);
      blockBytes[L + 1] = sh === undefined ? undefined : 2 ** sh;
    }
    const indexAt = (va: number, L: number): number => Math.floor(va / levelSize[L + 1]!) % levelEntries[L + 1]!;
    let leafCount = 0;
    for (const m of maps) {
      if (bad.has(m)) continue;
      let va = m.iova;
      let oa = m.out;
      const end = m.iova + m.size;
      while (va < end) {
        let level = 3;
        for (let L = startLevel; L < 3; L++) {
          const blk = blockBytes[L + 1];
          if (blk === undefined) continue;
          if (va % blk === 0 && oa % blk === 0 && end - va >= blk) {
            level = L;
            break;
          }
        }
        const blk = levelSize[level + 1]!;
        if (++leafCount > 1 << 20) {
          this.diag("LANG-MAP-RANGE", "error", "more than 2^20 descriptors: use larger, aligned blocks", m.span);
          return;
        }
        let t = root;
        let ok = true;
        for (let L = startLevel; L < level; L++) {
          const idx = indexAt(va, L);
          const e = t.entries.get(idx);
          if (!e) {
            if (next + gBytes > limit && !exhausted) {
              exhausted = true;
              this.diag(
                "LANG-POOL-EXHAUSTED",
                "error",
                `the table pool of ${name} is too small for the tables these mappings need`,
                m.span,
              );
            }
            const child: PtTable = { addr: next, level: L + 1, entries: new Map(), span: m.span };
            next += gBytes;
            tables.push(child);
            t.entries.set(idx, { kind: "table", child, map: m });
            t = child;
          } else if (e.kind === "table") {
            t = e.child;
          } else {
            ok = false;
            break;
          }
        }
        if (ok) {
          const idx = indexAt(va, level);
          if (t.entries.has(idx)) ok = false;
          else t.entries.set(idx, { kind: "leaf", level, oa, map: m });
        }
        if (!ok) {
          this.diag(
            "LANG-MAP-OVERLAP",
            "error",
            `this mapping needs a descriptor another mapping of ${name} already holds (at ${hexNumber(va)})`,
            m.span,
          );
          break;
        }
        va += blk;
        oa += blk;
      }
    }

    // encode and write the descriptors
    const attrCache = new Map<LangMapping, Map<string, U64> | undefined>();
    // per map: the leaf fields its attributes set, resolved against the leaf spec last used
    const leafFieldCache = new Map<LangMapping, { spec: StructSpec; fields: [FieldSpec, U64][] }>();
    // per map: one provenance per descriptor kind and level (index: table ? level : 8 + level)
    const provCache = new Map<LangMapping, (Provenance | undefined)[]>();
    const leafSpecs: StructSpec[] = [];
    const stage = n.stage;
    const tableSpec = descriptorSpec(stage, "table", granule, ds);
    const out = new Uint32Array(2);
    for (const t of tables) {
      const size = t === root ? rootSize : gBytes;
      if (where.space === "pa")
        this.addRegion({
          start: t.addr,
          end: t.addr + size,
          table: true,
          what: flatText(["pagetable ", name, " L", String(t.level), " table"]),
          span: t.span,
        });
      const keys = [...t.entries.keys()].sort((a, b) => a - b);
      for (const idx of keys) {
        const e = t.entries.get(idx)!;
        out[0] = 0;
        out[1] = 0;
        let provKey: number;
        if (e.kind === "table") {
          setField(out, tableSpec, "Type", 3);
          if (!setAddress(out, tableSpec, "NextLevelTableAddr", e.child.addr)) continue;
          provKey = t.level + 1;
        } else {
          const kind = e.level === 3 ? "page" : "block";
          let spec = leafSpecs[e.level];
          if (!spec) spec = leafSpecs[e.level] = descriptorSpec(stage, kind, granule, ds, e.level);
          setField(out, spec, "Type", e.level === 3 ? 3 : 1);
          if (!setAddress(out, spec, "OutputAddress", e.oa)) continue;
          let attrs = attrCache.get(e.map);
          if (!attrCache.has(e.map)) {
            attrs = this.mapAttributes(e.map, stage, descriptorSpec(stage, "page", granule, ds), it.file);
            attrCache.set(e.map, attrs);
          }
          if (attrs) {
            let resolved = leafFieldCache.get(e.map);
            if (!resolved || resolved.spec !== spec) {
              const fields: [FieldSpec, U64][] = [];
              for (const [f, v] of attrs) {
                const field = spec.byName.get(f);
                if (field) fields.push([field, v]);
              }
              resolved = { spec, fields };
              leafFieldCache.set(e.map, resolved);
            }
            for (const [field, v] of resolved.fields) setValue(out, field, v);
          }
          provKey = 8 + e.level + 1;
        }
        const daddr = t.addr + idx * 8;
        const pa = this.toPa(daddr, where.space, n.via, it.file, e.map.span);
        if (pa === null) return;
        if (pa === undefined) {
          this.diag(
            "LANG-IPA-UNMAPPED",
            "error",
            `IPA ${hexNumber(daddr)} (a descriptor of ${name}) is not mapped by the stage-2 tables`,
            e.map.span,
          );
          return;
        }
        // one provenance object per (map, level): tables of big files hold many descriptors
        let perMap = provCache.get(e.map);
        if (!perMap) provCache.set(e.map, (perMap = []));
        let prov = perMap[provKey];
        if (!prov) {
          const level = (provKey % 8) - 1;
          const what =
            provKey < 8
              ? flatText([
                  "map ",
                  hexNumber(e.map.iova),
                  " (",
                  name,
                  " S",
                  String(stage),
                  " L",
                  String(level),
                  " table descriptor)",
                ])
              : flatText([
                  "map ",
                  hexNumber(e.map.iova),
                  " -> ",
                  hexNumber(e.map.out),
                  " (",
                  name,
                  " S",
                  String(stage),
                  " L",
                  String(level),
                  level === 3 ? " page)" : " block)",
                ]);
          const ms = e.map.span;
          prov = { file: ms.file, start: ms.start, end: ms.end, what };
          perMap[provKey] = prov;
        }
        this.define(pa, out[0], out[1], prov, e.map.span);
      }
    }
    const lt: LangPageTable = {
      name,
      node: n,
      file: it.file,
      span,
      stage,
      granule,
      ia,
      startLevel,
      space: where.space,
      root: where.addr,
      tables: tables.map((t) => ({ addr: t.addr, level: t.level, size: t === root ? rootSize : gBytes })),
      mappings: maps,
    };
    return lt;
  }

  /** The leaf fields a map's attributes set, validated against the leaf table of the stage. */
  private mapAttributes(m: LangMapping, stage: 1 | 2, page: StructSpec, file: string): Map<string, U64> {
    const out = new Map<string, U64>();
    const fields = lowerMap(page);
    for (const a of m.node.attrs) {
      const word = a.value?.kind === "ident" ? a.value.lower : undefined;
      const num = a.value?.kind === "number" ? u64ToNumber(a.value.value) : undefined;
      const bad = (msg: string): void => this.diag("LANG-VALUE-RANGE", "error", msg, spanOf(file, a.range));
      const k = a.name.lower;
      const flagField = (stage === 1 ? S1_FLAG_ATTRS : S2_FLAG_ATTRS).get(k);
      const named =
        k === "sh"
          ? SH_NAMES
          : stage === 1 && k === "ap"
            ? AP_NAMES
            : stage === 2 && k === "s2ap"
              ? S2AP_NAMES
              : undefined;
      if (flagField !== undefined) {
        if (a.value !== undefined) bad(`${a.name.text} takes no value`);
        else out.set(flagField, ONE);
      } else if (named) {
        const v = word !== undefined ? named.values.get(word) : num;
        if (v === undefined || v > 3) bad(`${a.name.text} takes ${[...named.values.keys()].join(", ")} or 0..3`);
        else out.set(named.field, { lo: v, hi: 0 });
      } else if (stage === 1 && k === "attrindx" && num !== undefined && num < 8)
        out.set("AttrIndx", { lo: num, hi: 0 });
      else if (stage === 2 && k === "memattr" && num !== undefined && num < 16) out.set("MemAttr", { lo: num, hi: 0 });
      else if (stage === 2 && k === "xn") {
        if (a.value === undefined) out.set("XN", { lo: 2, hi: 0 });
        else if (num !== undefined && num < 4) out.set("XN", { lo: num, hi: 0 });
        else bad("xn takes 0..3 (XN[1:0])");
      } else {
        const f = fields.get(k);
        if (!f || f.name === "Type" || f.name.startsWith("OutputAddress")) {
          this.diag(
            "LANG-UNKNOWN-ATTRIBUTE",
            "error",
            `'${a.name.text}' is not a stage-${stage} mapping attribute`,
            spanOf(file, a.name.range),
          );
          continue;
        }
        if (!a.value) {
          if (f.width === 1) out.set(f.name, { lo: 1, hi: 0 });
          else bad(`${f.name} needs a value`);
          continue;
        }
        const v = this.fieldValue(f, a.value, file);
        if (v === undefined) continue;
        const probe = new Uint32Array(2);
        if (!setValue(probe, f, v)) bad(doesNotFit(f, v));
        else out.set(f.name, v);
      }
    }
    return out;
  }

  // ---- overlaps between tables and other structures ----

  private checkRegions(): void {
    const rs = [...this.regions].sort((a, b) => a.start - b.start || a.end - b.end);
    let open: (typeof rs)[number][] = [];
    for (const r of rs) {
      open = open.filter((o) => o.end > r.start);
      for (const o of open) {
        if (!o.table && !r.table) continue;
        if (o.span === r.span && o.what === r.what) continue;
        this.diag(
          "LANG-TABLE-OVERLAP",
          "error",
          `${r.what} (${hexNumber(r.start)}..${hexNumber(r.end - 1)}) overlaps ${o.what} (${hexNumber(o.start)}..${hexNumber(o.end - 1)})`,
          r.span,
          {
            related: [{ span: o.span, message: o.what }],
          },
        );
      }
      open.push(r);
    }
  }
}

function packNumbers(ns: readonly NumberLit[]): Uint32Array {
  const out = new Uint32Array(ns.length * 2);
  ns.forEach((n, i) => {
    out[2 * i] = n.value.lo;
    out[2 * i + 1] = n.value.hi;
  });
  return out;
}

function readField(words: ArrayLike<number>, spec: StructSpec, name: string): number {
  const f = spec.byName.get(name);
  if (!f) return 0;
  const lsb = f.lsb;
  let v = 0;
  for (let b = f.width - 1; b >= 0; b--) {
    const bit = lsb + b;
    v = v * 2 + (((words[bit >>> 5] ?? 0) >>> (bit & 31)) & 1);
  }
  return v * 2 ** f.shift;
}

function setField(words: Uint32Array, spec: StructSpec, name: string, value: number): void {
  const f = spec.byName.get(name);
  if (f) setValue(words, f, { lo: value, hi: 0 });
}

/** Writes an address into `<name>` and its split-off `<name>Hi` part (52-bit layouts). */
function setAddress(words: Uint32Array, spec: StructSpec, name: string, addr: number): boolean {
  const f = spec.byName.get(name);
  if (!f) return false;
  const hi = spec.byName.get(name + "Hi");
  if (hi) {
    const cut = 2 ** hi.shift;
    const low = addr % cut;
    return setValue(words, f, u64FromNumber(low)) && setValue(words, hi, u64FromNumber(addr - low));
  }
  return setValue(words, f, u64FromNumber(addr));
}

function doesNotFit(f: FieldSpec, v: U64): string {
  if (f.shift && v.lo % 2 ** Math.min(f.shift, 31) !== 0)
    return `${f.name} holds an address aligned to ${hexNumber(2 ** f.shift)} bytes: ${hex64(v)} is not`;
  const max = f.shift ? `${hexNumber(2 ** (f.width + f.shift) - 2 ** f.shift)}` : hexNumber(2 ** f.width - 1);
  return `${hex64(v)} does not fit in ${f.name} (${f.width} bits, at most ${max})`;
}

function unknownFieldMessage(spec: StructSpec, name: string): string {
  const lower = name.toLowerCase();
  const close = spec.fields
    .map((f) => ({
      name: f.name,
      d: editDistance(lower, f.name.toLowerCase()),
      p: commonPrefix(lower, f.name.toLowerCase()),
    }))
    .filter((x) => x.d <= Math.max(2, Math.floor(lower.length / 3)))
    .sort((a, b) => a.d - b.d || b.p - a.p || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((x) => x.name);
  return `${spec.name} has no field '${name}'${close.length ? ` (did you mean ${close.join(", ")}?)` : ""}`;
}

function commonPrefix(a: string, b: string): number {
  let k = 0;
  while (k < a.length && a[k] === b[k]) k++;
  return k;
}

/** Levenshtein distance (short strings: field names). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let k = 1; k <= b.length; k++) {
      cur[k] = Math.min(prev[k]! + 1, cur[k - 1]! + 1, prev[k - 1]! + (a[i - 1] === b[k - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** UTF-8 bytes to a string (the engine has no TextDecoder); malformed bytes become U+FFFD. */
function decodeUtf8(bytes: Uint8Array): string {
  let out = "";
  const at = (k: number): number => (bytes[k] ?? 0) & 0x3f;
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    let cp = 0xfffd;
    let len = 1;
    if (b < 0x80) {
      cp = b;
    } else if (b >= 0xc0 && b < 0xe0) {
      cp = ((b & 0x1f) << 6) | at(i + 1);
      len = 2;
    } else if (b >= 0xe0 && b < 0xf0) {
      cp = ((b & 0x0f) << 12) | (at(i + 1) << 6) | at(i + 2);
      len = 3;
    } else if (b >= 0xf0) {
      cp = ((b & 0x07) << 18) | (at(i + 1) << 12) | (at(i + 2) << 6) | at(i + 3);
      len = 4;
    }
    out += String.fromCodePoint(cp > 0x10ffff ? 0xfffd : cp);
    i += len;
  }
  return out;
}
