// Declarative bitfield tables and the one generic decoder/encoder that reads them.
//
// Every architected structure (event record, STE, CD, descriptor, command, register) is described
// once, as data: a `StructSpec` listing its fields with their bit ranges, meaning, enumerated
// values and spec section. Decoding, encoding, hover text, completion lists and field docs are all
// generated from these tables; nothing else in the engine shifts and masks a structure's words by
// hand. Bits not covered by any field are reserved (RES0): decode flags them when set, and encode
// preserves whatever the caller's base words hold there.

import { type U64, ZERO64, fitsWidth, hex64, isZero64, readBits, readBits32, shl64, shr64, writeBits } from "./u64";

/** How a field's value is to be read. */
export type FieldKind =
  /** A single bit with an on/off meaning. */
  | "flag"
  /** A small number whose values have names (see `values`). */
  | "enum"
  /** A plain unsigned number. */
  | "uint"
  /** An address: the field holds ADDR[lsb+shift .. ], the address is `field << shift`. */
  | "address";

export interface FieldSpec {
  /** The specification's own name (`S1ContextPtr`, `T0SZ`, `CLASS`). */
  readonly name: string;
  /** Absolute position of the field's lowest bit in the structure (dword * 64 + bit). */
  readonly lsb: number;
  /** Width in bits, 1..64. */
  readonly width: number;
  readonly kind: FieldKind;
  /** For addresses: the field holds the address shifted right by this many bits. */
  readonly shift: number;
  /** What the field means, in a sentence or two (shown in hover and completion). */
  readonly doc: string;
  /** Where the specification defines it (`SMMUv3 §5.2, STE dword 0`). */
  readonly section: string;
  /** Names of enumerated values (`{0: "4KB", 1: "64KB", 2: "16KB"}`). */
  readonly values?: Readonly<Record<number, string>>;
  /** Values the architecture reserves or forbids for this field (decode flags them). */
  readonly reservedValues?: readonly number[];
  /**
   * When the field carries meaning, per the specification ("IPA: valid only when S2 == 1").
   * Decoders say "not valid" for other records, and report a non-zero value where the
   * specification makes the field RES0 or zero then.
   */
  readonly validWhen?: FieldValidity;
  /**
   * A value the specification fixes for this field when another field has a given value
   * ("if the fault occurs at stage 1, S2 == 0 and CLASS == IN"): decoders report any other value.
   */
  readonly impliedWhen?: FieldImplication;
}

/** What a field that is not valid holds, per the specification. */
export type InvalidFieldContent =
  /** Any value; software must ignore it. */
  | "UNKNOWN"
  /** Reserved, should be zero: a non-zero value is non-architectural. */
  | "RES0"
  /** Stated to be zero: a non-zero value contradicts the specification. */
  | "zero"
  /** The specification gives the field a meaning only under the condition, and says nothing else. */
  | "unspecified";

/** `validWhen`: the field is valid only while `field` (same structure) == `equals`. */
export interface FieldValidity {
  readonly field: string;
  readonly equals: number;
  readonly otherwise: InvalidFieldContent;
  /** Where the specification says so ("Arm IHI 0070 §7.3.13"). */
  readonly section: string;
}

/** `impliedWhen`: while `field` (same structure) == `equals`, this field must be `value`. */
export interface FieldImplication {
  readonly field: string;
  readonly equals: number;
  readonly value: number;
  /** Where the specification says so ("Arm IHI 0070 §7.3.13"). */
  readonly section: string;
}

export interface StructSpec {
  /** Structure name (`STE`, `CD`, `F_TRANSLATION`). */
  readonly name: string;
  /** Size in 64-bit words. */
  readonly dwords: number;
  readonly fields: readonly FieldSpec[];
  readonly doc: string;
  readonly section: string;
  /** Packed halves mask of the bits that no field covers (reserved, RES0). */
  readonly reservedMask: Uint32Array;
  /** Field lookup by name (case-sensitive, the spec's spelling). */
  readonly byName: ReadonlyMap<string, FieldSpec>;
}

/** Options of `field()`: everything beyond name and bit range. */
export interface FieldOptions {
  readonly kind?: FieldKind;
  readonly shift?: number;
  readonly values?: Readonly<Record<number, string>>;
  readonly reservedValues?: readonly number[];
  readonly section?: string;
  readonly validWhen?: FieldValidity;
  readonly impliedWhen?: FieldImplication;
}

/**
 * Declares a field the way the specification prints it: `dword[hi:lo]`. For an address field
 * give `kind: "address"`; `shift` defaults to `lo` (the field holds ADDR[hi:lo]).
 */
