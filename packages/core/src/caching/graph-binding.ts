// What a cache knows of the graph it is attached to: each node's behaviour, code version (and its
// parts), why it must always recompute, and how its execution context key is made.
import type { CacheBehavior, CacheSetup, CachingStrategy, Fingerprint, NodeInfo } from "../contracts.js";
import { named, setNamed } from "../graph/names.js";
import { leavesInputs, volatileDefaultParams } from "../identity/code-identity.js";
import type { CacheParts } from "./cache-parts.js";
import { codeIdentitiesOf, codeVersionOf } from "./code-version.js";
import { ContextKeyMemo } from "./context-key-memo.js";
import { resolveBehaviors } from "./options.js";

const NO_NAMES: readonly string[] = Object.freeze([]);

/** Environment variables and files a node's code reads by a literal name (CodeIdentity.env, .files). */
export interface LiteralReads {
  readonly env: readonly string[];
  readonly files: readonly string[];
}

export class GraphBinding implements CachingStrategy {
  /** Each node's last default context key (context-key-memo.ts). */
  readonly #keys = new ContextKeyMemo();
  /** Code version of every node, computed once when the driver is built (SmartCache.codeVersions). */
  readonly codeVersions: Record<string, string> = {};
  readonly #parts: CacheParts;
  readonly #strategy: CachingStrategy | undefined;
  #graph: ReadonlyMap<string, NodeInfo> = new Map();
  #behaviors = new Map<string, CacheBehavior>();
  #codeParts = new Map<string, Readonly<Record<string, string>>>();
  /** Nodes whose result depends on what no code version shows (see CodeIdentity.volatile): they always recompute. */
  #volatile = new Map<string, string>();
  /** What each node's own code reads by a literal name: environment variables and files (CodeIdentity.env, .files). */
  #reads = new Map<string, LiteralReads>();
  /** The modules of the graph (withModules), for leavesInputs. */
  #modules: readonly object[] = [];

  constructor(parts: CacheParts) {
    this.#parts = parts;
    this.#strategy = parts.options.strategy;
  }

  /** Binds to a built graph: checks options and computes every code version once. */
  attach(setup: CacheSetup): void {
    const { graph } = setup;
    const options = this.#parts.options;
    this.#behaviors = resolveBehaviors(options, graph);
    // What the configured fingerprinters and codecs need (an optional library…) fails here, not mid-run.
    for (const part of [...(options.fingerprinters ?? []), ...(options.codecs ?? [])]) part.check?.();
    this.#graph = graph;
    this.#parts.lifecycle.attach(graph.values());
    // Given the modules (and files from withModuleSource), code versions follow the helpers nodes use.
    const logger = this.#parts.logger;
    const identities = codeIdentitiesOf(graph, {
      modules: setup.modules,
      sources: setup.sources,
      warn: (message) => this.#parts.warn(message),
      debug: (message) => logger.debug?.(message),
    });
    this.#codeParts.clear();
    this.#volatile.clear();
    this.#reads.clear();
    this.#modules = setup.modules;
    for (const node of graph.values()) {
      const found = identities.get(node.name);
      if (found?.volatile !== undefined) this.#volatile.set(node.name, found.volatile);
      if (found?.env !== undefined || found?.files !== undefined)
        this.#reads.set(node.name, { env: found.env ?? NO_NAMES, files: found.files ?? NO_NAMES });
      setNamed(this.codeVersions, node.name, found?.version ?? codeVersionOf(node));
      if (found && Object.keys(found.parts).length > 0) this.#codeParts.set(node.name, found.parts);
    }
  }

  /** The graph's node called `name`, if there is one. */
  node(name: string): NodeInfo | undefined {
    return this.#graph.get(name);
  }

  /** CachingStrategy: the node's behaviour for this run. */
  behavior(node: NodeInfo): CacheBehavior {
    return this.#strategy ? this.#strategy.behavior(node) : (this.#behaviors.get(node.name) ?? "default");
  }

  /** CachingStrategy: `encodeDict({ [codeVersion]: encodeDict(inputFingerprints) })`; no node name. */
  contextKey(node: NodeInfo, codeVersion: string, inputFingerprints: Readonly<Record<string, Fingerprint>>): string {
    if (this.#strategy) return this.#strategy.contextKey(node, codeVersion, inputFingerprints);
    // The key a node had last time is reused when made from the same values (context-key-memo.ts).
    return this.#keys.key(node.name, codeVersion, inputFingerprints);
  }

  codeVersion(node: NodeInfo): string {
    return named(this.codeVersions, node.name) ?? codeVersionOf(node);
  }

  /** `{ codeParts }` for a node whose code version followed helpers, else nothing. */
  codePartsOf(node: NodeInfo): { codeParts?: Readonly<Record<string, string>> } {
    const codeParts = this.#codeParts.get(node.name);
    return codeParts ? { codeParts } : {};
  }

  /** Whether the node's code may change an input in place (changed-inputs.ts looks only then). */
  mayChangeInputs(node: NodeInfo): boolean {
    return !leavesInputs(node, this.#modules[node.moduleIndex]);
  }

  /**
   * What the node's own code reads by a literal name, part of its key: environment variables
   * (`process.env.RATE`) and files (`readFileSync("rates.json")`, as cache({ files })). Undefined
   * for the many nodes that read neither.
   */
  literalReadsOf(node: NodeInfo): LiteralReads | undefined {
    return this.#reads.get(node.name);
  }

  /**
   * Why a node with the default behaviour must run anyway: it reads what no code version shows, or a
   * parameter it was not given defaults to a value computed on each call (`today = new Date()`).
   */
  volatileReason(node: NodeInfo, provided: readonly string[]): string | undefined {
    if (this.behavior(node) !== "default") return undefined;
    const known = this.#volatile.get(node.name);
    if (known !== undefined) return `recomputed on every run: ${known}`;
    const param = volatileDefaultParams(node).find((p) => !provided.includes(p.dep as string));
    return param === undefined
      ? undefined
      : `recomputed on every run: parameter "${param.name}" was not given and its default is evaluated on each call`;
  }
}
