// A store that reports a damaged entry (CorruptResultError from get): the cache warns, recomputes,
// and replaces the entry — or, read-only, leaves it exactly as it is.
import { describe, expect, it } from "vitest";
import { CountingResultStore, RecordingLogger } from "../../test/support.js";
import { CorruptResultError } from "../codec/errors.js";
import type { Fingerprint, Logger } from "../contracts.js";
import type { ProgressEvent } from "../progress/progress.js";
import { Builder } from "../driver/builder.js";
import { MemoryFingerprintRepository } from "../stores/memory-repository.js";

/** A real memory store whose entries listed in `damaged` fail their (store-side) checksum on read. */
class ChecksummedStore extends CountingResultStore {
  readonly damaged = new Set<Fingerprint>();
  override async get(key: Fingerprint): Promise<Uint8Array | undefined> {
    const bytes = await super.get(key);
    if (bytes !== undefined && this.damaged.has(key))
      throw new CorruptResultError(`result "${key}" fails its checksum`);
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
  const dr = await new Builder()
    .withModules(flow)
    .withCache({ fingerprintStore, resultStore, logger, readOnly })
    .build();
  calls = 0;
  return { dr, key, resultStore, logger };
}

describe("a store reporting a corrupt entry", () => {
  it("is a miss with one warning: recomputed, then deleted and rewritten, so the next run hits", async () => {
    const { dr, key, resultStore, logger } = await damagedCache(false);
    expect(await dr.execute(["A"], { inputs: { x: 4 } })).toEqual({ A: { doubled: 8 } });
    expect(calls).toBe(1);
    expect(dr.cache.lastRun.A?.outcome).toBe("recomputed");
    expect(logger.warnings).toEqual([
      `[ham] node "A": cached result ${key} could not be read back (result "${key}" fails its checksum); recomputing it`,
    ]);
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
    expect(logger.warnings).toEqual([
      `[ham] node "A": cached result ${key} could not be read back (result "${key}" fails its checksum); recomputing it`,
    ]);
    expect(resultStore.calls.delete + resultStore.calls.set).toBe(0);
    expect(resultStore.damaged.has(key)).toBe(true);
  });

  it("a damaged hit is reported once as what it became: recomputed, with the recompute's time, in lastRun, the history, the debug log and progress", async () => {
    const slow = { B: (x: number) => (busy(25), x + 1) };
    const fingerprintStore = new MemoryFingerprintRepository();
    const resultStore = new ChecksummedStore();
    const writer = await new Builder().withModules(slow).withCache({ fingerprintStore, resultStore }).build();
    await writer.execute(["B"], { inputs: { x: 4 } });
    const key = writer.cache.lastRun.B!.fingerprint!;
    resultStore.damaged.add(key);
    const debug: string[] = [];
    const logger: Logger = { debug: (message) => void debug.push(message), warn: () => undefined };
    const events: ProgressEvent[] = [];
    const dr = await new Builder()
      .withModules(slow)
      .withCache({ fingerprintStore, resultStore, logger, logLevel: "debug" })
      .withProgress({ live: false, onProgress: (event) => void events.push(event) })
      .build();
    expect(await dr.execute(["B"], { inputs: { x: 4 } })).toEqual({ B: 5 });
    const record = dr.cache.lastRun.B;
    expect(record).toMatchObject({
      outcome: "recomputed",
      fingerprint: key,
      reason: expect.stringMatching(/^recomputed: cached result could not be read back/),
    });
    expect(record?.durationMs).toBeGreaterThanOrEqual(20);
    const [saved] = await dr.cache.listRuns({ limit: 1 });
    expect(saved?.nodes.filter((n) => n.node === "B").map((n) => n.outcome)).toEqual(["recomputed"]);
    expect(debug.filter((line) => line.startsWith('[ham] debug node "B"')).at(-1)).toMatch(
      /^\[ham\] debug node "B": recomputed · key .* · recomputed: cached result could not be read back/,
    );
    expect(events.find((event) => event.type === "finished")).toMatchObject({ fromCache: 0 });
  });
});

/** Keeps the thread busy for `ms` (a node whose own time is measurable). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}
