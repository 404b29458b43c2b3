// npm start: see IOMMU Lens in a real VS Code with no VS Code installed.
// Installs the dependencies if this is a fresh clone (npm ci), type-checks, packages the .vsix,
// installs code-server once into .cache/code-server, installs the .vsix into a fresh profile,
// opens examples/ and prints the URL: 127.0.0.1 only, no password. Ctrl-C stops everything.
//   IOMMU_LENS_PORT=8080 npm start     a fixed port (default: a free one)
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ensureCodeServer, ensureDependencies, packageVsix, root, typecheck } from "./lib.mjs";

ensureDependencies();
typecheck();
packageVsix();
if (!ensureCodeServer()) {
  console.error(
    "npm start: could not install code-server (see above); the .vsix is built and can be installed by hand.",
  );
  process.exit(1);
}
const { startCodeServer } = await import(pathToFileURL(join(root, "out/test/e2e/codeServer.js")).href);
const port = process.env.IOMMU_LENS_PORT ? Number(process.env.IOMMU_LENS_PORT) : 0;
const server = await startCodeServer({ openFolder: join(root, "examples"), port });
console.log(`
IOMMU Lens is running in VS Code (code-server, this machine only, no password):

    ${server.folderUrl()}

Open quickstart.iommu and hover the 'event' line; Ctrl-C stops the server.
`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
