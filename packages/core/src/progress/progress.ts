// Progress of a run: an adapter that turns node hooks into events for `onProgress`, and into the live
// line `ham ▸ 37/120 nodes · 30 from cache · running: train_model 12s` on a terminal.
import type {
  Adapter,
  GraphExecuteContext,
  GraphResultContext,
  NodeExecuteContext,
  NodeOutcome,
  NodeResultContext,
} from "../contracts.js";
import { ConfigurationError } from "../errors.js";
import { type LineStream, LiveLine } from "./live-line.js";
import { plural } from "../lifecycle/parse.js";
import { formatDuration } from "./summary.js";

/** A node's outcome as progress reports it (inputs and overrides do not run). */
export type ProgressOutcome = Exclude<NodeOutcome, "input" | "override">;

/** What `onProgress` receives. `done`/`total` count nodes of this run; `fromCache` counts hits. */
export type ProgressEvent =
  | { readonly type: "started"; readonly runId: string; readonly outputs: readonly string[]; readonly total: number }
  | {
      readonly type: "node-started";
      readonly runId: string;
      readonly node: string;
      readonly done: number;
      readonly total: number;
    }
  | {
      readonly type: "node-finished";
      readonly runId: string;
      readonly node: string;
      readonly outcome: ProgressOutcome;
      readonly durationMs: number;
      readonly done: number;
      readonly total: number;
      readonly fromCache: number;
    }
  | {
      readonly type: "finished";
      readonly runId: string;
      readonly success: boolean;
      readonly done: number;
      readonly total: number;
      readonly fromCache: number;
      readonly durationMs: number;
    };

/** Options of `builder.withProgress()`. */
export interface ProgressOptions {
  /** Draw the live line: "auto" (default) when the stream is a terminal, or always / never. */
  live?: boolean | "auto";
  /** Where the live line goes (default `process.stderr`). */
  stream?: LineStream;
  /** Called for every event, for other UIs (a web page, a CI log, a progress bar library). */
  onProgress?: (event: ProgressEvent) => void;
  /** The live line appears only once a run has taken this long (default 1000 ms): quick runs stay quiet. */
  delayMs?: number;
  /** How often the live line is redrawn while nothing finishes (default 250 ms), so timers tick. */
  refreshMs?: number;
}

/** What the adapter asks the driver's cache, when there is one. */
export interface ProgressCacheView {
  /** The cache's outcome for `node` in run `runId`, if it recorded one. */
  outcomeOf(runId: string, node: string): ProgressOutcome | undefined;
  /** The summary line of the run that just finished (with time saved), or undefined without a cache. */
  summary(runId: string): Promise<string | undefined>;
  /** True when the cache's logger prints the summary itself (then the live line does not repeat it). */
  logsSummary(): boolean;
  /**
   * How many nodes of run `runId` the cache served in the end (a hit whose stored result proved
   * unreadable when loaded counts as the recompute it became), for the "finished" event.
   */
  hits?(runId: string): number | undefined;
}

interface RunProgress {
  readonly started: number;
  readonly total: number;
  done: number;
  fromCache: number;
  readonly running: Map<string, number>;
  line: LiveLine | undefined;
  shown: boolean;
  timer: ReturnType<typeof setInterval> | undefined;
}

/** Checks options; `false` means no progress at all. */
export function checkProgressOptions(options: ProgressOptions | false): ProgressOptions | false {
  if (options === false) return false;
  if (typeof options !== "object" || options === null) {
    throw new ConfigurationError(
      `withProgress() takes an options object or false, got ${options === null ? "null" : typeof options}`,
    );
  }
  if (options.live !== undefined && options.live !== "auto" && typeof options.live !== "boolean") {
    throw new ConfigurationError(
      `withProgress({ live }) must be true, false or "auto", got ${JSON.stringify(options.live)}`,
    );
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    throw new ConfigurationError("withProgress({ onProgress }) must be a function that receives progress events");
  }
  if (options.stream !== undefined && typeof options.stream?.write !== "function") {
    throw new ConfigurationError("withProgress({ stream }) must have a write(text) method, like process.stderr");
  }
  for (const key of ["delayMs", "refreshMs"] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0))
      throw new ConfigurationError(`withProgress({ ${key} }) must be a number of milliseconds ≥ 0, got ${String(v)}`);
  }
  return options;
}

/** True when progress has anything to do with these options (a listener, or a live line that may show). */
export function progressWanted(options: ProgressOptions | false): boolean {
  if (options === false) return false;
  if (options.onProgress) return true;
  const live = options.live ?? "auto";
  if (live === false) return false;
  return live === true || Boolean((options.stream ?? process.stderr).isTTY);
}

