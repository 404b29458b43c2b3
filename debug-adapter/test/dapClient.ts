// A minimal DAP client for the debug tier: spawns the real bundled adapter (dist/debug-adapter.js)
// and speaks the Debug Adapter Protocol over its stdio (Content-Length framed JSON), as VS Code
// does with a DebugAdapterExecutable.

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { type DebugProtocol } from "@vscode/debugprotocol";

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

export const adapterJs = join(repoRoot(), "dist", "debug-adapter.js");
export const root = repoRoot();

export class DapClient {
  readonly events: DebugProtocol.Event[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private seq = 1;
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  private readonly eventWaiters: { event: string; resolve: (e: DebugProtocol.Event) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor() {
    this.child = spawn(process.execPath, [adapterJs], { stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.child.stdout.on("data", (chunk: Buffer) => this.onData(chunk));
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8");
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      const message = JSON.parse(body) as DebugProtocol.ProtocolMessage;
      if (message.type === "response") {
        const r = message as DebugProtocol.Response;
        this.pending.get(r.request_seq)?.(r);
        this.pending.delete(r.request_seq);
      } else if (message.type === "event") {
        const e = message as DebugProtocol.Event;
        this.events.push(e);
        for (const w of this.eventWaiters.filter((x) => x.event === e.event)) w.resolve(e);
      }
    }
  }

  request<R extends DebugProtocol.Response>(command: string, args?: unknown): Promise<R> {
    const seq = this.seq++;
    const message: DebugProtocol.Request = { seq, type: "request", command, arguments: args };
    const json = JSON.stringify(message);
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    return new Promise((resolve) => this.pending.set(seq, (r) => resolve(r as R)));
  }

  /** Resolves with the first event of that name (already received or future). */
  waitForEvent(event: string): Promise<DebugProtocol.Event> {
    const seen = this.events.find((e) => e.event === event);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.eventWaiters.push({ event, resolve }));
  }

  /** Everything the adapter printed to the Debug Console, in order. */
  output(): string {
    return this.events
      .filter((e): e is DebugProtocol.OutputEvent => e.event === "output")
      .map((e) => e.body.output)
      .join("");
  }

  /** The whole session VS Code runs: initialize, launch + configurationDone, until terminated. */
  async launch(args: Record<string, unknown>): Promise<DebugProtocol.LaunchResponse> {
    const init = await this.request<DebugProtocol.InitializeResponse>("initialize", {
      adapterID: "iommu",
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: "path",
    });
    if (!init.success) throw new Error(`initialize failed: ${init.message}`);
    await this.waitForEvent("initialized");
    const [launch] = await Promise.all([
      this.request<DebugProtocol.LaunchResponse>("launch", args),
      this.request("configurationDone"),
    ]);
    await this.waitForEvent("terminated");
    return launch;
  }

  async close(): Promise<number | null> {
    await this.request("disconnect", {});
    this.child.stdin.end();
    return this.exited;
  }
}
