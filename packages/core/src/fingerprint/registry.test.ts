// FingerprinterRegistry: custom fingerprinters first (also for nested values), namespacing,
// failures, unique fingerprints with one warning per node, and option validation.
import { beforeAll, describe, expect, it } from "vitest";
import type { FingerprintContext, Fingerprinter } from "../contracts.js";
import { ConfigurationError, FingerprintError } from "../errors.js";
import {
  FingerprinterRegistry,
  defaultFingerprinter,
  fingerprintValue,
  hashingReady,
  uniqueFingerprint,
} from "./index.js";
import { isUniqueFingerprint } from "../caching/unique.js";

beforeAll(async () => {
  await hashingReady();
});

class Money {
  constructor(
    readonly cents: number,
    readonly note: string,
  ) {}
}

/** Fingerprints Money by cents only (ignoring the note), to show precedence over the default. */
const moneyByCents: Fingerprinter = {
  name: "money",
  accepts: (value) => value instanceof Money,
  fingerprint: (value) => String((value as Money).cents),
};

describe("FingerprinterRegistry with custom fingerprinters", () => {
  it("asks custom fingerprinters before the default one", () => {
    const registry = new FingerprinterRegistry({ fingerprinters: [moneyByCents] });
    expect(registry.fingerprint(new Money(5, "a"))).toBe(registry.fingerprint(new Money(5, "b")));
    expect(registry.fingerprint(new Money(5, "a"))).not.toBe(registry.fingerprint(new Money(6, "a")));
    expect(fingerprintValue(new Money(5, "a"))).not.toBe(fingerprintValue(new Money(5, "b")));
  });

  it("uses them for nested values too", () => {
    const registry = new FingerprinterRegistry({ fingerprinters: [moneyByCents] });
    const a = { items: [new Money(1, "x")], total: new Map([["eur", new Money(1, "y")]]) };
    const b = { items: [new Money(1, "z")], total: new Map([["eur", new Money(1, "w")]]) };
    expect(registry.fingerprint(a)).toBe(registry.fingerprint(b));
    expect(registry.fingerprint({ n: 1 })).toBe(fingerprintValue({ n: 1 }));
  });

  it("uses the first fingerprinter that accepts, in the order given", () => {
    const constant = (name: string, output: string): Fingerprinter => ({
      name,
      accepts: () => true,
      fingerprint: () => output,
    });
    const ab = new FingerprinterRegistry({ fingerprinters: [constant("a", "1"), constant("b", "2")] });
    const a = new FingerprinterRegistry({ fingerprinters: [constant("a", "1")] });
    expect(ab.fingerprint("anything")).toBe(a.fingerprint("anything"));
  });

  it("namespaces a custom output by the fingerprinter's name, apart from the default's", () => {
    const echo = (name: string): Fingerprinter => ({
      name,
      accepts: (v) => typeof v === "string",
      fingerprint: (v) => v as string,
    });
    const one = new FingerprinterRegistry({ fingerprinters: [echo("one")] });
    const two = new FingerprinterRegistry({ fingerprinters: [echo("two")] });
    expect(one.fingerprint("x")).not.toBe(two.fingerprint("x"));
    expect(one.fingerprint("x")).not.toBe(fingerprintValue("x"));
    // A custom output equal to a default fingerprint still cannot collide with it.
    const mimic: Fingerprinter = { name: "mimic", accepts: (v) => v === "y", fingerprint: () => fingerprintValue(1) };
    expect(new FingerprinterRegistry({ fingerprinters: [mimic] }).fingerprint("y")).not.toBe(fingerprintValue(1));
  });

  it("lets a custom fingerprinter recurse through ctx.fingerprint with the whole registry", () => {
    class Box {
      constructor(readonly content: unknown) {}
    }
    const box: Fingerprinter = {
      name: "box",
      accepts: (v) => v instanceof Box,
      fingerprint: (v, ctx) => `box(${ctx.fingerprint((v as Box).content)})`,
    };
    const registry = new FingerprinterRegistry({ fingerprinters: [box, moneyByCents] });
    expect(registry.fingerprint(new Box(new Money(3, "a")))).toBe(registry.fingerprint(new Box(new Money(3, "b"))));
    expect(registry.fingerprint(new Box([1]))).not.toBe(registry.fingerprint(new Box([2])));
  });

  it("handles a cycle that passes through a custom fingerprinter", () => {
    class Node {
      next: unknown = undefined;
    }
    const viaCtx: Fingerprinter = {
      name: "node",
      accepts: (v) => v instanceof Node,
      fingerprint: (v, ctx) => ctx.fingerprint({ next: (v as Node).next }),
    };
    const registry = new FingerprinterRegistry({ fingerprinters: [viaCtx] });
    const make = (): Node => {
      const node = new Node();
      node.next = { back: node };
      return node;
    };
    expect(registry.fingerprint(make())).toBe(registry.fingerprint(make()));
  });

  it("lets a custom fingerprinter delegate to the default one, nested values still seeing customs", () => {
    class Tagged {
      constructor(
        readonly tag: string,
        readonly payload: unknown,
      ) {}
    }
    const tagged: Fingerprinter = {
      name: "tagged",
      accepts: (v) => v instanceof Tagged,
      // Hands the same value to the default: it must not come straight back here.
      fingerprint: (v, ctx) => defaultFingerprinter.fingerprint(v, ctx),
    };
    const registry = new FingerprinterRegistry({ fingerprinters: [tagged, moneyByCents] });
    expect(registry.fingerprint(new Tagged("t", new Money(1, "a")))).toBe(
      registry.fingerprint(new Tagged("t", new Money(1, "b"))),
    );
    expect(registry.fingerprint(new Tagged("t", 1))).not.toBe(registry.fingerprint(new Tagged("u", 1)));
  });

  it("passes node and mode to fingerprinters", () => {
    const seen: [string | undefined, string | undefined][] = [];
    const spy: Fingerprinter = {
      name: "spy",
      accepts: () => true,
      fingerprint: (_v, ctx) => {
        seen.push([ctx.node, ctx.mode]);
        return "x";
      },
    };
    new FingerprinterRegistry({ fingerprinters: [spy] }).fingerprint(1, { node: "G", mode: "index" });
    expect(seen).toEqual([["G", "index"]]);
  });

  it("the default fingerprinter accepts everything and works with a foreign context", () => {
    const warnings: string[] = [];
    const ctx: FingerprintContext = {
      node: "N",
      mode: undefined,
      fingerprint: (v) => fingerprintValue(v),
      hashBytes: () => "",
      warn: (m) => warnings.push(m),
    };
    expect(defaultFingerprinter.accepts(Symbol("x"))).toBe(true);
    expect(defaultFingerprinter.fingerprint({ a: 1 }, ctx)).toBe(fingerprintValue({ a: 1 }));
    defaultFingerprinter.fingerprint(() => 1, ctx);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('node "N"');
  });
});

