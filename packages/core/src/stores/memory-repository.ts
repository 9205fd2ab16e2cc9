// In-memory FingerprintRepository: the reference implementation of the contract, and for tests.
import type {
  Fingerprint,
  FingerprintEntry,
  FingerprintMeta,
  FingerprintRepository,
  RunRecord,
  StoreOpenOptions,
} from "../contracts.js";
import { StoreError } from "../errors.js";
import { assertNotClosed, readOnlyError, type StoreState } from "./lifecycle.js";

/**
 * Keeps context key → fingerprint records and run history in maps. Records survive `close()` and a
 * later `open()` of the same instance (like a persistent store would); they vanish with the instance.
 * Opened with `{ readOnly: true }`, writes throw a StoreError until `close()`.
 */
export class MemoryFingerprintRepository implements FingerprintRepository {
  readonly name = "memory";
  #state: StoreState = "initial";
  #readOnly = false;
  readonly #records = new Map<string, FingerprintEntry>();
  readonly #runs = new Map<string, RunRecord>();

  async open(options?: StoreOpenOptions): Promise<void> {
    if (options?.readOnly === true) this.#readOnly = true;
    this.#state = "open";
  }

  async close(): Promise<void> {
    this.#state = "closed";
    this.#readOnly = false;
  }

  async get(contextKey: string): Promise<Fingerprint | undefined> {
    this.#check("get", contextKey);
    return this.#records.get(contextKey)?.fingerprint;
  }

  async set(contextKey: string, fingerprint: Fingerprint, meta: FingerprintMeta): Promise<void> {
    this.#check("set", contextKey);
    if (this.#readOnly) throw readOnlyError(this.name, "set");
    this.#checkFingerprint(contextKey, fingerprint);
    this.#records.set(contextKey, entryOf(contextKey, fingerprint, meta));
  }

  async getMany(contextKeys: readonly string[]): Promise<(Fingerprint | undefined)[]> {
    this.#check("getMany");
    return contextKeys.map((key) => this.#records.get(key)?.fingerprint);
  }

  async setMany(entries: readonly FingerprintEntry[]): Promise<void> {
    this.#check("setMany");
    if (this.#readOnly) throw readOnlyError(this.name, "setMany");
    for (const entry of entries) {
      this.#checkKey("setMany", entry.contextKey);
      this.#checkFingerprint(entry.contextKey, entry.fingerprint);
    }
    for (const entry of entries)
      this.#records.set(entry.contextKey, entryOf(entry.contextKey, entry.fingerprint, entry));
  }

  async getEntry(contextKey: string): Promise<FingerprintEntry | undefined> {
    this.#check("getEntry", contextKey);
    return this.#records.get(contextKey);
  }

  async delete(contextKey: string): Promise<void> {
    this.#check("delete", contextKey);
    if (this.#readOnly) throw readOnlyError(this.name, "delete");
    this.#records.delete(contextKey);
  }

  async *entries(): AsyncIterable<FingerprintEntry> {
    this.#check("list entries");
    // A snapshot, so a caller may delete while iterating (garbage collection does).
    yield* [...this.#records.values()];
  }

  async saveRun(run: RunRecord): Promise<void> {
    this.#check("save run");
    if (this.#readOnly) throw readOnlyError(this.name, "save run");
    if (typeof run?.runId !== "string" || run.runId === "") {
      throw new StoreError(this.name, "save run", "the run has no runId string");
    }
    // structuredClone: later mutation by the caller must not rewrite history.
    this.#runs.set(run.runId, structuredClone(run));
  }

  async listRuns(options: { limit?: number } = {}): Promise<RunRecord[]> {
    this.#check("list runs");
    const runs = [...this.#runs.values()].sort(
      (a, b) => b.startedAt - a.startedAt || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0),
    );
    const limited = options.limit === undefined ? runs : runs.slice(0, Math.max(0, options.limit));
    return limited.map((run) => structuredClone(run));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.#check("get run");
    const run = this.#runs.get(runId);
    return run === undefined ? undefined : structuredClone(run);
  }

  async deleteRuns(runIds: readonly string[]): Promise<void> {
    this.#check("delete runs");
    if (this.#readOnly) throw readOnlyError(this.name, "delete runs");
    for (const id of runIds) this.#runs.delete(id);
  }

  #check(operation: string, contextKey?: unknown): void {
    assertNotClosed(this.#state, this.name, operation);
    if (arguments.length > 1) this.#checkKey(operation, contextKey);
  }

  #checkKey(operation: string, contextKey: unknown): void {
    if (typeof contextKey !== "string" || contextKey === "") {
      throw new StoreError(this.name, operation, `context key must be a non-empty string, got ${typeof contextKey}`);
    }
  }

  #checkFingerprint(contextKey: string, fingerprint: unknown): void {
    if (typeof fingerprint !== "string" || fingerprint === "") {
      throw new StoreError(this.name, "set", `fingerprint for context key "${contextKey}" must be a non-empty string`);
    }
  }
}

/** A frozen record built from the given fields only (extra properties of `meta` are not kept). */
function entryOf(contextKey: string, fingerprint: Fingerprint, meta: FingerprintMeta): FingerprintEntry {
  return Object.freeze({
    contextKey,
    fingerprint,
    node: meta.node,
    codeVersion: meta.codeVersion,
    createdAt: meta.createdAt,
  });
}
