// Inputs no parameter shows (issue 16, case 9): module state written at top level, dynamic imports,
// factories in other files, defaults computed per call, side-effect imports. Each either moves the
// code version (change → miss) or is said at build time, never a silent stale hit.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { memoryCache, moduleFrom, recordingLogger, run } from "./test-helpers.js";

/** Runs v1 then v2 of a module over one cache; returns the second run. */
async function twice(
  v1: Record<string, string>,
  v2: Record<string, string>,
  outputs: string[],
  inputs: Record<string, unknown> = {},
) {
  const stores = memoryCache();
  const first = await run(stores, (await moduleFrom(v1)).module, outputs, inputs);
  const second = await run(stores, (await moduleFrom(v2)).module, outputs, inputs);
  return { first, second };
}

describe("top-level statements that write a module binding are part of its users' code version", () => {
  const reassigned = (k: number) => `let K = 1;\nK = ${k};\nexport const N = () => K * 2;\nexport const M = () => 3;\n`;

  it("`let K = 1; K = 5;`: changing the reassignment re-runs N (and only N)", async () => {
    const { first, second } = await twice({ "dataflow.mjs": reassigned(5) }, { "dataflow.mjs": reassigned(6) }, [
      "N",
      "M",
    ]);
    expect(first.result).toEqual({ N: 10, M: 3 });
    expect(second.result).toEqual({ N: 12, M: 3 });
    expect(second.outcomes).toEqual({ N: "computed", M: "hit" });
    expect(Object.keys(second.dr.cache.lastRun.N?.codeParts ?? {})).toContain(
      "top-level statements writing `K` in dataflow.mjs",
    );
  });

  it("the same module again is all hits", async () => {
    const { second } = await twice({ "dataflow.mjs": reassigned(5) }, { "dataflow.mjs": reassigned(5) }, ["N"]);
    expect(second.outcomes).toEqual({ N: "hit" });
  });

  it.each([
    ["CFG.rate = 5", "CFG.rate = 6"],
    ["Object.assign(CFG, { rate: 5 })", "Object.assign(CFG, { rate: 6 })"],
    ["CFG['rate'] = 5", "CFG['rate'] = 6"],
  ])("a mutation `%s` → `%s` re-runs the node that reads CFG through a helper", async (before, after) => {
    const flow = (write: string) =>
      `const CFG = { rate: 1 };\n${write};\nfunction rate() { return CFG.rate; }\nexport const N = () => rate() * 10;\n`;
    const { first, second } = await twice({ "dataflow.mjs": flow(before) }, { "dataflow.mjs": flow(after) }, ["N"]);
    expect(first.result).toEqual({ N: 50 });
    expect(second.result).toEqual({ N: 60 });
    expect(second.outcomes).toEqual({ N: "computed" });
  });

  it("a write from inside a function is warned about at build, naming the node, the binding, the writer and the fix", async () => {
    const { logger, warnings } = recordingLogger();
    const { module } = await moduleFrom({
      "dataflow.mjs": "let RATE = 1;\nexport function _setRate(r) { RATE = r; }\nexport const N = () => RATE * 10;\n",
    });
    await run(memoryCache(logger), module, ["N"]);
    const warning = warnings.filter((w) => w.includes('node "N" reads module state'));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toContain('`RATE` in dataflow.mjs is written by function "_setRate"');
    expect(warning[0]).toContain("Make the value an input or a config value, or pin cache({ version })");
  });

  it("a write by a function the node itself calls (a memo, a counter) is the node's own doing: no warning", async () => {
    const { logger, warnings } = recordingLogger();
    const { module } = await moduleFrom({
      "dataflow.mjs":
        "const memo = new Map();\nfunction square(x) { if (!memo.has(x)) memo.set(x, x * x); return memo.get(x); }\nexport const N = () => square(4);\n",
    });
    expect((await run(memoryCache(logger), module, ["N"])).result).toEqual({ N: 16 });
    expect(warnings).toEqual([]);
  });

  it.each([
    [
      "a counter through a helper",
      "let calls = {};\nconst tick = (n) => void (calls[n] = (calls[n] ?? 0) + 1);\nexport function _reset() { calls = {}; }\nexport const N = () => (tick('N'), 4);\n",
    ],
    [
      "a counter in the node",
      "const computations = { n: 0 };\nexport function _reset() { computations.n = 0; }\nexport const N = () => { computations.n++; return 4; };\n",
    ],
    [
      "a log pushed in a sequence",
      "let reads = [];\nexport function _reset() { reads = []; }\nexport const N = () => (reads.push('N'), 4);\n",
    ],
  ])(
    "state the node only writes back into itself (%s) is no input of it: no warning, and it hits",
    async (_what, source) => {
      const { logger, warnings } = recordingLogger();
      const { module } = await moduleFrom({ "dataflow.mjs": source });
      const cache = memoryCache(logger);
      expect((await run(cache, module, ["N"])).result).toEqual({ N: 4 });
      const again = await run(cache, module, ["N"]);
      expect(again.outcomes).toEqual({ N: "hit" });
      expect(warnings).toEqual([]);
    },
  );

  it("a counter the node also reads for its result is module state it reads: warned about", async () => {
    const { logger, warnings } = recordingLogger();
    const { module } = await moduleFrom({
      "dataflow.mjs":
        "let calls = 0;\nexport function _reset() { calls = 0; }\nexport const N = () => { calls++; return calls * 10; };\n",
    });
    await run(memoryCache(logger), module, ["N"]);
    expect(warnings.filter((w) => w.includes('node "N" reads module state') && w.includes("`calls`"))).toHaveLength(1);
  });
});

