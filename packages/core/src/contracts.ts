// The contracts third-party packages implement: stores, repositories, fingerprinters, codecs,
// caching strategies and adapters. Required members are few; optional ones are used when present.

/** A data fingerprint: a url-safe string that identifies a value (equal values, equal strings). */
export type Fingerprint = string;

/** What the cache does with one node. */
export type CacheBehavior = "default" | "recompute" | "disable" | "ignore";

/** Per-node cache settings given with the `cache({ … })` modifier. */
export interface NodeCacheOptions {
  /** How the cache treats this node (default: the driver-wide default, usually "default"). */
  behavior?: CacheBehavior;
  /** Pins the code version by hand; the function's source is then not hashed. */
  version?: string;
  /** Fingerprint mode passed to fingerprinters for this node's result (e.g. "index" for tables). */
  fingerprint?: string;
  /** Entries older than this are misses (e.g. "7d", "12h", or milliseconds). */
  maxAge?: string | number;
  /**
   * Files or folders the node reads by a fixed path (relative to the working directory): their
   * content is part of the node's cache key, as for `file()` inputs.
   */
  files?: readonly (string | URL)[];
}

/** A parameter's default: its value when it is a literal, else its source text. */
export type DefaultValue =
  | { readonly literal: true; readonly value: unknown }
  | { readonly literal: false; readonly text: string };

/** One parameter of a node's function and where its value comes from. */
export interface ParamInfo {
  /** The parameter name (the key in the execution context's input fingerprints). */
  readonly name: string;
  /** The node or input that supplies it; undefined when bound to a literal value. */
  readonly dep: string | undefined;
  /** True when the parameter has a default and may go unsupplied. */
  readonly optional: boolean;
  /** The default, when the parameter has one (literal defaults are fingerprinted like given values). */
  readonly defaultValue: DefaultValue | undefined;
}

/** What the driver knows about one node. Read-only for adapters, strategies and executors. */
export interface NodeInfo {
  /** Node name (the export name, or the name a modifier gave it). */
  readonly name: string;
  /** The function that computes it. */
  readonly fn: (...args: never[]) => unknown;
  /** Every dependency name, in parameter order. */
  readonly deps: readonly string[];
  /** Dependencies that have a default value: supplied when available, else the default applies. */
  readonly optionalDeps: ReadonlySet<string>;
  /** Values bound by a modifier (e.g. parameterize's `value(…)`), keyed by parameter name. */
  readonly boundValues: Readonly<Record<string, unknown>>;
  /** Source text that identifies this node's code (the function, plus what a modifier adds). */
  readonly source: string;
  /** Tags from the `tag({ … })` modifier. */
  readonly tags: Readonly<Record<string, string>>;
  /** Cache settings from the `cache({ … })` modifier, if any. */
  readonly cache: Readonly<NodeCacheOptions> | undefined;
  /** Where the node came from when a modifier made it (e.g. `parameterize` of function `f`). */
  readonly origin: { readonly kind: string; readonly from: string } | undefined;
  /** The function's parameters in order: each one's dependency (or bound value) and default. */
  readonly params: readonly ParamInfo[];
  /** The node whose stored result holds this one's value (extractFields); the cache stores nothing for it. */
  readonly cachedThrough?: string;
  /**
   * Where the node may run: "main" when it must run in the driver's process whatever the executor
   * (tagged `executor: "main"`, or a field picked from its parent's value), else "anywhere".
   */
  readonly runsOn: "main" | "anywhere";
  /** Which module (index in withModules) defined it. */
  readonly moduleIndex: number;
}

// ---------------------------------------------------------------------------------------------
// Fingerprinting
// ---------------------------------------------------------------------------------------------

/** Handed to a fingerprinter so it can recurse, hash bytes in bulk and warn. */
export interface FingerprintContext {
  /** Node whose value is fingerprinted, when known (for warnings). */
  readonly node: string | undefined;
  /** The node's fingerprint mode (`cache({ fingerprint })`), e.g. "index"; undefined means content. */
  readonly mode: string | undefined;
  /** Fingerprints a nested value with the whole registry (custom fingerprinters first). */
  fingerprint(value: unknown): Fingerprint;
  /** Hashes raw bytes in bulk (fast, not per element); returns a url-safe string. */
  hashBytes(bytes: Uint8Array): string;
  /** Reports a warning through the cache's logger. */
  warn(message: string): void;
}

