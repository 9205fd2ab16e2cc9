// Write-behind (issue 21): a computed node's value is handed on once its bytes are encoded, and its
// result is written while the next nodes run. execute still resolves only when every result is
// stored and recorded; a failed write fails the run (or warns), and nothing half-written is ever read.
import { afterEach, describe, expect, it } from "vitest";
import type { Fingerprint } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { StoreError } from "../errors.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../stores/index.js";
import { RecordingLogger } from "../../test/support.js";
import { CacheParts, newStats } from "./cache-parts.js";
import { ResultWriter } from "./result-writer.js";

/** A memory store whose set() waits until the test opens the gate, then stores or fails. */
class GatedResultStore extends MemoryResultStore {
  readonly waiting: Fingerprint[] = [];
  #open!: (failure?: Error) => void;
  #gate: Promise<Error | undefined> = this.#newGate();

  #newGate(): Promise<Error | undefined> {
    return new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  /** Lets every waiting and later set() go on (failing with `failure`, if given). */
  letThrough(failure?: Error): void {
    this.#open(failure);
  }

  override async set(key: Fingerprint, bytes: Uint8Array): Promise<void> {
    this.waiting.push(key);
    const failure = await this.#gate;
    if (failure) throw failure;
    await super.set(key, bytes);
  }
}

const drivers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((dr) => dr.close().catch(() => undefined)));
});

async function build(
  modules: Record<string, (...args: never[]) => unknown>,
  resultStore: MemoryResultStore,
  options: { onStoreError?: "warn"; fingerprintStore?: MemoryFingerprintRepository } = {},
) {
  const logger = new RecordingLogger();
  const dr = await new Builder()
    .withModules(modules)
    .withCache({
      fingerprintStore: options.fingerprintStore ?? new MemoryFingerprintRepository(),
      resultStore,
      logger,
      ...(options.onStoreError ? { onStoreError: options.onStoreError } : {}),
    })
    .build();
  drivers.push(dr);
  return { dr, logger };
}

