// Completion data read from the record tables: every architected structure by the name the
// `.iommu` language and the CLI use, the fields a structure has (with bits, meaning, section and
// named values) and the values a field takes. The language server's completion and the generated
// field reference (reference-doc.ts) both call this module, so a field is described once, in its
// `struct(...)` table (fields.ts), and nowhere else.
//
// The registry lives here rather than in smmuv3/records/ because it is a view over every table
// (STE/CD, events, commands, registers, descriptors); it only reads them.

import { bitsLabel, type FieldKind, type FieldSpec, type StructSpec } from "./fields";
import { CD, L1CD } from "../smmuv3/records/cd";
import { COMMANDS, commandByName, type CommandType } from "../smmuv3/records/commands";
import { blockShift, descriptorSpec, type DescriptorKind } from "../smmuv3/records/descriptors";
import { EVENT_TYPES } from "../smmuv3/records/event-types";
import { REGISTERS } from "../smmuv3/records/registers";
import { L1STD, STE } from "../smmuv3/records/ste";
import type { Granule } from "../smmuv3/profile";

// ---- the registry ---------------------------------------------------------------------------

/** Which family a structure belongs to (also the order and grouping of the reference docs). */
export type RecordStructureGroup = "stream-table" | "context" | "event" | "command" | "register" | "descriptor";

/** One architected structure and its table. */
export interface RecordStructure {
  /** The table's own name, as the language and the CLI spell it (`STE`, `F_TRANSLATION`, `CMD_SYNC`, `SMMU_IDR0`, `S1_PAGE_4K`). */
  readonly name: string;
  readonly group: RecordStructureGroup;
  readonly spec: StructSpec;
  /** Event number, command opcode or register offset; undefined for the other groups. */
  readonly code?: number;
  /** Bits that carry the structure: 32 for a 32-bit register (its table is one dword), else dwords * 64. */
  readonly sizeBits: number;
  /** One line: what the structure is (the table's doc, plus the shape for descriptors). */
  readonly doc: string;
  /** Position in the architecture's own listing (groups in the order above, events by number, ...). */
  readonly order: number;
  /** Facts the table's owner records beside it (a command's queue, version, partial layout). */
  readonly notes: readonly string[];
}

const GRANULES: readonly Granule[] = ["4K", "16K", "64K"];
const DESCRIPTOR_KINDS: readonly DescriptorKind[] = ["table", "block", "page"];

/** `2MB`, `1GB`, `512GB`, `4TB`: the size of a block of 2^shift bytes. */
function sizeLabel(shift: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  const unit = Math.min(Math.floor(shift / 10), units.length - 1);
  return `${2 ** (shift - unit * 10)}${units[unit]!}`;
}

type Entry = Omit<RecordStructure, "order" | "notes"> & { readonly notes?: readonly string[] };

function commandNotes(c: CommandType): string[] {
  const notes: string[] = [];
  if (c.secureOnly) notes.push("Secure command queue only (CERROR_ILL on the Non-secure queue).");
  if (c.since) notes.push("SMMUv3.5 (IHI 0070 H.a) only.");
  if (c.partialLayout)
    notes.push(
      "Partial layout: only the named fields are reproduced from the architecture; bits listed as RES0 may hold fields.",
    );
  return notes;
}

function descriptorEntries(): Entry[] {
  const out: Entry[] = [];
  const push = (spec: StructSpec, doc: string): void => {
    out.push({ name: spec.name, group: "descriptor", spec, sizeBits: 64, doc });
  };
  for (const stage of [1, 2] as const) {
    for (const ds of [false, true]) {
      for (const granule of GRANULES) {
        for (const kind of DESCRIPTOR_KINDS) {
          const spec = descriptorSpec(stage, kind, granule, ds);
          if (kind !== "block") {
            push(spec, spec.doc);
            continue;
          }
          // Without a level the table uses the smallest block of the granule (descriptors.ts).
          const smallest = blockShift(granule, 2, ds);
          push(spec, `${spec.doc} Without a level: the level-2 layout (${sizeLabel(smallest ?? 0)} blocks).`);
          for (let level = 0; level < 3; level++) {
            const shift = blockShift(granule, level, ds);
            if (shift === undefined) continue;
            const atLevel = descriptorSpec(stage, kind, granule, ds, level);
            push(atLevel, `${atLevel.doc} Level ${level}: ${sizeLabel(shift)} blocks.`);
          }
        }
      }
    }
  }
  return out;
}

