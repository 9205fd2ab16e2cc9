// The ResultStore batch group beyond the basic order check: large batches, agreement with get, damaged
// entries in a batch, and a cache reading a warm run's results through getMany (issue 20).
import { Builder, MemoryFingerprintRepository, type ResultStore } from "@ham/core";
import { check, checkBytes, checkEqual, describe, patternBytes } from "./assertions.js";
import { type Check, type Harness, instanceWith } from "./harness.js";
import { resultStoreKeySamples } from "./keys.js";
import type { ResultStoreGroup } from "./options.js";
import { checkReportsDamage, damage } from "./damage.js";
import { recordCalls, warningsLogger } from "./read-only-support.js";

type ResultCheck = Check<ResultStore, ResultStoreGroup>;

/** The store, skipped with a reason when it has no getMany. */
const batchingStore = (h: Harness<ResultStore>) => instanceWith(h, "getMany", "store");

/** Module-level nodes (a node's code must not close over locals); `batchComputations` counts their calls. */
const batchComputations: Record<string, number> = {};
function computed(name: string, seed: number): { name: string; values: number[] } {
  batchComputations[name] = (batchComputations[name] ?? 0) + 1;
  return { name, values: Array.from({ length: 48 }, (_, i) => i * seed) };
}
const batchModules = {
  P1: (x: number) => computed("P1", x + 1),
  P2: (x: number) => computed("P2", x + 2),
  P3: (x: number) => computed("P3", x + 3),
  P4: (x: number) => computed("P4", x + 4),
  P5: (x: number) => computed("P5", x + 5),
};
const BATCH_OUTPUTS = Object.keys(batchModules);

