// The cache's stores and encodings as executors see them (the ExecutorCache contract).
import type { CacheRunView, ExecutorCache, FingerprintRepository, ResultStore } from "../contracts.js";
import type { ResultCodec } from "../codec/index.js";
import type { FingerprinterRegistry } from "../fingerprint/index.js";
import { named } from "../graph/names.js";

/** What an ExecutorCache is made from (a SmartCache has all of it). */
export interface ExecutorCacheSource {
  readonly resultStore: ResultStore;
  readonly fingerprintStore: FingerprintRepository;
  readonly codeVersions: Readonly<Record<string, string>>;
  readonly fingerprinter: FingerprinterRegistry;
  readonly codec: ResultCodec;
  open(): Promise<void>;
  run(runId: string): CacheRunView | undefined;
}

/** The cache's public parts, as the ExecutorCache contract names them. */
export function executorCacheOf(cache: ExecutorCacheSource): ExecutorCache {
  return {
    resultStore: cache.resultStore,
    fingerprintStore: cache.fingerprintStore,
    open: () => cache.open(),
    // Each run sees its own fingerprints, also while another run of the same driver goes.
    fingerprintOf: (runId, name) => {
      const run = cache.run(runId);
      return run === undefined ? undefined : named(run.fingerprints, name);
    },
    codeVersion: (node) => named(cache.codeVersions, node),
    fingerprint: (value, node) => cache.fingerprinter.fingerprint(value, { node }),
    encode: (value, fingerprint) => cache.codec.encode(value, undefined, fingerprint),
    decode: (bytes, fingerprint) => cache.codec.decode(bytes, fingerprint),
    builtInsOnly: cache.fingerprinter.fingerprinters.length === 0 && cache.codec.builtInOnly,
  };
}
