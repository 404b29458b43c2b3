// What `decode`'s two human tables print alike: the log's (decode.ts) and a queue dump's
// (decode-dump.ts). A record's field rows, an event's meaning, cause and next steps (once per
// name), and the closing lines with a count per record name and its StreamIDs. Each returns lines
// without their line break.

import type { DecodedField, EventType } from "../../../engine/src/index";

/** The `field bits value meaning` rows of a record, columns padded to their widest cell. */
export function fieldTableLines(fields: readonly DecodedField[]): string[] {
  if (fields.length === 0) return [];
  const rows = fields.map((f) => [f.field, f.bits, f.value, f.meaning]);
  const widths = [5, 4, 5].map((min, c) => Math.max(min, ...rows.map((row) => row[c]!.length)));
  const lines = [
    `  ${"field".padEnd(widths[0]!)}  ${"bits".padEnd(widths[1]!)}  ${"value".padEnd(widths[2]!)}  meaning`,
  ];
  for (const row of rows) {
    lines.push(
      `  ${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]!.padEnd(widths[2]!)}  ${row[3]!}`.trimEnd(),
    );
  }
  return lines;
}

/**
 * An event's meaning, cause and next steps the first time its name is met (`explained` remembers
 * the names; mails quote a log many times), a pointer back to them afterwards.
 */
export function eventExplanationLines(type: EventType, explained: Set<string>): string[] {
  if (explained.has(type.name)) return [`  (cause and next steps for ${type.name}: see above)`];
  explained.add(type.name);
  const lines = [`  meaning: ${type.doc}`, `  cause: ${type.cause}`];
  if (type.nextSteps.length) {
    lines.push("  next steps:");
    type.nextSteps.forEach((s, i) => lines.push(`    ${i + 1}. ${s}`));
  }
  return lines;
}

/** Records of one name and, per StreamID key, how many (in first-seen order). */
export interface NameCount {
  count: number;
  readonly streamIds: Map<string, number>;
}

/** StreamIDs listed per record name in the closing summary; the rest are counted. */
const SUMMARY_STREAM_IDS = 5;

/**
 * One line per record name, most frequent first, with its count and its most frequent StreamIDs
 * (`streamIdText` shows a StreamID key).
 */
export function nameCountLines(
  counts: ReadonlyMap<string, NameCount>,
  streamIdText: (key: string) => string = (key) => key,
): string[] {
  const names = [...counts.entries()].sort((a, b) => b[1].count - a[1].count);
  const nameWidth = Math.max(0, ...names.map(([n]) => n.length));
  const countWidth = Math.max(0, ...names.map(([, c]) => String(c.count).length));
  return names.map(([name, c]) => {
    const sids = [...c.streamIds.entries()].sort((a, b) => b[1] - a[1]);
    const shown = sids.slice(0, SUMMARY_STREAM_IDS).map(([key, n]) => `${streamIdText(key)} (${n})`);
    if (sids.length > SUMMARY_STREAM_IDS) shown.push(`${sids.length - SUMMARY_STREAM_IDS} more`);
    const line = `  ${name.padEnd(nameWidth)}  ${String(c.count).padStart(countWidth)}`;
    return shown.length ? `${line}  StreamID ${shown.join(", ")}` : line;
  });
}
