// The seed document, cell by cell, in ham: fingerprinting, caching, reading the stores by hand, hits, a code change.
import { Builder, FingerprintingAdapter, encodeDict, type NodeRunRecord } from "@ham/core";
import { dataframeCaching } from "@ham/fingerprint-dataframe";
import * as primitives from "./primitives.js";

const ALL = ["A", "B", "C", "D", "E", "F", "G"] as const;

export interface WalkthroughOptions {
  /** The cache folder (the embedded on-disk stores). */
  path: string;
  /** Where the walkthrough prints. */
  print?: (line: string) => void;
}

/** What each step produced, for tests and for the printed walkthrough. */
export interface WalkthroughReport {
  fingerprints: Record<string, string>;
  firstRun: Record<string, NodeRunRecord["outcome"]>;
  storedF: unknown;
  rebuiltFingerprintMatches: boolean;
  secondRun: Record<string, NodeRunRecord["outcome"]>;
  afterCodeChange: Record<string, NodeRunRecord["outcome"]>;
  explainE: string;
  results: Record<string, unknown>;
}

export async function runWalkthrough({ path, print = console.log }: WalkthroughOptions): Promise<WalkthroughReport> {
  const logger = { info: (m: string) => print(`    ${m}`), warn: (m: string) => print(`    ${m}`) };
  const caching = { path, logger, ...dataframeCaching() };

  print("# Fingerprinting — FingerprintingAdapter records a fingerprint per node");
  const fingerprintAdapter = new FingerprintingAdapter({ ...dataframeCaching() });
  const plain = await new Builder().withModules(primitives).withAdapters(fingerprintAdapter).build();
  await plain.execute<(typeof ALL)[number]>([...ALL]);
  printRecord(print, fingerprintAdapter.runFingerprints);

  print("\n# Caching — withCache() installs a SmartCache with the on-disk stores in " + path);
  const dr = await new Builder().withModules(primitives).withCache(caching).build();
  const results = await dr.execute<(typeof ALL)[number]>([...ALL]);
  print(
    `results: A=${results.A} B=${results.B} C=${results.C} D=${results.D} E=${results.E} F=${JSON.stringify(results.F)} G=${results.G.numRows} rows`,
  );
  const firstRun = outcomes(dr.cache.lastRun);
  print(`outcomes: ${JSON.stringify(firstRun)}`);
  print(said(firstRun, "the cache was empty", "an earlier run of this walkthrough stored them"));

  print("\n# Reading F's result from the result store by its fingerprint");
  const cache = dr.cache;
  const fingerprint = cache.runFingerprints.F as string;
  const bytes = await cache.resultStore.get(fingerprint);
  const storedF = bytes === undefined ? undefined : cache.codec.decode(bytes);
  print(`resultStore.get(${fingerprint}) → ${bytes?.byteLength} bytes → ${JSON.stringify(storedF)}`);

  print("\n# Rebuilding F's execution context key by hand");
  const codeVersion = cache.codeVersions.F as string;
  print(`codeVersion=${codeVersion}`);
  const inputsFingerprints = { E: cache.runFingerprints.E as string };
  print(`inputsFingerprints=${JSON.stringify(inputsFingerprints)}`);
  const inputsEncoded = encodeDict(inputsFingerprints);
  print(`inputsEncoded=${inputsEncoded}`);
  const context = { [codeVersion]: inputsEncoded };
  const contextEncoded = encodeDict(context);
  print(`contextEncoded=${contextEncoded}`);
  const retrieved = await cache.fingerprintStore.get(contextEncoded);
  const rebuiltFingerprintMatches = retrieved === fingerprint;
  print(`fingerprintStore.get(contextEncoded) = ${retrieved}  matches runFingerprints.F: ${rebuiltFingerprintMatches}`);

  print("\n# The same nodes again, in the same process");
  await dr.execute<(typeof ALL)[number]>([...ALL]);
  const secondRun = outcomes(dr.cache.lastRun);
  print(`outcomes: ${JSON.stringify(secondRun)}`);
  print(said(secondRun, "nothing was stored", "the run above stored them"));

  print("\n# E's code changes, its value does not");
  const changed = { ...primitives, E: async (C: boolean) => ["hello", "world"].join("-") };
  const dr2 = await new Builder().withModules(changed).withCache(caching).build();
  await dr2.execute(["F"]);
  const afterCodeChange = outcomes(dr2.cache.lastRun);
  print(`outcomes: ${JSON.stringify(afterCodeChange)}`);
  print(
    afterCodeChange.E === "hit"
      ? "→ E is a hit: an earlier run of this walkthrough already computed this version of E (delete the cache folder to see it recompute)"
      : `→ E ${afterCodeChange.E}: its code version is new to the cache; F is ${afterCodeChange.F === "hit" ? "still a hit because E's value did not change" : afterCodeChange.F}`,
  );
  const explainE = String(await dr2.cache.explain("E"));
  print(`explain: ${explainE}`);
  print(`explain: ${String(await dr2.cache.explain("F"))}`);
  await dr.close();
  await dr2.close();
  return {
    fingerprints: fingerprintAdapter.runFingerprints,
    firstRun,
    storedF,
    rebuiltFingerprintMatches,
    secondRun,
    afterCodeChange,
    explainE,
    results,
  };
}

function outcomes(lastRun: Record<string, NodeRunRecord>): Record<string, NodeRunRecord["outcome"]> {
  return Object.fromEntries(Object.values(lastRun).map((r) => [r.node, r.outcome]));
}

/** "→ every node computed: …", "→ every node from the cache: …", or the nodes of each outcome — what the outcomes show, on any run. */
function said(run: Record<string, NodeRunRecord["outcome"]>, whyComputed: string, whyHit: string): string {
  const nodes = Object.entries(run).filter(([, outcome]) => outcome !== "input" && outcome !== "override");
  if (nodes.every(([, outcome]) => outcome === "computed")) return `→ every node computed: ${whyComputed}`;
  if (nodes.every(([, outcome]) => outcome === "hit")) return `→ every node read from the cache: ${whyHit}`;
  const by = new Map<string, string[]>();
  for (const [node, outcome] of nodes) by.set(outcome, [...(by.get(outcome) ?? []), node]);
  return `→ ${[...by].map(([outcome, names]) => `${outcome}: ${names.join(", ")}`).join("; ")}`;
}

function printRecord(print: (line: string) => void, record: Record<string, string>): void {
  for (const [key, value] of Object.entries(record)) print(`  ${key}: ${value}`);
}
