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

  constructor(private readonly options: ResolvedPostgresOptions) {}

  /** Waits until this session holds the advisory lock on `key`; resolves to its release. */
  async acquire(key: string): Promise<() => Promise<void>> {
    const client = await this.#connected();
    let wait = FIRST_POLL_MS;
    for (;;) {
      const { rows } = await client.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok",
        [key],
      );
      if (rows[0]?.ok) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, MAX_POLL_MS);
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      // A session that broke took its locks with it: nothing is left to release.
      await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]).catch(() => undefined);
    };
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