/** Derives a fingerprint from the values it accepts. Must be deterministic across processes. */
export interface Fingerprinter {
  /** Stable identifier; part of the fingerprint so different fingerprinters never collide. */
  readonly name: string;
  /** True if this fingerprinter handles `value`; the registry asks custom ones first. */
  accepts(value: unknown): boolean;
  /** The fingerprint of `value`: equal values give equal strings, on every machine. */
  fingerprint(value: unknown, ctx: FingerprintContext): Fingerprint;
  /**
   * Called once by `build()`: throws a ConfigurationError naming what is missing (an optional
   * library this needs, with the command that installs it), so the run does not fail halfway.
   */
  check?(): void;
}

// ---------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------

/** Facts stored beside a context key → fingerprint record (not part of the key). */
export interface FingerprintMeta {
  /** The node that produced it (informational: node names are not part of context keys). */
  readonly node: string;
  /** The code version used. */
  readonly codeVersion: string;
  /** When it was recorded, in milliseconds since the epoch. */
  readonly createdAt: number;
}

/** One record of a fingerprint repository. */
export interface FingerprintEntry extends FingerprintMeta {
  readonly contextKey: string;
  readonly fingerprint: Fingerprint;
}

/** One node's outcome in a run. */
export type NodeOutcome = "hit" | "computed" | "recomputed" | "disabled" | "failed" | "override" | "input";

/** What the cache recorded about one node in one run. */
export interface NodeRunRecord {
  readonly node: string;
  readonly outcome: NodeOutcome;
  /** Data fingerprint of the result (absent when the node failed). */
  readonly fingerprint?: Fingerprint;
  /** Execution context key (absent for inputs and overrides). */
  readonly contextKey?: string;
  readonly codeVersion?: string;
  /** What the code version was made of, label → hash ("own code", "helper `normalize` in dataflow.ts", …), for `explain`. */
  readonly codeParts?: Readonly<Record<string, string>>;
  /** Fingerprints of the inputs that went into the context key, by dependency name. */
  readonly inputFingerprints?: Readonly<Record<string, Fingerprint>>;
  /**
   * Milliseconds. For a computed node, its function's own time (NodeExecuteContext.ownTimeMs: the
   * call itself when synchronous; call to settle when async, which overlaps other nodes); for a hit,
   * the time to find it in the cache.
   */
  readonly durationMs: number;
  /** Why the node ran or hit, in words (see `dr.cache.explain`). */
  readonly reason?: string;
  /** The nodes and inputs this call received, by name: the run's DAG edges (for `ham ui`). */
  readonly deps?: readonly string[];
  /**
   * Set for a node whose value is a field of another node's stored result (extractFields): that
   * node's name. Such a record has no result of its own (gc keeps it).
   */
  readonly pickedFrom?: string;
  /** True when the stored entry was older than the node's maxAge, so the node was computed again. */
  readonly expired?: true;
}

/** A run as kept in the repository's history. */
export interface RunRecord {
  readonly runId: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly outputs: readonly string[];
  readonly nodes: readonly NodeRunRecord[];
  /**
   * Set on a progress snapshot of a run still going (saved under the same id, replaced by the final
   * record when it ends); `durationMs` is then the time so far. Only runs lasting over half a second get one.
   */
  readonly running?: true;
}

/**
 * How a store is opened. `readOnly: true` (what `withCache({ readOnly: true })` asks for) means the
 * store never changes its medium while it is open: no table creation or migration, no compaction
 * or clean-up of temp files, no folder creation, no access-time tracking, no removal of damaged
 * entries — reads only. Writes (`set`, `delete`, `saveRun`, …) then fail with a StoreError. A
 * store whose medium cannot be read without writing must not write anyway: read a private copy
 * (as @ham/store-level does) or reject `open` with a StoreError saying so. Read-only lasts until
 * `close()`; a later plain `open()` does not lift it.
 */
export interface StoreOpenOptions {
  readonly readOnly?: boolean;
  /**
   * Receives non-fatal findings of the open, e.g. that a read-only cache folder does not exist
   * (every lookup is then a miss). The cache passes its logger's warn.
   */
  readonly warn?: (message: string) => void;
}

/** Releases a single-flight lock. */
export type ReleaseLock = () => Promise<void>;

