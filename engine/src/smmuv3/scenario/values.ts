// Reading the scalar values of a scenario (shared/design/formats.md, "Scenario").
//
// Every number in a scenario may be a JSON number or a string: hexadecimal with `0x` (the
// contract's own output form) or plain decimal. 64-bit values (IOVAs with a tag or a TTB1 sign
// extension, memory qwords) are read into U64 halves without BigInt, so a decimal string above
// 2^53 is still exact; a JSON number above 2^53 is not (JSON.parse already rounded it) and is
// refused with a hint to write it as a hex string. Readers never throw: they return a value or a
// message, and the caller adds the location.

import { type U64, parseHex64, u64FromNumber } from "../../bits/u64";

export type ScenarioValue<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

function ok<T>(value: T): ScenarioValue<T> {
  return { ok: true, value };
}

function bad<T>(message: string): ScenarioValue<T> {
  return { ok: false, message };
}

/** A JSON value shown briefly in a message (`"0xzz"`, `[1,2]`, `true`); safe on any depth. */
export function showScenarioValue(v: unknown): string {
  if (v === undefined) return "nothing";
  const text = preview(v, 2);
  return text.length > 40 ? text.slice(0, 37) + "..." : text;
}

/** JSON text of `v`, with containers deeper than `depth` shown as `[...]` / `{...}`. */
function preview(v: unknown, depth: number): string {
  if (Array.isArray(v)) {
    if (depth === 0) return v.length ? "[...]" : "[]";
    return `[${v
      .slice(0, 8)
      .map((x: unknown) => preview(x, depth - 1))
      .join(",")}${v.length > 8 ? ",..." : ""}]`;
  }
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v);
    if (depth === 0) return entries.length ? "{...}" : "{}";
    return `{${entries
      .slice(0, 8)
      .map(([k, x]) => `${JSON.stringify(k)}:${preview(x, depth - 1)}`)
      .join(",")}${entries.length > 8 ? ",..." : ""}}`;
  }
  // JSON.stringify gives undefined only for functions and symbols, which JSON never holds.
  return JSON.stringify(v) ?? typeof v;
}

const DECIMAL = /^[0-9]+$/;

/** Decimal digits into a U64, exactly; undefined when the value needs more than 64 bits. */
function parseDecimal64(digits: string): U64 | undefined {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(i) - 48;
    // (hi:lo) * 10 + d with 16-bit limbs of lo so every product stays exact in a double.
    const loLow = (lo & 0xffff) * 10 + d;
    const loHigh = (lo >>> 16) * 10 + Math.floor(loLow / 0x1_0000);
    const newHi = hi * 10 + Math.floor(loHigh / 0x1_0000);
    if (newHi > 0xffff_ffff) return undefined;
    lo = (((loHigh & 0xffff) << 16) | (loLow & 0xffff)) >>> 0;
    hi = newHi;
  }
  return { lo, hi };
}

/**
 * The common form `0x` + 1..16 hex digits, read from the character codes (the bulk of a
 * scenario's memory qwords); undefined for anything else, which the general path handles.
 */
function plainHex(v: string): U64 | undefined {
  const n = v.length;
  if (n < 3 || n > 18 || v.charCodeAt(0) !== 48 || v.charCodeAt(1) !== 120) return undefined;
  let lo = 0;
  let hi = 0;
  const loStart = Math.max(2, n - 8);
  for (let i = 2; i < n; i++) {
    const c = v.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return undefined;
    if (i < loStart) hi = hi * 16 + d;
    else lo = lo * 16 + d;
  }
  return { lo: lo >>> 0, hi: hi >>> 0 };
}

/** A 64-bit value: a JSON number (exact only below 2^53), a hex string or a decimal string. */
export function readU64(v: unknown): ScenarioValue<U64> {
  if (typeof v === "number") {
    if (!Number.isInteger(v) || v < 0) return bad(`${showScenarioValue(v)} is not a non-negative integer`);
    if (!Number.isSafeInteger(v)) {
      return bad(`${showScenarioValue(v)} is too large to be exact as a JSON number; write it as a hex string`);
    }
    return ok(u64FromNumber(v));
  }
  if (typeof v === "string") {
    const fast = plainHex(v);
    if (fast) return ok(fast);
    const t = v.trim();
    if (/^0[xX]/.test(t)) {
      const parsed = parseHex64(t);
      return parsed ? ok(parsed) : bad(`${showScenarioValue(v)} is not a hex number of at most 64 bits`);
    }
    if (DECIMAL.test(t)) {
      const parsed = parseDecimal64(t);
      return parsed ? ok(parsed) : bad(`${showScenarioValue(v)} does not fit in 64 bits`);
    }
    return bad(`${showScenarioValue(v)} is not a number (write "0x..." for hex)`);
  }
  if (typeof v === "boolean") return ok({ lo: v ? 1 : 0, hi: 0 });
  return bad(`expected a number or a hex string, found ${showScenarioValue(v)}`);
}

/** A non-negative integer at most `max` (and below 2^53), e.g. an address or an ID. */
export function readUint(v: unknown, max: number, what = "the value"): ScenarioValue<number> {
  if (typeof v === "boolean") return bad(`expected a number, found ${showScenarioValue(v)}`);
  const r = readU64(v);
  if (!r.ok) return r;
  const { lo, hi } = r.value;
  const n = hi * 0x1_0000_0000 + lo;
  if (hi >= 0x20_0000 || n > max) {
    return bad(`${showScenarioValue(v)} is out of range: ${what} is at most 0x${max.toString(16)}`);
  }
  return ok(n);
}

/** A boolean: JSON true/false or 0/1. */
export function readFlag(v: unknown): ScenarioValue<boolean> {
  if (typeof v === "boolean") return ok(v);
  if (v === 0 || v === 1 || v === "0" || v === "1") return ok(v === 1 || v === "1");
  return bad(`expected true or false, found ${showScenarioValue(v)}`);
}

/** A JSON object (not null, not an array). */
export function isScenarioObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
