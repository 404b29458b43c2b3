// resultToJson: the result contract of formats.md exactly (hex strings lowercase `0x` without
// leading zeros, small counts as numbers, `record` as four dwords or `recorded: false`, steps
// only with trace, each with its `file:line` source).
import { test } from "node:test";
import assert from "node:assert/strict";
import { span } from "../../src/source";
import { resultToJson } from "../../src/smmuv3/scenario/result-json";
import type { WalkResult } from "../../src/smmuv3/walk/types";

const step = {
  what: "S1 L0 descriptor",
  structure: "S1",
  stage: 1,
  level: 0,
  space: "IPA",
  addr: 0x4100_0000,
  pa: 0x8_4100_0000,
  value: { lo: 0x4100_1003, hi: 0 },
  index: { bits: "IOVA[47:39]", value: 0 },
  provenance: { ...span("/home/u/host.iommu", 41, 0, 41, 20), what: "memory[3]" },
} as const;

test("a translation: pa, size, perm, attrs (IDs and register values in hex), steps with --trace", () => {
  const result: WalkResult = {
    outcome: "translated",
    pa: 0x8_5000_0123,
    size: 0x1000,
    perm: { read: true, write: false, exec: false },
    attrs: { memType: "Normal-WB", sh: "inner", attrIndx: 1, mair: 0xff, nG: true, asid: 0x42, vmid: 0 },
    steps: [
      step,
      {
        ...step,
        what: "STE dword 0",
        structure: "STE",
        level: undefined,
        stage: undefined,
        index: undefined,
        provenance: undefined,
        space: "PA",
        value: { lo: 0xb, hi: 0x8_0000 },
      },
    ] as WalkResult["steps"],
  };
  assert.deepEqual(resultToJson(result, { trace: true, id: "nested-4k-ok" }), {
    id: "nested-4k-ok",
    outcome: "translated",
    pa: "0x850000123",
    size: "0x1000",
    perm: { read: true, write: false, exec: false },
    attrs: { memType: "Normal-WB", sh: "inner", attrIndx: 1, mair: "0xff", nG: true, asid: "0x42", vmid: "0x0" },
    steps: [
      {
        what: "S1 L0 descriptor",
        structure: "S1",
        stage: 1,
        level: 0,
        space: "IPA",
        addr: "0x41000000",
        pa: "0x841000000",
        value: "0x41001003",
        index: { bits: "IOVA[47:39]", value: "0x0" },
        source: "host.iommu:42",
      },
      {
        what: "STE dword 0",
        structure: "STE",
        space: "PA",
        addr: "0x41000000",
        pa: "0x841000000",
        value: "0x800000000000b",
      },
    ],
  });
  const plain = resultToJson(result, { trace: false });
  assert.equal("steps" in plain, false);
  assert.equal("id" in plain, false);
});

test("a recorded fault: event, id, stage, level, class, addresses, the record's four dwords", () => {
  const record = new Uint32Array([
    0x0000_0010, 0x0000_0011, 0x0000_0000, 0x0000_0208, 0x1234_5000, 0xff80_0000, 0x0000_1000, 0,
  ]);
  const result: WalkResult = {
    outcome: "fault",
    fault: {
      event: "F_TRANSLATION",
      id: 0x10,
      stage: 1,
      level: 2,
      class: "IN",
      inputAddr: { lo: 0x1234_5000, hi: 0xff80_0000 },
      ipa: 0x1000,
      fetchAddr: 0,
      recorded: true,
      record,
      reason: "stage-1 level-2 descriptor is invalid",
    },
    steps: [],
  };
  const json = resultToJson(result, { trace: true, id: "f" });
  assert.deepEqual(json, {
    id: "f",
    outcome: "fault",
    fault: {
      event: "F_TRANSLATION",
      id: "0x10",
      stage: 1,
      level: 2,
      class: "IN",
      inputAddr: "0xff80000012345000",
      ipa: "0x1000",
      fetchAddr: "0x0",
      recorded: true,
      record: ["0x1100000010", "0x20800000000", "0xff80000012345000", "0x1000"],
      reason: "stage-1 level-2 descriptor is invalid",
    },
    steps: [],
  });
  // the contract's key order: event, id, stage, level, class, inputAddr, ipa, fetchAddr, record
  assert.deepEqual(Object.keys(json.fault), [
    "event",
    "id",
    "stage",
    "level",
    "class",
    "inputAddr",
    "ipa",
    "fetchAddr",
    "recorded",
    "record",
    "reason",
  ]);
});

test("a suppressed fault says what it was, recorded false and no record", () => {
  const result: WalkResult = {
    outcome: "fault",
    fault: {
      event: "F_TRANSLATION",
      id: 0x10,
      stage: 2,
      level: 3,
      class: "TT",
      inputAddr: { lo: 0, hi: 0 },
      recorded: false,
      reason: "S2R=0",
    },
    steps: [],
  };
  assert.deepEqual(resultToJson(result, { trace: false }).fault, {
    event: "F_TRANSLATION",
    id: "0x10",
    stage: 2,
    level: 3,
    class: "TT",
    inputAddr: "0x0",
    recorded: false,
    reason: "S2R=0",
  });
});

test("abort and bypass carry their reason; findings are passed through", () => {
  const abort: WalkResult = {
    outcome: "abort",
    steps: [],
    reason: "STE.Config is abort",
    findings: [
      { code: "STE-05", severity: "warning", illegal: false, fields: ["Config"], message: "m", section: "§2.3" },
    ],
  };
  assert.deepEqual(resultToJson(abort, { trace: false }), {
    outcome: "abort",
    reason: "STE.Config is abort",
    findings: [
      { code: "STE-05", severity: "warning", illegal: false, fields: ["Config"], message: "m", section: "§2.3" },
    ],
  });
});
