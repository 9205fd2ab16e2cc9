// Builder: collects modules, config, adapters and cache options, then builds a validated Driver.
import type { Adapter, Executor, GraphCache } from "../contracts.js";
import { type CacheOptions, type SmartCache, createCache } from "../caching/index.js";
import { ConfigurationError } from "../errors.js";
import { executorSetup } from "../execution/setup.js";
import { hashingReady } from "../fingerprint/bytes.js";
import { type GraphNode, buildGraph } from "../graph/graph.js";
import { OriginalNames } from "../identity/original-names.js";
import type { IsReplaced, MadeNodes } from "../modifiers/made-nodes.js";
import { Driver } from "./driver.js";
import { cacheProgressView } from "../progress/cache-view.js";
import { ProgressAdapter, type ProgressOptions, checkProgressOptions, progressWanted } from "../progress/progress.js";

/** Node names → result types of a module's exported functions (names starting with `_` left out). */
export type NodesOf<M> = OwnNodes<M> & UnionToIntersection<{ [K in keyof M]: MadeNodes<M[K]> }[keyof M]>;

/** The module's functions under their export names (parameterized ones excepted: their nodes are made). */
type OwnNodes<M> = {
  [K in keyof M as K extends `_${string}` | "default"
    ? never
    : M[K] extends (...args: never[]) => unknown
      ? IsReplaced<M[K]> extends true
        ? never
        : K
      : never]: M[K] extends (...args: never[]) => infer R ? Awaited<R> : never;
};

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

export class Builder<N extends Record<string, unknown> = {}> {
  #modules: object[] = [];
  #moduleSources = new Map<object, string>();
  #config: Record<string, unknown> = {};
  #adapters: Adapter[] = [];
  /** The cache withCache() made; the build knows it only as a GraphCache (its type is what dr.cache returns). */
  #cache: SmartCache | undefined;
  #allowOverride = false;
  #maxConcurrency = Number.POSITIVE_INFINITY;
  #progress: ProgressOptions | false = {};
  #executor: Executor | undefined;

  /** Adds dataflow modules: every exported function is a node. */
  withModules<const Ms extends readonly object[]>(
    ...modules: Ms
  ): Builder<N & UnionToIntersection<NodesOf<Ms[number]>>> {
    this.#modules.push(...modules);
    return this as unknown as Builder<N & UnionToIntersection<NodesOf<Ms[number]>>>;
  }

  /**
   * Tells ham which file a module was loaded from (`import.meta.url` of that module, a `file:` URL or
   * a path), so code versions can follow the helpers and constants its nodes use without asking the
   * inspector. The file must hold the code as it runs (JavaScript, e.g. compiled output); otherwise
   * ham falls back to the inspector. See docs/code-identity.md.
   */
  withModuleSource(module: object, file: string | URL): this {
    if (typeof module !== "object" || module === null) {
      throw new ConfigurationError(
        `withModuleSource() needs the module object first (import * as dataflow from "./dataflow.js"), got ${module === null ? "null" : typeof module}`,
      );
    }
    const location = file instanceof URL ? file.href : file;
    if (
      typeof location !== "string" ||
      location === "" ||
      (location.includes(":") && !location.startsWith("file:") && !/^[A-Za-z]:[\\/]/.test(location))
    ) {
      throw new ConfigurationError(
        `withModuleSource() needs a file path or file: URL (e.g. import.meta.url of the module), got ${JSON.stringify(location)}`,
      );
    }
    this.#moduleSources.set(module, location);
    return this;
  }

