// The fingerprinter registry (custom fingerprinters first, then the default recursive one), the
// default fingerprinter as a `Fingerprinter`, and the one-call `fingerprintValue` convenience.
import type { Fingerprint, FingerprintContext, Fingerprinter } from "../contracts.js";
import { ConfigurationError } from "../errors.js";
import { Encoder, type EncoderOwner, type Unfingerprintable } from "./encoder.js";

/** Options of `FingerprinterRegistry`. */
export interface FingerprinterRegistryOptions {
  /** Custom fingerprinters, asked in order before the default one, for every nested value too. */
  fingerprinters?: readonly Fingerprinter[];
  /** Containers nested deeper than this make the value unfingerprintable (default 64). */
  maxDepth?: number;
  /** Receives warnings (unfingerprintable values, custom fingerprinters' `ctx.warn`). Default: console.warn. */
  warn?: (message: string) => void;
}

/** Per-call options of `FingerprinterRegistry.fingerprint`. */
export interface FingerprintOptions {
  /** The node whose value this is: named in warnings and errors, handed to fingerprinters as `ctx.node`. */
  node?: string | undefined;
  /** The node's fingerprint mode (e.g. "index"), handed to fingerprinters as `ctx.mode`. */
  mode?: string | undefined;
}

export const DEFAULT_MAX_DEPTH = 64;
// Each nesting level costs a few stack frames; far above this a deep value would overflow the
// stack before it reached the limit.
const MAX_MAX_DEPTH = 2000;

/**
 * Fingerprints values: custom fingerprinters first (the first whose `accepts` says yes), then the
 * default recursive fingerprinter. A custom fingerprinter's output is namespaced by its name.
 */
export class FingerprinterRegistry implements EncoderOwner {
  readonly fingerprinters: readonly Fingerprinter[];
  readonly maxDepth: number;
  private readonly warnSink: (message: string) => void;
  private readonly warned = new Set<string>();
  private encoder: Encoder | undefined;
  private busy = false;