function buildRegistry(): RecordStructure[] {
  const entries: Entry[] = [
    { name: STE.name, group: "stream-table", spec: STE, sizeBits: STE.dwords * 64, doc: STE.doc },
    { name: L1STD.name, group: "stream-table", spec: L1STD, sizeBits: L1STD.dwords * 64, doc: L1STD.doc },
    { name: CD.name, group: "context", spec: CD, sizeBits: CD.dwords * 64, doc: CD.doc },
    { name: L1CD.name, group: "context", spec: L1CD, sizeBits: L1CD.dwords * 64, doc: L1CD.doc },
  ];
  for (const t of [...EVENT_TYPES].sort((a, b) => a.id - b.id)) {
    entries.push({ name: t.struct.name, group: "event", spec: t.struct, code: t.id, sizeBits: 256, doc: t.doc });
  }
  for (const c of [...COMMANDS].sort((a, b) => a.opcode - b.opcode || compareNames(a.name, b.name))) {
    entries.push({
      name: c.struct.name,
      group: "command",
      spec: c.struct,
      code: c.opcode,
      sizeBits: 128,
      doc: c.doc,
      notes: commandNotes(c),
    });
  }
  for (const r of [...REGISTERS].sort((a, b) => a.offset - b.offset)) {
    entries.push({
      name: r.struct.name,
      group: "register",
      spec: r.struct,
      code: r.offset,
      sizeBits: r.width,
      doc: r.doc,
    });
  }
  entries.push(...descriptorEntries());
  const seen = new Set<string>();
  const out: RecordStructure[] = [];
  entries.forEach((e, order) => {
    // Two tables with one name would make lookups ambiguous: a programming error, caught at load.
    if (seen.has(e.name)) throw new Error(`record structure ${e.name} is listed twice`);
    seen.add(e.name);
    out.push(Object.freeze({ ...e, order, notes: Object.freeze([...(e.notes ?? [])]) }));
  });
  return out.sort((a, b) => compareNames(a.name, b.name));
}

/** Code-unit order: the same on every machine and locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every architected structure with a table, sorted by name (code-unit order): STE, L1STD, CD,
 * L1CD, every event type, every command, every register, and the translation-table descriptors
 * per stage, kind, granule and 52-bit layout (blocks also per level).
 */
export const RECORD_STRUCTURES: readonly RecordStructure[] = Object.freeze(buildRegistry());

const BY_UPPER_NAME: ReadonlyMap<string, RecordStructure> = new Map(
  RECORD_STRUCTURES.map((r) => [r.name.toUpperCase(), r]),
);
const BY_SPEC: ReadonlyMap<StructSpec, RecordStructure> = new Map(RECORD_STRUCTURES.map((r) => [r.spec, r]));

/**
 * The structure with this name, case-insensitive (`ste`, `F_TRANSLATION`), with the prefixes the
 * language accepts left out (`IDR0` for `SMMU_IDR0`, `SYNC` for `CMD_SYNC`, and `CMD_CFGI_ALL`).
 * Undefined for an unknown name; never throws.
 */
export function recordStructureByName(name: string): RecordStructure | undefined {
  const n = name.trim().toUpperCase();
  if (!n) return undefined;
  const direct = BY_UPPER_NAME.get(n) ?? BY_UPPER_NAME.get("SMMU_" + n);
  if (direct) return direct;
  const command = commandByName(n);
  return command ? BY_SPEC.get(command.struct) : undefined;
}

/** The registry entry of a table (undefined for a table the registry does not list). */
export function recordStructureOf(spec: StructSpec): RecordStructure | undefined {
  return BY_SPEC.get(spec);
}

// ---- fields and values ----------------------------------------------------------------------

/** One named value of a field, for completion after `field `. */
export interface ValueCompletion {
  /** The raw encoding. */
  readonly value: number;
  /** The table's name for it (`stage 1`, `4KB`, `Reserved (abort)`). */
  readonly name: string;
  /** The encoding as the specification prints it, `0b101` (width digits). */
  readonly binary: string;
  /** The architecture reserves or forbids this encoding (the table's `reservedValues`). */
  readonly reserved: boolean;
  /** One line for the completion item: `STE.Config = 0b101 (5): stage 1`. */
  readonly doc: string;
}

/** One field of a structure, for completion inside a structure block. */
export interface FieldCompletion {
  readonly name: string;
  /** `dword0[3:1]` (bitsLabel). */
  readonly bits: string;
  /** Dword holding the field's lowest bit. */
  readonly dword: number;
  /** Absolute position of the lowest bit (dword * 64 + bit) and width. */
  readonly lsb: number;
  readonly width: number;
  readonly kind: FieldKind;
  readonly doc: string;
  readonly section: string;
  /** Largest raw value the field holds, as hex (`0x7`; widths up to 64 bits). */
  readonly maxRaw: string;
  /** Address fields: the address is `raw << shift`, so it must be aligned to 2^shift bytes. */
  readonly shift: number;
  /** Named values in value order (flags without names: clear and set); empty for other unnamed fields. */
  readonly values: readonly ValueCompletion[];
  /** Raw values the architecture reserves or forbids. */
  readonly reservedValues: readonly number[];
  /** Some encodings are reserved: completion should not offer them first. */
  readonly hasReservedValues: boolean;
}