/** Resolves once `check` holds (polled on timers; the test's own timeout ends a wait that never does). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe("results are written behind the run", () => {
  it("dependents run while an upstream result is being written; execute resolves once all are stored", async () => {
    const store = new GatedResultStore();
    const fingerprintStore = new MemoryFingerprintRepository();
    const ran: string[] = [];
    const modules = {
      A: (x: number) => (ran.push("A"), [x, x + 1]),
      B: (A: number[]) => (ran.push("B"), A.length),
      C: (B: number) => (ran.push("C"), B * 10),
    };
    const { dr } = await build(modules, store, { fingerprintStore });
    let resolved = false;
    const running = dr.execute(["C"], { inputs: { x: 1 } }).then((out) => {
      resolved = true;
      return out;
    });
    // Every node ran although A's write (the first set) has not been let through.
    await until(() => ran.length === 3);
    expect(ran).toEqual(["A", "B", "C"]);
    expect(store.waiting.length).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(resolved).toBe(false);
    store.letThrough();
    expect(await running).toEqual({ C: 20 });
    for (const key of store.waiting) expect(await store.has(key)).toBe(true);

    // Stored and recorded: a new driver on the same stores hits every node.
    ran.length = 0;
    const second = await build(modules, store, { fingerprintStore });
    expect(await second.dr.execute(["C"], { inputs: { x: 1 } })).toEqual({ C: 20 });
    expect(ran).toEqual([]);
  });

  it("a dependent that changes its input in place cannot change what was stored for the input's node", async () => {
    const store = new GatedResultStore();
    const fingerprintStore = new MemoryFingerprintRepository();
    const modules = {
      A: (x: number) => [x, x + 1, x + 2],
      B: (A: number[]) => {
        A.reverse(); // in place, while A's bytes wait to be written
        return A[0] as number;
      },
    };
    const { dr } = await build(modules, store, { fingerprintStore });
    const running = dr.execute(["A", "B"], { inputs: { x: 1 } });
    await until(() => store.waiting.length > 0);
    store.letThrough();
    const fresh = await running;
    expect(fresh.B).toBe(3);

    const second = await build(modules, store, { fingerprintStore });
    const warm = await second.dr.execute(["A"], { inputs: { x: 1 } });
    expect((await second.dr.cache.explain("A")).outcome).toBe("hit");
    // What a fresh run of A returns, not the reversed array B left behind.
    expect(warm.A).toEqual([1, 2, 3]);
  });

  it("a failed write fails the run with the store's error once the other nodes are done; nothing is recorded for it", async () => {
    const store = new GatedResultStore();
    const fingerprintStore = new MemoryFingerprintRepository();
    const ran: string[] = [];
    const modules = {
      A: (x: number) => (ran.push("A"), x + 1),
      B: (A: number) => (ran.push("B"), A * 2),
    };
    const { dr } = await build(modules, store, { fingerprintStore });
    const running = dr.execute(["B"], { inputs: { x: 1 } });
    await until(() => ran.length === 2);
    store.letThrough(new Error("disk full"));
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain("disk full");
    expect((error as Error).message).toContain("set");

    // Nothing was recorded: a later run computes both nodes again, and stores them.
    ran.length = 0;
    const healthy = new MemoryResultStore();
    const { dr: next } = await build(modules, healthy, { fingerprintStore });
    expect(await next.execute(["B"], { inputs: { x: 1 } })).toEqual({ B: 4 });
    expect(ran).toEqual(["A", "B"]);
  });

  it('with onStoreError "warn" a failed write is a warning and the run returns its results', async () => {
    const store = new GatedResultStore();
    const { dr, logger } = await build({ A: (x: number) => x + 1, B: (A: number) => A * 2 }, store, {
      onStoreError: "warn",
    });
    const running = dr.execute(["B"], { inputs: { x: 1 } });
    await until(() => store.waiting.length === 2);
    store.letThrough(new Error("disk full"));
    expect(await running).toEqual({ B: 4 });
    expect(logger.warnings.some((w) => w.includes("disk full") && w.includes("onStoreError"))).toBe(true);
  });

  it("a second node with the same key waits for the first one's write and reads its stored result", async () => {
    const store = new GatedResultStore();
    let calls = 0;
    const same = (x: number) => (calls++, { x });
    const { dr } = await build({ A: same, B: same }, store);
    const running = dr.execute(["A", "B"], { inputs: { x: 5 } });
    await until(() => store.waiting.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.waiting.length).toBe(1); // B waits for A's write instead of computing
    store.letThrough();
    expect(await running).toEqual({ A: { x: 5 }, B: { x: 5 } });
    expect(calls).toBe(1);
    expect((await dr.cache.explain("B")).reason).toContain(
      'node "A" computed the same code with the same inputs earlier in this run',
    );
  });

  it("past the bound on bytes waiting to be written, a node waits for its own write", async () => {
    const store = new GatedResultStore();
    const parts = new CacheParts({ fingerprintStore: new MemoryFingerprintRepository(), resultStore: store });
    const writer = new ResultWriter(parts, 4096);
    const target = (node: string) => ({ node, mode: undefined, contextKey: `key-${node}`, codeVersion: "v1" });
    // 1 KB encoded: under the bound, handed on at once although its write waits.
    const small = await writer.store(target("small"), new Float64Array(128).fill(1), newStats());
    expect(store.waiting).toEqual([small.fingerprint]);
    // 8 KB: over the bound, so store() itself waits until the write is let through.
    let handedOn = false;
    const large = writer.store(target("large"), new Float64Array(1024).fill(2), newStats()).then((pending) => {
      handedOn = true;
      return pending;
    });
    await until(() => store.waiting.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(handedOn).toBe(false);
    store.letThrough();
    const pending = await large;
    expect(await pending.stored).toBe(true);
    expect(await small.stored).toBe(true);
    expect(await store.has(pending.fingerprint)).toBe(true);
  });
});
