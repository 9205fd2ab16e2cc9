// explain(node) before anything ran in this process: it reads the newest run from the repository's history.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { memoryCache } from "../../test/support.js";
import { Builder } from "../driver/builder.js";

const mod = { A: (x: number) => x * 2, B: (A: number) => A + 1 };

describe("explain in a fresh driver", () => {
  it("a second driver on the same stores explains the first driver's last run", async () => {
    const stores = memoryCache();
    const first = await new Builder().withModules(mod).withCache(stores).build();
    await first.execute(["B"], { inputs: { x: 1 } });
    await first.execute(["B"], { inputs: { x: 1 } });
    const second = await new Builder().withModules(mod).withCache(stores).build();
    const explanation = await second.cache.explain("B");
    expect(explanation.runId).toBe(first.cache.lastRunId);
    expect(explanation.outcome).toBe("hit");
    expect(String(explanation)).toBe("B: hit: same code version and same input fingerprints as a stored result");
  });

  it("says the history is empty, or that the node was not in the newest run", async () => {
    const stores = memoryCache();
    const dr = await new Builder().withModules(mod).withCache(stores).build();
    await expect(dr.cache.explain("B")).rejects.toThrow(/nothing has run yet \(the history of .* is empty\)/);
    await dr.execute(["A"], { inputs: { x: 1 } });
    const fresh = await new Builder().withModules(mod).withCache(stores).build();
    await expect(fresh.cache.explain("B")).rejects.toThrow(
      new RegExp(`node "B" did not take part in run ${dr.cache.lastRunId}`),
    );
  });
});

describe("explain across processes on one file cache", () => {
  const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const coreEntry = pathToFileURL(fileURLToPath(new URL("../index.ts", import.meta.url))).href;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-explain-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const script = path.join(root, "main.mts");
  fs.writeFileSync(
    script,
    `import { Builder } from ${JSON.stringify(coreEntry)};
const dr = await new Builder().withModules({ A: (x: number) => x * 2, B: (A: number) => A + 1 }).withCache().build();
const [mode, value] = process.argv.slice(2);
if (mode === "run") await dr.execute(["B"], { inputs: { x: Number(value) } });
else process.stdout.write(String(await dr.cache.explain("A")) + "\\n");
`,
  );
  const run = (...args: string[]) => {
    const child = spawnSync(process.execPath, ["--import", TSX_LOADER, script, ...args], {
      cwd: root,
      encoding: "utf8",
    });
    expect(child.status, child.stderr).toBe(0);
    return child.stdout;
  };

  it("a new process explains the previous process's run from .ham_cache/", () => {
    run("run", "1");
    run("run", "2");
    expect(run("explain")).toMatch(/^A: computed: input "x" changed since run \S+\n$/);
  });
});