describe("state only its writers read", () => {
  it("a call counter reset from outside (a test's beforeEach) changes no result: no warning", async () => {
    const { logger, warnings } = recordingLogger();
    const { module } = await moduleFrom({
      "dataflow.mjs":
        'let calls = {};\nfunction tick(n) { calls[n] = (calls[n] ?? 0) + 1; }\nexport function _reset() { calls = {}; }\nexport const A = () => (tick("A"), 7);\n',
    });
    expect((await run(memoryCache(logger), module, ["A"])).result).toEqual({ A: 7 });
    expect(warnings).toEqual([]);
  });
});

describe("dynamic imports", () => {
  const flow = 'export const N = async () => (await import("./util.mjs")).triple(2);\n';

  it('`await import("./util.mjs")` is followed like a static import: a changed util re-runs the node', async () => {
    const { first, second } = await twice(
      { "dataflow.mjs": flow, "util.mjs": "export const triple = (x) => x * 3;\n" },
      { "dataflow.mjs": flow, "util.mjs": "export const triple = (x) => x * 3 + 1;\n" },
      ["N"],
    );
    expect(first.result).toEqual({ N: 6 });
    expect(second.result).toEqual({ N: 7 });
    expect(second.outcomes).toEqual({ N: "computed" });
    expect(Object.keys(second.dr.cache.lastRun.N?.codeParts ?? {})).toContain("dynamic import: module util.mjs");
    // The same files in another folder: all hits (vitest's rewritten specifier names a folder, the canonical form does not).
    const same = await twice(
      { "dataflow.mjs": flow, "util.mjs": "export const triple = (x) => x * 3;\n" },
      { "dataflow.mjs": flow, "util.mjs": "export const triple = (x) => x * 3;\n" },
      ["N"],
    );
    expect(same.second.outcomes).toEqual({ N: "hit" });
  });

  it("a computed specifier: one build-time warning, and the node recomputes on every run", async () => {
    const { logger, warnings } = recordingLogger();
    const stores = memoryCache(logger);
    const { module } = await moduleFrom({
      "dataflow.mjs":
        'const which = ["./util.mjs"][0];\nexport const N = async () => (await import(new URL(which, import.meta.url).href)).triple(2);\n',
      "util.mjs": "export const triple = (x) => x * 3;\n",
    });
    await run(stores, module, ["N"]);
    const second = await run(stores, module, ["N"]);
    expect(second.result).toEqual({ N: 6 });
    expect(second.outcomes).toEqual({ N: "recomputed" });
    expect(second.dr.cache.lastRun.N?.reason).toContain("imports a module whose name is computed at run time");
    expect(warnings.filter((w) => w.includes('node "N" depends on what no code version can show'))).toHaveLength(2); // one per build
  });
});

