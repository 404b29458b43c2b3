// Stage-2 translation of one IPA (reference §5.3, §5.5 stage 2, §5.8 `S2(ipa, access, class)`):
// the IPA range check against S2T0SZ, the walk from the (possibly concatenated) start-level table,
// then F_ACCESS and F_PERMISSION on the leaf. Used for the transaction's final IPA (CLASS=IN), for
// every stage-1 descriptor IPA in a nested walk (CLASS=TT) and for CD/L1CD IPAs (CLASS=CD).
// A loop over at most 5 levels; it never follows memory contents recursively.

import { decodeS2MemAttr } from "./attributes";
import type { Walk } from "./context";
import { levelShift } from "./geometry";
import {
  DESCRIPTOR_LEAF,
  DESCRIPTOR_TABLE,
  descriptorFaultReason,
  descriptorKind,
  descriptorSpecFor,
  leafAddress,
  small,
  tableAddress,
} from "./layout";
import type { WalkFaultClass } from "./types";

/** What the stage-2 translation is for: the trace label and the fault CLASS. */
export interface S2Purpose {
  readonly cls: WalkFaultClass;
  /** For CLASS=TT: the stage-1 level whose descriptor IPA is translated. */
  readonly forStage1Level?: number;
  /** `CD`, `L1CD` or `S1 L2` (trace wording). */
  readonly label: string;
}

/**
 * Translates `ipa` through stage 2. Returns the PA, or -1 after raising the fault on `w`.
 * On success the leaf's size, permissions and MemAttr are left in `w.s2*`.
 */
