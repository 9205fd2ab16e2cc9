// Code identity end to end: helpers, constants, imported files, packages and closures decide which
// cached nodes run again. Modules are real files in temp folders, imported fresh for each version.
import { execFile } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { Builder } from "../driver/builder.js";
import { cache } from "../modifiers/cache.js";
import { parameterize, value } from "../modifiers/parameterize.js";
import { memoryCache, moduleFrom, recordingLogger, root, run } from "./test-helpers.js";

const dataflow = (normalize: string, rate: string) => `
const RATE = ${rate};
function scale(x) { return x * RATE; }
function normalize(x) { ${normalize} }
export const A = () => 10;
export const B = (A) => normalize(A);
export const C = (A) => scale(A);
export const D = (A) => A + 1;
`;

describe("helpers and constants in the node's module", () => {
  it("a changed helper invalidates exactly the nodes that use it, and explain names it", async () => {
    const stores = memoryCache();
    const v1 = await moduleFrom({ "dataflow.mjs": dataflow("return x / 10;", "2") });
    expect((await run(stores, v1.module, ["B", "C", "D"])).result).toEqual({ B: 1, C: 20, D: 11 });
    const v2 = await moduleFrom({ "dataflow.mjs": dataflow("return x / 5;", "2") });
    const second = await run(stores, v2.module, ["B", "C", "D"]);
    expect(second.result).toEqual({ B: 2, C: 20, D: 11 });
    expect(second.outcomes).toEqual({ A: "hit", B: "computed", C: "hit", D: "hit" });
    const why = await second.dr.cache.explain("B");
    expect(why.changedCode).toEqual(["helper `normalize` in dataflow.mjs"]);
    expect(why.reason).toContain("code version changed: helper `normalize` in dataflow.mjs");
  });

  it("reformatting or re-commenting a helper invalidates nothing", async () => {
    const stores = memoryCache();
    const v1 = await moduleFrom({ "dataflow.mjs": dataflow("return x / 10;", "2") });
    await run(stores, v1.module, ["B", "C"]);
    const v2 = await moduleFrom({ "dataflow.mjs": dataflow("\n  // tenths\n  return x   /   10;\n", "2") });
    expect((await run(stores, v2.module, ["B", "C"])).outcomes).toEqual({ A: "hit", B: "hit", C: "hit" });
  });

  it("a changed constant invalidates the nodes that use it through a helper, and only those", async () => {
    const stores = memoryCache();
    const v1 = await moduleFrom({ "dataflow.mjs": dataflow("return x / 10;", "2") });
    await run(stores, v1.module, ["B", "C", "D"]);
    const v2 = await moduleFrom({ "dataflow.mjs": dataflow("return x / 10;", "3") });
    const second = await run(stores, v2.module, ["B", "C", "D"]);
    expect(second.result).toEqual({ B: 1, C: 30, D: 11 });
    expect(second.outcomes).toEqual({ A: "hit", B: "hit", C: "computed", D: "hit" });
    expect((await second.dr.cache.explain("C")).changedCode).toEqual(["constant `RATE` in dataflow.mjs"]);
  });

  it("a node's code parts name the helpers and constants it uses, transitively", async () => {
    const v1 = await moduleFrom({ "dataflow.mjs": dataflow("return x / 10;", "2") });
    const { dr } = await run(memoryCache(), v1.module, ["C", "D"]);
    expect(Object.keys(dr.cache.lastRun.C?.codeParts ?? {}).sort()).toEqual([
      "constant `RATE` in dataflow.mjs",
      "helper `scale` in dataflow.mjs",
      "own code",
    ]);
    // A node that uses nothing outside itself keeps the plain text version.
    expect(dr.cache.lastRun.D?.codeParts).toBeUndefined();
  });
});

