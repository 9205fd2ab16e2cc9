// BullMQExecutor with two real worker processes and a real Redis: same results as in-process, a killed
// worker's node is retried elsewhere, a failing node names itself after the last attempt.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder, ConfigurationError, NodeExecutionError } from "@ham/core";
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
    const executor = new BullMQExecutor({ redis: redis as string, queue, attempts: options.attempts ?? 3, backoffMs: 50, onRun: (e) => events.push(e) });
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
      expect(events.map((e) => e.node).sort()).toEqual(["cubes", "numbers", "report", "slow1", "slow2", "slow3", "slow4", "slow5", "slow6", "squares", "total"]);
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

  it("an input named __proto__ reaches the worker as an input", async () => {
    const dr = await driver([]);
    try {
      const named = Object.defineProperty({ n: 3 }, "__proto__", { value: 10, enumerable: true });
      expect(await dr.execute(["scaled"], { inputs: named })).toEqual({ scaled: [10, 20, 30] });
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
    const local = ["k1", "k2"].map((name) => startWorker({ name, redis: redis as string, queue: `${queue}-kill`, cache: fresh, lockMs: 1500 }));
    try {
      await Promise.all(local.map((w) => w.waitFor("ready")));
      const events: BullMQRunEvent[] = [];
      const executor = new BullMQExecutor({ redis: redis as string, queue: `${queue}-kill`, backoffMs: 50, onRun: (e) => events.push(e) });
      const dr = await new Builder().withModules(flow).withModuleSource(flow, flowUrl).withCache({ path: fresh }).withExecutor(executor).build();
      try {
        const running = dr.execute(["report"], { inputs: { n: 7, delayMs: 800 } });
        const [victim] = local as [WorkerProcess, WorkerProcess];
        await victim.waitFor(/running slow/);
        victim.child.kill("SIGKILL");
        const expected = await (await new Builder().withModules(flow).build()).execute(["report"], { inputs: { n: 7, delayMs: 0 } });
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
    await expect(new Builder().withModules(flow).withModuleSource(flow, flowUrl).withExecutor(executor()).build()).rejects.toThrow(/withCache/);
    await expect(new Builder().withModules({ f: (x: number) => x }).withCache({ path: cache }).withExecutor(executor()).build()).rejects.toThrow(ConfigurationError);
  });
});
