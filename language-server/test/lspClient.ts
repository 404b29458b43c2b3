// A minimal LSP client for the server tier: spawns the real bundled server (dist/server.js) over
// stdio or Node IPC and speaks JSON-RPC with vscode-languageserver-protocol, like any editor.

import { type ChildProcess, fork, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  DidOpenTextDocumentNotification,
  ExitNotification,
  type Hover,
  HoverRequest,
  IPCMessageReader,
  IPCMessageWriter,
  InitializeRequest,
  type InitializeResult,
  InitializedNotification,
  type ProtocolConnection,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from "vscode-languageserver-protocol/node";
import { DECODE_AT_METHOD, type DecodeAtParams, type DecodeAtResult } from "../../protocol/src/index";

/** The checkout root (tests run from out/ when compiled and from the sources under tsx). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

export const serverJs = join(repoRoot(), "dist", "server.js");

export class LspClient {
  private constructor(
    readonly connection: ProtocolConnection,
    readonly process: ChildProcess,
    readonly initializeResult: InitializeResult,
  ) {}

  static async start(transport: "stdio" | "node-ipc" = "stdio"): Promise<LspClient> {
    let child: ChildProcess;
    let connection: ProtocolConnection;
    if (transport === "stdio") {
      child = spawn(process.execPath, [serverJs, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
      connection = createProtocolConnection(
        new StreamMessageReader(child.stdout!),
        new StreamMessageWriter(child.stdin!),
      );
    } else {
      child = fork(serverJs, ["--node-ipc"], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
      connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    }
    connection.listen();
    const initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return new LspClient(connection, child, initializeResult);
  }

  async open(uri: string, languageId: string, text: string): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  }

  decodeAt(uri: string, line: number, character: number): Promise<DecodeAtResult> {
    const params: DecodeAtParams = { textDocument: { uri }, position: { line, character } };
    return this.connection.sendRequest<DecodeAtResult>(DECODE_AT_METHOD, params);
  }

  /** LSP shutdown + exit; resolves with the server's exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.process.once("exit", (code) => resolve(code)));
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
