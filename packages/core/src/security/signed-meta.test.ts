// A signature covers every field that decides a hit: context key, fingerprint and the meta
// (createdAt decides maxAge). Each is tampered with through the store's own medium (memory, file
// segments); the entry must be a miss with a warning, never a hit.
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RecordingLogger, tempFolder } from "../../test/support.js";
import type { FingerprintEntry, FingerprintRepository, ResultStore } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { cache } from "../modifiers/index.js";
import {
  FileFingerprintRepository,
  FileResultStore,
  MemoryFingerprintRepository,
  MemoryResultStore,
} from "../stores/index.js";

const KEY = "k1-0123456789abcdef-signing";
const DAY = 86_400_000;
let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const flow = {
  A: (x: number) => (tick("A"), x + 1),
  B: cache({ maxAge: "7d" })((A: number) => (tick("B"), A * 2)),
};

afterEach(() => void vi.useRealTimers());
const advance = (ms: number): void => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + ms);
};

type Stores = { fingerprintStore: FingerprintRepository; resultStore: ResultStore };

async function run(stores: Stores, x = 1) {
  const logger = new RecordingLogger();
  const dr = await new Builder()
    .withModules(flow)
    .withCache({ ...stores, logger, signingKey: KEY })
    .build();
  calls = {};
  const out = await dr.execute(["B"], { inputs: { x } });
  await dr.close();
  return {
    out,
    calls,
    warnings: logger.warnings,
    outcomes: Object.fromEntries(Object.entries(dr.cache.lastRun).map(([n, r]) => [n, r.outcome])),
  };
}

/** Reads every stored record of a plain (unwrapped) repository. */
async function recordsOf(repo: FingerprintRepository): Promise<FingerprintEntry[]> {
  const out: FingerprintEntry[] = [];
  await repo.open?.();
  for await (const entry of repo.entries!()) out.push(entry);
  await repo.close?.();
  return out;
}

describe("signed records in memory: every field that decides a hit is signed", () => {
  let stores: { fingerprintStore: MemoryFingerprintRepository; resultStore: MemoryResultStore };
  beforeEach(() => {
    stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
  });

  /** Rewrites node B's record through the memory repository itself (no signing wrapper). */
  async function tamper(change: (entry: FingerprintEntry) => FingerprintEntry): Promise<void> {
    const records = await recordsOf(stores.fingerprintStore);
    await stores.fingerprintStore.open();
    for (const entry of records) {
      if (entry.node !== "B") continue;
      const changed = change(entry);
      await stores.fingerprintStore.set(changed.contextKey, changed.fingerprint, changed);
    }
  }

  it("an expired entry whose createdAt was moved forward is still a miss, with a warning", async () => {
    await run(stores);
    advance(8 * DAY);
    await tamper((e) => ({ ...e, createdAt: Date.now() }));
    const warm = await run(stores);
    expect(warm.out).toEqual({ B: 4 });
    expect(warm.calls).toEqual({ B: 1 });
    expect(warm.outcomes.B).toBe("computed");
    expect(warm.warnings.some((w) => w.includes("differs from what was signed"))).toBe(true);
  });

  it("a changed codeVersion or node in the meta makes the record a miss for nodes that read it (maxAge)", async () => {
    await run(stores);
    await tamper((e) => ({ ...e, codeVersion: "forged" }));
    const forgedVersion = await run(stores);
    expect(forgedVersion.outcomes.B).toBe("computed");
    expect(forgedVersion.warnings.some((w) => w.includes("differs from what was signed"))).toBe(true);
    await tamper((e) => ({ ...e, node: "Z" }));
    const forgedNode = await run(stores);
    expect(forgedNode.outcomes.B).toBe("computed");
    expect(forgedNode.warnings.some((w) => w.includes("differs from what was signed"))).toBe(true);
  });

  it("a record copied to another context key, or pointed at another result, is a miss", async () => {
    await run(stores, 1);
    await run(stores, 2);
    const records = await recordsOf(stores.fingerprintStore);
    const [b1, b2] = records.filter((e) => e.node === "B") as [FingerprintEntry, FingerprintEntry];
    // x = 2's record, with x = 1's (validly signed) fingerprint and meta: B would return 4 instead of 6.
    await stores.fingerprintStore.open();
    await stores.fingerprintStore.set(b2.contextKey, b1.fingerprint, b1);
    const copied = await run(stores, 2);
    expect(copied.out).toEqual({ B: 6 });
    expect(copied.outcomes.B).toBe("computed");
    expect(copied.warnings.some((w) => w.includes("has a wrong signature"))).toBe(true);
    // The same through the fingerprint part alone: keep x = 2's signature, swap in x = 1's fingerprint.
    const again = (await recordsOf(stores.fingerprintStore)).find(
      (e) => e.contextKey === b2.contextKey,
    ) as FingerprintEntry;
    const signature = again.fingerprint.slice(again.fingerprint.indexOf("_s2"));
    await stores.fingerprintStore.open();
    await stores.fingerprintStore.set(
      b2.contextKey,
      `${b1.fingerprint.slice(0, b1.fingerprint.indexOf("_s2"))}${signature}`,
      again,
    );
    const swapped = await run(stores, 2);
    expect(swapped.out).toEqual({ B: 6 });
    expect(swapped.outcomes.B).toBe("computed");
  });

  it("records signed in the old format (no meta in the signature) are misses, with one warning for all", async () => {
    await run(stores);
    // An "_s1" record: what ham wrote before the meta was signed (its MAC cannot be checked, nor trusted).
    await tamper((e) => ({
      ...e,
      fingerprint: `${e.fingerprint.slice(0, e.fingerprint.indexOf("_s2"))}_s1${"A".repeat(43)}`,
    }));
    const old = await run(stores);
    expect(old.out).toEqual({ B: 4 });
    expect(old.calls).toEqual({ B: 1 });
    expect(old.warnings.filter((w) => w.includes('format "_s1"'))).toHaveLength(1);
    const after = await run(stores);
    expect(after.calls).toEqual({});
    expect(after.warnings).toEqual([]);
  });
});