/**
 * Maps execution context keys to data fingerprints (the seed's "repository").
 * Keys are opaque strings of url-safe base64 and `.`/`:`/`~` characters; implementations must
 * accept any such string up to 4 KiB.
 */
export interface FingerprintRepository {
  /** Name used in errors and logs, e.g. "file:.ham_cache" or "postgres". */
  readonly name: string;
  /**
   * Connects or loads; called once before use. Calling it again after close reopens. Must be
   * idempotent. With `{ readOnly: true }` it must not write anything (see StoreOpenOptions).
   */
  open?(options?: StoreOpenOptions): Promise<void>;
  /** Flushes and releases resources. Use after close (without open) must throw a StoreError. Idempotent. */
  close?(): Promise<void>;
  /** The fingerprint recorded for `contextKey`, or `undefined` when there is none. */
  get(contextKey: string): Promise<Fingerprint | undefined>;
  /** Records `contextKey → fingerprint`. Idempotent; a later set of the same key replaces it. */
  set(contextKey: string, fingerprint: Fingerprint, meta: FingerprintMeta): Promise<void>;
  /** Batch `get`: same order as `contextKeys`, `undefined` for misses. Used when present. */
  getMany?(contextKeys: readonly string[]): Promise<(Fingerprint | undefined)[]>;
  /** Batch `set`. Used when present. */
  setMany?(entries: readonly FingerprintEntry[]): Promise<void>;
  /** The full record for a key (with its meta), or `undefined`. Used for expiry and explain. */
  getEntry?(contextKey: string): Promise<FingerprintEntry | undefined>;
  /** Removes a record; a missing key is not an error. */
  delete?(contextKey: string): Promise<void>;
  /** Every record (for garbage collection and the CLI). */
  entries?(): AsyncIterable<FingerprintEntry>;
  /** Adds a run to the history; saving a run id already there replaces that record. */
  saveRun?(run: RunRecord): Promise<void>;
  /** Run history, newest first. */
  listRuns?(options?: { limit?: number }): Promise<RunRecord[]>;
  /** One run by id, or `undefined`. */
  getRun?(runId: string): Promise<RunRecord | undefined>;
  /** Removes runs from the history. */
  deleteRuns?(runIds: readonly string[]): Promise<void>;
  /**
   * Single-flight: waits until no other process holds `contextKey`, then holds it until the
   * returned function is called. The cache computes a missed node under this lock and checks the
   * repository again once it holds it, so racing processes compute a node once.
   */
  acquireLock?(contextKey: string): Promise<ReleaseLock>;
}

/**
 * Maps data fingerprints to encoded result bytes (the seed's "cache"). Content-addressed: the same
 * key always holds the same bytes, so `set` of an existing key may skip the write.
 */
export interface ResultStore {
  /** Name used in errors and logs, e.g. "file:.ham_cache" or "s3:my-bucket". */
  readonly name: string;
  /** Connects or prepares; idempotent. With `{ readOnly: true }` it must not write anything (see StoreOpenOptions). */
  open?(options?: StoreOpenOptions): Promise<void>;
  /** Releases resources; use after close (without open) must throw a StoreError. Idempotent. */
  close?(): Promise<void>;
  /** True when bytes are stored under `key`. */
  has(key: Fingerprint): Promise<boolean>;
  /**
   * The bytes stored under `key`, or `undefined` when there are none. A store that keeps its own
   * checksum (S3's SHA-256) and finds bytes that fail it rejects with `CorruptResultError` naming
   * the key; it never deletes or rewrites the entry on a read. The cache then warns, recomputes the
   * node and (unless read-only) deletes and rewrites the entry. A store without its own checksum
   * returns the bytes as stored: the cache's codec checksum catches the damage the same way.
   */
  get(key: Fingerprint): Promise<Uint8Array | undefined>;
  /** Stores `bytes` under `key` atomically: readers see all of it or nothing. Idempotent. */
  set(key: Fingerprint, bytes: Uint8Array): Promise<void>;
  /**
   * Optional: stores the concatenation of `chunks` under `key`, exactly as `set(key, concatenated)`
   * would (same atomicity, same bytes read back; zero-length chunks allowed). The cache calls it for a
   * result its codec encoded in pieces (`Codec.encodeChunks`: a table's IPC stream as the library wrote
   * it), so that tens of MB are not copied into one buffer first; without it, the cache concatenates
   * the pieces and calls `set`. A store that writes bytes as they come (a file, a request body)
   * implements it; one that needs them in one buffer anyway leaves it out.
   */
  setChunks?(key: Fingerprint, chunks: readonly Uint8Array[]): Promise<void>;
  /** Removes `key`; a missing key is not an error. */
  delete(key: Fingerprint): Promise<void>;
  /** Batch `get`: same order as `keys`, `undefined` for misses; a damaged entry rejects as in `get`. Used when present. */
  getMany?(keys: readonly Fingerprint[]): Promise<(Uint8Array | undefined)[]>;
  /** Every stored key with its size and last-access time (for garbage collection and the CLI). */
  list?(): AsyncIterable<{ key: Fingerprint; bytes: number; lastAccess: number }>;
  /** Total stored bytes. */
  size?(): Promise<number>;
}

