// `expect translate` against a walk the walker does not model (outcome "not-modelled"): the
// expectation fails, whether it expects a PA or a fault, with a message that gives the reason and
// says it can be neither confirmed nor refuted; the LANG-EXPECT-FAILED diagnostic names no event
// (there is none). The same description in the Non-secure state still passes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { analyzeDescription } from "../../src/lang/lint";

const DESCRIPTION = (
  smmu: string,
  aa64: number,
): string => `smmu { oas 48; ${smmu}; strtab linear @0x8000_0000 log2size 8 }
ste 0x42 { config 0b101; s1contextptr @cd0 }
cd cd0 @0x4000_0000 { t0sz 16; tg0 4k; ips 48; aa64 ${aa64}; r 1; a 1; epd1 1; ttb0 @s1 }
pagetable s1 stage1 granule 4k ia 48 @0x4100_0000 {
  map 0xffff_f000 size 4K -> 0x8_1234_5000 attrindx 1 ap ro sh ish af ng pxn uxn
}
expect translate sid 0x42 iova 0xffff_f040 read -> 0x8_1234_5040
expect translate sid 0x42 iova 0xffff_f040 read -> fault C_BAD_STE
`;

const UNDECIDED = "the expectation can be neither confirmed nor refuted";
const SECURE =
  'not modelled: Secure streams (SEC_STATE "Secure"): the walker translates Non-secure streams only (one physical address space, no Secure stage 2); this STE is not ILLEGAL by checkSte\'s rules for Secure STEs';
const VMSAV8_32 =
  "not modelled: VMSAv8-32 LPAE stage-1 tables (CD.AA64 0): the walker reads only VMSAv8-64 descriptors";

function run(text: string): ReturnType<typeof analyzeDescription> {
  return analyzeDescription(text, "/ws/t.iommu", { root: "/ws" });
}

const cases: [string, string, number, string, number][] = [
  ["a Secure stream", "sec_state secure", 1, SECURE, 8],
  ["VMSAv8-32 stage-1 tables", "ttf aarch32 aarch64", 0, VMSAV8_32, 16],
];

for (const [name, smmu, aa64, reason, reads] of cases) {
  test(`expect translate meeting ${name}: fails as undecided, with the reason`, () => {
    const r = run(DESCRIPTION(smmu, aa64));
    assert.deepEqual(
      r.expectations.map((e) => [e.pass, e.message, e.result?.outcome, e.result?.fault, e.result?.steps.length]),
      [
        [
          false,
          `expected 0x812345040, but the walker cannot decide it: ${reason}; ${UNDECIDED}`,
          "not-modelled",
          undefined,
          reads,
        ],
        [
          false,
          `expected fault C_BAD_STE, but the walker cannot decide it: ${reason}; ${UNDECIDED}`,
          "not-modelled",
          undefined,
          reads,
        ],
      ],
    );
    assert.deepEqual(
      r.diagnostics.map((d) => [d.code, d.severity, d.event, d.span?.start.line]),
      [
        ["LANG-EXPECT-FAILED", "error", undefined, 6],
        ["LANG-EXPECT-FAILED", "error", undefined, 7],
      ],
    );
  });
}

test("the same description in the Non-secure state with VMSAv8-64 tables: the PA holds, the fault does not", () => {
  const r = run(DESCRIPTION("sec_state nonsecure", 1));
  assert.deepEqual(
    r.expectations.map((e) => [e.pass, e.message]),
    [
      [true, "translated to 0x812345040"],
      [false, "expected fault C_BAD_STE, but translated to 0x812345040"],
    ],
  );
});
