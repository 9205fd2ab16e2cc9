// Reads of stored run history, checked: a run record of the wrong shape (edited, written by another
// program) is a StoreError naming the store and the run, never a TypeError deep inside explain or gc.
import type { FingerprintRepository, NodeOutcome, RunRecord } from "../contracts.js";
import { StoreError } from "../errors.js";

const OUTCOMES: ReadonlySet<NodeOutcome> = new Set([
  "hit",
  "computed",
  "recomputed",
  "disabled",
  "failed",
  "override",
  "input",
]);
const OPERATION = "read run history";

/** Run records this process is still writing, by the repository object they go to (see trackRunWrite). */
const writing = new WeakMap<object, Set<Promise<unknown>>>();

/**
 * Registers a run record being written to `repositories` (one store, under each object that names
 * it: yours and the cache's wrapper): every history read of those objects in this process waits for
 * it first, so a run that has returned is in the history ham shows, even before `close()`.
 */
export function trackRunWrite(repositories: readonly object[], write: Promise<unknown>): void {
  for (const repository of repositories) {
    let pending = writing.get(repository);
    if (!pending) writing.set(repository, (pending = new Set()));
    const set = pending;
    set.add(write);
    void write.then(
      () => set.delete(write),
      () => set.delete(write),
    );
  }
}

/** Waits for the run records this process is still writing to `repository` (their failures are the cache's to report). */
async function written(repository: object): Promise<void> {
  const pending = writing.get(repository);
  while (pending !== undefined && pending.size > 0) await Promise.allSettled(pending);
}

/** The repository's runs, newest first (`[]` when it keeps no history), each checked. */
export async function readRuns(repository: FingerprintRepository, options?: { limit?: number }): Promise<RunRecord[]> {
  await written(repository);
  return readStoredRuns(repository, options);
}

/** readRuns without waiting for this process's run records still being written (the summary's read of earlier runs). */
export async function readStoredRuns(
  repository: FingerprintRepository,
  options?: { limit?: number },
): Promise<RunRecord[]> {
  if (!repository.listRuns) return [];
  const runs: unknown = await repository.listRuns(options);
  if (!Array.isArray(runs)) {
    throw new StoreError(repository.name, OPERATION, `listRuns() returned ${describe(runs)} instead of a list of runs`);
  }
  return runs.map((run) => checkRun(repository.name, run));
}

/** One run by id, checked, or undefined when the repository does not have it (or keeps no history). */
export async function readRun(repository: FingerprintRepository, runId: string): Promise<RunRecord | undefined> {
  if (!repository.getRun) return undefined;
  await written(repository);
  const run: unknown = await repository.getRun(runId);
  if (run === undefined) return undefined;
  const checked = checkRun(repository.name, run);
  if (checked.runId !== runId) {
    throw new StoreError(
      repository.name,
      OPERATION,
      `getRun("${runId}") returned run "${checked.runId}"; the history is damaged`,
    );
  }
  return checked;
}

/**
 * Ids of the stored runs, for removing them all: tolerant of malformed records (clearing the cache
 * must not fail on the very records it removes); records without a string runId cannot be named.
 */
export async function readRunIds(repository: FingerprintRepository): Promise<string[]> {
  if (!repository.listRuns) return [];
  await written(repository);
  const runs: unknown = await repository.listRuns();
  if (!Array.isArray(runs)) {
    throw new StoreError(repository.name, OPERATION, `listRuns() returned ${describe(runs)} instead of a list of runs`);
  }
  return runs.flatMap((run) => (isObject(run) && typeof run.runId === "string" ? [run.runId] : []));
}

/** `run` as a RunRecord, or a StoreError saying what is wrong with it and what to do. */
export function checkRun(store: string, run: unknown): RunRecord {
  const problem = problemOf(run);
  if (problem === undefined) return run as RunRecord;
  const id =
    typeof (run as { runId?: unknown } | null)?.runId === "string" ? (run as { runId: string }).runId : undefined;
  throw new StoreError(
    store,
    OPERATION,
    `${id === undefined ? "a run record" : `run "${id.slice(0, 80)}"`} in the history is malformed (${problem}): it was edited or written by another program; delete it${id === undefined ? "" : ` (repository.deleteRuns(["${id.slice(0, 80)}"]))`} — the cache itself does not depend on it`,
  );
}

function problemOf(run: unknown): string | undefined {
  if (!isObject(run)) return `it is ${describe(run)}, not an object`;
  if (typeof run.runId !== "string" || run.runId === "")
    return `runId is ${describe(run.runId)}, not a non-empty string`;
  if (!Number.isFinite(run.startedAt)) return `startedAt is ${describe(run.startedAt)}, not a number`;
  if (!Number.isFinite(run.durationMs)) return `durationMs is ${describe(run.durationMs)}, not a number`;
  if (!Array.isArray(run.outputs) || !run.outputs.every((o) => typeof o === "string"))
    return `outputs is ${describe(run.outputs)}, not a list of names`;
  if (!Array.isArray(run.nodes)) return `nodes is ${describe(run.nodes)}, not a list`;
  for (const [index, node] of (run.nodes as unknown[]).entries()) {
    const problem = nodeProblemOf(node);
    if (problem !== undefined)
      return `nodes[${index}]${isObject(node) && typeof node.node === "string" ? ` ("${node.node}")` : ""} ${problem}`;
  }
  return undefined;
}

function nodeProblemOf(node: unknown): string | undefined {
  if (!isObject(node)) return `is ${describe(node)}, not an object`;
  if (typeof node.node !== "string") return `has node ${describe(node.node)}, not a name`;
  if (!OUTCOMES.has(node.outcome as NodeOutcome))
    return `has outcome ${describe(node.outcome)}, not one of ${[...OUTCOMES].join(", ")}`;
  if (!Number.isFinite(node.durationMs)) return `has durationMs ${describe(node.durationMs)}, not a number`;
  for (const field of ["fingerprint", "contextKey", "codeVersion", "reason"] as const) {
    if (node[field] !== undefined && typeof node[field] !== "string")
      return `has ${field} ${describe(node[field])}, not a string`;
  }
  for (const field of ["codeParts", "inputFingerprints"] as const) {
    const value = node[field];
    if (value !== undefined && (!isObject(value) || !Object.values(value).every((v) => typeof v === "string"))) {
      return `has ${field} ${describe(value)}, not an object of strings`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return typeof value;
}
