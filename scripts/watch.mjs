// npm run watch: the type checker (tsc -b --watch) and the esbuild bundles (development build)
// side by side; Ctrl-C stops both.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { root } from "./lib.mjs";

const children = [
  spawn(join(root, "node_modules/.bin/tsc"), ["-b", "--watch", "--preserveWatchOutput"], {
    stdio: "inherit",
    cwd: root,
  }),
  spawn(process.execPath, [join(root, "scripts/build.mjs"), "--watch"], { stdio: "inherit", cwd: root }),
];
const stop = () => {
  for (const c of children) c.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const c of children) c.on("exit", (code) => code && code !== 0 && stop());
