// The "signing" group: a signed cache over the store under test refuses what was changed in the
// store behind its back. Each check runs a real signed cache (Builder + withCache({ signingKey })),
// then changes a stored field through the store's own API with no signing in between — the store's
// own medium — and runs again: the entry must be a miss with a warning, never a hit. One instance
// serves the whole check (closed by each cached run, reopened: the contract allows it), so stores
// whose instances do not share data (in-memory ones) take part too.
import {
  Builder,
  cache,
  type FingerprintRepository,
  MemoryFingerprintRepository,
  MemoryResultStore,
  type NodeRunRecord,
  type ResultStore,
} from "@ham/core";
import type { FingerprintEntry } from "@ham/core/stores";
import { check, checkEqual, fail } from "./assertions.js";
import type { Check, Harness } from "./harness.js";
import type { FingerprintRepositoryGroup, ResultStoreGroup } from "./options.js";

const KEY = "ham-conformance-signing-key-0123456789";
// B reads its entry's age (maxAge), so its record's meta is on the hit path too.
const flow = {
  A: (x: number) => x + 1,
  B: cache({ maxAge: "3650d" })((A: number) => A * 2),
};

interface Outcome {
  readonly B: number;
  readonly warnings: readonly string[];
  readonly records: Readonly<Record<string, NodeRunRecord>>;
}

/** One cached run of the flow for input `x`; closes the cache (and so both stores) afterwards. */
async function runFlow(
  fingerprintStore: FingerprintRepository,
  resultStore: ResultStore,
  x: number,
  signingKey: string | false = KEY,
): Promise<Outcome> {
  const warnings: string[] = [];
  const dr = await new Builder()
    .withModules(flow)
    .withCache({ fingerprintStore, resultStore, signingKey, logger: { warn: (m: string) => void warnings.push(m) } })
    .build();
  try {
    const out = await dr.execute(["B"], { inputs: { x } });
    return { B: out.B as number, warnings, records: { ...dr.cache.lastRun } };
  } finally {
    await dr.close();
  }
}

function outcomeOf(run: Outcome, node: "A" | "B"): string {
  return run.records[node]?.outcome ?? "absent";
}

