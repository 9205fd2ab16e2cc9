// Builds what executors learn at build time: where each node's code lives, and the cache's stores.
import { pathToFileURL } from "node:url";
import type { ExecutorCache, ExecutorSetup } from "../contracts.js";
import type { SmartCache } from "../caching/smart-cache.js";
import type { GraphNode } from "../graph/graph.js";
import { named } from "../graph/names.js";
import { specOf, type AnyFunction } from "../graph/node-spec.js";

export interface SetupParts {
  readonly graph: ReadonlyMap<string, GraphNode>;
  readonly modules: readonly object[];
  /** Module → file path or file: URL, from `withModuleSource` (or the executor's own option). */
  readonly sources: ReadonlyMap<object, string>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly cache: SmartCache | undefined;
}

/** The setup handed to `executor.attach`. */
export function executorSetup(parts: SetupParts): ExecutorSetup {
  const { graph, modules, sources } = parts;
  const located = new Map<string, { moduleUrl: string; exportName: string } | undefined>();
  return {
    graph,
    config: parts.config,
    cache: parts.cache ? executorCacheOf(parts.cache) : undefined,
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

/** The cache's public parts, as the ExecutorCache contract names them. */
export function executorCacheOf(cache: SmartCache): ExecutorCache {
  return {
    resultStore: cache.resultStore,
    fingerprintStore: cache.fingerprintStore,
    open: () => cache.open(),
    // The cache keeps the fingerprints of the run that started last; another run's are not visible.
    fingerprintOf: (runId, name) => (cache.lastRunId === runId ? named(cache.runFingerprints, name) : undefined),
    codeVersion: (node) => named(cache.codeVersions, node),
    fingerprint: (value, node) => cache.fingerprinter.fingerprint(value, { node }),
    encode: (value, fingerprint) => cache.codec.encode(value, undefined, fingerprint),
    decode: (bytes, fingerprint) => cache.codec.decode(bytes, fingerprint),
    builtInsOnly: cache.fingerprinter.fingerprinters.length === 0 && cache.codec.builtInOnly,
  };
}
