// A value read back from the cache is the value the node computed: same type, same contents.
import { describe, expect, it } from "vitest";
import { memoryCache } from "../../test/support.js";
import { Builder } from "../driver/builder.js";

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

const values: Record<string, () => unknown> = {
  number: () => 1.5,
  negativeZero: () => -0,
  notANumber: () => Number.NaN,
  bigint: () => 12345678901234567890n,
  text: () => "héllo",
  nothing: () => undefined,
  empty: () => null,
  date: () => new Date("2024-01-02T03:04:05.678Z"),
  map: () =>
    new Map<unknown, unknown>([
      ["a", 1],
      [2, { b: [3] }],
    ]),
  set: () => new Set([1, "1", 1n]),
  floats: () => new Float64Array([1.5, -2, Number.NaN]),
  buffer: () => Buffer.from("bytes"),
  nested: () => ({ list: [1, { deep: [new Date(0)] }], flag: true, missing: undefined }),
  regexp: () => /ab+c/gi,
};

async function coldAndWarm(mod: Record<string, () => unknown>) {
  const stores = memoryCache();
  const names = Object.keys(mod);
  const cold = await (await new Builder().withModules(mod).withCache(stores).build()).execute(names);
  const dr = await new Builder().withModules(mod).withCache(stores).build();
  const warm = await dr.execute(names);
  return { cold, warm, dr };
}

describe("values read back from the cache", () => {
  it("equal what was computed, for every kind of plain data", async () => {
    const { cold, warm, dr } = await coldAndWarm(values);
    for (const name of Object.keys(values)) {
      expect(dr.cache.lastRun[name]?.outcome, name).toBe("hit");
      expect(warm[name], name).toEqual(cold[name]);
      expect(Object.prototype.toString.call(warm[name]), name).toBe(Object.prototype.toString.call(cold[name]));
    }
    expect(Object.is(warm.negativeZero, -0)).toBe(true);
    expect(Buffer.isBuffer(warm.buffer) || warm.buffer instanceof Uint8Array).toBe(true);
  });

  it("are fresh copies: mutating one does not change what the next run reads", async () => {
    const mod = { list: () => [1, 2, 3] };
    const stores = memoryCache();
    await (await new Builder().withModules(mod).withCache(stores).build()).execute(["list"]);
    const dr = await new Builder().withModules(mod).withCache(stores).build();
    const first = await dr.execute(["list"]);
    first.list.push(4);
    expect((await dr.execute(["list"])).list).toEqual([1, 2, 3]);
  });

  // v8.serialize drops prototypes: the default codec refuses class instances (left uncached with a
  // warning), so the warm value behaves like the computed one.
  it("keep a class instance's class, or are not cached at all", async () => {
    const { warm, dr } = await coldAndWarm({ point: () => new Point(3, 4) });
    const point = warm.point as Point;
    expect(dr.cache.lastRun.point?.outcome === "hit" ? point instanceof Point : true).toBe(true);
    expect(point.norm()).toBe(5);
  });
});
