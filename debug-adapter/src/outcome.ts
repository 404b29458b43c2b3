// What a launch produced: lines for the Debug Console, and whether it succeeded. A fault is a
// result (ok), like the CLI's exit code 0 for a fault (formats.md); unreadable input is not, nor
// is a walk the walker does not model (no answer: the CLI's exit code 1).

export interface LaunchOutcome {
  readonly lines: string[];
  readonly ok: boolean;
}

/** Reads a file by path (the program and its includes); throws the usual Node errors. */
export type ReadFile = (path: string) => Uint8Array;

export function fail(...lines: string[]): LaunchOutcome {
  return { lines, ok: false };
}
