// Decoding and encoding of SMMUv3 event queue records (4 dwords = 8 packed 32-bit halves).
//
// decodeEvent is on the log scanner's hot path (about a million records per benchmark run), so
// each event type's table is compiled once into a plan of plain numbers, and a record is decoded
// with 32-bit reads: no BigInt, no intermediate objects beyond the result. The bits a type does
// not define are checked against the table's reserved mask (Arm IHI 0070 §7.3: "Portions of event
// records that are not explicitly defined in this section are RES0") and reported as problems,
// never thrown. A field the tables mark as valid only under a condition (FieldSpec.validWhen, e.g.
// IPA only when S2 == 1) has its meaning say "not valid: ..." in records where the condition
// fails, and a non-zero value there is a problem when the architecture makes it RES0 or zero;
// a value the tables fix under a condition (FieldSpec.impliedWhen, CLASS == IN for a stage-1
// F_TRANSLATION) has its meaning say so when it differs.

import { bitsLabel, encodeStruct, type DecodedField, type FieldSpec, type FieldValidity } from "../../bits/fields";
import { type U64, hexHalves, mask32 } from "../../bits/u64";
import { EVENT_TYPES, eventTypeById, eventTypeByName, isImpDefEventId, type EventType } from "./event-types";

export interface DecodedEvent {
  /** Event number (DW0[7:0]). */
  readonly id: number;
  /** Arm's name, `IMPDEF_0xe3` for IMPLEMENTATION DEFINED numbers, `UNKNOWN_0x..` for Reserved ones. */
  readonly name: string;
  readonly type?: EventType;
  /** Only the fields the architecture defines for this event type (Type itself is `id`). */
  readonly fields: DecodedField[];
  /** What is wrong with the record: set bits the type does not define, Reserved values. */
  readonly problems: string[];
  /** One line: "StreamID 0x7d11: the STE is not valid or is ILLEGAL ...". */
  readonly summary: string;
}

interface FieldPlan {
  readonly spec: FieldSpec;
  readonly name: string;
  readonly bits: string;
  /** Index of the low half holding the field's lowest bit. */
  readonly index: number;
  readonly shiftInWord: number;
  readonly width: number;
  /** For fields wider than 32 bits or crossing a half: read as 64-bit. */
  readonly wide: boolean;
  /** Address fields whose address bits sit in place in their dword: value = dword & mask. */
  readonly inPlace: boolean;
  readonly dword: number;
  readonly maskLo: number;
  readonly maskHi: number;
  readonly values: Readonly<Record<number, string>> | undefined;
  readonly reservedValues: readonly number[] | undefined;
  /** Mask of a narrow field's width. */
  readonly mask: number;
  /** For narrow address fields: 2^shift (the value is raw * mul). */
  readonly mul: number;
  /** FieldSpec.validWhen, with its texts made once (set after all the type's fields are planned). */
  valid?: ValidityPlan;
  /** FieldSpec.impliedWhen, with its texts made once. */
  implied?: ImpliedPlan;
}

/** A validWhen condition: the deciding field and, by its value, what to say when it is not `equals`. */
interface ValidityPlan {
  readonly decider: FieldPlan;
  readonly equals: number;
  /** The meaning of the field by the deciding field's value ("not valid: S2 == 0 (stage 1); ..."). */
  readonly meanings: readonly string[];
  /** The problem of a non-zero field by the deciding field's value; undefined for UNKNOWN fields. */
  readonly problems: readonly string[] | undefined;
}

/** An impliedWhen condition: the meaning of each other value of the field while it applies. */
interface ImpliedPlan {
  readonly decider: FieldPlan;
  readonly equals: number;
  readonly value: number;
  /** By the field's own value: "TT: contradicts S2 == 0 (stage 1), which has CLASS == 2 (IN) per ...". */
  readonly meanings: readonly string[];
}

/** Fields the summary reads, by index into the decoded fields (-1: the type does not define it). */
interface SummaryIndex {
  readonly StreamID: number;
  readonly SubstreamID: number;
  readonly SSV: number;
  readonly RnW: number;
  readonly S2: number;
  readonly CLASS: number;
  readonly InputAddr: number;
  readonly IPA: number;
  readonly FetchAddr: number;
  readonly Stall: number;
  readonly STAG: number;
  readonly TTRnW: number;
}

