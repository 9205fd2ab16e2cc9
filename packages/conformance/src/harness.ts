// Runs one conformance check as a plain async function: opens instances, closes them, cleans up.
// The vitest wrappers call this; tests (and curious authors) can call it directly on any store.
import type { StoreOpenOptions } from "@ham/core/stores";
import { type ConformanceContext, type SnapshotContext, type StoreFactory, freshNamespace } from "./options.js";

/** Anything with the optional open/close pair of the store contracts. */
export interface Openable {
  readonly name: string;
  open?(options?: StoreOpenOptions): Promise<void>;
  close?(): Promise<void>;
}

/** Thrown by `Harness.skip`: the check does not apply to this implementation. */
export class CheckSkipped extends Error {
  override name = "CheckSkipped";
  constructor(readonly reason: string) {
    super(`skipped: ${reason}`);
  }
}

/** What a check gets to work with. */
export interface Harness<T> {
  /** The check's own namespace, fresh for every check. */
  readonly namespace: string;
  /** A new instance over `namespace` (default: the check's own), already opened. Closed after the check. */
  instance(namespace?: string): Promise<T>;
  /** Closes an instance now (the suite closes the rest after the check). */
  close(instance: T): Promise<void>;
  /** Opens an instance (again, e.g. after `close`) with `options`; it is closed after the check. */
  reopen(instance: T, options?: StoreOpenOptions): Promise<void>;
  /** The author's description of the namespace's backing data as JSON, or undefined without a snapshot hook. */
  snapshot(instance: T, namespace?: string): Promise<string | undefined>;
  /** The author's damage hook (bytes changed behind the store's back), if given. */
  readonly damage: ((instance: T, key: string) => Promise<void>) | undefined;
  /** Another fresh namespace (cleaned up after the check too). */
  newNamespace(): string;
  /** Ends the check as skipped, with a reason that gets printed. */
  skip(reason: string): never;
}

/**
 * A new instance (as `h.instance` makes it) that has the optional method `member`; without it the
 * check ends as skipped, with the reason printed: "the <what> has no <member>() (optional member)".
 */
export async function instanceWith<T, K extends keyof T & string>(
  h: Harness<T>,
  member: K,
  what: "store" | "repository",
  namespace?: string,
): Promise<T & Required<Pick<T, K>>> {
  const instance = await h.instance(namespace);
  if (typeof instance[member] !== "function") return h.skip(`the ${what} has no ${member}() (optional member)`);
  return instance as T & Required<Pick<T, K>>;
}

/** One conformance check. */
export interface Check<T, Group extends string = string> {
  /** The group it belongs to; "basic" checks cannot be switched off. */
  readonly group: Group | "basic";
  /** What it proves, as a sentence. */
  readonly name: string;
  run(harness: Harness<T>): Promise<void>;
}

/** How a check ended when it did not fail (failures throw). */
export type CheckResult = { readonly status: "passed" } | { readonly status: "skipped"; readonly reason: string };

/** Options for `runCheck`. */
export interface RunCheckOptions<T = never> {
  readonly cleanup?: (ctx: ConformanceContext) => void | Promise<void>;
  /** See StoreSuiteOptions.snapshot. */
  readonly snapshot?: (ctx: SnapshotContext<T>) => unknown;
  /** See ResultStoreSuiteOptions.damage. */
  readonly damage?: (ctx: SnapshotContext<T> & { readonly key: string }) => void | Promise<void>;
}

/**
 * Runs `check` against instances made by `factory`. Resolves with passed or skipped; rejects
 * with the assertion error when the implementation does not conform.
 */
export async function runCheck<T extends Openable>(
  check: Check<T>,
  factory: StoreFactory<T>,
  options: RunCheckOptions<T> = {},
): Promise<CheckResult> {
  const namespace = freshNamespace();
  const namespaces = new Set<string>([namespace]);
  const open = new Set<T>();
  const harness: Harness<T> = {
    namespace,
    async instance(ns = namespace) {
      namespaces.add(ns);
      const made = await factory({ namespace: ns });
      if (made === null || typeof made !== "object") {
        throw new TypeError(`[ham conformance] the factory returned ${String(made)} instead of an instance`);
      }
      open.add(made);
      await made.open?.();
      return made;
    },
    async close(instance) {
      open.delete(instance);
      await instance.close?.();
    },
    async reopen(instance, openOptions) {
      open.add(instance);
      await instance.open?.(openOptions);
    },
    async snapshot(instance, ns = namespace) {
      if (options.snapshot === undefined) return undefined;
      const described = await options.snapshot({ namespace: ns, instance });
      return JSON.stringify(described, (_key, value: unknown) => (typeof value === "bigint" ? `${value}n` : value));
    },
    damage: options.damage && ((instance, key) => Promise.resolve(options.damage!({ namespace, instance, key }))),
    newNamespace() {
      const ns = freshNamespace();
      namespaces.add(ns);
      return ns;
    },
    skip(reason) {
      throw new CheckSkipped(reason);
    },
  };
  let result: CheckResult;
  try {
    await check.run(harness);
    result = { status: "passed" };
  } catch (error) {
    if (!(error instanceof CheckSkipped)) throw error;
    result = { status: "skipped", reason: error.reason };
  } finally {
    // Close what the check left open; a close failure here must not hide the check's own failure.
    await Promise.allSettled([...open].map((instance) => instance.close?.()));
    if (options.cleanup) {
      for (const ns of namespaces) await options.cleanup({ namespace: ns });
    }
  }
  return result;
}
