// npm run package: type-check, production bundles, iommu-lens-<version>.vsix (everything is
// bundled, so --no-dependencies; .vscodeignore says what ships).
import { statSync } from "node:fs";
import { relative } from "node:path";
import { ensureDependencies, packageVsix, root, typecheck } from "./lib.mjs";

ensureDependencies();
typecheck();
const vsix = packageVsix();
console.log(`${relative(root, vsix)}: ${(statSync(vsix).size / 1024).toFixed(0)} KiB`);