const SUMMARY_KEYS = [
  "StreamID",
  "SubstreamID",
  "SSV",
  "RnW",
  "S2",
  "CLASS",
  "InputAddr",
  "IPA",
  "FetchAddr",
  "Stall",
  "STAG",
  "TTRnW",
] as const;

interface TypePlan {
  readonly type: EventType;
  readonly fields: readonly FieldPlan[];
  readonly reservedMask: Uint32Array;
  /** Per dword: true when the type defines no field there. */
  readonly undefinedDword: readonly boolean[];
  readonly index: SummaryIndex;
}

function planField(spec: FieldSpec): FieldPlan {
  const dword = Math.floor(spec.lsb / 64);
  const bitInDword = spec.lsb - dword * 64;
  const wide = spec.width > 32 || (spec.lsb & 31) + spec.width > 32;
  const inPlace = spec.kind === "address" && spec.shift === bitInDword;
  // Mask of the field's bits within its dword (only used for in-place addresses).
  let maskLo = 0;
  let maskHi = 0;
  for (let b = bitInDword; b < bitInDword + spec.width && b < 64; b++) {
    if (b < 32) maskLo |= 1 << b;
    else maskHi |= 1 << (b - 32);
  }
  return {
    spec,
    name: spec.name,
    bits: bitsLabel(spec),
    index: spec.lsb >>> 5,
    shiftInWord: spec.lsb & 31,
    width: spec.width,
    wide,
    inPlace,
    dword,
    maskLo: maskLo >>> 0,
    maskHi: maskHi >>> 0,
    values: spec.values,
    reservedValues: spec.reservedValues,
    mask: mask32(Math.min(spec.width, 32)),
    mul: 2 ** spec.shift,
  };
}

// Flags and small enumerations dominate records: their raw values and hex strings are shared,
// frozen objects rather than new allocations per decoded field.
const SMALL = 256;
const SMALL_RAW: readonly U64[] = Array.from({ length: SMALL }, (_, i) => Object.freeze({ lo: i, hi: 0 }));
const SMALL_HEX: readonly string[] = Array.from({ length: SMALL }, (_, i) => "0x" + i.toString(16));

const HEX_DIGITS = "0123456789abcdef";

/**
 * hexHalves (contract hex, no leading zeros) built digit by digit: several times faster than
 * Number#toString(16) + padStart, and decodeEvent formats a few wide fields per record.
 */
function fastHexHalves(lo: number, hi: number): string {
  let x = lo >>> 0;
  let h = hi >>> 0;
  if (h === 0 && x < SMALL) return SMALL_HEX[x]!;
  let digits = "";
  let n = 0;
  do {
    digits = HEX_DIGITS[x & 15]! + digits;
    x >>>= 4;
    n++;
  } while (n < 8 && (x !== 0 || h !== 0));
  while (h !== 0) {
    digits = HEX_DIGITS[h & 15]! + digits;
    h >>>= 4;
  }
  return "0x" + digits;
}

const PLANS: (TypePlan | undefined)[] = new Array<TypePlan | undefined>(256).fill(undefined);
for (const type of EVENT_TYPES) {
  const fields = type.struct.fields.filter((f) => f.name !== "Type").map(planField);
  const undefinedDword: boolean[] = [];
  for (let d = 0; d < 4; d++) undefinedDword.push(!type.struct.fields.some((f) => Math.floor(f.lsb / 64) === d));
  const index = Object.fromEntries(
    SUMMARY_KEYS.map((k) => [k, fields.findIndex((f) => f.name === k)]),
  ) as unknown as SummaryIndex;
  for (const p of fields) planConditions(p, fields);
  PLANS[type.id] = { type, fields, reservedMask: type.struct.reservedMask, undefinedDword, index };
}

/** "0 (stage 1)", "0": a value with its name when it has one. */
function valueText(p: FieldPlan, value: number): string {
  const name = p.values?.[value];
  return name ? `${value} (${name})` : `${value}`;
}

/** "S2 == 0 (stage 1)", "SSV == 0". */
function conditionText(p: FieldPlan, value: number): string {
  return `${p.name} == ${valueText(p, value)}`;
}

