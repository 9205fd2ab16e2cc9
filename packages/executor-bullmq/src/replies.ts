// Replies: how a worker tells the drivers that a node job is over. One message per job on a Redis
// channel of the queue, instead of BullMQ's event stream, which wakes every listening driver three
// times per job (added, active, completed) and makes it send a new blocking read each time.
// A message can be missed (a reconnect, a worker that stopped between failing a job and saying so),
// so a completion is also kept under a key for a while, and a driver checks the jobs it has waited
// on for a while: a job that left the queue without a reply fails its node instead of hanging.
import { Redis } from "ioredis";
import type { NodeJobResult, RedisConnection } from "./job.js";

/** What a worker sends when a job ends: the result, or the error of its last attempt. */
export type JobReply = { readonly result: NodeJobResult } | { readonly failed: string };

/** The queue's keys as BullMQ names them (`Queue.toKey`, `Worker.toKey`): replies live beside them. */
export type QueueKey = (type: string) => string;

const channelOf = (key: QueueKey) => key("ham-replies");
const replyKeyOf = (key: QueueKey, id: string) => key(`ham-reply:${id}`);
/** How long a completion stays readable for a driver that did not hear its message. */
const KEEP_REPLY_MS = 10 * 60_000;

/** A connection of our own (BullMQ's are busy with blocking reads or its own scripts). */
function connect(connection: RedisConnection): Redis {
  const { url, ...options } = connection;
  const client = new Redis(url, { ...options, lazyConnect: true });
  // ioredis retries on its own; errors surface on the commands that fail.
  client.on("error", () => undefined);
  return client;
}

/** Closes a connection politely, or drops it when Redis cannot be reached to say goodbye. */
async function hangUp(client: Redis): Promise<void> {
  await client.quit().catch(() => client.disconnect());
}

/** The worker side: sends each job's reply. */
export class ReplySender {
  readonly #key: QueueKey;
  readonly #client: Redis;

  constructor(connection: RedisConnection, key: QueueKey) {
    this.#key = key;
    this.#client = connect(connection);
  }

