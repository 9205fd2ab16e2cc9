// A result a worker computed and fingerprinted: the cache records it under the fingerprint the worker
// reports (no re-fingerprinting in the driver) and the value is loaded only if the driver needs it.
import type { Fingerprint, ResultStore } from "../contracts.js";
import { DeferredResult } from "../execution/deferred.js";

const REPORTED = Symbol.for("ham.reportedResult");

/** What an executor hands back for a node a worker computed. */
export interface ReportedResultInit {
  /** The fingerprint of the value, computed by the worker the way the cache would (same fingerprinters). */
  readonly fingerprint: Fingerprint;
  /** Loads the value (from the result store, or wherever the executor has it); called at most once, only when needed. */
  readonly load: () => Promise<unknown>;
  /**
   * The value's encoded bytes (the cache's codecs), for the cache to store; leave out when the
   * worker already put them in the cache's result store under `fingerprint`.
   */
  readonly bytes?: Uint8Array;
}

/** A deferred result whose fingerprint is known: see `reportedResult`. */
export class ReportedResult extends DeferredResult {
  readonly [REPORTED] = true;
  readonly fingerprint: Fingerprint;
  readonly bytes: Uint8Array | undefined;
  constructor(init: ReportedResultInit) {
    super(init.load);
    this.fingerprint = init.fingerprint;
    this.bytes = init.bytes;
  }
}

/**
 * For executors: the value of a node a worker computed, by its fingerprint. The cache records the
 * node under that fingerprint without loading, re-fingerprinting or re-storing the value; the
 * driver loads it only when something in this process reads it (a requested output, a node run here).
 */
export function reportedResult(init: ReportedResultInit): ReportedResult {
  return new ReportedResult(init);
}

/** True for a value made by `reportedResult` (also by another copy of @ham/core). */
export function isReportedResult(value: unknown): value is ReportedResult {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[REPORTED] === true;
}

/** Puts a reported result's bytes in the store unless the worker did or they are there; the bytes written (0: none). */
export async function storeReported(store: ResultStore, reported: ReportedResult): Promise<number> {
  if (reported.bytes === undefined || (await store.has(reported.fingerprint))) return 0;
  await store.set(reported.fingerprint, reported.bytes);
  return reported.bytes.byteLength;
}