describe("signed records in file segments: editing a line is a miss, never a hit", () => {
  let folder: ReturnType<typeof tempFolder>;
  beforeEach(() => void (folder = tempFolder("ham-signed-")));
  afterEach(() => folder.cleanup());
  const stores = (): Stores => ({
    fingerprintStore: new FileFingerprintRepository({ path: folder.path }),
    resultStore: new FileResultStore({ path: folder.path }),
  });

  /** Rewrites every segment line in place with `edit` (what a person with write access could do). */
  function editSegments(edit: (line: Record<string, unknown>) => Record<string, unknown>): void {
    const meta = path.join(folder.path, "meta");
    for (const name of fs.readdirSync(meta)) {
      const file = path.join(meta, name);
      const lines = fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l !== "");
      fs.writeFileSync(
        file,
        lines.map((l) => `${JSON.stringify(edit(JSON.parse(l) as Record<string, unknown>))}\n`).join(""),
      );
    }
  }

  it('an expired entry whose "t" was set to now is a miss with a warning', async () => {
    await run(stores());
    advance(8 * DAY);
    editSegments((line) => (line.n === "B" ? { ...line, t: Date.now() } : line));
    const warm = await run(stores());
    expect(warm.out).toEqual({ B: 4 });
    expect(warm.calls).toEqual({ B: 1 });
    expect(
      warm.warnings.some(
        (w) => w.includes(`store "file:${folder.path}"`) && w.includes("differs from what was signed"),
      ),
    ).toBe(true);
  });

  it('a segment line whose "f" names another signed fingerprint is a miss', async () => {
    await run(stores(), 1);
    await run(stores(), 2);
    const records = await recordsOf(new FileFingerprintRepository({ path: folder.path }));
    const [b1, b2] = records.filter((e) => e.node === "B") as [FingerprintEntry, FingerprintEntry];
    editSegments((line) => (line.k === b2.contextKey ? { ...line, f: b1.fingerprint } : line));
    const warm = await run(stores(), 2);
    expect(warm.out).toEqual({ B: 6 });
    expect(warm.outcomes.B).toBe("computed");
    expect(warm.warnings.some((w) => w.includes("has a wrong signature"))).toBe(true);
  });
});
