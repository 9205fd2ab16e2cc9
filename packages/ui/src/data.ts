// What the page shows, read from the stores on each request: runs (with live status), one run's
// nodes and DAG, one node's explanation and preview, two runs compared, the cache and gc.
import { ConfigurationError, type NodeRunRecord, type RunRecord } from "@ham/core";
import {
  type CacheStores,
  ComputeDurations,
  type GcOptions,
  type GcReport,
  type RunSummary,
  collectGarbage,
  compareNodeRecords,
  explainRun,
  readRun,
  readRuns,
  storelessNodesOf,
  summarizeRun,
} from "@ham/core/lifecycle";
import { OUTCOME_COLORS } from "@ham/core/visualize";
import { byAge, byNode, type CacheView } from "./cache-view.js";
import { runSvg } from "./dag.js";
import { type Preview, previewResult } from "./preview.js";

/** What a UiData reads and may do. */
export interface UiDataOptions {
  readonly stores: CacheStores;
  /** Where the stores came from, e.g. "ham.config.mjs" or ".ham_cache". */
  readonly source: string;
  /** Whether the page may run gc for real (POST /api/gc). */
  readonly allowGc: boolean;
  /** The gc rules the cache view applies (its dry run, and the real run with allowGc). */
  readonly gc: Omit<GcOptions, "dryRun" | "onProgress">;
  /** Largest stored result the node view previews. */
  readonly previewBytes: number;
}

/** A run in the list: its summary, the time its hits saved, and whether it is still going. */
export interface RunListItem extends RunSummary {
  readonly savedMs: number;
  /** Hits whose compute time is not in the history (the saving is then at least savedMs). */
  readonly savedUnknown: number;
  /** "running" (snapshots arriving), "stopped" (snapshots ceased: the process ended mid-run), or "done". */
  readonly status: "running" | "stopped" | "done";
}

/** A running snapshot older than this belongs to a process that stopped without finishing. */
export const STALE_AFTER_MS = 10_000;
const RUNS_SHOWN = 200;
const SIZES_FRESH_MS = 3000;

export class NotFound extends Error {}

export class UiData {
  readonly #options: UiDataOptions;
  readonly #durations = new ComputeDurations();
  #sizes: { at: number; map: Promise<Map<string, { bytes: number; lastAccess: number }> | undefined> } | undefined;

  constructor(options: UiDataOptions) {
    this.#options = options;
  }

