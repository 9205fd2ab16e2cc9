// A reused driver keeps nothing per run: a finished run's records and values can be collected, and many warm runs do not grow the heap.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { node } from "../graph/node-spec.js";
import { Builder } from "./builder.js";

// A full collection on demand, without starting node with --expose-gc.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Collects until `ref` is gone (a WeakRef's target lives to the end of the turn that read it), or gives up. */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    if (ref.deref() === undefined) return true;
  }
  return false;
}

const dir = mkdtempSync(join(tmpdir(), "ham-retention-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function wide(n: number): Record<string, unknown> {
  const mod: Record<string, unknown> = { root: node({ deps: [] }, () => 1) };
  for (let i = 1; i < n; i++) mod[`c${i}`] = node({ deps: ["root"] }, (root: number) => ({ value: root + i }));
  return mod;
}

describe("no per-run retention on a reused driver", () => {
  it("an earlier run's records and result values are collected once later runs replaced them (plain and cached)", async () => {
    const mod = wide(50);
    const outputs = Object.keys(mod).filter((name) => name !== "root");
    for (const cached of [false, true]) {
      const builder = new Builder().withModules(mod);
      if (cached) builder.withCache({ path: join(dir, "collected"), logger: {} });
      const dr = await builder.build();
      await dr.execute(outputs);
      let out: Record<string, unknown> | undefined = await dr.execute(outputs);
      const value = new WeakRef(out.c1 as object);
      const records = cached ? new WeakRef(dr.cache.lastRun) : undefined;
      out = undefined;
      // `cache.run(runId)` answers for the last few finished runs (RECENT_RUNS in smart-cache.ts, 8): run past them.
      for (let i = 0; i < 10; i++) await dr.execute(outputs);
      expect(await collected(value)).toBe(true);
      if (records) expect(await collected(records)).toBe(true);
      await dr.close();
    }
  });

  it("150 warm runs of a 200-node cached driver leave the heap within 3 MB of where it was", async () => {
    const mod = wide(200);
    const outputs = Object.keys(mod);
    const dr = await new Builder()
      .withModules(mod)
      .withCache({ path: join(dir, "heap"), logger: {} })
      .build();
    for (let i = 0; i < 20; i++) await dr.execute(outputs);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 150; i++) await dr.execute(outputs);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // Keeping each run's 200 records (with their keys) would take well over 5 MB here.
    expect(grown).toBeLessThan(3 * 1024 * 1024);
    await dr.close();
  }, 120_000);
});
