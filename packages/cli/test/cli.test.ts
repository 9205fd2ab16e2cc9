// The `ham` command end to end on a real cache folder: spawned as a process (exit codes, output)
// and run in-process for the remaining commands, config files and progress.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, FileFingerprintRepository, FileResultStore } from "@ham/core";
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { USAGE, runCli } from "../src/main.js";

const TSX = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-cli-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const flow = {
  raw: (size: number) => Array.from({ length: size }, (_, i) => i),
  total: (raw: number[]) => raw.reduce((a, b) => a + b, 0),
};

/** A project folder with a default `.ham_cache` holding three runs (sizes 10, 20, 10). */
async function project(name: string): Promise<string> {
  const dir = path.join(root, name);
  const cache = path.join(dir, ".ham_cache");
  for (const size of [10, 20, 10]) {
    const dr = await new Builder()
      .withModules(flow)
      .withCache({
        fingerprintStore: new FileFingerprintRepository({ path: cache }),
        resultStore: new FileResultStore({ path: cache }),
        logger: { info: () => undefined },
      })
      .build();
    await dr.execute(["total"], { inputs: { size } });
    await dr.close();
  }
  return dir;
}

/** Runs the real `ham` executable (source, through tsx). */
function ham(cwd: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ["--conditions=@ham/source", CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `ham` in this process with captured output. */
async function hamIn(cwd: string, args: string[], tty = false) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    cwd,
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: tty },
  });
  return { code, stdout, stderr };
}

let dir: string;
beforeAll(async () => {
  dir = await project("default");
});

describe("ham as a process", () => {
  it("cache stats prints a table of the default .ham_cache", async () => {
    const { code, stdout, stderr } = await ham(dir, "cache", "stats");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^cache +\.ham_cache$/m);
    expect(stdout).toMatch(/^records +4 \(/m);
    expect(stdout).toMatch(/^results +4 \(/m);
    expect(stdout).toMatch(/^runs +3 \(last just now\)$/m);
    expect(stdout).toMatch(/^hit rate +33% over the last 3 runs \(2 hits, 4 misses\)$/m);
  });

  it("cache gc --json reports what it removed, for scripts", async () => {
    const copy = await project("gc-json");
    const { code, stdout } = await ham(copy, "cache", "gc", "--keep-runs", "1", "--grace", "0", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    // Run 3 (size 10) keeps what run 1 also used; run 2's size-20 entries go.
    expect(report).toMatchObject({
      dryRun: false,
      runsRemoved: 2,
      runsKept: 1,
      entriesRemoved: 2,
      resultsRemoved: 2,
      entriesKept: 2,
      resultsKept: 2,
    });
  });

  it("a usage mistake exits with 2, an error with 1 and a one-line message", async () => {
    const usage = await ham(dir, "cache", "gc", "--max-bytes", "lots");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^ham: --max-bytes must be a size like "5GB", "500MiB"/);
    const missing = await ham(path.join(root), "cache", "stats");
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/^\[ham\] no cache at .*\.ham_cache; run a cached dataflow first/);
  });
});

