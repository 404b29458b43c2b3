// Path arithmetic for `include` (docs/language.md §9), without Node: POSIX-style joins and
// normalisation, and the workspace-root containment check that refuses `..` escapes.

/** A URI's `scheme://authority` part (`file://`, `vscode-vfs://github`), kept out of normalisation. */
const URI_PREFIX = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*)(\/.*)?$/;

/** The directory part of a path (`a/b/c.iommu` → `a/b`; `c.iommu` → ``). */
export function langDirname(path: string): string {
  const uri = URI_PREFIX.exec(path);
  if (uri) return uri[1]! + langDirname(uri[2] ?? "/");
  const p = path.replace(/\\/g, "/");
  const k = p.lastIndexOf("/");
  if (k < 0) return "";
  if (k === 0) return "/";
  return p.slice(0, k);
}

/**
 * Normalises `.` and `..` segments; keeps a leading `/`. `..` above the start is kept. URIs keep
 * their `scheme://authority` and normalise their path (the language server names files by URI).
 */
export function langNormalize(path: string): string {
  const uri = URI_PREFIX.exec(path);
  if (uri) return uri[1]! + langNormalize(uri[2] ?? "/");
  const p = path.replace(/\\/g, "/");
  const absolute = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(seg);
  }
  const body = out.join("/");
  return absolute ? "/" + body : body === "" ? "." : body;
}

/** Resolves `relative` against the directory of `from` (an absolute `relative` stays as is). */
export function langResolveInclude(from: string, relative: string): string {
  const r = relative.replace(/\\/g, "/");
  if (r.startsWith("/")) {
    const uri = URI_PREFIX.exec(from);
    return uri ? langNormalize(uri[1]! + r) : langNormalize(r);
  }
  const dir = langDirname(from);
  return langNormalize(dir ? `${dir}/${r}` : r);
}

/** True when `path` (normalised) lies inside `root` (normalised) or is `root` itself. */
export function langIsInside(root: string, path: string): boolean {
  const r = langNormalize(root);
  const p = langNormalize(path);
  if (r === ".") return !p.startsWith("/") && p !== ".." && !p.startsWith("../");
  return p === r || p.startsWith(r.endsWith("/") ? r : r + "/");
}
