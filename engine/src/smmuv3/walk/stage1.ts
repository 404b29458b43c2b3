// The stage-1 walk (reference §5.2, §5.4, §5.5 stage 1, §5.7, §5.8): from the selected TTB down to
// the leaf, with every descriptor IPA translated by stage 2 first when the stream is nested
// (CLASS=TT faults), hierarchical APTable/UXNTable/PXNTable, address-size checks of table and
// output addresses against the effective IPS, AF with AFFD/HTTU, and the permission check.
// Fault priority per level (§1.4): walk abort, invalid descriptor, address size; then on the leaf
// F_ACCESS before F_PERMISSION.

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
import { stage2Translate } from "./stage2";
import type { WalkPermissions } from "./types";

/** Leaf facts of a stage-1 walk. */
export interface Stage1Leaf {
  /** Output address (IPA when nested, PA otherwise) of the input address. */
  readonly out: number;
  readonly size: number;
  readonly level: number;
  /** Permissions at the requester's privilege, and for each privilege. */
  readonly perm: WalkPermissions;
  readonly priv: WalkPermissions;
  readonly unpriv: WalkPermissions;
  readonly attrIndx: number;
  readonly sh: number;
  readonly nG: boolean;
}

/** Permission bits: read 1, write 2, exec 4; privileged in bits 0-2, unprivileged in bits 3-5. */
export const PRIV_R = 1;
export const PRIV_W = 2;
export const PRIV_X = 4;
export const UNPRIV_R = 8;
export const UNPRIV_W = 16;
export const UNPRIV_X = 32;

/**
 * Effective stage-1 permissions of a leaf as bits (§5.5 table and hierarchical limits), without
 * allocating: the enumerator calls this once per leaf. `apTable` is the OR of every APTable above.
 */
export function stage1PermissionBits(
  ap: number,
  apTable: number,
  xnLeaf: boolean,
  pxnLeaf: boolean,
  xnTable: boolean,
  pxnTable: boolean,
  wxn: boolean,
  singlePrivilege: boolean,
  dirtyWritable: boolean,
): number {
  // AP[2] (value bit 1) read-only; AP[1] (value bit 0) unprivileged access.
  let readOnly = (ap & 2) !== 0 && !dirtyWritable;
  let el0 = singlePrivilege || (ap & 1) !== 0;
  if (apTable & 2) readOnly = true;
  if ((apTable & 1) !== 0 && !singlePrivilege) el0 = false;
  const privWrite = !readOnly;
  const unprivWrite = el0 && !readOnly;
  if (singlePrivilege) {
    // One privilege level: XN in bit 54 (the UXN field), no PXN; both views are the same.
    const exec = !xnLeaf && !xnTable && !(wxn && privWrite);
    const bits = PRIV_R | (privWrite ? PRIV_W : 0) | (exec ? PRIV_X : 0);
    return bits | (bits << 3);
  }
  const privExec = !pxnLeaf && !pxnTable && !unprivWrite && !(wxn && privWrite);
  const unprivExec = !xnLeaf && !xnTable && !(wxn && unprivWrite);
  return (
    PRIV_R |
    (privWrite ? PRIV_W : 0) |
    (privExec ? PRIV_X : 0) |
    (el0 ? UNPRIV_R : 0) |
    (unprivWrite ? UNPRIV_W : 0) |
    (unprivExec ? UNPRIV_X : 0)
  );
}

/** Interned permission objects indexed by read | write << 1 | exec << 2. */
export const PERMISSIONS: readonly WalkPermissions[] = Array.from({ length: 8 }, (_, i) =>
  Object.freeze({ read: (i & 1) !== 0, write: (i & 2) !== 0, exec: (i & 4) !== 0 }),
);

/** Effective stage-1 permissions of a leaf for both privileges (§5.5). */
export function stage1Permissions(
  ap: number,
  apTable: number,
  xnLeaf: boolean,
  pxnLeaf: boolean,
  xnTable: boolean,
  pxnTable: boolean,
  wxn: boolean,
  singlePrivilege: boolean,
  dirtyWritable: boolean,
): { priv: WalkPermissions; unpriv: WalkPermissions } {
  const bits = stage1PermissionBits(
    ap,
    apTable,
    xnLeaf,
    pxnLeaf,
    xnTable,
    pxnTable,
    wxn,
    singlePrivilege,
    dirtyWritable,
  );
  return { priv: PERMISSIONS[bits & 7]!, unpriv: PERMISSIONS[(bits >>> 3) & 7]! };
}

