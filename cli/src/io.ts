// What a CLI verb gets: where to write and where standard input is. Tests pass their own.

export interface CliIo {
  /** Writes to standard output (text as given; add your own newlines). */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Standard input, for `-`. */
  readonly stdin: NodeJS.ReadableStream;
  /** Directory relative paths resolve against. */
  readonly cwd: string;
}

/** A verb: parses its own arguments, returns the exit code (formats.md: 0 ok, 1 failed, 2 usage). */
export type Verb = (args: readonly string[], io: CliIo) => Promise<number>;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A usage error: the verb prints `message` and the usage line, exit 2. */
export class UsageError extends Error {}

/**
 * Minimal, strict option parsing: `--flag`, `--key value`, `--key=value`, positionals.
 * Unknown options are a usage error, never ignored.
 */
export function parseArgs(
  args: readonly string[],
  spec: { readonly flags?: readonly string[]; readonly options?: readonly string[] },
): { flags: Set<string>; options: Map<string, string>; positionals: string[] } {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (spec.flags?.includes(name)) {
        if (eq >= 0) throw new UsageError(`--${name} takes no value`);
        flags.add(name);
      } else if (spec.options?.includes(name)) {
        const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        options.set(name, value);
      } else {
        throw new UsageError(`unknown option ${a}`);
      }
    } else {
      positionals.push(a);
    }
  }
  return { flags, options, positionals };
}

/** Why an input could not be read, in plain words (`no such file`); else the error's own message. */
export function describeReadError(e: unknown): string {
  const code = e !== null && typeof e === "object" && "code" in e ? e.code : undefined;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "is a directory";
  if (code === "EACCES") return "permission denied";
  return e instanceof Error ? e.message : String(e);
}

/** `cannot read FILE: why` (`-` is standard input). */
export function cannotReadMessage(input: string, e: unknown): string {
  return `cannot read ${input === "-" ? "standard input" : input}: ${describeReadError(e)}`;
}