describe("a node made by a factory in another file", () => {
  const flow = 'import { make } from "./factory.mjs";\nexport const double = make(2);\n';

  it("the factory's source is part of the node's code version", async () => {
    const { first, second } = await twice(
      { "dataflow.mjs": flow, "factory.mjs": "export const make = (k) => (x) => x * k;\n" },
      { "dataflow.mjs": flow, "factory.mjs": "export const make = (k) => (x) => x * k + 1;\n" },
      ["double"],
      { x: 5 },
    );
    expect(first.result).toEqual({ double: 10 });
    expect(second.result).toEqual({ double: 11 });
    expect(second.outcomes).toEqual({ x: "input", double: "computed" });
  });

  it("and what the factory uses in its own file", async () => {
    const factory = (offset: number) =>
      `const OFFSET = ${offset};\nexport const make = (k) => (x) => x * k + OFFSET;\n`;
    const { second } = await twice(
      { "dataflow.mjs": flow, "factory.mjs": factory(0) },
      { "dataflow.mjs": flow, "factory.mjs": factory(3) },
      ["double"],
      { x: 5 },
    );
    expect(second.result).toEqual({ double: 13 });
    expect(second.outcomes.double).toBe("computed");
  });
});

describe("a default computed on every call", () => {
  const flow = 'export const N = (x, stamp = Date.now(), currency = "EUR") => `${x} ${currency} ${stamp > 0}`;\n';

  it("recomputes on every run where the parameter is not given, with one build-time warning", async () => {
    const { logger, warnings } = recordingLogger();
    const stores = memoryCache(logger);
    const { module } = await moduleFrom({ "dataflow.mjs": flow });
    await run(stores, module, ["N"], { x: 1 });
    const second = await run(stores, module, ["N"], { x: 1 });
    expect(second.result).toEqual({ N: "1 EUR true" });
    expect(second.outcomes.N).toBe("recomputed");
    const warning = warnings.filter((w) => w.includes('parameter "stamp"'));
    expect(warning).toHaveLength(2); // one per build
    expect(warning[0]).toContain('node "N": parameter "stamp" defaults to `Date.now()`');
    expect(warning[0]).toContain('Give "stamp" as an input or config value, or pin cache({ version })');
    // The literal default (currency = "EUR") is not warned about.
    expect(warnings.filter((w) => w.includes('"currency"'))).toEqual([]);
  });

  it("given as an input, the node is cached again", async () => {
    const stores = memoryCache();
    const { module } = await moduleFrom({ "dataflow.mjs": flow });
    await run(stores, module, ["N"], { x: 1, stamp: 5 });
    const second = await run(stores, module, ["N"], { x: 1, stamp: 5 });
    expect(second.outcomes.N).toBe("hit");
  });

  it("a literal or pure default stays cacheable", async () => {
    const stores = memoryCache();
    const { module } = await moduleFrom({
      "dataflow.mjs":
        'export const N = (x, currency = "EUR", on = true, cap = Math.max(2, 3)) => `${x}${currency}${on}${cap}`;\n',
    });
    await run(stores, module, ["N"], { x: 1 });
    expect((await run(stores, module, ["N"], { x: 1 })).outcomes.N).toBe("hit");
  });
});

describe("side-effect imports", () => {
  const flow = 'import "./register.mjs";\nexport const N = (x) => fmt(x);\n';

  it('`import "./register.mjs"` is part of the code version of the nodes that read what it installs', async () => {
    const { first, second } = await twice(
      { "dataflow.mjs": flow, "register.mjs": "globalThis.fmt = (x) => x.toFixed(1);\n" },
      { "dataflow.mjs": flow, "register.mjs": "globalThis.fmt = (x) => x.toFixed(2);\n" },
      ["N"],
      { x: 1 },
    );
    expect(first.result).toEqual({ N: "1.0" });
    expect(second.result).toEqual({ N: "1.00" });
    expect(second.outcomes.N).toBe("computed");
    expect(Object.keys(second.dr.cache.lastRun.N?.codeParts ?? {})).toContain(
      "side-effect import: module register.mjs",
    );
  });
});