function maxRawHex(width: number): string {
  if (width <= 32) return "0x" + (2 ** width - 1).toString(16);
  return "0x" + (2 ** (width - 32) - 1).toString(16) + "ffffffff";
}

function binary(value: number, width: number): string {
  return "0b" + value.toString(2).padStart(Math.min(width, 32), "0");
}

function valuesOf(spec: StructSpec, f: FieldSpec): ValueCompletion[] {
  const reserved = new Set(f.reservedValues ?? []);
  // A flag without names reads as clear/set, as the generic decoder prints it (fields.ts).
  const named: [number, string][] = f.values
    ? Object.entries(f.values).map(([k, v]): [number, string] => [Number(k), v])
    : f.kind === "flag"
      ? [
          [0, "clear"],
          [1, "set"],
        ]
      : [];
  return named
    .sort((a, b) => a[0] - b[0])
    .map(([value, name]) => {
      const isReserved = reserved.has(value);
      const bin = binary(value, f.width);
      return Object.freeze({
        value,
        name,
        binary: bin,
        reserved: isReserved,
        doc: `${spec.name}.${f.name} = ${bin} (${value}): ${name}${isReserved ? " (reserved by the architecture)" : ""}`,
      });
    });
}

const FIELD_CACHE = new WeakMap<StructSpec, readonly FieldCompletion[]>();

/** Every field of a structure, in the table's order (bit order), with its named values. */
export function fieldCompletions(spec: StructSpec): readonly FieldCompletion[] {
  const cached = FIELD_CACHE.get(spec);
  if (cached) return cached;
  const out = Object.freeze(
    spec.fields.map((f) => {
      const reservedValues = Object.freeze([...(f.reservedValues ?? [])].sort((a, b) => a - b));
      return Object.freeze({
        name: f.name,
        bits: bitsLabel(f),
        dword: Math.floor(f.lsb / 64),
        lsb: f.lsb,
        width: f.width,
        kind: f.kind,
        doc: f.doc,
        section: f.section,
        maxRaw: maxRawHex(f.width),
        shift: f.shift,
        values: Object.freeze(valuesOf(spec, f)),
        reservedValues,
        hasReservedValues: reservedValues.length > 0,
      });
    }),
  );
  FIELD_CACHE.set(spec, out);
  return out;
}

/**
 * The named values of one field (exact name, or any case); empty for an unknown field and for a
 * wide field without names. Never throws.
 */
export function valueCompletions(spec: StructSpec, fieldName: string): readonly ValueCompletion[] {
  const fields = fieldCompletions(spec);
  const exact = fields.find((f) => f.name === fieldName);
  const lower = fieldName.toLowerCase();
  return (exact ?? fields.find((f) => f.name.toLowerCase() === lower))?.values ?? [];
}

/** A run of bits no field covers: RES0, flagged by decode when set. */
export interface Res0Range {
  readonly dword: number;
  /** Bit positions within the dword. */
  readonly hi: number;
  readonly lo: number;
  /** `dword1[63:60]` or `dword1[7]`. */
  readonly bits: string;
}

/**
 * The RES0 bit ranges of a structure, from the table's reserved mask, within its first `sizeBits`
 * bits (a 32-bit register's bits [63:32] are outside the register, not RES0).
 */
export function res0Ranges(spec: StructSpec, sizeBits = spec.dwords * 64): readonly Res0Range[] {
  const out: Res0Range[] = [];
  const limit = Math.min(sizeBits, spec.dwords * 64);
  let start = -1;
  for (let b = 0; b <= limit; b++) {
    const dwordEnd = b === limit || b % 64 === 0;
    if (start >= 0 && dwordEnd) {
      out.push(range(start, b - 1));
      start = -1;
    }
    if (b === limit) break;
    const set = ((spec.reservedMask[b >>> 5]! >>> (b & 31)) & 1) === 1;
    if (set && start < 0) start = b;
    if (!set && start >= 0) {
      out.push(range(start, b - 1));
      start = -1;
    }
  }
  return out;
}

function range(first: number, last: number): Res0Range {
  const dword = Math.floor(first / 64);
  const lo = first - dword * 64;
  const hi = last - dword * 64;
  return { dword, hi, lo, bits: hi === lo ? `dword${dword}[${lo}]` : `dword${dword}[${hi}:${lo}]` };
}