/** What a field that is not valid holds: "UNKNOWN per Arm IHI 0070 §7.3.13". */
function invalidContentText(v: FieldValidity): string {
  if (v.otherwise === "unspecified") return `meaningful only when ${v.field} == ${v.equals} per ${v.section}`;
  if (v.otherwise === "zero") return `zero unless ${v.field} == ${v.equals} per ${v.section}`;
  return `${v.otherwise} per ${v.section}`;
}

/** The values of a narrow field, 0 .. 2^width - 1 (conditions are on fields of a few bits). */
function smallRange(p: FieldPlan): number[] {
  if (p.wide || p.width > 8 || p.mul !== 1)
    throw new Error(`${p.name}: a condition's field must be a plain field of at most 8 bits`);
  return Array.from({ length: 2 ** p.width }, (_, i) => i);
}

/**
 * Resolves a field's validWhen/impliedWhen to the deciding field's plan and makes every text the
 * decoder can print, once per type (the decode then only indexes arrays).
 */
function planConditions(p: FieldPlan, fields: readonly FieldPlan[]): void {
  const v = p.spec.validWhen;
  if (v) {
    const decider = fields.find((f) => f.name === v.field)!;
    const content = invalidContentText(v);
    const values = smallRange(decider);
    const mustBeZero = v.otherwise === "RES0" || v.otherwise === "zero";
    p.valid = {
      decider,
      equals: v.equals,
      meanings: values.map((d) => `not valid: ${conditionText(decider, d)}; ${content}`),
      problems: mustBeZero
        ? values.map((d) => `${p.name} is not zero although ${conditionText(decider, d)}: ${content}`)
        : undefined,
    };
  }
  const m = p.spec.impliedWhen;
  if (m) {
    const decider = fields.find((f) => f.name === m.field)!;
    smallRange(decider);
    p.implied = {
      decider,
      equals: m.equals,
      value: m.value,
      meanings: smallRange(p).map(
        (x) =>
          `${p.values?.[x] ? `${p.values[x]}: ` : ""}contradicts ${conditionText(decider, m.equals)}, which has ${conditionText(p, m.value)} per ${m.section}`,
      ),
    };
  }
}

/** The raw value of a plain narrow field (a condition's deciding field). */
function readNarrow(words: ArrayLike<number>, p: FieldPlan): number {
  return ((word(words, p.index) >>> p.shiftInWord) & p.mask) >>> 0;
}

function word(words: ArrayLike<number>, i: number): number {
  const v = words[i];
  return v === undefined ? 0 : v >>> 0;
}

function readCross(words: ArrayLike<number>, index: number, shift: number, width: number): number {
  let v = word(words, index) >>> shift;
  if (shift !== 0) v = v | (word(words, index + 1) << (32 - shift));
  return (v & mask32(width)) >>> 0;
}

/** "dword1..3", "dword1, dword3" */
function dwordList(ds: number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < ds.length) {
    let j = i;
    while (j + 1 < ds.length && ds[j + 1] === ds[j]! + 1) j++;
    parts.push(j > i ? `dword${ds[i]}..${ds[j]}` : `dword${ds[i]}`);
    i = j + 1;
  }
  return parts.join(", ");
}

function setBitRanges(dword: number, lo: number, hi: number): string[] {
  const out: string[] = [];
  let start = -1;
  for (let b = 0; b <= 64; b++) {
    const set = b < 64 && ((b < 32 ? lo >>> b : hi >>> (b - 32)) & 1) === 1;
    if (set && start < 0) start = b;
    if (!set && start >= 0) {
      out.push(b - 1 === start ? `dword${dword}[${start}]` : `dword${dword}[${b - 1}:${start}]`);
      start = -1;
    }
  }
  return out;
}

function popcount(x: number): number {
  let v = x >>> 0;
  let n = 0;
  while (v !== 0) {
    v &= v - 1;
    n++;
  }
  return n;
}

/**
 * Arm IHI 0070 §7.3: "Portions of event records that are not explicitly defined in this section
 * are RES0." Not IMPLEMENTATION DEFINED: only Reason fields and events 0xE0-0xEF are (§7.3.21).
 */
function res0Rule(type: EventType): string {
  return `RES0 per Arm IHI 0070 §7.3 (portions of an event record not explicitly defined are RES0; ${type.name} is ${type.section.replace("Arm IHI 0070 ", "")}), so this is non-architectural content`;
}

