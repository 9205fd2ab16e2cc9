// Single-flight: acquireLock makes racing processes compute a node once; a crashed holder frees it.
import { PostgresFingerprintRepository } from "@ham/store-postgres";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describePostgres } from "./env.js";
import { adminPool, dropTables, uniquePrefix } from "./helpers.js";

const CHILD = fileURLToPath(new URL("./fixtures/race-child.ts", import.meta.url));

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly output: () => string;
  /** Resolves once the child has printed `line`. */
  waitFor(line: string): Promise<void>;
  readonly exited: Promise<number | null>;
}

function startChild(args: string[]): Child {
  const p = spawn(process.execPath, ["--conditions=@ham/source", "--import", "tsx", CHILD, ...args]);
  let out = "";
  const waiters: Array<{ line: string; resolve: () => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (out.split("\n").some((l) => l.startsWith(w.line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  p.stdout.on("data", (d) => {
    out += d;
    check();
  });
  p.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => p.on("close", resolve));
  return {
    process: p,
    output: () => out,
    waitFor: (line) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ line, resolve });
        check();
        void exited.then(() => reject(new Error(`child exited before printing "${line}":\n${out}`)));
      }),
    exited,
  };
}

describePostgres("single-flight with acquireLock", (url) => {
  let admin: pg.Pool;
  const prefixes: string[] = [];
  beforeAll(() => {
    admin = adminPool(url);
  });
  afterAll(async () => {
    for (const p of prefixes) {
      await dropTables(admin, p);
      await admin.query(`DROP TABLE IF EXISTS "${p}body_runs"`);
    }
    await admin.end();
  });
  const newPrefix = () => {
    const p = uniquePrefix("lock");
    prefixes.push(p);
    return p;
  };

  it("many locks taken and released at once on one session: each held by one taker at a time, no overlapping statements", async () => {
    const tablePrefix = newPrefix();
    const repo = new PostgresFingerprintRepository({ connectionString: url, tablePrefix });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning.message);
    process.on("warning", onWarning);
    try {
      const holding = new Map<string, number>();
      let overlaps = 0;
      await Promise.all(
        Array.from({ length: 24 }, async (_, i) => {
          const key = `k${i % 6}`;
          const release = await repo.acquireLock(key);
          if ((holding.get(key) ?? 0) > 0) overlaps++;
          holding.set(key, (holding.get(key) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, 2));
          holding.set(key, (holding.get(key) ?? 0) - 1);
          await release();
        }),
      );
      expect(overlaps).toBe(0);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
      expect(warnings.filter((w) => /already executing a query/.test(w))).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      await repo.close();
    }
  });

  it("two processes racing on one context key run the node body once; the other reads the result", async () => {
    const tablePrefix = newPrefix();
    const repo = new PostgresFingerprintRepository({ connectionString: url, tablePrefix });
    await repo.open();
    await admin.query(`CREATE TABLE "${tablePrefix}body_runs" (pid integer NOT NULL)`);
    const key = "ctx:racing~node";
    const children = [startChild([url, tablePrefix, key, "race"]), startChild([url, tablePrefix, key, "race"])];
    await Promise.all(children.map((c) => c.waitFor("ready")));
    for (const c of children) c.process.stdin.end("go\n");
    const codes = await Promise.all(children.map((c) => c.exited));
    const outputs = children.map((c) => c.output());
    expect(codes, outputs.join("\n---\n")).toEqual([0, 0]);

    const runs = await admin.query(`SELECT pid FROM "${tablePrefix}body_runs"`);
    expect(runs.rowCount).toBe(1);
    const winner = runs.rows[0].pid as number;
    const lines = outputs.map((o) => o.trim().split("\n").pop());
    expect(lines.sort()).toEqual([`computed fp-${winner}`, `hit fp-${winner}`].sort());
    expect(await repo.get(key)).toBe(`fp-${winner}`);
    await repo.close();
  });

  it("a lock held by a process that dies is released by the server, and the waiter gets it", async () => {
    const tablePrefix = newPrefix();
    const repo = new PostgresFingerprintRepository({ connectionString: url, tablePrefix });
    await repo.open();
    const holder = startChild([url, tablePrefix, "ctx:crash", "hold"]);
    await holder.waitFor("locked");

    let acquired = false;
    const waiting = repo.acquireLock("ctx:crash").then((release) => {
      acquired = true;
      return release;
    });
    // The waiter polls with pg_try_advisory_lock; give it several tries against the held lock.
    await new Promise((r) => setTimeout(r, 300));
    expect(acquired).toBe(false);
    holder.process.kill("SIGKILL");
    await holder.exited;
    const release = await waiting;
    expect(acquired).toBe(true);
    await release();
    await repo.close();
  });

  it("release lets the next waiter in, is safe to call twice, and other keys never wait", async () => {
    const tablePrefix = newPrefix();
    const a = new PostgresFingerprintRepository({ connectionString: url, tablePrefix });
    const b = new PostgresFingerprintRepository({ connectionString: url, tablePrefix });
    const order: string[] = [];
    const advisoryLocks = async () =>
      (await admin.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'")).rows[0].n as number;
    const before = await advisoryLocks(); // other tests and processes may hold some on this server
    const releaseA = await a.acquireLock("k1");
    order.push("a holds k1");
    const releaseOther = await b.acquireLock("k2"); // a different key is free
    order.push("b holds k2");
    const bWaits = b.acquireLock("k1").then((release) => {
      order.push("b holds k1");
      return release;
    });
    // b polls for k1 while a holds it: several tries go by without b getting it.
    await new Promise((r) => setTimeout(r, 300));
    order.push("a releases k1");
    await releaseA();
    await releaseA();
    const releaseB = await bWaits;
    expect(order).toEqual(["a holds k1", "b holds k2", "a releases k1", "b holds k1"]);
    await releaseB();
    await releaseOther();
    expect(await advisoryLocks()).toBe(before);
    await a.close();
    await b.close();
  });
});
