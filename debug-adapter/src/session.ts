// The DAP session. What it does today (the stepping debugger over the walk trace is a later
// issue): on `launch` it reads the .iommu program, builds the engine model, runs the one
// translation the launch arguments ask for, prints the walk and its outcome (the physical address,
// or the fault with the event record the SMMU would write) to the Debug Console, and terminates.
// Anything that goes wrong is reported as a readable message; nothing throws out.

import { readFileSync } from "node:fs";
import { DebugSession, ExitedEvent, InitializedEvent, OutputEvent, TerminatedEvent } from "@vscode/debugadapter";
import { type DebugProtocol } from "@vscode/debugprotocol";
import { type IommuLaunchArguments } from "../../protocol/src/index";
import { type LaunchOutcome } from "./outcome";
import { runLaunch } from "./runLaunch";

export class IommuDebugSession extends DebugSession {
  constructor() {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
  }

  protected override initializeRequest(
    response: DebugProtocol.InitializeResponse,
    _args: DebugProtocol.InitializeRequestArguments,
  ): void {
    response.body = { ...response.body, supportsConfigurationDoneRequest: true };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(
    response: DebugProtocol.ConfigurationDoneResponse,
    _args: DebugProtocol.ConfigurationDoneArguments,
  ): void {
    this.sendResponse(response);
  }

  protected override launchRequest(
    response: DebugProtocol.LaunchResponse,
    args: DebugProtocol.LaunchRequestArguments & Partial<IommuLaunchArguments>,
  ): void {
    let outcome: LaunchOutcome;
    try {
      outcome = runLaunch(args, (path) => readFileSync(path));
    } catch (e: unknown) {
      // runLaunch reports bad input itself; this is a bug in the adapter or engine, still said plainly
      outcome = { lines: [`IOMMU Lens: internal error: ${e instanceof Error ? e.message : String(e)}`], ok: false };
    }
    this.sendResponse(response);
    for (const line of outcome.lines) this.sendEvent(new OutputEvent(line + "\n", outcome.ok ? "stdout" : "stderr"));
    this.sendEvent(new ExitedEvent(outcome.ok ? 0 : 1));
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(
    response: DebugProtocol.DisconnectResponse,
    _args: DebugProtocol.DisconnectArguments,
  ): void {
    this.sendResponse(response);
  }
}
