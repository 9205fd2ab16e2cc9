// The logger option: console, pino/winston-like objects, levels, HAM_DEBUG per-node decisions.
import { describe, expect, it } from "vitest";
import { Builder, MemoryFingerprintRepository, MemoryResultStore } from "../index.js";
import { resolveLogger } from "./logger.js";

/** A logger in pino's shape: a `level` property and methods that take (obj?, msg). */
function pinoLike(level: string) {
  const lines: [string, unknown][] = [];
  const at = (name: string) => (objOrMsg: unknown, msg?: string) => lines.push([name, msg ?? objOrMsg]);
  return {
    level,
    lines,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
  };
}

const flow = { A: () => 7, B: (A: number) => A * 2 };
const memory = () => ({ fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() });

describe("resolveLogger", () => {
  it("filters by logLevel and passes plain strings (pino's one-argument call)", () => {
    const sink = pinoLike("debug");
    const logger = resolveLogger({ logger: sink, logLevel: "warn", env: {} });
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(sink.lines).toEqual([
      ["warn", "w"],
      ["error", "e"],
    ]);
  });

  it("follows the logger's own level when no logLevel is given (pino, winston)", () => {
    const sink = pinoLike("info");
    const logger = resolveLogger({ logger: sink, env: {} });
    expect(logger.level).toBe("info");
    expect(logger.enabled("debug")).toBe(false);
    expect(resolveLogger({ logger: pinoLike("silly"), env: {} }).level).toBe("debug");
  });

  it("HAM_DEBUG=1 turns debug on; HAM_LOG_LEVEL names a level", () => {
    expect(resolveLogger({ logger: pinoLike("info"), env: { HAM_DEBUG: "1" } }).level).toBe("debug");
    expect(resolveLogger({ logger: pinoLike("info"), env: { HAM_DEBUG: "0" } }).level).toBe("info");
    expect(resolveLogger({ logger: pinoLike("info"), env: { HAM_LOG_LEVEL: "error" } }).level).toBe("error");
    // First match wins as the docs list it: HAM_DEBUG over the logLevel option, which beats HAM_LOG_LEVEL.
    expect(resolveLogger({ logger: pinoLike("info"), logLevel: "warn", env: { HAM_DEBUG: "1" } }).level).toBe("debug");
    expect(resolveLogger({ logger: pinoLike("info"), logLevel: "warn", env: { HAM_LOG_LEVEL: "debug" } }).level).toBe(
      "warn",
    );
  });

  it("the default logger writes warnings only; console works as given", () => {
    expect(resolveLogger({ env: {} }).level).toBe("warn");
    const logger = resolveLogger({ logger: console, env: {} });
    expect(logger.level).toBe("info");
    expect(logger.enabled("info")).toBe(true);
  });

  it("a logger lacking a level method falls back to the nearest one for warnings", () => {
    const seen: string[] = [];
    resolveLogger({ logger: { error: (m: string) => seen.push(m) }, env: {} }).warn("careful");
    expect(seen).toEqual(["careful"]);
  });

  it("rejects something that is not a logger, saying what to pass", () => {
    expect(() => resolveLogger({ logger: 42 as never })).toThrow(/pass console|takes console/);
    expect(() => resolveLogger({ logger: console, logLevel: "loud" as never })).toThrow(/logLevel must be one of/);
    expect(() => resolveLogger({ logger: console, logLevel: "toString" as never })).toThrow(/logLevel must be one of/);
  });

  it("takes an object with no methods as a silent logger", () => {
    const logger = resolveLogger({ logger: {} });
    expect(() => logger.warn("dropped")).not.toThrow();
    expect(logger.enabled("warn")).toBe(false);
  });
});

describe("per-node cache decisions at debug level", () => {
  it("one line per node: name, outcome, context key prefix and reason", async () => {
    const sink = pinoLike("debug");
    const stores = memory();
    const build = () =>
      new Builder()
        .withModules(flow)
        .withCache({ ...stores, logger: sink, logLevel: "debug" })
        .withProgress(false)
        .build();
    await (await build()).execute(["B"]);
    sink.lines.length = 0;
    await (await build()).execute(["B"]);
    const debug = sink.lines.filter(([level]) => level === "debug").map(([, text]) => String(text));
    expect(debug).toHaveLength(2);
    expect(debug[0]).toMatch(
      /^\[ham\] debug node "A": hit · key f3\.\S+… · same code version and input fingerprints as a stored result · \d/,
    );
    expect(debug[1]).toMatch(/^\[ham\] debug node "B": hit/);
  });

  it("at the default level no debug line is built or written", async () => {
    const sink = pinoLike("info");
    await (
      await new Builder()
        .withModules(flow)
        .withCache({ ...memory(), logger: sink })
        .withProgress(false)
        .build()
    ).execute(["B"]);
    expect(sink.lines.map(([level]) => level)).toEqual(["info"]);
  });
});