describe("ham in-process", () => {
  it("cache runs lists the history with hits and misses per run", async () => {
    const { code, stdout } = await hamIn(dir, ["cache", "runs"]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^RUN +STARTED +DURATION +OUTPUTS +NODES +HITS +MISSES +HIT RATE$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(3))).toEqual([
      ["total", "2", "2", "0", "100%"],
      ["total", "2", "0", "2", "0%"],
      ["total", "2", "0", "2", "0%"],
    ]);
    const json = JSON.parse((await hamIn(dir, ["cache", "runs", "--json", "--limit", "1"])).stdout) as {
      hits: number;
    }[];
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ hits: 2, computed: 0, hitRate: 1 });
  });

  it("cache explain takes latest or an id prefix and says why the node hit or ran", async () => {
    const latest = await hamIn(dir, ["cache", "explain", "latest", "total"]);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toMatch(/^outcome +hit$/m);
    const runs = JSON.parse((await hamIn(dir, ["cache", "runs", "--json"])).stdout) as { runId: string }[];
    const second = runs[1]?.runId as string;
    const explained = await hamIn(dir, ["cache", "explain", second.slice(0, 14), "total", "--json"]);
    expect(JSON.parse(explained.stdout)).toMatchObject({
      node: "total",
      runId: second,
      outcome: "computed",
      changedInputs: ["raw"],
    });
    const unknown = await hamIn(dir, ["cache", "explain", "zzz", "total"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no run "zzz" in the history of \.ham_cache; list runs with: ham cache runs/);
  });

  it("cache runs, explain and stats on a malformed run file fail with one line naming the store and the run", async () => {
    const copy = await project("malformed-history");
    fs.writeFileSync(
      path.join(copy, ".ham_cache", "runs", "bad.json"),
      JSON.stringify({ runId: "bad", startedAt: Date.now() + 1000, durationMs: 1, outputs: [], nodes: 5 }),
    );
    for (const args of [
      ["cache", "runs"],
      ["cache", "explain", "latest", "total"],
      ["cache", "explain", "bad", "total"],
      ["cache", "stats"],
    ]) {
      const { code, stderr } = await hamIn(copy, args);
      expect(code, args.join(" ")).toBe(1);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(
        /^\[ham\] store "file:.*\.ham_cache" failed to read run history: run "bad" in the history is malformed \(nodes is 5, not a list\)/,
      );
    }
  });

  it("cache gc --dry-run removes nothing; cache clear empties the cache", async () => {
    const copy = await project("clear");
    const dry = await hamIn(copy, ["cache", "gc", "--keep-runs", "0", "--grace", "0", "--dry-run"]);
    expect(dry.stdout).toMatch(/^would remove +3 runs, 4 records, 4 results \(/m);
    expect(dry.stdout).toMatch(/dry run: nothing was removed/);
    const cleared = await hamIn(copy, ["cache", "clear"]);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toMatch(/^removed +3 runs, 4 records, 4 results \(/m);
    expect((await hamIn(copy, ["cache", "stats", "--json"])).stdout).toMatch(/"entries": 0/);
  });

  it("shows progress on a terminal's stderr only, keeping stdout clean", async () => {
    const copy = await project("progress");
    const { stdout, stderr } = await hamIn(copy, ["cache", "clear", "--json"], true);
    expect(stderr).toMatch(/\[ham\] removing… 8\/8/);
    expect(stdout).not.toContain("\x1b");
    expect(JSON.parse(stdout)).toMatchObject({ resultsRemoved: 4 });
    const quiet = await hamIn(await project("no-tty"), ["cache", "clear"], false);
    expect(quiet.stderr).toBe("");
  });

  it("rejects options of another command and unknown commands with exit code 2", async () => {
    expect((await hamIn(dir, ["cache", "stats", "--keep-runs", "3"])).code).toBe(2);
    expect((await hamIn(dir, ["cache", "purge"])).code).toBe(2);
    // A name Object.prototype has is an unknown command too, not a crash.
    const inherited = await hamIn(dir, ["cache", "toString"]);
    expect(inherited.code).toBe(2);
    expect(inherited.stderr).toMatch(/unknown command "ham cache toString"/);
    expect((await hamIn(dir, ["cache", "explain", "latest"])).stderr).toMatch(
      /explain needs a node: ham cache explain \[run\] <node>/,
    );
    expect((await hamIn(dir, ["--help"])).code).toBe(0);
  });
});

describe("first-use details", () => {
  it("cache explain <node> explains the latest run", async () => {
    const bare = await hamIn(dir, ["cache", "explain", "total", "--json"]);
    const latest = await hamIn(dir, ["cache", "explain", "latest", "total", "--json"]);
    expect(bare.code).toBe(0);
    expect(JSON.parse(bare.stdout)).toEqual(JSON.parse(latest.stdout));
    expect(JSON.parse(bare.stdout)).toMatchObject({ node: "total", outcome: "hit" });
  });

  it("--version and -v print the package version", async () => {
    const { version } = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(await hamIn(dir, ["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect((await hamIn(dir, ["-v"])).stdout).toBe(`${version}\n`);
  });

  it("gc --older-than with a bare number says it needs a unit, without offering milliseconds", async () => {
    const { code, stderr } = await hamIn(dir, ["cache", "gc", "--older-than", "3"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/got "3": a bare number has no unit — write "3d" for 3 days or "3h" for 3 hours/);
    expect(stderr).not.toMatch(/milliseconds/);
  });

  it("a bare gc says which options remove more; with one of them it does not", async () => {
    const copy = await project("gc-bare");
    const bare = await hamIn(copy, ["cache", "gc"]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(
      /^note: no --keep-runs, --max-bytes or --older-than given: gc keeps every run and record/m,
    );
    expect((await hamIn(copy, ["cache", "gc", "--keep-runs", "5"])).stdout).not.toMatch(/no --keep-runs/);
  });

  it("counts are singular for one", async () => {
    const copy = await project("singular");
    const { stdout } = await hamIn(copy, ["cache", "gc", "--keep-runs", "1", "--grace", "0"]);
    expect(stdout).toMatch(/^removed +2 runs, 2 records, 2 results \(/m);
    expect(stdout).toMatch(/^kept +1 run, 2 records, 2 results \(/m);
  });

  it("docs/cache-lifecycle.md shows the usage text as it is, ham worker included", () => {
    const doc = fs.readFileSync(new URL("../../../docs/cache-lifecycle.md", import.meta.url), "utf8");
    expect(USAGE).toMatch(/ham worker/);
    expect(doc).toContain(`\`\`\`\n${USAGE}\`\`\`\n`);
  });
});

describe("ham.config files", () => {
  it("ham.config.mjs can point at its own cache folder (relative to the file)", async () => {
    const proj = await project("config-mjs");
    fs.renameSync(path.join(proj, ".ham_cache"), path.join(proj, "shared-cache"));
    fs.writeFileSync(path.join(proj, "ham.config.mjs"), `export default { path: "shared-cache" };\n`);
    const { code, stdout } = await hamIn(proj, ["cache", "stats"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^cache +ham\.config\.mjs$/m);
    expect(stdout).toMatch(/^records +4 /m);
  });

  it("ham.config.ts exporting stores is loaded through tsx", async () => {
    const proj = await project("config-ts");
    const core = JSON.stringify(fileURLToPath(new URL("../../core/src/index.ts", import.meta.url)));
    fs.writeFileSync(
      path.join(proj, "ham.config.ts"),
      `import { FileFingerprintRepository, FileResultStore } from ${core};
const folder: string = new URL("./.ham_cache", import.meta.url).pathname;
export default () => ({ fingerprintStore: new FileFingerprintRepository({ path: folder }), resultStore: new FileResultStore({ path: folder }) });
`,
    );
    // tsx resolves from the config's folder: link the workspace's node_modules there.
    fs.symlinkSync(fileURLToPath(new URL("../../../node_modules", import.meta.url)), path.join(proj, "node_modules"));
    const { code, stdout, stderr } = await hamIn(proj, ["cache", "runs", "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(3);
  });

  it("a config without tsx available, or with a bad export, fails with one line saying what to do", async () => {
    const proj = path.join(root, "config-bad");
    fs.mkdirSync(proj);
    fs.writeFileSync(path.join(proj, "ham.config.ts"), `export default {};\n`);
    const noTsx = await hamIn(proj, ["cache", "stats"]);
    expect(noTsx.code).toBe(1);
    expect(noTsx.stderr).toMatch(
      /ham\.config\.ts is TypeScript and loading it needs tsx: install it .* or write the config as ham\.config\.mjs/,
    );
    fs.writeFileSync(path.join(proj, "other.mjs"), `export default { resultStore: { get() {} } };\n`);
    const bad = await hamIn(proj, ["cache", "stats", "--config", "other.mjs"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/other\.mjs: "resultStore" is not a ResultStore \(missing has, set, delete\)/);
  });
});

describe("ham worker", () => {
  it("hands over to @ham/executor-bullmq's worker command line", async () => {
    const logged: string[] = [];
    const original = console.log;
    console.log = (...parts: unknown[]) => void logged.push(parts.join(" "));
    try {
      const code = await runCli(["worker", "--help"]);
      expect(code).toBe(0);
    } finally {
      console.log = original;
    }
    expect(logged.join("\n")).toMatch(/usage: ham-worker .*--redis URL/);
  });

  it("reports a bad worker option with exit code 1", async () => {
    const errors: string[] = [];
    const code = await runCli(["worker", "--no-such-option"], {
      stdout: { write: () => true } as never,
      stderr: { write: (text: string) => (errors.push(text), true) } as never,
      cwd: process.cwd(),
    });
    expect(code).toBe(1);
    expect(errors.join("")).toMatch(/no-such-option/);
  });
});
