// Later builds in one process give a node the code version its first build gave (no per-process
// cache may change what a version is made of), a new process gives the same, and an edited helper
// file still changes it.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { buildGraph } from "../graph/graph.js";
import { computeCodeIdentities } from "./code-identity.js";
import { sourceWork } from "./source-reads.js";
import { moduleFrom, outcomes, root } from "./test-helpers.js";
import { Builder } from "../driver/builder.js";

const files = (divisor: string) => ({
  "dataflow.mjs":
    'import { scaled } from "./helpers.ts";\nexport const A = () => 10;\nexport const B = (A) => scaled(A);\n',
  "helpers.ts": `const RATE: number = 2;\nexport function scaled(x: number): number { return (x * RATE) / ${divisor}; }\nexport const unrelated = (): string => "not used by B";\n`,
});

const identitiesOf = (module: Record<string, unknown>) =>
  computeCodeIdentities(buildGraph([module], { allowOverride: false, config: {} }), { modules: [module] });

describe("code versions over repeated builds in one process", () => {
  it("a node importing a helper from a sibling file gets the same version on every build, made from the helper", async () => {
    const { module } = await moduleFrom(files("10"));
    const builds = [identitiesOf(module)];
    const before = { ...sourceWork };
    builds.push(identitiesOf(module), identitiesOf(module));
    // Later builds reuse what the first one read: no file or script is read or parsed again.
    expect({ reads: sourceWork.reads - before.reads, parses: sourceWork.parses - before.parses }).toEqual({
      reads: 0,
      parses: 0,
    });
    const versions = builds.map((b) => b.get("B")?.version);
    expect(versions[1]).toBe(versions[0]);
    expect(versions[2]).toBe(versions[0]);
    // Made from the helper it calls (followed into helpers.ts), on every build, never from the whole file.
    for (const identities of builds)
      expect(Object.keys(identities.get("B")?.parts ?? {})).toEqual([
        "own code",
        "helper `scaled` in helpers.ts",
        "constant `RATE` in helpers.ts",
      ]);
  });

  it("the same files loaded again give the same version; an edited helper file, loaded fresh, gives another", async () => {
    const first = await moduleFrom(files("10"));
    const before = [identitiesOf(first.module), identitiesOf(first.module)].map((b) => b.get("B")?.version);
    const again = await moduleFrom(files("10"));
    expect(identitiesOf(again.module).get("B")?.version).toBe(before[0]);
    const edited = await moduleFrom(files("5"));
    const after = [identitiesOf(edited.module), identitiesOf(edited.module)].map((b) => b.get("B")?.version);
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).toBe(after[0]);
    // A node that does not reach the helper keeps its version.
    expect(identitiesOf(edited.module).get("A")?.version).toBe(identitiesOf(first.module).get("A")?.version);
  });
});

const here = fileURLToPath(new URL(".", import.meta.url));
const exec = promisify(execFile);

/** A new process (tsx) that builds a cached driver over `entry` `builds` times and runs "B" with the last. */
const child = `
import { pathToFileURL } from "node:url";
import { Builder } from ${JSON.stringify(join(here, "../index.ts"))};
const [entry, cache, builds] = process.argv.slice(2);
const flow = await import(pathToFileURL(entry).href);
const versions = [];
let dr;
for (let i = 0; i < Number(builds); i++) {
  dr = await new Builder().withModules(flow).withCache({ path: cache, logger: {} }).build();
  versions.push(dr.cache.codeVersions.B);
}
const result = await dr.execute(["B"]);
const outcomes = Object.fromEntries(Object.entries(dr.cache.lastRun).map(([n, r]) => [n, r.outcome]));
console.log(JSON.stringify({ versions, outcomes, result }));
`;

async function inChild(entry: string, cache: string, builds: number) {
  const script = join(root, "repeat-builds-child.mts");
  writeFileSync(script, child);
  const tsx = join(here, "../../../../node_modules/.bin/tsx");
  const { stdout } = await exec(tsx, [script, entry, cache, String(builds)], { cwd: root, timeout: 90_000 });
  return JSON.parse(stdout.trim().split("\n").pop() as string) as {
    versions: string[];
    outcomes: Record<string, string>;
    result: Record<string, unknown>;
  };
}

describe("code versions across builds and processes", () => {
  it("a cache written by a later build in one process is all hits for a new process's first build, and the other way round", async () => {
    const { module, dir } = await moduleFrom(files("10"));
    const entry = join(dir, "dataflow.mjs");
    // This process: the first build, then a later one that writes the cache.
    const cache = join(dir, "cache-parent");
    const first = await new Builder().withModules(module).withCache({ path: cache, logger: {} }).build();
    const later = await new Builder().withModules(module).withCache({ path: cache, logger: {} }).build();
    expect(later.cache.codeVersions.B).toBe(first.cache.codeVersions.B);
    expect(await later.execute(["B"])).toEqual({ B: (10 * 2) / 10 });
    expect(outcomes(later.cache.lastRun)).toEqual({ A: "computed", B: "computed" });
    // A new process's first build reads that cache: the same versions, all hits.
    const fresh = await inChild(entry, cache, 1);
    expect(fresh.versions).toEqual([first.cache.codeVersions.B]);
    expect(fresh.outcomes).toEqual({ A: "hit", B: "hit" });
    expect(fresh.result).toEqual({ B: 2 });
    // A cache written by a new process's second build is all hits here, for a later build of this process.
    const childCache = join(dir, "cache-child");
    const written = await inChild(entry, childCache, 2);
    expect(written.versions).toEqual([first.cache.codeVersions.B, first.cache.codeVersions.B]);
    expect(written.outcomes).toEqual({ A: "computed", B: "computed" });
    const reader = await new Builder().withModules(module).withCache({ path: childCache, logger: {} }).build();
    expect(await reader.execute(["B"])).toEqual({ B: 2 });
    expect(outcomes(reader.cache.lastRun)).toEqual({ A: "hit", B: "hit" });
  }, 120_000);
});