/** Turns values into bytes and back. Must never run code from the bytes on decode. */
export interface Codec {
  /** Stable identifier written with every result, used to pick the decoder. */
  readonly name: string;
  /** True if this codec should encode `value` (codecs are asked in order, custom ones first). */
  accepts(value: unknown): boolean;
  /** Encodes `value`; throws if it cannot. */
  encode(value: unknown): Uint8Array;
  /**
   * Optional: encodes `value` like `encode`, but behind `room` free bytes. Returns bytes whose
   * first `room` bytes the caller may overwrite and whose rest, `bytes.subarray(room)`, is exactly
   * what `encode(value)` returns. The cache writes its envelope header (about 40–100 bytes: codec
   * name, fingerprint, checksum) into the room, so a payload that the codec writes into a buffer of
   * its own (a table's IPC stream, a file's bytes) is stored without being copied behind the header
   * — which saves a copy of every large result on a cold run. Stored bytes are the same either way.
   * Implement it only when the codec can often leave room for free; when it cannot for a value, it
   * copies its payload once behind `room` bytes, as the cache would.
   * The room must be the codec's own memory: nothing else may read or write it.
   */
  encodeWithRoom?(value: unknown, room: number): Uint8Array;
  /**
   * Optional: like `encodeWithRoom`, but the payload may come in pieces, as a library writes it (a
   * table's IPC stream in record batches). Returns at least one array: the first starts with `room`
   * bytes the caller may overwrite; the payload is the rest of the first array followed by every
   * other array, in order, and equals what `encode(value)` returns. The cache checksums the pieces
   * as one payload and hands them to `ResultStore.setChunks`, so they are never copied into one
   * buffer on the way to a store that writes pieces. The arrays must be the codec's own memory, not
   * changed afterwards. Used in preference to `encodeWithRoom` when the cache stores a result.
   */
  encodeChunks?(value: unknown, room: number): Uint8Array[];
  /** Decodes bytes this codec produced; throws on malformed input. */
  decode(bytes: Uint8Array): unknown;
  /** Like Fingerprinter.check: called once by `build()`, throws when something this needs is missing. */
  check?(): void;
}

/** Decides, per node, what the cache does and how the execution context key is made. */
export interface CachingStrategy {
  /** The behaviour for this node in this run. */
  behavior(node: NodeInfo): CacheBehavior;
  /**
   * The execution context key of a node, from its code version and its inputs' fingerprints.
   * The default is `encodeDict({ [codeVersion]: encodeDict(inputFingerprints) })`.
   */
  contextKey(node: NodeInfo, codeVersion: string, inputFingerprints: Readonly<Record<string, Fingerprint>>): string;
}

// ---------------------------------------------------------------------------------------------
// Adapters (lifecycle hooks)
// ---------------------------------------------------------------------------------------------

/** Passed to graph-level hooks. */
export interface GraphExecuteContext {
  readonly runId: string;
  /** Requested outputs. */
  readonly outputs: readonly string[];
  /** Nodes this run will execute, in topological order (inputs and overrides excluded). */
  readonly nodes: readonly NodeInfo[];
  /** Inputs given to execute, config values included. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Overrides given to execute. */
  readonly overrides: Readonly<Record<string, unknown>>;
  /** Every node of the graph by name (the whole graph, not just this run's part). */
  readonly graph: ReadonlyMap<string, NodeInfo>;
}

