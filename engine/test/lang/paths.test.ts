// Include paths: joins relative to the including file, normalisation, and the workspace-root check
// (plain paths and the URIs a language server uses).

import { test } from "node:test";
import assert from "node:assert/strict";
import { langDirname, langIsInside, langNormalize, langResolveInclude } from "../../src/lang/paths";

test("paths: dirname, normalise, resolve, inside", () => {
  const table: [string, string, string, boolean][] = [
    // from, include, resolved, inside /ws
    ["/ws/a.iommu", "b.iommu", "/ws/b.iommu", true],
    ["/ws/sub/a.iommu", "../b.iommu", "/ws/b.iommu", true],
    ["/ws/sub/a.iommu", "../../etc/passwd", "/etc/passwd", false],
    ["/ws/a.iommu", "./x/./y/../z.xp", "/ws/x/z.xp", true],
    ["/ws/a.iommu", "/etc/passwd", "/etc/passwd", false],
    ["/ws/a.iommu", "..\\..\\x", "/x", false],
  ];
  for (const [from, inc, resolved, inside] of table) {
    assert.equal(langResolveInclude(from, inc), resolved, inc);
    assert.equal(langIsInside("/ws", resolved), inside, inc);
  }
  assert.equal(langIsInside("/ws", "/ws2/x"), false);
  assert.equal(langIsInside("/ws/", "/ws"), true);
  assert.equal(langDirname("a.iommu"), "");
  assert.equal(langNormalize("a/../../b"), "../b");
  assert.equal(langIsInside(".", "../b"), false);
});

test("paths: URIs keep their scheme and authority", () => {
  assert.equal(langDirname("file:///ws/sub/a.iommu"), "file:///ws/sub");
  assert.equal(langResolveInclude("file:///ws/sub/a.iommu", "../b.iommu"), "file:///ws/b.iommu");
  assert.equal(langResolveInclude("file:///ws/a.iommu", "/etc/x"), "file:///etc/x");
  assert.equal(langIsInside("file:///ws", "file:///ws/b.iommu"), true);
  assert.equal(langIsInside("file:///ws", langResolveInclude("file:///ws/a.iommu", "../../etc/passwd")), false);
  assert.equal(langResolveInclude("vscode-vfs://github/o/r/a.iommu", "d/x.xp"), "vscode-vfs://github/o/r/d/x.xp");
});
