// Compatibility path: the event codec lives in event-codec.ts (a module named `events` trips the
// engine's Node-built-in import rule). Import from "../records" (the folder index) instead.

export * from "./event-codec";
