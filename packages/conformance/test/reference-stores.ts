// Tiny reference implementations for the suite's own tests: data kept per namespace in a module map,
// so two instances on one namespace share it (persistence) the way two processes share a disk.
import { type FingerprintRepository, type ResultStore, type RunRecord, StoreError } from "@ham/core";
import { type FingerprintEntry, type FingerprintMeta, type StoreOpenOptions, readOnlyError } from "@ham/core/stores";

const resultData = new Map<string, Map<string, Uint8Array>>();
const repoData = new Map<string, { records: Map<string, FingerprintEntry>; runs: Map<string, RunRecord> }>();

/** A conforming result store over a shared in-process map. */
export class ReferenceResultStore implements ResultStore {
  readonly name: string;
  private closed = false;
  protected readOnly = false;
  protected readonly data: Map<string, Uint8Array>;
  constructor(namespace: string) {
    this.name = `reference:${namespace}`;
    let data = resultData.get(namespace);
    if (!data) resultData.set(namespace, (data = new Map()));
    this.data = data;
  }
  async open(options?: StoreOpenOptions): Promise<void> {
    if (options?.readOnly) this.readOnly = true;
    this.closed = false;
  }
  async close(): Promise<void> {
    this.closed = true;
    this.readOnly = false;
  }
  protected writable(operation: string): void {
    this.ready(operation);
    if (this.readOnly) throw readOnlyError(this.name, operation);
  }
  protected ready(operation: string): void {
    if (this.closed) throw new StoreError(this.name, operation, "the store is closed; call open() first");
  }
  async has(key: string): Promise<boolean> {
    this.ready("has");
    return this.data.has(key);
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    this.ready("get");
    return this.data.get(key)?.slice();
  }
  async set(key: string, bytes: Uint8Array): Promise<void> {
    this.writable("set");
    this.data.set(key, bytes.slice());
  }
  async delete(key: string): Promise<void> {
    this.writable("delete");
    this.data.delete(key);
  }
  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    this.ready("getMany");
    return keys.map((k) => this.data.get(k)?.slice());
  }
  async *list(): AsyncIterable<{ key: string; bytes: number; lastAccess: number }> {
    this.ready("list");
    for (const [key, bytes] of this.data) yield { key, bytes: bytes.byteLength, lastAccess: 0 };
  }
  async size(): Promise<number> {
    this.ready("size");
    let total = 0;
    for (const bytes of this.data.values()) total += bytes.byteLength;
    return total;
  }
}

/** A conforming fingerprint repository over a shared in-process map. */
export class ReferenceFingerprintRepository implements FingerprintRepository {
  readonly name: string;
  private closed = false;
  protected readOnly = false;
  protected readonly data: { records: Map<string, FingerprintEntry>; runs: Map<string, RunRecord> };
  constructor(namespace: string) {
    this.name = `reference:${namespace}`;
    let data = repoData.get(namespace);
    if (!data) repoData.set(namespace, (data = { records: new Map(), runs: new Map() }));
    this.data = data;
  }
  async open(options?: StoreOpenOptions): Promise<void> {
    if (options?.readOnly) this.readOnly = true;
    this.closed = false;
  }
  async close(): Promise<void> {
    this.closed = true;
    this.readOnly = false;
  }
  protected writable(operation: string): void {
    this.ready(operation);
    if (this.readOnly) throw readOnlyError(this.name, operation);
  }
  protected ready(operation: string): void {
    if (this.closed) throw new StoreError(this.name, operation, "the repository is closed; call open() first");
  }
  async get(contextKey: string): Promise<string | undefined> {
    this.ready("get");
    return this.data.records.get(contextKey)?.fingerprint;
  }
  async set(contextKey: string, fingerprint: string, meta: FingerprintMeta): Promise<void> {
    this.writable("set");
    this.data.records.set(contextKey, {
      contextKey,
      fingerprint,
      node: meta.node,
      codeVersion: meta.codeVersion,
      createdAt: meta.createdAt,
    });
  }
  async getMany(contextKeys: readonly string[]): Promise<(string | undefined)[]> {
    this.ready("getMany");
    return contextKeys.map((k) => this.data.records.get(k)?.fingerprint);
  }
  async setMany(entries: readonly FingerprintEntry[]): Promise<void> {
    this.writable("setMany");
    for (const e of entries) this.data.records.set(e.contextKey, { ...e });
  }
  async getEntry(contextKey: string): Promise<FingerprintEntry | undefined> {
    this.ready("getEntry");
    return this.data.records.get(contextKey);
  }
  async delete(contextKey: string): Promise<void> {
    this.writable("delete");
    this.data.records.delete(contextKey);
  }
  async *entries(): AsyncIterable<FingerprintEntry> {
    this.ready("entries");
    yield* this.data.records.values();
  }
  async saveRun(run: RunRecord): Promise<void> {
    this.writable("saveRun");
    this.data.runs.set(run.runId, structuredClone(run));
  }
  async listRuns(options: { limit?: number } = {}): Promise<RunRecord[]> {
    this.ready("listRuns");
    const runs = [...this.data.runs.values()].sort((a, b) => b.startedAt - a.startedAt);
    return runs.slice(0, options.limit ?? runs.length);
  }
  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.ready("getRun");
    return this.data.runs.get(runId);
  }
  async deleteRuns(runIds: readonly string[]): Promise<void> {
    this.writable("deleteRuns");
    for (const id of runIds) this.data.runs.delete(id);
  }
}

/** Everything stored under a namespace, for the readOnly group's snapshot hook. */
export function referenceData(namespace: string): unknown {
  const results = [...(resultData.get(namespace) ?? new Map<string, Uint8Array>())].map(([key, bytes]) => [
    key,
    Buffer.from(bytes).toString("base64"),
  ]);
  const repo = repoData.get(namespace);
  return { results, records: repo ? [...repo.records] : [], runs: repo ? [...repo.runs] : [] };
}
