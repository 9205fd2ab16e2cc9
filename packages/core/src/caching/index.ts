// The caching layer as the builder sees it: the cache withCache() installs, made from its options.
import type { CacheOptions } from "./options.js";
import { SmartCache } from "./smart-cache.js";

export type { CacheOptions } from "./options.js";
export type { SmartCache } from "./smart-cache.js";

/** The cache `withCache(options)` installs (a GraphCache the driver runs with). */
export function createCache<N extends Record<string, unknown>>(options: CacheOptions): SmartCache<N> {
  return new SmartCache<N>(options);
}
