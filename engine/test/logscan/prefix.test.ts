// What the scanner peels off a line before looking for records: quoting, priority, journal
// prefix, timestamps; the body keeps the device prefix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLogLinePrefix } from "../../src/logscan/prefix";

const CASES: [string, number, string][] = [
  [
    "[10501.943881] arm-smmu-v3 arm-smmu-v3.2.auto: event 0x04 received:",
    0,
    "arm-smmu-v3 arm-smmu-v3.2.auto: event 0x04 received:",
  ],
  ["[    0.447830] hns3 0000:00:01.0: x", 0, "hns3 0000:00:01.0: x"],
  ["> [10501.943884] a: 0x1", 1, "a: 0x1"],
  ["> > [1.5] a", 2, "a"],
  [">> a", 2, "a"],
  [">>> a", 3, "a"],
  ["  > quoted after indentation", 1, "quoted after indentation"],
  ["<3>[  12.000001] arm-smmu-v3: CMDQ error", 0, "arm-smmu-v3: CMDQ error"],
  ["Mar 25 11:35:01 host kernel: [10501.943881] arm-smmu-v3 x: y", 0, "arm-smmu-v3 x: y"],
  ["[Wed Mar 25 11:35:01 2020] arm-smmu-v3 x: y", 0, "arm-smmu-v3 x: y"],
  ["[  +0.000003] arm-smmu-v3 x: y", 0, "arm-smmu-v3 x: y"],
  ["[    1.234567][    T1] arm-smmu-v3 x: y", 0, "arm-smmu-v3 x: y"],
  ["[ 5.0][  C3] a", 0, "a"],
  ["2020-03-25T11:35:01+0000 host kernel: arm-smmu-v3 x: y", 0, "arm-smmu-v3 x: y"],
  ["2020-03-25T11:35:01.123456+01:00 host kernel: [ 1.0] a", 0, "a"],
  ["[Mar25 11:35] arm-smmu-v3 x: y", 0, "[Mar25 11:35] arm-smmu-v3 x: y"],
  ["[not a stamp] text", 0, "[not a stamp] text"],
  ["[0x1000] text", 0, "[0x1000] text"],
  ["[12.] text", 0, "text"],
  ["[12.5 text", 0, "[12.5 text"],
  ["", 0, ""],
  [">", 1, ""],
  ["3,1234,12345678,-;arm-smmu-v3 x: event 0x10 received:", 0, "arm-smmu-v3 x: event 0x10 received:"],
  ["12,5,0,c,more;arm-smmu-v3 x: y", 0, "arm-smmu-v3 x: y"],
  ["> 6,339,5140900,-;a", 1, "a"],
  ["3,1234,12345678 no semicolon", 0, "3,1234,12345678 no semicolon"],
  ["0x1,0x2,0x3,0x4;", 0, "0x1,0x2,0x3,0x4;"],
  ["kern  :err   : [   12.345678] arm-smmu-v3 x: y", 0, "arm-smmu-v3 x: y"],
  ["kern  :info  : [Sat Nov 21 08:00:00 2026] a", 0, "a"],
  ["user  :warn  : b", 0, "b"],
  ["arm-smmu-v3 x: y", 0, "arm-smmu-v3 x: y"],
  ["kern:err: [ 1.0] a", 0, "kern:err: [ 1.0] a"],
];

test("prefixes are peeled exactly", () => {
  for (const [line, depth, body] of CASES) {
    const p = parseLogLinePrefix(line);
    assert.deepEqual([p.quoteDepth, line.slice(p.bodyStart)], [depth, body], line);
  }
});