/** The adapter the builder installs (outermost after the cache, so its graph hooks see the cache's records). */
export class ProgressAdapter implements Adapter {
  readonly #options: ProgressOptions;
  readonly #cache: ProgressCacheView | undefined;
  readonly #runs = new Map<string, RunProgress>();

  constructor(options: ProgressOptions, cache?: ProgressCacheView) {
    this.#options = options;
    this.#cache = cache;
  }

  beforeGraphExecute(ctx: GraphExecuteContext): void {
    const stream = this.#options.stream ?? process.stderr;
    const live = this.#options.live ?? "auto";
    const drawLine = live === true || (live === "auto" && Boolean(stream.isTTY));
    const run: RunProgress = {
      started: performance.now(),
      total: ctx.nodes.length,
      done: 0,
      fromCache: 0,
      running: new Map(),
      line: drawLine ? new LiveLine(stream) : undefined,
      shown: false,
      timer: undefined,
    };
    this.#runs.set(ctx.runId, run);
    if (run.line && (this.#options.delayMs ?? 1000) === 0) {
      run.shown = true;
      this.#draw(run);
    }
    if (run.line) {
      const delay = this.#options.delayMs ?? 1000;
      const refresh = Math.max(16, this.#options.refreshMs ?? 250);
      run.timer = setInterval(
        () => {
          if (!run.shown && performance.now() - run.started < delay) return;
          run.shown = true;
          this.#draw(run);
        },
        Math.min(refresh, Math.max(16, delay)),
      );
      run.timer.unref?.();
    }
    this.#emit({ type: "started", runId: ctx.runId, outputs: ctx.outputs, total: run.total });
  }

  beforeNodeExecute(ctx: NodeExecuteContext): void {
    const run = this.#runs.get(ctx.runId);
    if (!run) return;
    run.running.set(ctx.node.name, performance.now());
    this.#emit({ type: "node-started", runId: ctx.runId, node: ctx.node.name, done: run.done, total: run.total });
  }

  afterNodeExecute(ctx: NodeResultContext): void {
    const run = this.#runs.get(ctx.runId);
    if (!run) return;
    const began = run.running.get(ctx.node.name) ?? performance.now();
    run.running.delete(ctx.node.name);
    run.done++;
    const outcome: ProgressOutcome = !ctx.success
      ? "failed"
      : (this.#cache?.outcomeOf(ctx.runId, ctx.node.name) ?? (ctx.deferred ? "hit" : "computed"));
    if (outcome === "hit") run.fromCache++;
    this.#emit({
      type: "node-finished",
      runId: ctx.runId,
      node: ctx.node.name,
      outcome,
      durationMs: performance.now() - began,
      done: run.done,
      total: run.total,
      fromCache: run.fromCache,
    });
    if (run.shown) this.#draw(run);
  }

  async afterGraphExecute(ctx: GraphResultContext): Promise<void> {
    const run = this.#runs.get(ctx.runId);
    if (!run) return;
    this.#runs.delete(ctx.runId);
    if (run.timer) clearInterval(run.timer);
    const durationMs = performance.now() - run.started;
    if (run.line) {
      let final: string | undefined;
      // A human watched a live line: leave the summary in its place (unless the logger prints it).
      if (run.shown && !this.#cache?.logsSummary()) {
        const summary = this.#cache ? await this.#cache.summary(ctx.runId).catch(() => undefined) : undefined;
        final = `ham ${ctx.success ? "✓" : "✗"} ${summary ?? `${run.done}/${plural(run.total, "node")}`} in ${formatDuration(durationMs)}`;
      }
      run.line.stop(final);
    }
    const fromCache = this.#cache?.hits?.(ctx.runId) ?? run.fromCache;
    this.#emit({
      type: "finished",
      runId: ctx.runId,
      success: ctx.success,
      done: run.done,
      total: run.total,
      fromCache,
      durationMs,
    });
  }

  #draw(run: RunProgress): void {
    run.line?.update(progressText(run.done, run.total, run.fromCache, run.running, performance.now()));
  }

  #emit(event: ProgressEvent): void {
    // A failing listener must not fail the user's run: progress is a side channel.
    try {
      this.#options.onProgress?.(event);
    } catch {
      /* ignored on purpose */
    }
  }
}

/** `ham ▸ 37/120 nodes · 30 from cache · running: train_model 12s (+2)` */
export function progressText(
  done: number,
  total: number,
  fromCache: number,
  running: ReadonlyMap<string, number>,
  now: number,
): string {
  let text = `ham ▸ ${done}/${plural(total, "node")} · ${fromCache} from cache`;
  let longest: [string, number] | undefined;
  for (const entry of running) if (!longest || entry[1] < longest[1]) longest = entry;
  if (longest) {
    text += ` · running: ${longest[0]} ${formatDuration(now - longest[1])}`;
    if (running.size > 1) text += ` (+${running.size - 1})`;
  }
  return text;
}
