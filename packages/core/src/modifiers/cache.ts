// cache: per-node cache settings — behaviour, a pinned code version, fingerprint mode, maximum age.
import type { CacheBehavior, NodeCacheOptions } from "../contracts.js";
import { ConfigurationError } from "../errors.js";
import { file } from "../files/file-input.js";
import { type AnyFunction, withSpec } from "../graph/node-spec.js";
import { describeArgument, isPlainObject } from "./shared.js";

const BEHAVIORS: readonly CacheBehavior[] = ["default", "recompute", "disable", "ignore"];
const KEYS = ["behavior", "version", "fingerprint", "maxAge", "files"];

/**
 * `cache({ behavior: "recompute" })(fn)`, `cache({ version: "2" })(fn)`,
 * `cache({ fingerprint: "index" })(fn)`, `cache({ maxAge: "7d" })(fn)`,
 * `cache({ files: ["rates.json"] })(fn)` (the content of files it reads is in its key). Settings given to
 * withCache({ recompute, disable, ignore }) for the same node take precedence over `behavior`.
 */
export function cache(options: NodeCacheOptions) {
  const checked = checkOptions(options);
  return <F extends AnyFunction>(fn: F): F => withSpec(fn, { cache: checked });
}

/** Milliseconds of a maxAge option: a number, or "500ms", "30s", "15m", "12h", "7d", "2w". */
export function maxAgeMs(maxAge: string | number): number {
  if (typeof maxAge === "number") return maxAge;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(maxAge.trim());
  if (!match) return Number.NaN;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as "ms"];
  return Number(match[1]) * unit;
}

function checkOptions(options: unknown): NodeCacheOptions {
  if (!isPlainObject(options)) {
    throw new ConfigurationError(
      `cache(options) needs an object like { behavior: "recompute" }, got ${describeArgument(options)}`,
    );
  }
  const unknownKeys = Object.keys(options).filter((k) => !KEYS.includes(k));
  if (unknownKeys.length > 0) {
    throw new ConfigurationError(
      `cache(options) has unknown option ${unknownKeys.map((k) => `"${k}"`).join(", ")}; use ${KEYS.join(", ")}`,
    );
  }
  const { behavior, version, fingerprint, maxAge, files } = options;
  if (behavior !== undefined && !BEHAVIORS.includes(behavior as CacheBehavior)) {
    throw new ConfigurationError(
      `cache({ behavior }) must be one of ${BEHAVIORS.join(", ")}, got ${describeArgument(behavior)}`,
    );
  }
  for (const [key, value] of [
    ["version", version],
    ["fingerprint", fingerprint],
  ] as const) {
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new ConfigurationError(`cache({ ${key} }) must be a non-empty string, got ${describeArgument(value)}`);
    }
  }
  if (maxAge !== undefined) {
    const ms = typeof maxAge === "number" || typeof maxAge === "string" ? maxAgeMs(maxAge) : Number.NaN;
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new ConfigurationError(
        `cache({ maxAge }) must be milliseconds ≥ 0 or a duration like "30s", "12h", "7d", got ${describeArgument(maxAge)}`,
      );
    }
  }
  if (files !== undefined && (!Array.isArray(files) || files.length === 0)) {
    throw new ConfigurationError(
      `cache({ files }) must be a non-empty array of paths, like ["data/rates.json"], got ${describeArgument(files)}`,
    );
  }
  return {
    ...(options as NodeCacheOptions),
    // file() checks each path (a bad one throws here, when the module loads) and turns URLs into paths.
    ...(files !== undefined ? { files: (files as unknown[]).map((entry) => file(entry as string).path) } : {}),
  };
}
