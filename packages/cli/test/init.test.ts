// `ham init` in an empty folder and in a fresh `npm init -y` project: the starter it writes runs, and its
// second run is all cache hits; nothing a user already has is overwritten.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/main.js";

const TSX = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
const CORE = fileURLToPath(new URL("../../core", import.meta.url));
const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-init-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function init(cwd: string, args: string[] = []) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["init", ...args], {
    cwd,
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

/** A folder whose node_modules/@ham/core is this workspace's core (what `npm install` would add). */
function folder(name: string, packageJson?: object): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, "node_modules", "@ham"), { recursive: true });
  fs.symlinkSync(CORE, path.join(dir, "node_modules", "@ham", "core"), "dir");
  if (packageJson) fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(packageJson, null, 2));
  return dir;
}

/** What `npm start` runs (tsx main.ts), against core's source. */
function start(cwd: string): string {
  const child = spawnSync(TSX, ["--conditions=@ham/source", "main.ts"], { cwd, encoding: "utf8" });
  expect(child.status, child.stderr).toBe(0);
  return child.stdout;
}

describe("ham init", () => {
  it("in a fresh npm init -y project (CommonJS): the starter runs, and its second run is all hits", async () => {
    const dir = folder("npm-init", {
      name: "npm-init",
      version: "1.0.0",
      scripts: { test: 'echo "Error: no test specified" && exit 1' },
      license: "ISC",
      type: "commonjs",
    });
    const { code, stdout } = await init(dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^wrote dataflow\.ts, main\.ts, sales\.csv, tsconfig\.json, \.gitignore, package\.json/);
    expect(stdout).toMatch(/npm install +# adds @ham\/core, tsx, typescript, @types\/node/);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Record<
      string,
      Record<string, string>
    >;
    expect(pkg.type).toBe("commonjs");
    expect(pkg.scripts).toEqual({
      test: 'echo "Error: no test specified" && exit 1',
      start: "tsx main.ts",
      typecheck: "tsc --noEmit",
    });
    expect(pkg.dependencies).toEqual({ "@ham/core": expect.stringMatching(/^\^\d+\.\d+\.\d+$/) });
    expect(Object.keys(pkg.devDependencies ?? {})).toEqual(["tsx", "typescript", "@types/node"]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8"))).toMatchObject({
      compilerOptions: { module: "nodenext", strict: true },
    });
    expect(fs.readFileSync(path.join(dir, ".gitignore"), "utf8")).toContain(".ham_cache/");

    expect(start(dir)).toBe(
      "12.50 EUR\n4 nodes: 0 from cache, 4 computed\ntotal: computed: first run — no earlier run in the history computed or read this node\n",
    );
    // The summary adds " · saved ~12ms" when the hits had taken 10 ms or more to compute.
    expect(start(dir)).toMatch(
      /^12\.50 EUR\n4 nodes: 4 from cache, 0 computed( · saved ~\S+)?\ntotal: hit: same code version and same input fingerprints as a stored result\n$/,
    );
  });

  it("in an empty folder it writes package.json too, and the starter runs as an ES module as well", async () => {
    const dir = folder("empty");
    expect((await init(dir)).code).toBe(0);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg).toMatchObject({ name: "empty", private: true, scripts: { start: "tsx main.ts" } });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ ...pkg, type: "module" }));
    expect(start(dir)).toMatch(/^12\.50 EUR\n4 nodes: 0 from cache, 4 computed\n/);
    expect(start(dir)).toMatch(/^12\.50 EUR\n4 nodes: 4 from cache, 0 computed( · saved ~\S+)?\n/);
  });

  it("never overwrites: existing starter files stop it, an existing start script is kept and named", async () => {
    const dir = folder("taken", { name: "taken", scripts: { start: "node server.js" } });
    fs.writeFileSync(path.join(dir, "main.ts"), "// mine\n");
    const refused = await init(dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ham init would overwrite main\.ts in .*; run it in an empty folder/);
    expect(fs.readFileSync(path.join(dir, "main.ts"), "utf8")).toBe("// mine\n");
    fs.rmSync(path.join(dir, "main.ts"));
    const done = await init(dir);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(
      /kept your own script "start" \(node server\.js\): the starter runs with npx tsx main\.ts/,
    );
    expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))).toMatchObject({
      scripts: { start: "node server.js", typecheck: "tsc --noEmit" },
    });
  });
});
