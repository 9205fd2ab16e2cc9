// The ResultStore readOnly and integrity groups: a store opened read-only never writes, and a damaged
// entry is reported (never deleted by a read) so the cache warns, recomputes and repairs it.
import { Builder, MemoryFingerprintRepository, type ResultStore } from "@ham/core";
import { check, checkBytes, checkEqual, checkRejectsWithStoreError, describe, patternBytes } from "./assertions.js";
import type { Check, Harness } from "./harness.js";
import type { ResultStoreGroup } from "./options.js";
import { checkReportsDamage, damage } from "./damage.js";
import {
  WRITE_METHODS,
  checkSameSnapshot,
  countingDataflow,
  recordCalls,
  warningsLogger,
} from "./read-only-support.js";

type ResultCheck = Check<ResultStore, ResultStoreGroup>;

const NO_OPEN =
  "the store has no open(), so it cannot be opened read-only (optional member); the cache's read-only wrapper still drops its writes";

/** A store with two entries, closed, then opened again read-only. */
async function readOnlyStore(h: Harness<ResultStore>): Promise<ResultStore> {
  const store = await h.instance();
  if (typeof store.open !== "function") return h.skip(NO_OPEN);
  await store.set("roKept", patternBytes(300, 1));
  await store.set("roEmpty", new Uint8Array(0));
  await h.close(store);
  await h.reopen(store, { readOnly: true });
  return store;
}

/** Every read the store offers, checked against what `readOnlyStore` wrote. */
async function readEverything(store: ResultStore): Promise<void> {
  checkBytes(await store.get("roKept"), patternBytes(300, 1), 'get("roKept") opened read-only');
  checkBytes(await store.get("roEmpty"), new Uint8Array(0), 'get("roEmpty") opened read-only');
  checkEqual(await store.has("roKept"), true, 'has("roKept") opened read-only');
  checkEqual(await store.get("roMissing"), undefined, 'get("roMissing") opened read-only');
  if (store.getMany) {
    const many = await store.getMany(["roKept", "roMissing"]);
    checkBytes(many[0], patternBytes(300, 1), "getMany()[0] opened read-only");
  }
  if (store.list) for await (const _ of store.list());
  if (store.size) checkEqual(await store.size(), 300, "size() opened read-only");
}

