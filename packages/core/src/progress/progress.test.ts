// Progress: onProgress events, the live line on a terminal (and not elsewhere), logs that do not garble it, the summary.
import { describe, expect, it } from "vitest";
import { Builder, MemoryFingerprintRepository, MemoryResultStore } from "../index.js";
import type { ProgressEvent } from "./progress.js";
import { progressText } from "./progress.js";
import { formatDuration, summaryLine } from "./summary.js";

/** A terminal-like stream that keeps what was written. */
class Terminal {
  readonly isTTY: boolean;
  readonly columns = 120;
  text = "";
  constructor(isTTY: boolean) {
    this.isTTY = isTTY;
  }
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  /** What a person would see: each \r plus erase starts the line over. */
  get screen(): string[] {
    return this.text
      .split("\n")
      .map((line) => line.split("\r\u001b[2K").at(-1) ?? "")
      .filter((line) => line !== "");
  }
}

const flow = {
  load: () => [1, 2, 3],
  clean: async (load: number[]) => {
    await new Promise((resolve) => setTimeout(resolve, 30)); // long enough for the summary to report time saved
    return load.filter((n) => n > 1);
  },
  total: (clean: number[]) => clean.reduce((a, b) => a + b, 0),
};

const memory = () => ({ fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() });

describe("onProgress", () => {
  it("reports started, each node's start and finish with its outcome, and finished", async () => {
    const events: ProgressEvent[] = [];
    const stores = memory();
    const build = () =>
      new Builder()
        .withModules(flow)
        .withCache(stores)
        .withProgress({ onProgress: (e) => events.push(e), live: false })
        .build();
    await (await build()).execute(["total"]);
    expect(events[0]).toMatchObject({ type: "started", outputs: ["total"], total: 3 });
    const finished = events.filter((e) => e.type === "node-finished");
    expect(finished.map((e) => [e.node, e.outcome])).toEqual([
      ["load", "computed"],
      ["clean", "computed"],
      ["total", "computed"],
    ]);
    expect(events.filter((e) => e.type === "node-started").map((e) => e.node)).toEqual(["load", "clean", "total"]);
    expect(events.at(-1)).toMatchObject({ type: "finished", success: true, done: 3, total: 3, fromCache: 0 });

    events.length = 0;
    await (await build()).execute(["total"]);
    expect(events.filter((e) => e.type === "node-finished").map((e) => e.outcome)).toEqual(["hit", "hit", "hit"]);
    expect(events.at(-1)).toMatchObject({ type: "finished", fromCache: 3 });
  });

  it("works without a cache, and a failing node is reported as failed", async () => {
    const events: ProgressEvent[] = [];
    const broken = {
      ...flow,
      total: (clean: number[]) => {
        throw new Error(`bad ${clean.length}`);
      },
    };
    const dr = await new Builder()
      .withModules(broken)
      .withProgress({ onProgress: (e) => events.push(e), live: false })
      .build();
    await expect(dr.execute(["total"])).rejects.toThrow(/total/);
    expect(events.filter((e) => e.type === "node-finished").map((e) => [e.node, e.outcome])).toEqual([
      ["load", "computed"],
      ["clean", "computed"],
      ["total", "failed"],
    ]);
    expect(events.at(-1)).toMatchObject({ type: "finished", success: false });
  });

  it("a listener that throws does not fail the run", async () => {
    const dr = await new Builder()
      .withModules(flow)
      .withProgress({
        onProgress: () => {
          throw new Error("ui broke");
        },
        live: false,
      })
      .build();
    expect(await dr.execute(["total"])).toEqual({ total: 5 });
  });
});