  /**
   * A completion is stored, then published, in one exchange (before BullMQ marks the job completed, so
   * a driver that finds the job gone finds the reply). A failure is only published: a kept failure
   * could be read by a later job with the same id, which may well succeed.
   */
  async send(id: string, reply: JobReply): Promise<void> {
    const message = JSON.stringify({ id, ...reply });
    const pipeline = this.#client.pipeline();
    if ("result" in reply) pipeline.set(replyKeyOf(this.#key, id), message, "PX", KEEP_REPLY_MS);
    pipeline.publish(channelOf(this.#key), message);
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  async close(): Promise<void> {
    await hangUp(this.#client);
  }
}

/** A job that left the queue without a reply: nothing says whether or how it ended. */
export class LostJobError extends Error {}

interface Waiter {
  readonly since: number;
  readonly resolve: (result: NodeJobResult) => void;
  readonly reject: (error: Error) => void;
  /** Checks that found the job gone without a reply. */
  gone: number;
}

/** Returns the reply kept for each id, "1" while its job is still in the queue, "0" once it is gone. */
const CHECK = "hamCheckReplies";
const CHECK_LUA = `local out = {}
for i = 1, #KEYS, 2 do
  local reply = redis.call("GET", KEYS[i + 1])
  if reply then out[#out + 1] = reply
  elseif redis.call("EXISTS", KEYS[i]) == 1 then out[#out + 1] = "1"
  else out[#out + 1] = "0" end
end
return out`;

type Checker = Redis & { [CHECK]: (keyCount: number, ...keys: string[]) => Promise<string[]> };

/** The driver side: one subscription, the waiting jobs by id, and the check for replies not heard. */
export class ReplyListener {
  readonly #connection: RedisConnection;
  readonly #key: QueueKey;
  readonly #checkMs: number;
  readonly #waiting = new Map<string, Waiter[]>();
  #subscriber: Promise<Redis> | undefined;
  #checker: Checker | undefined;
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(connection: RedisConnection, key: QueueKey, checkMs: number) {
    this.#connection = connection;
    this.#key = key;
    this.#checkMs = checkMs;
  }

  /** Subscribes (once); call before the first job is added, so no reply comes before the listener. */
  ready(): Promise<Redis> {
    this.#subscriber ??= (async () => {
      const subscriber = connect(this.#connection);
      subscriber.on("message", (_channel: string, message: string) => this.#heard(message));
      try {
        await subscriber.subscribe(channelOf(this.#key));
      } catch (error) {
        subscriber.disconnect();
        this.#subscriber = undefined;
        throw error;
      }
      return subscriber;
    })();
    return this.#subscriber;
  }

  /** The reply to job `id`; register before adding the job. */
  wait(id: string): { result: Promise<NodeJobResult>; cancel(): void } {
    let waiter: Waiter | undefined;
    const result = new Promise<NodeJobResult>((resolve, reject) => {
      waiter = { since: performance.now(), resolve, reject, gone: 0 };
      const list = this.#waiting.get(id);
      if (list) list.push(waiter);
      else this.#waiting.set(id, [waiter]);
    });
    result.catch(() => undefined); // observed by the caller after the add
    this.#timer ??= setInterval(() => void this.#check(), this.#checkMs).unref();
    return { result, cancel: () => waiter && this.#drop(id, waiter) };
  }

  /** Rejects every wait and disconnects. */
  async close(reason: string): Promise<void> {
    for (const [id, list] of [...this.#waiting]) for (const w of [...list]) this.#settle(id, w, new Error(reason));
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    const checker = this.#checker;
    this.#checker = undefined;
    await Promise.all([subscriber?.then(hangUp, () => undefined), checker && hangUp(checker)]);
  }

  #heard(message: string): void {
    let parsed: { id?: unknown; result?: NodeJobResult; failed?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return; // not ours
    }
    if (typeof parsed.id !== "string") return;
    for (const w of [...(this.#waiting.get(parsed.id) ?? [])]) {
      if (parsed.result) this.#settle(parsed.id, w, undefined, parsed.result);
      else if (parsed.failed !== undefined) this.#settle(parsed.id, w, new Error(String(parsed.failed)));
    }
  }

  #settle(id: string, waiter: Waiter, error: Error | undefined, result?: NodeJobResult): void {
    this.#drop(id, waiter);
    if (error) waiter.reject(error);
    else waiter.resolve(result as NodeJobResult);
  }

  #drop(id: string, waiter: Waiter): void {
    const list = this.#waiting.get(id);
    const at = list?.indexOf(waiter) ?? -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    if (list.length === 0) this.#waiting.delete(id);
    if (this.#waiting.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /**
   * Jobs waited on longer than the check interval: a kept reply answers them; a job found gone without
   * one on two checks in a row (a failure's message is sent after BullMQ removes the job) fails.
   */
  async #check(): Promise<void> {
    if (this.#checking) return;
    const due = [...this.#waiting].filter(([, list]) => list.some((w) => performance.now() - w.since >= this.#checkMs));
    if (due.length === 0) return;
    this.#checking = true;
    try {
      this.#checker ??= (() => {
        const client = connect(this.#connection) as Checker;
        client.defineCommand(CHECK, { lua: CHECK_LUA });
        return client;
      })();
      const keys = due.flatMap(([id]) => [this.#key(id), replyKeyOf(this.#key, id)]);
      const states = await this.#checker[CHECK](keys.length, ...keys);
      due.forEach(([id], i) => {
        const state = states[i];
        if (state !== "0" && state !== "1" && state !== undefined) return this.#heard(state);
        for (const w of [...(this.#waiting.get(id) ?? [])]) {
          if (performance.now() - w.since < this.#checkMs) continue; // its job may not be added yet
          w.gone = state === "0" ? w.gone + 1 : 0;
          if (w.gone >= 2) {
            this.#settle(
              id,
              w,
              new LostJobError(
                `its job ${id} left the queue without a reply from a worker: a worker older than this driver (upgrade @ham/executor-bullmq on the workers), a worker that stopped right after failing the job, or someone removed the job; run again`,
              ),
            );
          }
        }
      });
    } catch {
      // Redis unreachable: the next check tries again; the subscription reconnects on its own.
    } finally {
      this.#checking = false;
    }
  }
}