/** Passed to node-level hooks. */
export interface NodeExecuteContext {
  readonly runId: string;
  readonly node: NodeInfo;
  /**
   * The dependencies this call will receive, by name (optional ones only when some node or input
   * provides them). Values are loaded on demand: reading them may load cached results.
   */
  readonly dependencyNames: readonly string[];
  /** Loads (once) and returns the dependency values for this call. */
  inputs(): Promise<Record<string, unknown>>;
  /**
   * The node function's own time in this call, in ms, once it returned: for a synchronous function
   * the call itself, not the time other nodes started alongside it ran; for an async one, wall time
   * from the call until its promise settled (it overlaps other nodes running meanwhile); for a node
   * handed to an executor, from hand-off until the executor answered. `undefined` while it runs or
   * when it did not run (a cache hit, or an adapter that replaced the call).
   */
  ownTimeMs?(): number | undefined;
}

/** Passed to `afterNodeExecute`. */
export interface NodeResultContext extends NodeExecuteContext {
  readonly success: boolean;
  /** The result when it is in memory; a cached result that nothing loaded yet is `undefined`. */
  readonly result: unknown;
  /** True when the result was not loaded (a cache hit nobody needed yet). */
  readonly deferred: boolean;
  /** The error when `success` is false. */
  readonly error: unknown;
}

/** Passed to `afterGraphExecute`. */
export interface GraphResultContext extends GraphExecuteContext {
  readonly success: boolean;
  readonly results: Readonly<Record<string, unknown>>;
  readonly error: unknown;
}

/**
 * Lifecycle hooks. Adapters compose in the order given; `doNodeExecute`s chain: each receives
 * `next`, which runs the following adapter (or the node itself), so none conflict.
 */
export interface Adapter {
  beforeGraphExecute?(ctx: GraphExecuteContext): void | Promise<void>;
  beforeNodeExecute?(ctx: NodeExecuteContext): void | Promise<void>;
  /**
   * Runs the node, or replaces the call. Return `next()` to run it; return a value to replace
   * it; return `deferredResult(load)` to hand back a value that is loaded only if needed.
   */
  doNodeExecute?(ctx: NodeExecuteContext, next: () => Promise<unknown>): Promise<unknown>;
  afterNodeExecute?(ctx: NodeResultContext): void | Promise<void>;
  afterGraphExecute?(ctx: GraphResultContext): void | Promise<void>;
}

/** One run's state as the cache keeps it: while it goes, and for a few runs after it ended (`cache.run(runId)`). */
export interface CacheRunView {
  readonly runId: string;
  /** Each node's outcome so far, by node name. */
  readonly records: Readonly<Record<string, NodeRunRecord>>;
  /** Data fingerprint of every node (and used input) so far, by name. */
  readonly fingerprints: Readonly<Record<string, Fingerprint>>;
  /** False while the run goes. */
  readonly finished: boolean;
}

/** What `build()` hands a cache: the built graph and where its modules came from. */
export interface CacheSetup {
  /** Every node of the graph by name. */
  readonly graph: ReadonlyMap<string, NodeInfo>;
  /** The modules given to withModules, in order (NodeInfo.moduleIndex indexes them). */
  readonly modules: readonly object[];
  /** Module → file path or file: URL, from withModuleSource. */
  readonly sources: ReadonlyMap<object, string>;
}

/**
 * A cache the driver runs with (what `withCache()` installs): an adapter the builder places
 * innermost, bound to the graph once by `attach`, with per-run views for other adapters and executors.
 */
export interface GraphCache extends Adapter {
  /** Called once by `build()`: checks options against the graph and computes what it needs per node. */
  attach(setup: CacheSetup): void;
  /** Run `runId`'s records and fingerprints (while it goes, and for recent runs), else undefined. */
  run(runId: string): CacheRunView | undefined;
  /** Each node's outcome in the run that started last, by node name. */
  readonly lastRun: Readonly<Record<string, NodeRunRecord>>;
  /** Encoded size in bytes of the result stored under `fingerprint`, when this process knows it. */
  resultBytes(fingerprint: Fingerprint): number | undefined;
  /** The one-line summary of the last run, or of `records`. */
  summary(records?: readonly NodeRunRecord[]): Promise<string>;
  /** True when the cache's logger prints at `level` (the progress line then leaves the summary to it). */
  logs(level: "debug" | "info"): boolean;
  /** Receives a debug note (e.g. from the build) through the cache's logger. */
  debug(message: string): void;
  /** The cache's stores and encodings as executors see them. */
  executorCache(): ExecutorCache;
  /** Closes the stores; the next run opens them again. */
  close(): Promise<void>;
}