function hexByte(id: number): string {
  return "0x" + id.toString(16).padStart(2, "0");
}

/**
 * Decodes one event record from packed halves [lo0, hi0, ..., lo3, hi3]. Missing halves read as
 * zero; never throws. Unknown event numbers give a record with a problem and no fields.
 */
export function decodeEvent(words: ArrayLike<number>): DecodedEvent {
  const id = word(words, 0) & 0xff;
  const plan = PLANS[id];
  const problems: string[] = [];
  if (words.length < 8)
    problems.push(`an event record is 4 dwords (8 halves); only ${words.length} halves given, the rest read as zero`);
  if (!plan) {
    const impdef = isImpDefEventId(id);
    const name = impdef ? `IMPDEF_${hexByte(id)}` : `UNKNOWN_${hexByte(id)}`;
    problems.push(
      impdef
        ? `event ${hexByte(id)} is IMPLEMENTATION DEFINED (0xE0-0xEF): its layout is vendor specific`
        : `event number ${hexByte(id)} is Reserved in SMMUv3: not an architected event (corrupt record or wrong dword order?)`,
    );
    const sid = word(words, 1);
    return {
      id,
      name,
      fields: [],
      problems,
      summary: `${impdef ? "IMPLEMENTATION DEFINED" : "unknown"} event ${hexByte(id)} (DW0[63:32] 0x${sid.toString(16)} would be the StreamID)`,
    };
  }
  const type = plan.type;
  const fields: DecodedField[] = new Array<DecodedField>(plan.fields.length);
  for (let i = 0; i < plan.fields.length; i++) {
    const p = plan.fields[i]!;
    let lo: number;
    let hi: number;
    let value: string;
    if (!p.wide) {
      lo = ((word(words, p.index) >>> p.shiftInWord) & p.mask) >>> 0;
      hi = 0;
      if (p.mul === 1) value = fastHexHalves(lo, 0);
      else {
        const v = lo * p.mul;
        value = fastHexHalves(v >>> 0, Math.floor(v / 0x1_0000_0000));
      }
    } else {
      // 33..64-bit field, or one crossing a 32-bit half
      lo = p.shiftInWord === 0 ? word(words, p.index) : readCross(words, p.index, p.shiftInWord, 32);
      if (p.width > 32) hi = readCross(words, p.index + 1, p.shiftInWord, p.width - 32);
      else {
        lo = (lo & p.mask) >>> 0;
        hi = 0;
      }
      value = p.inPlace
        ? fastHexHalves((word(words, 2 * p.dword) & p.maskLo) >>> 0, (word(words, 2 * p.dword + 1) & p.maskHi) >>> 0)
        : fastHexHalves(lo, hi);
    }
    let meaning = "";
    let reservedValue = false;
    if (hi === 0) {
      if (p.values !== undefined) meaning = p.values[lo] ?? "";
      if (p.reservedValues !== undefined && p.reservedValues.includes(lo)) {
        reservedValue = true;
        problems.push(`${p.name} ${value} is a Reserved encoding`);
      }
    }
    // Valid only under a condition (validWhen): say so, and flag a value the architecture zeroes.
    const valid = p.valid;
    if (valid !== undefined) {
      const d = readNarrow(words, valid.decider);
      if (d !== valid.equals) {
        meaning = valid.meanings[d]!;
        if (valid.problems !== undefined && (lo !== 0 || hi !== 0)) problems.push(valid.problems[d]!);
      }
    }
    // A value fixed by another field (impliedWhen): a contradiction goes in the meaning, not in
    // problems, because the deciding field shares the dword (S2 and CLASS are both in DW1): a log
    // record cut before that dword, whose fields there read as zero and are dropped, then never
    // shows a contradiction its text did not contain.
    const implied = p.implied;
    if (implied !== undefined && lo !== implied.value && readNarrow(words, implied.decider) === implied.equals)
      meaning = implied.meanings[lo]!;
    fields[i] = {
      field: p.name,
      bits: p.bits,
      value,
      raw: hi === 0 && lo < SMALL ? SMALL_RAW[lo]! : { lo, hi },
      meaning,
      doc: p.spec.doc,
      section: p.spec.section,
      reservedValue,
    };
  }
  // Bits this type does not define (RES0).
  let undefinedSet: number[] | undefined;
  for (let d = 0; d < 4; d++) {
    const lo = (word(words, 2 * d) & plan.reservedMask[2 * d]!) >>> 0;
    const hi = (word(words, 2 * d + 1) & plan.reservedMask[2 * d + 1]!) >>> 0;
    if (lo === 0 && hi === 0) continue;
    if (plan.undefinedDword[d]) (undefinedSet ??= []).push(d);
    else {
      const verb = popcount(lo) + popcount(hi) > 1 ? "are" : "is";
      problems.push(
        `${setBitRanges(d, lo, hi).join(", ")} ${verb} not defined for ${type.name} and ${verb} not zero: ${res0Rule(type)}`,
      );
    }
  }
  if (undefinedSet) {
    const many = undefinedSet.length > 1;
    problems.unshift(
      `${dwordList(undefinedSet)} ${many ? "are" : "is"} not defined for ${type.name} and ${many ? "are" : "is"} not zero: ${res0Rule(type)}`,
    );
  }
  return { id, name: type.name, type, fields, problems, summary: summarise(type, fields, plan.index) };
}

