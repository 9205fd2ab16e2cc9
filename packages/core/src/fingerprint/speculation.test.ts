// Speculative numbering (speculation.ts): the encoder assumes no object repeats and checks in
// batches. Every fingerprint must equal the numbering path's (speculation switched off), whether
// the repeat sits
// among the first objects, after the first batch check, or is a cycle; values whose size explodes
// without the memo must still finish; and a value without repeats is read exactly once.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Fingerprinter } from "../contracts.js";
import { FingerprintError } from "../errors.js";
import { speculativeNumbering } from "./encoder.js";
import { FingerprinterRegistry, fingerprintValue, hashingReady } from "./index.js";

beforeAll(async () => {
  await hashingReady();
});

afterEach(() => {
  speculativeNumbering.enabled = true;
});

/** The fingerprint on the numbering path (ObjectNumbers from the first object). */
function numbered(value: unknown, registry?: FingerprinterRegistry): string {
  speculativeNumbering.enabled = false;
  try {
    return registry ? registry.fingerprint(value) : fingerprintValue(value);
  } finally {
    speculativeNumbering.enabled = true;
  }
}

function records(n: number): { id: number; tags: string[] }[] {
  return Array.from({ length: n }, (_, i) => ({ id: i, tags: [`t${i}`] }));
}

/** o = {a: p, b: p}, p = {a: q, b: q}, … `levels` deep: 2^levels paths, `levels` + 1 objects. */
function doublingDag(levels: number): object {
  let node: object = { leaf: true };
  for (let i = 0; i < levels; i++) node = { a: node, b: node };
  return node;
}

describe("speculative sharing check", () => {
  const shared = { s: 1 };
  const cases: Record<string, () => unknown> = {
    "no repeat, few objects": () => ({ a: { b: [1, 2] }, c: [{ d: 3 }] }),
    "no repeat, 5000 objects": () => records(2500),
    "repeat among the first objects": () => ({ a: shared, b: shared }),
    "repeat after 12 objects": () => [...records(10), shared, shared],
    "repeat after the first batch check": () => [...records(3000), shared, { x: shared }],
    "repeat across batch checks": () => {
      const list = records(1500);
      return [...list, list[3]];
    },
    "a cycle": () => {
      const o: Record<string, unknown> = { name: "o" };
      o.self = o;
      return [o, records(5)];
    },
    "a ring of 50 objects (followed without the memo, deeper than maxDepth)": () => {
      const ring: Record<string, unknown>[] = Array.from({ length: 50 }, (_, i) => ({ i }));
      ring.forEach((node, i) => {
        node.next = ring[(i + 1) % ring.length];
      });
      return ring[0];
    },
    "a shared Map and array": () => {
      const m = new Map([["k", [1]]]);
      return { m, again: m, arr: m.get("k") };
    },
  };
  for (const [name, make] of Object.entries(cases)) {
    it(`gives the numbering path's fingerprint: ${name}`, () => {
      const fingerprint = fingerprintValue(make());
      expect(fingerprint.startsWith("~")).toBe(false); // a real fingerprint, not a unique one
      expect(fingerprint).toBe(numbered(make()));
    });
  }

  it("tells a shared object from two copies, wherever the repeat is found", () => {
    const copies = [...records(3000), { s: 1 }, { x: { s: 1 } }];
    expect(fingerprintValue(cases["repeat after the first batch check"]!())).not.toBe(fingerprintValue(copies));
  });

  it("finishes on a value whose paths double at each level (40 levels: 2^40 paths, 41 objects)", () => {
    const dag = doublingDag(40);
    expect(fingerprintValue(dag)).toBe(numbered(dag));
  });

  it("reads each property of a value without repeats once", () => {
    let reads = 0;
    const value = {
      rows: records(2000),
      get total() {
        reads++;
        return 42;
      },
    };
    fingerprintValue(value);
    expect(reads).toBe(1);
  });

  it("reports a throwing getter with its path, once, when no object repeated before it", () => {
    let reads = 0;
    const value = {
      rows: records(3),
      inner: {
        get broken(): number {
          reads++;
          throw new Error("boom");
        },
      },
    };
    expect(() => fingerprintValue(value, { node: "n" })).toThrow(FingerprintError);
    expect(() => fingerprintValue(value, { node: "n" })).toThrow(/\$\.inner\.broken.*boom/);
    expect(reads).toBe(2); // once per call above
  });

  it("reports an unfingerprintable part with its path as the numbering path does", () => {
    const warnings: string[] = [];
    const registry = new FingerprinterRegistry({ warn: (message) => warnings.push(message) });
    const value = { rows: records(2000), handler: () => 1 };
    const fingerprint = registry.fingerprint(value, { node: "n" });
    expect(fingerprint.startsWith("~")).toBe(true);
    expect(warnings.join("\n")).toMatch(/\$\.handler/);
  });

  it("leaves a value with a part a custom fingerprinter accepts to the numbering path, calling it once", () => {
    let calls = 0;
    class Money {
      constructor(readonly cents: number) {}
    }
    const money: Fingerprinter = {
      name: "money",
      accepts: (value) => value instanceof Money,
      fingerprint: (value) => {
        calls++;
        return String((value as Money).cents);
      },
    };
    const registry = new FingerprinterRegistry({ fingerprinters: [money] });
    const shared = { s: 1 };
    const value = () => ({ rows: records(2000), price: new Money(5), a: shared, b: shared });
    const fingerprint = registry.fingerprint(value());
    expect(calls).toBe(1);
    expect(fingerprint).toBe(numbered(value(), registry));
    const plain = () => ({ rows: records(2000), a: shared, b: shared });
    expect(registry.fingerprint(plain())).toBe(numbered(plain(), registry));
  });
});