describe("imports", () => {
  const importing = `
import { normalize } from "./lib/util.mjs";
import * as more from "./lib/more.mjs";
export const A = () => 10;
export const B = (A) => normalize(A);
export const C = (A) => more.triple(A);
export const D = (A) => A + 1;
`;
  const util = (body: string) => `export function normalize(x) { ${body} }\nexport const unused = 1;\n`;
  const more = "export const triple = (x) => x * 3;\nexport const other = () => 0;\n";

  it("a changed helper in an imported project file invalidates exactly its users", async () => {
    const stores = memoryCache();
    const v1 = await moduleFrom({
      "dataflow.mjs": importing,
      "lib/util.mjs": util("return x / 10;"),
      "lib/more.mjs": more,
    });
    expect((await run(stores, v1.module, ["B", "C", "D"])).result).toEqual({ B: 1, C: 30, D: 11 });
    const v2 = await moduleFrom({
      "dataflow.mjs": importing,
      "lib/util.mjs": util("return x / 2;"),
      "lib/more.mjs": more,
    });
    const second = await run(stores, v2.module, ["B", "C", "D"]);
    expect(second.result).toEqual({ B: 5, C: 30, D: 11 });
    expect(second.outcomes).toEqual({ A: "hit", B: "computed", C: "hit", D: "hit" });
    expect((await second.dr.cache.explain("B")).changedCode).toEqual(["helper `normalize` in lib/util.mjs"]);
  });

  it("a namespace import follows only the members a node reads", async () => {
    const stores = memoryCache();
    const v1 = await moduleFrom({
      "dataflow.mjs": importing,
      "lib/util.mjs": util("return x / 10;"),
      "lib/more.mjs": more,
    });
    await run(stores, v1.module, ["B", "C"]);
    const changedOther = more.replace("() => 0", "() => 1");
    const v2 = await moduleFrom({
      "dataflow.mjs": importing,
      "lib/util.mjs": util("return x / 10;"),
      "lib/more.mjs": changedOther,
    });
    expect((await run(stores, v2.module, ["B", "C"])).outcomes).toEqual({ A: "hit", B: "hit", C: "hit" });
    const changedTriple = more.replace("x * 3", "x * 4");
    const v3 = await moduleFrom({
      "dataflow.mjs": importing,
      "lib/util.mjs": util("return x / 10;"),
      "lib/more.mjs": changedTriple,
    });
    expect((await run(stores, v3.module, ["B", "C"])).outcomes).toEqual({ A: "hit", B: "hit", C: "computed" });
  });

  it("a helper from a package in node_modules is versioned by the package's name and version", async () => {
    const withPackage = (version: string) => ({
      "dataflow.mjs": `import { shout } from "fake-shout";\nexport const A = () => "hi";\nexport const B = (A) => shout(A);\nexport const C = (A) => A.length;\n`,
      "node_modules/fake-shout/package.json": JSON.stringify({
        name: "fake-shout",
        version,
        type: "module",
        exports: "./index.js",
      }),
      "node_modules/fake-shout/index.js": "export const shout = (s) => s.toUpperCase();\n",
    });
    const stores = memoryCache();
    const v1 = await moduleFrom(withPackage("1.0.0"));
    expect((await run(stores, v1.module, ["B", "C"])).result).toEqual({ B: "HI", C: 2 });
    const same = await moduleFrom(withPackage("1.0.0"));
    expect((await run(stores, same.module, ["B", "C"])).outcomes).toEqual({ A: "hit", B: "hit", C: "hit" });
    const v2 = await moduleFrom(withPackage("1.1.0"));
    const second = await run(stores, v2.module, ["B", "C"]);
    expect(second.outcomes).toEqual({ A: "hit", B: "computed", C: "hit" });
    expect((await second.dr.cache.explain("B")).changedCode).toEqual(["package `fake-shout` 1.0.0 → 1.1.0"]);
  });
});