export const readOnlyResultStoreChecks: readonly ResultCheck[] = [
  {
    group: "readOnly",
    name: "opened read-only it reads what was written, refuses set and delete with a StoreError, and a plain open() does not lift that until close()",
    async run(h) {
      const store = await readOnlyStore(h);
      await store.open?.();
      await readEverything(store);
      await checkRejectsWithStoreError(
        store.set("roNew", patternBytes(5, 2)),
        store.name,
        "set() on a store opened read-only",
      );
      await checkRejectsWithStoreError(store.delete("roKept"), store.name, "delete() on a store opened read-only");
      checkEqual(await store.has("roNew"), false, 'has("roNew") after a refused set');
      checkBytes(await store.get("roKept"), patternBytes(300, 1), 'get("roKept") after a refused delete');
      await h.close(store);
      await h.reopen(store);
      await store.set("roNew", patternBytes(5, 2));
      checkBytes(await store.get("roNew"), patternBytes(5, 2), 'get("roNew") written after close() and a plain open()');
    },
  },
  {
    group: "readOnly",
    name: "opening read-only, reading everything and closing leave the backing data unchanged (snapshot)",
    async run(h) {
      const store = await h.instance();
      await store.set("roKept", patternBytes(300, 1));
      await store.set("roEmpty", new Uint8Array(0));
      await h.close(store);
      const before = await h.snapshot(store);
      if (before === undefined)
        return h.skip(
          "no snapshot hook: give options.snapshot (e.g. folderSnapshot(dir)) so the suite can see the backing data",
        );
      await h.reopen(store, { readOnly: true });
      await readEverything(store);
      await store.set("roNew", patternBytes(5, 2)).catch(() => undefined);
      await store.delete("roKept").catch(() => undefined);
      await h.close(store);
      checkSameSnapshot(
        (await h.snapshot(store)) as string,
        before,
        "after a read-only open, reads, refused writes and close()",
      );
    },
  },
  {
    group: "readOnly",
    name: "a cache with readOnly: true opens the store read-only, hits, and never calls a write method",
    async run(h) {
      const store = await h.instance();
      const { modules, calls } = countingDataflow();
      const fingerprintStore = new MemoryFingerprintRepository();
      const writer = await new Builder()
        .withModules(modules)
        .withCache({ fingerprintStore, resultStore: store, logger: warningsLogger() })
        .build();
      await writer.execute(["A"], { inputs: { x: 3 } });
      await writer.close();
      const { proxy, calls: storeCalls } = recordCalls(store);
      const logger = warningsLogger();
      const reader = await new Builder()
        .withModules(modules)
        .withCache({ fingerprintStore, resultStore: proxy, readOnly: true, logger })
        .build();
      const expected = JSON.stringify({ A: modules.A(3) });
      calls.n = 0;
      checkEqual(
        JSON.stringify(await reader.execute(["A"], { inputs: { x: 3 } })),
        expected,
        "the read-only cache's output",
      );
      checkEqual(calls.n, 0, "nodes computed by the read-only cache on a warm run (a hit)");
      await reader.execute(["A"], { inputs: { x: 4 } });
      await reader.close();
      const opens = storeCalls.filter((c) => c.startsWith("open("));
      check(
        opens.length > 0 && opens.every((c) => c.includes('"readOnly":true')),
        `the read-only cache should open the store with { readOnly: true }, it called ${describe(opens)}`,
      );
      const writes = storeCalls.filter((c) => WRITE_METHODS.has(c));
      checkEqual(writes.length, 0, `write calls reaching the store from a read-only cache (${describe(writes)})`);
      checkEqual(logger.warnings.length, 0, `warnings of the read-only cache (${describe(logger.warnings)})`);
    },
  },

  // --- integrity ----------------------------------------------------------------------------
  {
    group: "integrity",
    name: "a damaged entry is reported, never deleted by a read; a read-only cache recomputes it and leaves it, a writable one replaces it",
    async run(h) {
      const store = await h.instance();
      const { modules, calls } = countingDataflow();
      const fingerprintStore = new MemoryFingerprintRepository();
      const build = (readOnly: boolean, logger = warningsLogger()) =>
        new Builder()
          .withModules(modules)
          .withCache({ fingerprintStore, resultStore: store, logger, readOnly })
          .build();
      const writer = await build(false);
      await writer.execute(["A"], { inputs: { x: 5 } });
      await writer.close(); // waits for writes in flight
      await h.reopen(store);
      const key = writer.cache.lastRun.A?.fingerprint as string;
      const stored = await store.get(key);
      checkEqual(stored instanceof Uint8Array, true, `the cache stored its result under "${key}"`);
      const original = new Uint8Array(stored as Uint8Array);
      await damage(h, store, key, original);
      await checkReportsDamage(store, key, original, "after damage");
      checkEqual(await store.has(key), true, "has() after reading a damaged entry (a read must never delete)");
      const expected = JSON.stringify({ A: modules.A(5) });

      const roLogger = warningsLogger();
      const reader = await build(true, roLogger);
      calls.n = 0;
      checkEqual(
        JSON.stringify(await reader.execute(["A"], { inputs: { x: 5 } })),
        expected,
        "output of a read-only cache over a damaged entry",
      );
      checkEqual(calls.n, 1, "computations by the read-only cache (the damaged entry is a miss)");
      checkEqual(reader.cache.lastRun.A?.outcome, "recomputed", "outcome of the damaged node");
      check(
        roLogger.warnings.length === 1 && roLogger.warnings[0]!.includes(key),
        `one warning naming "${key}", got ${describe(roLogger.warnings)}`,
      );
      await reader.close();
      await h.reopen(store);
      checkEqual(await store.has(key), true, "has() after a read-only cache met the damaged entry (it must leave it)");
      await checkReportsDamage(store, key, original, "after a read-only cache ran");

      const logger = warningsLogger();
      const repairer = await build(false, logger);
      checkEqual(
        JSON.stringify(await repairer.execute(["A"], { inputs: { x: 5 } })),
        expected,
        "output of a writable cache over a damaged entry",
      );
      checkEqual(repairer.cache.lastRun.A?.outcome, "recomputed", "outcome of the damaged node (writable cache)");
      check(
        logger.warnings.length === 1 && logger.warnings[0]!.includes(key),
        `one warning naming "${key}", got ${describe(logger.warnings)}`,
      );
      checkBytes(await store.get(key), original, `get("${key}") after the writable cache replaced the damaged entry`);
      const again = await build(false, logger);
      await again.execute(["A"], { inputs: { x: 5 } });
      checkEqual(again.cache.lastRun.A?.outcome, "hit", "the next run after the repair");
      await again.close();
    },
  },
];
