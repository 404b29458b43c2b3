// What an `include`d file is: text, or raw bytes. Hosts read files (the engine cannot); this one
// rule decides how the bytes reach the language, so the CLI, the debug adapter and the language
// server treat an included memory dump alike.

import { decodeUtf8Bytes } from "./logscan/bytes";

type Utf8Decoder = new (label: string) => { decode(bytes: Uint8Array): string };
/** The platform's decoder where there is one (native speed); the engine's own otherwise. */
const PlatformDecoder = (globalThis as { TextDecoder?: Utf8Decoder }).TextDecoder;
const decodeUtf8 = PlatformDecoder
  ? (
      (d) => (b: Uint8Array) =>
        d.decode(b)
    )(new PlatformDecoder("utf-8"))
  : decodeUtf8Bytes;

/**
 * A file holding a NUL byte is binary (a raw memory image placed with `include dump`) and stays
 * bytes; anything else is UTF-8 text (a description or a text dump).
 */
export function includeContent(bytes: Uint8Array): string | Uint8Array {
  return bytes.includes(0) ? bytes : decodeUtf8(bytes);
}