describe("the runtime read by the node's own code", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("the clock, random numbers and the network: recomputed on every run, with one warning per build naming each", async () => {
    const { logger, warnings } = recordingLogger();
    const stores = memoryCache(logger);
    const { module } = await moduleFrom({
      "dataflow.mjs": [
        "export const stamp = () => Date.now();",
        "export const noise = () => Math.random();",
        "export const pure = (x) => x * 2;",
        "export const day = (x) => new Date(x).getUTCDate();",
        "",
      ].join("\n"),
    });
    await run(stores, module, ["stamp", "noise", "pure", "day"], { x: 5 });
    const second = await run(stores, module, ["stamp", "noise", "pure", "day"], { x: 5 });
    expect(second.outcomes).toEqual({ x: "input", stamp: "recomputed", noise: "recomputed", pure: "hit", day: "hit" });
    expect(second.dr.cache.lastRun.stamp?.reason).toContain("the clock (`Date.now()`)");
    const stamp = warnings.filter((w) => w.includes('node "stamp" reads what neither its inputs nor its code'));
    expect(stamp).toHaveLength(2); // one per build
    expect(stamp[0]).toContain(
      "Pass the value in as an input or config value (a file as file(path)), or pin cache({ version })",
    );
    expect(warnings.filter((w) => w.includes('node "noise"'))[0]).toContain("random numbers (`Math.random()`)");
    expect(warnings.filter((w) => /node "(pure|day)"/.test(w))).toEqual([]);
  });

  it("pinned with cache({ version }), such a node is cached, without the warning; an environment variable it names still keys it", async () => {
    const { logger, warnings } = recordingLogger();
    const stores = memoryCache(logger);
    const { module } = await moduleFrom({
      "dataflow.mjs": [
        'import { cache } from "@ham/core";',
        'export const stamp = cache({ version: "1" })(() => Date.now());',
        'export const region = cache({ version: "1" })(() => `${process.env.HAM_TEST_REGION}@${Date.now() > 0}`);',
        "",
      ].join("\n"),
    });
    vi.stubEnv("HAM_TEST_REGION", "eu");
    const first = await run(stores, module, ["stamp", "region"]);
    const second = await run(stores, module, ["stamp", "region"]);
    expect(second.outcomes).toEqual({ stamp: "hit", region: "hit" });
    expect(second.result).toEqual(first.result);
    vi.stubEnv("HAM_TEST_REGION", "us");
    const moved = await run(stores, module, ["stamp", "region"]);
    expect(moved.outcomes).toEqual({ stamp: "hit", region: "computed" });
    expect(moved.result.region).toBe("us@true");
    expect(warnings).toEqual([]);
  });

  it("an environment variable named literally is part of the key: a change re-runs the node, the same value hits", async () => {
    const stores = memoryCache();
    const { module } = await moduleFrom({
      "dataflow.mjs":
        "export const rate = () => Number(process.env.HAM_TEST_RATE ?? 1);\nexport const price = (rate) => rate * 100;\n",
    });
    vi.stubEnv("HAM_TEST_RATE", undefined);
    expect((await run(stores, module, ["price"])).result).toEqual({ price: 100 });
    vi.stubEnv("HAM_TEST_RATE", "2");
    const changed = await run(stores, module, ["price"]);
    expect(changed.result).toEqual({ price: 200 });
    expect(changed.outcomes).toEqual({ rate: "computed", price: "computed" });
    const again = await run(stores, module, ["price"]);
    expect(again.outcomes).toEqual({ rate: "hit", price: "hit" });
    vi.stubEnv("HAM_TEST_RATE", undefined);
    const unset = await run(stores, module, ["price"]);
    expect(unset.result).toEqual({ price: 100 });
    expect(unset.outcomes).toEqual({ rate: "hit", price: "hit" }); // the first run's entry
  });

  it("a file named literally through node:fs is part of the key: editing it re-runs the node, as file(path) would", async () => {
    const { dir } = await moduleFrom({ "sales.csv": "sku,qty\nA,1\n", "empty.mjs": "" }, "empty.mjs");
    const csv = join(dir, "sales.csv");
    const { module } = await moduleFrom({
      "dataflow.mjs": `import { readFileSync } from "node:fs";\nexport const rows = () => readFileSync(${JSON.stringify(csv)}, "utf8").trim().split("\\n").length - 1;\n`,
    });
    const { logger, warnings } = recordingLogger();
    const stores = memoryCache(logger);
    const firstRun = await run(stores, module, ["rows"]);
    expect(firstRun.result).toEqual({ rows: 1 });
    expect((await run(stores, module, ["rows"])).outcomes).toEqual({ rows: "hit" });
    appendFileSync(csv, "B,2\n");
    const edited = await run(stores, module, ["rows"]);
    expect(edited.result).toEqual({ rows: 2 });
    expect(edited.outcomes).toEqual({ rows: "computed" });
    expect(Object.keys(edited.dr.cache.lastRun.rows?.inputFingerprints ?? {})).toEqual([`file:${csv}`]);
    expect(warnings).toEqual([]);
  });

  it("a file named at run time (not a parameter) recomputes on every run, with the warning", async () => {
    const { logger, warnings } = recordingLogger();
    const stores = memoryCache(logger);
    const { module } = await moduleFrom({
      "dataflow.mjs":
        'import * as fs from "node:fs";\nexport const listing = () => fs.readdirSync(process.cwd() + "/.").length > 0;\n',
    });
    await run(stores, module, ["listing"]);
    expect((await run(stores, module, ["listing"])).outcomes).toEqual({ listing: "recomputed" });
    expect(
      warnings.some((w) => w.includes('node "listing"') && w.includes("a file named at run time (`readdirSync(…)`)")),
    ).toBe(true);
  });

  it("what helpers the node calls read counts as the node's own: the clock recomputes, an environment variable keys", async () => {
    const { logger, warnings } = recordingLogger();
    const stores = memoryCache(logger);
    const { module } = await moduleFrom({
      "util.mjs": "export function rate() { return Number(process.env.HAM_TEST_HELPER_RATE ?? 1); }\n",
      "dataflow.mjs": [
        'import { rate } from "./util.mjs";',
        "function today() { return new Date().toISOString().slice(0, 10); }",
        "const stamp = (x) => `${x} ${today()}`;",
        "export const stamped = (x) => stamp(x);",
        "export const price = (x) => x * rate();",
        "",
      ].join("\n"),
    });
    vi.stubEnv("HAM_TEST_HELPER_RATE", "3");
    await run(stores, module, ["stamped", "price"], { x: 2 });
    const warm = await run(stores, module, ["stamped", "price"], { x: 2 });
    expect(warm.outcomes).toMatchObject({ stamped: "recomputed", price: "hit" });
    expect(warm.result.price).toBe(6);
    expect(warnings.find((w) => w.includes('node "stamped"'))).toContain(
      "the clock (`new Date()`) through helper `today`",
    );
    vi.stubEnv("HAM_TEST_HELPER_RATE", "4");
    const changed = await run(stores, module, ["price"], { x: 2 });
    expect(changed.outcomes).toMatchObject({ price: "computed" });
    expect(changed.result.price).toBe(8);
  });

  it("a class the node uses counts too: a method or field initialiser reading the clock recomputes it", async () => {
    const { logger, warnings } = recordingLogger();
    const stores = memoryCache(logger);
    const { module } = await moduleFrom({
      "dataflow.mjs": [
        "class Stamp { at = Date.now(); label(x) { return `${x}`; } }",
        "class Plain { label(x) { return `${x}!`; } }",
        "export const stamped = (x) => new Stamp().label(x);",
        "export const plain = (x) => new Plain().label(x);",
        "",
      ].join("\n"),
    });
    await run(stores, module, ["stamped", "plain"], { x: 1 });
    const warm = await run(stores, module, ["stamped", "plain"], { x: 1 });
    expect(warm.outcomes).toMatchObject({ stamped: "recomputed", plain: "hit" });
    expect(warnings.find((w) => w.includes('node "stamped"'))).toContain(
      "the clock (`Date.now()`) through class `Stamp`",
    );
  });
});
