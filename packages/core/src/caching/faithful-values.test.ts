// Issue 16 cases 6–8 end to end: a node's value from a warm run (a hit) is observably the value of the
// fresh run, through memory and file stores; a value the codec cannot keep is refused with one warning
// naming the path inside it, and the next run computes it again.
import { afterAll, describe, expect, it } from "vitest";
import { RecordingLogger, memoryCache, tempFolder } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { firstDifference } from "../testing/observable.js";

class Point {
  constructor(readonly x: number) {}
}
class AppError extends Error {}

const folders: { cleanup: () => void }[] = [];
afterAll(() => {
  for (const folder of folders) folder.cleanup();
});

type Stores = "memory" | "file";
function cacheOptions(stores: Stores): { logger: RecordingLogger } & Record<string, unknown> {
  if (stores === "memory") return memoryCache();
  const folder = tempFolder("ham-faithful-");
  folders.push(folder);
  return { path: folder.path, logger: new RecordingLogger() };
}

/** Runs `mod` fresh, then warm with a new driver on the same stores. */
async function freshAndWarm(stores: Stores, mod: Record<string, () => unknown>) {
  const options = cacheOptions(stores);
  const names = Object.keys(mod);
  const first = await new Builder().withModules(mod).withCache(options).build();
  const fresh = await first.execute(names);
  await first.close();
  const second = await new Builder().withModules(mod).withCache(options).build();
  const warm = await second.execute(names);
  const outcomes = Object.fromEntries(names.map((name) => [name, second.cache.lastRun[name]?.outcome]));
  await second.close();
  return { fresh, warm, outcomes, warnings: options.logger.warnings };
}

const shared = (): unknown => {
  const leaf = { n: 1 };
  const cyclic: Record<string, unknown> = { leaf };
  cyclic.self = cyclic;
  return { a: leaf, b: leaf, cyclic };
};

const kept: Record<string, () => unknown> = {
  // case 6: errors
  errorWithCode: () => Object.assign(new Error("no file"), { code: "ENOENT", path: "/x" }),
  errorWithName: () => Object.assign(new RangeError("late"), { name: "TimeoutError" }),
  errorWithCause: () => ({ rows: [{ err: new TypeError("bad", { cause: { code: 7 } }) }] }),
  aggregate: () => new AggregateError([new Error("one")], "many"),
  // case 7: binary data
  floats: () => new Float64Array([1.5, -0, Number.NaN]),
  buffer: () => Buffer.from("hello world"),
  bytes: () => ({ u8: new Uint8Array([1, 2, 3]), view: new DataView(new ArrayBuffer(4)), raw: new ArrayBuffer(2) }),
  // case 8: other losses
  nullPrototype: () => Object.assign(Object.create(null) as object, { b: 1, a: 2 }),
  lastIndex: () => Object.assign(/a/g, { lastIndex: 3 }),
  arrayExtras: () => Object.assign([1, 2], { unit: "kg" }),
  sparse: () => [1, , 3],
  ordered: () => ({
    map: new Map([
      ["z", 1],
      ["a", 2],
    ]),
    set: new Set(["z", "a"]),
    keys: { y: 1, x: 2 },
  }),
  shared,
  numbers: () => [-0, Number.NaN, new Number(-0), new String("s"), Object(2n) as object],
  frozen: () => Object.freeze({ list: Object.freeze([1]) }),
};

// Module-level nodes (a node closing over a local would get a factory warning of its own).
const calls: Record<string, number> = {};
const count = (name: string): void => {
  calls[name] = (calls[name] ?? 0) + 1;
};
const refusedNodes: Record<string, () => unknown> = {
  userError: () => (count("userError"), { rows: [1, 2, 3, { err: new AppError("x") }] }),
  classInstance: () => (count("classInstance"), { p: new Point(1) }),
  getter: () => (
    count("getter"),
    {
      o: {
        get total() {
          return 1;
        },
      },
    }
  ),
  symbolKey: () => (count("symbolKey"), [{ [Symbol("id")]: 1 }]),
  hidden: () => (count("hidden"), Object.defineProperty({ a: 1 }, "secret", { value: 2, enumerable: false })),
  viewAtOffset: () => (count("viewAtOffset"), { v: new Float64Array(8).subarray(2, 5) }),
  dateExtras: () => (count("dateExtras"), Object.assign(new Date(0), { tz: "UTC" })),
};
const refusedWarnings: Record<string, RegExp> = {
  userError: /class AppError|AppError at \$\.rows\[3\]\.err/,
  classInstance: /class Point|Point at \$\.p/,
  getter: /node "value": its result is not cached .*accessor property \(getter\/setter\) at \$\.o\.total/,
  symbolKey: /\[Symbol\(id\)\] at \$\[0\]/,
  hidden: /non-enumerable own property "secret" at \$/,
  viewAtOffset: /node "value".*Float64Array viewing bytes 16–40 of a 64-byte ArrayBuffer.* at \$\.v/,
  dateExtras: /Date with an own property "tz" at \$/,
};

describe.each(["memory", "file"] as const)("a warm run returns what the fresh run returned (%s stores)", (stores) => {
  it("for errors with own props, binary data and every other kept shape (cases 6–8)", async () => {
    const { fresh, warm, outcomes, warnings } = await freshAndWarm(stores, kept);
    expect(warnings).toEqual([]);
    for (const name of Object.keys(kept)) {
      expect(outcomes[name], name).toBe("hit");
      expect(firstDifference(fresh[name], warm[name]), name).toBeUndefined();
    }
    expect((warm.errorWithCode as { code?: string }).code).toBe("ENOENT");
    expect((warm.errorWithName as Error).name).toBe("TimeoutError");
  });

  it("binary data from the cache owns exactly its bytes (case 7)", async () => {
    const { warm } = await freshAndWarm(stores, {
      floats: kept.floats as () => unknown,
      buffer: kept.buffer as () => unknown,
    });
    const floats = warm.floats as Float64Array;
    expect([floats.byteOffset, floats.buffer.byteLength, new Float64Array(floats.buffer).length]).toEqual([0, 24, 3]);
    const buffer = warm.buffer as Buffer;
    expect(Buffer.isBuffer(buffer)).toBe(true);
    expect([buffer.byteOffset, buffer.buffer.byteLength]).toEqual([0, 11]);
    expect(Buffer.from(buffer.buffer).toString()).toBe("hello world");
  });

  // Refused by the codec (its warning names the path) or, first, by the fingerprinter (a unique
  // fingerprint: never stored). Either way each run computes the node and warns once.
  it.each(Object.keys(refusedNodes))(
    "%s is not cached: one warning per run naming it, computed again",
    async (name) => {
      calls[name] = 0;
      const { outcomes, warnings } = await freshAndWarm(stores, { value: refusedNodes[name] as () => unknown });
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(refusedWarnings[name] as RegExp);
      expect(warnings[1]).toBe(warnings[0]);
      expect(outcomes.value).toBe("computed");
      expect(calls[name]).toBe(2);
    },
  );
});
