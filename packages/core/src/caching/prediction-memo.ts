// The local memo of what each node's last run used (context key, code version, result fingerprint) and
// of the inputs' fingerprints, in the cache folder: a new process on the same machine predicts its run
// without reading the history.
import * as fs from "node:fs";
import type { Fingerprint } from "../contracts.js";
import { tempPath } from "../stores/fs-util.js";

/** What one node's last run recorded: enough to predict its key (and its result) in the next. */
export interface Known {
  readonly contextKey: string;
  readonly codeVersion: string | undefined;
  /** The result's fingerprint when the result lives in the result store under it. */
  readonly fingerprint: Fingerprint | undefined;
}

/** Nodes remembered at most (the newest win): a bound on the file, not on any graph's size. */
const MAX_NODES = 50_000;
const VERSION = 1;

/**
 * Only a hint: a prediction decides nothing (each node still looks up its real key, see prefetch.ts),
 * so a stale, foreign or damaged memo costs round trips, never a wrong hit. That is why it can stay
 * on disk for a signed cache too. Errors reading or writing it are ignored, and it is written in the
 * background (one write at a time; `flush` waits for them): a run does not wait for its hint.
 */
export class PredictionMemo {
  /** The writes in progress, one after the other. */
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly tempDir: string,
  ) {}

  /** The memo's nodes and values (empty when there is none or it cannot be read). */
  load(): { nodes: Map<string, Known>; values: Map<string, Fingerprint> } {
    const nodes = new Map<string, Known>();
    const values = new Map<string, Fingerprint>();
    if (!fs.existsSync(this.file)) return { nodes, values }; // a new cache: no exception to throw and catch
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, "utf8")) as {
        version?: unknown;
        nodes?: unknown;
        values?: unknown;
      };
      if (parsed.version !== VERSION || !Array.isArray(parsed.nodes) || !Array.isArray(parsed.values))
        return { nodes, values };
      for (const item of parsed.nodes as unknown[]) {
        if (!Array.isArray(item) || typeof item[0] !== "string" || typeof item[1] !== "string") continue;
        nodes.set(item[0], { contextKey: item[1], codeVersion: optional(item[2]), fingerprint: optional(item[3]) });
      }
      for (const item of parsed.values as unknown[]) {
        if (Array.isArray(item) && typeof item[0] === "string" && typeof item[1] === "string")
          values.set(item[0], item[1]);
      }
    } catch {
      // No memo yet (or a damaged one): the repository's history predicts instead.
    }
    return { nodes, values };
  }

  /** Writes the nodes and the input and override values (atomically: a temp file renamed over the memo). */
  save(known: ReadonlyMap<string, Known>, values: ReadonlyMap<string, Fingerprint>): void {
    const nodes: (string | null)[][] = [];
    for (const [node, k] of known) nodes.push([node, k.contextKey, k.codeVersion ?? null, k.fingerprint ?? null]);
    const text = JSON.stringify({
      version: VERSION,
      nodes: nodes.slice(-MAX_NODES),
      values: [...values].slice(-MAX_NODES),
    });
    this.#writing = this.#writing.then(async () => {
      const temp = tempPath(this.tempDir);
      try {
        await fs.promises.mkdir(this.tempDir, { recursive: true });
        await fs.promises.writeFile(temp, text);
        await fs.promises.rename(temp, this.file);
      } catch {
        // A read-only or removed cache folder: the next process reads the history instead.
        await fs.promises.rm(temp, { force: true }).catch(() => undefined);
      }
    });
  }

  /** Resolves once the writes started so far are done. */
  flush(): Promise<void> {
    return this.#writing;
  }
}

const optional = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
