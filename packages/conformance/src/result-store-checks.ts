// The ResultStore checks, as plain async functions grouped by what an implementation may switch off.
import type { ResultStore } from "@ham/core";
import { check, checkBytes, checkEqual, checkRejectsWithStoreError, describe, patternBytes } from "./assertions.js";
import { type Check, type Harness, instanceWith } from "./harness.js";
import { resultStoreKeySamples } from "./keys.js";
import type { ResultStoreGroup } from "./options.js";
import { batchResultStoreChecks } from "./batch-result-store-checks.js";
import { chunkedResultStoreChecks } from "./chunked-result-store-checks.js";
import { readOnlyResultStoreChecks } from "./read-only-result-store-checks.js";

type ResultCheck = Check<ResultStore, ResultStoreGroup>;

const MiB = 1024 * 1024;

async function roundTrip(h: Harness<ResultStore>, length: number): Promise<void> {
  const store = await h.instance();
  const key = `roundTrip${length}`;
  const bytes = patternBytes(length, length + 7);
  await store.set(key, bytes);
  checkEqual(await store.has(key), true, `has("${key}") after set of ${length} bytes`);
  checkBytes(await store.get(key), bytes, `get("${key}") after set of ${length} bytes`);
}

/** Every ResultStore check, in the order the suite runs them. */
export const resultStoreChecks: readonly ResultCheck[] = [
  // --- basic: the contract every result store meets -----------------------------------------
  {
    group: "basic",
    name: "a missing key reads as undefined and has() is false",
    async run(h) {
      const store = await h.instance();
      checkEqual(await store.get("neverWritten"), undefined, 'get("neverWritten")');
      checkEqual(await store.has("neverWritten"), false, 'has("neverWritten")');
    },
  },
  {
    group: "basic",
    name: "an empty (0 byte) value round-trips and is not mistaken for a miss",
    async run(h) {
      await roundTrip(h, 0);
    },
  },
  {
    group: "basic",
    name: "a 1 byte value round-trips",
    async run(h) {
      await roundTrip(h, 1);
    },
  },
  {
    group: "basic",
    name: "a value of every byte 0..255 round-trips unchanged (binary safe)",
    async run(h) {
      const store = await h.instance();
      const bytes = Uint8Array.from({ length: 512 }, (_, i) => i & 0xff);
      await store.set("everyByte", bytes);
      checkBytes(await store.get("everyByte"), bytes, 'get("everyByte")');
    },
  },
  {
    group: "basic",
    name: "a 1 MiB value round-trips",
    async run(h) {
      await roundTrip(h, MiB);
    },
  },
  {
    group: "basic",
    name: "a value written from a view into a larger buffer stores only the view's bytes",
    async run(h) {
      const store = await h.instance();
      const backing = patternBytes(1000, 3);
      const view = backing.subarray(100, 300);
      await store.set("viewKey", view);
      checkBytes(await store.get("viewKey"), backing.slice(100, 300), 'get("viewKey")');
    },
  },
  {
    group: "basic",
    name: "set of the same key and bytes twice is idempotent",
    async run(h) {
      const store = await h.instance();
      const bytes = patternBytes(4096, 11);
      await store.set("sameTwice", bytes);
      await store.set("sameTwice", bytes);
      checkEqual(await store.has("sameTwice"), true, 'has("sameTwice")');
      checkBytes(await store.get("sameTwice"), bytes, 'get("sameTwice") after two sets');
    },
  },
  {
    group: "basic",
    name: "keys with every url-safe base64 character, case twins and prefixes stay distinct",
    async run(h) {
      const store = await h.instance();
      const keys = resultStoreKeySamples();
      await Promise.all(keys.map((key, i) => store.set(key, patternBytes(64 + i, i + 100))));
      for (const [i, key] of keys.entries()) {
        checkBytes(await store.get(key), patternBytes(64 + i, i + 100), `get(${describe(key)})`);
      }
    },
  },
  {
    group: "basic",
    name: "delete removes a key, leaves others, and deleting a missing key is not an error",
    async run(h) {
      const store = await h.instance();
      await store.set("toDelete", patternBytes(10, 1));
      await store.set("toKeep", patternBytes(10, 2));
      await store.delete("toDelete");
      checkEqual(await store.has("toDelete"), false, 'has("toDelete") after delete');
      checkEqual(await store.get("toDelete"), undefined, 'get("toDelete") after delete');
      checkBytes(await store.get("toKeep"), patternBytes(10, 2), 'get("toKeep") after deleting another key');
      await store.delete("toDelete");
      await store.delete("neverWritten");
      await store.set("toDelete", patternBytes(12, 3));
      checkBytes(await store.get("toDelete"), patternBytes(12, 3), 'get("toDelete") after writing it again');
    },
  },

  // --- largeValues --------------------------------------------------------------------------
  {
    group: "largeValues",
    name: "a 32 MiB value round-trips",
    async run(h) {
      await roundTrip(h, 32 * MiB);
    },
  },

  // --- batch --------------------------------------------------------------------------------
  {
    group: "batch",
    name: "getMany returns values in the order asked, with undefined for misses",
    async run(h) {
      const store = await instanceWith(h, "getMany", "store");
      await store.set("manyA", patternBytes(5, 1));
      await store.set("manyB", patternBytes(0, 2));
      await store.set("manyC", patternBytes(7, 3));
      const got = await store.getMany(["manyC", "missing1", "manyA", "manyB", "missing2", "manyA"]);
      check(Array.isArray(got), `getMany should return an array, got ${describe(got)}`);
      checkEqual(got.length, 6, "getMany(6 keys).length");
      checkBytes(got[0], patternBytes(7, 3), "getMany()[0] (manyC)");
      checkEqual(got[1], undefined, "getMany()[1] (a miss)");
      checkBytes(got[2], patternBytes(5, 1), "getMany()[2] (manyA)");
      checkBytes(got[3], patternBytes(0, 2), "getMany()[3] (manyB, an empty value)");
      checkEqual(got[4], undefined, "getMany()[4] (a miss)");
      checkBytes(got[5], patternBytes(5, 1), "getMany()[5] (manyA asked twice)");
      const none = await store.getMany([]);
      checkEqual(none.length, 0, "getMany([]).length");
    },
  },
  ...batchResultStoreChecks,
  ...chunkedResultStoreChecks,

  // --- listing ------------------------------------------------------------------------------
  {
    group: "listing",
    name: "list() yields every stored key once with its size in bytes",
    async run(h) {
      const store = await instanceWith(h, "list", "store");
      const written = new Map([
        ["listA", patternBytes(10, 1)],
        ["listB", patternBytes(0, 2)],
        ["listC", patternBytes(3000, 3)],
      ]);
      for (const [key, bytes] of written) await store.set(key, bytes);
      await store.delete("listC");
      written.delete("listC");
      const seen = new Map<string, number>();
      for await (const item of store.list()) {
        check(!seen.has(item.key), `list() yielded "${item.key}" twice`);
        check(
          typeof item.lastAccess === "number" && Number.isFinite(item.lastAccess),
          `list() lastAccess of "${item.key}" should be a number, got ${describe(item.lastAccess)}`,
        );
        seen.set(item.key, item.bytes);
      }
      checkEqual(seen.size, written.size, `number of keys list() yielded (${describe([...seen.keys()])})`);
      for (const [key, bytes] of written) checkEqual(seen.get(key), bytes.byteLength, `list() size of "${key}"`);
    },
  },
  {
    group: "listing",
    name: "size() is the total of the stored values' bytes",
    async run(h) {
      const store = await instanceWith(h, "size", "store");
      checkEqual(await store.size(), 0, "size() of an empty store");
      await store.set("sizeA", patternBytes(100, 1));
      await store.set("sizeB", patternBytes(23, 2));
      await store.set("sizeB", patternBytes(23, 2));
      checkEqual(await store.size(), 123, "size() after writing 100 + 23 bytes (one key twice)");
      await store.delete("sizeA");
      checkEqual(await store.size(), 23, "size() after deleting the 100-byte value");
    },
  },

  // --- persistence --------------------------------------------------------------------------
  {
    group: "persistence",
    name: "a second instance on the same backing data sees earlier writes and deletes",
    async run(h) {
      const first = await h.instance();
      await first.set("persisted", patternBytes(2048, 5));
      await first.set("persistedEmpty", new Uint8Array(0));
      await first.set("deletedLater", patternBytes(8, 6));
      await first.delete("deletedLater");
      await h.close(first);
      const second = await h.instance();
      checkBytes(await second.get("persisted"), patternBytes(2048, 5), 'get("persisted") from a second instance');
      checkBytes(await second.get("persistedEmpty"), new Uint8Array(0), 'get("persistedEmpty") from a second instance');
      checkEqual(await second.has("deletedLater"), false, 'has("deletedLater") from a second instance');
    },
  },
  {
    group: "basic",
    name: "a new namespace starts empty",
    async run(h) {
      const first = await h.instance();
      await first.set("onlyHere", patternBytes(8, 1));
      const other = await h.instance(h.newNamespace());
      checkEqual(await other.has("onlyHere"), false, 'has("onlyHere") in another namespace');
      checkEqual(await other.get("onlyHere"), undefined, 'get("onlyHere") in another namespace');
    },
  },

  // --- concurrency --------------------------------------------------------------------------
  {
    group: "concurrency",
    name: "20 concurrent writers of the same key leave it readable and correct",
    async run(h) {
      const store = await h.instance();
      const bytes = patternBytes(256 * 1024, 42);
      await Promise.all(Array.from({ length: 20 }, () => store.set("contended", bytes)));
      checkBytes(await store.get("contended"), bytes, 'get("contended") after 20 concurrent sets');
    },
  },
  {
    group: "concurrency",
    name: "20 concurrent writers of different keys leave every entry readable and correct",
    async run(h) {
      const store = await h.instance();
      const keys = Array.from({ length: 20 }, (_, i) => `parallel${i}`);
      await Promise.all(keys.map((key, i) => store.set(key, patternBytes(64 * 1024 + i, i))));
      const got = await Promise.all(keys.map((key) => store.get(key)));
      for (const [i, key] of keys.entries()) checkBytes(got[i], patternBytes(64 * 1024 + i, i), `get("${key}")`);
    },
  },
  {
    group: "concurrency",
    name: "readers racing writers see either nothing or the whole value (atomic set)",
    async run(h) {
      const store = await h.instance();
      const bytes = patternBytes(512 * 1024, 9);
      const reads: Promise<Uint8Array | undefined>[] = [];
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 20; i++) {
        writes.push(store.set("racing", bytes));
        reads.push(store.get("racing"));
      }
      await Promise.all(writes);
      for (const [i, got] of (await Promise.all(reads)).entries()) {
        if (got !== undefined) checkBytes(got, bytes, `read ${i} racing the writers`);
      }
      checkBytes(await store.get("racing"), bytes, 'get("racing") after the writers finished');
    },
  },

  // --- sharedAccess -------------------------------------------------------------------------
  {
    group: "sharedAccess",
    name: "two instances open at once on the same data (as two processes) lose no writes",
    async run(h) {
      const a = await h.instance();
      const b = await h.instance();
      const keys = Array.from({ length: 20 }, (_, i) => `shared${i}`);
      await Promise.all(keys.map((key, i) => (i % 2 === 0 ? a : b).set(key, patternBytes(1000 + i, i))));
      // Both also write the same key: content-addressed, so the bytes are the same.
      await Promise.all([a.set("sharedBoth", patternBytes(5000, 77)), b.set("sharedBoth", patternBytes(5000, 77))]);
      checkBytes(await b.get("shared0"), patternBytes(1000, 0), 'get("shared0") written by the other instance');
      await h.close(a);
      await h.close(b);
      const c = await h.instance();
      for (const [i, key] of keys.entries())
        checkBytes(await c.get(key), patternBytes(1000 + i, i), `get("${key}") after both closed`);
      checkBytes(await c.get("sharedBoth"), patternBytes(5000, 77), 'get("sharedBoth") after both closed');
    },
  },

  // --- lifecycle ----------------------------------------------------------------------------
  {
    group: "lifecycle",
    name: "open() twice and close() twice are safe",
    async run(h) {
      const store = await h.instance();
      if (typeof store.open !== "function" && typeof store.close !== "function") {
        return h.skip("the store has neither open() nor close() (optional members)");
      }
      await store.open?.();
      await store.set("afterDoubleOpen", patternBytes(4, 1));
      checkBytes(await store.get("afterDoubleOpen"), patternBytes(4, 1), 'get("afterDoubleOpen")');
      await store.close?.();
      await store.close?.();
    },
  },
  {
    group: "lifecycle",
    name: "using a closed store fails with a StoreError naming the store",
    async run(h) {
      const store = await instanceWith(h, "close", "store");
      await store.set("beforeClose", patternBytes(4, 1));
      await store.close();
      await checkRejectsWithStoreError(store.get("beforeClose"), store.name, "get() after close()");
      await checkRejectsWithStoreError(store.has("beforeClose"), store.name, "has() after close()");
      await checkRejectsWithStoreError(store.set("afterClose", patternBytes(4, 2)), store.name, "set() after close()");
      await checkRejectsWithStoreError(store.delete("beforeClose"), store.name, "delete() after close()");
      if (typeof store.getMany === "function") {
        await checkRejectsWithStoreError(store.getMany(["beforeClose"]), store.name, "getMany() after close()");
      }
      if (typeof store.setChunks === "function") {
        await checkRejectsWithStoreError(
          store.setChunks("afterClose", [patternBytes(4, 2), patternBytes(3, 3)]),
          store.name,
          "setChunks() after close()",
        );
      }
    },
  },
  ...readOnlyResultStoreChecks,
];
