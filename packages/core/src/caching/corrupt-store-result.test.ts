// A store that reports a damaged entry (CorruptResultError from get): the cache warns, recomputes,
// and replaces the entry — or, read-only, leaves it exactly as it is.
import { describe, expect, it } from "vitest";
import { CountingResultStore, RecordingLogger } from "../../test/support.js";
import { CorruptResultError } from "../codec/errors.js";
import type { Fingerprint } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { MemoryFingerprintRepository } from "../stores/memory-repository.js";

/** A real memory store whose entries listed in `damaged` fail their (store-side) checksum on read. */
class ChecksummedStore extends CountingResultStore {
  readonly damaged = new Set<Fingerprint>();
  override async get(key: Fingerprint): Promise<Uint8Array | undefined> {
    const bytes = await super.get(key);
    if (bytes !== undefined && this.damaged.has(key)) throw new CorruptResultError(`result "${key}" fails its checksum`);
    return bytes;
  }
  override async delete(key: Fingerprint): Promise<void> {
    this.damaged.delete(key);
    return super.delete(key);
  }
}

let calls = 0;
const flow = { A: (x: number) => (calls++, { doubled: x * 2 }) };

async function damagedCache(readOnly: boolean) {
  const fingerprintStore = new MemoryFingerprintRepository();
  const resultStore = new ChecksummedStore();
  const writer = await new Builder().withModules(flow).withCache({ fingerprintStore, resultStore }).build();
  await writer.execute(["A"], { inputs: { x: 4 } });
  const key = writer.cache.lastRun.A!.fingerprint!;
  resultStore.damaged.add(key);
  resultStore.reset();
  const logger = new RecordingLogger();
  const dr = await new Builder().withModules(flow).withCache({ fingerprintStore, resultStore, logger, readOnly }).build();
  calls = 0;
  return { dr, key, resultStore, logger };
}

describe("a store reporting a corrupt entry", () => {
  it("is a miss with one warning: recomputed, then deleted and rewritten, so the next run hits", async () => {
    const { dr, key, resultStore, logger } = await damagedCache(false);
    expect(await dr.execute(["A"], { inputs: { x: 4 } })).toEqual({ A: { doubled: 8 } });
    expect(calls).toBe(1);
    expect(dr.cache.lastRun.A?.outcome).toBe("recomputed");
    expect(logger.warnings).toEqual([`[ham] node "A": cached result ${key} could not be read back (result "${key}" fails its checksum); recomputing it`]);
    expect(resultStore.calls.delete).toBe(1);
    expect(resultStore.sets).toEqual([key]);
    expect(await dr.execute(["A"], { inputs: { x: 4 } })).toEqual({ A: { doubled: 8 } });
    expect(dr.cache.lastRun.A?.outcome).toBe("hit");
    expect(calls).toBe(1);
  });

  it("read-only: recomputed with the same warning, and the entry is left as it was", async () => {
    const { dr, key, resultStore, logger } = await damagedCache(true);
    expect(await dr.execute(["A"], { inputs: { x: 4 } })).toEqual({ A: { doubled: 8 } });
    expect(dr.cache.lastRun.A?.outcome).toBe("recomputed");
    expect(logger.warnings).toEqual([`[ham] node "A": cached result ${key} could not be read back (result "${key}" fails its checksum); recomputing it`]);
    expect(resultStore.calls.delete + resultStore.calls.set).toBe(0);
    expect(resultStore.damaged.has(key)).toBe(true);
  });
});