  constructor(options: FingerprinterRegistryOptions = {}) {
    const { fingerprinters = [], maxDepth = DEFAULT_MAX_DEPTH, warn } = options;
    if (!Array.isArray(fingerprinters)) {
      throw new ConfigurationError(
        "FingerprinterRegistry option `fingerprinters` must be an array of Fingerprinter objects",
      );
    }
    const names = new Set<string>();
    fingerprinters.forEach((fingerprinter: unknown, index) => {
      const candidate = fingerprinter as Partial<Fingerprinter> | null;
      if (
        typeof candidate !== "object" ||
        candidate === null ||
        typeof candidate.name !== "string" ||
        candidate.name === "" ||
        typeof candidate.accepts !== "function" ||
        typeof candidate.fingerprint !== "function"
      ) {
        throw new ConfigurationError(
          `fingerprinters[${index}] is not a Fingerprinter: it needs a non-empty string \`name\`, an \`accepts(value)\` function and a \`fingerprint(value, ctx)\` function`,
        );
      }
      if (names.has(candidate.name)) {
        throw new ConfigurationError(
          `two fingerprinters are named "${candidate.name}": names namespace their fingerprints, so each must be unique — rename one`,
        );
      }
      names.add(candidate.name);
    });
    if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_MAX_DEPTH) {
      throw new ConfigurationError(
        `FingerprinterRegistry option \`maxDepth\` must be an integer from 1 to ${MAX_MAX_DEPTH}, got ${String(maxDepth)}`,
      );
    }
    if (warn !== undefined && typeof warn !== "function") {
      throw new ConfigurationError("FingerprinterRegistry option `warn` must be a function (message: string) => void");
    }
    this.fingerprinters = [...fingerprinters];
    this.maxDepth = maxDepth;
    this.warnSink = warn ?? ((message) => console.warn(message));
  }

  /**
   * The fingerprint of `value` (22 url-safe base64 characters). A value that cannot be
   * fingerprinted gets a unique one-time fingerprint and one warning per node.
   * Throws FingerprintError when a custom fingerprinter fails.
   */
  fingerprint(value: unknown, options: FingerprintOptions = {}): Fingerprint {
    return this.withEncoder((encoder) => encoder.fingerprintRoot(value, options.node, options.mode));
  }

  /**
   * @internal The fingerprint `fingerprint` gives a value without a part any custom fingerprinter
   * accepts (without warnings; a value it cannot fingerprint gets a unique one), or undefined when
   * such a part is met, before its fingerprinter runs: for checking a value again cheaply.
   */
  plainFingerprint(value: unknown, options: FingerprintOptions = {}): Fingerprint | undefined {
    return this.withEncoder((encoder) => encoder.plainFingerprint(value, options.node, options.mode));
  }

  private withEncoder<T>(use: (encoder: Encoder) => T): T {
    // Re-entered from a custom fingerprinter that called the registry instead of ctx.fingerprint:
    // use a private encoder so the outer value's buffer is left alone.
    if (this.busy) return use(new Encoder(this));
    const encoder = (this.encoder ??= new Encoder(this));
    this.busy = true;
    try {
      return use(encoder);
    } finally {
      this.busy = false;
    }
  }

  /** @internal Warns once per node (or, without a node, once per kind of value). */
  reportUnfingerprintable(node: string | undefined, problem: Unfingerprintable): void {
    const key = node === undefined ? `value:${problem.what}` : `node:${node}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    const subject = node === undefined ? "a value" : `node "${node}"`;
    const consequence =
      node === undefined
        ? "it gets a unique fingerprint, so it never matches a cached entry"
        : `it gets a unique fingerprint, so "${node}" never hits the cache and the nodes downstream of it recompute on every run`;
    this.warn(
      `[ham] cannot fingerprint ${subject}: it holds ${problem.what} at ${problem.path}; ${consequence}. Return plain data, or register a Fingerprinter for this type (withCache({ fingerprinters: [...] }))`,
    );
  }

  /** @internal */
  warn(message: string): void {
    this.warnSink(message);
  }
}

/**
 * The default recursive fingerprinter: type-tagged, in the order JavaScript iterates objects, Maps
 * and Sets, sharing-aware, bulk hashing for byte payloads (docs/fingerprint-spec.md). Accepts every
 * value. Called by a custom fingerprinter with its `ctx`, nested values still go through the
 * registry's custom fingerprinters, and a class instance handed over this way is fingerprinted by
 * its class name and own fields (the custom fingerprinter vouches that they hold its whole state).
 */
export const defaultFingerprinter: Fingerprinter = {
  name: "default",
  accepts: () => true,
  fingerprint(value: unknown, ctx: FingerprintContext): Fingerprint {
    if (ctx instanceof Encoder) return ctx.subFingerprint(value, true);
    // A context from elsewhere: the default rules alone (the value vouched for all the same),
    // warnings to that context.
    const registry = new FingerprinterRegistry({ warn: (message) => ctx.warn(message) });
    return new Encoder(registry).fingerprintRoot(value, ctx.node, ctx.mode, true);
  },
};

/** Options of `fingerprintValue`. */
export interface FingerprintValueOptions extends FingerprintOptions {
  /** See FingerprinterRegistryOptions.maxDepth. */
  maxDepth?: number;
  /** See FingerprinterRegistryOptions.warn. */
  warn?: (message: string) => void;
}

let sharedRegistry: FingerprinterRegistry | undefined;

/** The default fingerprint of `value` (no custom fingerprinters). Needs `await hashingReady()` first. */
export function fingerprintValue(value: unknown, options: FingerprintValueOptions = {}): Fingerprint {
  const { node, mode, maxDepth, warn } = options;
  if (maxDepth !== undefined || warn !== undefined) {
    const registry = new FingerprinterRegistry({
      ...(maxDepth === undefined ? {} : { maxDepth }),
      ...(warn === undefined ? {} : { warn }),
    });
    return registry.fingerprint(value, { node, mode });
  }
  sharedRegistry ??= new FingerprinterRegistry();
  return sharedRegistry.fingerprint(value, { node, mode });
}
