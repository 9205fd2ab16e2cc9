// The ResultStore chunks group: setChunks (optional) stores the concatenation of its pieces exactly as
// set of the concatenated bytes would — read back by get, has and getMany, idempotent with set, and the
// same bytes a cache stores through set when its codec encodes a result in pieces, signed or not.
// Also here, in the groups a store may switch off for them: setChunks is refused opened read-only, and
// readers racing setChunks writers see nothing or the whole value.
import { Builder, type Codec, MemoryFingerprintRepository, type ResultStore } from "@ham/core";
import { check, checkBytes, checkEqual, checkRejectsWithStoreError, describe, patternBytes } from "./assertions.js";
import { type Check, type Harness, instanceWith } from "./harness.js";
import type { ResultStoreGroup } from "./options.js";
import { recordCalls } from "./read-only-support.js";

type ResultCheck = Check<ResultStore, ResultStoreGroup>;
type ChunkingStore = ResultStore & Required<Pick<ResultStore, "setChunks">>;

const MiB = 1024 * 1024;
/** The store, skipped with a reason when it has no setChunks. */
const chunkingStore = (h: Harness<ResultStore>, namespace?: string): Promise<ChunkingStore> =>
  instanceWith(h, "setChunks", "store", namespace);

/** The pieces' concatenation, in a buffer of its own (what `set` of the concatenation would get). */
function concat(pieces: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(pieces));
}

/** `bytes` cut into pieces at `cuts` (copies, so the pieces own their memory). */
function cut(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [0, ...cuts, bytes.byteLength];
  return at.slice(1).map((end, i) => bytes.slice(at[i], end));
}

function sizes(pieces: readonly Uint8Array[]): string {
  return `[${pieces.map((p) => p.byteLength).join(", ")}]`;
}

/** setChunks of `pieces` under `key`, then get, has and (when present) getMany read back their concatenation. */
async function checkChunksRoundTrip(store: ChunkingStore, key: string, pieces: readonly Uint8Array[]): Promise<void> {
  const expected = concat(pieces);
  const what = `after setChunks(${JSON.stringify(key)}, pieces of ${sizes(pieces)} bytes)`;
  await store.setChunks(key, pieces);
  checkEqual(await store.has(key), true, `has(${JSON.stringify(key)}) ${what}`);
  checkBytes(await store.get(key), expected, `get(${JSON.stringify(key)}) ${what}`);
  if (typeof store.getMany === "function") {
    const many = await store.getMany([key, "chunksNeverWritten"]);
    checkEqual(many.length, 2, `getMany([${JSON.stringify(key)}, a miss]).length ${what}`);
    checkBytes(many[0], expected, `getMany()[0] (${JSON.stringify(key)}) ${what}`);
    checkEqual(many[1], undefined, `getMany()[1] (a miss) ${what}`);
  }
}

// A one-node dataflow whose result a codec encodes in pieces (module level: a node's code must not
// close over locals). 2.5 MiB: above every pack or single-request threshold the official stores use.
function Pieces(x: number): Uint8Array {
  return patternBytes(2.5 * MiB + x, x);
}
const piecesModules = { Pieces };

/** Encodes a Uint8Array result as itself, in four pieces (one empty) behind the room the cache asks for. */
const piecesCodec: Codec = {
  name: "ham-conformance-pieces",
  accepts: (value: unknown): boolean => value instanceof Uint8Array,
  encode: (value: unknown): Uint8Array => Uint8Array.from(value as Uint8Array),
  encodeChunks(value: unknown, room: number): Uint8Array[] {
    const bytes = value as Uint8Array;
    const third = Math.floor(bytes.byteLength / 3);
    const head = new Uint8Array(room + third);
    head.set(bytes.subarray(0, third), room);
    const rest = Uint8Array.from(bytes.subarray(third));
    // Views into one buffer of the codec's own, as a library's record batches often are.
    return [head, rest.subarray(0, third), new Uint8Array(0), rest.subarray(third)];
  },
  decode: (bytes: Uint8Array): unknown => Uint8Array.from(bytes),
};

const SIGNING_KEY = "ham-conformance-chunks-key-0123456789";

/** Hides setChunks, so the cache concatenates the pieces and calls set (what it does for stores without it). */
function withoutSetChunks(store: ResultStore): ResultStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === "setChunks") return undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (...args: unknown[]) => value.apply(target, args) : value;
    },
  });
}

/** One cached run of `Pieces(x)` over `resultStore`; closes the cache (and so the store) afterwards. */
async function cachedRun(
  resultStore: ResultStore,
  fingerprintStore: MemoryFingerprintRepository,
  x: number,
  signingKey: string | false,
): Promise<{ value: unknown; outcome: string; fingerprint: string | undefined; warnings: string[] }> {
  const warnings: string[] = [];
  const dr = await new Builder()
    .withModules(piecesModules)
    .withCache({
      fingerprintStore,
      resultStore,
      codecs: [piecesCodec],
      signingKey,
      logger: { warn: (m: string) => void warnings.push(m) },
    })
    .build();
  try {
    const out = await dr.execute(["Pieces"], { inputs: { x } });
    const record = dr.cache.lastRun.Pieces;
    return { value: out.Pieces, outcome: record?.outcome ?? "absent", fingerprint: record?.fingerprint, warnings };
  } finally {
    await dr.close();
  }
}