export function field(
  name: string,
  dword: number,
  hi: number,
  lo: number,
  doc: string,
  options: FieldOptions = {},
): Omit<FieldSpec, "section"> & { section?: string } {
  const width = hi - lo + 1;
  const kind = options.kind ?? (options.values ? "enum" : width === 1 ? "flag" : "uint");
  const shift = options.shift ?? (kind === "address" ? lo : 0);
  return {
    name,
    lsb: dword * 64 + lo,
    width,
    kind,
    shift,
    doc,
    ...(options.values ? { values: options.values } : {}),
    ...(options.reservedValues ? { reservedValues: options.reservedValues } : {}),
    ...(options.section ? { section: options.section } : {}),
    ...(options.validWhen ? { validWhen: options.validWhen } : {}),
    ...(options.impliedWhen ? { impliedWhen: options.impliedWhen } : {}),
  };
}

/**
 * Builds a structure table. Checks the table itself (overlapping or out-of-range fields,
 * duplicate names): a broken table is a programming error and fails at module load.
 */
export function struct(
  name: string,
  dwords: number,
  section: string,
  doc: string,
  fields: ReadonlyArray<Omit<FieldSpec, "section"> & { section?: string }>,
): StructSpec {
  const covered = new Uint32Array(dwords * 2);
  const byName = new Map<string, FieldSpec>();
  const full: FieldSpec[] = [];
  for (const f of fields) {
    if (f.width < 1 || f.width > 64) throw new Error(`${name}.${f.name}: width ${f.width}`);
    if (f.lsb < 0 || f.lsb + f.width > dwords * 64) throw new Error(`${name}.${f.name}: outside the structure`);
    if (byName.has(f.name)) throw new Error(`${name}.${f.name}: declared twice`);
    for (let b = f.lsb; b < f.lsb + f.width; b++) {
      const bit = 1 << (b & 31);
      if (covered[b >>> 5]! & bit) throw new Error(`${name}.${f.name}: overlaps another field at bit ${b}`);
      covered[b >>> 5]! |= bit;
    }
    const spec: FieldSpec = { ...f, section: f.section ?? section };
    byName.set(f.name, spec);
    full.push(spec);
  }
  for (const f of full) {
    for (const cond of [f.validWhen, f.impliedWhen]) {
      if (cond && (!byName.has(cond.field) || cond.field === f.name))
        throw new Error(`${name}.${f.name}: its condition names ${cond.field}, not another field of ${name}`);
    }
  }
  const reservedMask = covered.map((w) => ~w >>> 0);
  return { name, dwords, fields: full, doc, section, reservedMask, byName };
}

// ---- reading and writing single fields -----------------------------------------------------

/** The field's raw bits. */
export function getRaw(words: ArrayLike<number>, f: FieldSpec): U64 {
  return readBits(words, f.lsb, f.width);
}

/** The field's value: for addresses the address it stands for (`raw << shift`). */
export function getValue(words: ArrayLike<number>, f: FieldSpec): U64 {
  const raw = readBits(words, f.lsb, f.width);
  return f.shift ? shl64(raw, f.shift) : raw;
}

/** A field of at most 32 bits as a number (hot path). */
export function getSmall(words: ArrayLike<number>, f: FieldSpec): number {
  return readBits32(words, f.lsb, f.width);
}

/** Writes a field's value (an address for address fields). Returns false if it does not fit. */
export function setValue(words: Uint32Array, f: FieldSpec, value: U64): boolean {
  let raw = value;
  if (f.shift) {
    const lowMask =
      f.shift >= 32 ? { lo: 0xffff_ffff, hi: (1 << (f.shift - 32)) - 1 } : { lo: (1 << f.shift) - 1, hi: 0 };
    if ((value.lo & lowMask.lo) !== 0 || (value.hi & lowMask.hi) !== 0) return false;
    raw = shr64(value, f.shift);
  }
  if (!fitsWidth(raw, f.width)) return false;
  writeBits(words, f.lsb, f.width, raw);
  return true;
}

/** Looks a field up by name; throws for a name the table does not have (a programming error). */
export function fieldOf(spec: StructSpec, name: string): FieldSpec {
  const f = spec.byName.get(name);
  if (!f) throw new Error(`${spec.name} has no field ${name}`);
  return f;
}

// ---- whole-structure decode and encode -----------------------------------------------------

/** One decoded field, ready for a table, a hover or JSON. */
export interface DecodedField {
  readonly field: string;
  /** `dword0[51:6]` */
  readonly bits: string;
  /** Contract hex of the value (the address, for address fields). */
  readonly value: string;
  readonly raw: U64;
  /** The enumerated name, flag meaning or a short reading of the value; "" when none. */
  readonly meaning: string;
  readonly doc: string;
  readonly section: string;
  /** The value is one the architecture reserves for this field. */
  readonly reservedValue: boolean;
}

/** Reserved (RES0) bits found set, per dword. */
export interface ReservedBits {
  readonly dword: number;
  /** The set reserved bits of that dword as a 64-bit mask. */
  readonly mask: U64;
  /** `dword1[63:60]`-style ranges of the set bits. */
  readonly ranges: readonly string[];
}

export interface DecodedStruct {
  readonly struct: string;
  readonly fields: readonly DecodedField[];
  readonly reserved: readonly ReservedBits[];
}

