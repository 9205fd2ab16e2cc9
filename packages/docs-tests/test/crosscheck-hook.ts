// Loaded by run-page.mjs when HAM_CROSSCHECK names a report file: every execute of a cached driver a docs page
// builds is also run fresh (same modules and config, no cache) and warm (a second driver on the same cache
// options), and each output set is compared with observablyEqual; one JSON line per comparison goes to the file.
// With HAM_CROSSCHECK_DEFER=1 the extra runs wait until the page's last block (`finish()`), for pages
// that count their nodes' calls right after an execute.
import { appendFileSync } from "node:fs";
import { Builder, type ExecuteOptions } from "@ham/core";
import { firstDifference } from "@ham/core/testing";

const report = process.env["HAM_CROSSCHECK"] as string;
const deferred: (() => Promise<void>)[] | undefined = process.env["HAM_CROSSCHECK_DEFER"] === "1" ? [] : undefined;

/** Runs the comparisons deferred until the page's blocks have all run. */
export async function finish(): Promise<void> {
  for (const comparison of deferred?.splice(0) ?? []) await comparison();
}

/** Builder methods that shape the graph or its code identity, replayed for the fresh and warm drivers. */
const REPLAYED = new Set(["withModules", "withModuleSource", "withConfig", "allowOverride", "withMaxConcurrency"]);

type Call = [method: string, args: unknown[]];
const calls = new WeakMap<object, Call[]>();
const ours = new WeakSet<object>();
type AnyMethod = (this: object, ...args: unknown[]) => unknown;
const proto = Builder.prototype as unknown as Record<string, AnyMethod>;

for (const method of Object.getOwnPropertyNames(Builder.prototype)) {
  if (method === "constructor" || method === "build" || typeof proto[method] !== "function") continue;
  const original = proto[method] as AnyMethod;
  proto[method] = function (this: object, ...args: unknown[]) {
    const list = calls.get(this) ?? [];
    list.push([method, args]);
    calls.set(this, list);
    return original.apply(this, args);
  };
}

const build = proto["build"] as (
  this: object,
) => Promise<{ execute: (outputs: readonly string[], options?: ExecuteOptions) => Promise<Record<string, unknown>> }>;
proto["build"] = async function (this: object) {
  const driver = await build.call(this);
  const history = calls.get(this) ?? [];
  const cacheCall = history.find(([method]) => method === "withCache");
  if (ours.has(this) || cacheCall === undefined) return driver;
  const execute = driver.execute.bind(driver);
  driver.execute = async (outputs, options) => {
    const result = await execute(outputs, options);
    const comparison = () => compare(history, cacheCall, outputs, options, result);
    if (deferred) deferred.push(comparison);
    else await comparison();
    return result;
  };
  return driver;
};

/** A builder made of the replayed calls of `history` (plus `extra` ones), never cross-checked itself. */
function replay(history: readonly Call[], extra: readonly Call[]): Builder {
  const builder = new Builder();
  ours.add(builder);
  for (const [method, args] of [...history.filter(([m]) => REPLAYED.has(m)), ...extra])
    (proto[method] as AnyMethod).apply(builder, args);
  return builder;
}

async function compare(
  history: readonly Call[],
  cacheCall: Call,
  outputs: readonly string[],
  options: ExecuteOptions | undefined,
  result: Record<string, unknown>,
): Promise<void> {
  let fresh: Record<string, unknown>;
  try {
    fresh = await (await replay(history, []).build()).execute(outputs, options);
  } catch (error) {
    // The page's run succeeded, so a fresh one failing is a difference too.
    appendFileSync(
      report,
      `${JSON.stringify({ outputs, kind: "fresh run", difference: `failed: ${String(error)}` })}\n`,
    );
    return;
  }
  const warmDriver = await replay(history, [cacheCall]).build();
  const warm = await warmDriver.execute(outputs, options);
  for (const [kind, value] of [
    ["page's run", result],
    ["warm run", warm],
  ] as const) {
    const difference = firstDifference(fresh, value);
    appendFileSync(
      report,
      `${JSON.stringify({ outputs, kind, ...(difference === undefined ? {} : { difference }) })}\n`,
    );
  }
}
