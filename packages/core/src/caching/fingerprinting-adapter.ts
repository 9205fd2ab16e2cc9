// FingerprintingAdapter: records the data fingerprint of every node a run computes (the seed's first cell).
import type { Adapter, Fingerprint, Fingerprinter, GraphExecuteContext, NodeResultContext } from "../contracts.js";
import { FingerprinterRegistry } from "../fingerprint/index.js";
import { setNamed } from "../graph/names.js";

export interface FingerprintingAdapterOptions {
  /** Custom fingerprinters, tried before the default one. */
  fingerprinters?: readonly Fingerprinter[];
  /** Receives warnings (e.g. values that cannot be fingerprinted). */
  warn?: (message: string) => void;
}

export class FingerprintingAdapter implements Adapter {
  /** Fingerprint of each node's result in the last execute. */
  runFingerprints: Record<string, Fingerprint> = {};
  readonly #registry: FingerprinterRegistry;

  constructor(options: FingerprintingAdapterOptions = {}) {
    this.#registry = new FingerprinterRegistry({
      fingerprinters: [...(options.fingerprinters ?? [])],
      warn: options.warn ?? ((message) => console.warn(message)),
    });
  }

  beforeGraphExecute(_ctx: GraphExecuteContext): void {
    this.runFingerprints = {};
  }

  afterNodeExecute(ctx: NodeResultContext): void {
    if (!ctx.success || ctx.deferred) return;
    const fingerprint = this.#registry.fingerprint(ctx.result, {
      node: ctx.node.name,
      ...(ctx.node.cache?.fingerprint !== undefined ? { mode: ctx.node.cache.fingerprint } : {}),
    });
    setNamed(this.runFingerprints, ctx.node.name, fingerprint);
  }
}