  /** Config values: used by config.when conditions and available to nodes as inputs. */
  withConfig(config: Readonly<Record<string, unknown>>): this {
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
      throw new ConfigurationError(
        `withConfig() needs an object of name → value, got ${config === null ? "null" : typeof config}`,
      );
    }
    this.#config = { ...this.#config, ...config };
    return this;
  }

  /** Lifecycle adapters, run in the order given (after each other's hooks, chained for doNodeExecute). */
  withAdapters(...adapters: Adapter[]): this {
    for (const adapter of adapters) {
      if (typeof adapter !== "object" || adapter === null) {
        throw new ConfigurationError(
          `withAdapters() takes adapter objects (with beforeNodeExecute, doNodeExecute, …), got ${adapter === null ? "null" : typeof adapter}`,
        );
      }
    }
    this.#adapters.push(...adapters);
    return this;
  }

  /** Turns caching on: installs a SmartCache (reachable as `dr.cache`). */
  withCache(options: CacheOptions = {}): this {
    if (typeof options !== "object" || options === null) {
      throw new ConfigurationError(
        `withCache() takes an options object, got ${options === null ? "null" : typeof options}`,
      );
    }
    if (this.#cache) throw new ConfigurationError("withCache() was called twice; pass all cache options in one call");
    this.#cache = createCache(options);
    return this;
  }

  /**
   * Progress of each run: by default a live line on stderr when it is a terminal and a run takes over
   * a second (`ham ▸ 37/120 nodes · 30 from cache · running: train 12s`); `onProgress` gets events for
   * other UIs; `false` turns it all off. Works with and without a cache.
   */
  withProgress(options: ProgressOptions | false): this {
    this.#progress = checkProgressOptions(options);
    return this;
  }

  /** Lets a later module's node replace an earlier module's node of the same name. */
  allowOverride(): this {
    this.#allowOverride = true;
    return this;
  }

  /** At most this many nodes run at once (default: unbounded — async nodes all start when ready). */
  withMaxConcurrency(limit: number): this {
    if (!(Number.isInteger(limit) && limit >= 1) && limit !== Number.POSITIVE_INFINITY) {
      throw new ConfigurationError(`withMaxConcurrency() needs a whole number ≥ 1, got ${String(limit)}`);
    }
    this.#maxConcurrency = limit;
    return this;
  }

  /**
   * Runs ready nodes on `executor` (worker threads, a job queue, …) instead of in this process;
   * nodes tagged `executor: "main"` stay here. Executors learn each node's module from
   * withModuleSource(module, import.meta.url). See docs/scale-out.md.
   */
  withExecutor(executor: Executor): this {
    if (typeof executor !== "object" || executor === null || typeof executor.execute !== "function") {
      throw new ConfigurationError(
        `withExecutor() takes an executor object with an execute(task) method, got ${executor === null ? "null" : typeof executor}`,
      );
    }
    if (this.#executor) throw new ConfigurationError("withExecutor() was called twice; a driver has one executor");
    this.#executor = executor;
    return this;
  }

  /** Validates the graph (duplicates, cycles, cache options) and returns the driver. */
  async build(): Promise<Driver<N, SmartCache<N>>> {
    if (this.#modules.length === 0) {
      throw new ConfigurationError(
        "build() found no modules: call withModules(dataflow) with the module(s) that define your functions",
      );
    }
    await hashingReady();
    const originalNames = new OriginalNames(this.#moduleSources);
    let graph: Map<string, GraphNode>;
    try {
      graph = buildGraph(this.#modules, {
        allowOverride: this.#allowOverride,
        config: this.#config,
        renameEvidence: {
          originalParamName: (node, index) => originalNames.paramName(node.fn, this.#modules[node.moduleIndex], index),
        },
        debug: (message) => this.#cache?.debug(message),
      });
    } finally {
      originalNames.close();
    }
    const cache: GraphCache | undefined = this.#cache;
    cache?.attach({ graph, modules: this.#modules, sources: this.#moduleSources });
    // The cache runs innermost so user adapters' doNodeExecute wrap it and see every call.
    const adapters = cache ? [...this.#adapters, cache] : [...this.#adapters];
    // Progress goes last: its afterGraphExecute then sees the cache's finished records and summary.
    if (this.#progress !== false && progressWanted(this.#progress)) {
      adapters.push(new ProgressAdapter(this.#progress, cache ? cacheProgressView(cache) : undefined));
    }
    await this.#executor?.attach?.(
      executorSetup({
        graph,
        modules: this.#modules,
        sources: this.#moduleSources,
        config: this.#config,
        cache: cache?.executorCache(),
      }),
    );
    return new Driver<N, SmartCache<N>>({
      graph,
      config: this.#config,
      adapters,
      cache: this.#cache,
      maxConcurrency: this.#maxConcurrency,
      executor: this.#executor,
    });
  }
}