/** Something that can take log messages: `console`, pino, winston, … */
export interface Logger {
  debug?(message: string, ...rest: unknown[]): void;
  info?(message: string, ...rest: unknown[]): void;
  warn?(message: string, ...rest: unknown[]): void;
  error?(message: string, ...rest: unknown[]): void;
}

// ---------------------------------------------------------------------------------------------
// Executors (where a ready node runs: this process, worker threads, other machines)
// ---------------------------------------------------------------------------------------------

/** The cache's stores and encodings, handed to executors that move results through the result store. */
export interface ExecutorCache {
  /** The result store (shared with workers for remote execution). */
  readonly resultStore: ResultStore;
  /** The fingerprint repository (its `acquireLock` gives single-flight across processes). */
  readonly fingerprintStore: FingerprintRepository;
  /** Opens both stores (idempotent). */
  open(): Promise<void>;
  /** The fingerprint the cache recorded for a node or input in run `runId`, when it knows one. */
  fingerprintOf(runId: string, name: string): Fingerprint | undefined;
  /** The code version of a node, computed when the driver was built. */
  codeVersion(node: string): string | undefined;
  /** Fingerprints a value the way the cache does (custom fingerprinters first). */
  fingerprint(value: unknown, node: string): Fingerprint;
  /** Encodes a value the way the cache stores results; give the key it will be stored under (the envelope names it). */
  encode(value: unknown, fingerprint?: Fingerprint): Uint8Array;
  /** Decodes bytes the cache (or a worker using the same codecs) stored; with `fingerprint`, refuses bytes written for another key. */
  decode(bytes: Uint8Array, fingerprint?: Fingerprint): unknown;
  /**
   * True when the cache has no custom fingerprinters or codecs: a worker with @ham/core's
   * FingerprinterRegistry and ResultCodec (default options) fingerprints and encodes as the cache does.
   */
  readonly builtInsOnly?: boolean;
}

/** What an executor learns when the driver is built. */
export interface ExecutorSetup {
  /** Every node of the graph by name. */
  readonly graph: ReadonlyMap<string, NodeInfo>;
  /** Config values given to the builder (workers rebuild nodes under the same config). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The cache installed by `withCache()`, or undefined when caching is off. */
  readonly cache: ExecutorCache | undefined;
  /** Where a node's code lives: the module's URL and the export that defines it, when known. */
  locate(node: string): { readonly moduleUrl: string; readonly exportName: string } | undefined;
}

/** One ready node handed to an executor (its dependencies have finished). */
export interface ExecutorTask {
  readonly runId: string;
  readonly node: NodeInfo;
  /** Dependencies this call receives, by name (see NodeExecuteContext). */
  readonly dependencyNames: readonly string[];
  /** Loads (once) the dependency values by name. */
  inputs(): Promise<Record<string, unknown>>;
  /** Loads one dependency's value, leaving the others unread (e.g. a worker's results the executor passes on by fingerprint). */
  input?(name: string): Promise<unknown>;
  /** The function's call arguments in order (one object for a destructuring node), bound values included. */
  args(): Promise<unknown[]>;
  /** Turns the function's return value into the node's value (e.g. extractFields' field pick); call it on the driver side. */
  finish(returned: unknown): unknown;
  /** True when `finish` derives the node's value from the returned one (a modifier), so a worker's fingerprint of the returned value is not the node's. */
  readonly transformsResult: boolean;
  /** Runs the node in this process (what the default in-process executor does). */
  runHere(): Promise<unknown>;
}

/**
 * Runs ready nodes. The driver hands each ready node to `execute` and awaits its value; nodes
 * tagged `executor: "main"` always run in the driver's process. A rejection fails the node with
 * NodeExecutionError (HamErrors such as StoreError pass through as they are).
 */
export interface Executor {
  /** Name used in errors and logs, e.g. "threads" or "bullmq:ham". */
  readonly name: string;
  /** Called once by `build()`; throw a ConfigurationError for nodes it cannot run (before any node runs). */
  attach?(setup: ExecutorSetup): void | Promise<void>;
  /** Runs one node and resolves with its value (after `task.finish`). */
  execute(task: ExecutorTask): Promise<unknown>;
  /** Releases pools and connections; called by `dr.close()`. Idempotent. */
  close?(): Promise<void>;
}
