// The command-queue error explanations (cmdq-errors.ts): one for every CERROR value the
// SMMU_CMDQ_CONS.ERR table names except CERROR_NONE, each citing §7.1, none for other names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cmdqErrorHelp, cmdqErrorName, fieldOf, registerByName } from "../../src/index";

test("cmdqErrorHelp explains exactly the CERROR values of CMDQ_CONS.ERR that are errors", () => {
  const names = Object.values(fieldOf(registerByName("CMDQ_CONS")!.struct, "ERR").values ?? {});
  assert.deepEqual(names, ["CERROR_NONE", "CERROR_ILL", "CERROR_ABT", "CERROR_ATC_INV_SYNC"]);
  assert.deepEqual(
    names.filter((n) => cmdqErrorHelp(n) !== undefined),
    ["CERROR_ILL", "CERROR_ABT", "CERROR_ATC_INV_SYNC"],
  );
  for (const n of ["CERROR_ILL", "CERROR_ABT", "CERROR_ATC_INV_SYNC"]) {
    const help = cmdqErrorHelp(n)!;
    assert.match(help.cause, /IHI 0070 §7\.1/, n);
    assert.ok(help.nextSteps.length >= 2, n);
  }
  assert.equal(cmdqErrorHelp(cmdqErrorName(4)), undefined);
  assert.equal(cmdqErrorHelp("constructor"), undefined);
});