export function stage2Translate(w: Walk, ipa: number, purpose: S2Purpose): number {
  const r = w.s2!;
  const geo = r.geo;
  const L = r.layout;
  const cls = purpose.cls;
  const fail = (event: string, reason: string, level: number | undefined, ttRead?: boolean): number => {
    w.raise(event, reason, {
      stage: 2,
      cls,
      ipa,
      recorded: r.record || r.stall,
      stall: r.stall,
      ...(level !== undefined ? { level } : {}),
      ...(ttRead !== undefined ? { ttRead } : {}),
    });
    return -1;
  };
  if (!(ipa < 2 ** geo.ia)) {
    return fail(
      "F_TRANSLATION",
      `IPA 0x${ipa.toString(16)} (${purpose.label}) is beyond the ${geo.ia}-bit stage-2 input range (S2T0SZ)`,
      0, // before any descriptor is read: a level-0 Translation fault (DDI 0487 AArch64.S2Translate)
    );
  }
  const oaLimit = 2 ** r.oaBits;
  let level = geo.startLevel;
  let table = r.base;
  const forLevel = purpose.forStage1Level;
  for (let guard = 0; guard < 6; guard++) {
    const shift = levelShift(geo.g, level);
    const bits = level === geo.startLevel ? geo.startBits : geo.stride;
    const index = Math.floor(ipa / 2 ** shift) % 2 ** bits;
    const descPa = table + index * 8;
    const ok = w.read(descPa, r.bigEndian);
    if (w.tracing) {
      const forText = cls === "IN" ? "" : ` for ${purpose.label}`;
      w.step(`S2 L${level} descriptor${forText}`, "S2", "PA", descPa, descPa, {
        stage: 2,
        level,
        ...(forLevel !== undefined ? { forStage1Level: forLevel } : {}),
        indexBits: `IPA[${shift + bits - 1}:${shift}]`,
        indexValue: index,
        spec: ok ? descriptorSpecFor(w.scratch, L, level) : L.page,
        aborted: !ok,
      });
    }
    if (!ok) {
      w.raise(
        "F_WALK_EABT",
        `external abort reading the stage-2 level-${level} descriptor at PA 0x${descPa.toString(16)}`,
        {
          stage: 2,
          level,
          cls,
          fetchAddr: descPa,
          recorded: true,
        },
      );
      return -1;
    }
    const kind = descriptorKind(w.scratch, L, level);
    if (kind !== DESCRIPTOR_TABLE && kind !== DESCRIPTOR_LEAF)
      return fail("F_TRANSLATION", descriptorFaultReason(kind, L, level), level);
    if (kind === DESCRIPTOR_TABLE) {
      const next = tableAddress(w.scratch, L);
      if (next >= oaLimit) {
        return fail(
          "F_ADDR_SIZE",
          `stage-2 level-${level} table address 0x${next.toString(16)} is beyond the ${r.oaBits}-bit S2PS`,
          level,
        );
      }
      table = next;
      level++;
      continue;
    }
    const oa = leafAddress(w.scratch, L, level);
    if (oa >= oaLimit) {
      return fail(
        "F_ADDR_SIZE",
        `stage-2 level-${level} output address 0x${oa.toString(16)} is beyond the ${r.oaBits}-bit S2PS`,
        level,
      );
    }
    if (small(w.scratch, L.af) === 0) {
      if (r.ha) w.noteLast("AF set by hardware (S2HA)");
      else if (!r.affd) return fail("F_ACCESS", `stage-2 level-${level} leaf has AF 0 (S2AFFD 0, no S2HA)`, level);
    }
    // Stage-2 permissions (§5.5): S2AP[0] read, S2AP[1] write; XN[1:0] by privilege (FEAT_XNX).
    const s2ap = small(w.scratch, L.s2ap!);
    const xn = small(w.scratch, L.xn!);
    const canRead = (s2ap & 1) !== 0;
    let canWrite = (s2ap & 2) !== 0;
    const xnx = w.profile.XNX === 1;
    const execPriv = xnx ? xn === 0 || xn === 3 : xn < 2;
    const execUnpriv = xnx ? xn === 0 || xn === 1 : xn < 2;
    const memAttr = small(w.scratch, L.memAttr!);
    const dirtyOk = r.hd && small(w.scratch, L.dbm) === 1;
    // S2HD with DBM: a write to a page with S2AP[1] 0 sets S2AP[1] instead of faulting, for the
    // transaction and for HTTU writes of stage-1 descriptors, never for CD fetches (§5.5 stage 2).
    if (dirtyOk && !canWrite && cls !== "CD") {
      canWrite = true;
      if (cls === "IN" && w.write) w.noteLast("S2AP[1] set by hardware (S2HD, DBM)");
    }
    if (cls === "IN") {
      const allowed = w.instr ? (w.privileged ? execPriv : execUnpriv) : w.write ? canWrite : canRead;
      if (!allowed) {
        const what = w.instr ? "instruction fetch (stage-2 XN)" : w.write ? "write (S2AP)" : "read (S2AP)";
        return fail("F_PERMISSION", `stage 2 does not permit this ${what}`, level);
      }
    } else {
      // Table walks and CD fetches are stage-2 reads; S2PTW forbids Device there (§2.1 S2PTW).
      if (!canRead) return fail("F_PERMISSION", `stage 2 does not permit reading ${purpose.label} (S2AP)`, level, true);
      if (r.ptw && decodeS2MemAttr(memAttr, r.fwb).device >= 0) {
        return fail("F_PERMISSION", `${purpose.label} is mapped as Device at stage 2 and S2PTW is 1`, level, true);
      }
    }
    const size = 2 ** levelShift(geo.g, level);
    w.s2Size = size;
    w.s2Read = canRead;
    w.s2Write = canWrite;
    w.s2ExecPriv = execPriv;
    w.s2ExecUnpriv = execUnpriv;
    w.s2MemAttr = memAttr;
    w.s2Sh = L.sh ? small(w.scratch, L.sh) : r.leafSh;
    w.s2Level = level;
    return oa + (ipa % size);
  }
  return fail("F_TRANSLATION", "stage-2 walk did not end within the levels of the granule", undefined);
}
