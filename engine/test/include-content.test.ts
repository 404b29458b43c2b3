// How included files reach the language: binary dumps as bytes, everything else as UTF-8 text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { includeContent } from "../src/include-content";

test("a file with a NUL byte stays bytes; text is decoded as UTF-8", () => {
  const binary = Uint8Array.from([0x09, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(includeContent(binary), binary);
  assert.equal(includeContent(new TextEncoder().encode("smmu host { oas 44 } // µ")), "smmu host { oas 44 } // µ");
  assert.equal(includeContent(new Uint8Array(0)), "");
});
