// Key rotation across processes sharing one cache folder, keys given in HAM_SIGNING_KEY: process A
// signs with k1; B ("k2,k1") still hits A's entries and signs new ones with k2; C (k2 only) hits
// B's entries and refuses A's (misses with a warning, recomputed).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { tempFolder } from "./support.js";

const TSX = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
const coreEntry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
const flowFile = fileURLToPath(new URL("./fixtures/two-nodes.ts", import.meta.url));
const folder = tempFolder("ham-rotation-");
afterAll(() => folder.cleanup());

const K1 = "k1-rotation-0123456789abcdef";
const K2 = "k2-rotation-fedcba9876543210";

const script = path.join(folder.path, "signed-run.mts");
fs.writeFileSync(
  script,
  `// Child of signing-rotation.test.ts: one signed run (keys from HAM_SIGNING_KEY) on a shared folder.
import { Builder } from ${JSON.stringify(coreEntry)};
import * as flow from ${JSON.stringify(flowFile)};
const [dir, x] = process.argv.slice(2);
const warnings = [];
const dr = await new Builder().withModules(flow).withCache({ path: dir, logger: { warn: (m) => warnings.push(m) } }).build();
const out = await dr.execute(["B"], { inputs: { x: Number(x) } });
await dr.close();
process.stdout.write(JSON.stringify({ out, warnings, outcomes: Object.values(dr.cache.lastRun).filter((r) => r.outcome !== "input").map((r) => r.node + ":" + r.outcome) }));
`,
);

/** Runs one signed run in a new process with HAM_SIGNING_KEY = `keys`. */
function processWith(
  keys: string,
  x: number,
): Promise<{ out: Record<string, number>; warnings: string[]; outcomes: string[] }> {
  const cache = path.join(folder.path, "cache");
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ["--conditions=@ham/source", script, cache, String(x)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, HAM_SIGNING_KEY: keys },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", () => {
      try {
        resolve(JSON.parse(out) as never);
      } catch {
        reject(new Error(`child printed no JSON: ${out}\n${err}`));
      }
    });
  });
}

describe("signing keys rotate across processes", () => {
  it("A signs with k1; B (k2,k1) hits A's entries and writes with k2; C (k2) hits B's and refuses A's", async () => {
    const a = await processWith(K1, 1);
    expect(a.outcomes).toEqual(["A:computed", "B:computed"]);
    expect(a.warnings).toEqual([]);

    const bOld = await processWith(`${K2},${K1}`, 1);
    expect(bOld.out).toEqual({ B: 4 });
    expect(bOld.outcomes).toEqual(["A:hit", "B:hit"]);
    expect(bOld.warnings).toEqual([]);
    const bNew = await processWith(`${K2},${K1}`, 2);
    expect(bNew.outcomes).toEqual(["A:computed", "B:computed"]);

    const cNew = await processWith(K2, 2);
    expect(cNew.out).toEqual({ B: 6 });
    expect(cNew.outcomes).toEqual(["A:hit", "B:hit"]);
    expect(cNew.warnings).toEqual([]);
    const cOld = await processWith(K2, 1);
    expect(cOld.out).toEqual({ B: 4 });
    expect(cOld.outcomes).toEqual(["A:computed", "B:computed"]);
    expect(
      cOld.warnings.some(
        (w) => w.includes("has a wrong signature") && w.includes("signed with a key not in signingKey"),
      ),
    ).toBe(true);
  }, 60_000);
});
