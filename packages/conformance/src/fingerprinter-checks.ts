// The Fingerprinter checks: determinism, equal copies, distinct samples, url-safe output, accepts().
import type { Fingerprinter, FingerprintContext } from "@ham/core";
import { FingerprinterRegistry, fingerprintValue, hashBytes, hashingReady } from "@ham/core/fingerprint";
import { check, checkEqual, describe, fail } from "./assertions.js";
import type { FingerprinterGroup } from "./options.js";

/** Sample values the suite fingerprints; the subject supplies them because only it knows its types. */
export interface FingerprinterSamples {
  /**
   * Pairs of distinct objects that are equal in content (structural copies, rebuilt tables…):
   * each pair must get the same fingerprint. Every value must be accepted.
   */
  readonly equalPairs: readonly (readonly [unknown, unknown])[];
  /** Values that differ in content: all must get different fingerprints. Every value must be accepted. */
  readonly distinct: readonly unknown[];
  /** Values the fingerprinter must not accept (e.g. plain numbers for a table fingerprinter). */
  readonly rejected?: readonly unknown[];
}

/** What a fingerprinter factory returns. */
export interface FingerprinterSubject {
  readonly fingerprinter: Fingerprinter;
  readonly samples: FingerprinterSamples;
  /** The fingerprint mode to pass in the context (`cache({ fingerprint })`), e.g. "index". */
  readonly mode?: string;
  /**
   * How nested values are fingerprinted (`ctx.fingerprint`). Default: this fingerprinter when it
   * accepts the value, else the core's default fingerprint (`fingerprintValue`).
   */
  readonly nestedFingerprint?: (value: unknown) => string;
}

/** Makes the subject; called once per check. */
export type FingerprinterFactory = () => FingerprinterSubject | Promise<FingerprinterSubject>;

/** One fingerprinter check. */
export interface FingerprinterCheck {
  readonly group: FingerprinterGroup | "basic";
  readonly name: string;
  run(subject: FingerprinterSubject, ctx: FingerprintContext & { readonly warnings: string[] }): Promise<void>;
}

const URL_SAFE = /^[A-Za-z0-9_-]+$/;

/** Builds the context the suite passes to `fingerprint` (awaits the core's bulk hasher). */
export async function makeFingerprintContext(
  subject: FingerprinterSubject,
): Promise<FingerprintContext & { readonly warnings: string[] }> {
  await hashingReady();
  const warnings: string[] = [];
  const ctx: FingerprintContext & { warnings: string[] } = {
    node: "conformance",
    mode: subject.mode,
    warnings,
    fingerprint(value) {
      if (subject.nestedFingerprint) return subject.nestedFingerprint(value);
      if (subject.fingerprinter.accepts(value)) return subject.fingerprinter.fingerprint(value, ctx);
      return fingerprintValue(value, { warn: (message) => warnings.push(message), mode: subject.mode });
    },
    hashBytes,
    warn(message) {
      warnings.push(message);
    },
  };
  return ctx;
}

function allSamples(subject: FingerprinterSubject): unknown[] {
  return [...subject.samples.equalPairs.flat(), ...subject.samples.distinct];
}

function fingerprintOf(subject: FingerprinterSubject, ctx: FingerprintContext, value: unknown, what: string): string {
  let fp: unknown;
  try {
    fp = subject.fingerprinter.fingerprint(value, ctx);
  } catch (error) {
    fail(`fingerprint(${what}) threw ${error instanceof Error ? `${error.name}: ${error.message}` : describe(error)}`);
  }
  check(typeof fp === "string", `fingerprint(${what}) should return a string, got ${describe(fp)}`);
  return fp;
}