/**
 * Every field of one event record as numbers, filled in place by `decodeEventFields` (one object
 * reused for a whole log: no allocation per record). Field i of the type (the same order and the
 * same values as `decodeEvent(words).fields[i]`, Type excluded) has its value in
 * `halves[2i]` (bits [31:0]) and `halves[2i + 1]` (bits [63:32]); addresses are addresses, as
 * decodeEvent prints them. Text (hex, meanings, docs, summary) is left to `decodeEvent`, which
 * printing and serialising call for the records they show.
 */
export class EventFieldValues {
  /** DW0[7:0]. */
  id = 0;
  /** The id is an architected event type (fields filled); false: no fields. */
  known = false;
  /** Number of fields filled (`names.length`). */
  count = 0;
  /** The fields' names, in order (shared per type: do not modify). */
  names: readonly string[] = [];
  /** Value halves of field i at [2i, 2i + 1]. */
  readonly halves = new Uint32Array(64);
  /**
   * decodeEvent would report at least one problem (unknown or IMPDEF id, fewer than 8 halves,
   * a Reserved value, set bits the type does not define).
   */
  hasProblems = false;
}

const PLAN_NAMES: (readonly string[] | undefined)[] = PLANS.map((plan) =>
  plan ? Object.freeze(plan.fields.map((f) => f.name)) : undefined,
);

/**
 * Fully decodes one record's fields as numbers into `out` (no strings, no objects): the hot
 * path of a log decode. Exactly the values decodeEvent prints (an equivalence test holds it to
 * that). Missing halves read as zero; never throws.
 */
export function decodeEventFields(words: ArrayLike<number>, out: EventFieldValues): EventFieldValues {
  const id = word(words, 0) & 0xff;
  const plan = PLANS[id];
  out.id = id;
  const halves = out.halves;
  let problems = words.length < 8;
  if (!plan) {
    out.known = false;
    out.count = 0;
    out.names = [];
    out.hasProblems = true;
    return out;
  }
  out.known = true;
  out.count = plan.fields.length;
  out.names = PLAN_NAMES[id]!;
  for (let i = 0; i < plan.fields.length; i++) {
    const p = plan.fields[i]!;
    let lo: number;
    let hi: number;
    if (!p.wide) {
      lo = ((word(words, p.index) >>> p.shiftInWord) & p.mask) >>> 0;
      hi = 0;
      if (p.reservedValues !== undefined && p.reservedValues.includes(lo)) problems = true;
      if (p.mul !== 1) {
        const v = lo * p.mul;
        lo = v >>> 0;
        hi = Math.floor(v / 0x1_0000_0000) >>> 0;
      }
    } else {
      lo = p.shiftInWord === 0 ? word(words, p.index) : readCross(words, p.index, p.shiftInWord, 32);
      if (p.width > 32) hi = readCross(words, p.index + 1, p.shiftInWord, p.width - 32);
      else {
        lo = (lo & p.mask) >>> 0;
        hi = 0;
      }
      if (hi === 0 && p.reservedValues !== undefined && p.reservedValues.includes(lo)) problems = true;
      if (p.inPlace) {
        lo = (word(words, 2 * p.dword) & p.maskLo) >>> 0;
        hi = (word(words, 2 * p.dword + 1) & p.maskHi) >>> 0;
      }
    }
    const valid = p.valid;
    if (
      valid !== undefined &&
      valid.problems !== undefined &&
      (lo !== 0 || hi !== 0) &&
      readNarrow(words, valid.decider) !== valid.equals
    )
      problems = true;
    halves[2 * i] = lo;
    halves[2 * i + 1] = hi;
  }
  if (!problems) {
    for (let k = 0; k < 8; k++) {
      if ((word(words, k) & plan.reservedMask[k]!) !== 0) {
        problems = true;
        break;
      }
    }
  }
  out.hasProblems = problems;
  return out;
}

