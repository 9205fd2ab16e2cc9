// Property-based tests (fast-check): fingerprints are deterministic and tell different values apart,
// encodeDict round-trips any dict, and the parameter parser fails only with HamError.
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeDict, encodeDict } from "../../src/caching/encode-dict.js";
import { isUniqueFingerprint } from "../../src/caching/unique.js";
import { isHamError } from "../../src/errors.js";
import { fingerprintValue, hashingReady } from "../../src/fingerprint/index.js";
import { parseParams } from "../../src/graph/parse.js";

const RUNS = Number(process.env.HAM_FUZZ_RUNS ?? 300);
const quiet = { warn: () => undefined };
const fp = (value: unknown) => fingerprintValue(value, quiet);
beforeAll(() => hashingReady());

/** Arbitrary values of the kinds ham fingerprints (no functions or symbols: those get one-time fingerprints). */
const values = fc.anything({
  maxDepth: 3,
  maxKeys: 6,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withNullPrototype: true,
  withSparseArray: false,
  withBoxedValues: false,
});

describe("fingerprint properties", () => {
  it("equal values give equal fingerprints: a structuredClone copy fingerprints like the original", () => {
    fc.assert(
      fc.property(values, (value) => {
        const first = fp(value);
        fc.pre(!isUniqueFingerprint(first));
        // structuredClone keeps order and sharing but gives null-prototype objects Object.prototype.
        expect(fp(restoreNullPrototypes(value, structuredClone(value)))).toBe(first);
        expect(fp(value)).toBe(first);
      }),
      { numRuns: RUNS },
    );
  });

  it("structurally different values give different fingerprints", () => {
    fc.assert(
      fc.property(values, values, (a, b) => {
        // isDeepStrictEqual ignores key, Map and Set order (which the fingerprint keeps), so values it
        // tells apart must get different fingerprints (prototypes included).
        fc.pre(!isDeepStrictEqual(a, b));
        const [fa, fb] = [fp(a), fp(b)];
        fc.pre(!isUniqueFingerprint(fa) && !isUniqueFingerprint(fb));
        expect(fa).not.toBe(fb);
      }),
      { numRuns: RUNS },
    );
  });

  it("a small change deep inside a value changes its fingerprint", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.integer(), tags: fc.array(fc.string(), { maxLength: 3 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(),
        (rows, at) => {
          const changed = structuredClone(rows);
          const row = changed[at % changed.length]!;
          row.id = row.id === Number.MAX_SAFE_INTEGER ? 0 : row.id + 1;
          expect(fp(changed)).not.toBe(fp(rows));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("encodeDict", () => {
  it("round-trips any string dict, and equal dicts (in any key order) encode equally", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string(), { maxKeys: 12 }), (dict) => {
        const encoded = encodeDict(dict);
        expect(encoded).toMatch(/^[A-Za-z0-9_.-]+$/);
        expect(decodeDict(encoded)).toEqual(dict);
        const reversed = Object.fromEntries(Object.entries(dict).reverse());
        expect(encodeDict(reversed)).toBe(encoded);
      }),
      { numRuns: RUNS },
    );
  });

  it("decodeDict of arbitrary text returns a dict or throws a HamError, nothing else", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `f1.${s}`),
          fc.base64String().map((s) => `f1.${s.replace(/=/g, "")}`),
        ),
        (text) => {
          try {
            const dict = decodeDict(text);
            expect(typeof dict).toBe("object");
          } catch (error) {
            expect(isHamError(error), String(error)).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

// Pieces of parameter lists and bodies, some valid, many odd: comments, strings with brackets and
// arrows, defaults with nested functions, destructuring, rest, unicode names.
const identifier = fc.constantFrom(
  "a",
  "b",
  "_x",
  "$y",
  "café",
  "ÿ",
  "await",
  "of",
  "async",
  "let",
  "static",
  "yield",
  "π2",
);
const expression = fc.oneof(
  fc.constantFrom(
    "1",
    "'a,b)'",
    '"=>"',
    "`t${1}`",
    "() => 1",
    "(x) => ({ y: x })",
    "[1, [2]]",
    "{ a: 1 }",
    "/re)/g",
    "a",
    "void 0",
    "new Map()",
  ),
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
);
const comment = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 10 }).map((s) => `/*${s.replace(/\*\//g, "")}*/`),
  fc.string({ maxLength: 10 }).map((s) => `//${s.replace(/[\n\r\u2028\u2029]/g, "")}\n`),
);
const param = fc.oneof(
  identifier,
  fc.tuple(identifier, expression).map(([n, e]) => `${n} = ${e}`),
  fc.array(identifier, { maxLength: 3 }).map((ns) => `{ ${ns.join(", ")} }`),
  fc.array(identifier, { maxLength: 3 }).map((ns) => `[${ns.join(", ")}]`),
  identifier.map((n) => `...${n}`),
  fc.tuple(identifier, identifier).map(([a, b]) => `{ ${a}: ${b} = 2 }`),
);
const functionSource = fc
  .tuple(
    fc.array(fc.tuple(comment, param), { maxLength: 4 }),
    comment,
    fc.constantFrom("arrow", "function", "async", "generator", "method", "class"),
    expression,
  )
  .map(([params, c, form, body]) => {
    const list = params.map(([pc, p]) => `${pc}${p}`).join(", ");
    switch (form) {
      case "arrow":
        return `(${list}) ${c}=> ${body}`;
      case "function":
        return `function f(${list}) ${c}{ return ${body}; }`;
      case "async":
        return `async (${list}) => ${body}`;
      case "generator":
        return `function* g(${list}) { yield ${body}; }`;
      case "method":
        return `({ m(${list}) { return ${body}; } }).m`;
      default:
        return `class K { constructor(${list}) {} }`;
    }
  });

describe("parameter parser", () => {
  it("on arbitrary function sources returns parameters or throws a HamError, never anything else", () => {
    let parsed = 0;
    fc.assert(
      fc.property(functionSource, (source) => {
        let fn: (...args: never[]) => unknown;
        try {
          fn = (0, eval)(`(${source})`) as (...args: never[]) => unknown;
        } catch {
          fc.pre(false); // not valid JavaScript: no function to parse
          return;
        }
        try {
          const result = parseParams(fn, "fuzzed");
          expect(Array.isArray(result.deps)).toBe(true);
          parsed++;
        } catch (error) {
          expect(isHamError(error), `${source}\n→ ${String(error)}`).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    expect(parsed).toBeGreaterThan(0);
  });
});

/** `copy` (a structuredClone of `original`) with the null prototypes `original` had, restored in place. */
function restoreNullPrototypes(original: unknown, copy: unknown): unknown {
  if (original === null || typeof original !== "object" || copy === null || typeof copy !== "object") return copy;
  if (Object.getPrototypeOf(original) === null && Object.getPrototypeOf(copy) !== null)
    Object.setPrototypeOf(copy, null);
  if (original instanceof Map && copy instanceof Map) {
    const [keys, copies] = [[...original.keys()], [...copy.keys()]];
    keys.forEach((key, i) => {
      restoreNullPrototypes(key, copies[i]);
      restoreNullPrototypes(original.get(key), copy.get(copies[i]));
    });
  } else if (original instanceof Set && copy instanceof Set) {
    const copies = [...copy];
    [...original].forEach((item, i) => {
      restoreNullPrototypes(item, copies[i]);
    });
  } else {
    for (const key of Object.keys(original))
      restoreNullPrototypes((original as Record<string, unknown>)[key], (copy as Record<string, unknown>)[key]);
  }
  return copy;
}