describe("closures", () => {
  const factory = `
const make = (k) => (x) => x * k;
export const x = () => 5;
export const double = make(2);
export const triple = make(3);
`;

  it("nodes a factory made from one text never share results, and each is warned about once", async () => {
    const { logger, warnings } = recordingLogger();
    const stores = memoryCache(logger);
    const { module } = await moduleFrom({ "dataflow.mjs": factory });
    const first = await run(stores, module, ["double", "triple"]);
    expect(first.result).toEqual({ double: 10, triple: 15 });
    expect(first.outcomes).toEqual({ x: "computed", double: "computed", triple: "computed" });
    expect(first.dr.cache.lastRun.double?.contextKey).not.toBe(first.dr.cache.lastRun.triple?.contextKey);
    expect(warnings.filter((w) => w.includes('node "double" uses "k"'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('node "triple" uses "k"'))).toHaveLength(1);
    // Built again over the same stores: each hits its own result.
    const second = await run(stores, module, ["double", "triple"]);
    expect(second.result).toEqual({ double: 10, triple: 15 });
    expect(second.outcomes).toEqual({ x: "hit", double: "hit", triple: "hit" });
  });

  it("changing a factory's argument at the declaration invalidates that node", async () => {
    const stores = memoryCache(recordingLogger().logger);
    const v1 = await moduleFrom({ "dataflow.mjs": factory });
    await run(stores, v1.module, ["double", "triple"]);
    const v2 = await moduleFrom({ "dataflow.mjs": factory.replace("make(2)", "make(4)") });
    const second = await run(stores, v2.module, ["double", "triple"]);
    expect(second.result).toEqual({ double: 20, triple: 15 });
    expect(second.outcomes).toEqual({ x: "hit", double: "computed", triple: "hit" });
  });

  it("a pinned cache({ version }) replaces the closure guard and its warning", async () => {
    const { logger, warnings } = recordingLogger();
    const { module } = await moduleFrom({ "dataflow.mjs": factory });
    const pinned = { x: module.x, double: cache({ version: "1" })(module.double as (x: number) => number) };
    const dr = await new Builder().withModules(pinned).withCache(memoryCache(logger)).build();
    expect(await dr.execute(["double"])).toEqual({ double: 10 });
    expect(warnings.filter((w) => w.includes('"double"'))).toEqual([]);
  });

  it("nodes parameterize makes from one function that uses a helper still share one result", async () => {
    const { module } = await moduleFrom({
      "dataflow.mjs": `const RATE = 0.5;\nexport const prices = () => [10, 20];\nexport const discount = (prices, rate) => prices.map((p) => p * (1 - rate) * RATE);\n`,
    });
    const stores = memoryCache();
    const flow = {
      prices: module.prices,
      discounted: parameterize({ spring: { rate: value(0.1) }, autumn: { rate: value(0.1) } })(
        module.discount as (p: number[], r: number) => number[],
      ),
    };
    const dr = await new Builder().withModules(flow).withCache(stores).build();
    const out = (await dr.execute(["spring", "autumn"] as string[])) as Record<string, unknown>;
    expect(out.spring).toEqual([4.5, 9]);
    expect([dr.cache.lastRun.spring?.outcome, dr.cache.lastRun.autumn?.outcome].sort()).toEqual(["computed", "hit"]);
    expect(dr.cache.lastRun.spring?.contextKey).toBe(dr.cache.lastRun.autumn?.contextKey);
    expect(Object.keys(dr.cache.lastRun.spring?.codeParts ?? {})).toContain("constant `RATE` in dataflow.mjs");
  });
});

describe("withModuleSource", () => {
  it("reads the module from the given file and follows its helpers without the inspector", async () => {
    const { logger, debug } = recordingLogger();
    const v1 = await moduleFrom({ "dataflow.mjs": dataflow("return x / 10;", "2") });
    const file = pathToFileURL(join(v1.dir, "dataflow.mjs"));
    const dr = await new Builder()
      .withModules(v1.module)
      .withModuleSource(v1.module, file)
      .withCache(memoryCache(logger))
      .build();
    await dr.execute(["B", "C"]);
    expect(Object.keys(dr.cache.lastRun.B?.codeParts ?? {}).sort()).toEqual([
      "helper `normalize` in dataflow.mjs",
      "own code",
    ]);
    expect(Object.keys(dr.cache.lastRun.C?.codeParts ?? {}).sort()).toEqual([
      "constant `RATE` in dataflow.mjs",
      "helper `scale` in dataflow.mjs",
      "own code",
    ]);
    expect(debug.filter((m) => m.includes("node:inspector"))).toEqual([]);
  });

  it("a given file that does not hold the running code is noted at debug level, and the inspector finds the source", async () => {
    const { logger, debug } = recordingLogger();
    const v1 = await moduleFrom({
      "dataflow.mjs": dataflow("return x / 10;", "2"),
      "other.mjs": "export const unrelated = 1;\n",
    });
    const dr = await new Builder()
      .withModules(v1.module)
      .withModuleSource(v1.module, join(v1.dir, "other.mjs"))
      .withCache(memoryCache(logger))
      .build();
    await dr.execute(["B"]);
    expect(debug.filter((m) => m.includes("does not contain the function of node"))).toHaveLength(1);
    expect(Object.keys(dr.cache.lastRun.B?.codeParts ?? {})).toContain("helper `normalize` in dataflow.mjs");
  });

  it("rejects what is not a file path or file URL", () => {
    expect(() => new Builder().withModuleSource({}, "https://example.com/x.js")).toThrow(/file path or file: URL/);
  });
});

describe("code versions across processes", () => {
  const run = promisify(execFile);
  const here = fileURLToPath(new URL(".", import.meta.url));
  const tsx = join(here, "../../../../node_modules/.bin/tsx");

  it("two processes, in two copies of the project, compute the same code versions", async () => {
    const { dir } = await moduleFrom({
      "dataflow.mjs": `import { normalize } from "./lib/util.mjs";\nconst make = (k) => (x) => x * k;\nexport const A = () => 10;\nexport const B = (A) => normalize(A);\nexport const double = make(2);\n`,
      "lib/util.mjs": "const TEN = 10;\nexport function normalize(x) { return x / TEN; }\n",
      "child.mts": `
import { Builder, MemoryFingerprintRepository, MemoryResultStore } from ${JSON.stringify(join(here, "../index.ts"))};
const flow = await import("./dataflow.mjs");
const dr = await new Builder().withModules(flow).withCache({ fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore(), logger: {} }).build();
console.log(JSON.stringify({ pid: process.pid, versions: dr.cache.codeVersions }));
`,
    });
    const copy = join(root, "copy-of-project");
    cpSync(dir, copy, { recursive: true });
    const child = async (cwd: string) => {
      const { stdout } = await run(tsx, [join(cwd, "child.mts")], { cwd, timeout: 60_000 });
      return JSON.parse(stdout.trim().split("\n").pop() as string) as { pid: number; versions: Record<string, string> };
    };
    const [first, second] = await Promise.all([child(dir), child(copy)]);
    expect(first.pid).not.toBe(second.pid);
    expect(second.versions).toEqual(first.versions);
    // B follows normalize and TEN, so its version is not its bare text's; double carries its name.
    expect(first.versions.B).not.toBe(first.versions.A);
    expect(Object.keys(first.versions).sort()).toEqual(["A", "B", "double"]);
  }, 120_000);
});