/** By CLASS value (the raw value: CLASS's meaning may carry a contradiction note). */
const CLASS_PHRASE: readonly string[] = [
  "while fetching the CD (CLASS=CD)",
  "while accessing a stage-1 translation table (CLASS=TT)",
  "on the transaction's address (CLASS=IN)",
  "(CLASS Reserved)",
];
const CLASS_TT = 1;

/** "StreamID 0x7d11[, SubstreamID 0x5]: <short>[; details]" */
function summarise(type: EventType, fields: readonly DecodedField[], x: SummaryIndex): string {
  const at = (i: number): DecodedField | undefined => (i < 0 ? undefined : fields[i]);
  let text = x.StreamID >= 0 ? `StreamID ${fields[x.StreamID]!.value}` : "";
  const ssid = at(x.SubstreamID);
  const ssv = at(x.SSV);
  if (ssid && (!ssv || ssv.value === "0x1")) text += `, SubstreamID ${ssid.value}`;
  text += `: ${type.short}`;
  const rnw = at(x.RnW)?.meaning;
  const s2 = at(x.S2);
  const cls = at(x.CLASS);
  const input = at(x.InputAddr);
  if (s2 && cls) {
    const stage2 = s2.value === "0x1";
    text += `; stage ${stage2 ? 2 : 1} ${CLASS_PHRASE[cls.raw.lo] ?? ""}`;
    if (input) text += `, ${rnw ?? "access"} of ${input.value}`;
    const ipa = at(x.IPA);
    if (stage2 && ipa) text += `, IPA page ${ipa.value}`;
    const ttrnw = at(x.TTRnW);
    if (ttrnw && cls.raw.lo === CLASS_TT) text += `, ${ttrnw.meaning}`;
    const stall = at(x.Stall);
    if (stall && stall.value === "0x1") text += `, stalled (STAG ${at(x.STAG)?.value ?? "?"})`;
  } else if (input) {
    text += `; ${rnw ?? "address"} ${input.value}`;
  }
  const fetch = at(x.FetchAddr);
  if (fetch) text += `; fetch address ${fetch.value}`;
  return text;
}

/**
 * Builds an event record from field values (addresses as addresses). Type is set from the event;
 * fields the type does not define are reported, not written. Never throws.
 */
export function encodeEvent(
  nameOrId: string | number,
  values: Readonly<Record<string, U64>>,
): { words: Uint32Array; problems: string[] } {
  const type = typeof nameOrId === "number" ? eventTypeById(nameOrId) : eventTypeByName(nameOrId);
  if (!type) {
    const words = new Uint32Array(8);
    if (typeof nameOrId === "number" && Number.isInteger(nameOrId) && nameOrId >= 0 && nameOrId < 256)
      words[0] = nameOrId;
    return {
      words,
      problems: [
        `${typeof nameOrId === "number" ? hexByte(nameOrId) : JSON.stringify(nameOrId)} is not an SMMUv3 event type`,
      ],
    };
  }
  const problems: string[] = [];
  const rest: Record<string, U64> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k === "Type") {
      if (v.hi !== 0 || v.lo !== type.id)
        problems.push(`Type ${hexHalves(v.lo, v.hi)} ignored: the record is ${type.name}`);
      continue;
    }
    rest[k] = v;
  }
  rest["Type"] = { lo: type.id, hi: 0 };
  const r = encodeStruct(type.struct, rest);
  for (const p of r.problems) {
    problems.push(
      type.struct.byName.has(p.field) ? p.message : `${type.name} does not define a field named ${p.field}`,
    );
  }
  return { words: r.words, problems };
}

export { EVENT_TYPES, eventTypeById, eventTypeByName };
