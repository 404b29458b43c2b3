// The engine's public API. Hosts (language server, debug adapter, CLI, benches) import from here
// and nowhere else in engine/; a test enforces it. The engine imports nothing of VS Code, Node or
// the DOM: it is plain TypeScript over plain data.

export * from "./bits/u64";
export * from "./bits/fields";
export * from "./bits/completion";
export * from "./bits/reference-doc";
export * from "./source";
export * from "./diagnostics";
export * from "./include-content";
export * from "./memory/image";
export * from "./smmuv3/profile";
export * from "./smmuv3/scenario";
export * from "./smmuv3/records";
export * from "./smmuv3/walk";
export * from "./logscan";
export * from "./lang";
export * from "./dumps/index";