/** `dword1[51:6]` or `dword1[4]`. */
export function bitsLabel(f: Pick<FieldSpec, "lsb" | "width">): string {
  const dword = Math.floor(f.lsb / 64);
  const lo = f.lsb - dword * 64;
  const hi = lo + f.width - 1;
  if (hi >= 64) {
    // spans dwords: print absolute bit positions
    return `bits[${f.lsb + f.width - 1}:${f.lsb}]`;
  }
  return hi === lo ? `dword${dword}[${lo}]` : `dword${dword}[${hi}:${lo}]`;
}

function meaningOf(f: FieldSpec, raw: U64): string {
  if (f.values) {
    const name = raw.hi === 0 ? f.values[raw.lo] : undefined;
    if (name !== undefined) return name;
  }
  if (f.kind === "flag") return raw.lo ? "set" : "clear";
  return "";
}

/** Decodes every field of a structure from packed halves (missing words read as zero). */
export function decodeStruct(spec: StructSpec, words: ArrayLike<number>): DecodedStruct {
  const fields: DecodedField[] = spec.fields.map((f) => {
    const raw = getRaw(words, f);
    const value = f.shift ? shl64(raw, f.shift) : raw;
    const reservedValue = raw.hi === 0 && (f.reservedValues?.includes(raw.lo) ?? false);
    return {
      field: f.name,
      bits: bitsLabel(f),
      value: hex64(value),
      raw,
      meaning: meaningOf(f, raw),
      doc: f.doc,
      section: f.section,
      reservedValue,
    };
  });
  return { struct: spec.name, fields, reserved: reservedBitsSet(spec, words) };
}

/** The reserved bits that are set, per dword. */
export function reservedBitsSet(spec: StructSpec, words: ArrayLike<number>): ReservedBits[] {
  const out: ReservedBits[] = [];
  for (let d = 0; d < spec.dwords; d++) {
    const lo = ((words[2 * d] ?? 0) & spec.reservedMask[2 * d]!) >>> 0;
    const hi = ((words[2 * d + 1] ?? 0) & spec.reservedMask[2 * d + 1]!) >>> 0;
    if (lo === 0 && hi === 0) continue;
    out.push({ dword: d, mask: { lo, hi }, ranges: bitRanges(d, lo, hi) });
  }
  return out;
}

function bitRanges(dword: number, lo: number, hi: number): string[] {
  const ranges: string[] = [];
  let start = -1;
  for (let b = 0; b <= 64; b++) {
    const set = b < 64 && ((b < 32 ? lo >>> b : hi >>> (b - 32)) & 1) === 1;
    if (set && start < 0) start = b;
    if (!set && start >= 0) {
      ranges.push(b - 1 === start ? `dword${dword}[${start}]` : `dword${dword}[${b - 1}:${start}]`);
      start = -1;
    }
  }
  return ranges;
}

/** A problem met while encoding: a value that does not fit, or a name the table lacks. */
export interface EncodeProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Encodes named field values into packed halves. Starts from `base` (so reserved bits and
 * fields not named are preserved) or from zero. Values are the field's value (addresses for
 * address fields). Never throws: problems are returned.
 */
export function encodeStruct(
  spec: StructSpec,
  values: ReadonlyMap<string, U64> | Readonly<Record<string, U64>>,
  base?: ArrayLike<number>,
): { words: Uint32Array; problems: EncodeProblem[] } {
  const words = new Uint32Array(spec.dwords * 2);
  if (base) for (let i = 0; i < words.length; i++) words[i] = (base[i] ?? 0) >>> 0;
  const problems: EncodeProblem[] = [];
  const entries: [string, U64][] =
    values instanceof Map
      ? [...(values as ReadonlyMap<string, U64>).entries()]
      : Object.entries(values as Record<string, U64>);
  for (const [name, value] of entries) {
    const f = spec.byName.get(name);
    if (!f) {
      problems.push({ field: name, message: `${spec.name} has no field named ${name}` });
      continue;
    }
    if (!setValue(words, f, value)) {
      problems.push({
        field: name,
        message:
          f.shift && (value.lo & ((1 << Math.min(f.shift, 31)) - 1)) !== 0
            ? `${name} must be aligned to ${2 ** f.shift} bytes (its low ${f.shift} bits are not held)`
            : `${hex64(value)} does not fit in ${name} (${f.width} bits${f.shift ? `, shifted by ${f.shift}` : ""})`,
      });
    }
  }
  return { words, problems };
}

/** Named values of every field, for a round trip (decode → encode gives the same words). */
export function fieldValues(spec: StructSpec, words: ArrayLike<number>): Map<string, U64> {
  const out = new Map<string, U64>();
  for (const f of spec.fields) out.set(f.name, getValue(words, f));
  return out;
}

/** True when no field and no reserved bit is set. */
export function isAllZero(words: ArrayLike<number>): boolean {
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  return true;
}

export { ZERO64, isZero64 };