  get #repo() {
    return this.#options.stores.fingerprintStore;
  }

  meta() {
    const { stores, source, allowGc, gc, previewBytes } = this.#options;
    return {
      source,
      repository: stores.fingerprintStore.name,
      resultStore: stores.resultStore.name,
      allowGc,
      gc,
      previewBytes,
      outcomeColors: OUTCOME_COLORS,
      history: this.#repo.listRuns !== undefined,
    };
  }

  async runs(): Promise<RunListItem[]> {
    const runs = await readRuns(this.#repo, { limit: RUNS_SHOWN });
    for (const run of [...runs].reverse()) this.#durations.remember(run.nodes, run.runId, run.durationMs);
    return Promise.all(runs.map(async (run) => this.#listItem(run)));
  }

  async #listItem(run: RunRecord): Promise<RunListItem> {
    const saved = await this.#durations.saved(run.nodes, this.#repo);
    return { ...summarizeRun(run), savedMs: saved.ms, savedUnknown: saved.unknown, status: statusOf(run) };
  }

  async run(runId: string) {
    const run = await this.#getRun(runId);
    const sizes = await this.#resultSizes();
    const bytes = (fp: string) => sizes?.get(fp)?.bytes;
    return {
      ...(await this.#listItem(run)),
      nodes: run.nodes.map((n) => ({
        node: n.node,
        outcome: n.outcome,
        durationMs: n.durationMs,
        bytes: n.fingerprint === undefined ? undefined : bytes(n.fingerprint),
        reason: n.reason,
      })),
      svg: await runSvg(run, bytes),
    };
  }

  async node(runId: string, name: string) {
    const run = await this.#getRun(runId);
    const record = run.nodes.find((n) => n.node === name);
    if (!record) throw new NotFound(`node "${name}" did not take part in run ${runId}`);
    const explanation = await explainRun(this.#repo, runId, name);
    return {
      runId,
      node: name,
      outcome: record.outcome,
      durationMs: record.durationMs,
      fingerprint: record.fingerprint,
      contextKey: record.contextKey,
      codeVersion: record.codeVersion,
      codeParts: record.codeParts,
      inputFingerprints: record.inputFingerprints,
      deps: record.deps,
      explanation: {
        reason: explanation.reason,
        changedInputs: explanation.changedInputs,
        changedCode: explanation.changedCode,
        codeVersionChanged: explanation.codeVersionChanged,
        previousRunId: explanation.previousRunId,
      },
      preview: await this.#preview(record, storelessNodesOf([run]).has(name)),
    };
  }

  async #preview(record: NodeRunRecord, storeless: boolean): Promise<Preview> {
    if (record.outcome === "input" || record.outcome === "override")
      return { bytes: undefined, note: `${record.outcome}s are given to execute, not stored` };
    if (record.fingerprint === undefined) return { bytes: undefined, note: "no result (the node failed)" };
    if (storeless) {
      return { bytes: undefined, note: "stored as part of another node's result (extractFields)" };
    }
    const size = (await this.#resultSizes())?.get(record.fingerprint)?.bytes;
    return previewResult(this.#options.stores.resultStore, record.fingerprint, size, this.#options.previewBytes);
  }

  /** Two runs side by side: every node with both outcomes, and for changed ones why. */
  async diff(a: string, b: string) {
    const [left, right] = await Promise.all([this.#getRun(a), this.#getRun(b)]);
    const before = new Map(left.nodes.map((n) => [n.node, n]));
    const after = new Map(right.nodes.map((n) => [n.node, n]));
    const names = [...new Set([...right.nodes.map((n) => n.node), ...left.nodes.map((n) => n.node)])];
    const rows = names.map((node) => {
      const x = before.get(node);
      const y = after.get(node);
      const why: string[] = [];
      if (!x) why.push(`not in run ${a}`);
      else if (!y) why.push(`not in run ${b}`);
      else {
        const compared = compareNodeRecords(x, y);
        if (compared.codeVersionChanged && x.codeVersion !== undefined && y.codeVersion !== undefined) {
          why.push(
            compared.changedCode.length > 0 ? `code changed: ${compared.changedCode.join(", ")}` : "code changed",
          );
        }
        if (compared.changedInputs.length > 0)
          why.push(`input${compared.changedInputs.length > 1 ? "s" : ""} ${compared.changedInputs.join(", ")} changed`);
        if (x.fingerprint !== y.fingerprint && x.fingerprint !== undefined && y.fingerprint !== undefined)
          why.push(x.outcome === "input" || x.outcome === "override" ? "value changed" : "result changed");
        if (x.outcome !== y.outcome && y.reason) why.push(y.reason);
      }
      return {
        node,
        a: x?.outcome,
        b: y?.outcome,
        changed: x?.outcome !== y?.outcome || x?.fingerprint !== y?.fingerprint,
        why,
      };
    });
    return { a: summarizeRun(left), b: summarizeRun(right), rows };
  }

  async cache(): Promise<CacheView & { gc: GcReport; allowGc: boolean }> {
    this.#sizes = undefined;
    const sizes = await this.#resultSizes();
    const entries = [];
    if (this.#repo.entries) for await (const entry of this.#repo.entries()) entries.push(entry);
    const gc = await collectGarbage(this.#options.stores, { ...this.#options.gc, dryRun: true });
    return {
      results: sizes?.size,
      bytes: sizes ? [...sizes.values()].reduce((sum, r) => sum + r.bytes, 0) : undefined,
      byNode: sizes && this.#repo.entries ? byNode(sizes, entries) : undefined,
      byAge: sizes ? byAge(sizes, Date.now()) : undefined,
      gc,
      allowGc: this.#options.allowGc,
    };
  }

  /** Runs gc with the configured rules; only when the server was started with --allow-gc. */
  async gc(): Promise<GcReport> {
    if (!this.#options.allowGc)
      throw new ConfigurationError("gc from the page is off; start ham ui with --allow-gc to allow it");
    this.#sizes = undefined;
    return collectGarbage(this.#options.stores, { ...this.#options.gc });
  }

  async #getRun(runId: string): Promise<RunRecord> {
    const run = await readRun(this.#repo, runId);
    if (!run) throw new NotFound(`no run "${runId}" in the history of ${this.#options.source}`);
    return run;
  }

  /** Every stored result's size and last use, listed at most every few seconds. */
  #resultSizes() {
    const store = this.#options.stores.resultStore;
    if (!this.#sizes || Date.now() - this.#sizes.at > SIZES_FRESH_MS) {
      const map = (async () => {
        if (!store.list) return undefined;
        const found = new Map<string, { bytes: number; lastAccess: number }>();
        for await (const item of store.list()) found.set(item.key, { bytes: item.bytes, lastAccess: item.lastAccess });
        return found;
      })();
      this.#sizes = { at: Date.now(), map };
      map.catch(() => (this.#sizes = undefined));
    }
    return this.#sizes.map;
  }
}

function statusOf(run: RunRecord): RunListItem["status"] {
  if (run.running !== true) return "done";
  return Date.now() - (run.startedAt + run.durationMs) > STALE_AFTER_MS ? "stopped" : "running";
}
