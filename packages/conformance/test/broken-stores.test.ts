// The checks catch broken implementations: each broken store below fails the check aimed at its flaw.
import {
  type Check,
  type FingerprinterSubject,
  type Openable,
  describeResultStore,
  fingerprinterChecks,
  fingerprintRepositoryChecks,
  repositorySigningChecks,
  resultStoreChecks,
  runCheck,
  runFingerprinterCheck,
} from "@ham/conformance";
import { type Fingerprinter, type FingerprintRepository, type ResultStore, StoreError } from "@ham/core";
import { CorruptResultError } from "@ham/core/codec";
import { describe, expect, it } from "vitest";
import { ReferenceFingerprintRepository, ReferenceResultStore, referenceData } from "./reference-stores.js";

function resultCheck(name: string): Check<ResultStore> {
  const found = resultStoreChecks.find((c) => c.name === name);
  if (!found) throw new Error(`no result store check named "${name}"`);
  return found as Check<ResultStore>;
}

function repositoryCheck(name: string): Check<FingerprintRepository> {
  const found = [...fingerprintRepositoryChecks, ...repositorySigningChecks].find((c) => c.name === name);
  if (!found) throw new Error(`no repository check named "${name}"`);
  return found as Check<FingerprintRepository>;
}

class DroppingResultStore extends ReferenceResultStore {
  override async set(): Promise<void> {}
}

class TruncatingResultStore extends ReferenceResultStore {
  override async set(key: string, bytes: Uint8Array): Promise<void> {
    await super.set(key, bytes.subarray(0, 16 * 1024 * 1024));
  }
}

class ForgetfulResultStore extends ReferenceResultStore {
  constructor(namespace: string) {
    // A fresh namespace per instance: nothing survives into a second instance.
    super(`${namespace}-${Math.random()}`);
  }
}

class ReversedGetManyStore extends ReferenceResultStore {
  override async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return (await super.getMany(keys)).reverse();
  }
}

/** Answers batches of over 100 keys in chunks of 100, the chunks in the wrong order (a worker pool that appends as chunks finish). */
class ChunksOutOfOrderStore extends ReferenceResultStore {
  override async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const all = await super.getMany(keys);
    if (keys.length <= 100) return all;
    const chunks: (Uint8Array | undefined)[][] = [];
    for (let i = 0; i < all.length; i += 100) chunks.push(all.slice(i, i + 100));
    return chunks.reverse().flat();
  }
}

/** Answers a key asked twice only at its first place (a batch deduplicated and not expanded back). */
class DedupingGetManyStore extends ReferenceResultStore {
  override async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const seen = new Set<string>();
    const all = await super.getMany(keys);
    return keys.map((key, i) => (seen.has(key) ? undefined : (seen.add(key), all[i])));
  }
}

/** Answers only the first key of a batch; the rest read as misses (a batch cut short). */
class FirstKeyOnlyGetManyStore extends ReferenceResultStore {
  override async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const all = await super.getMany(keys);
    return all.map((bytes, i) => (i === 0 ? bytes : undefined));
  }
}

/** Keeps a checksum per key: get reports damage with CorruptResultError, getMany hides it as a miss. */
class HidesDamageInBatchStore extends ReferenceResultStore {
  static readonly sums = new Map<string, string>();
  #sum(bytes: Uint8Array): string {
    return Buffer.from(bytes).toString("base64");
  }
  override async set(key: string, bytes: Uint8Array): Promise<void> {
    await super.set(key, bytes);
    HidesDamageInBatchStore.sums.set(`${this.name}/${key}`, this.#sum(bytes));
  }
  #damaged(key: string): boolean {
    const bytes = this.data.get(key);
    return bytes !== undefined && HidesDamageInBatchStore.sums.get(`${this.name}/${key}`) !== this.#sum(bytes);
  }
  override async get(key: string): Promise<Uint8Array | undefined> {
    if (this.#damaged(key)) throw new CorruptResultError(`result "${key}" fails its checksum`);
    return super.get(key);
  }
  override async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const all = await super.getMany(keys);
    return keys.map((key, i) => (this.#damaged(key) ? undefined : all[i]));
  }
  /** The damage hook: flips the stored bytes' last byte behind the store's back. */
  corrupt(key: string): void {
    const bytes = this.data.get(key) as Uint8Array;
    bytes[bytes.length - 1] = ((bytes[bytes.length - 1] as number) + 1) & 0xff;
  }
}

/** getMany works after close(). */
class GetManyAfterCloseStore extends ReferenceResultStore {
  override async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return keys.map((k) => this.data.get(k));
  }
}

