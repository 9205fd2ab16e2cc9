// Read-only LevelDB stores: LevelDB writes to every folder it opens, so a read-only store reads a
// private copy — the original folder stays byte-for-byte unchanged, even while a writer holds it.
import fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { folderSnapshot } from "@ham/conformance";
import { Builder, StoreError } from "@ham/core";
import { LevelFingerprintRepository, LevelResultStore } from "@ham/store-level";
import { afterAll, describe, expect, it } from "vitest";

const root = fs.mkdtempSync(join(tmpdir(), "ham-store-level-ro-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const flow = {
  A: (x: number) => (tick("A"), { x, list: [x, x * 2] }),
  B: (A: { list: number[] }) => (tick("B"), A.list.reduce((s, v) => s + v, 0)),
};
const stores = (folder: string) => ({
  fingerprintStore: new LevelFingerprintRepository({ location: join(folder, "fingerprints") }),
  resultStore: new LevelResultStore({ location: join(folder, "results") }),
});
const copies = () => fs.readdirSync(tmpdir()).filter((name) => name.startsWith("ham-level-readonly-")).length;

describe("read-only LevelDB stores", () => {
  it("a read-only cache hits and computes misses, and the LevelDB folders do not change at all (no LOCK, LOG, MANIFEST, compaction)", async () => {
    const folder = join(root, "cache");
    const writer = await new Builder().withModules(flow).withCache(stores(folder)).build();
    expect(await writer.execute(["B"], { inputs: { x: 2 } })).toEqual({ B: 6 });
    await writer.close();
    const before = folderSnapshot(folder);
    const copiesBefore = copies();
    const warnings: string[] = [];
    calls = {};
    const reader = await new Builder()
      .withModules(flow)
      .withCache({ ...stores(folder), readOnly: true, logger: { warn: (m) => void warnings.push(m) } })
      .build();
    expect(await reader.execute(["B"], { inputs: { x: 2 } })).toEqual({ B: 6 });
    expect(calls).toEqual({});
    expect(reader.cache.lastRun.B?.outcome).toBe("hit");
    expect(await reader.execute(["B"], { inputs: { x: 3 } })).toEqual({ B: 9 });
    expect(calls).toEqual({ A: 1, B: 1 });
    await reader.close();
    expect(warnings).toEqual([]);
    expect(folderSnapshot(folder)).toEqual(before);
    expect(copies()).toBe(copiesBefore); // close() removed the private copies
  });

  it("opens read-only while a writer holds the folder's lock, reads what the writer wrote, and refuses writes", async () => {
    const location = join(root, "live");
    const writer = new LevelResultStore({ location });
    await writer.open();
    await writer.set("written", new Uint8Array([1, 2, 3]));
    const reader = new LevelResultStore({ location });
    await reader.open({ readOnly: true });
    expect([...((await reader.get("written")) ?? [])]).toEqual([1, 2, 3]);
    const refused = await reader.set("other", new Uint8Array([4])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as Error).message).toContain("opened read-only");
    // The reader reads a copy made when it opened: later writes are not in it.
    await writer.set("later", new Uint8Array([5]));
    expect(await reader.get("later")).toBeUndefined();
    await reader.close();
    expect([...((await writer.get("later")) ?? [])]).toEqual([5]);
    await writer.close();
    // A second writable open still fails on the lock as before: read-only is the only way in.
    const first = new LevelResultStore({ location });
    await first.open();
    await expect(new LevelResultStore({ location }).open()).rejects.toThrow(/already open in another process/);
    await first.close();
  });

  it("read-only over a folder that does not exist: every node a miss, nothing created, one warning per store", async () => {
    const folder = join(root, "never-made");
    const warnings: string[] = [];
    calls = {};
    const reader = await new Builder()
      .withModules(flow)
      .withCache({ ...stores(folder), readOnly: true, logger: { warn: (m) => void warnings.push(m) } })
      .build();
    expect(await reader.execute(["B"], { inputs: { x: 2 } })).toEqual({ B: 6 });
    expect(calls).toEqual({ A: 1, B: 1 });
    await reader.close();
    expect(fs.existsSync(folder)).toBe(false);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(
      `the LevelDB folder ${join(folder, "fingerprints")} does not exist; a read-only cache creates nothing, so every node is a miss`,
    );
    expect(warnings[1]).toContain(`the LevelDB folder ${join(folder, "results")} does not exist`);
  });
});
