// What a worker runs (nodes, inputs) and what it reports back to main.ts, with the content digest both sides compare.
import { createHash } from "node:crypto";
import type { NodeOutcome } from "@ham/core";

export const NODES = [
  "orders",
  "cleanOrders",
  "revenueByRegion",
  "revenueByDay",
  "movingAverage",
  "anomalies",
  "topCustomers",
  "customerSegments",
  "auditDigest",
  "report",
] as const;
export type NodeName = (typeof NODES)[number];
export const INPUTS = { seed: 2024, orderCount: 300_000 };

/** What a worker hands back to main.ts (as the last line of its output). */
export interface WorkerResult {
  name: string;
  cwd: string;
  /** Files in the worker's working directory after the run: nothing is cached locally. */
  cwdFiles: string[];
  outcomes: Record<NodeName, NodeOutcome | "missing">;
  durationsMs: Record<NodeName, number>;
  /** SHA-256 of each output's content, to compare the two processes' results. */
  digests: Record<NodeName, string>;
  report: string;
  wallMs: number;
  repositoryRoundTrips: number;
  resultReads: number;
  resultWrites: number;
}

export const RESULT_MARKER = "@@team-cache-result ";

/** A content digest that does not depend on how a value was made (computed or decoded from the cache). */
export function digestOf(value: unknown): string {
  const hash = createHash("sha256");
  const feed = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) {
      // Only the view's own bytes: a decoded typed array may be a view into a larger buffer.
      hash
        .update(`${v.constructor.name}:${v.byteLength}:`)
        .update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    } else if (Array.isArray(v)) {
      hash.update(`[${v.length}:`);
      v.forEach(feed);
      hash.update("]");
    } else if (v !== null && typeof v === "object") {
      const keys = Object.keys(v).sort();
      hash.update(`{${keys.length}:`);
      for (const key of keys) {
        hash.update(JSON.stringify(key));
        feed((v as Record<string, unknown>)[key]);
      }
      hash.update("}");
    } else {
      hash.update(`${typeof v}:${JSON.stringify(v)};`);
    }
  };
  feed(value);
  return hash.digest("hex");
}
