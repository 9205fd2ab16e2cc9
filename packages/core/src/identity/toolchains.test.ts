// One source, one code version, whatever compiled it (issue 23): a cache written by a process that
// ran the TypeScript through tsx is all hits for a process running tsc's build of the same files,
// and the other way round, and for vitest's transform in this process.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Builder } from "../driver/builder.js";

const exec = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const bin = (name: string) => join(here, "../../../../node_modules/.bin", name);
const fixture = join(here, "../../test/fixtures/toolchain-flow");
const root = mkdtempSync(join(tmpdir(), "ham-toolchains-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface ChildRun {
  readonly versions: Record<string, string>;
  readonly outcomes: Record<string, string>;
  readonly result: unknown;
}

const child = `
import { pathToFileURL } from "node:url";
import { Builder } from ${JSON.stringify(join(here, "../index.ts"))};
const [modulePath, cache] = process.argv.slice(2);
const flow = await import(pathToFileURL(modulePath).href);
const dr = await new Builder().withModules(flow).withCache({ path: cache, logger: {} }).build();
const result = await dr.execute(["summary"]);
const outcomes = Object.fromEntries(Object.entries(dr.cache.lastRun).map(([n, r]) => [n, r.outcome]));
console.log(JSON.stringify({ versions: dr.cache.codeVersions, outcomes, result }));
`;

/** Runs the dataflow at `modulePath` (a .ts run through tsx, or compiled .js) in a new process over `cache`. */
async function runIn(modulePath: string, cache: string): Promise<ChildRun> {
  const { stdout } = await exec(bin("tsx"), [join(root, "child.mts"), modulePath, cache], {
    cwd: root,
    timeout: 90_000,
  });
  return JSON.parse(stdout.trim().split("\n").pop() as string) as ChildRun;
}

const hitsOnly = (outcomes: Record<string, string>) => Object.values(outcomes).every((o) => o === "hit");

describe("code versions across toolchains", () => {
  const builds: Record<string, string> = {};

  beforeAll(async () => {
    cpSync(fixture, root, { recursive: true });
    writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(root, "child.mts"), child);
    const tsc = async (out: string, target: string, module: string) => {
      const args = [
        "--outDir",
        join(root, out),
        "--rootDir",
        join(root, "src"),
        "--target",
        target,
        "--module",
        module,
        "--moduleResolution",
        module === "NodeNext" ? "NodeNext" : "Node10",
      ];
      await exec(
        bin("tsc"),
        [
          ...args,
          "--strict",
          "--skipLibCheck",
          "--esModuleInterop",
          join(root, "src/flow.ts"),
          join(root, "src/lib/util.ts"),
        ],
        { timeout: 120_000 },
      );
    };
    await tsc("dist-es2022", "ES2022", "NodeNext");
    builds["tsc ES2022 ESM"] = join(root, "dist-es2022/flow.js");
    await tsc("dist-es2020-cjs", "ES2020", "CommonJS");
    writeFileSync(join(root, "dist-es2020-cjs/package.json"), JSON.stringify({ type: "commonjs" }));
    builds["tsc ES2020 CommonJS"] = join(root, "dist-es2020-cjs/flow.js");
    builds["tsx"] = join(root, "src/flow.ts");
  }, 240_000);

  it("a cache written under tsx is all hits for tsc's build, and the other way round", async () => {
    const fromTsx = join(root, "cache-tsx-first");
    const first = await runIn(builds.tsx as string, fromTsx);
    expect(first.outcomes.summary).toBe("computed");
    const second = await runIn(builds["tsc ES2022 ESM"] as string, fromTsx);
    expect(second.versions).toEqual(first.versions);
    expect(second.result).toEqual(first.result);
    expect(hitsOnly(second.outcomes)).toBe(true);

    const fromTsc = join(root, "cache-tsc-first");
    const third = await runIn(builds["tsc ES2022 ESM"] as string, fromTsc);
    expect(third.outcomes.summary).toBe("computed");
    const fourth = await runIn(builds.tsx as string, fromTsc);
    expect(hitsOnly(fourth.outcomes)).toBe(true);

    // tsc's CommonJS build for ES2020 reads the same cache: all hits.
    const cjs = await runIn(builds["tsc ES2020 CommonJS"] as string, fromTsx);
    expect(cjs.versions).toEqual(first.versions);
    expect(hitsOnly(cjs.outcomes)).toBe(true);

    // And vitest's transform of the same source, in this process.
    const flow = (await import(/* @vite-ignore */ pathToFileURL(builds.tsx as string).href)) as object;
    const dr = await new Builder().withModules(flow).withCache({ path: fromTsx, logger: {} }).build();
    expect(await dr.execute(["summary"])).toEqual(first.result);
    expect(dr.cache.codeVersions).toEqual(first.versions);
  }, 240_000);
});
