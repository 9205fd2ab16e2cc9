// CacheOptions: what withCache() takes, and how behaviour lists are checked and resolved per node.
import type {
  CacheBehavior,
  CachingStrategy,
  Codec,
  FingerprintRepository,
  Fingerprinter,
  Logger,
  NodeInfo,
  ResultStore,
} from "../contracts.js";
import { ConfigurationError } from "../errors.js";
import type { LogLevel } from "../logging/logger.js";
import { closest } from "../graph/plan.js";

/** Options of `withCache()`. */
export interface CacheOptions {
  /**
   * Folder of the default file stores (default ".ham_cache"). Given beside remote stores, it holds
   * this machine's prediction memo, which saves a warm run in a new process its history read
   * (docs/stores.md, "Round trips").
   */
  path?: string;
  /** Where context key → fingerprint records go (default: a file repository under `path`). */
  fingerprintStore?: FingerprintRepository;
  /** Where result bytes go (default: a file store under `path`). */
  resultStore?: ResultStore;
  /** Custom fingerprinters, tried before the default one. */
  fingerprinters?: readonly Fingerprinter[];
  /** Custom codecs, tried before the default `v8` one. */
  codecs?: readonly Codec[];
  /** Replaces how behaviours and context keys are decided. */
  strategy?: CachingStrategy;
  /** Nodes that run and overwrite their cached result (`true`: all). */
  recompute?: readonly string[] | true;
  /** Nodes never read from or written to the cache (`true`: all). */
  disable?: readonly string[] | true;
  /** Nodes left out of their dependents' context keys (`true`: all). */
  ignore?: readonly string[] | true;
  /** Behaviour of nodes not listed anywhere (default "default"). */
  defaultBehavior?: CacheBehavior;
  /** "throw" (default): a failing store fails the run with StoreError; "warn": run on uncached. */
  onStoreError?: "throw" | "warn";
  /** Receives warnings and the one-line summary after each run (default: warnings to console). */
  logger?: Logger;
  /** Lowest level passed to the logger (default: its own `level` if it has one, else "info"; "warn" for the default stderr logger). `HAM_DEBUG=1` means "debug" whatever this says: one line per node decision. */
  logLevel?: LogLevel;
  /** Results larger than this many encoded bytes are not stored (a warning says so). */
  maxResultBytes?: number;
  /** Entries older than this are misses ("7d", "12h", ms); `cache({ maxAge })` on a node wins. See docs/cache-lifecycle.md. */
  maxAge?: string | number;
  /** Keeps the result store under this size ("2GB", "500MiB", bytes), least recently used out first, checked after runs that wrote. Off by default. */
  maxBytes?: string | number;
  /** gc and maxBytes never remove what was written or read within this time (default "10m"). */
  gcGrace?: string | number;
  /**
   * Signs every stored result and fingerprint record with HMAC-SHA256; entries with a missing or
   * wrong signature are misses (with a warning). A list rotates keys: the first signs, all verify.
   * Default: the HAM_SIGNING_KEY environment variable (comma-separated list) if set; `false` turns
   * signing off. See docs/security.md.
   */
  signingKey?: string | Uint8Array | readonly (string | Uint8Array)[] | false;
  /**
   * Predicts a run's context keys from earlier runs and confirms them all in one repository round
   * trip, looking up level by level only below a node whose prediction failed (default true). `false`
   * looks up level by level: one round trip per DAG level. Same outcomes either way; see docs/stores.md.
   */
  predict?: boolean;
  /** Reads and hits from the stores but never writes results, records or run history to them. */
  readOnly?: boolean;
}

const BEHAVIOR_LISTS = ["recompute", "disable", "ignore"] as const;
const BEHAVIORS: readonly CacheBehavior[] = ["default", "recompute", "disable", "ignore"];

/** Checks options against the graph and returns each node's configured behaviour. */
export function resolveBehaviors(
  options: CacheOptions,
  graph: ReadonlyMap<string, NodeInfo>,
): Map<string, CacheBehavior> {
  const fallback = options.defaultBehavior ?? "default";
  if (!BEHAVIORS.includes(fallback)) {
    throw new ConfigurationError(
      `withCache({ defaultBehavior }) must be one of ${BEHAVIORS.join(", ")}, got ${JSON.stringify(fallback)}`,
    );
  }
  if (options.onStoreError !== undefined && options.onStoreError !== "throw" && options.onStoreError !== "warn") {
    throw new ConfigurationError(
      `withCache({ onStoreError }) must be "throw" or "warn", got ${JSON.stringify(options.onStoreError)}`,
    );
  }
  if (
    options.maxResultBytes !== undefined &&
    !(Number.isFinite(options.maxResultBytes) && options.maxResultBytes >= 0)
  ) {
    throw new ConfigurationError(
      `withCache({ maxResultBytes }) must be a non-negative number, got ${String(options.maxResultBytes)}`,
    );
  }
  const result = new Map<string, CacheBehavior>();
  const listedIn = new Map<string, string>();
  for (const list of BEHAVIOR_LISTS) {
    const value = options[list];
    if (value === undefined) continue;
    if (value !== true && (!Array.isArray(value) || value.some((v) => typeof v !== "string"))) {
      throw new ConfigurationError(
        `withCache({ ${list} }) must be an array of node names or true, got ${JSON.stringify(value)}`,
      );
    }
    const names = value === true ? [...graph.keys()] : value;
    for (const name of names) {
      if (!graph.has(name)) {
        throw new ConfigurationError(
          `withCache({ ${list} }) names "${name}", which is not a node${closest(name, graph.keys())}`,
        );
      }
      const previous = listedIn.get(name);
      if (previous && value !== true && options[previous as (typeof BEHAVIOR_LISTS)[number]] !== true) {
        throw new ConfigurationError(
          `node "${name}" is listed under both withCache({ ${previous} }) and withCache({ ${list} }); a node has one behaviour — keep it in one list`,
        );
      }
      if (previous && (value === true) === (options[previous as (typeof BEHAVIOR_LISTS)[number]] === true)) {
        throw new ConfigurationError(
          `withCache({ ${previous}: true }) and withCache({ ${list}: true }) conflict; choose one`,
        );
      }
      // An explicit list wins over a blanket `true`.
      if (!previous || value !== true) {
        listedIn.set(name, list);
        result.set(name, list);
      }
    }
  }
  for (const node of graph.values()) {
    const own = node.cache?.behavior;
    if (own !== undefined && !BEHAVIORS.includes(own)) {
      throw new ConfigurationError(
        `node "${node.name}" has cache({ behavior: ${JSON.stringify(own)} }); use one of ${BEHAVIORS.join(", ")}`,
      );
    }
    if (!result.has(node.name)) result.set(node.name, own ?? fallback);
  }
  return result;
}
