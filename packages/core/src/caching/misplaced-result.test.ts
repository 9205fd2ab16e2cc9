// Without signing, a result whose bytes belong to another key (a result file copied or restored to
// the wrong name) is caught by the envelope's fingerprint: a warning and a recompute, never a hit.
import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { filesUnder, RecordingLogger, tempFolder } from "../../test/support.js";
import type { FingerprintRepository, ResultStore } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import {
  FileFingerprintRepository,
  FileResultStore,
  MemoryFingerprintRepository,
  MemoryResultStore,
} from "../stores/index.js";
import { resultFileName } from "../stores/keys.js";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const flow = {
  A: () => (tick("A"), "value of A"),
  B: (A: string) => (tick("B"), `${A}, then B`),
};

async function run(stores: { fingerprintStore: FingerprintRepository; resultStore: ResultStore }) {
  const logger = new RecordingLogger();
  const dr = await new Builder()
    .withModules(flow)
    .withCache({ ...stores, logger, signingKey: false })
    .build();
  calls = {};
  const out = await dr.execute(["A", "B"]);
  const fingerprints = { ...dr.cache.runFingerprints } as Record<"A" | "B", string>;
  const outcomes = Object.fromEntries(Object.entries(dr.cache.lastRun).map(([n, r]) => [n, r.outcome]));
  await dr.close();
  return { out, calls, warnings: logger.warnings, fingerprints, outcomes };
}

describe("a result stored under the wrong key, without signing", () => {
  let folder: ReturnType<typeof tempFolder>;
  beforeEach(() => void (folder = tempFolder("ham-misplaced-")));
  afterEach(() => folder.cleanup());

  // Results kept one file each (packed records carry their key under a CRC, so cannot be misplaced by copying).
  it("file store: B's result file copied over A's is detected, A recomputed, and the entry repaired", async () => {
    const stores = () => ({
      fingerprintStore: new FileFingerprintRepository({ path: folder.path }),
      resultStore: new FileResultStore({ path: folder.path, packMaxBytes: 0 }),
    });
    const cold = await run(stores());
    const fileOf = (key: string) =>
      filesUnder(folder.path).find((f) => f.endsWith(`/${resultFileName(key)}`)) as string;
    fs.copyFileSync(fileOf(cold.fingerprints.B), fileOf(cold.fingerprints.A));
    const warm = await run(stores());
    expect(warm.out).toEqual({ A: "value of A", B: "value of A, then B" });
    expect(warm.calls).toEqual({ A: 1 });
    expect(warm.outcomes.A).toBe("recomputed");
    expect(
      warm.warnings.some(
        (w) =>
          w.includes(`cached result ${cold.fingerprints.A}`) && w.includes(`was written for "${cold.fingerprints.B}"`),
      ),
    ).toBe(true);
    const repaired = await run(stores());
    expect(repaired.calls).toEqual({});
    expect(repaired.warnings).toEqual([]);
  });

  it("memory store: bytes set under another key are detected", async () => {
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const cold = await run(stores);
    await stores.resultStore.open();
    const bBytes = (await stores.resultStore.get(cold.fingerprints.B))!;
    await stores.resultStore.delete(cold.fingerprints.A);
    await stores.resultStore.set(cold.fingerprints.A, bBytes);
    const warm = await run(stores);
    expect(warm.out.A).toBe("value of A");
    expect(warm.outcomes.A).toBe("recomputed");
    expect(warm.warnings.some((w) => w.includes("its bytes belong to another entry"))).toBe(true);
  });
});
