// What one node job carries between the driver and the workers: references, never values.
import { ConfigurationError } from "@ham/core";

/** The data of one node job (JSON). Values travel through the shared result store, by fingerprint. */
export interface NodeJobData {
  /**
   * Job format version, so an old worker refuses a new driver's job clearly. 2: the driver waits for
   * the worker's reply on the queue's reply channel (replies.ts); 1: for BullMQ's completion event.
   */
  readonly format: 1 | 2;
  readonly runId: string;
  /** The node to run. */
  readonly node: string;
  /** The module that defines it (a file: URL the worker can import). */
  readonly moduleUrl: string;
  /** The export that defines it (for messages). */
  readonly exportName: string;
  /** Config values given to the builder, encoded with the result codec (base64), so workers rebuild the same node. */
  readonly config: string;
  /** Hash of the node's source as the driver has it: a worker with other code refuses the job. */
  readonly sourceHash: string;
  /** The cache's code version of the node (informational, for logs). */
  readonly codeVersion: string | undefined;
  /** Dependency name → fingerprint of its value in the result store. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Key of this piece of work (node, code, input fingerprints): the job id, and the workers' single-flight key. */
  readonly taskKey: string;
}

/** What a worker returns when a node job completes. */
export interface NodeJobResult {
  /** Fingerprint of the node's value; its bytes are in the result store under it. */
  readonly fingerprint: string;
  /** The worker that ran it. */
  readonly worker: string;
  /** Time inside the function, in milliseconds. */
  readonly durationMs: number;
  /** The attempt that succeeded (1 for the first); absent from workers older than this field. */
  readonly attempts?: number;
}

/** Redis connection settings as BullMQ takes them. */
export type RedisConnection = { url: string; [option: string]: unknown };

/** `{ url }` from a redis:// URL string or an options object that has one. */
export function connectionOf(owner: string, redis: string | RedisConnection | undefined): RedisConnection {
  const value = redis ?? process.env["HAM_REDIS_URL"];
  if (typeof value === "string") {
    if (!/^rediss?:\/\//.test(value))
      throw new ConfigurationError(
        `[${owner}] option "redis" must be a redis:// or rediss:// URL, got "${value.replace(/\/\/.*@/, "//…@")}"`,
      );
    return { url: value };
  }
  if (typeof value === "object" && value !== null && typeof value.url === "string") return value;
  throw new ConfigurationError(
    `[${owner}] needs a Redis server: pass { redis: "redis://127.0.0.1:6379" } or set HAM_REDIS_URL`,
  );
}

/** Queue names BullMQ accepts. */
export function checkQueueName(owner: string, name: unknown): string {
  if (typeof name !== "string" || name === "" || name.includes(":")) {
    throw new ConfigurationError(
      `[${owner}] option "queue" must be a non-empty name without ":", got ${JSON.stringify(name)}`,
    );
  }
  return name;
}
