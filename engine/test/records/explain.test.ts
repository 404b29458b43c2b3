// Event explanations: the type's cause and next steps made specific with the record's values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EVENT_TYPES, decodeEvent, encodeEvent, explainEvent, readNonArchitectural } from "../../src/smmuv3/records";

test("every event type carries a cause, next steps and a short summary clause", () => {
  for (const t of EVENT_TYPES) {
    assert.ok(t.cause.length > 40, t.name);
    assert.ok(t.nextSteps.length >= 1, t.name);
    assert.ok(t.short.length > 10, t.name);
    const d = decodeEvent(encodeEvent(t.id, { StreamID: { lo: 0x42, hi: 0 } }).words);
    assert.match(d.summary, t.id === 0x06 || t.id === 0x07 || t.id === 0x08 ? /^StreamID 0x42/ : /^StreamID 0x42: /);
    const e = explainEvent(d);
    assert.ok(e.cause.startsWith(`${t.name} for StreamID 0x42`), e.cause);
    for (const s of t.nextSteps) assert.ok(e.nextSteps.includes(s), `${t.name}: ${s}`);
  }
});

test("nested stage-2 fault on a stage-1 table (reference §9.2): where, which IPA, what to check", () => {
  const d = decodeEvent([0x5810, 0x100, 0, 0x188, 0x80201abc, 0, 0x7fe00000, 0]);
  assert.equal(
    d.summary,
    "StreamID 0x100, SubstreamID 0x5: no valid translation; stage 2 while accessing a stage-1 translation table (CLASS=TT), read of 0x80201abc, IPA page 0x7fe00000",
  );
  const e = explainEvent(d);
  assert.match(
    e.cause,
    /It happened in stage 2, while translating the IPA of a stage-1 table descriptor \(IPA page 0x7fe00000\), for an unprivileged data read of 0x80201abc\.$/,
  );
  assert.equal(e.nextSteps[0], "Is the address mapped (a valid descriptor at every level) and inside the input range?");
  assert.match(e.nextSteps[1]!, /^Does stage 2 \(the IOAS \/ S2 parent\) map the guest page-table page/);
});

test("stage-1 permission fault (reference §9.3) and a stalled one", () => {
  const d = decodeEvent([0x13, 0x42, 0, 0x200, 0xfffff040, 0, 0, 0]);
  assert.equal(
    d.summary,
    "StreamID 0x42: the access is not permitted; stage 1 on the transaction's address (CLASS=IN), write of 0xfffff040",
  );
  const e = explainEvent(d);
  assert.match(e.cause, /in stage 1, on the device's address, for an unprivileged data write of 0xfffff040\.$/);
  assert.equal(e.nextSteps[0], "Do the leaf's permissions (AP / S2AP, XN, PXN/UXN, PAN, APTable) allow this access?");
  const stalled = decodeEvent([0x13, 0x42, 0x8000_0017, 0x200, 0x1000, 0, 0, 0]);
  assert.match(stalled.summary, /, stalled \(STAG 0x17\)$/);
  assert.ok(explainEvent(stalled).nextSteps.some((s) => s.includes("CMD_RESUME (STAG 0x17)")));
});

test("configuration events name the structure to read; record problems are repeated", () => {
  const seed = explainEvent(decodeEvent([4, 0x7d11, 0x80, 0x1008, 0xfe040000, 0, 0x7e04c440, 0]));
  assert.match(seed.nextSteps[0]!, /^Read the STE of StreamID 0x7d11 /);
  assert.equal(
    seed.nextSteps.at(-1),
    "The record itself has problems: dword1..3 are not defined for C_BAD_STE and are not zero: RES0 per Arm IHI 0070 §7.3 (portions of an event record not explicitly defined are RES0; C_BAD_STE is §7.3.5), so this is non-architectural content.",
  );
  const ssid = explainEvent(decodeEvent([0x8 | (0x123 << 12), 0x11, 0, 0, 0, 0, 0, 0]));
  assert.match(ssid.nextSteps[0]!, /^Is SubstreamID 0x123 below 2\^STE\.S1CDMax/);
  const fetch = explainEvent(decodeEvent([0x9, 0x11, 0x10000, 0, 0, 0, 0x4000_0040, 0]));
  assert.equal(
    fetch.nextSteps[0],
    "Is FetchAddr 0x40000040 real, accessible memory? GPCF=1: a granule protection check refused it.",
  );
  const unknown = explainEvent(decodeEvent([0x42]));
  assert.match(unknown.cause, /^UNKNOWN_0x42: event number 0x42 is Reserved/);
});

test("non-architectural content of the seed C_BAD_STE is read with the other layouts (reference §9.1)", () => {
  const readings = readNonArchitectural([4, 0x7d11, 0x80, 0x1008, 0xfe040000, 0, 0x7e04c440, 0]);
  assert.deepEqual(
    readings.map((r) => [r.layout, r.fields.map((f) => [f.field, f.value])]),
    [
      [
        "F_TRANSLATION layout",
        [
          ["STAG", "0x80"],
          ["RnW", "0x1"],
          ["InputAddr", "0xfe040000"],
          ["IPA", "0x7e04c000"],
        ],
      ],
      [
        "F_STE_FETCH layout",
        [
          ["Reason", "0x80"],
          ["FetchAddr", "0x7e04c440"],
        ],
      ],
    ],
  );
  assert.match(readings[0]!.note, /^Not architectural for C_BAD_STE/);
  assert.deepEqual(
    readNonArchitectural([4, 0x7d11, 0, 0, 0, 0, 0, 0]),
    [],
    "nothing to read when the undefined dwords are zero",
  );
  assert.deepEqual(readNonArchitectural([0x10, 0x11, 0, 0, 1, 0, 0, 0]), [], "F_TRANSLATION defines all its dwords");
  assert.deepEqual(readNonArchitectural([0x42, 0, 1, 1, 1, 1, 1, 1]), [], "unknown type");
});

test("F_BAD_ATS_TREQ names the requested access and questions a request without R", () => {
  // R (DW1[31]) and W (DW1[30]), Span 2, page 0x12345000
  const ok = explainEvent(decodeEvent([0x5, 0x42, 0xc000_0002, 0, 0x1234_5000, 0, 0, 0]));
  assert.match(ok.cause, / The request asked for R W on 0x2 STU\(s\) at page 0x12345000\.$/);
  assert.ok(!ok.nextSteps.some((s) => s.startsWith("R is 0")));
  const noRead = explainEvent(decodeEvent([0x5, 0x42, 0x4000_0001, 0, 0x1000, 0, 0, 0]));
  assert.match(noRead.cause, / asked for W on 0x1 STU\(s\) at page 0x1000\.$/);
  assert.match(noRead.nextSteps[0]!, /^R is 0, but a PCIe ATS Translation Request always asks for read/);
});

test("E_PAGE_REQUEST names the expected access and the span", () => {
  // pR (DW1[39]) and uW (DW1[34]), Span 0x10 (DW1[51:44]), from 0xabc000
  const e = explainEvent(decodeEvent([0x24, 0x42, 0, 0x0001_0084, 0x00ab_c000, 0, 0, 0]));
  assert.match(e.cause, / It expects pR uW access to 0x10 4KB page\(s\) from 0xabc000\.$/);
});
