// Resource limits through the cache: results above maxResultBytes are not stored (with a warning),
// and stored bytes that claim an absurd size are refused before anything is allocated.
import { describe, expect, it } from "vitest";
import { Builder } from "../../src/driver/builder.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../../src/stores/index.js";
import { RecordingLogger } from "../support.js";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const flow = {
  small: () => (tick("small"), "tiny"),
  large: (small: string) => (tick("large"), small.repeat(50_000)),
};

describe("resource limits", () => {
  it("a result larger than maxResultBytes is not stored, with a warning; smaller ones are, and the run is correct", async () => {
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const logger = new RecordingLogger();
    const build = () =>
      new Builder()
        .withModules(flow)
        .withCache({ ...stores, logger, maxResultBytes: 10_000 })
        .build();
    const cold = await build();
    expect(await cold.execute(["large"])).toEqual({ large: "tiny".repeat(50_000) });
    const warning = logger.warnings.find((w) => w.includes('node "large"'));
    expect(warning).toMatch(/maxResultBytes/);
    expect(await stores.resultStore.has(cold.cache!.runFingerprints.large as string)).toBe(false);
    expect(await stores.resultStore.has(cold.cache!.runFingerprints.small as string)).toBe(true);
    let stored = 0;
    for await (const item of stores.resultStore.list()) stored += item.bytes;
    expect(stored).toBeLessThan(10_000);
    calls = {};
    const warm = await build();
    expect(await warm.execute(["large"])).toEqual({ large: "tiny".repeat(50_000) });
    expect(calls).toEqual({ large: 1 }); // not cached, so computed again; its input hits
  });

  it("stored bytes claiming a payload of petabytes are refused without allocating, and recomputed", async () => {
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const logger = new RecordingLogger();
    const cold = await new Builder()
      .withModules(flow)
      .withCache({ ...stores, logger })
      .build();
    await cold.execute(["large"]);
    const key = cold.cache!.runFingerprints.large as string;
    const bytes = Buffer.from((await stores.resultStore.get(key))!);
    // Envelope of the v8 codec: "HAM", version, name length 2, "v8", key length (2), the key, padding
    // so the payload is 8-byte aligned, checksum (8), length (8).
    expect(bytes.subarray(0, 3).toString()).toBe("HAM");
    const lengthAt = Math.ceil((9 + bytes.readUInt16BE(7) + 16) / 8) * 8 - 8;
    bytes.writeUInt32BE(0x001fffff, lengthAt);
    bytes.writeUInt32BE(0xffffffff, lengthAt + 4);
    await stores.resultStore.delete(key);
    await stores.resultStore.set(key, new Uint8Array(bytes));
    calls = {};
    const warm = await new Builder()
      .withModules(flow)
      .withCache({ ...stores, logger })
      .build();
    expect(await warm.execute(["large"])).toEqual({ large: "tiny".repeat(50_000) });
    expect(warm.cache!.lastRun.large?.outcome).toBe("recomputed");
    expect(logger.warnings.some((w) => w.includes("claims a payload of 9007199254740991 bytes"))).toBe(true);
  });
});
