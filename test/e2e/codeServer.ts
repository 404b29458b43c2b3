// A real VS Code for tests and `npm start`: code-server 4.96.4 (the VS Code 1.96 workbench with a
// Node extension host) from .cache/code-server (scripts/install-code-server.sh), with the packaged
// .vsix installed into a fresh user-data-dir per run. Listens on 127.0.0.1 only, no auth.
//
// Everything a run writes lives in one temporary folder (user data, extensions, config, XDG
// dirs, a copy of the workspace), removed by `stop()`. code-server forks an extension host and
// our language server: it is spawned as a process-group leader and the whole group is killed.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

function findRepoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

/** The checkout (tests run from out/test/e2e when compiled, from test/e2e under tsx). */
export const repoRoot = findRepoRoot();
export const codeServerBin = join(repoRoot, ".cache", "code-server", "node_modules", ".bin", "code-server");
export const chromiumPath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/** The packaged extension this checkout builds (`npm run package`). */
export function vsixPath(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { name: string; version: string };
  return join(repoRoot, `${pkg.name}-${pkg.version}.vsix`);
}

/** Why a real VS Code cannot run here, or undefined when it can. */
export function missingPrerequisite(): string | undefined {
  if (!existsSync(codeServerBin))
    return `code-server is not installed in .cache/code-server (run scripts/install-code-server.sh)`;
  if (!existsSync(chromiumPath)) return `no chromium at ${chromiumPath} (apt-get install -y chromium)`;
  if (!existsSync(vsixPath())) return `no ${vsixPath()} (run npm run package)`;
  return undefined;
}

export interface CodeServerOptions {
  /** Folders copied into the run's workspace (name -> source path). */
  readonly workspace?: Readonly<Record<string, string>>;
  /** A folder to open in place (npm start opens the checkout's examples/) instead of a copy. */
  readonly openFolder?: string;
  /** Extra files written into the workspace (relative path -> content). */
  readonly files?: Readonly<Record<string, string>>;
  /** Fixed port (npm start); default: a free one. */
  readonly port?: number;
  /** Keep the run folder (npm start keeps nothing either; tests may keep it for debugging). */
  readonly keep?: boolean;
}

export interface RunningCodeServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** The workspace folder the run opened. */
  readonly workspace: string;
  /** The URL that opens `folder` (a path relative to the workspace, or "") in the workbench. */
  folderUrl(folder?: string): string;
  /** Text of the run's output-channel log for `channel` ("" when not written yet). */
  outputChannelLog(channel: string): string;
  /** Everything code-server printed. */
  log(): string;
  stop(): Promise<void>;
}

const SETTINGS = {
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "editor.hover.delay": 100,
  "window.restoreWindows": "none",
  "debug.openDebug": "neverOpen",
  "debug.internalConsoleOptions": "openOnSessionStart",
  "workbench.colorTheme": "Default Dark Modern",
  "chat.commandCenter.enabled": false,
  // examples/ sits inside this repository: don't offer to open the parent git repository
  "git.openRepositoryInParentFolders": "never",
};

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const run = mkdtempSync(join(tmpdir(), "iommu-lens-vscode-"));
  const dirs = {
    ud: join(run, "ud"),
    exts: join(run, "exts"),
    ws: join(run, "ws"),
    xdgConfig: join(run, "xdg-config"),
    xdgData: join(run, "xdg-data"),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.ud, "User"), { recursive: true });
  writeFileSync(join(dirs.ud, "User", "settings.json"), JSON.stringify(SETTINGS, null, 2));
  for (const [name, source] of Object.entries(options.workspace ?? {}))
    cpSync(source, join(dirs.ws, name), { recursive: true });
  for (const [rel, content] of Object.entries(options.files ?? {})) {
    const p = join(dirs.ws, rel);
    mkdirSync(join(p, ".."), { recursive: true });
    writeFileSync(p, content);
  }
  // XDG dirs inside the run: code-server otherwise writes ~/.config/code-server and ~/.local/share
  const env = { ...process.env, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData };
  const common = ["--config", join(run, "config.yaml"), "--user-data-dir", dirs.ud, "--extensions-dir", dirs.exts];
  execFileSync(codeServerBin, [...common, "--install-extension", vsixPath()], { env, stdio: "pipe" });

  const child: ChildProcess = spawn(
    codeServerBin,
    [
      "--bind-addr",
      `127.0.0.1:${options.port ?? 0}`,
      "--auth",
      "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--disable-proxy",
      "--ignore-last-opened",
      ...common,
      options.openFolder ?? dirs.ws,
    ],
    { env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      // keep the trailing '/': a half-arrived chunk must not yield a truncated port
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code}) before listening:\n${output}`));
    });
  });

  const stop = async (): Promise<void> => {
    const pid = child.pid;
    if (pid !== undefined) {
      const exited =
        child.exitCode !== null || child.signalCode !== null
          ? Promise.resolve()
          : new Promise<void>((resolve) => child.once("exit", () => resolve()));
      killGroup(pid, "SIGTERM");
      await Promise.race([exited, new Promise<void>((r) => setTimeout(r, 5000))]);
      // the whole group: the extension host and the language server too, even if code-server left first
      killGroup(pid, "SIGKILL");
      await exited;
    }
    if (!options.keep) rmSync(run, { recursive: true, force: true });
  };

  const workspace = options.openFolder ?? dirs.ws;
  return {
    url,
    workspace,
    folderUrl: (folder = "") => `${url}/?folder=${encodeURIComponent(folder ? join(workspace, folder) : workspace)}`,
    outputChannelLog: (channel) => readOutputChannel(dirs.ud, channel),
    log: () => output,
    stop,
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Output channels are persisted: ud/logs/<time>/exthost1/output_logging_<time>/<n>-<Channel>.log */
function readOutputChannel(userData: string, channel: string): string {
  const logs = join(userData, "logs");
  if (!existsSync(logs)) return "";
  let text = "";
  for (const session of readdirSync(logs)) {
    const host = join(logs, session, "exthost1");
    if (!existsSync(host)) continue;
    for (const d of readdirSync(host).filter((n) => n.startsWith("output_logging_"))) {
      for (const f of readdirSync(join(host, d)).filter((n) => n.endsWith(`-${channel}.log`))) {
        text += readFileSync(join(host, d, f), "utf8");
      }
    }
  }
  return text;
}
