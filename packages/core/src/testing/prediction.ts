// Test support: runs a chain warm with speculative lookups (predict) and level by level on two
// identical setups, after the same disturbance, and returns what each path did, for comparison.
import type { CacheOptions } from "../caching/options.js";
import type { FingerprintRepository, ResultStore } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { node } from "../graph/node-spec.js";
import { cache } from "../modifiers/cache.js";

/** The two stores of one setup (file, Postgres, S3 results…), fresh and empty. */
export interface StorePair {
  readonly fingerprintStore: FingerprintRepository;
  readonly resultStore: ResultStore;
}

/** What happens to the cache between the run that recorded the prediction and the warm run. */
export type Disturbance =
  | "nothing"
  /** Another process deleted a mid-chain node's repository entry. */
  | "entry deleted"
  /** The output's result bytes were removed (gc, maxBytes on another machine). */
  | "result deleted"
  /** The output's result bytes were replaced by bytes that do not decode (a damaged disk, a bad upload). */
  | "result damaged"
  /** A mid-chain node's entry is older than maxAge (the runs give maxAge only in this case: each hit then reads its entry's age). */
  | "entry expired"
  /** Another process recorded a different value for a mid-chain node's key (same pinned code version). */
  | "entry changed"
  /** The chain's input changed: every prediction fails. */
  | "input changed";

export const DISTURBANCES: readonly Disturbance[] = [
  "nothing",
  "entry deleted",
  "result deleted",
  "result damaged",
  "entry expired",
  "entry changed",
  "input changed",
];

/** What one path did in its warm runs (a new driver, then the same driver again). */
export interface PathReport {
  readonly values: unknown[];
  /** Per warm run, node → "outcome: reason | fingerprint | context key". */
  readonly records: Record<string, string>[];
  /** Per warm run, node → its explanation without run ids. */
  readonly explanations: Record<string, string>[];
  /** Per warm run, the nodes whose function ran. */
  readonly calls: string[][];
  /** Per warm run, repository reads (get, getMany, getEntry, listRuns, getRun). */
  readonly roundTrips: number[];
}

const MAX_AGE = "1d";

/**
 * Nodes c0 … c{length-1}: c0 = x + 1, each next one adds 1, except node `changed`, which adds 1000.
 * Code versions are pinned (`c3@1`), so a changed node keeps its key unless given `changedVersion`.
 */
export function chainModule(
  length: number,
  calls: string[],
  changed?: number,
  changedVersion = 1,
): Record<string, unknown> {
  const mod: Record<string, unknown> = {};
  for (let i = 0; i < length; i++) {
    const name = `c${i}`;
    const step = i === changed ? 1000 : 1;
    const fn = (v: number) => (calls.push(name), v + step);
    mod[name] = cache({ version: `${name}@${i === changed ? changedVersion : 1}` })(
      node({ deps: [i === 0 ? "x" : `c${i - 1}`] }, fn),
    );
  }
  return mod;
}

/** Counts the repository's reads: each is one round trip. Every other member passes through. */
export function countingRepository(inner: FingerprintRepository): FingerprintRepository & { reads: number } {
  const counted = new Set(["get", "getMany", "getEntry", "listRuns", "getRun"]);
  const wrapper: Record<string, unknown> & { reads: number } = { name: inner.name, reads: 0 };
  for (const member of [
    "open",
    "close",
    "get",
    "set",
    "getMany",
    "setMany",
    "getEntry",
    "delete",
    "entries",
    "saveRun",
    "listRuns",
    "getRun",
    "deleteRuns",
    "acquireLock",
  ] as const) {
    const fn = inner[member] as ((...args: unknown[]) => unknown) | undefined;
    if (typeof fn !== "function") continue;
    wrapper[member] = (...args: unknown[]) => {
      if (counted.has(member)) wrapper.reads++;
      return fn.apply(inner, args);
    };
  }
  return wrapper as unknown as FingerprintRepository & { reads: number };
}

/**
 * One path: a cold run of a chain of `length`, the disturbance, then two warm runs (a new driver — a
 * fresh process — and the same driver again), with `predict` on or off.
 */
