// The translation walk (W1): StreamID + IOVA to PA or the exact fault, with a trace of every read,
// and the address-space map of a stream.

export * from "./types";
export { translate } from "./translate";
export { enumerateAddressSpace } from "./enumerate";
