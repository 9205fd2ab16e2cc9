// The FingerprintRepository checks, as plain async functions grouped by what an implementation may switch off.
import type { FingerprintRepository, RunRecord } from "@ham/core";
import type { FingerprintEntry, FingerprintMeta } from "@ham/core/stores";
import { check, checkEqual, checkRejectsWithStoreError, describe, fail } from "./assertions.js";
import { type Check, instanceWith } from "./harness.js";
import { contextKeySamples } from "./keys.js";
import type { FingerprintRepositoryGroup } from "./options.js";
import { readOnlyRepositoryChecks } from "./read-only-repository-checks.js";

type RepositoryCheck = Check<FingerprintRepository, FingerprintRepositoryGroup>;

/** Meta for test records; `createdAt` is a fixed instant so round trips compare exactly. */
function meta(node: string, codeVersion = "cv1", createdAt = 1_764_000_000_000): FingerprintMeta {
  return { node, codeVersion, createdAt };
}

function checkEntry(actual: FingerprintEntry | undefined, expected: FingerprintEntry, what: string): void {
  if (actual === undefined) fail(`${what}: expected an entry, got undefined`);
  for (const field of ["contextKey", "fingerprint", "node", "codeVersion", "createdAt"] as const) {
    checkEqual(actual[field], expected[field], `${what}.${field}`);
  }
}

function sampleRun(runId: string, startedAt: number): RunRecord {
  return {
    runId,
    startedAt,
    durationMs: 12.5,
    outputs: ["F", "G"],
    nodes: [
      { node: "A", outcome: "input", durationMs: 0 },
      {
        node: "F",
        outcome: "computed",
        fingerprint: "fpF-_09",
        contextKey: "cv.k:v~1",
        codeVersion: "cv",
        inputFingerprints: { E: "fpE", D: "fpD" },
        durationMs: 3.25,
        reason: "input E changed",
      },
      { node: "G", outcome: "failed", durationMs: 1 },
    ],
  };
}

function checkRun(actual: RunRecord | undefined, expected: RunRecord, what: string): void {
  if (actual === undefined) fail(`${what}: expected run "${expected.runId}", got undefined`);
  const a = JSON.stringify(actual, Object.keys(flattenKeys(actual)).sort());
  const e = JSON.stringify(expected, Object.keys(flattenKeys(expected)).sort());
  checkEqual(a, e, `${what} (run "${expected.runId}" as JSON)`);
}

/** Every key name used anywhere in a JSON-like value (so JSON.stringify can sort keys). */
function flattenKeys(value: unknown, into: Record<string, true> = {}): Record<string, true> {
  if (Array.isArray(value)) for (const item of value) flattenKeys(item, into);
  else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      into[key] = true;
      flattenKeys(inner, into);
    }
  }
  return into;
}

