// Undoes the parameter renaming of esbuild-based tools (tsx, vitest, tsup): they rename a parameter
// that shadows a top-level name of its file, `export const B = (A) => …` becoming `(A2) => …`.
// In a dataflow every dependency parameter shadows the export it names, so without this every
// TypeScript module run through those tools would lose its edges.
import type { GraphNode, ParamInfo } from "./graph.js";

const RENAMED = /^(.+?)([2-9]|[1-9]\d+)$/;

/**
 * Maps a positional parameter `X<n>` back to `X` when `X` is a node of the same module and no node is called
 * `X<n>` (esbuild only renames to avoid a name of the same file). Explicit deps are left alone.
 */
export function undoBundlerRenames(nodes: Map<string, GraphNode>): void {
  for (const [name, node] of nodes) {
    if (node.explicitDeps || node.style !== "positional") continue;
    let changed = false;
    const params: ParamInfo[] = node.params.map((param) => {
      if (param.dep === undefined || param.dep !== param.name || nodes.has(param.dep)) return param;
      const base = RENAMED.exec(param.dep)?.[1];
      const target = base === undefined ? undefined : nodes.get(base);
      if (!target || target.moduleIndex !== node.moduleIndex) return param;
      changed = true;
      // The name goes back too: input fingerprints are keyed by parameter name, and keys must not
      // depend on which tool compiled the module.
      return { ...param, name: base as string, dep: base as string };
    });
    if (!changed) continue;
    const deps = params.flatMap((p) => (p.dep === undefined ? [] : [p.dep]));
    const optionalDeps = new Set(params.filter((p) => p.optional && p.dep !== undefined).map((p) => p.dep as string));
    nodes.set(name, { ...node, params, deps, optionalDeps });
  }
}
