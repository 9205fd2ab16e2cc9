// Store wrappers that add a fixed delay per round trip and count the round trips (the latency benchmark).
import type { S3Client } from "@aws-sdk/client-s3";
import type { FingerprintRepository, ResultStore } from "@ham/core";

/** Round trips one store saw, and how many result reads were in flight at once. */
export class Traffic {
  /** Read requests (get, getMany, has, getEntry, run history; for S3, each GetObject or HeadObject). */
  reads = 0;
  /** Write requests (set, saveRun, …; for S3, each PutObject). */
  writes = 0;
  /** Keys read (a getMany of k keys reads k). */
  keysRead = 0;
  /** Most keys being read at the same moment (a getMany of k keys has k in flight). */
  maxInFlight = 0;
  #inFlight = 0;

  reset(): void {
    this.reads = this.writes = this.keysRead = this.maxInFlight = this.#inFlight = 0;
  }

  /** Counts one read request of `keys` keys for the time `work` takes. */
  async read<T>(keys: number, work: () => Promise<T>): Promise<T> {
    this.reads++;
    this.keysRead += keys;
    this.#inFlight += keys;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    try {
      return await work();
    } finally {
      this.#inFlight -= keys;
    }
  }
}

/** The delay added per round trip, in ms; changed between measurements (0 while a cache is filled). */
export interface Delay {
  ms: number;
}

const sleep = (delay: Delay) =>
  delay.ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, delay.ms)) : Promise.resolve();

/** Methods that read; every other method is a write, except these, passed through as they are. */
const READS = new Set(["get", "getMany", "has", "getEntry", "getRun", "listRuns"]);
const PASSED = new Set(["close", "entries", "list"]);

/**
 * `store` with `delay.ms` added before every call, each call counted as one round trip: what the
 * store would cost over a network where each of its methods is one request (Postgres: one
 * statement per method). `open` pays the delay once and is not counted; iterators pass through.
 */
export function withLatency<T extends FingerprintRepository | ResultStore>(
  store: T,
  delay: Delay,
  traffic: Traffic,
): T {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function" || typeof property !== "string") return value;
      if (PASSED.has(property)) return (value as (...a: unknown[]) => unknown).bind(target);
      const method = value as (...args: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]) => {
        const call = async () => {
          await sleep(delay);
          return method.apply(target, args);
        };
        if (property === "open") return call();
        if (READS.has(property)) return traffic.read(property === "getMany" ? (args[0] as unknown[]).length : 1, call);
        traffic.writes++;
        return call();
      };
    },
  });
}

/**
 * Adds `delay.ms` to every HTTP request the S3 client sends and counts them: GetObject and
 * HeadObject as reads (with how many are in flight at once), the rest (PutObject…) as writes,
 * HeadBucket (the store's open) not at all.
 */
export function addS3Latency(client: S3Client, delay: Delay, traffic: Traffic): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName ?? "";
      const send = async () => {
        await sleep(delay);
        return next(args);
      };
      if (command === "HeadBucketCommand") return send();
      if (command === "GetObjectCommand" || command === "HeadObjectCommand") return traffic.read(1, send);
      traffic.writes++;
      return send();
    },
    { step: "finalizeRequest", name: "hamBenchLatency" },
  );
}