export const chunkedResultStoreChecks: readonly ResultCheck[] = [
  {
    group: "chunks",
    name: "setChunks of pieces of 100, 0 and 5000 bytes reads back as their concatenation through get, has and getMany",
    async run(h) {
      const store = await chunkingStore(h);
      await checkChunksRoundTrip(store, "chunksSmall", [
        patternBytes(100, 1),
        new Uint8Array(0),
        patternBytes(5000, 2),
      ]);
      // One piece, and many small ones (a table of many record batches).
      await checkChunksRoundTrip(store, "chunksOne", [patternBytes(777, 3)]);
      await checkChunksRoundTrip(
        store,
        "chunksMany",
        Array.from({ length: 64 }, (_, i) => patternBytes(i % 5 === 0 ? 0 : 37 + i, 10 + i)),
      );
      checkEqual(
        await store.has("chunksNeverWritten"),
        false,
        'has("chunksNeverWritten") next to values setChunks wrote',
      );
    },
  },
  {
    group: "chunks",
    name: "setChunks of a 3 MiB value in 3 pieces round-trips exactly",
    async run(h) {
      const store = await chunkingStore(h);
      // Larger than any pack or single-request threshold, so a store that writes pieces as they come does.
      await checkChunksRoundTrip(store, "chunksLarge", [
        patternBytes(MiB + 3, 21),
        patternBytes(2 * MiB - 5, 22),
        patternBytes(17, 23),
      ]);
    },
  },
  {
    group: "chunks",
    name: "setChunks of views into larger buffers (at odd offsets) stores only the views' bytes",
    async run(h) {
      const store = await chunkingStore(h);
      const backing = patternBytes(4099, 31);
      const other = patternBytes(301, 32);
      const small = [
        backing.subarray(1, 100),
        other.subarray(3, 300),
        backing.subarray(777, 3001),
        backing.subarray(3333, 3333),
      ];
      await checkChunksRoundTrip(store, "chunksViews", small);
      const big = patternBytes(MiB + MiB / 2 + 10, 33);
      const large = [big.subarray(3, 700_001), big.subarray(700_005, big.byteLength - 3)];
      await checkChunksRoundTrip(store, "chunksLargeViews", large);
    },
  },
  {
    group: "chunks",
    name: "setChunks of an empty list, or of only zero-length pieces, stores a 0-byte value (not a miss)",
    async run(h) {
      const store = await chunkingStore(h);
      await checkChunksRoundTrip(store, "chunksNone", []);
      await checkChunksRoundTrip(store, "chunksZeros", [
        new Uint8Array(0),
        new Uint8Array(0),
        new Uint8Array(8).subarray(5, 5),
      ]);
    },
  },
  {
    group: "chunks",
    name: "setChunks then set, and set then setChunks, of the same key and bytes are idempotent; delete removes the value",
    async run(h) {
      const store = await chunkingStore(h);
      const cases: [string, Uint8Array, readonly number[]][] = [
        ["chunksSmallThenSet", patternBytes(4096, 41), [1000, 1000, 3000]],
        ["setThenChunksSmall", patternBytes(4096, 42), [17, 4000]],
        ["chunksLargeThenSet", patternBytes(MiB + MiB / 4, 43), [MiB / 2, MiB]],
        ["setThenChunksLarge", patternBytes(MiB + MiB / 4, 44), [3, MiB + 1]],
      ];
      for (const [key, bytes, cuts] of cases) {
        const pieces = cut(bytes, cuts);
        const chunksFirst = key.startsWith("chunks");
        const order = chunksFirst ? "setChunks then set" : "set then setChunks";
        if (chunksFirst) {
          await store.setChunks(key, pieces);
          await store.set(key, bytes);
        } else {
          await store.set(key, bytes);
          await store.setChunks(key, pieces);
        }
        checkEqual(await store.has(key), true, `has(${JSON.stringify(key)}) after ${order}`);
        checkBytes(
          await store.get(key),
          bytes,
          `get(${JSON.stringify(key)}) after ${order} of the same ${bytes.byteLength} bytes`,
        );
        await store.setChunks(key, pieces);
        checkBytes(await store.get(key), bytes, `get(${JSON.stringify(key)}) after ${order} and setChunks again`);
      }
      // One value per key: a delete leaves nothing behind (no second copy written elsewhere by setChunks).
      for (const [key] of cases) {
        await store.delete(key);
        checkEqual(await store.has(key), false, `has(${JSON.stringify(key)}) after delete`);
        checkEqual(await store.get(key), undefined, `get(${JSON.stringify(key)}) after delete`);
      }
    },
  },
  {
    group: "chunks",
    name: "a cache stores a result its codec encodes in pieces through setChunks, signed or not, as the same bytes set would store, and hits it",
    async run(h) {
      for (const signingKey of [false, SIGNING_KEY] as const) {
        const signed = signingKey === false ? "unsigned" : "signed";
        const chunked = await chunkingStore(h, h.newNamespace());
        const plain = await h.instance(h.newNamespace());
        const chunkedRecords = new MemoryFingerprintRepository();
        const plainRecords = new MemoryFingerprintRepository();

        const { proxy, calls } = recordCalls(chunked);
        const cold = await cachedRun(proxy, chunkedRecords, 1, signingKey);
        checkEqual(cold.outcome, "computed", `${signed} first run: Pieces' outcome`);
        checkBytes(cold.value, Pieces(1), `${signed} first run: Pieces' value`);
        checkEqual(JSON.stringify(cold.warnings), "[]", `${signed} first run: warnings`);
        const writes = calls.filter((c) => c === "set" || c === "setChunks");
        checkEqual(
          JSON.stringify(writes),
          JSON.stringify(["setChunks"]),
          `${signed} first run: the store's write calls (a result its codec encoded in 4 pieces)`,
        );

        await h.reopen(chunked);
        const warm = await cachedRun(chunked, chunkedRecords, 1, signingKey);
        checkEqual(
          warm.outcome,
          "hit",
          `${signed} second run: Pieces' outcome (warnings: ${describe(warm.warnings)}): the bytes setChunks stored must read back whole`,
        );
        checkBytes(warm.value, Pieces(1), `${signed} second run: Pieces' value read from the store`);
        checkEqual(JSON.stringify(warm.warnings), "[]", `${signed} second run: warnings`);

        // The same run over a store without setChunks: the cache concatenates the pieces and calls set.
        const viaSet = await cachedRun(withoutSetChunks(plain), plainRecords, 1, signingKey);
        checkEqual(
          viaSet.fingerprint,
          cold.fingerprint,
          `${signed}: the result's fingerprint through set and setChunks`,
        );
        await h.reopen(chunked);
        await h.reopen(plain);
        const key = cold.fingerprint;
        check(key !== undefined, `${signed}: the first run recorded no fingerprint for Pieces`);
        const viaSetBytes = await plain.get(key);
        check(
          viaSetBytes !== undefined,
          `${signed}: get(${JSON.stringify(key)}) of the result the cache wrote with set`,
        );
        checkBytes(
          await chunked.get(key),
          viaSetBytes,
          `${signed}: the bytes stored through setChunks, against those stored through set of the concatenation`,
        );
        await h.close(chunked);
        await h.close(plain);
      }
    },
  },

  // --- the checks of other groups, for setChunks --------------------------------------------------
  {
    group: "readOnly",
    name: "opened read-only, setChunks is refused with a StoreError and stores nothing",
    async run(h) {
      const store = await chunkingStore(h);
      if (typeof store.open !== "function") {
        return h.skip("the store has no open(), so it cannot be opened read-only (optional member)");
      }
      const kept = [patternBytes(300, 51), patternBytes(20, 52)];
      await store.setChunks("roChunksKept", kept);
      await h.close(store);
      await h.reopen(store, { readOnly: true });
      checkBytes(await store.get("roChunksKept"), concat(kept), 'get("roChunksKept") opened read-only');
      const refused: [string, Uint8Array[]][] = [
        ["roChunksSmall", [patternBytes(10, 53), patternBytes(5, 54)]],
        ["roChunksLarge", [patternBytes(MiB, 55), patternBytes(MiB / 2, 56)]],
      ];
      for (const [key, pieces] of refused) {
        await checkRejectsWithStoreError(
          store.setChunks(key, pieces),
          store.name,
          `setChunks(${JSON.stringify(key)}, pieces of ${sizes(pieces)} bytes) on a store opened read-only`,
        );
        checkEqual(await store.has(key), false, `has(${JSON.stringify(key)}) after a refused setChunks`);
      }
    },
  },
  {
    group: "concurrency",
    name: "readers racing setChunks writers see either nothing or the whole value (atomic setChunks)",
    async run(h) {
      const store = await chunkingStore(h);
      const bytes = patternBytes(MiB + MiB / 2, 61);
      const pieces = cut(bytes, [1, MiB / 2, MiB]);
      const reads: Promise<Uint8Array | undefined>[] = [];
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 10; i++) {
        writes.push(store.setChunks("racingChunks", pieces));
        reads.push(store.get("racingChunks"));
      }
      await Promise.all(writes);
      for (const [i, got] of (await Promise.all(reads)).entries()) {
        if (got !== undefined) checkBytes(got, bytes, `read ${i} racing the setChunks writers`);
      }
      checkBytes(await store.get("racingChunks"), bytes, 'get("racingChunks") after the setChunks writers finished');
    },
  },
];
