// Signed and read-only stores answer getMany with the checks of get: a tampered entry in a batch is
// refused (absent, with get's warning) while the rest of the batch still hits.
import { describe, expect, it } from "vitest";
import { RecordingLogger } from "../../test/support.js";
import type { Fingerprint } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../stores/index.js";
import { observablyEqual } from "../testing/observable.js";
import { ReadOnlyResultStore } from "./read-only.js";
import { SignedFingerprintRepository } from "./signed-repository.js";
import { SignedResultStore } from "./signed-result-store.js";
import { resolveSigningKeys } from "./signing-keys.js";

const KEY = "k1-0123456789abcdef-signing";
const keys = resolveSigningKeys(KEY)!;

/** A memory store that counts getMany calls and the keys in them. */
class BatchCountingStore extends MemoryResultStore {
  readonly batches: Fingerprint[][] = [];
  override async getMany(keys: readonly Fingerprint[]): Promise<(Uint8Array | undefined)[]> {
    this.batches.push([...keys]);
    return super.getMany(keys);
  }
}

/** Flips one byte of the stored bytes under `key` (as someone with write access to the bucket could). */
async function tamper(store: MemoryResultStore, key: Fingerprint): Promise<void> {
  const bytes = new Uint8Array((await store.get(key))!);
  bytes[0] = (bytes[0] as number) ^ 0xff;
  await store.delete(key);
  await store.set(key, bytes);
}

const flow = {
  a: () => ({ name: "a", list: [1, 2] }),
  b: () => ({ name: "b", list: [3, 4] }),
  c: () => ({ name: "c", list: [5, 6] }),
};
const outputs = ["a", "b", "c"];

describe("getMany through the signed result store", () => {
  it("refuses a tampered entry in a batch exactly as get does, and returns the others", async () => {
    const inner = new BatchCountingStore();
    const warnings: string[] = [];
    const signed = new SignedResultStore(inner, keys, (m) => warnings.push(m));
    await signed.set("k1", new Uint8Array([1, 2, 3]));
    await signed.set("k2", new Uint8Array([4, 5]));
    await tamper(inner, "k2");
    const many = await signed.getMany!(["k1", "k2", "missing", "k1"]);
    expect(many).toEqual([new Uint8Array([1, 2, 3]), undefined, undefined, new Uint8Array([1, 2, 3])]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('result "k2" has a wrong signature');
    // get says the same about the same entry.
    expect(await signed.get("k2")).toBeUndefined();
    expect(warnings[1]).toBe(warnings[0]);
  });

  it("a signed warm run reads its outputs in one batch; the tampered one recomputes, the others hit", async () => {
    const fingerprintStore = new MemoryFingerprintRepository();
    const resultStore = new BatchCountingStore();
    const cache = (logger = new RecordingLogger()) => ({ fingerprintStore, resultStore, logger, signingKey: KEY });
    const first = await new Builder().withModules(flow).withCache(cache()).build();
    const expected = await first.execute(outputs);
    await tamper(resultStore, first.cache.runFingerprints.b as Fingerprint);
    resultStore.batches.length = 0;
    const logger = new RecordingLogger();
    const dr = await new Builder().withModules(flow).withCache(cache(logger)).build();
    const warm = await dr.execute(outputs);
    expect(observablyEqual(warm, expected)).toBe(true);
    expect(Object.fromEntries(Object.entries(dr.cache.lastRun).map(([n, r]) => [n, r.outcome]))).toEqual({
      a: "hit",
      b: "recomputed",
      c: "hit",
    });
    expect(resultStore.batches).toEqual([outputs.map((n) => dr.cache.runFingerprints[n])]);
    expect(logger.warnings.some((w) => w.includes("has a wrong signature"))).toBe(true);
  });
});

describe("getMany through the signed repository", () => {
  it("a record changed behind the cache's back is a miss in a batch, as in get", async () => {
    const inner = new MemoryFingerprintRepository();
    const warnings: string[] = [];
    const signed = new SignedFingerprintRepository(inner, keys, (m) => warnings.push(m));
    const meta = { node: "n", codeVersion: "v", createdAt: 1 };
    await signed.set("ctx1", "fpOne", meta);
    await signed.set("ctx2", "fpTwo", meta);
    // Point ctx2's stored record at ctx1's (validly signed for ctx1) signature.
    await inner.set("ctx2", (await inner.get("ctx1")) as string, meta);
    expect(await signed.getMany!(["ctx1", "ctx2", "none"])).toEqual(["fpOne", undefined, undefined]);
    expect(await signed.get("ctx2")).toBeUndefined();
    expect(warnings.length).toBeGreaterThan(0);
  });
});

describe("getMany through the read-only result store", () => {
  it("forwards to the store's getMany, opened read-only, and leaves a tampered entry as it is", async () => {
    const inner = new BatchCountingStore();
    const signed = new SignedResultStore(inner, keys, () => undefined);
    await signed.set("k1", new Uint8Array([7]));
    await signed.set("k2", new Uint8Array([8]));
    await tamper(inner, "k2");
    const stored = await inner.get("k2");
    const readOnly = new ReadOnlyResultStore(signed);
    expect(await readOnly.getMany!(["k2", "k1"])).toEqual([undefined, new Uint8Array([7])]);
    expect(inner.batches).toEqual([["k2", "k1"]]);
    await readOnly.set("k2", new Uint8Array([8]));
    expect(await inner.get("k2")).toEqual(stored);
  });
});
