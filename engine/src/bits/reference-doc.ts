// The field reference (docs/reference/*.md), generated from the record tables: per structure a
// heading, what it is, where the specification defines it, a table of its fields (bits, meaning,
// named values) and its RES0 ranges. Nothing here describes a field by hand: everything comes from
// the `struct(...)` tables through the completion data (completion.ts), so the docs cannot drift
// from what decode, encode, hover and completion use. engine/test/reference-doc.test.ts holds the
// committed files equal to this output (UPDATE_SNAPSHOTS=1 rewrites them).

import { bitsLabel, type StructSpec } from "./fields";
import {
  RECORD_STRUCTURES,
  fieldCompletions,
  recordStructureOf,
  res0Ranges,
  type FieldCompletion,
  type RecordStructure,
  type RecordStructureGroup,
} from "./completion";

/** One generated Markdown file, `path` relative to docs/reference/. */
export interface RecordReferenceFile {
  readonly path: string;
  readonly text: string;
}

interface GroupPage {
  readonly group: RecordStructureGroup;
  readonly path: string;
  readonly title: string;
  readonly intro: string;
}

const PAGES: readonly GroupPage[] = [
  {
    group: "stream-table",
    path: "stream-table.md",
    title: "Stream table: STE and L1STD",
    intro: "The Stream Table Entry and the level-1 descriptor of a 2-level stream table.",
  },
  {
    group: "context",
    path: "context-descriptors.md",
    title: "Context descriptors: CD and L1CD",
    intro: "The Context Descriptor (stage-1 regime of one SubstreamID) and the level-1 CD table descriptor.",
  },
  {
    group: "event",
    path: "events.md",
    title: "Event records",
    intro: "One table per event type (4 dwords); a type's table holds only the fields that event defines.",
  },
  {
    group: "command",
    path: "commands.md",
    title: "Commands",
    intro: "Command queue entries (2 dwords), one table per opcode.",
  },
  {
    group: "register",
    path: "registers.md",
    title: "Registers",
    intro: "The SMMU registers that decide legality and event generation (bits of the register itself).",
  },
  {
    group: "descriptor",
    path: "descriptors.md",
    title: "Translation-table descriptors",
    intro:
      "VMSAv8-64 table, block and page descriptors per stage and granule; `_52` is the 52-bit " +
      "output-address layout (FEAT_LPA2 with DS=1 for 4KB/16KB, FEAT_LPA for 64KB); `_L<n>` is a block at level n.",
  },
];

const GENERATED_NOTE =
  "<!-- Generated from the record tables by engine/src/bits/reference-doc.ts; do not edit by hand.\n" +
  "     Regenerate: UPDATE_SNAPSHOTS=1 node --import tsx --test engine/test/reference-doc.test.ts -->";

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

function hex(n: number, digits = 2): string {
  return "0x" + n.toString(16).padStart(digits, "0");
}

/** A register's table is one dword: its bits read `[4:0]`, not `dword0[4:0]`. */
function bitsOf(entry: RecordStructure | undefined, f: Pick<FieldCompletion, "lsb" | "width">): string {
  const label = bitsLabel(f);
  return entry?.group === "register" ? label.replace(/^dword0/, "") : label;
}

