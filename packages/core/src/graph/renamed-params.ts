// Undoes the parameter renaming of esbuild-based tools (tsx, vitest, tsup): they rename a parameter
// that shadows a top-level name of its file, `export const B = (A) => …` becoming `(A2) => …`.
// In a dataflow every dependency parameter shadows the export it names, so without this every
// TypeScript module run through those tools would lose its edges. A mapping needs evidence: the
// script's source map must say the parameter was called `A` (plain JavaScript may really mean `A2`).
import type { GraphNode, ParamInfo } from "./node.js";

const RENAMED = /^(.+?)([2-9]|[1-9]\d+)$/;

/** Where the evidence comes from: the name the `index`-th parameter of a node's function had in its original source. */
export interface RenameEvidence {
  originalParamName(node: GraphNode, index: number): string | undefined;
}

/**
 * Maps a positional parameter `X<n>` back to `X` when `X` is a node of the same module, no node is
 * called `X<n>`, and the evidence says the parameter was written `X`. Explicit deps are left alone.
 */
export function undoBundlerRenames(
  nodes: Map<string, GraphNode>,
  evidence: RenameEvidence,
  debug?: (message: string) => void,
): void {
  for (const [name, node] of nodes) {
    if (node.explicitDeps || node.style !== "positional") continue;
    let changed = false;
    const params: ParamInfo[] = node.params.map((param, index) => {
      if (param.dep === undefined || param.dep !== param.name || nodes.has(param.dep)) return param;
      const base = RENAMED.exec(param.dep)?.[1];
      const target = base === undefined ? undefined : nodes.get(base);
      if (!target || target.moduleIndex !== node.moduleIndex) return param;
      if (evidence.originalParamName(node, index) !== base) return param;
      changed = true;
      debug?.(
        `[ham] node "${name}": parameter "${param.name}" is "${base}" in the original source (renamed by the compiler); it depends on node "${base}"`,
      );
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