function checkRefused(
  run: Outcome,
  node: "A" | "B",
  expectedB: number,
  outcome: string,
  words: RegExp,
  what: string,
): void {
  checkEqual(run.B, expectedB, `${what}: B's value`);
  checkEqual(outcomeOf(run, node), outcome, `${what}: ${node}'s outcome`);
  check(
    run.warnings.some((w) => words.test(w)),
    `${what}: expected a warning matching ${words}, got ${JSON.stringify(run.warnings)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Fingerprint repositories
// ---------------------------------------------------------------------------------------------

type RepositoryCheck = Check<FingerprintRepository, FingerprintRepositoryGroup>;

/** Opens `store` (closed by the last cached run), lets `use` work on it directly, closes it again. */
async function directly<S extends { open?(): Promise<void>; close?(): Promise<void> }, T>(
  store: S,
  use: (store: S) => Promise<T>,
): Promise<T> {
  // Stores that order writes by wall-clock time (the file repository) cannot order two writes of
  // one key in the same millisecond: let the clock move past the cached run's writes first.
  await new Promise((resolve) => setTimeout(resolve, 3));
  await store.open?.();
  try {
    return await use(store);
  } finally {
    await store.close?.();
  }
}

/** The repository under test, runs of the flow over it (with an in-memory result store), and direct access. */
async function repositorySubject(h: Harness<FingerprintRepository>) {
  const repo = await h.instance();
  const results = new MemoryResultStore();
  return {
    repo,
    run: (x: number, signingKey: string | false = KEY) => runFlow(repo, results, x, signingKey),
  };
}

async function entryOf(
  h: Harness<FingerprintRepository>,
  repo: FingerprintRepository,
  contextKey: string,
): Promise<FingerprintEntry> {
  if (typeof repo.getEntry !== "function")
    h.skip(
      "the repository has no getEntry() (optional): maxAge cannot read an entry's age, so there is no meta to tamper with",
    );
  const entry = await directly(repo, (r) => r.getEntry!(contextKey));
  if (entry === undefined)
    fail(`getEntry(${JSON.stringify(contextKey)}) after a signed run: expected the record, got undefined`);
  return entry;
}

function contextKeyOf(run: Outcome): string {
  const key = run.records.B?.contextKey;
  if (key === undefined) fail("the signed run recorded no context key for B");
  return key;
}

const repositorySigningChecks: RepositoryCheck[] = [
  {
    group: "signing",
    name: "a signed cache hits its own records, meta read back through getEntry included, without warnings",
    async run(h) {
      const { repo, run } = await repositorySubject(h);
      if (typeof repo.getEntry !== "function")
        h.skip("the repository has no getEntry() (optional): a signed cache then never reads the meta");
      const cold = await run(1);
      checkEqual(outcomeOf(cold, "B"), "computed", "first run: B");
      const warm = await run(1);
      checkEqual(
        outcomeOf(warm, "B"),
        "hit",
        "second run: B (the stored createdAt, codeVersion and node must come back exactly as given)",
      );
      checkEqual(JSON.stringify(warm.warnings), "[]", "warnings of the warm signed run");
    },
  },
  {
    group: "signing",
    name: "a record whose createdAt, codeVersion or node was changed in the store is a miss with a warning",
    async run(h) {
      const { repo, run } = await repositorySubject(h);
      const changes: [string, (e: FingerprintEntry) => FingerprintEntry][] = [
        ["createdAt", (e) => ({ ...e, createdAt: e.createdAt + 1 })],
        ["codeVersion", (e) => ({ ...e, codeVersion: `${e.codeVersion}-forged` })],
        ["node", (e) => ({ ...e, node: "forged" })],
      ];
      const contextKey = contextKeyOf(await run(1));
      for (const [field, change] of changes) {
        const changed = change(await entryOf(h, repo, contextKey));
        // What a person with write access to the store could do: no signing in between.
        await directly(repo, (r) => r.set(changed.contextKey, changed.fingerprint, changed));
        // Recomputing re-signs the record, so the next field starts from a valid one again.
        checkRefused(await run(1), "B", 4, "computed", /differs from what was signed/, `after changing ${field}`);
      }
    },
  },
  {
    group: "signing",
    name: "a record pointed at another entry's signed fingerprint (or copied to another key) is a miss",
    async run(h) {
      const { repo, run } = await repositorySubject(h);
      const one = contextKeyOf(await run(1));
      const two = contextKeyOf(await run(2));
      await directly(repo, async (raw) => {
        const signedOne = await raw.get(one);
        if (signedOne === undefined) fail("get() of a record a signed run wrote: expected it, got undefined");
        const meta = (await raw.getEntry?.(two)) ?? { node: "B", codeVersion: "", createdAt: Date.now() };
        // x = 2 would get x = 1's result (4 instead of 6) if the signature did not bind the key.
        await raw.set(two, signedOne, meta);
      });
      checkRefused(
        await run(2),
        "B",
        6,
        "computed",
        /has a wrong signature/,
        "record for x = 2 holding x = 1's signed fingerprint",
      );
    },
  },
  {
    group: "signing",
    name: "records written without signing are misses under a signed cache, with a warning",
    async run(h) {
      const { run } = await repositorySubject(h);
      await run(1, false);
      checkRefused(await run(1), "B", 4, "computed", /has no signature/, "signed run over unsigned records");
      checkEqual(outcomeOf(await run(1), "B"), "hit", "the run after (the records were signed again)");
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Result stores
// ---------------------------------------------------------------------------------------------

type ResultCheck = Check<ResultStore, ResultStoreGroup>;

/** The result store under test and runs of the flow over it (with an in-memory repository). */
async function resultSubject(h: Harness<ResultStore>) {
  const store = await h.instance();
  const records = new MemoryFingerprintRepository();
  return {
    store,
    run: (x: number, signingKey: string | false = KEY) => runFlow(records, store, x, signingKey),
  };
}

function fingerprintOf(run: Outcome, node: "A" | "B"): string {
  const fingerprint = run.records[node]?.fingerprint;
  if (fingerprint === undefined) fail(`the run recorded no fingerprint for ${node}`);
  return fingerprint;
}

/** Replaces the bytes under `key` directly (delete first: stores may skip writing a key they hold). */
async function replaceBytes(
  store: ResultStore,
  key: string,
  bytes: (raw: ResultStore) => Promise<Uint8Array>,
): Promise<void> {
  await directly(store, async (raw) => {
    const replacement = await bytes(raw);
    await raw.delete(key);
    await raw.set(key, replacement);
  });
}

async function storedBytes(raw: ResultStore, key: string): Promise<Uint8Array> {
  const bytes = await raw.get(key);
  if (bytes === undefined)
    fail(`get(${JSON.stringify(key)}) of a result a cached run stored: expected bytes, got undefined`);
  return Uint8Array.from(bytes);
}

const resultSigningChecks: ResultCheck[] = [
  {
    group: "signing",
    name: "a signed result whose bytes were changed in the store is recomputed with a warning, never returned",
    async run(h) {
      const { store, run } = await resultSubject(h);
      const key = fingerprintOf(await run(1), "B");
      await replaceBytes(store, key, async (raw) => {
        const bytes = await storedBytes(raw, key);
        const at = Math.floor(bytes.length / 2);
        bytes[at] = (bytes[at] as number) ^ 0x01;
        return bytes;
      });
      checkRefused(await run(1), "B", 4, "recomputed", /has a wrong signature/, "changed byte");
      checkEqual(outcomeOf(await run(1), "B"), "hit", "the run after (the recomputed result replaced the bad bytes)");
    },
  },
  {
    group: "signing",
    name: "a signed result replaced by another entry's signed bytes is recomputed with a warning",
    async run(h) {
      const { store, run } = await resultSubject(h);
      const one = fingerprintOf(await run(1), "B");
      const two = fingerprintOf(await run(2), "B");
      await replaceBytes(store, one, (raw) => storedBytes(raw, two));
      checkRefused(
        await run(1),
        "B",
        4,
        "recomputed",
        /has a wrong signature/,
        "x = 1's result holding x = 2's signed bytes",
      );
    },
  },
  {
    group: "signing",
    name: "without signing, bytes stored under another result's key are recomputed (the envelope names its fingerprint)",
    async run(h) {
      const { store, run } = await resultSubject(h);
      const cold = await run(1, false);
      const a = fingerprintOf(cold, "A");
      const b = fingerprintOf(cold, "B");
      await replaceBytes(store, b, (raw) => storedBytes(raw, a));
      checkRefused(
        await run(1, false),
        "B",
        4,
        "recomputed",
        /belong to another entry/,
        "B's key holding A's bytes, unsigned",
      );
    },
  },
];

export { repositorySigningChecks, resultSigningChecks };
