// The typed messages that cross a process or frame boundary: language server <-> extension
// (custom LSP requests), extension <-> webview (postMessage), debug adapter launch arguments.
//
// Plain types and string constants only: every side (Node, the browser, other editors' clients)
// imports this file, so it imports nothing. Shapes follow docs/formats.md's conventions: numbers
// that are addresses, IDs or register words are lowercase `0x` hex strings.

// ---- LSP: iommuLens/decodeAt ------------------------------------------------------------------

/** Method name of the custom request: the decoded record at a position, or null. */
export const DECODE_AT_METHOD = "iommuLens/decodeAt";

/** A zero-based LSP position (line, UTF-16 character). */
export interface ProtocolPosition {
  readonly line: number;
  readonly character: number;
}

export interface DecodeAtParams {
  readonly textDocument: { readonly uri: string };
  readonly position: ProtocolPosition;
}

/** One decoded field, as a table row: the specification's name, its bits, its value, its reading. */
export interface RecordFieldView {
  /** `StreamID` */
  readonly name: string;
  /** `dword0[63:32]` */
  readonly bits: string;
  /** `0x7d11` */
  readonly value: string;
  /** Enumerated name or a short reading; "" when none. */
  readonly meaning: string;
}

/** A decoded record found in a document, ready to render; the receiver computes nothing. */
export interface RecordView {
  /** `event`, `cmdq-error`, `dwords` (formats.md `kind`). */
  readonly kind: string;
  /** `C_BAD_STE`, or `UNKNOWN_0x..` */
  readonly name: string;
  /** Event or command id as hex (`0x4`). */
  readonly id: string;
  /** The record's 64-bit words as hex. */
  readonly raw: readonly string[];
  readonly fields: readonly RecordFieldView[];
  /** One sentence: what happened. */
  readonly summary: string;
  /** Why the SMMU records this event (from the event table), "" when unknown. */
  readonly cause: string;
  readonly nextSteps: readonly string[];
  /** What is wrong with the record itself (non-zero undefined dwords, ...). */
  readonly problems: readonly string[];
  /** Where it was found: zero-based first and last line in the document. */
  readonly uri: string;
  readonly startLine: number;
  readonly endLine: number;
}

/** Result of iommuLens/decodeAt: null when no record covers the position. */
export type DecodeAtResult = RecordView | null;

// ---- extension <-> webview ("record" panel) ---------------------------------------------------

/** Host -> webview: show this record (or say why there is none). */
export interface ShowRecordMessage {
  readonly type: "showRecord";
  readonly record: RecordView | null;
  /** Shown when `record` is null ("No IOMMU record at line 3 of foo.log"). */
  readonly message: string;
}

export type HostToRecordPanel = ShowRecordMessage;

/** Webview -> host: the panel's script is loaded and listening. */
export interface RecordPanelReady {
  readonly type: "ready";
}

export type RecordPanelToHost = RecordPanelReady;

/** Narrows an unknown postMessage payload to a host message (the webview trusts nothing). */
export function isHostToRecordPanel(value: unknown): value is HostToRecordPanel {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { type?: unknown; record?: unknown; message?: unknown };
  return (
    v.type === "showRecord" && typeof v.message === "string" && (v.record === null || typeof v.record === "object")
  );
}

// ---- debug adapter -----------------------------------------------------------------------------

/** The debugger type contributed in package.json. */
export const DEBUG_TYPE = "iommu";

/**
 * Launch arguments (formats.md, "Entry points"). Numbers may be JSON numbers or strings in the
 * language's number syntax (`0x10_0000`).
 */
export interface IommuLaunchArguments {
  /** The .iommu description file. */
  readonly program: string;
  readonly streamId?: number | string;
  readonly substreamId?: number | string;
  readonly iova?: number | string;
  readonly access?: "read" | "write" | "exec";
  /** Defaults to true. */
  readonly privileged?: boolean;
  readonly stopOnEntry?: boolean;
  /** Four event dwords to replay instead of a translation. */
  readonly event?: readonly (number | string)[];
}

// ---- commands and ids shared by manifest, extension and tests ----------------------------------

export const LANGUAGE_ID = "iommu";
export const COMMAND_SHOW_DECODED_RECORD = "iommuLens.showDecodedRecord";
export const OUTPUT_CHANNEL_NAME = "IOMMU Lens";