/** Every Fingerprinter check, in the order the suite runs them. */
export const fingerprinterChecks: readonly FingerprinterCheck[] = [
  {
    group: "basic",
    name: "the subject supplies samples and a named fingerprinter",
    async run(subject) {
      const { fingerprinter, samples } = subject;
      check(
        typeof fingerprinter?.name === "string" && fingerprinter.name.length > 0,
        "the fingerprinter needs a non-empty name",
      );
      check(
        typeof fingerprinter.accepts === "function" && typeof fingerprinter.fingerprint === "function",
        "the fingerprinter needs accepts() and fingerprint()",
      );
      check(
        Array.isArray(samples?.equalPairs) && Array.isArray(samples.distinct),
        "samples need equalPairs and distinct arrays",
      );
      check(
        samples.equalPairs.length + samples.distinct.length > 0,
        "samples.equalPairs and samples.distinct are both empty: give the suite values to fingerprint",
      );
    },
  },
  {
    group: "basic",
    name: "fingerprints are non-empty url-safe strings",
    async run(subject, ctx) {
      for (const [i, value] of allSamples(subject).entries()) {
        const fp = fingerprintOf(subject, ctx, value, `sample ${i}`);
        check(
          fp.length > 0 && URL_SAFE.test(fp),
          `fingerprint(sample ${i}) should be non-empty url-safe base64 ([A-Za-z0-9_-]+), got ${describe(fp)}`,
        );
      }
    },
  },
  {
    group: "basic",
    name: "the same value fingerprinted twice gives the same string (no hidden state)",
    async run(subject, ctx) {
      const values = allSamples(subject);
      const first = values.map((v, i) => fingerprintOf(subject, ctx, v, `sample ${i}`));
      // Fingerprint in reverse order the second time: a result must not depend on what came before.
      const second = [...values]
        .reverse()
        .map((v, i) => fingerprintOf(subject, ctx, v, `sample ${values.length - 1 - i}`))
        .reverse();
      for (const i of first.keys()) checkEqual(second[i], first[i], `second fingerprint of sample ${i}`);
    },
  },
  {
    group: "basic",
    name: "equal structural copies give equal fingerprints",
    async run(subject, ctx) {
      for (const [i, [a, b]] of subject.samples.equalPairs.entries()) {
        checkEqual(
          fingerprintOf(subject, ctx, b, `equalPairs[${i}][1]`),
          fingerprintOf(subject, ctx, a, `equalPairs[${i}][0]`),
          `fingerprint of equalPairs[${i}][1] (should equal [0]'s)`,
        );
      }
    },
  },
  {
    group: "registry",
    name: "through the core's FingerprinterRegistry, equal pairs still match and distinct values still differ",
    async run(subject) {
      const warnings: string[] = [];
      const registry = new FingerprinterRegistry({
        fingerprinters: [subject.fingerprinter],
        warn: (m) => warnings.push(m),
      });
      const options = { node: "conformance", mode: subject.mode };
      for (const [i, [a, b]] of subject.samples.equalPairs.entries()) {
        checkEqual(
          registry.fingerprint(b, options),
          registry.fingerprint(a, options),
          `registry fingerprint of equalPairs[${i}][1] (should equal [0]'s)`,
        );
      }
      const seen = new Map<string, number>();
      for (const [i, value] of subject.samples.distinct.entries()) {
        const fp = registry.fingerprint(value, options);
        const earlier = seen.get(fp);
        check(
          earlier === undefined,
          `through the registry, distinct[${earlier}] and distinct[${i}] got the same fingerprint ${describe(fp)}`,
        );
        seen.set(fp, i);
      }
      check(warnings.length === 0, `fingerprinting the samples through the registry warned: ${warnings.join("; ")}`);
    },
  },
  {
    group: "distinctness",
    name: "distinct sample values give distinct fingerprints",
    async run(subject, ctx) {
      const seen = new Map<string, number>();
      for (const [i, value] of subject.samples.distinct.entries()) {
        const fp = fingerprintOf(subject, ctx, value, `distinct[${i}]`);
        const earlier = seen.get(fp);
        if (earlier !== undefined) {
          fail(
            `distinct[${earlier}] (${describe(subject.samples.distinct[earlier])}) and distinct[${i}] (${describe(value)}) got the same fingerprint ${describe(fp)}`,
          );
        }
        seen.set(fp, i);
      }
    },
  },
  {
    group: "accepts",
    name: "accepts() is a stable boolean: true for every sample, false for every rejected value",
    async run(subject) {
      const { fingerprinter } = subject;
      for (const [i, value] of allSamples(subject).entries()) {
        const first = fingerprinter.accepts(value);
        checkEqual(first, true, `accepts(sample ${i}: ${describe(value)})`);
        checkEqual(fingerprinter.accepts(value), first, `accepts(sample ${i}) asked again`);
      }
      for (const [i, value] of (subject.samples.rejected ?? []).entries()) {
        checkEqual(fingerprinter.accepts(value), false, `accepts(rejected[${i}]: ${describe(value)})`);
      }
    },
  },
];

/**
 * Runs one fingerprinter check directly (no vitest needed). Rejects with the assertion error when
 * the fingerprinter does not conform.
 */
export async function runFingerprinterCheck(check: FingerprinterCheck, factory: FingerprinterFactory): Promise<void> {
  const subject = await factory();
  await check.run(subject, await makeFingerprintContext(subject));
}
