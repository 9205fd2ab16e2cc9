// Job replies against a real Redis: a worker's reply reaches every driver waiting on the job; a reply
// the driver did not hear is found under its key; a job that leaves the queue without one fails its
// wait instead of hanging; a driver whose job an old worker ran (no reply) fails the node clearly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder, ConfigurationError, NodeExecutionError } from "@ham/core";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BullMQExecutor } from "../src/index.js";
import type { NodeJobResult } from "../src/job.js";
import { LostJobError, ReplyListener, ReplySender } from "../src/replies.js";
import { redisUrl } from "./services.js";

const redis = redisUrl();
const result = (fingerprint: string): NodeJobResult => ({ fingerprint, worker: "w", durationMs: 1, attempts: 1 });

describe.skipIf(!redis)("job replies", () => {
  const prefix = `ham-replies-test-${process.pid}-${Date.now()}`;
  const key = (type: string) => `${prefix}:${type}`;
  const connection = { url: redis as string };
  let client: Redis;
  const opened: { close(reason: string): Promise<void> }[] = [];
  const listener = (checkMs = 60_000) => {
    const l = new ReplyListener(connection, key, checkMs);
    opened.push(l);
    return l;
  };

  beforeAll(() => {
    client = new Redis(redis as string);
  });
  afterAll(async () => {
    await Promise.all(opened.map((l) => l.close("test over")));
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });

  it("a completion reaches every listener waiting on the job, and a failure rejects with the worker's error", async () => {
    const [a, b] = [listener(), listener()];
    await Promise.all([a.ready(), b.ready()]);
    const waits = [a.wait("job-1"), b.wait("job-1"), a.wait("job-1")];
    const failing = b.wait("job-2");
    const sender = new ReplySender(connection, key);
    try {
      await sender.send("job-1", { result: result("f1") });
      await sender.send("job-2", { failed: "numbers must be fewer than 20" });
      for (const w of waits) expect(await w.result).toEqual(result("f1"));
      await expect(failing.result).rejects.toThrow("numbers must be fewer than 20");
      // A completion is kept for drivers that miss the message; a failure is not (a later job with the
      // same id may succeed).
      expect(JSON.parse((await client.get(key("ham-reply:job-1"))) as string)).toMatchObject({ id: "job-1" });
      expect(await client.get(key("ham-reply:job-2"))).toBeNull();
    } finally {
      await sender.close();
    }
  });

  it("a reply whose message was missed is read from its key", async () => {
    const l = listener(50);
    await l.ready();
    const waiting = l.wait("job-3");
    await client.hset(key("job-3"), "name", "n"); // the job, still in the queue
    // Stored but never published, as when the driver's connection was down at the time.
    await client.set(key("ham-reply:job-3"), JSON.stringify({ id: "job-3", result: result("f3") }), "PX", 60_000);
    await client.del(key("job-3"));
    expect(await waiting.result).toEqual(result("f3"));
  });

  it("a job still in the queue is waited for; one gone without a reply fails its wait", async () => {
    const l = listener(50);
    await l.ready();
    await client.hset(key("job-4"), "name", "n");
    const waiting = l.wait("job-4");
    let settled = false;
    waiting.result.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((resolve) => setTimeout(resolve, 400)); // several checks
    expect(settled).toBe(false);
    await client.del(key("job-4"));
    const error = await waiting.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LostJobError);
    expect((error as Error).message).toMatch(/job-4 left the queue without a reply/);
  });

  it("close() fails the waits it leaves", async () => {
    const l = new ReplyListener(connection, key, 60_000);
    await l.ready();
    const waiting = l.wait("job-5");
    await l.close("the queue was closed while the node was running");
    await expect(waiting.result).rejects.toThrow("the queue was closed while the node was running");
  });

  it("a driver whose job a worker without replies ran fails the node, naming it, instead of waiting forever", async () => {
    const cache = mkdtempSync(join(tmpdir(), "ham-replies-"));
    const queue = `${prefix}-old`;
    // A worker of an earlier version: completes jobs through BullMQ only.
    const old = new Worker(queue, async () => ({ fingerprint: "x", worker: "old", durationMs: 0 }), {
      connection: { url: redis as string, maxRetriesPerRequest: null },
    });
    const flowUrl = new URL("./fixtures/flow.mjs", import.meta.url);
    const flow = await import(flowUrl.href);
    const dr = await new Builder()
      .withModules(flow)
      .withModuleSource(flow, flowUrl)
      .withCache({ path: cache })
      .withExecutor(new BullMQExecutor({ redis: redis as string, queue, replyCheckMs: 100 }))
      .build();
    try {
      const error = await dr.execute(["squares"], { inputs: { n: 3, delayMs: 0 } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeExecutionError);
      expect((error as Error).message).toContain('"numbers"');
      expect(((error as Error).cause as Error).message).toMatch(
        /node "numbers": its job \S+ left the queue without a reply from a worker: a worker older than this driver/,
      );
    } finally {
      await dr.close();
      await old.close();
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("checks replyCheckMs", () => {
    expect(() => new BullMQExecutor({ redis: redis as string, replyCheckMs: 0 })).toThrow(ConfigurationError);
    expect(() => new BullMQExecutor({ redis: redis as string, replyCheckMs: Number.NaN })).toThrow(/replyCheckMs/);
  });
});
