// BullMQExecutor with two real worker processes and a real Redis: same results as in-process, a killed
// worker's node is retried elsewhere, a failing node names itself after the last attempt.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Builder,
  ConfigurationError,
  FileFingerprintRepository,
  FileResultStore,
  NodeExecutionError,
  type ResultStore,
  tag,
} from "@ham/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BullMQExecutor, type BullMQRunEvent } from "../src/index.js";
import { type WorkerProcess, redisUrl, startWorker } from "./services.js";

const redis = redisUrl();
const flowUrl = new URL("./fixtures/flow.mjs", import.meta.url);
const flow = await import(flowUrl.href);
const outputs = ["report", "squares", "cubes"];
const inputs = { n: 20, delayMs: 300 };

describe.skipIf(!redis)("BullMQExecutor with two worker processes", () => {
  const cache = mkdtempSync(join(tmpdir(), "ham-bullmq-"));
  const queue = `ham-test-${process.pid}-${Date.now()}`;
  let workers: WorkerProcess[] = [];

  const driver = async (events: BullMQRunEvent[], options: { attempts?: number; path?: string } = {}) => {
    const executor = new BullMQExecutor({
      redis: redis as string,
      queue,
      attempts: options.attempts ?? 3,
      backoffMs: 50,
      onRun: (e) => events.push(e),
    });
    return new Builder()
      .withModules(flow)
      .withModuleSource(flow, flowUrl)
      .withCache({ path: options.path ?? cache })
      .withExecutor(executor)
      .build();
  };

  beforeAll(async () => {
    workers = ["w1", "w2"].map((name) => startWorker({ name, redis: redis as string, queue, cache, lockMs: 2000 }));
    await Promise.all(workers.map((w) => w.waitFor("ready")));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    rmSync(cache, { recursive: true, force: true });
  });

  it("returns what an in-process run returns, with nodes spread over both workers", async () => {
    const events: BullMQRunEvent[] = [];
    const dr = await driver(events);
    try {
      const expected = await (await new Builder().withModules(flow).build()).execute(outputs, { inputs });
      const got = await dr.execute(outputs, { inputs });
      expect(got).toEqual(expected);
      expect(got["cubes"]).toBeInstanceOf(Float64Array);
      expect(events.map((e) => e.node).sort()).toEqual([
        "cubes",
        "numbers",
        "report",
        "slow1",
        "slow2",
        "slow3",
        "slow4",
        "slow5",
        "slow6",
        "squares",
        "total",
      ]);
      expect(new Set(events.map((e) => e.worker))).toEqual(new Set(["w1", "w2"]));
      // A warm run is answered by the shared cache: no jobs.
      events.length = 0;
      expect(await dr.execute(outputs, { inputs })).toEqual(expected);
      expect(events).toEqual([]);
      expect(Object.values(dr.cache.lastRun).filter((r) => r.outcome === "hit").length).toBe(11);
    } finally {
      await dr.close();
    }
  });

  it("the driver reads back only the results it needs: requested outputs and inputs of nodes it runs itself", async () => {
    const gets: string[] = [];
    const files = new FileResultStore({ path: cache });
    // The driver's view of the shared result store, counting what it reads.
    const resultStore: ResultStore = {
      name: files.name,
      open: (o) => files.open(o),
      close: () => files.close(),
      has: (key) => files.has(key),
      get: (key) => (gets.push(key), files.get(key)),
      set: (key, bytes) => files.set(key, bytes),
      delete: (key) => files.delete(key),
      getMany: (keys) => (gets.push(...keys), Promise.all(keys.map((k) => files.get(k)))),
    };
    const events: BullMQRunEvent[] = [];
    const extra = { doubled: tag({ executor: "main" })((total: number) => total * 2) };
    const dr = await new Builder()
      .withModules(flow, extra)
      .withModuleSource(flow, flowUrl)
      .withCache({ fingerprintStore: new FileFingerprintRepository({ path: cache }), resultStore })
      .withExecutor(new BullMQExecutor({ redis: redis as string, queue, onRun: (e) => events.push(e) }))
      .build();
    try {
      // Inputs no other test uses: every node is computed by a worker in this run.
      const got = await dr.execute(["report"], { inputs: { n: 7, delayMs: 1 } });
      expect(got).toEqual(
        await (await new Builder().withModules(flow).build()).execute(["report"], { inputs: { n: 7, delayMs: 1 } }),
      );
      expect(events.map((e) => e.node).sort()).toEqual([
        "cubes",
        "numbers",
        "report",
        "slow1",
        "slow2",
        "slow3",
        "slow4",
        "slow5",
        "slow6",
        "squares",
        "total",
      ]);
      // Recorded from the fingerprints the workers reported; only the requested output was read back.
      expect(dr.cache.lastRun.total?.outcome).toBe("computed");
      const names = Object.fromEntries(Object.entries(dr.cache.runFingerprints).map(([n, f]) => [f, n]));
      expect(gets.map((g) => names[g] ?? g)).toEqual(["report"]);

      // A node run in this process needs its input's value: that one is read, nothing else.
      gets.length = 0;
      expect(await dr.execute(["doubled"], { inputs: { n: 8, delayMs: 1 } })).toEqual({ doubled: 2 * (204 + 1296) });
      expect(gets).toEqual([dr.cache.runFingerprints.total]);
    } finally {
      await dr.close();
    }
  });

  it("an input named __proto__ reaches the worker as an input", async () => {
    const dr = await driver([]);
    try {
      const named = Object.defineProperty({ n: 3 }, "__proto__", { value: 10, enumerable: true });
      expect(await dr.execute(["scaled"], { inputs: named })).toEqual({ scaled: [10, 20, 30] });
    } finally {
      await dr.close();
    }
  });

  it("nodes that finish at once, run after run: every run completes and every node is reported once", async () => {
    // Their jobs finish and are removed within a few milliseconds: the driver must not miss that.
    const events: BullMQRunEvent[] = [];
    const dr = await driver(events);
    try {
      for (let n = 1; n <= 30; n++) {
        expect(await dr.execute(["total"], { inputs: { n: 100 + n } })).toEqual({
          total: (() => {
            let t = 0;
            for (let x = 1; x <= 100 + n; x++) t += x * x + x ** 3;
            return t;
          })(),
        });
      }
      expect(events.map((e) => e.node).sort()).toEqual(
        ["numbers", "squares", "cubes", "total"].flatMap((node) => Array(30).fill(node)).sort(),
      );
      expect(events.every((e) => e.attempts === 1)).toBe(true);
    } finally {
      await dr.close();
    }
  });

  it("a new driver whose first job finishes at once hears of it, driver after driver", async () => {
    // The queue's event listener starts reading after it reports ready; a job that finished in between
    // was never heard of, and the run waited forever.
    for (let n = 1; n <= 20; n++) {
      const events: BullMQRunEvent[] = [];
      const dr = await driver(events);
      try {
        expect(await dr.execute(["numbers"], { inputs: { n: 200 + n } })).toEqual({
          numbers: Array.from({ length: 200 + n }, (_, i) => i + 1),
        });
        expect(events.map((e) => e.node)).toEqual(["numbers"]);
      } finally {
        await dr.close();
      }
    }
  });

  it("a node that fails once and then succeeds returns its value, reported as the attempt that succeeded", async () => {
    const events: BullMQRunEvent[] = [];
    const dr = await driver(events, { attempts: 3 });
    const markerFile = join(cache, `flaky-${Date.now()}`);
    try {
      expect(await dr.execute(["flaky"], { inputs: { n: 4, markerFile } })).toEqual({ flaky: 10 });
      expect(events.filter((e) => e.node === "flaky").map((e) => e.attempts)).toEqual([2]);
    } finally {
      await dr.close();
    }
  });

  it("a node that fails on every attempt raises NodeExecutionError naming it and the worker's error", async () => {
    const dr = await driver([], { attempts: 2 });
    try {
      const error = await dr.execute(["broken"], { inputs }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeExecutionError);
      expect((error as Error).message).toContain('"broken"');
      expect(((error as Error).cause as Error).message).toMatch(/after 2 attempt\(s\): numbers must be fewer than 20/);
    } finally {
      await dr.close();
    }
  });

  it("killing a worker in the middle of a node still completes the run correctly", async () => {
    const fresh = mkdtempSync(join(tmpdir(), "ham-bullmq-kill-"));
    const local = ["k1", "k2"].map((name) =>
      startWorker({ name, redis: redis as string, queue: `${queue}-kill`, cache: fresh, lockMs: 1500 }),
    );
    try {
      await Promise.all(local.map((w) => w.waitFor("ready")));
      const events: BullMQRunEvent[] = [];
      const executor = new BullMQExecutor({
        redis: redis as string,
        queue: `${queue}-kill`,
        backoffMs: 50,
        onRun: (e) => events.push(e),
      });
      const dr = await new Builder()
        .withModules(flow)
        .withModuleSource(flow, flowUrl)
        .withCache({ path: fresh })
        .withExecutor(executor)
        .build();
      try {
        const running = dr.execute(["report"], { inputs: { n: 7, delayMs: 800 } });
        const [victim] = local as [WorkerProcess, WorkerProcess];
        await victim.waitFor(/running slow/);
        victim.child.kill("SIGKILL");
        const expected = await (await new Builder().withModules(flow).build()).execute(["report"], {
          inputs: { n: 7, delayMs: 0 },
        });
        expect(await running).toEqual(expected);
        // The victim never reported a finished slow node after it was killed; k2 ran the rest.
        expect(events.filter((e) => e.node.startsWith("slow")).every((e) => e.worker === "k2")).toBe(true);
      } finally {
        await dr.close();
      }
    } finally {
      await Promise.all(local.map((w) => w.stop()));
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 60_000);

  it("needs a cache and each module's file, checked at build time", async () => {
    const executor = () => new BullMQExecutor({ redis: redis as string, queue });
    await expect(
      new Builder().withModules(flow).withModuleSource(flow, flowUrl).withExecutor(executor()).build(),
    ).rejects.toThrow(/withCache/);
    await expect(
      new Builder()
        .withModules({ f: (x: number) => x })
        .withCache({ path: cache })
        .withExecutor(executor())
        .build(),
    ).rejects.toThrow(ConfigurationError);
  });
});
