// esbuild's parameter renames (`(rate) => …` emitted as `(rate2) => …`) are undone only on a source
// map's word: a plain-JavaScript parameter really called `rate2` keeps its own name and input.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { buildSync } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import type { Logger } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../stores/index.js";

const root = mkdtempSync(join(tmpdir(), "ham-renames-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function debugLogger() {
  const debug: string[] = [];
  const logger: Logger = { debug: (m: string) => void debug.push(m) };
  return {
    debug,
    cache: {
      fingerprintStore: new MemoryFingerprintRepository(),
      resultStore: new MemoryResultStore(),
      logger,
      logLevel: "debug" as const,
    },
  };
}

describe("a parameter named like a renamed one", () => {
  it("in an object of functions, `rate2` is the input rate2, not node rate", async () => {
    const { debug, cache } = debugLogger();
    const dr = await new Builder()
      .withModules({ rate: () => 0.1, cost: (rate2: number) => rate2 * 100 })
      .withCache(cache)
      .build();
    expect(await dr.execute(["cost"], { inputs: { rate2: 0.5 } })).toEqual({ cost: 50 });
    expect(debug.filter((m) => m.includes("renamed by the compiler"))).toEqual([]);
  });

  it("in a plain JavaScript module with a top-level `rate`, `rate2` stays an input", async () => {
    const file = join(root, "plain.mjs");
    writeFileSync(file, "export const rate = () => 0.1;\nexport const cost = (rate2) => rate2 * 100;\n");
    const flow = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as object;
    const dr = await new Builder().withModules(flow).build();
    expect(dr.listInputs().map((i) => i.name)).toEqual(["rate2"]);
    expect(await dr.execute(["cost"], { inputs: { rate2: 0.5 } })).toEqual({ cost: 50 });
    // The same file given with withModuleSource (no inspector): still its own name.
    const given = await new Builder().withModules(flow).withModuleSource(flow, file).build();
    expect(await given.execute(["cost"], { inputs: { rate2: 0.5 } })).toEqual({ cost: 50 });
  });

  it("an esbuild bundle whose source map says the parameter was `rate` depends on node rate (withModuleSource)", async () => {
    writeFileSync(
      join(root, "flow.ts"),
      "export const rate = (): number => 0.1;\nexport const cost = (rate: number): number => rate * 100;\n",
    );
    const file = join(root, "bundle.mjs");
    buildSync({
      entryPoints: [join(root, "flow.ts")],
      bundle: true,
      format: "esm",
      sourcemap: true,
      outfile: file,
      logLevel: "silent",
    });
    const flow = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { cost: () => number };
    expect(String(flow.cost)).toMatch(/rate2/);
    const { debug, cache } = debugLogger();
    const dr = await new Builder().withModules(flow).withModuleSource(flow, file).withCache(cache).build();
    expect(dr.listInputs()).toEqual([]);
    expect(await dr.execute(["cost"])).toEqual({ cost: 10 });
    expect(debug.filter((m) => m.includes("renamed by the compiler"))).toEqual([
      '[ham] node "cost": parameter "rate2" is "rate" in the original source (renamed by the compiler); it depends on node "rate"',
    ]);
  });

  it("the same bundle without a source map: no evidence, so `rate2` stays an input (never a guessed binding)", async () => {
    const file = join(root, "bundle-nomap.mjs");
    buildSync({ entryPoints: [join(root, "flow.ts")], bundle: true, format: "esm", outfile: file, logLevel: "silent" });
    const flow = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as object;
    const dr = await new Builder().withModules(flow).withModuleSource(flow, file).build();
    expect(dr.listInputs().map((i) => i.name)).toEqual(["rate2"]);
    expect(await dr.execute(["cost"], { inputs: { rate2: 0.5 } })).toEqual({ cost: 50 });
  });
});

describe("a TypeScript module run through tsx (esbuild really renamed the parameter)", () => {
  const run = promisify(execFile);
  const here = fileURLToPath(new URL(".", import.meta.url));
  const tsx = join(here, "../../../../node_modules/.bin/tsx");

  it.each(["flow.ts", "flow.mts"])(
    "%s: `(rate: number)` still depends on node rate, with a debug note",
    async (name) => {
      const dir = mkdtempSync(join(root, "tsx-"));
      writeFileSync(
        join(dir, name),
        "export const rate = (): number => 0.1;\nexport const cost = (rate: number): number => rate * 100;\n",
      );
      writeFileSync(
        join(dir, "child.mts"),
        `
import { Builder, MemoryFingerprintRepository, MemoryResultStore } from ${JSON.stringify(join(here, "../index.ts"))};
const flow = await import("./${name}");
const debug: string[] = [];
const dr = await new Builder().withModules(flow).withCache({ fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore(), logger: { debug: (m: string) => debug.push(m) }, logLevel: "debug" }).build();
console.log(JSON.stringify({ text: String(flow.cost), result: await dr.execute(["cost"]), debug: debug.filter((m) => m.includes("renamed")) }));
`,
      );
      const { stdout } = await run(tsx, [join(dir, "child.mts")], { cwd: dir, timeout: 60_000 });
      const out = JSON.parse(stdout.trim().split("\n").pop() as string) as {
        text: string;
        result: unknown;
        debug: string[];
      };
      expect(out.text).toMatch(/rate2/); // the rename really happened
      expect(out.result).toEqual({ cost: 10 });
      expect(out.debug).toHaveLength(1);
    },
    120_000,
  );
});
