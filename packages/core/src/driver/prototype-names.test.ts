// Names that Object.prototype also has (valueOf, toString, constructor, __proto__, …) are ordinary node, input, override and config names.
import { describe, expect, it } from "vitest";
import { fromSource, memoryCache } from "../../test/support.js";
import { FingerprintingAdapter } from "../caching/fingerprinting-adapter.js";
import { MissingInputError, UnknownNodeError } from "../errors.js";
import { node } from "../graph/node-spec.js";
import { extractFields, parameterize, source, tag, value } from "../modifiers/index.js";
import { Builder } from "./builder.js";

const NAMES = [
  "valueOf",
  "toString",
  "constructor",
  "hasOwnProperty",
  "__proto__",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
] as const;

/** `{ [name]: value }` with `name` an own property even when it is "__proto__". */
const record = (entries: Record<string, unknown> | [string, unknown][]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Array.isArray(entries) ? entries : Object.entries(entries)) {
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
};

/** `total = (<name>, qty) => <name> * qty`, written with the name as its parameter. */
const totalOf = (name: string) => fromSource<(...args: number[]) => number>(`(${name}, qty) => ${name} * qty`);

/**
 * Module entries making node `name` from `fn`. Exports starting with "_" are not nodes, so names like
 * `__proto__` are made by parameterize (a node name it may give).
 */
const nodeNamed = (name: string, fn: (...args: never[]) => unknown): [string, unknown] =>
  name.startsWith("_") ? [`make${name}`, parameterize(record([[name, {}]]) as never)(fn)] : [name, fn];

const own = (object: object, key: string): unknown =>
  Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : "<not own>";

