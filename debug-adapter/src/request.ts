// Launch arguments in, engine request out: numbers arrive as JSON numbers or as strings in the
// language's number syntax (`0x7d11`, `0x10_0000`, `4096`); anything else is a readable problem.

import { type U64, hex64, parseHex64, u64FromNumber } from "../../engine/src/index";
import { type IommuLaunchArguments } from "../../protocol/src/index";

/** The transaction a launch asks for (the engine's TranslationRequest). */
export interface LaunchRequest {
  readonly sid: number;
  readonly ssid?: number;
  readonly iova: U64;
  readonly access: "read" | "write" | "exec";
  readonly privileged: boolean;
}

/** Parses a launch-argument number. Returns a message instead of throwing. */
export function parseLaunchNumber(name: string, value: unknown): U64 | string {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0) return u64FromNumber(value);
    return `${name}: ${value} is not a non-negative integer`;
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (/^0[xX]/.test(text)) {
      const v = parseHex64(text);
      if (v) return v;
    } else if (/^[0-9](?:_?[0-9])*$/.test(text)) {
      const n = Number(text.replace(/_/g, ""));
      if (Number.isSafeInteger(n)) return u64FromNumber(n);
    }
    return `${name}: '${value}' is not a number (write 0x7d11, 0x10_0000 or 4096)`;
  }
  return `${name}: expected a number or a string, got ${value === null ? "null" : typeof value}`;
}

/** The transaction the launch arguments describe, or what is wrong with them. */
export function readRequest(args: Partial<IommuLaunchArguments>): LaunchRequest | string {
  if (args.streamId === undefined) return "the launch configuration needs `streamId` (the device's StreamID)";
  if (args.iova === undefined) return "the launch configuration needs `iova` (the address to translate)";
  const sid = parseLaunchNumber("streamId", args.streamId);
  if (typeof sid === "string") return sid;
  if (sid.hi !== 0) return `streamId ${hex64(sid)} is wider than 32 bits`;
  const iova = parseLaunchNumber("iova", args.iova);
  if (typeof iova === "string") return iova;
  let ssid: number | undefined;
  if (args.substreamId !== undefined) {
    const v = parseLaunchNumber("substreamId", args.substreamId);
    if (typeof v === "string") return v;
    if (v.hi !== 0 || v.lo >= 1 << 20) return `substreamId ${hex64(v)} is wider than 20 bits`;
    ssid = v.lo;
  }
  const access = args.access ?? "read";
  if (access !== "read" && access !== "write" && access !== "exec") {
    return `access must be read, write or exec, not ${JSON.stringify(access)}`;
  }
  return { sid: sid.lo, ...(ssid !== undefined ? { ssid } : {}), iova, access, privileged: args.privileged ?? true };
}
