// The scenario contract (shared/design/formats.md, "Scenario") read into a translation setup.
//
// A scenario is plain JSON: the SMMU profile (`smmu`), where the STE comes from (`strtab`, or a
// given `ste`), optionally a given `cd`, the physical memory (`memory` qwords and `abort`
// ranges) and one `request`. `parseScenario` turns it into the walker's TranslationSetup and
// TranslationRequest. Every bad value becomes a located problem (`memory[12].qword: ...`), never
// an exception; when there is any problem no setup is returned, so nothing walks half a scenario.
// Each memory word remembers where it came from (file, line, `memory[12]`) so a walk's trace
// points back at the scenario.

import { type U64, hexNumber } from "../../bits/u64";
import type { Provenance } from "../../memory/image";
import type { Position } from "../../source";
import { MemoryImage } from "../../memory/image";
import { DEFAULT_PROFILE, profileFromJson } from "../profile";
import { CD, STE } from "../records";
import type { TranslationRequest, TranslationSetup } from "../walk/types";
import { encodeScenarioStruct } from "./structs";
import { type ScenarioValue, isScenarioObject, readFlag, readU64, readUint, showScenarioValue } from "./values";

/** Where a scenario came from: its file, the (zero-based) line it starts on, how to find lines. */
export interface ScenarioOrigin {
  /** The file (as the user named it). */
  readonly file: string;
  /** Zero-based line of the scenario in the file (JSON Lines: its line). */
  readonly line?: number;
  /** How to call the scenario when it has no `id` (`scenario 3`); default from file and line. */
  readonly label?: string;
  /**
   * Zero-based line of a value inside the scenario, by path (`memory[12]`), when the loader
   * knows it (pretty-printed files). Falls back to `line`.
   */
  readonly lineOf?: (path: string) => number | undefined;
}

export interface ParsedScenario {
  /** The scenario's `id`, or a label from its origin when it has none. */
  readonly id: string;
  /** The setup to walk; absent when there are problems. */
  readonly setup?: TranslationSetup;
  /** The request; absent when the scenario has none or there are problems. */
  readonly request?: TranslationRequest;
  /** Located problems (`memory[3].addr: ...`), prefixed with the origin when there is one. */
  readonly problems: string[];
}

/** SMMU_STRTAB_BASE.ADDR is [55:6] (§3.1): the base is below 2^56, but image addresses stop at 2^53. */
const MAX_ADDRESS = 2 ** 53 - 8;
/** StreamIDs are at most 32 bits (IDR1.SIDSIZE <= 32), SubstreamIDs at most 20 (SSIDSIZE <= 20). */
const MAX_SID = 0xffff_ffff;
const MAX_SSID = 0xf_ffff;
const ACCESSES = ["read", "write", "exec"] as const;

type Access = (typeof ACCESSES)[number];

class ScenarioReader {
  readonly problems: string[] = [];
  private readonly file: string;

  constructor(private readonly origin: ScenarioOrigin | undefined) {
    this.file = origin?.file ?? "scenario";
  }

  /** Records a problem at `path` (`memory[3].addr`), prefixed with `file:line` when known. */
  problem(path: string, message: string): void {
    const line = this.lineOf(path);
    const prefix = this.origin ? (line !== undefined ? `${this.file}:${line + 1}: ` : `${this.file}: `) : "";
    this.problems.push(`${prefix}${path ? path + ": " : ""}${message}`);
  }

  /** The value of a reader's result, or undefined after reporting its failure at `path`. */
  take<T>(path: string, r: ScenarioValue<T>): T | undefined {
    if (r.ok) return r.value;
    this.problem(path, r.message);
    return undefined;
  }

  /** Where `path` was written; one position object per line, shared (a scenario has many words). */
  provenance(path: string, what: string): Provenance {
    const line = this.lineOf(path) ?? 0;
    let at = this.positions.get(line);
    if (!at) {
      at = { line, character: 0 };
      this.positions.set(line, at);
    }
    return { file: this.file, start: at, end: at, what };
  }