class UsableAfterCloseStore extends ReferenceResultStore {
  override async close(): Promise<void> {}
}

class PlainErrorAfterCloseStore extends ReferenceResultStore {
  protected override ready(operation: string): void {
    try {
      super.ready(operation);
    } catch {
      throw new Error("closed");
    }
  }
}

class EmptyMeansMissingStore extends ReferenceResultStore {
  override async get(key: string): Promise<Uint8Array | undefined> {
    const bytes = await super.get(key);
    return bytes && bytes.byteLength > 0 ? bytes : undefined;
  }
}

class CaseInsensitiveStore extends ReferenceResultStore {
  override async set(key: string, bytes: Uint8Array): Promise<void> {
    await super.set(key.toLowerCase(), bytes);
  }
  override async get(key: string): Promise<Uint8Array | undefined> {
    return super.get(key.toLowerCase());
  }
}

class LastWriterTearsStore extends ReferenceResultStore {
  // Writes in two halves with a pause between, like a non-atomic file write.
  override async set(key: string, bytes: Uint8Array): Promise<void> {
    this.data.set(key, bytes.slice(0, bytes.byteLength >> 1));
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.data.set(key, bytes.slice());
  }
}

/** A conforming setChunks over the reference store: the pieces' concatenation, stored as set stores it. */
class ChunkingResultStore extends ReferenceResultStore {
  async setChunks(key: string, chunks: readonly Uint8Array[]): Promise<void> {
    this.writable("setChunks");
    if (!Array.isArray(chunks) || !chunks.every((c) => c instanceof Uint8Array)) {
      throw new StoreError(this.name, "setChunks", `chunks for "${key}" must be an array of Uint8Arrays`);
    }
    this.data.set(key, new Uint8Array(Buffer.concat(chunks)));
  }
}

/** Stores every piece but the last (a loop that stops one short). */
class DropsLastPieceStore extends ChunkingResultStore {
  override async setChunks(key: string, chunks: readonly Uint8Array[]): Promise<void> {
    await super.setChunks(key, chunks.slice(0, -1));
  }
}

/** Stores the pieces in reverse order (a stack where a queue was meant). */
class ReversedPiecesStore extends ChunkingResultStore {
  override async setChunks(key: string, chunks: readonly Uint8Array[]): Promise<void> {
    await super.setChunks(key, [...chunks].reverse());
  }
}

