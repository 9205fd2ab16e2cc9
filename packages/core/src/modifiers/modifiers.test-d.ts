// Type-level tests: every modifier returns a function with the wrapped function's parameters and result.
// Checked by `tsc -p packages/core/tsconfig.json` (the file is under src/), not at run time.
import { describe, expectTypeOf, it } from "vitest";
import { Builder, cache, config, extractFields, node, parameterize, source, tag, value } from "../index.js";
import type { BoundSource, BoundValue, FieldValues } from "../exports/modifiers.js";

const add = (a: number, b: string): string => `${a}${b}`;
const fetchRows = async (url: string): Promise<{ rows: number[]; total: number }> => ({ rows: [url.length], total: 1 });

describe("wrappers keep parameter and return types", () => {
  it("parameterize", () => {
    const wrapped = parameterize({ x: { a: value(1) }, y: { b: source("other") } })(add);
    // Still callable as the function it wraps; its type also lists the nodes it makes (type-level only).
    expectTypeOf(wrapped).toExtend<(a: number, b: string) => string>();
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[a: number, b: string]>();
    expectTypeOf(wrapped).returns.toEqualTypeOf<string>();
  });

  it("extractFields, also for async functions", () => {
    const wrapped = extractFields({ rows: Array, total: Number })(fetchRows);
    expectTypeOf(wrapped).toExtend<typeof fetchRows>();
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[url: string]>();
    expectTypeOf(wrapped).returns.resolves.toEqualTypeOf<{ rows: number[]; total: number }>();
  });

  it("config.when, config.whenNot, tag, cache, node", () => {
    expectTypeOf(config.when({ region: "eu" })(add)).toEqualTypeOf<typeof add>();
    expectTypeOf(config.whenNot({ region: "eu" }, { name: "sum" })(add)).toEqualTypeOf<typeof add>();
    expectTypeOf(tag({ owner: "data" })(add)).toEqualTypeOf<typeof add>();
    expectTypeOf(cache({ behavior: "recompute", version: "2" })(add)).toEqualTypeOf<typeof add>();
    expectTypeOf(node({ deps: ["x", "y"] }, add)).toEqualTypeOf<typeof add>();
  });

  it("stacked modifiers keep the type too", () => {
    const stacked = tag({ a: "b" })(
      cache({ behavior: "disable" })(config.when({ on: true })(parameterize({ n: { a: value(1) } })(add))),
    );
    expectTypeOf(stacked).toExtend<typeof add>();
    expectTypeOf(stacked).parameters.toEqualTypeOf<[a: number, b: string]>();
    expectTypeOf(stacked).returns.toEqualTypeOf<string>();
  });

  it("a module of wrapped functions still types the driver's results", async () => {
    const dr = await new Builder()
      .withModules({ total: tag({ owner: "x" })(() => 42), label: cache({ version: "1" })(() => "a") })
      .build();
    const out = await dr.execute(["total", "label"]);
    expectTypeOf(out.total).toEqualTypeOf<number>();
    expectTypeOf(out.label).toEqualTypeOf<string>();
  });
});

describe("nodes a modifier makes are typed without a type argument", () => {
  it("parameterize: each made node has the function's result; the wrapped export is not a node", async () => {
    const dr = await new Builder()
      .withModules({
        prices: () => [10, 20],
        discounted: parameterize({ springSale: { rate: value(0.1) }, staffSale: { rate: value(0.5) } })(
          async (prices: number[], rate: number) => prices.map((p) => p * rate),
        ),
      })
      .build();
    const out = await dr.execute(["springSale", "staffSale", "prices"]);
    expectTypeOf(out).toEqualTypeOf<{ springSale: number[]; staffSale: number[]; prices: number[] }>();
    // @ts-expect-error "discounted" is replaced by the nodes it makes
    await dr.execute(["discounted"]);
  });

  it("extractFields: the field nodes have the declared types and the parent stays a node", async () => {
    const dr = await new Builder()
      .withModules({
        stats: extractFields({ mean: Number, label: String })((values: number[]) => ({
          mean: values[0] ?? 0,
          label: "x",
        })),
      })
      .build();
    const out = await dr.execute(["mean", "label", "stats"]);
    expectTypeOf(out.mean).toEqualTypeOf<number>();
    expectTypeOf(out.label).toEqualTypeOf<string>();
    expectTypeOf(out.stats).toEqualTypeOf<{ mean: number; label: string }>();
    // @ts-expect-error no such field node
    await dr.execute(["median"]);
  });

  it("stacked under tag / cache / config.when, the made nodes are still known", async () => {
    const dr = await new Builder()
      .withModules({ base: tag({ owner: "x" })(parameterize({ one: { n: value(1) } })((n: number) => n * 2)) })
      .build();
    expectTypeOf((await dr.execute(["one"])).one).toEqualTypeOf<number>();
  });
});

describe("argument types", () => {
  it("value() keeps the literal's type and source() takes a node name", () => {
    expectTypeOf(value(1)).toEqualTypeOf<BoundValue<number>>();
    expectTypeOf(source("a")).toEqualTypeOf<BoundSource>();
    // @ts-expect-error a binding must be value(…) or source(…), not a bare literal
    parameterize({ x: { a: 1 } });
  });

  it("extractFields maps declared types to value types and checks the function's result", () => {
    class Money {
      constructor(readonly cents: number) {}
    }
    expectTypeOf<FieldValues<{ n: NumberConstructor; s: StringConstructor; m: typeof Money }>>().toEqualTypeOf<{
      n: number;
      s: string;
      m: Money;
    }>();
    // @ts-expect-error the function's result has no field "std"
    extractFields({ mean: Number, std: Number })(() => ({ mean: 1 }));
    // @ts-expect-error "mean" is a string, not a number
    extractFields({ mean: Number })(() => ({ mean: "1" }));
  });

  it("cache and config options are typed", () => {
    // @ts-expect-error not a behaviour
    cache({ behavior: "sometimes" });
    // @ts-expect-error name must be a string
    config.when({ region: "eu" }, { name: 1 });
    // @ts-expect-error tag values are strings
    tag({ owner: 1 });
  });
});
