// Builds what executors learn at build time: where each node's code lives, and the cache's stores.
import { pathToFileURL } from "node:url";
import type { ExecutorCache, ExecutorSetup, NodeInfo } from "../contracts.js";
import { specOf, type AnyFunction } from "../graph/node-spec.js";

export interface SetupParts {
  readonly graph: ReadonlyMap<string, NodeInfo>;
  readonly modules: readonly object[];
  /** Module → file path or file: URL, from `withModuleSource` (or the executor's own option). */
  readonly sources: ReadonlyMap<object, string>;
  readonly config: Readonly<Record<string, unknown>>;
  /** The cache's stores and encodings (GraphCache.executorCache()), when caching is on. */
  readonly cache: ExecutorCache | undefined;
}

/** The setup handed to `executor.attach`. */
export function executorSetup(parts: SetupParts): ExecutorSetup {
  const { graph, modules, sources } = parts;
  const located = new Map<string, { moduleUrl: string; exportName: string } | undefined>();
  return {
    graph,
    config: parts.config,
    cache: parts.cache,
    locate(name) {
      if (located.has(name)) return located.get(name);
      const node = graph.get(name);
      const module = node ? modules[node.moduleIndex] : undefined;
      const source = module ? sources.get(module) : undefined;
      let found: { moduleUrl: string; exportName: string } | undefined;
      if (node && module && source !== undefined) {
        const exportName = exportNameOf(module, node.fn as AnyFunction);
        if (exportName !== undefined) found = { moduleUrl: toUrl(source), exportName };
      }
      located.set(name, found);
      return found;
    },
  };
}

/** The export whose function is `fn` (the node's own function, unwrapped from its modifiers). */
function exportNameOf(module: object, fn: AnyFunction): string | undefined {
  for (const key of Object.keys(module)) {
    const value = (module as Record<string, unknown>)[key];
    if (typeof value === "function" && (value === fn || specOf(value as AnyFunction).fn === fn)) return key;
  }
  return undefined;
}

function toUrl(location: string): string {
  return location.startsWith("file:") ? location : pathToFileURL(location).href;
}
