// Helpers for the modifier tests: real memory stores that count their writes, and catching errors.
import { MemoryFingerprintRepository, MemoryResultStore } from "../index.js";

/** A real MemoryResultStore that counts `set` calls and results read (by `get`, or each key of a `getMany`). */
export class CountingResultStore extends MemoryResultStore {
  sets = 0;
  gets = 0;
  override async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    this.gets += keys.length;
    return super.getMany(keys);
  }
  override async set(key: string, bytes: Uint8Array): Promise<void> {
    this.sets++;
    return super.set(key, bytes);
  }
  override async get(key: string): Promise<Uint8Array | undefined> {
    this.gets++;
    return super.get(key);
  }
}

/** A fresh memory pair for withCache({ … }). */
export function memoryStores(): {
  fingerprintStore: MemoryFingerprintRepository;
  resultStore: CountingResultStore;
  logger: { warn: () => void };
} {
  return {
    fingerprintStore: new MemoryFingerprintRepository(),
    resultStore: new CountingResultStore(),
    logger: { warn: () => undefined },
  };
}

/** The error `action` throws or rejects with (fails the test if there is none). */
export async function caught(action: () => unknown): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error, none was thrown");
}

/** Counts calls by name. */
export function counter(): { calls: Record<string, number>; tick: (name: string) => void } {
  const calls: Record<string, number> = {};
  return { calls, tick: (name) => void (calls[name] = (calls[name] ?? 0) + 1) };
}
