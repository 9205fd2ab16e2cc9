// Equal values get equal fingerprints in separate processes, whatever Buffer-pool offset, object
// identities and allocation history each process happened to have; insertion order is part of the
// value (spec v2 and later), so the same order gives the same fingerprint and another order another one.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprintVectors } from "../../../conformance/src/vectors/index.js";
import { fingerprintValue, hashingReady } from "./index.js";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const tsx = join(here, "../../../../node_modules/.bin/tsx");
const workDir = mkdtempSync(join(tmpdir(), "ham-fp-determinism-"));
const script = join(workDir, "child.mts");

// The child builds the same values, after other allocations chosen by its argument, and prints
// their fingerprints (and those of the values built in reverse order).
const childSource = `
import { fingerprintValue, hashingReady } from ${JSON.stringify(join(here, "index.ts"))};
import { fingerprintVectors } from ${JSON.stringify(join(here, "../../../conformance/src/vectors/index.ts"))};
const reversed = process.argv[2] === "reversed";
// Unrelated objects first (other identity hashes, other heap layout) in the "reversed" child.
const noise = reversed ? Array.from({ length: 1000 }, (_, i) => new Map([[i, { i }]])) : [];
const order = <T,>(items: T[], flip = false): T[] => (flip ? [...items].reverse() : items);
await hashingReady();
const build = (flip: boolean) => order([["alpha", 1], ["beta", [1, 2]], ["gamma", { x: new Set(order([1, 2, 3], flip)) }]] as [string, unknown][], flip);
const entries = build(false);
const flipped = build(true);
const offset = reversed ? 40 : 8;
// A Buffer is its bytes, wherever it sits in its ArrayBuffer (Node's pool).
const backing = new Float64Array(offset / 8 + 4);
const view = Buffer.from(backing.buffer, offset, 24);
new Float64Array(backing.buffer, offset, 3).set([0.1, 0.2, 0.3]);
const out: Record<string, string> = {
  object: fingerprintValue(Object.fromEntries(entries)),
  map: fingerprintValue(new Map(entries)),
  set: fingerprintValue(new Set(["a", 1, 2n, { k: [true] }])),
  flippedObject: fingerprintValue(Object.fromEntries(flipped)),
  flippedMap: fingerprintValue(new Map(flipped)),
  flippedSet: fingerprintValue(new Set(order(["a", 1, 2n, { k: [true] }], true))),
  view: fingerprintValue(view),
  pid: String(process.pid),
  noise: String(noise.length),
};
for (const vector of fingerprintVectors) out["vector:" + vector.name] = fingerprintValue(vector.make());
console.log(JSON.stringify(out));
`;

beforeAll(async () => {
  await hashingReady();
  writeFileSync(script, childSource);
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

async function child(order: "forward" | "reversed"): Promise<Record<string, string>> {
  const { stdout } = await run(tsx, ["--conditions=@ham/source", script, order], { cwd: workDir, timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, string>;
}

describe("fingerprints across processes", () => {
  it("two child processes give the same fingerprints for equal values, another insertion order another one", async () => {
    const [forward, reversed] = await Promise.all([child("forward"), child("reversed")]);
    expect(forward["pid"]).not.toBe(reversed["pid"]);
    expect(reversed["noise"]).not.toBe(forward["noise"]);
    for (const key of ["pid", "noise"]) {
      delete forward[key];
      delete reversed[key];
    }
    expect(reversed).toEqual(forward);
    for (const kind of ["object", "map", "set"]) {
      expect(forward[`flipped${kind[0]!.toUpperCase()}${kind.slice(1)}`], kind).not.toBe(forward[kind]);
    }
    // …and the same as this process.
    expect(forward["view"]).toBe(fingerprintValue(Buffer.from(new Float64Array([0.1, 0.2, 0.3]).buffer)));
    expect(forward["object"]).toBe(fingerprintValue({ alpha: 1, beta: [1, 2], gamma: { x: new Set([1, 2, 3]) } }));
    expect(forward["flippedObject"]).toBe(
      fingerprintValue({ gamma: { x: new Set([3, 2, 1]) }, beta: [1, 2], alpha: 1 }),
    );
    for (const vector of fingerprintVectors)
      expect(forward[`vector:${vector.name}`], vector.name).toBe(vector.fingerprint);
  }, 120_000);
});