/** Writes the pieces straight into the entry as they come, so a reader can see a part of the value. */
class TornSetChunksStore extends ChunkingResultStore {
  override async setChunks(key: string, chunks: readonly Uint8Array[]): Promise<void> {
    this.writable("setChunks");
    const written: Uint8Array[] = [];
    for (const chunk of chunks) {
      written.push(chunk);
      this.data.set(key, new Uint8Array(Buffer.concat(written)));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}

/** setChunks still works after close() (it forgets the closed check the other methods make). */
class SetChunksAfterCloseStore extends ChunkingResultStore {
  override async setChunks(key: string, chunks: readonly Uint8Array[]): Promise<void> {
    this.data.set(key, new Uint8Array(Buffer.concat(chunks)));
  }
}

class TruncatingKeyRepository extends ReferenceFingerprintRepository {
  override async set(
    contextKey: string,
    ...rest: Parameters<ReferenceFingerprintRepository["set"]> extends [string, ...infer R] ? R : never
  ): Promise<void> {
    await super.set(contextKey.slice(0, 255), ...rest);
  }
  override async get(contextKey: string): Promise<string | undefined> {
    return super.get(contextKey.slice(0, 255));
  }
}

class IgnoresOverwriteRepository extends ReferenceFingerprintRepository {
  override async set(...args: Parameters<ReferenceFingerprintRepository["set"]>): Promise<void> {
    if ((await super.get(args[0])) === undefined) await super.set(...args);
  }
}

class OldestFirstRepository extends ReferenceFingerprintRepository {
  override async listRuns(options: { limit?: number } = {}) {
    const all = (await super.listRuns()).reverse();
    return all.slice(0, options.limit ?? all.length);
  }
}

/** Ignores `open({ readOnly: true })`: writes go through (what a store unaware of read-only does). */
class IgnoresReadOnlyStore extends ReferenceResultStore {
  override async open(): Promise<void> {
    await super.open();
  }
}

/** Records each read in its data, like access-time tracking that forgets read-only. */
class TouchesOnReadStore extends ReferenceResultStore {
  override async get(key: string): Promise<Uint8Array | undefined> {
    const bytes = await super.get(key);
    if (bytes !== undefined) this.data.set(`${key}.atime`, new Uint8Array([Date.now() & 0xff, 1]));
    return bytes;
  }
  override async size(): Promise<number> {
    return (await super.size()) - 2 * [...this.data.keys()].filter((k) => k.endsWith(".atime")).length;
  }
}

/** Deletes an entry that fails its checksum on read and calls it a miss (the old S3 behaviour). */
class DeletesDamagedStore extends ReferenceResultStore {
  readonly #sums = new Map<string, string>();
  override async set(key: string, bytes: Uint8Array): Promise<void> {
    await super.set(key, bytes);
    if (!this.#sums.has(key)) this.#sums.set(key, Buffer.from(bytes).toString("base64"));
  }
  override async get(key: string): Promise<Uint8Array | undefined> {
    const bytes = await super.get(key);
    if (bytes === undefined || Buffer.from(bytes).toString("base64") === this.#sums.get(key)) return bytes;
    this.data.delete(key);
    return undefined;
  }
}

/** Migrates on every open, read-only or not (the old Postgres behaviour): a repository that writes on open. */
class WritesOnOpenRepository extends ReferenceFingerprintRepository {
  override async open(options?: { readOnly?: boolean }): Promise<void> {
    await super.open(options);
    this.data.records.set("schema", {
      contextKey: "schema",
      fingerprint: String(Math.random()),
      node: "",
      codeVersion: "",
      createdAt: 0,
    });
  }
}

class SecondsRepository extends ReferenceFingerprintRepository {
  // Keeps createdAt in whole seconds, as a store with a seconds column would.
  override async set(
    ...[contextKey, fingerprint, meta]: Parameters<ReferenceFingerprintRepository["set"]>
  ): Promise<void> {
    await super.set(contextKey, fingerprint, { ...meta, createdAt: Math.floor(meta.createdAt / 1000) * 1000 });
  }
}

/** Keeps the first record saved under a run id: a running snapshot would never become the final run. */
class KeepsFirstRunRepository extends ReferenceFingerprintRepository {
  override async saveRun(run: Parameters<ReferenceFingerprintRepository["saveRun"]>[0]) {
    if ((await super.getRun(run.runId)) === undefined) await super.saveRun(run);
  }
}

async function expectFailure<T extends Openable>(
  check: Check<T>,
  factory: (ctx: { namespace: string }) => T,
  pattern: RegExp,
) {
  await expect(runCheck(check, factory)).rejects.toThrow(pattern);
}

describe("the read-only and integrity checks fail on broken stores", () => {
  const snapshot = ({ namespace }: { namespace: string }) => referenceData(namespace);
  it("a store that ignores readOnly fails the read-only check", async () => {
    await expectFailure(
      resultCheck(
        "opened read-only it reads what was written, refuses set and delete with a StoreError, and a plain open() does not lift that until close()",
      ),
      ({ namespace }) => new IgnoresReadOnlyStore(namespace),
      /set\(\) on a store opened read-only: expected a StoreError, but it resolved/,
    );
  });
  it("a store whose reads write fails the snapshot check", async () => {
    await expect(
      runCheck(
        resultCheck("opening read-only, reading everything and closing leave the backing data unchanged (snapshot)"),
        ({ namespace }) => new TouchesOnReadStore(namespace),
        { snapshot },
      ),
    ).rejects.toThrow(/the backing data changed, a read-only store wrote/);
  });
  it("a store that deletes a damaged entry on read fails the integrity check", async () => {
    await expectFailure(
      resultCheck(
        "a damaged entry is reported, never deleted by a read; a read-only cache recomputes it and leaves it, a writable one replaces it",
      ),
      ({ namespace }) => new DeletesDamagedStore(namespace),
      /get\(\) of a damaged entry returned undefined: report it with CorruptResultError/,
    );
  });
  it("a repository that writes on every open fails the snapshot check", async () => {
    await expect(
      runCheck(
        repositoryCheck(
          "opening read-only, reading everything and closing leave the backing data unchanged (snapshot)",
        ),
        ({ namespace }) => new WritesOnOpenRepository(namespace),
        { snapshot },
      ),
    ).rejects.toThrow(/the backing data changed, a read-only store wrote/);
  });
});

describe("the result store checks fail on broken stores", () => {
  it("a store that drops writes fails the round trip", async () => {
    await expectFailure(
      resultCheck("a 1 byte value round-trips"),
      ({ namespace }) => new DroppingResultStore(namespace),
      /has\("roundTrip1"\) after set of 1 bytes: expected true, got false/,
    );
  });
  it("a store that truncates large values fails the 32 MiB round trip", async () => {
    await expectFailure(
      resultCheck("a 32 MiB value round-trips"),
      ({ namespace }) => new TruncatingResultStore(namespace),
      /expected 33554432 bytes, got 16777216/,
    );
  });
  it("a store that reads an empty value as a miss fails the 0 byte round trip", async () => {
    await expectFailure(
      resultCheck("an empty (0 byte) value round-trips and is not mistaken for a miss"),
      ({ namespace }) => new EmptyMeansMissingStore(namespace),
      /got undefined/,
    );
  });
  it("a store that folds key case fails the key character check", async () => {
    await expectFailure(
      resultCheck("keys with every url-safe base64 character, case twins and prefixes stay distinct"),
      ({ namespace }) => new CaseInsensitiveStore(namespace),
      /bytes differ|expected \d+ bytes/,
    );
  });
  it("a store that forgets across instances fails persistence", async () => {
    await expectFailure(
      resultCheck("a second instance on the same backing data sees earlier writes and deletes"),
      ({ namespace }) => new ForgetfulResultStore(namespace),
      /from a second instance/,
    );
  });
  it("a store whose getMany reorders fails the batch check", async () => {
    await expectFailure(
      resultCheck("getMany returns values in the order asked, with undefined for misses"),
      ({ namespace }) => new ReversedGetManyStore(namespace),
      /getMany\(\)\[0\]/,
    );
  });
  it("a store usable after close fails the lifecycle check", async () => {
    await expectFailure(
      resultCheck("using a closed store fails with a StoreError naming the store"),
      ({ namespace }) => new UsableAfterCloseStore(namespace),
      /expected a StoreError, but it resolved/,
    );
  });
  it("a store that throws a plain Error after close fails the lifecycle check", async () => {
    await expectFailure(
      resultCheck("using a closed store fails with a StoreError naming the store"),
      ({ namespace }) => new PlainErrorAfterCloseStore(namespace),
      /expected a StoreError from @ham\/core, got Error: closed/,
    );
  });
  it("a store with torn writes fails the atomicity check", async () => {
    await expectFailure(
      resultCheck("readers racing writers see either nothing or the whole value (atomic set)"),
      ({ namespace }) => new LastWriterTearsStore(namespace),
      /expected 524288 bytes, got 262144/,
    );
  });
  it("a store whose large batches come back out of order fails the 300-key check (and passes the small one)", async () => {
    const store = ({ namespace }: { namespace: string }) => new ChunksOutOfOrderStore(namespace);
    expect(
      await runCheck(resultCheck("getMany returns values in the order asked, with undefined for misses"), store),
    ).toEqual({ status: "passed" });
    await expectFailure(
      resultCheck(
        "getMany of 300 keys, present and missing interleaved, answers each in its place exactly as get does",
      ),
      store,
      /getMany\(\)\[0\]/,
    );
  });

  it("a store that answers a repeated key only once fails the duplicates check", async () => {
    await expectFailure(
      resultCheck("a key asked several times in one getMany gets its bytes at each place"),
      ({ namespace }) => new DedupingGetManyStore(namespace),
      /getMany\(\)\[1\] \(dupA\)/,
    );
  });

  it("a store whose getMany hides a damaged entry as a miss fails the damaged-batch check", async () => {
    await expect(
      runCheck(
        resultCheck(
          "a damaged entry in a batch is reported as get reports it, never as a miss, and the read deletes nothing",
        ),
        ({ namespace }) => new HidesDamageInBatchStore(namespace),
        {
          damage: ({ instance, key }) => (instance as HidesDamageInBatchStore).corrupt(key),
        },
      ),
    ).rejects.toThrow(/getMany\(\) returned undefined for a damaged entry/);
  });

  it("a store whose getMany cuts batches short fails the cache check: hits recompute", async () => {
    await expectFailure(
      resultCheck(
        "a cache reads a warm run's results with one getMany; a damaged one among them recomputes only its node",
      ),
      ({ namespace }) => new FirstKeyOnlyGetManyStore(namespace),
      /nodes computed \(only the damaged one\)/,
    );
  });

  it("a store whose getMany works after close() fails the closed-store check", async () => {
    await expectFailure(
      resultCheck("using a closed store fails with a StoreError naming the store"),
      ({ namespace }) => new GetManyAfterCloseStore(namespace),
      /getMany\(\) after close\(\): expected a StoreError, but it resolved/,
    );
  });

  it("a store without getMany gets the batch check skipped with a reason, not passed", async () => {
    class NoBatch extends ReferenceResultStore {}
    Object.defineProperty(NoBatch.prototype, "getMany", { value: undefined });
    const result = await runCheck(
      resultCheck("getMany returns values in the order asked, with undefined for misses"),
      ({ namespace }) => new NoBatch(namespace),
    );
    expect(result).toEqual({ status: "skipped", reason: "the store has no getMany() (optional member)" });
  });
  it("cleanup is called for every namespace a check used, after its instances are closed", async () => {
    const cleaned: string[] = [];
    const stores: ReferenceResultStore[] = [];
    await runCheck(
      resultCheck("a new namespace starts empty"),
      ({ namespace }) => {
        const store = new ReferenceResultStore(namespace);
        stores.push(store);
        return store;
      },
      { cleanup: ({ namespace }) => void cleaned.push(namespace) },
    );
    expect(cleaned).toHaveLength(2);
    expect(cleaned[0]).toMatch(/^hc_[a-z0-9_]+$/);
    for (const store of stores) await expect(store.get("x")).rejects.toThrow(/closed/);
  });
});

describe("the chunks checks fail on stores whose setChunks is broken", () => {
  const chunksChecks = resultStoreChecks.filter((c) => c.group === "chunks") as Check<ResultStore>[];
  const SMALL =
    "setChunks of pieces of 100, 0 and 5000 bytes reads back as their concatenation through get, has and getMany";
  const LARGE = "setChunks of a 3 MiB value in 3 pieces round-trips exactly";
  const VIEWS = "setChunks of views into larger buffers (at odd offsets) stores only the views' bytes";
  const EMPTY = "setChunks of an empty list, or of only zero-length pieces, stores a 0-byte value (not a miss)";
  const IDEMPOTENT =
    "setChunks then set, and set then setChunks, of the same key and bytes are idempotent; delete removes the value";
  const CACHE =
    "a cache stores a result its codec encodes in pieces through setChunks, signed or not, as the same bytes set would store, and hits it";

  it("the group holds the checks named here, and a conforming setChunks passes every one of them", async () => {
    expect(chunksChecks.map((c) => c.name).sort()).toEqual([SMALL, LARGE, VIEWS, EMPTY, IDEMPOTENT, CACHE].sort());
    // With the checks of other groups that use setChunks, and the closed-store check that calls it.
    const related = resultStoreChecks.filter(
      (c) => c.group === "chunks" || /setChunks/.test(c.name) || c.name.startsWith("using a closed store"),
    ) as Check<ResultStore>[];
    expect(related.length).toBe(chunksChecks.length + 3);
    for (const c of related) {
      expect({
        check: c.name,
        result: await runCheck(c, ({ namespace }) => new ChunkingResultStore(namespace)),
      }).toEqual({ check: c.name, result: { status: "passed" } });
    }
  });

  it("a store without setChunks gets every chunks check skipped with a reason, not passed", async () => {
    for (const c of resultStoreChecks.filter((c) => c.group === "chunks" || /setChunks/.test(c.name))) {
      expect(await runCheck(c as Check<ResultStore>, ({ namespace }) => new ReferenceResultStore(namespace))).toEqual({
        status: "skipped",
        reason: "the store has no setChunks() (optional member)",
      });
    }
  });

  it("a store whose setChunks drops the last piece fails the round trips, the idempotence and the cache checks", async () => {
    const store = ({ namespace }: { namespace: string }) => new DropsLastPieceStore(namespace);
    await expectFailure(
      resultCheck(SMALL),
      store,
      /get\("chunksSmall"\) after setChunks.*expected 5100 bytes, got 100/,
    );
    await expectFailure(
      resultCheck(LARGE),
      store,
      /get\("chunksLarge"\) after setChunks.*expected 3145743 bytes, got 3145726/,
    );
    await expectFailure(
      resultCheck(VIEWS),
      store,
      /get\("chunksLargeViews"\) after setChunks.*expected 1572864 bytes, got 699998/,
    );
    await expectFailure(
      resultCheck(IDEMPOTENT),
      store,
      /get\("chunksSmallThenSet"\) after setChunks then set and setChunks again: expected 4096 bytes, got 3000/,
    );
    await expectFailure(
      resultCheck(CACHE),
      store,
      /unsigned second run: Pieces' outcome .*expected "hit", got "recomputed"/,
    );
    // Dropping the last of only empty pieces changes nothing: that check cannot tell.
    expect(await runCheck(resultCheck(EMPTY), store)).toEqual({ status: "passed" });
  });

  it("a store whose setChunks stores the pieces in reverse order fails the round trips and the cache check", async () => {
    const store = ({ namespace }: { namespace: string }) => new ReversedPiecesStore(namespace);
    await expectFailure(
      resultCheck(SMALL),
      store,
      /get\("chunksSmall"\) after setChunks.*bytes differ first at offset 0/,
    );
    await expectFailure(
      resultCheck(LARGE),
      store,
      /get\("chunksLarge"\) after setChunks.*bytes differ first at offset 0/,
    );
    await expectFailure(
      resultCheck(VIEWS),
      store,
      /get\("chunksViews"\) after setChunks.*bytes differ first at offset 0/,
    );
    await expectFailure(
      resultCheck(CACHE),
      store,
      /unsigned second run: Pieces' outcome .*expected "hit", got "recomputed"/,
    );
  });

  it("a store that writes pieces into the entry as they come fails the atomicity check", async () => {
    await expectFailure(
      resultCheck("readers racing setChunks writers see either nothing or the whole value (atomic setChunks)"),
      ({ namespace }) => new TornSetChunksStore(namespace),
      /read \d+ racing the setChunks writers: expected 1572864 bytes, got 1/,
    );
  });

  it("a store whose setChunks works after close() fails the closed-store check", async () => {
    await expectFailure(
      resultCheck("using a closed store fails with a StoreError naming the store"),
      ({ namespace }) => new SetChunksAfterCloseStore(namespace),
      /setChunks\(\) after close\(\): expected a StoreError, but it resolved/,
    );
  });
});

describe("the repository checks fail on broken repositories", () => {
  it("a repository that truncates long keys fails the key check", async () => {
    await expectFailure(
      repositoryCheck("context keys with every character the core produces (up to 4 KiB) stay distinct"),
      ({ namespace }) => new TruncatingKeyRepository(namespace),
      /expected "fp\d+", got "fp\d+"/,
    );
  });
  it("a repository that keeps the first write fails the overwrite check", async () => {
    await expectFailure(
      repositoryCheck("a later set of the same key replaces the fingerprint and its meta"),
      ({ namespace }) => new IgnoresOverwriteRepository(namespace),
      /expected "fpNew", got "fpOld"/,
    );
  });
  it("a repository that rounds createdAt fails the signing check (a signed cache would never hit with maxAge)", async () => {
    await expectFailure(
      repositoryCheck(
        "a signed cache hits its own records, meta read back through getEntry included, without warnings",
      ),
      ({ namespace }) => new SecondsRepository(namespace),
      /second run: B .*expected "hit", got "computed"/,
    );
  });
  it("a repository listing runs oldest first fails the run history check", async () => {
    await expectFailure(
      repositoryCheck("saveRun / getRun round-trip a run; listRuns is newest first and honours limit"),
      ({ namespace }) => new OldestFirstRepository(namespace),
      /newest first/,
    );
  });
  it("a repository that keeps the first save of a run id fails the replace check", async () => {
    await expectFailure(
      repositoryCheck(
        "saveRun of an id already in the history replaces that run (a running snapshot, then the final record)",
      ),
      ({ namespace }) => new KeepsFirstRunRepository(namespace),
      /getRun\("r-live"\) after saving it twice/,
    );
  });
});

describe("the fingerprinter checks fail on broken fingerprinters", () => {
  const fingerprinterCheck = (name: string) => {
    const found = fingerprinterChecks.find((c) => c.name === name);
    if (!found) throw new Error(`no fingerprinter check named "${name}"`);
    return found;
  };
  const subject = (fingerprinter: Fingerprinter): FingerprinterSubject => ({
    fingerprinter,
    samples: { equalPairs: [[{ a: 1 }, { a: 1 }]], distinct: [1, 2, 3], rejected: [] },
  });
  it("a random fingerprinter fails determinism", async () => {
    const random: Fingerprinter = {
      name: "random",
      accepts: () => true,
      fingerprint: () => Math.random().toString(36).slice(2),
    };
    await expect(
      runFingerprinterCheck(fingerprinterCheck("equal structural copies give equal fingerprints"), () =>
        subject(random),
      ),
    ).rejects.toThrow(/should equal/);
  });
  it("a constant fingerprinter fails distinctness", async () => {
    const constant: Fingerprinter = { name: "constant", accepts: () => true, fingerprint: () => "same" };
    await expect(
      runFingerprinterCheck(fingerprinterCheck("distinct sample values give distinct fingerprints"), () =>
        subject(constant),
      ),
    ).rejects.toThrow(/got the same fingerprint "same"/);
  });
  it("a fingerprinter returning padded base64 fails the url-safe check", async () => {
    const padded: Fingerprinter = {
      name: "padded",
      accepts: () => true,
      fingerprint: (v) => Buffer.from(String(v)).toString("base64"),
    };
    await expect(
      runFingerprinterCheck(fingerprinterCheck("fingerprints are non-empty url-safe strings"), () => subject(padded)),
    ).rejects.toThrow(/url-safe/);
  });
});

describe("suite options", () => {
  it("a skip without a reason is a TypeError", () => {
    expect(() =>
      describeResultStore("x", ({ namespace }) => new ReferenceResultStore(namespace), { skip: { persistence: "" } }),
    ).toThrow(TypeError);
    expect(() =>
      describeResultStore("x", ({ namespace }) => new ReferenceResultStore(namespace), { skip: { persistence: "  " } }),
    ).toThrow(/needs a reason/);
  });
  it("a skip of an unknown group is a TypeError naming the known groups", () => {
    expect(() =>
      describeResultStore("x", ({ namespace }) => new ReferenceResultStore(namespace), {
        skip: { persistance: "typo" } as never,
      }),
    ).toThrow(/unknown group "persistance"; known groups: signing, batch, chunks, persistence/);
  });
});