export const batchResultStoreChecks: readonly ResultCheck[] = [
  {
    group: "batch",
    name: "getMany of 300 keys, present and missing interleaved, answers each in its place exactly as get does",
    async run(h) {
      const store = await batchingStore(h);
      // More keys than one request, statement or worker pool is likely to hold; odd keys included.
      const keys = [
        ...resultStoreKeySamples(),
        ...Array.from({ length: 300 - resultStoreKeySamples().length }, (_, i) => `batch${i}`),
      ];
      const stored = new Map<string, Uint8Array>();
      await Promise.all(
        keys.map(async (key, i) => {
          if (i % 3 === 2) return; // every third key is a miss
          const bytes = patternBytes(i % 7 === 0 ? 0 : 1 + (i % 50), i);
          stored.set(key, bytes);
          await store.set(key, bytes);
        }),
      );
      const asked = [...keys].reverse();
      const got = await store.getMany(asked);
      check(Array.isArray(got), `getMany should return an array, got ${describe(got)}`);
      checkEqual(got.length, asked.length, `getMany(${asked.length} keys).length`);
      for (let i = 0; i < asked.length; i++) {
        const key = asked[i] as string;
        const expected = stored.get(key);
        const what = `getMany()[${i}] (${JSON.stringify(key)}, ${expected === undefined ? "a miss" : `${expected.byteLength} bytes`})`;
        if (expected === undefined) checkEqual(got[i], undefined, what);
        else checkBytes(got[i], expected, what);
        const single = await store.get(key);
        if (expected === undefined) checkEqual(single, undefined, `get(${JSON.stringify(key)})`);
        else checkBytes(single, expected, `get(${JSON.stringify(key)})`);
      }
    },
  },
  {
    group: "batch",
    name: "a key asked several times in one getMany gets its bytes at each place",
    async run(h) {
      const store = await batchingStore(h);
      await store.set("dupA", patternBytes(9, 4));
      await store.set("dupB", patternBytes(3, 5));
      const got = await store.getMany(["dupA", "dupA", "dupMissing", "dupB", "dupA", "dupMissing"]);
      checkEqual(got.length, 6, "getMany(6 keys, 3 distinct).length");
      for (const i of [0, 1, 4]) checkBytes(got[i], patternBytes(9, 4), `getMany()[${i}] (dupA)`);
      checkBytes(got[3], patternBytes(3, 5), "getMany()[3] (dupB)");
      checkEqual(got[2], undefined, "getMany()[2] (a miss)");
      checkEqual(got[5], undefined, "getMany()[5] (the same miss again)");
    },
  },
  {
    group: "batch",
    name: "a damaged entry in a batch is reported as get reports it, never as a miss, and the read deletes nothing",
    async run(h) {
      const store = await batchingStore(h);
      const good1 = patternBytes(40, 6);
      const bad = patternBytes(40, 7);
      const good2 = patternBytes(40, 8);
      await store.set("batchGood1", good1);
      await store.set("batchBad", bad);
      await store.set("batchGood2", good2);
      await damage(h, store, "batchBad", bad);
      let answered: (Uint8Array | undefined)[] | undefined;
      try {
        answered = await store.getMany(["batchGood1", "batchBad", "batchGood2"]);
      } catch (error) {
        const name = (error as { name?: unknown })?.name;
        check(
          name === "CorruptResultError",
          `getMany() over a damaged entry should return its bytes or reject with CorruptResultError (as get does), got ${error instanceof Error ? `${error.name}: ${error.message}` : describe(error)}`,
        );
      }
      if (answered !== undefined) {
        checkEqual(answered.length, 3, "getMany(3 keys).length");
        checkBytes(answered[0], good1, "getMany()[0] (an undamaged entry next to a damaged one)");
        check(
          answered[1] !== undefined,
          "getMany() returned undefined for a damaged entry: report it as get does (bytes, or CorruptResultError); a miss hides the damage",
        );
        check(
          Buffer.compare(Buffer.from(answered[1]), Buffer.from(bad)) !== 0,
          "getMany() returned the original bytes: the damage hook did not damage the entry",
        );
        checkBytes(answered[2], good2, "getMany()[2] (an undamaged entry next to a damaged one)");
      }
      // get agrees, the read deleted nothing, and the undamaged entries read back whole.
      await checkReportsDamage(store, "batchBad", bad, "get() of the entry getMany met damaged");
      checkEqual(
        await store.has("batchBad"),
        true,
        "has() after getMany read a damaged entry (a read must never delete)",
      );
      const rest = await store.getMany(["batchGood2", "batchGood1"]);
      checkBytes(rest[0], good2, "getMany()[0] of the undamaged entries");
      checkBytes(rest[1], good1, "getMany()[1] of the undamaged entries");
    },
  },
  {
    group: "batch",
    name: "a cache reads a warm run's results with one getMany; a damaged one among them recomputes only its node",
    async run(h) {
      const store = await batchingStore(h);
      const fingerprintStore = new MemoryFingerprintRepository();
      const build = (resultStore: ResultStore, logger = warningsLogger()) =>
        new Builder().withModules(batchModules).withCache({ fingerprintStore, resultStore, logger }).build();
      const writer = await build(store);
      const expected = JSON.stringify(await writer.execute(BATCH_OUTPUTS, { inputs: { x: 2 } }));
      await writer.close();
      await h.reopen(store);
      const damagedKey = writer.cache.lastRun.P3?.fingerprint as string;
      const original = new Uint8Array((await store.get(damagedKey)) as Uint8Array);
      await damage(h, store, damagedKey, original);

      for (const name of BATCH_OUTPUTS) delete batchComputations[name];
      const { proxy, calls } = recordCalls(store);
      const logger = warningsLogger();
      const reader = await build(proxy, logger);
      checkEqual(
        JSON.stringify(await reader.execute(BATCH_OUTPUTS, { inputs: { x: 2 } })),
        expected,
        "output of a warm run over a batch with a damaged entry",
      );
      checkEqual(JSON.stringify(batchComputations), JSON.stringify({ P3: 1 }), "nodes computed (only the damaged one)");
      const outcomes = BATCH_OUTPUTS.map((n) => `${n}:${reader.cache.lastRun[n]?.outcome}`).join(" ");
      checkEqual(outcomes, "P1:hit P2:hit P3:recomputed P4:hit P5:hit", "outcomes");
      check(
        logger.warnings.length === 1 && logger.warnings[0]!.includes(damagedKey),
        `one warning naming "${damagedKey}", got ${describe(logger.warnings)}`,
      );
      checkEqual(
        calls.filter((c) => c === "getMany").length,
        1,
        `getMany calls of the warm run (calls: ${describe(calls)})`,
      );
      await reader.close();
    },
  },
];
