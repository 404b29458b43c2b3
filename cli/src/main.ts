// The `iommu-lens` command: dispatches to one verb per file in verbs/ (formats.md, "CLI verbs").
// Bad input never produces a stack trace: verbs report what and where; anything unexpected is
// reported as an internal error in one line, exit 2.

import { type CliIo, EXIT_USAGE, UsageError } from "./io";
import { VERBS } from "./verbs";

const USAGE = `usage: iommu-lens <verb> [options]

verbs:
${Object.entries(VERBS)
  .map(([name, v]) => `  ${name.padEnd(10)} ${v.summary}`)
  .join("\n")}

Run 'iommu-lens <verb> --help' for a verb's options.`;

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [verbName, ...rest] = argv;
  if (verbName === undefined || verbName === "--help" || verbName === "-h" || verbName === "help") {
    io.out(USAGE + "\n");
    return verbName === undefined ? EXIT_USAGE : 0;
  }
  if (verbName === "--version") {
    io.out(`iommu-lens ${VERSION}\n`);
    return 0;
  }
  const verb = VERBS[verbName];
  if (!verb) {
    io.err(`iommu-lens: unknown verb '${verbName}'\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(verb.usage + "\n");
    return 0;
  }
  try {
    return await verb.run(rest, io);
  } catch (e: unknown) {
    if (e instanceof UsageError) {
      io.err(`iommu-lens ${verbName}: ${e.message}\n${verb.usage}\n`);
      return EXIT_USAGE;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.err(`iommu-lens ${verbName}: internal error: ${message}\n`);
    return EXIT_USAGE;
  }
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === "string" ? __VERSION__ : "dev";

if (require.main === module) {
  // A reader that stops early (`iommu-lens decode big.log | head`) closes our stdout: that is the
  // reader's choice, not an error. Stop quietly with success instead of printing EPIPE.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    process.stderr.write(`iommu-lens: cannot write output: ${e.message}\n`);
    process.exit(EXIT_USAGE);
  });
  const io: CliIo = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    stdin: process.stdin,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`iommu-lens: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
