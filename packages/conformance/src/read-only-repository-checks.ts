// The FingerprintRepository readOnly group: opened read-only it reads, refuses every write, and leaves
// its backing data unchanged; a cache with readOnly: true never calls a write method on it.
import { Builder, type FingerprintRepository, MemoryResultStore, type RunRecord } from "@ham/core";
import { check, checkEqual, checkRejectsWithStoreError, describe } from "./assertions.js";
import type { Check, Harness } from "./harness.js";
import type { FingerprintRepositoryGroup } from "./options.js";
import {
  WRITE_METHODS,
  checkSameSnapshot,
  countingDataflow,
  recordCalls,
  warningsLogger,
} from "./read-only-support.js";

type RepositoryCheck = Check<FingerprintRepository, FingerprintRepositoryGroup>;

const META = { node: "roNode", codeVersion: "cv1", createdAt: 1_764_000_000_000 };
const RUN: RunRecord = { runId: "roRun", startedAt: 1_764_000_000_000, durationMs: 1, outputs: ["roNode"], nodes: [] };

/** Writes a record (and a run, when the repository keeps history) for the checks to read back. */
async function writeSample(repo: FingerprintRepository): Promise<void> {
  await repo.set("ro.key", "roFingerprint", META);
  await repo.saveRun?.(RUN);
}

/** Every read the repository offers, checked against `writeSample`. */
async function readEverything(repo: FingerprintRepository): Promise<void> {
  checkEqual(await repo.get("ro.key"), "roFingerprint", 'get("ro.key") opened read-only');
  checkEqual(await repo.get("ro.missing"), undefined, 'get("ro.missing") opened read-only');
  if (repo.getMany)
    checkEqual((await repo.getMany(["ro.key", "ro.missing"]))[0], "roFingerprint", "getMany()[0] opened read-only");
  if (repo.getEntry)
    checkEqual(
      (await repo.getEntry("ro.key"))?.createdAt,
      META.createdAt,
      'getEntry("ro.key").createdAt opened read-only',
    );
  if (repo.entries) for await (const _ of repo.entries());
  if (repo.listRuns) checkEqual((await repo.listRuns()).length, 1, "listRuns().length opened read-only");
  if (repo.getRun) checkEqual((await repo.getRun("roRun"))?.runId, "roRun", 'getRun("roRun") opened read-only');
}

/** Every write the repository offers, each of which must be refused. */
function writes(repo: FingerprintRepository): [string, () => Promise<unknown>][] {
  const out: [string, () => Promise<unknown>][] = [["set", () => repo.set("ro.new", "roOther", META)]];
  if (repo.setMany)
    out.push(["setMany", () => repo.setMany!([{ contextKey: "ro.new", fingerprint: "roOther", ...META }])]);
  if (repo.delete) out.push(["delete", () => repo.delete!("ro.key")]);
  if (repo.saveRun) out.push(["saveRun", () => repo.saveRun!({ ...RUN, runId: "roRun2" })]);
  if (repo.deleteRuns) out.push(["deleteRuns", () => repo.deleteRuns!(["roRun"])]);
  return out;
}

async function sampleThenClosed(h: Harness<FingerprintRepository>): Promise<FingerprintRepository> {
  const repo = await h.instance();
  await writeSample(repo);
  await h.close(repo);
  return repo;
}

export const readOnlyRepositoryChecks: readonly RepositoryCheck[] = [
  {
    group: "readOnly",
    name: "opened read-only it reads what was written, refuses every write with a StoreError, and a plain open() does not lift that until close()",
    async run(h) {
      const repo = await sampleThenClosed(h);
      if (typeof repo.open !== "function")
        return h.skip("the repository has no open(), so it cannot be opened read-only (optional member)");
      await h.reopen(repo, { readOnly: true });
      await repo.open();
      await readEverything(repo);
      for (const [name, write] of writes(repo))
        await checkRejectsWithStoreError(write(), repo.name, `${name}() on a repository opened read-only`);
      await readEverything(repo);
      checkEqual(await repo.get("ro.new"), undefined, 'get("ro.new") after refused writes');
      await h.close(repo);
      await h.reopen(repo);
      await repo.set("ro.new", "roOther", META);
      checkEqual(await repo.get("ro.new"), "roOther", 'get("ro.new") written after close() and a plain open()');
    },
  },
  {
    group: "readOnly",
    name: "opening read-only, reading everything and closing leave the backing data unchanged (snapshot)",
    async run(h) {
      const repo = await sampleThenClosed(h);
      const before = await h.snapshot(repo);
      if (before === undefined)
        return h.skip(
          "no snapshot hook: give options.snapshot (e.g. folderSnapshot(dir)) so the suite can see the backing data",
        );
      await h.reopen(repo, { readOnly: true });
      await readEverything(repo);
      for (const [, write] of writes(repo)) await write().catch(() => undefined);
      await h.close(repo);
      checkSameSnapshot(
        (await h.snapshot(repo)) as string,
        before,
        "after a read-only open, reads, refused writes and close()",
      );
    },
  },
  {
    group: "readOnly",
    name: "a cache with readOnly: true opens the repository read-only, hits, and never calls a write method or takes a lock",
    async run(h) {
      const repo = await h.instance();
      const { modules, calls } = countingDataflow();
      const resultStore = new MemoryResultStore();
      const writer = await new Builder()
        .withModules(modules)
        .withCache({ fingerprintStore: repo, resultStore, logger: warningsLogger() })
        .build();
      await writer.execute(["A"], { inputs: { x: 3 } });
      await writer.close();
      const { proxy, calls: repoCalls } = recordCalls(repo);
      const logger = warningsLogger();
      const reader = await new Builder()
        .withModules(modules)
        .withCache({ fingerprintStore: proxy, resultStore, readOnly: true, logger })
        .build();
      calls.n = 0;
      await reader.execute(["A"], { inputs: { x: 3 } });
      checkEqual(calls.n, 0, "nodes computed by the read-only cache on a warm run (a hit)");
      await reader.execute(["A"], { inputs: { x: 4 } });
      checkEqual(calls.n, 1, "nodes computed by the read-only cache on a cold run");
      await reader.close();
      const opens = repoCalls.filter((c) => c.startsWith("open("));
      check(
        opens.length > 0 && opens.every((c) => c.includes('"readOnly":true')),
        `the read-only cache should open the repository with { readOnly: true }, it called ${describe(opens)}`,
      );
      const written = repoCalls.filter((c) => WRITE_METHODS.has(c));
      checkEqual(
        written.length,
        0,
        `write calls reaching the repository from a read-only cache (${describe(written)})`,
      );
      checkEqual(logger.warnings.length, 0, `warnings of the read-only cache (${describe(logger.warnings)})`);
    },
  },
];
