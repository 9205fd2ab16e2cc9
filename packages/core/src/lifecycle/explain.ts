// dr.cache.explain(node): why a node ran or came from the cache, by comparing with the run history.
import type { FingerprintRepository, NodeOutcome, NodeRunRecord, RunRecord } from "../contracts.js";
import { HamError } from "../errors.js";
import { named } from "../graph/names.js";
import { readRun, readRuns } from "../stores/run-history.js";

/** Why a node hit or ran. `reason` is the sentence; the other fields are the facts behind it. */
export interface Explanation {
  readonly node: string;
  readonly runId: string | undefined;
  readonly outcome: NodeOutcome;
  readonly reason: string;
  /** Dependencies whose fingerprint differs from the previous run that had this node. */
  readonly changedInputs: readonly string[];
  readonly codeVersionChanged: boolean;
  /** What changed in the code version: "own code", "helper `normalize` in dataflow.ts", … (empty when unknown). */
  readonly changedCode: readonly string[];
  /** The earlier run compared against, if any. */
  readonly previousRunId: string | undefined;
  toString(): string;
}

const HISTORY_DEPTH = 100;

export async function explainNode(
  repository: FingerprintRepository,
  lastRunId: string | undefined,
  lastRun: Readonly<Record<string, NodeRunRecord>>,
  node: string,
  runId: string | undefined,
): Promise<Explanation> {
  let record: NodeRunRecord | undefined;
  let targetRun = runId ?? lastRunId;
  if (runId !== undefined && runId !== lastRunId) {
    const run = await readRun(repository, runId);
    if (!run)
      throw new HamError(
        `explain: run "${runId}" is not in the history of ${repository.name}; list runs with dr.cache.listRuns()`,
      );
    record = run.nodes.find((n) => n.node === node);
  } else if (lastRunId === undefined) {
    // Nothing ran in this process: explain the latest run the repository remembers (an earlier process's).
    const latest = (await runsNewestFirst(repository))[0];
    targetRun = latest?.runId;
    record = latest?.nodes.find((n) => n.node === node);
  } else {
    record = named(lastRun, node);
  }
  if (!record) {
    throw new HamError(
      targetRun === undefined
        ? `explain: nothing has run yet (the history of ${repository.name} is empty); execute the dataflow first`
        : `explain: node "${node}" did not take part in run ${targetRun}; request it (or something that needs it) and run again`,
    );
  }
  const base = {
    node,
    runId: targetRun,
    outcome: record.outcome,
    changedInputs: [] as string[],
    codeVersionChanged: false,
    changedCode: [] as string[],
    previousRunId: undefined as string | undefined,
  };
  if (record.reason) return make({ ...base, reason: record.reason });
  if (record.outcome === "hit") {
    return make({ ...base, reason: "hit: same code version and same input fingerprints as a stored result" });
  }
  if (record.outcome !== "computed") return make({ ...base, reason: record.outcome });
  const previous = await previousRecord(repository, targetRun, node);
  if (!previous) {
    return make({ ...base, reason: "computed: first run — no earlier run in the history computed or read this node" });
  }
  const { codeVersionChanged, changedCode, changedInputs } = compareNodeRecords(previous.record, record);
  const parts: string[] = [];
  if (codeVersionChanged)
    parts.push(changedCode.length > 0 ? `code version changed: ${changedCode.join(", ")}` : "code version changed");
  if (changedInputs.length > 0)
    parts.push(`input${changedInputs.length > 1 ? "s" : ""} ${changedInputs.map((i) => `"${i}"`).join(", ")} changed`);
  const reason =
    parts.length > 0
      ? `computed: ${parts.join(" and ")} since run ${previous.runId}`
      : `computed: same code and inputs as run ${previous.runId}, but no stored entry was found (cleared, expired or never written)`;
  return make({ ...base, reason, codeVersionChanged, changedCode, changedInputs, previousRunId: previous.runId });
}

/** What differs between two records of one node (e.g. from two runs): its code version, which code parts, which inputs. */
export function compareNodeRecords(
  before: NodeRunRecord,
  now: NodeRunRecord,
): { codeVersionChanged: boolean; changedCode: string[]; changedInputs: string[] } {
  const codeVersionChanged = before.codeVersion !== now.codeVersion;
  const was = before.inputFingerprints ?? {};
  const is = now.inputFingerprints ?? {};
  const changedInputs = [...new Set([...Object.keys(was), ...Object.keys(is)])]
    .filter((k) => named(was, k) !== named(is, k))
    .sort();
  return { codeVersionChanged, changedCode: codeVersionChanged ? changedCodeParts(before, now) : [], changedInputs };
}

/** The code parts that differ between two records (a record without parts counts as its own code only). */
function changedCodeParts(before: NodeRunRecord, now: NodeRunRecord): string[] {
  const old = before.codeParts ?? { "own code": before.codeVersion ?? "" };
  const current = now.codeParts ?? { "own code": now.codeVersion ?? "" };
  const labels = [...new Set([...Object.keys(old), ...Object.keys(current)])].sort();
  return labels.flatMap((label) => {
    const was = named(old, label);
    const is = named(current, label);
    if (was === is) return [];
    if (was === undefined) return [`${label} (newly used)`];
    if (is === undefined) return [`${label} (no longer used)`];
    return [label.startsWith("package ") ? `${label} ${was} → ${is}` : label];
  });
}

async function previousRecord(
  repository: FingerprintRepository,
  currentRunId: string | undefined,
  node: string,
): Promise<{ runId: string; record: NodeRunRecord } | undefined> {
  for (const run of await runsNewestFirst(repository)) {
    if (run.runId === currentRunId) continue;
    if (currentRunId !== undefined && run.runId > currentRunId) continue;
    const record = run.nodes.find((n) => n.node === node && n.codeVersion !== undefined);
    if (record) return { runId: run.runId, record };
  }
  return undefined;
}

/** The last HISTORY_DEPTH runs, newest first; runs started in the same millisecond are ordered by id, which sorts in start order. */
async function runsNewestFirst(repository: FingerprintRepository): Promise<RunRecord[]> {
  return (await readRuns(repository, { limit: HISTORY_DEPTH })).sort(
    (a, b) => b.startedAt - a.startedAt || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0),
  );
}

function make(fields: Omit<Explanation, "toString">): Explanation {
  return { ...fields, toString: () => `${fields.node}: ${fields.reason}` };
}
