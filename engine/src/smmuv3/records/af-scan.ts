// A bounded scan of a translation table tree for leaf descriptors with AF == 0, used by the
// "legal but almost certainly a bug" checks (reference §5.7): stage-2 tables without S2AFFD/S2HA,
// stage-1 tables without AFFD/HA. Reads through a caller-supplied reader, never loops on
// self-referencing tables and stops after a fixed number of reads.

import type { U64 } from "../../bits/u64";
import type { Granule } from "../profile";
import { blockShift } from "./descriptors";
import { granuleBits } from "./geometry";

/** Reads the 64-bit descriptor at an address of the table's own address space (undefined: unknown memory). */
export type QwordReader = (addr: number) => U64 | undefined;

export interface AfScanResult {
  /** Leaves found with AF == 0. */
  readonly count: number;
  /** The first such leaf: where its descriptor is and the input address it maps. */
  readonly first?: { readonly descriptorAddr: number; readonly inputAddr: number; readonly level: number };
  /** True when the read budget ran out before the whole tree was seen. */
  readonly truncated: boolean;
}

export interface AfScanSetup {
  readonly granule: Granule;
  /** 52-bit layouts (DS for 4K/16K, 52-bit PA for 64K). */
  readonly ds: boolean;
  readonly startLevel: number;
  /** Input-address bits the start level resolves (more than a level's stride: concatenated tables). */
  readonly startBits: number;
  /** Table base (already aligned). */
  readonly base: number;
  readonly maxReads?: number;
}

const TWO32 = 0x1_0000_0000;

function tableAddress(d: U64, granule: Granule, ds: boolean): number {
  const g = granuleBits(granule);
  // bits [47:g] (or [49:g] with DS for 4K/16K), plus the split-off high bits
  const hiMask = ds && granule !== "64K" ? 0x3ffff : 0xffff;
  const loMask = (~((1 << g) - 1) >>> 0) & (granule === "64K" ? 0xffff0000 : 0xffffffff);
  let addr = (d.hi & hiMask) * TWO32 + ((d.lo & loMask) >>> 0);
  if (ds && granule !== "64K") addr += ((d.lo >>> 8) & 3) * 2 ** 50;
  if (ds && granule === "64K") addr += ((d.lo >>> 12) & 0xf) * 2 ** 48;
  return addr;
}

export function scanAccessFlag(read: QwordReader, setup: AfScanSetup): AfScanResult {
  const g = granuleBits(setup.granule);
  const s = g - 3;
  const budget = setup.maxReads ?? 1 << 16;
  let reads = 0;
  let count = 0;
  let first: AfScanResult["first"];
  let truncated = false;
  const visited = new Set<number>();

  const walk = (base: number, level: number, entries: number, inputBase: number): void => {
    if (visited.has(base)) return;
    visited.add(base);
    const span = 2 ** (g + (3 - level) * s);
    for (let i = 0; i < entries; i++) {
      if (reads >= budget) {
        truncated = true;
        return;
      }
      reads++;
      const addr = base + i * 8;
      let d: U64 | undefined;
      try {
        d = read(addr);
      } catch {
        d = undefined; // unreadable memory is skipped, never fatal
      }
      if (!d || (d.lo & 1) === 0) continue;
      const ia = inputBase + i * span;
      const isTable = (d.lo & 2) !== 0 && level < 3;
      if (isTable) {
        walk(tableAddress(d, setup.granule, setup.ds), level + 1, 2 ** s, ia);
        continue;
      }
      const leaf = level === 3 ? (d.lo & 3) === 3 : blockShift(setup.granule, level, setup.ds) !== undefined;
      if (!leaf) continue;
      if (((d.lo >>> 10) & 1) === 0) {
        count++;
        first ??= { descriptorAddr: addr, inputAddr: ia, level };
      }
    }
  };
  walk(setup.base, setup.startLevel, 2 ** setup.startBits, 0);
  return first ? { count, first, truncated } : { count, truncated };
}
