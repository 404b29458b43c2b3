// docs/reference/ is generated from the record tables (engine/src/bits/reference-doc.ts): this
// test regenerates it and compares with the committed files, so the field docs never drift from
// the tables. With UPDATE_SNAPSHOTS=1 it rewrites the files instead of failing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./support/paths";
import { recordReferenceFiles, recordReferenceMarkdown, structureReferenceMarkdown } from "../src/bits/reference-doc";
import { RECORD_STRUCTURES, recordStructureByName } from "../src/bits/completion";
import { STE } from "../src/smmuv3/records/ste";

const STALE =
  "docs/reference is stale: run UPDATE_SNAPSHOTS=1 npm run test:unit " +
  "(or node --import tsx --test engine/test/reference-doc.test.ts)";

/** The first line where two texts differ, for the failure message. */
function firstDifference(committed: string, generated: string): string {
  const a = committed.split("\n");
  const b = generated.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  committed: ${a[i] ?? "<end>"}\n  generated: ${b[i] ?? "<end>"}`;
  }
  return "same lines";
}

test("docs/reference matches the record tables", () => {
  const dir = join(repoRoot(), "docs", "reference");
  const files = recordReferenceFiles();
  const generatedNames = new Set(files.map((f) => f.path));
  const existing = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".md")) : [];
  if (process.env["UPDATE_SNAPSHOTS"] === "1") {
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(join(dir, f.path), f.text);
    for (const name of existing) if (!generatedNames.has(name)) rmSync(join(dir, name));
    return;
  }
  const problems: string[] = [];
  for (const f of files) {
    const path = join(dir, f.path);
    if (!existsSync(path)) {
      problems.push(`docs/reference/${f.path} is missing`);
      continue;
    }
    const committed = readFileSync(path, "utf8").replace(/\r\n/g, "\n");
    if (committed !== f.text)
      problems.push(`docs/reference/${f.path} differs at ${firstDifference(committed, f.text)}`);
  }
  for (const name of existing) {
    if (!generatedNames.has(name)) problems.push(`docs/reference/${name} is not generated any more`);
  }
  assert.deepEqual(problems, [], `${STALE}\n${problems.join("\n")}`);
});

test("every structure has exactly one section, linked from the index", () => {
  const files = recordReferenceFiles();
  const index = files.find((f) => f.path === "index.md")!.text;
  const pages = files.filter((f) => f.path !== "index.md");
  for (const r of RECORD_STRUCTURES) {
    const heading = `\n## ${r.name}\n`;
    const holders = pages.filter((p) => p.text.includes(heading)).map((p) => p.path);
    assert.equal(holders.length, 1, `${r.name} is in ${holders.join(", ") || "no page"}`);
    assert.ok(index.includes(`](${holders[0]!}#${r.name.toLowerCase()})`), `index links ${r.name}`);
  }
});

test("STE section: facts, field rows with named values, RES0 ranges", () => {
  const md = structureReferenceMarkdown(STE);
  const lines = md.split("\n");
  assert.equal(lines[0], "## STE");
  assert.equal(lines[2], "Stream Table Entry: how the SMMU treats one StreamID.");
  assert.equal(lines[4], "Specification: SMMUv3 §5.2 (reference §2.1). Size: 8 dwords (64 bytes).");
  assert.equal(lines[6], "| Field | Bits | Meaning | Values |");
  assert.equal(lines[8], "| `V` | dword0[0] | STE valid. 0: every transaction is aborted with C_BAD_STE. | flag |");
  assert.equal(
    lines[9],
    "| `Config` | dword0[3:1] | Stream configuration: abort, bypass, stage 1, stage 2 or nested. | " +
      "`0` abort<br>`1` Reserved (abort) *(reserved)*<br>`2` Reserved (abort) *(reserved)*<br>" +
      "`3` Reserved (abort) *(reserved)*<br>`4` bypass<br>`5` stage 1<br>`6` stage 2<br>`7` nested |",
  );
  assert.ok(
    md.includes(
      "| `S1ContextPtr` | dword0[55:6] | Address of the CD, CD table or L1CD table (PA, or IPA when stage 2 translates). | address bits [55:6] |",
    ),
  );
  assert.ok(
    md.includes("| `S1CDMax` | dword0[63:59] | log2 of the number of CDs; 0: one CD, SubstreamIDs disabled. | 0..31 |"),
  );
  // STE dword 0 bits [58:56] belong to no field (IHI 0070 §5.2)
  assert.match(md, /\nRES0 \(no field; decode flags these bits when set\): dword0\[58:56\], /);
});

test("register sections print register bits and the offset; 32-bit registers have no RES0 above bit 31", () => {
  const idr0 = recordStructureByName("SMMU_IDR0")!;
  const md = structureReferenceMarkdown(idr0.spec);
  assert.ok(md.includes("Specification: SMMUv3 §6.3 (reference §7). Offset 0x0000, 32-bit."));
  assert.ok(md.includes("| `S2P` | [0] | Stage-2 translation supported. | flag |"));
  assert.ok(
    md.includes(
      "| `TTF` | [3:2] | Translation table formats. | `0` Reserved *(reserved)*<br>`1` VMSAv8-32<br>`2` VMSAv8-64<br>`3` VMSAv8-32 and VMSAv8-64 |",
    ),
  );
  const res0 = /\nRES0[^\n]*: ([^\n]*)\.\n/.exec(md);
  for (const range of (res0?.[1] ?? "").split(", ").filter(Boolean)) {
    const hi = Number(/^\[(\d+)/.exec(range)?.[1]);
    assert.ok(hi <= 31, `${range} lies inside the 32-bit register`);
  }
});

test("event sections give the event number; the one-document form holds every section", () => {
  const f = recordStructureByName("F_TRANSLATION")!;
  const md = structureReferenceMarkdown(f.spec);
  assert.ok(md.includes("Event number 0x10. Size: 4 dwords (32 bytes)."));
  assert.ok(md.includes("| `CLASS` | dword1[41:40] |"));
  const all = recordReferenceMarkdown();
  for (const r of RECORD_STRUCTURES) assert.ok(all.includes(`\n## ${r.name}\n`), r.name);
});