  private readonly positions = new Map<number, Position>();

  /** The line of `path` or of its nearest enclosing value the loader located; else the scenario's line. */
  private lineOf(path: string): number | undefined {
    const lookup = this.origin?.lineOf;
    if (lookup) {
      for (let p = path; p !== ""; p = p.replace(/(\.[^.[]*|\[\d+\])$/, "")) {
        const line = lookup(p);
        if (line !== undefined) return line;
        if (!/(\.[^.[]*|\[\d+\])$/.test(p)) break;
      }
    }
    return this.origin?.line;
  }
}

/**
 * Reads one scenario object. `origin` names the file (a string) or gives file, line and a line
 * lookup for located messages and provenance. Never throws.
 */
export function parseScenario(json: unknown, origin?: string | ScenarioOrigin): ParsedScenario {
  const where: ScenarioOrigin | undefined = typeof origin === "string" ? { file: origin } : origin;
  const r = new ScenarioReader(where);
  const fallbackId =
    where?.label ?? (where ? `${where.file}${where.line !== undefined ? ":" + (where.line + 1) : ""}` : "scenario");
  if (!isScenarioObject(json)) {
    r.problem("", `a scenario must be a JSON object, found ${showScenarioValue(json)}`);
    return { id: fallbackId, problems: r.problems };
  }
  let id = fallbackId;
  if (json["id"] !== undefined) {
    if (typeof json["id"] === "string" && json["id"] !== "") id = json["id"];
    else if (typeof json["id"] === "number") id = String(json["id"]);
    else r.problem("id", `the id must be a non-empty string, found ${showScenarioValue(json["id"])}`);
  }

  const smmu = readProfile(json["smmu"]);
  if (typeof smmu === "string") r.problem("smmu", smmu);
  for (const p of typeof smmu === "string" ? [] : smmu.problems) {
    r.problem(p.key === "smmu" ? "smmu" : `smmu.${p.key}`, p.message);
  }
  const profile = typeof smmu === "string" ? DEFAULT_PROFILE : smmu.profile;

  const strtab = json["strtab"] === undefined ? undefined : readStrtab(r, json["strtab"]);
  const ste = json["ste"] === undefined ? undefined : encodeScenarioStruct(r, "ste", json["ste"], STE);
  const cd = json["cd"] === undefined ? undefined : encodeScenarioStruct(r, "cd", json["cd"], CD);
  if (json["strtab"] === undefined && json["ste"] === undefined) {
    r.problem("", "a scenario needs a stream table (`strtab`) or a given STE (`ste`)");
  }
  const memory = new MemoryImage();
  if (json["memory"] !== undefined) readMemory(r, json["memory"], memory);
  if (json["abort"] !== undefined) readAborts(r, json["abort"], memory);
  const request = json["request"] === undefined ? undefined : readRequest(r, json["request"]);

  if (r.problems.length > 0) return { id, problems: r.problems };
  const setup: TranslationSetup = {
    profile,
    memory,
    ...(strtab ? { strtab } : {}),
    ...(ste ? { ste } : {}),
    ...(cd ? { cd } : {}),
  };
  return { id, setup, ...(request ? { request } : {}), problems: r.problems };
}

export type { ScenarioReader };

/**
 * The profile through profileFromJson, which may quote a bad value with JSON.stringify: a value
 * nested deeper than the stack allows must still be a problem, not an exception. Files of many
 * scenarios usually repeat one `smmu` object, so results are kept by its JSON text (profiles are
 * read-only, sharing one is safe).
 */
function readProfile(v: unknown): ReturnType<typeof profileFromJson> | string {
  try {
    const key = v === undefined ? "" : JSON.stringify(v);
    let found = PROFILE_CACHE.get(key);
    if (!found) {
      found = profileFromJson(v);
      if (PROFILE_CACHE.size >= PROFILE_CACHE_LIMIT) PROFILE_CACHE.clear();
      PROFILE_CACHE.set(key, found);
    }
    return found;
  } catch (e: unknown) {
    return `the SMMU profile could not be read (${e instanceof Error ? e.message : String(e)})`;
  }
}

const PROFILE_CACHE = new Map<string, ReturnType<typeof profileFromJson>>();
const PROFILE_CACHE_LIMIT = 64;

function readStrtab(r: ScenarioReader, v: unknown): TranslationSetup["strtab"] | undefined {
  if (!isScenarioObject(v)) {
    r.problem("strtab", `expected an object {base, fmt, log2size, split}, found ${showScenarioValue(v)}`);
    return undefined;
  }
  let ok = true;
  let base: number | undefined;
  if (v["base"] === undefined) {
    r.problem("strtab", "the stream table needs a `base` address");
    ok = false;
  } else {
    base = r.take("strtab.base", readUint(v["base"], MAX_ADDRESS, "an address"));
    // SMMU_STRTAB_BASE.ADDR holds address bits [55:6] (§3.1): the low 6 bits cannot be given.
    if (base !== undefined && base % 64 !== 0) {
      r.problem("strtab.base", `${hexNumber(base)} is not 64-byte aligned (SMMU_STRTAB_BASE.ADDR is [55:6])`);
      ok = false;
    }
  }
  const fmtValue = v["fmt"] ?? "linear";
  const fmt = fmtValue === "linear" || fmtValue === "2-level" ? fmtValue : undefined;
  if (!fmt) r.problem("strtab.fmt", `expected "linear" or "2-level", found ${showScenarioValue(fmtValue)}`);
  let log2size: number | undefined;
  if (v["log2size"] === undefined) {
    r.problem("strtab", "the stream table needs `log2size` (log2 of the number of StreamIDs it covers)");
  } else {
    // SMMU_STRTAB_BASE_CFG.LOG2SIZE is 6 bits (§3.1); its effective value is capped by SIDSIZE.
    log2size = r.take("strtab.log2size", readUint(v["log2size"], 63, "LOG2SIZE"));
  }
  let split = 0;
  if (fmt === "2-level") {
    if (v["split"] === undefined) {
      r.problem("strtab", "a 2-level stream table needs `split` (6, 8 or 10)");
      ok = false;
    } else {
      const s = r.take("strtab.split", readUint(v["split"], 31, "SPLIT"));
      if (s === 6 || s === 8 || s === 10) split = s;
      else {
        if (s !== undefined) r.problem("strtab.split", `SPLIT must be 6, 8 or 10 (§3.1), found ${s}`);
        ok = false;
      }
    }
  } else if (v["split"] !== undefined) {
    // Linear tables ignore SPLIT (§3.1), but a value must still be a number.
    const s = r.take("strtab.split", readUint(v["split"], 31, "SPLIT"));
    if (s === undefined) ok = false;
  }
  if (!ok || base === undefined || !fmt || log2size === undefined) return undefined;
  return { base, fmt, log2size, split };
}

function readMemory(r: ScenarioReader, v: unknown, memory: MemoryImage): void {
  if (!Array.isArray(v)) {
    r.problem("memory", `expected an array of {addr, qword}, found ${showScenarioValue(v)}`);
    return;
  }
  const definedBy = new Map<number, string>();
  for (let i = 0; i < v.length; i++) {
    const path = `memory[${i}]`;
    const entry: unknown = v[i];
    if (!isScenarioObject(entry)) {
      r.problem(path, `expected {addr, qword}, found ${showScenarioValue(entry)}`);
      continue;
    }
    if (entry["addr"] === undefined) {
      r.problem(path, "missing `addr`");
      continue;
    }
    const addr = r.take(`${path}.addr`, readUint(entry["addr"], MAX_ADDRESS, "a memory address"));
    if (addr === undefined) continue;
    if (addr % 8 !== 0) {
      r.problem(`${path}.addr`, `${hexNumber(addr)} is not 8-byte aligned (memory holds 64-bit words)`);
      continue;
    }
    // `qword` is the contract's form; `qwords` (consecutive words from addr) is a compatible extension.
    const values: { value: unknown; path: string }[] = [];
    if (entry["qword"] !== undefined) values.push({ value: entry["qword"], path: `${path}.qword` });
    else if (Array.isArray(entry["qwords"])) {
      (entry["qwords"] as unknown[]).forEach((q, k) => values.push({ value: q, path: `${path}.qwords[${k}]` }));
    } else {
      r.problem(path, "missing `qword`");
      continue;
    }
    values.forEach(({ value, path: valuePath }, k) => {
      const word = r.take<U64>(valuePath, readU64(value));
      if (!word) return;
      const at = addr + 8 * k;
      if (at > MAX_ADDRESS) {
        r.problem(valuePath, `the word at ${hexNumber(at)} is beyond the addresses a memory image holds`);
        return;
      }
      const result = memory.define(at, word.lo, word.hi, r.provenance(path, path));
      if (result.kind === "conflict") {
        r.problem(
          valuePath,
          `redefines the word at ${hexNumber(at)} (${definedBy.get(at) ?? "earlier"}) with a different value`,
        );
      } else if (result.kind === "invalid") {
        r.problem(valuePath, result.message);
      } else if (!definedBy.has(at)) {
        definedBy.set(at, path);
      }
    });
  }
}

function readAborts(r: ScenarioReader, v: unknown, memory: MemoryImage): void {
  if (!Array.isArray(v)) {
    r.problem("abort", `expected an array of {addr, size}, found ${showScenarioValue(v)}`);
    return;
  }
  v.forEach((entry: unknown, i) => {
    const path = `abort[${i}]`;
    if (!isScenarioObject(entry) || entry["addr"] === undefined || entry["size"] === undefined) {
      r.problem(path, `expected {addr, size}, found ${showScenarioValue(entry)}`);
      return;
    }
    const addr = r.take(`${path}.addr`, readUint(entry["addr"], MAX_ADDRESS, "an address"));
    const size = r.take(`${path}.size`, readUint(entry["size"], 2 ** 53, "a size"));
    if (addr === undefined || size === undefined) return;
    if (size === 0) {
      r.problem(`${path}.size`, "an abort range must not be empty");
      return;
    }
    memory.addAbort({ addr, size, provenance: r.provenance(path, path) });
  });
}

function readRequest(r: ScenarioReader, v: unknown): TranslationRequest | undefined {
  if (!isScenarioObject(v)) {
    r.problem("request", `expected {sid, iova, access, ...}, found ${showScenarioValue(v)}`);
    return undefined;
  }
  const before = r.problems.length;
  let sid: number | undefined;
  if (v["sid"] === undefined) r.problem("request", "missing `sid` (the StreamID)");
  else sid = r.take("request.sid", readUint(v["sid"], MAX_SID, "a StreamID"));
  // formats.md: `ssid` present and not null means the transaction carries a SubstreamID (SSV=1).
  let ssid: number | undefined;
  if (v["ssid"] !== undefined && v["ssid"] !== null) {
    ssid = r.take("request.ssid", readUint(v["ssid"], MAX_SSID, "a SubstreamID (20 bits)"));
  }
  let iova: U64 | undefined;
  if (v["iova"] === undefined) r.problem("request", "missing `iova`");
  else iova = r.take("request.iova", readU64(v["iova"]));
  let access: Access | undefined;
  const accessValue = v["access"];
  if (accessValue === undefined) r.problem("request", 'missing `access` ("read", "write" or "exec")');
  else if (typeof accessValue === "string" && (ACCESSES as readonly string[]).includes(accessValue)) {
    access = accessValue as Access;
  } else r.problem("request.access", `expected "read", "write" or "exec", found ${showScenarioValue(accessValue)}`);
  const privileged = v["privileged"] === undefined ? true : r.take("request.privileged", readFlag(v["privileged"]));
  if (r.problems.length > before || sid === undefined || !iova || !access || privileged === undefined) return undefined;
  return { sid, ...(ssid !== undefined ? { ssid } : {}), iova, access, privileged };
}