describe("the live line", () => {
  it("is drawn on a terminal, ends with the summary, and log lines written meanwhile stay on their own lines", async () => {
    const terminal = new Terminal(true);
    const logger = { warn: (message: string) => terminal.write(`${message}\n`) };
    let log = (_message: string): void => undefined;
    const dr = await new Builder()
      .withModules({
        ...flow,
        clean: async (load: number[]) => {
          log("cleaning now");
          return load.filter((n) => n > 1);
        },
      })
      .withCache({ ...memory(), logger, logLevel: "warn" })
      .withProgress({ stream: terminal, delayMs: 0 })
      .build();
    // A node logs through the cache's logger while the line is up.
    log = (message) => dr.cache.logger.warn(message);
    await dr.execute(["total"]);
    expect(terminal.text).toContain("ham ▸ ");
    const screen = terminal.screen;
    // The log line is alone on its line: the progress text was erased before it was written.
    expect(screen).toContain("cleaning now");
    expect(screen.at(-1)).toMatch(/^ham ✓ 3 nodes: 0 from cache, 3 computed in \d/);
  });

  it("is not drawn when the stream is not a terminal, nor with withProgress(false)", async () => {
    const pipe = new Terminal(false);
    await (await new Builder().withModules(flow).withProgress({ stream: pipe, delayMs: 0 }).build()).execute(["total"]);
    expect(pipe.text).toBe("");
    const terminal = new Terminal(true);
    const off = new Builder().withModules(flow).withProgress({ stream: terminal, delayMs: 0 }).withProgress(false);
    await (await off.build()).execute(["total"]);
    expect(terminal.text).toBe("");
  });

  it("stays quiet for runs shorter than the delay", async () => {
    const terminal = new Terminal(true);
    await (await new Builder().withModules(flow).withProgress({ stream: terminal, delayMs: 60_000 }).build()).execute([
      "total",
    ]);
    expect(terminal.text).toBe("");
  });

  it("text names the longest-running node and how many others run", () => {
    const running = new Map([
      ["train_model", 1000],
      ["fetch", 5000],
    ]);
    expect(progressText(37, 120, 30, running, 13_000)).toBe(
      "ham ▸ 37/120 nodes · 30 from cache · running: train_model 12s (+1)",
    );
    expect(progressText(0, 3, 0, new Map(), 0)).toBe("ham ▸ 0/3 nodes · 0 from cache");
    expect(progressText(0, 1, 0, new Map(), 0)).toBe("ham ▸ 0/1 node · 0 from cache");
  });

  it("rejects bad options with a message that says what to pass", () => {
    expect(() => new Builder().withProgress({ live: "yes" as never })).toThrow(/true, false or "auto"/);
    expect(() => new Builder().withProgress({ delayMs: -1 })).toThrow(/delayMs/);
    expect(() => new Builder().withProgress(null as never)).toThrow(/options object or false/);
  });
});

describe("the summary line", () => {
  it("adds the time saved: what the hit nodes took when they were computed", async () => {
    const lines: string[] = [];
    const stores = memory();
    const build = () =>
      new Builder()
        .withModules(flow)
        .withCache({ ...stores, logger: { info: (m: string) => lines.push(m) } })
        .withProgress(false)
        .build();
    const cold = await build();
    await cold.execute(["total"]);
    expect(lines.at(-1)).toBe("[ham] 3 nodes: 0 from cache, 3 computed");
    const computedMs = Object.values(cold.cache.lastRun).reduce((sum, r) => sum + r.durationMs, 0);
    // A new driver (as a new process would): the durations come from the run history.
    const warm = await build();
    await warm.execute(["total"]);
    expect(lines.at(-1)).toBe(`[ham] 3 nodes: 3 from cache, 0 computed · saved ~${formatDuration(computedMs)}`);
    expect(await warm.cache.summary()).toBe(lines.at(-1)?.slice("[ham] ".length));
  });

  it("says ≥ when some hits were computed before the history it reads", () => {
    const line = summaryLine(
      [
        { node: "a", outcome: "hit", durationMs: 0.1, contextKey: "k1" },
        { node: "b", outcome: "hit", durationMs: 0.1, contextKey: "k2" },
      ],
      { ms: 2500, unknown: 1 },
    );
    expect(line).toBe("2 nodes: 2 from cache, 0 computed · saved ≥ 2.5s");
    expect(summaryLine([{ node: "a", outcome: "computed", durationMs: 1 }])).toBe("1 node: 0 from cache, 1 computed");
    expect(formatDuration(125_000)).toBe("2m 05s");
    expect(formatDuration(3_720_000)).toBe("1h 02m");
  });
});
