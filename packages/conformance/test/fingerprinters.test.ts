// The fingerprinter suite passes on the core's default fingerprinter and on a custom one.
import { describeFingerprinter } from "@ham/conformance";
import type { Fingerprinter } from "@ham/core";
import { defaultFingerprinter, hashString } from "@ham/core/fingerprint";

describeFingerprinter(
  "core default fingerprinter",
  () => ({
    fingerprinter: defaultFingerprinter,
    samples: {
      equalPairs: [
        [
          { a: 1, b: [1, 2, { c: "x" }] },
          { a: 1, b: [1, 2, { c: "x" }] },
        ],
        [new Float64Array([1.5, 2.5]), new Float64Array([1.5, 2.5])],
        [new Date(0), new Date(0)],
        [
          new Map<unknown, unknown>([
            ["a", 1],
            [{ k: 2 }, "b"],
          ]),
          new Map<unknown, unknown>([
            ["a", 1],
            [{ k: 2 }, "b"],
          ]),
        ],
        [new Set<unknown>([1, "two", { three: 3 }]), new Set<unknown>([1, "two", { three: 3 }])],
      ],
      // Spec v2: everything JavaScript can observe counts — key, Map and Set insertion order, an
      // array's extra properties, prototypes, shared vs copied sub-objects.
      distinct: [
        1,
        "1",
        1n,
        true,
        null,
        undefined,
        [1],
        [1, 2],
        [2, 1],
        { a: 1 },
        { a: "1" },
        new Float64Array([1]),
        new Float32Array([1]),
        "",
        { x: 0, y: 0 },
        { y: 0, x: 0 },
        new Map([
          ["a", 1],
          ["b", 2],
        ]),
        new Map([
          ["b", 2],
          ["a", 1],
        ]),
        new Set(["a", "b"]),
        new Set(["b", "a"]),
        Object.assign([1, 2], { unit: "kg" }),
        Object.assign([1, 2], { unit: "g" }),
        Object.assign(Object.create(null) as object, { a: 1 }),
        ((shared) => ({ p: shared, q: shared }))({ v: 1 }),
        { p: { v: 1 }, q: { v: 1 } },
      ],
    },
  }),
  {
    skip: {
      accepts: "the default fingerprinter accepts every value, so there is nothing it rejects",
      registry: "the default fingerprinter is the registry's fallback, never registered as a custom one",
    },
  },
);

/** A custom fingerprinter for a small class: fingerprints by its `id` only, ignoring the cache field. */
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
    readonly cached: unknown = undefined,
  ) {}
}
const pointFingerprinter: Fingerprinter = {
  name: "point",
  accepts: (value) => value instanceof Point,
  fingerprint: (value, ctx) =>
    hashString(`${(value as Point).x},${(value as Point).y}:${ctx.fingerprint([(value as Point).x])}`),
};

describeFingerprinter("a custom Point fingerprinter", () => ({
  fingerprinter: pointFingerprinter,
  samples: {
    equalPairs: [[new Point(1, 2), new Point(1, 2, "memo")]],
    distinct: [new Point(1, 2), new Point(2, 1), new Point(0, 0), new Point(-0.5, 1e9)],
    rejected: [{ x: 1, y: 2 }, 1, "point", null],
  },
}));
