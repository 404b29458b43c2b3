// Event records of walk faults, built with R1's `encodeEvent` from the event's own table, so
// `decodeEvent` of the words gives the same fields back. Only the fields the event type defines
// are written (reference §1.3); IPA only when S2 == 1 (else UNKNOWN, written as 0), TTRnW only
// for F_PERMISSION with CLASS=TT. Addresses go in as addresses: the IPA field holds IPA[51:12]
// and FetchAddr [55:3], so the low bits are cleared first (the architecture never records them).

import { type U64, u64, u64FromNumber } from "../../bits/u64";
import { encodeEvent, eventTypeByName } from "../records";
import type { WalkFaultClass } from "./types";

export interface EventInputs {
  readonly sid: number;
  readonly ssv: boolean;
  readonly ssid: number;
  readonly stall: boolean;
  readonly privileged: boolean;
  readonly instr: boolean;
  readonly read: boolean;
  readonly s2: boolean;
  readonly cls: WalkFaultClass | undefined;
  readonly ttRead: boolean | undefined;
  readonly inputLo: number;
  readonly inputHi: number;
  readonly ipa: number | undefined;
  readonly fetchAddr: number | undefined;
}

const CLASS_CODE: Readonly<Record<WalkFaultClass, number>> = { CD: 0, TT: 1, IN: 2 };

/** Event number of a name (R1's table); 0 for a name it does not know. */
export function eventIdOf(name: string): number {
  return eventTypeByName(name)?.id ?? 0;
}

const bit = (b: boolean): U64 => u64(b ? 1 : 0, 0);

/** Clears the bits an address field does not hold (its `shift`). */
function aligned(addr: number, shift: number): U64 {
  const unit = 2 ** shift;
  return u64FromNumber(Math.floor(addr / unit) * unit);
}

/** The four dwords of `event` as the SMMU writes them (8 halves), and any encoding problems. */
export function buildEventRecord(event: string, e: EventInputs): { words: Uint32Array; problems: string[] } {
  const type = eventTypeByName(event);
  if (!type) return { words: new Uint32Array(8), problems: [`no event type named ${event}`] };
  const fields = type.struct.byName;
  const values: Record<string, U64> = {};
  const put = (name: string, value: U64): void => {
    if (fields.has(name)) values[name] = value;
  };
  put("StreamID", u64FromNumber(e.sid >>> 0));
  if (event === "C_BAD_SUBSTREAMID") {
    put("SubstreamID", u64FromNumber(e.ssid));
  } else if (e.ssv) {
    put("SSV", bit(true));
    put("SubstreamID", u64FromNumber(e.ssid));
  }
  put("Stall", bit(e.stall));
  put("PnU", bit(e.privileged));
  put("InD", bit(e.instr));
  put("RnW", bit(e.read));
  put("S2", bit(e.s2));
  if (e.cls !== undefined) put("CLASS", u64(CLASS_CODE[e.cls], 0));
  if (e.ttRead !== undefined && e.cls === "TT") put("TTRnW", bit(e.ttRead));
  put("InputAddr", u64(e.inputLo, e.inputHi));
  if (e.s2 && e.ipa !== undefined && fields.has("IPA")) put("IPA", aligned(e.ipa, fields.get("IPA")!.shift));
  if (e.fetchAddr !== undefined && fields.has("FetchAddr")) {
    put("FetchAddr", aligned(e.fetchAddr, fields.get("FetchAddr")!.shift));
  }
  const encoded = encodeEvent(type.id, values);
  return encoded;
}
