// The vitest wrappers: one describe block per suite, one nested block per group, one test per check.
import type { FingerprintRepository, ResultStore } from "@ham/core";
import { describe, it } from "vitest";
import { fingerprintRepositoryChecks } from "./fingerprint-repository-checks.js";
import { type FingerprinterFactory, fingerprinterChecks, runFingerprinterCheck } from "./fingerprinter-checks.js";
import { type Check, type Openable, type RunCheckOptions, runCheck } from "./harness.js";
import { resultStoreChecks } from "./result-store-checks.js";
import { repositorySigningChecks, resultSigningChecks } from "./signing-checks.js";
import {
  type FingerprinterGroup,
  type FingerprintRepositorySuiteOptions,
  type ResultStoreSuiteOptions,
  type StoreFactory,
  type SnapshotContext,
  type StoreSuiteOptions,
  fingerprinterGroups,
  fingerprintRepositoryGroups,
  resultStoreGroups,
  validateSkips,
} from "./options.js";

const DEFAULT_TIMEOUT = 60_000;

function printSkip(suite: string, what: string, reason: string): void {
  console.log(`[ham conformance] ${suite}: skipped ${what} — ${reason}`);
}

function checkFactory(suite: string, factory: unknown): void {
  if (typeof factory !== "function") {
    throw new TypeError(
      `[ham conformance] ${suite}: the factory must be a function ({ namespace }) => instance, got ${typeof factory}`,
    );
  }
}

function describeStoreSuite<T extends Openable, Group extends string>(
  suite: string,
  groups: readonly Group[],
  checks: readonly Check<T, Group>[],
  factory: StoreFactory<T>,
  options: StoreSuiteOptions<Group, T> & { damage?: RunCheckOptions<T>["damage"] },
): void {
  checkFactory(suite, factory);
  const skips = validateSkips(suite, groups, options.skip);
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const runOptions: RunCheckOptions<T> = {
    ...(options.cleanup ? { cleanup: options.cleanup } : {}),
    ...(options.snapshot ? { snapshot: options.snapshot as (ctx: SnapshotContext<T>) => unknown } : {}),
    ...(options.damage ? { damage: options.damage } : {}),
  };
  describeGroups(suite, groups, checks, skips, (c) =>
    it(c.name, { timeout }, async (ctx) => {
      const result = await runCheck(c as Check<T>, factory, runOptions);
      if (result.status === "skipped") {
        printSkip(suite, `"${c.name}"`, result.reason);
        ctx.skip(result.reason);
      }
    }),
  );
}

/** One describe per group ("basic" first); a group switched off is shown skipped with its reason. */
function describeGroups<Group extends string, C extends { readonly group: string; readonly name: string }>(
  suite: string,
  groups: readonly Group[],
  checks: readonly C[],
  skips: ReadonlyMap<Group, string>,
  defineCheck: (check: C) => void,
): void {
  describe(suite, () => {
    for (const group of ["basic", ...groups] as const) {
      const groupChecks = checks.filter((c) => c.group === group);
      const reason = skips.get(group as Group);
      if (reason !== undefined) {
        printSkip(suite, `group "${group}"`, reason);
        describe.skip(`${group} (skipped: ${reason})`, () => {
          for (const c of groupChecks) it(c.name, () => {});
        });
        continue;
      }
      describe(group, () => {
        for (const c of groupChecks) defineCheck(c);
      });
    }
  });
}

/**
 * Registers the ResultStore conformance suite with vitest.
 *
 * ```ts
 * describeResultStore("my store", ({ namespace }) => new MyResultStore({ prefix: namespace }));
 * ```
 *
 * @param name shown in the test report.
 * @param factory makes a new, not yet opened instance over the backing data named by
 *   `namespace`: the same namespace gives the same data (persistence is tested by closing one
 *   instance and making another), a new namespace gives empty data.
 * @param options `skip` switches groups off, each with a printed reason
 *   (`signing`, `batch`, `chunks`, `persistence`, `concurrency`, `sharedAccess`, `lifecycle`, `listing`,
 *   `largeValues`, `readOnly`, `integrity`); `cleanup` removes a namespace's data after each check; `snapshot`
 *   describes the backing data for the readOnly group (e.g. `folderSnapshot(dir)`); `damage`
 *   changes stored bytes behind the store's back for the integrity group; `timeout` per test in ms.
 *   Optional members the store lacks (getMany, setChunks, list, size, open, close) are skipped with a printed reason.
 */
export function describeResultStore(
  name: string,
  factory: StoreFactory<ResultStore>,
  options: ResultStoreSuiteOptions = {},
): void {
  describeStoreSuite(
    `ResultStore conformance: ${name}`,
    resultStoreGroups,
    [...resultStoreChecks, ...resultSigningChecks],
    factory,
    options,
  );
}

/**
 * Registers the FingerprintRepository conformance suite with vitest.
 *
 * ```ts
 * describeFingerprintRepository("my repo", ({ namespace }) => new MyRepository({ table: namespace }));
 * ```
 *
 * @param name shown in the test report.
 * @param factory as for `describeResultStore`: same namespace, same data; new namespace, empty.
 * @param options `skip` switches groups off, each with a printed reason
 *   (`signing`, `batch`, `runHistory`, `persistence`, `concurrency`, `sharedAccess`, `lifecycle`, `listing`,
 *   `readOnly`); `cleanup`, `snapshot` and `timeout` as for `describeResultStore`. Optional members the repository lacks
 *   (getMany, setMany, getEntry, delete, entries, run history, open, close) are skipped with a printed reason.
 */
export function describeFingerprintRepository(
  name: string,
  factory: StoreFactory<FingerprintRepository>,
  options: FingerprintRepositorySuiteOptions = {},
): void {
  describeStoreSuite(
    `FingerprintRepository conformance: ${name}`,
    fingerprintRepositoryGroups,
    [...fingerprintRepositoryChecks, ...repositorySigningChecks],
    factory,
    options,
  );
}

/** Options of `describeFingerprinter`. */
export interface FingerprinterSuiteOptions {
  /** Groups switched off (`distinctness`, `accepts`, `registry`), each with the reason printed in the report. */
  readonly skip?: Partial<Record<FingerprinterGroup, string>>;
  /** Per-test timeout in milliseconds (default 60 000). */
  readonly timeout?: number;
}

/**
 * Registers the Fingerprinter conformance suite with vitest.
 *
 * ```ts
 * describeFingerprinter("tables", () => ({
 *   fingerprinter: new TableFingerprinter(),
 *   samples: { equalPairs: [[table(), table()]], distinct: [tableA, tableB], rejected: [1, "x"] },
 * }));
 * ```
 */
export function describeFingerprinter(
  name: string,
  factory: FingerprinterFactory,
  options: FingerprinterSuiteOptions = {},
): void {
  const suite = `Fingerprinter conformance: ${name}`;
  checkFactory(suite, factory);
  const skips = validateSkips(suite, fingerprinterGroups, options.skip);
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  describeGroups(suite, fingerprinterGroups, fingerprinterChecks, skips, (c) =>
    it(c.name, { timeout }, () => runFingerprinterCheck(c, factory)),
  );
}
