// Single-flight locks on one dedicated session per repository. Holding a pool connection per lock
// (the first design) deadlocked: with more nodes computing at once than the pool has connections,
// every connection held a lock and no node could store its result. Session advisory locks are
// taken with pg_try_advisory_lock and polling, so one session serves any number of waiters.
import pg from "pg";
import type { ResolvedPostgresOptions } from "./options.js";

const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 200;

export class LockSession {
  #client: Promise<pg.Client> | undefined;
  /** The last statement sent: one session runs one at a time, so each waits for the one before. */
  #tail: Promise<unknown> = Promise.resolve();
  /**
   * Keys this session holds, each with a promise settled on release. The server lets one session
   * take its own lock again, so takers in this process wait here for each other.
   */
  readonly #held = new Map<string, Promise<void>>();

  constructor(private readonly options: ResolvedPostgresOptions) {}

  /** Waits until this session holds the advisory lock on `key`; resolves to its release. */
  async acquire(key: string): Promise<() => Promise<void>> {
    for (let held = this.#held.get(key); held; held = this.#held.get(key)) await held;
    let free = () => {};
    this.#held.set(key, new Promise<void>((resolve) => (free = resolve)));
    const leave = () => {
      this.#held.delete(key);
      free();
    };
    let client: pg.Client;
    try {
      client = await this.#take(key);
    } catch (error) {
      leave();
      throw error;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        // A session that broke took its locks with it: nothing is left to release.
        await this.#query(client, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]).catch(() => undefined);
      } finally {
        leave();
      }
    };
  }

  /** Polls until the server gives this session the advisory lock on `key`; resolves to the session's client. */
  async #take(key: string): Promise<pg.Client> {
    const client = await this.#connected();
    let wait = FIRST_POLL_MS;
    for (;;) {
      const { rows } = await this.#query<{ ok: boolean }>(
        client,
        "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok",
        [key],
      );
      if (rows[0]?.ok) return client;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, MAX_POLL_MS);
    }
  }

  /** Sends `text` after the statements already sent on this session (pg 9 refuses overlapping ones). */
  #query<R extends pg.QueryResultRow>(client: pg.Client, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    const result = this.#tail.then(() => client.query<R>(text, values));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Ends the session (its locks are released by the server). Idempotent. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client) await (await client.catch(() => undefined))?.end().catch(() => undefined);
  }

  #connected(): Promise<pg.Client> {
    this.#client ??= (async () => {
      const config: pg.ClientConfig = this.options.pool
        ? { ...(this.options.pool as unknown as { options: pg.ClientConfig }).options }
        : { ...this.options.poolConfig, connectionString: this.options.connectionString };
      const client = new pg.Client(config);
      client.on("error", () => {
        // The next acquire opens a new session; locks of the broken one are gone on the server.
        this.#client = undefined;
      });
      try {
        await client.connect();
      } catch (error) {
        this.#client = undefined;
        throw error;
      }
      return client;
    })();
    return this.#client;
  }
}