function valuesCell(spec: StructSpec, f: FieldCompletion): string {
  const table = spec.byName.get(f.name);
  if (f.kind === "address") {
    const top = f.shift + f.width - 1;
    return `address bits [${top}:${f.shift}]`;
  }
  if (table?.values) {
    return f.values.map((v) => `\`${v.value}\` ${cell(v.name)}${v.reserved ? " *(reserved)*" : ""}`).join("<br>");
  }
  const reserved = f.reservedValues.length ? `; reserved: ${f.reservedValues.map((v) => `\`${v}\``).join(", ")}` : "";
  if (f.kind === "flag") return `flag${reserved}`;
  return `0..${f.width > 16 ? f.maxRaw : String(2 ** f.width - 1)}${reserved}`;
}

function facts(entry: RecordStructure | undefined, spec: StructSpec): string {
  const size = `${spec.dwords} dword${spec.dwords === 1 ? "" : "s"} (${spec.dwords * 8} bytes)`;
  switch (entry?.group) {
    case "event":
      return `Event number ${hex(entry.code ?? 0)}. Size: ${size}.`;
    case "command":
      return `Opcode ${hex(entry.code ?? 0)}. Size: ${size}.`;
    case "register":
      return `Offset ${hex(entry.code ?? 0, 4)}, ${entry.sizeBits}-bit.`;
    default:
      return `Size: ${size}.`;
  }
}

/**
 * The reference section of one structure: heading, doc, specification section, field table and
 * RES0 ranges. Registry facts (event number, opcode, register offset and width) are added when
 * the table is one of RECORD_STRUCTURES.
 */
export function structureReferenceMarkdown(spec: StructSpec): string {
  const entry = recordStructureOf(spec);
  const lines: string[] = [`## ${spec.name}`, "", entry?.doc ?? spec.doc, ""];
  lines.push(`Specification: ${spec.section}. ${facts(entry, spec)}`, "");
  if (entry?.notes.length) lines.push(entry.notes.join(" "), "");
  const fields = fieldCompletions(spec);
  if (fields.length) {
    lines.push("| Field | Bits | Meaning | Values |", "| --- | --- | --- | --- |");
    for (const f of fields) {
      const where = f.section !== spec.section ? ` (${f.section})` : "";
      lines.push(`| \`${f.name}\` | ${bitsOf(entry, f)} | ${cell(f.doc + where)} | ${valuesCell(spec, f)} |`);
    }
    lines.push("");
  }
  const res0 = res0Ranges(spec, entry?.sizeBits);
  lines.push(
    res0.length
      ? `RES0 (no field; decode flags these bits when set): ${res0.map((r) => bitsOf(entry, { lsb: r.dword * 64 + r.lo, width: r.hi - r.lo + 1 })).join(", ")}.`
      : "RES0: none (every bit belongs to a field).",
    "",
  );
  return lines.join("\n");
}

function inSpecOrder(group: RecordStructureGroup): RecordStructure[] {
  return RECORD_STRUCTURES.filter((r) => r.group === group).sort((a, b) => a.order - b.order);
}

function groupPage(page: GroupPage): string {
  const parts = [`# ${page.title}`, "", GENERATED_NOTE, "", page.intro, "", "[All structures](index.md)", ""];
  for (const r of inSpecOrder(page.group)) parts.push(structureReferenceMarkdown(r.spec));
  return parts.join("\n");
}

function indexPage(): string {
  const lines = [
    "# SMMUv3 record reference",
    "",
    GENERATED_NOTE,
    "",
    "Every architected structure IOMMU Lens decodes and encodes, with its fields, bits, meaning and " +
      "named values, generated from the same tables that drive decoding, encoding, hover and completion " +
      "(engine/src/smmuv3/records/). Names are the ones the `.iommu` language and the CLI use.",
    "",
  ];
  for (const page of PAGES) {
    lines.push(`## [${page.title}](${page.path})`, "", page.intro, "");
    for (const r of inSpecOrder(page.group)) {
      const code =
        r.group === "event" || r.group === "command"
          ? ` (${hex(r.code ?? 0)})`
          : r.group === "register"
            ? ` (${hex(r.code ?? 0, 4)})`
            : "";
      lines.push(`- [${r.name}](${page.path}#${r.name.toLowerCase()})${code}: ${cell(r.doc)}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

/** Every file of docs/reference/: an index and one page per group of structures, in a fixed order. */
export function recordReferenceFiles(): readonly RecordReferenceFile[] {
  return [{ path: "index.md", text: indexPage() }, ...PAGES.map((p) => ({ path: p.path, text: groupPage(p) }))];
}

/** The whole reference as one Markdown document (every group, every structure). */
export function recordReferenceMarkdown(): string {
  const parts = ["# SMMUv3 record reference", ""];
  for (const page of PAGES) {
    parts.push(`# ${page.title}`, "", page.intro, "");
    for (const r of inSpecOrder(page.group)) parts.push(structureReferenceMarkdown(r.spec));
  }
  return parts.join("\n");
}
