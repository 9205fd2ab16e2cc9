// The run record is written while execute returns when the write waits on the network (issue 20:
// a warm run over a team cache takes two round trips, not three). Everything that reads the
// history, the next run and close() wait for it; a failure is reported there, once; a write that
// needs no waiting (the file repository) is still the run's own, failure included.
import { afterEach, describe, expect, it } from "vitest";
import { Builder } from "../driver/builder.js";
import { StoreError } from "../errors.js";
import { clearCache, summarizeCache } from "../lifecycle/index.js";
import { MemoryFingerprintRepository, MemoryResultStore, readRuns } from "../stores/index.js";
import type { RunRecord } from "../contracts.js";
import * as flow from "../../test/fixtures/two-nodes.js";
import { RecordingLogger } from "../../test/support.js";

/** A memory repository whose saveRun takes `delayMs` on a timer (a network write), then fails with the `failWith` set when it started. */
class SlowHistory extends MemoryFingerprintRepository {
  readonly delayMs = 30;
  failWith: Error | undefined;
  readonly saved: string[] = [];
  override async saveRun(run: RunRecord): Promise<void> {
    const failure = this.failWith;
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (failure) throw failure;
    await super.saveRun(run);
    if (!run.running) this.saved.push(run.runId);
  }
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((dr) => dr.close().catch(() => undefined)));
});

async function driver(repository: SlowHistory, onStoreError?: "warn") {
  const logger = new RecordingLogger();
  const dr = await new Builder()
    .withModules(flow)
    .withCache({
      fingerprintStore: repository,
      resultStore: new MemoryResultStore(),
      logger,
      ...(onStoreError ? { onStoreError } : {}),
    })
    .build();
  open.push(dr);
  return { dr, logger };
}

describe("run records written after execute returns", () => {
  it("execute returns before a slow saveRun ends; listRuns, explain and close wait for it", async () => {
    const repository = new SlowHistory();
    const { dr } = await driver(repository);
    expect(await dr.execute(["B"], { inputs: { x: 1 } })).toEqual({ B: 4 });
    const runId = dr.cache.lastRunId as string;
    expect(repository.saved).toEqual([]); // still being written
    expect((await dr.cache.listRuns()).map((r) => r.runId)).toEqual([runId]);
    expect(repository.saved).toEqual([runId]);
    expect((await dr.cache.explain("B", runId)).outcome).toBe("computed");

    await dr.execute(["B"], { inputs: { x: 1 } });
    const second = dr.cache.lastRunId as string;
    expect(repository.saved).toEqual([runId]);
    await dr.close();
    expect(repository.saved).toEqual([runId, second]);
  });

  it("history reads of the store itself (lifecycle functions) wait for it too, before close()", async () => {
    const repository = new SlowHistory();
    const resultStore = new MemoryResultStore();
    const dr = await new Builder()
      .withModules(flow)
      .withCache({ fingerprintStore: repository, resultStore, logger: new RecordingLogger() })
      .build();
    open.push(dr);
    await dr.execute(["B"], { inputs: { x: 1 } });
    expect(repository.saved).toEqual([]);
    expect((await readRuns(repository)).map((r) => r.runId)).toEqual([dr.cache.lastRunId]);
    await dr.execute(["B"], { inputs: { x: 2 } });
    expect(await summarizeCache({ fingerprintStore: repository, resultStore })).toMatchObject({ runs: 2 });
    await dr.execute(["B"], { inputs: { x: 3 } });
    // clear removes the run still being written too: nothing lands after it.
    expect(await clearCache({ fingerprintStore: repository, resultStore })).toMatchObject({ runsRemoved: 3 });
    expect(await repository.listRuns()).toEqual([]);
  });

  it("back-to-back runs are recorded in the order they ran", async () => {
    const repository = new SlowHistory();
    const { dr } = await driver(repository);
    const ids: string[] = [];
    for (const x of [1, 2, 3]) {
      await dr.execute(["B"], { inputs: { x } });
      ids.push(dr.cache.lastRunId as string);
    }
    expect((await dr.cache.listRuns()).map((r) => r.runId)).toEqual([...ids].reverse());
    expect(repository.saved).toEqual(ids);
  });

  it("a failed write is reported by the next run, once, as a StoreError naming saveRun", async () => {
    const repository = new SlowHistory();
    const { dr } = await driver(repository);
    repository.failWith = new Error("connection reset");
    expect(await dr.execute(["B"], { inputs: { x: 1 } })).toEqual({ B: 4 });
    repository.failWith = undefined;
    // A history read waits for the write but leaves its failure to the next run.
    expect(await dr.cache.listRuns()).toEqual([]);
    const failure = await dr.execute(["B"], { inputs: { x: 1 } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toMatch(/saveRun/);
    expect((failure as Error).message).toContain("connection reset");
    // Reported once: the run after it goes through and is recorded.
    expect(await dr.execute(["B"], { inputs: { x: 1 } })).toEqual({ B: 4 });
    await dr.close();
    expect(repository.saved).toEqual([dr.cache.lastRunId]);
  });

  it("a failed write with no later run is thrown by close(), which still closes the stores", async () => {
    const repository = new SlowHistory();
    const { dr } = await driver(repository);
    repository.failWith = new Error("disk quota exceeded");
    await dr.execute(["B"], { inputs: { x: 1 } });
    const failure = await dr.close().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toContain("disk quota exceeded");
    // Closed: the repository refuses use until it is opened again.
    await expect(repository.get("k")).rejects.toThrow(/closed|open/);
  });

  it('with onStoreError "warn" a failed write is a warning and nothing throws', async () => {
    const repository = new SlowHistory();
    const { dr, logger } = await driver(repository, "warn");
    repository.failWith = new Error("connection reset");
    expect(await dr.execute(["B"], { inputs: { x: 1 } })).toEqual({ B: 4 });
    expect(await dr.execute(["B"], { inputs: { x: 1 } })).toEqual({ B: 4 });
    await dr.close();
    expect(logger.warnings.some((w) => /saveRun.*connection reset/.test(w))).toBe(true);
  });

  it("a write that needs no waiting is awaited by execute: its failure is the run's", async () => {
    const immediate = new (class extends SlowHistory {
      override async saveRun(): Promise<void> {
        throw new Error("read-only file system");
      }
    })();
    const { dr } = await driver(immediate);
    const failure = await dr.execute(["B"], { inputs: { x: 1 } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toContain("read-only file system");
  });
});
