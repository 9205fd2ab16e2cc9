// ContextKeyMemo: a remembered key is exactly the key encoding would give, and any change encodes again.
import { describe, expect, it } from "vitest";
import { Builder } from "../driver/builder.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../stores/index.js";
import { ContextKeyMemo, defaultContextKey } from "./context-key-memo.js";
import { encodeDict } from "./encode-dict.js";

describe("ContextKeyMemo", () => {
  it("gives the default key, the same as encoding it, first time and from memory", () => {
    const memo = new ContextKeyMemo();
    const fps = { a: "fp-a", b: "fp-b" };
    const expected = encodeDict({ v1: encodeDict(fps) });
    expect(defaultContextKey("v1", fps)).toBe(expected);
    expect(memo.key("C", "v1", fps)).toBe(expected);
    expect(memo.key("C", "v1", { a: "fp-a", b: "fp-b" })).toBe(expected);
  });

  it("a changed fingerprint, code version, parameter name or parameter set gives the freshly encoded key", () => {
    const memo = new ContextKeyMemo();
    memo.key("C", "v1", { a: "fp-a", b: "fp-b" });
    const cases: [string, [string, string][]][] = [
      [
        "v1",
        [
          ["a", "fp-a"],
          ["b", "fp-B"],
        ],
      ],
      [
        "v2",
        [
          ["a", "fp-a"],
          ["b", "fp-B"],
        ],
      ],
      [
        "v2",
        [
          ["a", "fp-a"],
          ["c", "fp-B"],
        ],
      ],
      ["v2", [["a", "fp-a"]]],
      [
        "v2",
        [
          ["a", "fp-a"],
          ["c", "fp-B"],
          ["d", ""],
        ],
      ],
      [
        "v2",
        [
          ["c", "fp-B"],
          ["a", "fp-a"],
          ["d", ""],
        ],
      ],
      ["v2", [["__proto__", "fp-a"]]],
      ["v2", [["__proto__", "fp-b"]]],
    ];
    for (const [version, pairs] of cases) {
      const record: Record<string, string> = {};
      for (const [name, fp] of pairs)
        Object.defineProperty(record, name, { value: fp, enumerable: true, writable: true, configurable: true });
      expect(memo.key("C", version, record)).toBe(defaultContextKey(version, record));
    }
    expect(
      defaultContextKey("v2", Object.defineProperty({}, "__proto__", { value: "fp-a", enumerable: true })),
    ).not.toBe(defaultContextKey("v2", {}));
  });

  it("keys are per node: another node's memory is not used, and one entry per node however many runs", () => {
    const memo = new ContextKeyMemo();
    expect(memo.key("A", "v1", { x: "1" })).toBe(defaultContextKey("v1", { x: "1" }));
    expect(memo.key("B", "v2", { x: "1" })).toBe(defaultContextKey("v2", { x: "1" }));
    for (let i = 0; i < 100; i++)
      expect(memo.key("A", "v1", { x: String(i) })).toBe(defaultContextKey("v1", { x: String(i) }));
    expect(memo.size).toBe(2);
  });

  it("a reused driver: an input changed between runs misses, changed back hits, and keys match a new driver's", async () => {
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const mod = { scaled: (x: number) => x * 2, plus: (scaled: number) => scaled + 1 };
    const reused = await new Builder().withModules(mod).withCache(stores).build();
    const outcomes = async (x: number) => {
      const out = await reused.execute(["plus"], { inputs: { x } });
      return [out.plus, reused.cache.lastRun.scaled?.outcome, reused.cache.lastRun.plus?.outcome];
    };
    expect(await outcomes(1)).toEqual([3, "computed", "computed"]);
    expect(await outcomes(1)).toEqual([3, "hit", "hit"]);
    expect(await outcomes(2)).toEqual([5, "computed", "computed"]);
    expect(await outcomes(1)).toEqual([3, "hit", "hit"]);
    const keys = { scaled: reused.cache.lastRun.scaled?.contextKey, plus: reused.cache.lastRun.plus?.contextKey };
    const fresh = await new Builder().withModules(mod).withCache(stores).build();
    await fresh.execute(["plus"], { inputs: { x: 1 } });
    expect({ scaled: fresh.cache.lastRun.scaled?.contextKey, plus: fresh.cache.lastRun.plus?.contextKey }).toEqual(
      keys,
    );
  });
});
