// Resolves an import specifier found in a module's source: a Node builtin, a package in node_modules
// (named with its version from package.json), or a project file ham can read and analyse.
import { existsSync, readFileSync, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type ResolvedImport =
  | { readonly kind: "builtin" }
  | { readonly kind: "package"; readonly name: string; readonly version: string }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "unresolved" };

// NodeNext code imports "./x.js" for a file written as x.ts; loaders run the .ts.
const EXTENSIONS = ["", ".js", ".ts", ".mjs", ".mts", ".cjs", ".cts", ".jsx", ".tsx"];
const JS_TO_TS: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
  ".jsx": [".tsx"],
};

/** Resolves `spec` as imported by the module at `importer` (a path; undefined when unknown). */
export function resolveImport(spec: string, importer: string | undefined): ResolvedImport {
  if (spec.startsWith("node:") || isBuiltin(spec)) return { kind: "builtin" };
  let target = spec;
  if (target.startsWith("/@fs/")) target = target.slice(4); // vitest's id for files outside its root
  if (target.startsWith("file:")) {
    try {
      target = fileURLToPath(target);
    } catch {
      return { kind: "unresolved" };
    }
  }
  target = target.replace(/[?#].*$/, "");
  const base = importer ? path.dirname(importer) : process.cwd();
  let file: string | undefined;
  if (target.startsWith("./") || target.startsWith("../")) file = findFile(path.resolve(base, target));
  // vitest names files inside its root "/src/x.ts" (root-relative); try absolute first.
  else if (target.startsWith("/")) file = findFile(target) ?? findFile(path.join(process.cwd(), target));
  else return packageByName(target, base);
  if (!file) return { kind: "unresolved" };
  const inPackage = packageOfPath(file);
  return inPackage ?? { kind: "file", path: file };
}

function findFile(candidate: string): string | undefined {
  const ext = path.extname(candidate);
  const tries = [candidate, ...(JS_TO_TS[ext] ?? []).map((e) => candidate.slice(0, -ext.length) + e)];
  for (const e of EXTENSIONS.slice(1)) tries.push(candidate + e);
  for (const e of ["index.js", "index.ts", "index.mjs", "index.mts"]) tries.push(path.join(candidate, e));
  for (const file of tries) {
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

const packages = new Map<string, { name: string; version: string } | undefined>();

function readPackage(dir: string): { name: string; version: string } | undefined {
  if (packages.has(dir)) return packages.get(dir);
  let info: { name: string; version: string } | undefined;
  try {
    const json = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
      name?: unknown;
      version?: unknown;
    };
    if (typeof json.name === "string")
      info = { name: json.name, version: typeof json.version === "string" ? json.version : "0.0.0" };
  } catch {
    info = undefined;
  }
  packages.set(dir, info);
  return info;
}

/** The package a file inside node_modules belongs to. */
function packageOfPath(file: string): ResolvedImport | undefined {
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = file.lastIndexOf(marker);
  if (at === -1) return undefined;
  const rest = file.slice(at + marker.length).split(path.sep);
  const nameParts = rest[0]?.startsWith("@") ? rest.slice(0, 2) : rest.slice(0, 1);
  const dir = path.join(file.slice(0, at + marker.length), ...nameParts);
  const info = readPackage(dir);
  return info ? { kind: "package", ...info } : { kind: "package", name: nameParts.join("/"), version: "unknown" };
}

/** A bare specifier (`lodash`, `@scope/pkg/sub`): the nearest node_modules/<name>/package.json up from `base`. */
function packageByName(spec: string, base: string): ResolvedImport {
  const parts = spec.split("/");
  const name = (spec.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
  for (let dir = base; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) {
      const info = readPackage(candidate);
      return { kind: "package", name, version: info?.version ?? "unknown" };
    }
    if (path.dirname(dir) === dir) return { kind: "package", name, version: "unknown" };
  }
}
