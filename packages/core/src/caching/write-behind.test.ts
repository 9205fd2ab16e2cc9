// Write-behind (issue 21): a computed node's result is handed on once its bytes are encoded, and
// written while the next nodes run (large ones since issue 21, small ones too since issue 19). execute still resolves only when every result is
// stored and recorded; a failed write fails the run (or warns), and nothing half-written is ever read.
import { afterEach, describe, expect, it } from "vitest";
import type { Fingerprint } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { StoreError } from "../errors.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../stores/index.js";
import { RecordingLogger } from "../../test/support.js";
import { CacheParts, newStats } from "./cache-parts.js";
import { ResultWriter } from "./result-writer.js";

const MiB = 1024 * 1024;
/** A value whose encoding is over 1 MiB: written behind the run. */
const large = (seed: number): Float64Array => new Float64Array(MiB / 8 + 1024).fill(seed);
const sum = (values: Float64Array): number => values.reduce((a, b) => a + b, 0);

/** A memory store whose set() of a result of `minBytes` or more waits until the test opens the gate, then stores or fails. */
class GatedResultStore extends MemoryResultStore {
  readonly waiting: Fingerprint[] = [];
  readonly #minBytes: number;

  constructor(minBytes = MiB) {
    super();
    this.#minBytes = minBytes;
  }

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
    if (bytes.byteLength < this.#minBytes) return super.set(key, bytes);
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

describe("large results are written behind the run", () => {
  it("dependents run while an upstream result is being written; execute resolves once all are stored", async () => {
    const store = new GatedResultStore();
    const fingerprintStore = new MemoryFingerprintRepository();
    const ran: string[] = [];
    const modules = {
      A: (x: number) => (ran.push("A"), large(x)),
      B: (A: Float64Array) => (ran.push("B"), A.map((v) => v + 1)),
      C: (B: Float64Array) => (ran.push("C"), sum(B)),
    };
    const { dr } = await build(modules, store, { fingerprintStore });
    let resolved = false;
    const running = dr.execute(["C"], { inputs: { x: 1 } }).then((out) => {
      resolved = true;
      return out;
    });
    // Every node ran although neither large write has been let through.
    await until(() => ran.length === 3);
    expect(ran).toEqual(["A", "B", "C"]);
    expect(store.waiting.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(resolved).toBe(false);
    store.letThrough();
    const expected = 2 * large(1).length;
    expect(await running).toEqual({ C: expected });
    for (const key of store.waiting) expect(await store.has(key)).toBe(true);

    // Stored and recorded: a new driver on the same stores hits every node.
    ran.length = 0;
    const second = await build(modules, store, { fingerprintStore });
    const warm = await second.dr.execute(["B", "C"], { inputs: { x: 1 } });
    expect(warm.C).toBe(expected);
    expect(sum(warm.B as Float64Array)).toBe(expected);
    expect(ran).toEqual([]);
  });

  it("a small result is written behind too: its dependents run first, and execute resolves once it is stored and recorded", async () => {
    const store = new GatedResultStore(0);
    const fingerprintStore = new MemoryFingerprintRepository();
    const ran: string[] = [];
    const modules = { A: (x: number) => (ran.push("A"), [x]), B: (A: number[]) => (ran.push("B"), A.length) };
    const { dr } = await build(modules, store, { fingerprintStore });
    let resolved = false;
    const running = dr.execute(["B"], { inputs: { x: 1 } }).then((out) => {
      resolved = true;
      return out;
    });
    // B ran although A's write (a few bytes) has not been let through.
    await until(() => ran.length === 2);
    expect(ran).toEqual(["A", "B"]);
    expect(store.waiting.length).toBe(2);
    for (const key of store.waiting) expect(await store.has(key)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(resolved).toBe(false);
    store.letThrough();
    expect(await running).toEqual({ B: 1 });
    for (const key of store.waiting) expect(await store.has(key)).toBe(true);
    ran.length = 0;
    const second = await build(modules, store, { fingerprintStore });
    expect(await second.dr.execute(["A", "B"], { inputs: { x: 1 } })).toEqual({ A: [1], B: 1 });
    expect(ran).toEqual([]);
  });

  it("a dependent that changes its input in place cannot change what was stored for the input's node", async () => {
    const store = new GatedResultStore();
    const fingerprintStore = new MemoryFingerprintRepository();
    const modules = {
      A: (x: number) => large(x).map((_, i) => i),
      B: (A: Float64Array) => {
        A.reverse(); // in place, while A's bytes wait to be written
        return A[0] as number;
      },
    };
    const { dr } = await build(modules, store, { fingerprintStore });
    const running = dr.execute(["A", "B"], { inputs: { x: 1 } });
    await until(() => store.waiting.length > 0);
    store.letThrough();
    const fresh = await running;
    expect(fresh.B).toBe(large(1).length - 1);

    const second = await build(modules, store, { fingerprintStore });
    const warm = await second.dr.execute(["A"], { inputs: { x: 1 } });
    expect((await second.dr.cache.explain("A")).outcome).toBe("hit");
    // What a fresh run of A returns, not the reversed array B left behind.
    const a = warm.A as Float64Array;
    expect([a[0], a[1], a[a.length - 1]]).toEqual([0, 1, a.length - 1]);
  });

  it("a failed write fails the run with the store's error once the other nodes are done; nothing is recorded for it", async () => {
    const store = new GatedResultStore();
    const fingerprintStore = new MemoryFingerprintRepository();
    const ran: string[] = [];
    const modules = {
      A: (x: number) => (ran.push("A"), large(x)),
      B: (A: Float64Array) => (ran.push("B"), sum(A)),
    };
    const { dr } = await build(modules, store, { fingerprintStore });
    const running = dr.execute(["B"], { inputs: { x: 1 } });
    await until(() => ran.length === 2);
    store.letThrough(new Error("disk full"));
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain("disk full");
    expect((error as Error).message).toContain("set");

    // A was not recorded: a later run computes it again (B, stored, is a hit: same input fingerprint).
    ran.length = 0;
    const { dr: next } = await build(modules, new MemoryResultStore(), { fingerprintStore });
    const again = await next.execute(["A"], { inputs: { x: 1 } });
    expect(sum(again.A as Float64Array)).toBe(large(1).length);
    expect(ran).toEqual(["A"]);
    expect((await next.cache.explain("A")).outcome).toBe("computed");
  });

  it('with onStoreError "warn" a failed write is a warning and the run returns its results', async () => {
    const store = new GatedResultStore();
    const { dr, logger } = await build({ A: (x: number) => large(x), B: (A: Float64Array) => sum(A) }, store, {
      onStoreError: "warn",
    });
    const running = dr.execute(["B"], { inputs: { x: 1 } });
    await until(() => store.waiting.length === 1);
    store.letThrough(new Error("disk full"));
    expect(await running).toEqual({ B: large(1).length });
    expect(logger.warnings.some((w) => w.includes("disk full") && w.includes("onStoreError"))).toBe(true);
  });

  it("a second node with the same key waits for the first one's write and reads its stored result", async () => {
    const store = new GatedResultStore();
    let calls = 0;
    const same = (x: number) => (calls++, large(x));
    const { dr } = await build({ A: same, B: same }, store);
    const running = dr.execute(["A", "B"], { inputs: { x: 5 } });
    await until(() => store.waiting.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.waiting.length).toBe(1); // B waits for A's write instead of computing
    store.letThrough();
    const out = await running;
    expect([sum(out.A as Float64Array), sum(out.B as Float64Array)]).toEqual([
      5 * large(5).length,
      5 * large(5).length,
    ]);
    expect(calls).toBe(1);
    expect((await dr.cache.explain("B")).reason).toContain(
      'node "A" computed the same code with the same inputs earlier in this run',
    );
  });

  it("past the bound on bytes waiting to be written, a node waits for its own write", async () => {
    const store = new GatedResultStore();
    const parts = new CacheParts({ fingerprintStore: new MemoryFingerprintRepository(), resultStore: store });
    const writer = new ResultWriter(parts, 3 * MiB);
    const target = (node: string) => ({ node, mode: undefined, contextKey: `key-${node}`, codeVersion: "v1" });
    // About 1 MiB encoded: under the bound, handed on at once although its write waits.
    const first = await writer.store(target("first"), large(1), newStats());
    expect(store.waiting).toEqual([first.fingerprint]);
    expect(first.stored).toBeInstanceOf(Promise);
    // Another 3 MiB: over the bound, so store() itself waits until the writes are let through.
    let handedOn = false;
    const second = writer
      .store(target("second"), new Float64Array((3 * MiB) / 8).fill(2), newStats())
      .then((pending) => {
        handedOn = true;
        return pending;
      });
    await until(() => store.waiting.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(handedOn).toBe(false);
    store.letThrough();
    const pending = await second;
    expect(await pending.stored).toBe(true);
    expect(await first.stored).toBe(true);
    expect(await store.has(pending.fingerprint)).toBe(true);
  });
});