/** Every FingerprintRepository check, in the order the suite runs them. */
export const fingerprintRepositoryChecks: readonly RepositoryCheck[] = [
  // --- basic --------------------------------------------------------------------------------
  {
    group: "basic",
    name: "a missing context key reads as undefined",
    async run(h) {
      const repo = await h.instance();
      checkEqual(await repo.get("neverWritten"), undefined, 'get("neverWritten")');
      if (typeof repo.getEntry === "function") {
        checkEqual(await repo.getEntry("neverWritten"), undefined, 'getEntry("neverWritten")');
      }
    },
  },
  {
    group: "basic",
    name: "set then get returns the fingerprint, and getEntry (when present) its meta",
    async run(h) {
      const repo = await h.instance();
      await repo.set("ctx.a:b~c", "fp-_AZaz09", meta("F", "codeV", 1_764_000_000_123));
      checkEqual(await repo.get("ctx.a:b~c"), "fp-_AZaz09", 'get("ctx.a:b~c")');
      if (typeof repo.getEntry === "function") {
        checkEntry(
          await repo.getEntry("ctx.a:b~c"),
          {
            contextKey: "ctx.a:b~c",
            fingerprint: "fp-_AZaz09",
            node: "F",
            codeVersion: "codeV",
            createdAt: 1_764_000_000_123,
          },
          'getEntry("ctx.a:b~c")',
        );
      }
    },
  },
  {
    group: "basic",
    name: "set of the same record twice is idempotent",
    async run(h) {
      const repo = await h.instance();
      await repo.set("twice", "fpTwice", meta("T"));
      await repo.set("twice", "fpTwice", meta("T"));
      checkEqual(await repo.get("twice"), "fpTwice", 'get("twice")');
    },
  },
  {
    group: "basic",
    name: "a later set of the same key replaces the fingerprint and its meta",
    async run(h) {
      const repo = await h.instance();
      await repo.set("overwritten", "fpOld", meta("Old", "v1", 1000));
      await repo.set("overwritten", "fpNew", meta("New", "v2", 2000));
      checkEqual(await repo.get("overwritten"), "fpNew", 'get("overwritten") after the second set');
      if (typeof repo.getEntry === "function") {
        checkEntry(
          await repo.getEntry("overwritten"),
          { contextKey: "overwritten", fingerprint: "fpNew", node: "New", codeVersion: "v2", createdAt: 2000 },
          'getEntry("overwritten")',
        );
      }
    },
  },
  {
    group: "basic",
    name: "context keys with every character the core produces (up to 4 KiB) stay distinct",
    async run(h) {
      const repo = await h.instance();
      const keys = contextKeySamples();
      for (const [i, key] of keys.entries()) await repo.set(key, `fp${i}`, meta(`N${i}`));
      for (const [i, key] of keys.entries()) checkEqual(await repo.get(key), `fp${i}`, `get(${describe(key)})`);
    },
  },
  {
    group: "basic",
    name: "fingerprints of any url-safe form and length round-trip unchanged",
    async run(h) {
      const repo = await h.instance();
      const fingerprints = [
        "A",
        "-",
        "_",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        "x".repeat(512),
      ];
      for (const [i, fp] of fingerprints.entries()) await repo.set(`fpForm${i}`, fp, meta("N"));
      for (const [i, fp] of fingerprints.entries()) checkEqual(await repo.get(`fpForm${i}`), fp, `get("fpForm${i}")`);
    },
  },
  {
    group: "basic",
    name: "delete (when present) removes a key, leaves others, and a missing key is not an error",
    async run(h) {
      const repo = await instanceWith(h, "delete", "repository");
      await repo.set("toDelete", "fpD", meta("D"));
      await repo.set("toKeep", "fpK", meta("K"));
      await repo.delete("toDelete");
      checkEqual(await repo.get("toDelete"), undefined, 'get("toDelete") after delete');
      checkEqual(await repo.get("toKeep"), "fpK", 'get("toKeep") after deleting another key');
      await repo.delete("toDelete");
      await repo.delete("neverWritten");
      await repo.set("toDelete", "fpAgain", meta("D"));
      checkEqual(await repo.get("toDelete"), "fpAgain", 'get("toDelete") after writing it again');
    },
  },
  {
    group: "basic",
    name: "a new namespace starts empty",
    async run(h) {
      const repo = await h.instance();
      await repo.set("onlyHere", "fpHere", meta("H"));
      const other = await h.instance(h.newNamespace());
      checkEqual(await other.get("onlyHere"), undefined, 'get("onlyHere") in another namespace');
    },
  },

  // --- batch --------------------------------------------------------------------------------
  {
    group: "batch",
    name: "getMany returns fingerprints in the order asked, with undefined for misses",
    async run(h) {
      const repo = await instanceWith(h, "getMany", "repository");
      await repo.set("manyA", "fpA", meta("A"));
      await repo.set("manyB", "fpB", meta("B"));
      await repo.set("manyC.x:y~z", "fpC", meta("C"));
      const got = await repo.getMany(["manyC.x:y~z", "missing1", "manyA", "manyB", "missing2", "manyA"]);
      check(Array.isArray(got), `getMany should return an array, got ${describe(got)}`);
      checkEqual(describe(got), describe(["fpC", undefined, "fpA", "fpB", undefined, "fpA"]), "getMany(6 keys)");
      checkEqual(got.length, 6, "getMany(6 keys).length");
      checkEqual(got[1], undefined, "getMany()[1] (a miss)");
      checkEqual((await repo.getMany([])).length, 0, "getMany([]).length");
    },
  },
  {
    group: "batch",
    name: "setMany writes every entry (a later entry for the same key wins) and get reads them",
    async run(h) {
      const repo = await instanceWith(h, "setMany", "repository");
      const entries: FingerprintEntry[] = Array.from({ length: 50 }, (_, i) => ({
        contextKey: `batch.${i}:k~`,
        fingerprint: `fpBatch${i}`,
        ...meta(`N${i}`, "v", 1000 + i),
      }));
      await repo.set("batch.0:k~", "fpBefore", meta("Before"));
      await repo.setMany(entries);
      await repo.setMany([]);
      for (const entry of entries)
        checkEqual(await repo.get(entry.contextKey), entry.fingerprint, `get("${entry.contextKey}")`);
      if (typeof repo.getEntry === "function") {
        checkEntry(await repo.getEntry("batch.7:k~"), entries[7] as FingerprintEntry, 'getEntry("batch.7:k~")');
      }
    },
  },

  // --- listing ------------------------------------------------------------------------------
  {
    group: "listing",
    name: "entries() yields every record once, with its meta",
    async run(h) {
      const repo = await instanceWith(h, "entries", "repository");
      const written: FingerprintEntry[] = [
        { contextKey: "listA", fingerprint: "fpA", ...meta("A", "v1", 11) },
        { contextKey: "listB.x:y~", fingerprint: "fpB", ...meta("B", "v2", 22) },
        { contextKey: "listC", fingerprint: "fpC", ...meta("C", "v3", 33) },
      ];
      for (const e of written) await repo.set(e.contextKey, e.fingerprint, meta(e.node, e.codeVersion, e.createdAt));
      await repo.set("listA", "fpA2", meta("A2", "v9", 99));
      if (typeof repo.delete === "function") {
        await repo.delete("listC");
        written.pop();
      }
      (written as FingerprintEntry[])[0] = { contextKey: "listA", fingerprint: "fpA2", ...meta("A2", "v9", 99) };
      const seen = new Map<string, FingerprintEntry>();
      for await (const entry of repo.entries()) {
        check(!seen.has(entry.contextKey), `entries() yielded "${entry.contextKey}" twice`);
        seen.set(entry.contextKey, entry);
      }
      checkEqual(seen.size, written.length, `number of records entries() yielded (${describe([...seen.keys()])})`);
      for (const e of written) checkEntry(seen.get(e.contextKey), e, `entries() record "${e.contextKey}"`);
    },
  },

  // --- runHistory ---------------------------------------------------------------------------
  {
    group: "runHistory",
    name: "saveRun / getRun round-trip a run; listRuns is newest first and honours limit",
    async run(h) {
      const repo = await h.instance();
      if (
        typeof repo.saveRun !== "function" ||
        typeof repo.listRuns !== "function" ||
        typeof repo.getRun !== "function"
      ) {
        return h.skip("the repository has no run history (saveRun/listRuns/getRun are optional members)");
      }
      checkEqual((await repo.listRuns()).length, 0, "listRuns() of an empty history");
      checkEqual(await repo.getRun("neverSaved"), undefined, 'getRun("neverSaved")');
      const runs = [sampleRun("run-1", 1000), sampleRun("run-2", 2000), sampleRun("run-3", 3000)];
      for (const run of runs) await repo.saveRun(run);
      checkRun(await repo.getRun("run-2"), runs[1] as RunRecord, 'getRun("run-2")');
      const listed = await repo.listRuns();
      checkEqual(listed.map((r) => r.runId).join(","), "run-3,run-2,run-1", "listRuns() order (newest first)");
      checkRun(listed[0], runs[2] as RunRecord, "listRuns()[0]");
      const limited = await repo.listRuns({ limit: 2 });
      checkEqual(limited.map((r) => r.runId).join(","), "run-3,run-2", "listRuns({ limit: 2 })");
    },
  },
  {
    group: "runHistory",
    name: "saveRun of an id already in the history replaces that run (a running snapshot, then the final record)",
    async run(h) {
      const repo = await h.instance();
      if (
        typeof repo.saveRun !== "function" ||
        typeof repo.listRuns !== "function" ||
        typeof repo.getRun !== "function"
      ) {
        return h.skip("the repository has no run history (saveRun/listRuns/getRun are optional members)");
      }
      const final = sampleRun("r-live", 500);
      await repo.saveRun({ ...final, durationMs: 3, nodes: final.nodes.slice(0, 1), running: true });
      await repo.saveRun(final);
      checkRun(await repo.getRun("r-live"), final, 'getRun("r-live") after saving it twice');
      checkEqual(
        (await repo.listRuns()).map((r) => r.runId).join(","),
        "r-live",
        "listRuns() after saving one run twice",
      );
    },
  },
  {
    group: "runHistory",
    name: "deleteRuns removes the given runs and ignores unknown ids",
    async run(h) {
      const repo = await h.instance();
      if (
        typeof repo.saveRun !== "function" ||
        typeof repo.listRuns !== "function" ||
        typeof repo.getRun !== "function"
      ) {
        return h.skip("the repository has no run history (saveRun/listRuns/getRun are optional members)");
      }
      if (typeof repo.deleteRuns !== "function") return h.skip("the repository has no deleteRuns() (optional member)");
      for (const [i, id] of ["d-1", "d-2", "d-3"].entries()) await repo.saveRun(sampleRun(id, 100 + i));
      await repo.deleteRuns(["d-1", "d-3", "unknown"]);
      checkEqual(await repo.getRun("d-1"), undefined, 'getRun("d-1") after deleteRuns');
      checkEqual((await repo.listRuns()).map((r) => r.runId).join(","), "d-2", "listRuns() after deleteRuns");
      await repo.deleteRuns([]);
    },
  },

  // --- persistence --------------------------------------------------------------------------
  {
    group: "persistence",
    name: "a second instance on the same backing data sees earlier writes, overwrites and deletes",
    async run(h) {
      const first = await h.instance();
      await first.set("persisted.a:b~", "fpP", meta("P", "v1", 5));
      await first.set("overwritten", "fpOld", meta("O"));
      await first.set("overwritten", "fpNew", meta("O"));
      if (typeof first.delete === "function") {
        await first.set("deleted", "fpDel", meta("X"));
        await first.delete("deleted");
      }
      await h.close(first);
      const second = await h.instance();
      checkEqual(await second.get("persisted.a:b~"), "fpP", 'get("persisted.a:b~") from a second instance');
      checkEqual(await second.get("overwritten"), "fpNew", 'get("overwritten") from a second instance');
      checkEqual(await second.get("deleted"), undefined, 'get("deleted") from a second instance');
      if (typeof second.getEntry === "function") {
        checkEntry(
          await second.getEntry("persisted.a:b~"),
          { contextKey: "persisted.a:b~", fingerprint: "fpP", ...meta("P", "v1", 5) },
          'getEntry("persisted.a:b~") from a second instance',
        );
      }
    },
  },
  {
    group: "persistence",
    name: "run history survives into a second instance",
    async run(h) {
      const first = await h.instance();
      if (typeof first.saveRun !== "function" || typeof first.getRun !== "function") {
        return h.skip("the repository has no run history (saveRun/getRun are optional members)");
      }
      await first.saveRun(sampleRun("kept", 42));
      await h.close(first);
      const second = await h.instance();
      checkRun(await second.getRun?.("kept"), sampleRun("kept", 42), 'getRun("kept") from a second instance');
    },
  },

  // --- concurrency --------------------------------------------------------------------------
  {
    group: "concurrency",
    name: "20 concurrent writers of the same key leave one whole record (fingerprint and meta agree)",
    async run(h) {
      const repo = await h.instance();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => repo.set("contended", `fp${i}`, meta(`node${i}`, `v${i}`, i))),
      );
      const got = await repo.get("contended");
      const index = /^fp(\d+)$/.exec(got ?? "")?.[1];
      check(
        index !== undefined && Number(index) < 20,
        `get("contended") should be one of the written fingerprints, got ${describe(got)}`,
      );
      if (typeof repo.getEntry === "function") {
        const i = Number(index);
        checkEntry(
          await repo.getEntry("contended"),
          { contextKey: "contended", fingerprint: `fp${i}`, ...meta(`node${i}`, `v${i}`, i) },
          'getEntry("contended")',
        );
      }
    },
  },
  {
    group: "concurrency",
    name: "20 concurrent writers of different keys leave every entry readable and correct",
    async run(h) {
      const repo = await h.instance();
      const keys = Array.from({ length: 20 }, (_, i) => `parallel.${i}:k~`);
      await Promise.all(keys.map((key, i) => repo.set(key, `fpPar${i}`, meta(`N${i}`))));
      const got = await Promise.all(keys.map((key) => repo.get(key)));
      for (const [i, key] of keys.entries()) checkEqual(got[i], `fpPar${i}`, `get("${key}")`);
    },
  },

  // --- sharedAccess -------------------------------------------------------------------------
  {
    group: "sharedAccess",
    name: "two instances open at once on the same data (as two processes) lose no writes",
    async run(h) {
      const a = await h.instance();
      const b = await h.instance();
      const keys = Array.from({ length: 20 }, (_, i) => `shared.${i}`);
      await Promise.all(keys.map((key, i) => (i % 2 === 0 ? a : b).set(key, `fpShared${i}`, meta(`N${i}`))));
      await h.close(a);
      await h.close(b);
      const c = await h.instance();
      for (const [i, key] of keys.entries())
        checkEqual(await c.get(key), `fpShared${i}`, `get("${key}") after both closed`);
    },
  },

  // --- lifecycle ----------------------------------------------------------------------------
  {
    group: "lifecycle",
    name: "open() twice and close() twice are safe, and open() after close() reopens",
    async run(h) {
      const repo = await h.instance();
      if (typeof repo.open !== "function" || typeof repo.close !== "function") {
        return h.skip("the repository lacks open() or close() (optional members)");
      }
      await repo.open();
      await repo.set("lifecycle", "fpL", meta("L"));
      await repo.close();
      await repo.close();
      await repo.open();
      checkEqual(await repo.get("lifecycle"), "fpL", 'get("lifecycle") after close() and open()');
    },
  },
  {
    group: "lifecycle",
    name: "using a closed repository fails with a StoreError naming the store",
    async run(h) {
      const repo = await instanceWith(h, "close", "repository");
      await repo.set("beforeClose", "fpB", meta("B"));
      await repo.close();
      await checkRejectsWithStoreError(repo.get("beforeClose"), repo.name, "get() after close()");
      await checkRejectsWithStoreError(repo.set("afterClose", "fpA", meta("A")), repo.name, "set() after close()");
      if (typeof repo.getMany === "function") {
        await checkRejectsWithStoreError(repo.getMany(["beforeClose"]), repo.name, "getMany() after close()");
      }
    },
  },
  ...readOnlyRepositoryChecks,
];