export async function runPath(
  stores: StorePair,
  predict: boolean,
  disturbance: Disturbance,
  length = 8,
): Promise<PathReport> {
  const mid = Math.floor(length / 2);
  const repository = countingRepository(stores.fingerprintStore);
  const options: CacheOptions = {
    fingerprintStore: repository,
    resultStore: stores.resultStore,
    predict,
    logLevel: "error",
    ...(disturbance === "entry expired" ? { maxAge: MAX_AGE } : {}),
  };
  const output = `c${length - 1}`;
  const calls: string[] = [];
  const cold = await new Builder().withModules(chainModule(length, calls)).withCache(options).build();
  await cold.execute([output], { inputs: { x: 1 } });
  const key = cold.cache.lastRun[`c${mid}`]?.contextKey as string;
  const fingerprint = cold.cache.lastRun[disturbance.startsWith("result") ? output : `c${mid}`]?.fingerprint as string;
  await cold.close();
  await disturb(stores, disturbance, key, fingerprint, length, mid);

  const report: PathReport = { values: [], records: [], explanations: [], calls: [], roundTrips: [] };
  const warm = await new Builder().withModules(chainModule(length, calls)).withCache(options).build();
  const x = disturbance === "input changed" ? 2 : 1;
  for (let round = 0; round < 2; round++) {
    calls.length = 0;
    const before = repository.reads;
    report.values.push(await warm.execute([output], { inputs: { x } }));
    report.roundTrips.push(repository.reads - before);
    report.calls.push([...calls]);
    const records: Record<string, string> = {};
    const explanations: Record<string, string> = {};
    for (const [name, r] of Object.entries(warm.cache.lastRun)) {
      records[name] = withoutRunIds(`${r.outcome}: ${r.reason ?? ""} | ${r.fingerprint ?? ""} | ${r.contextKey ?? ""}`);
      if (name === "x") continue;
      const e = await warm.cache.explain(name);
      explanations[name] = withoutRunIds(
        JSON.stringify([e.outcome, e.reason, e.changedInputs, e.codeVersionChanged, e.changedCode]),
      );
    }
    report.records.push(records);
    report.explanations.push(explanations);
  }
  await warm.close();
  return report;
}

/** Run ids differ between the two setups; the rest of a reason must not. */
function withoutRunIds(text: string): string {
  return text.replace(/\brun [0-9a-z]+-[0-9a-f]+/g, "run <id>");
}

async function disturb(
  stores: StorePair,
  disturbance: Disturbance,
  key: string,
  fingerprint: string,
  length: number,
  mid: number,
): Promise<void> {
  const repository = stores.fingerprintStore;
  await repository.open?.();
  await stores.resultStore.open?.();
  if (disturbance === "entry deleted") await repository.delete?.(key);
  if (disturbance === "result deleted" || disturbance === "result damaged")
    await stores.resultStore.delete(fingerprint);
  if (disturbance === "result damaged")
    await stores.resultStore.set(fingerprint, new Uint8Array([0x68, 0x61, 0x6d, 0]));
  if (disturbance === "entry expired") {
    const entry = await repository.getEntry?.(key);
    if (!entry) throw new Error(`the repository has no entry for ${key}`);
    await repository.set(key, fingerprint, {
      node: entry.node,
      codeVersion: entry.codeVersion,
      createdAt: Date.now() - 2 * 86_400_000,
    });
  }
  await repository.close?.();
  await stores.resultStore.close?.();
  if (disturbance === "entry changed") {
    // Another process, whose c{mid} gives another value under the same pinned version, overwrites the key.
    const other = await new Builder()
      .withModules(chainModule(length, [], mid))
      .withCache({ ...stores, recompute: [`c${mid}`], logLevel: "error" })
      .build();
    await other.execute([`c${mid}`], { inputs: { x: 1 } });
    if (other.cache.lastRun[`c${mid}`]?.contextKey !== key)
      throw new Error("the other process did not write the same key");
    await other.close();
  }
}