describe.each(NAMES)("the name %s", (name) => {
  it("as an input: bound to the given value, listed, required, and missing when not given", async () => {
    const dr = await new Builder().withModules({ total: totalOf(name) }).build();
    expect(
      await dr.execute(["total"], {
        inputs: record([
          [name, 10],
          ["qty", 3],
        ]),
      }),
    ).toEqual({ total: 30 });
    expect(dr.listInputs()).toEqual([
      { name, required: true, usedBy: ["total"] },
      { name: "qty", required: true, usedBy: ["total"] },
    ]);
    const missing = await dr.execute(["total"], { inputs: { qty: 3 } }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(MissingInputError);
    expect((missing as MissingInputError).message).toContain(`"${name}"`);
    expect(() => dr.validateExecution(["total"], { inputs: { qty: 3 } })).toThrow(MissingInputError);
    expect(() =>
      dr.validateExecution(["total"], {
        inputs: record([
          [name, 1],
          ["qty", 3],
        ]),
      }),
    ).not.toThrow();
    const dot = dr.visualizeExecution(["total"], {
      inputs: record([
        [name, 10],
        ["qty", 3],
      ]),
    });
    expect(dot).toContain(`"${name}"`);
  });

  it("as a requested input output: comes back as an own property of the result", async () => {
    const dr = await new Builder().withModules({ total: totalOf(name) }).build();
    const out = await dr.execute<string>([name, "total"], {
      inputs: record([
        [name, 10],
        ["qty", 3],
      ]),
    });
    expect(Object.keys(out)).toEqual([name, "total"]);
    expect(own(out, name)).toBe(10);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it("as a node: feeds its dependents, is an output, and can be overridden", async () => {
    const mod = record([nodeNamed(name, () => 10), ["total", totalOf(name)]]);
    const dr = await new Builder().withModules(mod).build();
    const out = await dr.execute<string>(["total", name], { inputs: { qty: 3 } });
    expect(Object.keys(out)).toEqual(["total", name]);
    expect(own(out, name)).toBe(10);
    expect(out["total"]).toBe(30);
    expect(dr.listInputs().map((i) => i.name)).toEqual(["qty"]);
    expect(dr.listAvailableVariables().map((v) => v.name)).toEqual([name, "total", "qty"]);
    expect(await dr.execute(["total"], { inputs: { qty: 3 }, overrides: record([[name, 5]]) })).toEqual({ total: 15 });
  });

  it("as a config key: an input of every node that names it", async () => {
    const dr = await new Builder()
      .withModules({ total: totalOf(name) })
      .withConfig(record([[name, 10]]))
      .build();
    expect(await dr.execute(["total"], { inputs: { qty: 3 } })).toEqual({ total: 30 });
  });

  it("as a destructured parameter and as explicit deps", async () => {
    const destructured = fromSource<(args: Record<string, number>) => number>(`({ ${name}: v, qty }) => v * qty`);
    const explicit = node({ deps: [name, "qty"] }, (a: number, b: number) => a * b);
    const dr = await new Builder().withModules({ total: destructured, other: explicit }).build();
    expect(
      await dr.execute(["total", "other"], {
        inputs: record([
          [name, 10],
          ["qty", 3],
        ]),
      }),
    ).toEqual({ total: 30, other: 30 });
  });

  it("as a parameterize binding, a source() target, an extracted field and a tag", async () => {
    const mod = record([
      ["base", () => 4],
      [
        "scaled",
        parameterize(
          record([
            ["byValue", record([[name, value(10)]])],
            ["bySource", record([[name, source("base")]])],
          ]) as never,
        )(totalOf(name)),
      ],
      ["stats", extractFields(record([[name, Number]]) as never)(() => record([[name, 7]]) as never)],
      ["tagged", tag(record([[name, "yes"]]) as never)(() => 1)],
      ["plain", () => 2],
    ]);
    const dr = await new Builder().withModules(mod).build();
    const out = await dr.execute<string>(["byValue", "bySource", name, "tagged"], { inputs: { qty: 3 } });
    expect(out).toEqual(
      record([
        ["byValue", 30],
        ["bySource", 12],
        [name, 7],
        ["tagged", 1],
      ]),
    );
    expect(dr.listAvailableVariables({ tag: record([[name, "yes"]]) as never }).map((v) => v.name)).toEqual(["tagged"]);
    expect(dr.listAvailableVariables({ tag: record([[name, ["yes", "no"]]]) as never }).map((v) => v.name)).toEqual([
      "tagged",
    ]);
  });

  it("an extracted field the parent does not return is an error, not Object.prototype's member", async () => {
    const mod = { stats: extractFields(record([[name, Function]]) as never)(() => ({ other: 1 }) as never) };
    const dr = await new Builder().withModules(mod).build();
    await expect(dr.execute<string>([name])).rejects.toThrow(`without field "${name}"`);
  });

  it("with caching: a warm hit returns what the fresh run did, and a changed value misses", async () => {
    const stores = memoryCache();
    const mod = record([nodeNamed(name, (seed: number) => seed * 2), ["total", totalOf(name)]]);
    const build = () => new Builder().withModules(mod).withCache(stores).build();
    const inputs = (seed: number) => ({ seed, qty: 3 });
    const fresh = await (await build()).execute<string>(["total", name], { inputs: inputs(5) });
    expect(fresh).toEqual(
      record([
        ["total", 30],
        [name, 10],
      ]),
    );
    const dr = await build();
    const warm = await dr.execute<string>(["total", name], { inputs: inputs(5) });
    expect(warm).toEqual(fresh);
    expect(Object.keys(warm)).toEqual(Object.keys(fresh));
    expect(own(dr.cache.lastRun, name)).toMatchObject({ outcome: "hit" });
    expect(own(dr.cache.lastRun, "total")).toMatchObject({ outcome: "hit" });
    expect(typeof own(dr.cache.runFingerprints, name)).toBe("string");
    expect(Object.getPrototypeOf(dr.cache.lastRun)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(dr.cache.runFingerprints)).toBe(Object.prototype);
    expect(String(await dr.cache.explain(name))).toContain("hit");
    const changed = await dr.execute<string>(["total"], { inputs: inputs(6) });
    expect(changed).toEqual({ total: 36 });
    expect(own(dr.cache.lastRun, name)).toMatchObject({ outcome: "computed" });
    expect(dr.visualizeExecution(["total"], { inputs: inputs(6), cache: true })).toContain(`"${name}"`);
  });

  it("with caching: an input of that name is part of the key", async () => {
    const stores = memoryCache();
    const dr = await new Builder()
      .withModules({ total: totalOf(name) })
      .withCache(stores)
      .build();
    expect(
      await dr.execute(["total"], {
        inputs: record([
          [name, 10],
          ["qty", 3],
        ]),
      }),
    ).toEqual({ total: 30 });
    expect(
      await dr.execute(["total"], {
        inputs: record([
          [name, 10],
          ["qty", 3],
        ]),
      }),
    ).toEqual({ total: 30 });
    expect(own(dr.cache.lastRun, "total")).toMatchObject({ outcome: "hit" });
    expect(own(dr.cache.lastRun, name)).toMatchObject({ outcome: "input" });
    expect(
      await dr.execute(["total"], {
        inputs: record([
          [name, 20],
          ["qty", 3],
        ]),
      }),
    ).toEqual({ total: 60 });
    expect(own(dr.cache.lastRun, "total")).toMatchObject({ outcome: "computed" });
    expect(await dr.execute(["total"], { inputs: { qty: 3 }, overrides: {} }).catch((e: unknown) => e)).toBeInstanceOf(
      MissingInputError,
    );
  });

  it("with caching: an override of that name is part of the key", async () => {
    const dr = await new Builder()
      .withModules(record([nodeNamed(name, () => 1), ["total", totalOf(name)]]))
      .withCache(memoryCache())
      .build();
    expect(await dr.execute(["total"], { inputs: { qty: 3 }, overrides: record([[name, 5]]) })).toEqual({ total: 15 });
    expect(await dr.execute(["total"], { inputs: { qty: 3 }, overrides: record([[name, 7]]) })).toEqual({ total: 21 });
    expect(own(dr.cache.lastRun, name)).toMatchObject({ outcome: "override" });
  });

  it("FingerprintingAdapter records it as an own property", async () => {
    const adapter = new FingerprintingAdapter();
    const dr = await new Builder()
      .withModules(record([nodeNamed(name, () => 1)]))
      .withAdapters(adapter)
      .build();
    await dr.execute<string>([name]);
    expect(typeof own(adapter.runFingerprints, name)).toBe("string");
    expect(Object.getPrototypeOf(adapter.runFingerprints)).toBe(Object.prototype);
  });

  it("withCache({ recompute }) may name it", async () => {
    const stores = memoryCache();
    const mod = record([nodeNamed(name, () => 1)]);
    await (await new Builder().withModules(mod).withCache(stores).build()).execute<string>([name]);
    const dr = await new Builder()
      .withModules(mod)
      .withCache({ ...stores, recompute: [name] })
      .build();
    await dr.execute<string>([name]);
    expect(own(dr.cache.lastRun, name)).toMatchObject({ outcome: "recomputed" });
  });
});

describe("names Object.prototype has, not in the graph", () => {
  it("are unknown outputs and overrides, not members of Object.prototype", async () => {
    const dr = await new Builder().withModules({ a: () => 1 }).build();
    for (const name of NAMES) {
      await expect(dr.execute<string>([name])).rejects.toThrow(UnknownNodeError);
      expect(() => dr.validateExecution(["a"], { overrides: record([[name, 1]]) })).toThrow(
        `override "${name}" names no node`,
      );
    }
  });

  it("a cache without such a node has no lastRun entry for it", async () => {
    const dr = await new Builder()
      .withModules({ a: () => 1 })
      .withCache(memoryCache())
      .build();
    await dr.execute(["a"]);
    await expect(dr.cache.explain<string>("valueOf")).rejects.toThrow(`node "valueOf" did not take part`);
  });
});
