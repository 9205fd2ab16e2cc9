// Shared helpers for the caching tests: stores that count their calls, a recording logger, temp folders.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {
  Fingerprint,
  FingerprintEntry,
  FingerprintMeta,
  FingerprintRepository,
  Logger,
  ResultStore,
  RunRecord,
} from "../src/contracts.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../src/stores/index.js";

/** A real MemoryResultStore whose calls are counted and recorded (not a mock: it stores for real). */
export class CountingResultStore implements ResultStore {
  readonly name = "counting-memory";
  readonly inner = new MemoryResultStore();
  readonly calls = { has: 0, get: 0, set: 0, delete: 0, getMany: 0 };
  readonly gets: Fingerprint[] = [];
  readonly sets: Fingerprint[] = [];
  async open(): Promise<void> {
    await this.inner.open();
  }
  async close(): Promise<void> {
    await this.inner.close();
  }
  has(key: Fingerprint): Promise<boolean> {
    this.calls.has++;
    return this.inner.has(key);
  }
  get(key: Fingerprint): Promise<Uint8Array | undefined> {
    this.calls.get++;
    this.gets.push(key);
    return this.inner.get(key);
  }
  set(key: Fingerprint, bytes: Uint8Array): Promise<void> {
    this.calls.set++;
    this.sets.push(key);
    return this.inner.set(key, bytes);
  }
  delete(key: Fingerprint): Promise<void> {
    this.calls.delete++;
    return this.inner.delete(key);
  }
  reset(): void {
    for (const key of Object.keys(this.calls) as (keyof typeof this.calls)[]) this.calls[key] = 0;
    this.gets.length = 0;
    this.sets.length = 0;
  }
}

/** A real MemoryFingerprintRepository whose lookups are counted. */
export class CountingRepository implements FingerprintRepository {
  readonly name = "counting-memory";
  readonly inner = new MemoryFingerprintRepository();
  readonly calls = { get: 0, getMany: 0, set: 0 };
  /** Keys asked for in each getMany call. */
  readonly batches: number[] = [];
  async open(): Promise<void> {
    await this.inner.open();
  }
  async close(): Promise<void> {
    await this.inner.close();
  }
  get(contextKey: string): Promise<Fingerprint | undefined> {
    this.calls.get++;
    return this.inner.get(contextKey);
  }
  getMany(contextKeys: readonly string[]): Promise<(Fingerprint | undefined)[]> {
    this.calls.getMany++;
    this.batches.push(contextKeys.length);
    return this.inner.getMany(contextKeys);
  }
  set(contextKey: string, fingerprint: Fingerprint, meta: FingerprintMeta): Promise<void> {
    this.calls.set++;
    return this.inner.set(contextKey, fingerprint, meta);
  }
  getEntry(contextKey: string): Promise<FingerprintEntry | undefined> {
    return this.inner.getEntry(contextKey);
  }
  saveRun(run: RunRecord): Promise<void> {
    return this.inner.saveRun(run);
  }
  listRuns(options?: { limit?: number }): Promise<RunRecord[]> {
    return this.inner.listRuns(options);
  }
  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.inner.getRun(runId);
  }
  /** Repository round trips so far (each get or getMany is one). */
  get roundTrips(): number {
    return this.calls.get + this.calls.getMany;
  }
  reset(): void {
    this.calls.get = 0;
    this.calls.getMany = 0;
    this.calls.set = 0;
    this.batches.length = 0;
  }
}

/** A logger that keeps what it is told. */
export class RecordingLogger implements Logger {
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  warn(message: string): void {
    this.warnings.push(message);
  }
  info(message: string): void {
    this.infos.push(message);
  }
  clear(): void {
    this.warnings.length = 0;
    this.infos.length = 0;
  }
}

/** A fresh memory store pair plus a logger, to share between drivers as one persistent cache. */
export function memoryCache() {
  return {
    fingerprintStore: new MemoryFingerprintRepository(),
    resultStore: new MemoryResultStore(),
    logger: new RecordingLogger(),
  };
}

/** A temp folder removed by the returned cleanup. */
export function tempFolder(prefix = "ham-cache-"): { path: string; cleanup: () => void } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { path: folder, cleanup: () => fs.rmSync(folder, { recursive: true, force: true }) };
}

/** Makes a function from exact source text (test files are transpiled, so literal functions lose their formatting). */
export function fromSource<F extends (...args: never[]) => unknown>(source: string): F {
  // Indirect eval: global scope, and the function's toString() is exactly `source`.
  return (0, eval)(`(${source})`) as F;
}

/** Every regular file under `folder`, recursively. */
export function filesUnder(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}