describe("FingerprinterRegistry failures", () => {
  it("wraps a throwing fingerprinter in a FingerprintError naming it and the node", () => {
    const broken: Fingerprinter = {
      name: "broken",
      accepts: (v) => v === "boom",
      fingerprint: () => {
        throw new Error("no can do");
      },
    };
    const registry = new FingerprinterRegistry({ fingerprinters: [broken] });
    let error: unknown;
    try {
      registry.fingerprint({ list: ["boom"] }, { node: "F" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FingerprintError);
    expect((error as Error).message).toContain('fingerprinter "broken"');
    expect((error as Error).message).toContain('node "F"');
    expect((error as Error).message).toContain("$.list[0]");
    expect((error as Error).message).toContain("no can do");
    expect((error as Error).cause).toBeInstanceOf(Error);
    // The registry is still usable afterwards.
    expect(registry.fingerprint({ list: ["fine"] })).toBe(fingerprintValue({ list: ["fine"] }));
  });

  it("reports a nested failure once, naming the innermost fingerprinter", () => {
    const inner: Fingerprinter = {
      name: "inner",
      accepts: (v) => v === 2,
      fingerprint: () => {
        throw new Error("inner broke");
      },
    };
    const outer: Fingerprinter = {
      name: "outer",
      accepts: (v) => v === 1,
      fingerprint: (_v, ctx) => ctx.fingerprint([2]),
    };
    const registry = new FingerprinterRegistry({ fingerprinters: [outer, inner] });
    expect(() => registry.fingerprint(1)).toThrow(/fingerprinter "inner" failed in fingerprint\(\)/);
  });

  it("rejects a fingerprinter that returns a non-string or throws in accepts", () => {
    const numeric = { name: "numeric", accepts: () => true, fingerprint: () => 42 } as unknown as Fingerprinter;
    expect(() => new FingerprinterRegistry({ fingerprinters: [numeric] }).fingerprint(1)).toThrow(
      /returned number, not a string/,
    );
    const picky: Fingerprinter = {
      name: "picky",
      accepts: () => {
        throw new Error("nope");
      },
      fingerprint: () => "",
    };
    expect(() => new FingerprinterRegistry({ fingerprinters: [picky] }).fingerprint(1)).toThrow(FingerprintError);
  });

  it("wraps an error thrown while reading the value (a throwing getter) naming node and path", () => {
    const value = {
      ok: 1,
      get broken(): number {
        throw new Error("getter exploded");
      },
    };
    const registry = new FingerprinterRegistry();
    expect(() => registry.fingerprint({ inner: value }, { node: "H" })).toThrow(FingerprintError);
    expect(() => registry.fingerprint({ inner: value }, { node: "H" })).toThrow(
      /node "H".*\$\.inner\.broken.*getter exploded/,
    );
  });

  it("validates its options", () => {
    expect(() => new FingerprinterRegistry({ maxDepth: 0 })).toThrow(ConfigurationError);
    expect(() => new FingerprinterRegistry({ maxDepth: 1.5 })).toThrow(/maxDepth/);
    expect(() => new FingerprinterRegistry({ fingerprinters: [{ name: "x" } as unknown as Fingerprinter] })).toThrow(
      ConfigurationError,
    );
    expect(() => new FingerprinterRegistry({ fingerprinters: [moneyByCents, { ...moneyByCents }] })).toThrow(
      /two fingerprinters are named "money"/,
    );
  });
});

describe("values that cannot be fingerprinted", () => {
  it("get a unique fingerprint and one warning per node naming the node and the value's type", () => {
    const warnings: string[] = [];
    const registry = new FingerprinterRegistry({ warn: (m) => warnings.push(m) });
    const value = { handler: () => 1, other: () => 2 };
    const first = registry.fingerprint(value, { node: "F" });
    const second = registry.fingerprint(value, { node: "F" });
    expect(first).not.toBe(second);
    expect(first).toMatch(/^~[A-Za-z0-9_-]{22}$/);
    expect(isUniqueFingerprint(first)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('node "F"');
    expect(warnings[0]).toContain("a function (handler)");
    expect(warnings[0]).toContain("$.handler");
    registry.fingerprint(new WeakMap(), { node: "G" });
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toContain('node "G"');
    expect(warnings[1]).toContain("WeakMap");
  });

  it("warns about a too-deep value naming the depth limit", () => {
    const warnings: string[] = [];
    const registry = new FingerprinterRegistry({ maxDepth: 2, warn: (m) => warnings.push(m) });
    registry.fingerprint({ a: { b: { c: 1 } } }, { node: "deep" });
    expect(warnings[0]).toContain("maxDepth (2)");
    expect(warnings[0]).toContain("$.a.b");
  });

  it("makes the outer value unique when a custom fingerprinter's nested value is opaque", () => {
    const warnings: string[] = [];
    const wrapper: Fingerprinter = {
      name: "wrap",
      accepts: (v) => Array.isArray(v),
      fingerprint: (v, ctx) => ctx.fingerprint({ ...(v as unknown[]) }),
    };
    const registry = new FingerprinterRegistry({ fingerprinters: [wrapper], warn: (m) => warnings.push(m) });
    const value = [Promise.resolve()];
    expect(registry.fingerprint(value, { node: "P" })).not.toBe(registry.fingerprint(value, { node: "P" }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Promise");
  });

  it("uniqueFingerprint never repeats", () => {
    const seen = new Set(Array.from({ length: 1000 }, () => uniqueFingerprint()));
    expect(seen.size).toBe(1000);
  });
});

describe("FingerprinterRegistry.plainFingerprint (taking a value's fingerprint again cheaply)", () => {
  it("equals fingerprint() for a value no custom fingerprinter accepts a part of", () => {
    const registry = new FingerprinterRegistry({ fingerprinters: [moneyByCents] });
    const shared = { s: 1 };
    for (const value of [{ a: [1, "x"], m: new Map([[1, shared]]), again: shared }, [1, 2], "text", null]) {
      expect(registry.plainFingerprint(value, { node: "n" })).toBe(registry.fingerprint(value, { node: "n" }));
    }
  });

  it("is undefined as soon as a custom fingerprinter accepts a part, without running it", () => {
    let runs = 0;
    const counting: Fingerprinter = {
      ...moneyByCents,
      fingerprint: (value, ctx) => (runs++, moneyByCents.fingerprint(value, ctx)),
    };
    const registry = new FingerprinterRegistry({ fingerprinters: [counting] });
    expect(registry.plainFingerprint({ rows: [1, 2], price: new Money(5, "a") })).toBeUndefined();
    expect(registry.plainFingerprint(new Money(5, "a"))).toBeUndefined();
    expect(runs).toBe(0);
  });

  it("gives a value it cannot fingerprint a unique fingerprint, without a warning", () => {
    const warnings: string[] = [];
    const registry = new FingerprinterRegistry({ warn: (message) => warnings.push(message) });
    expect(isUniqueFingerprint(registry.plainFingerprint({ f: () => 1 }, { node: "n" })!)).toBe(true);
    expect(warnings).toEqual([]);
  });
});