/**
 * Walks stage 1 for the input address. Returns the leaf, or undefined after raising the fault.
 * `ttbLevelBits` (start level) and the regime come from `w.s1`.
 */
export function stage1Walk(w: Walk): Stage1Leaf | undefined {
  const r = w.s1!;
  const geo = r.geo;
  const L = r.layout;
  const nested = w.s2 !== undefined;
  const input = w.inputLow(geo.ia);
  const oaLimit = 2 ** r.oaBits;
  const fail = (event: string, reason: string, level: number | undefined): undefined => {
    w.raise(event, reason, {
      stage: 1,
      cls: "IN",
      recorded: r.record || r.stall,
      stall: r.stall,
      ...(level !== undefined ? { level } : {}),
    });
    return undefined;
  };
  let level = geo.startLevel;
  let table = r.base;
  let apTable = 0;
  let xnTable = false;
  let pxnTable = false;
  for (let guard = 0; guard < 6; guard++) {
    const shift = levelShift(geo.g, level);
    const bits = level === geo.startLevel ? geo.startBits : geo.stride;
    const index = Math.floor(input / 2 ** shift) % 2 ** bits;
    const descAddr = table + index * 8;
    let descPa = descAddr;
    if (nested) {
      descPa = stage2Translate(w, descAddr, { cls: "TT", forStage1Level: level, label: `S1 L${level}` });
      if (descPa < 0) return undefined;
    }
    const ok = w.read(descPa, r.bigEndian);
    if (w.tracing) {
      w.step(`S1 L${level} descriptor`, "S1", nested ? "IPA" : "PA", descAddr, descPa, {
        stage: 1,
        level,
        indexBits: `IOVA[${shift + bits - 1}:${shift}]`,
        indexValue: index,
        spec: ok ? descriptorSpecFor(w.scratch, L, level) : L.page,
        aborted: !ok,
      });
    }
    if (!ok) {
      w.raise(
        "F_WALK_EABT",
        `external abort reading the stage-1 level-${level} descriptor at PA 0x${descPa.toString(16)}`,
        {
          stage: 1,
          level,
          cls: "TT",
          fetchAddr: descPa,
          recorded: true,
        },
      );
      return undefined;
    }
    const kind = descriptorKind(w.scratch, L, level);
    if (kind !== DESCRIPTOR_TABLE && kind !== DESCRIPTOR_LEAF)
      return fail("F_TRANSLATION", descriptorFaultReason(kind, L, level), level);
    if (kind === DESCRIPTOR_TABLE) {
      const next = tableAddress(w.scratch, L);
      if (next >= oaLimit) {
        return fail(
          "F_ADDR_SIZE",
          `stage-1 level-${level} table address 0x${next.toString(16)} is beyond the ${r.oaBits}-bit IPS`,
          level,
        );
      }
      if (!r.had) {
        apTable |= small(w.scratch, L.apTable!);
        if (small(w.scratch, L.uxnTable!)) xnTable = true;
        if (!r.singlePrivilege && small(w.scratch, L.pxnTable!)) pxnTable = true;
      }
      table = next;
      level++;
      continue;
    }
    const oa = leafAddress(w.scratch, L, level);
    if (oa >= oaLimit) {
      return fail(
        "F_ADDR_SIZE",
        `stage-1 level-${level} output address 0x${oa.toString(16)} is beyond the ${r.oaBits}-bit IPS`,
        level,
      );
    }
    // Hardware updates of this descriptor (AF, dirty) are writes: in a nested walk they need
    // stage-2 write permission on the page holding it (§5.7; F_PERMISSION S2=1 CLASS=TT TTRnW=0).
    const descPageWritable = !nested || w.s2Write;
    const descIpa = descAddr;
    // F_ACCESS comes before F_PERMISSION (§1.4); the hardware AF update itself is made only for
    // an access the permission check allows, so its stage-2 write check comes after that check
    // (§1.4 nested step 4; Arm DDI 0487 AArch64.S1Translate: permissions, then the HTTU write).
    const afClear = small(w.scratch, L.af) === 0;
    if (afClear && !r.ha && !r.affd) {
      return fail("F_ACCESS", `stage-1 level-${level} leaf has AF 0 (AFFD 0, no HA)`, level);
    }
    const ap = small(w.scratch, L.ap!);
    const dbm = small(w.scratch, L.dbm) === 1;
    const apTableWrite = (apTable & 2) !== 0;
    const dirtyWritable = r.hd && dbm && !apTableWrite;
    const xnLeaf = small(w.scratch, L.uxn!) === 1;
    const pxnLeaf = !r.singlePrivilege && small(w.scratch, L.pxn!) === 1;
    const perms = stage1Permissions(
      ap,
      apTable,
      xnLeaf,
      pxnLeaf,
      xnTable,
      pxnTable,
      r.wxn,
      r.singlePrivilege,
      dirtyWritable,
    );
    const privileged = w.privileged || r.singlePrivilege;
    const mine = privileged ? perms.priv : perms.unpriv;
    // PAN (§5.5): privileged data accesses to a page unprivileged code may access are denied.
    const panDenies =
      privileged &&
      !r.singlePrivilege &&
      r.pan &&
      (perms.unpriv.read || perms.unpriv.write || (r.epan && perms.unpriv.exec));
    const panHit = panDenies && !w.instr;
    const allowed = w.instr ? mine.exec : w.write ? mine.write : mine.read;
    if (!allowed || panHit) {
      const what = panHit
        ? "privileged data access to an unprivileged-accessible page (PAN)"
        : w.instr
          ? `${privileged ? "privileged" : "unprivileged"} instruction fetch`
          : `${privileged ? "privileged" : "unprivileged"} ${w.write ? "write" : "read"}`;
      // Arm DDI 0487 leaves an AF update on a Permission-faulting access CONSTRAINED UNPREDICTABLE
      // (AArch64.SettingAccessFlagPermitted); the walker makes none (reference §1.4) and says so.
      const afNote =
        afClear && r.ha && !descPageWritable
          ? "; an SMMU that still sets AF here would instead report the stage-2 F_PERMISSION CLASS=TT of that write"
          : "";
      return fail(
        "F_PERMISSION",
        `stage-1 permissions (AP ${ap}, APTable ${apTable}) do not allow this ${what}${afNote}`,
        level,
      );
    }
    if (afClear && r.ha) {
      if (!descPageWritable) return htttuDenied(w, descIpa, level, "set AF");
      w.noteLast("AF set by hardware (HA)");
    }
    if (w.write && (ap & 2) !== 0 && dirtyWritable) {
      if (!descPageWritable) return htttuDenied(w, descIpa, level, "clear AP[2] (dirty)");
      w.noteLast("AP[2] cleared by hardware (HD, DBM)");
    }
    const size = 2 ** levelShift(geo.g, level);
    const finalPerm = panDenies ? PERMISSIONS[mine.exec ? 4 : 0]! : mine;
    return {
      out: oa + (input % size),
      size,
      level,
      perm: finalPerm,
      priv: perms.priv,
      unpriv: perms.unpriv,
      attrIndx: small(w.scratch, L.attrIndx!),
      sh: L.sh ? small(w.scratch, L.sh) : r.leafSh,
      nG: small(w.scratch, L.nG!) === 1,
    };
  }
  return fail("F_TRANSLATION", "stage-1 walk did not end within the levels of the granule", undefined);
}

/** An HTTU update of a stage-1 descriptor that stage 2 does not allow to be written. */
function htttuDenied(w: Walk, descIpa: number, s1Level: number, what: string): undefined {
  const r = w.s2!;
  w.raise(
    "F_PERMISSION",
    `stage 2 does not permit the hardware update (${what}) of the stage-1 level-${s1Level} descriptor`,
    {
      stage: 2,
      cls: "TT",
      ipa: descIpa,
      ttRead: false,
      level: w.s2Level,
      recorded: r.record || r.stall,
      stall: r.stall,
    },
  );
  return undefined;
}
