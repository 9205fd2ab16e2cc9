// HAM_DEBUG / HAM_LOG_LEVEL in a real process with plain withCache(): the default logger writes them to stderr.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const coreEntry = pathToFileURL(fileURLToPath(new URL("../index.ts", import.meta.url))).href;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-log-env-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// .mts: an ES module wherever the temp folder is (top-level await).
const script = path.join(root, "main.mts");
fs.writeFileSync(
  script,
  `import { Builder } from ${JSON.stringify(coreEntry)};
const dr = await new Builder().withModules({ A: () => 7, B: (A: number) => A * 2 }).withCache().build();
const out = await dr.execute(["B"]);
process.stdout.write("B=" + out.B + "\\n");
`,
);

/** Runs the script in its own cache folder with `env` added; returns stdout and stderr. */
function run(name: string, env: Record<string, string>) {
  const cwd = path.join(root, name);
  fs.mkdirSync(cwd);
  const clean = { ...process.env };
  delete clean.HAM_DEBUG;
  delete clean.HAM_LOG_LEVEL;
  const child = spawnSync(process.execPath, ["--import", TSX_LOADER, script], {
    cwd,
    env: { ...clean, ...env },
    encoding: "utf8",
  });
  expect(child.status, child.stderr).toBe(0);
  return { stdout: child.stdout, stderr: child.stderr };
}

describe("log levels from the environment with the default logger", () => {
  it("HAM_DEBUG=1 prints one line per node decision on stderr, stdout stays the program's", () => {
    const { stdout, stderr } = run("debug", { HAM_DEBUG: "1" });
    expect(stdout).toBe("B=14\n");
    expect(stderr).toMatch(/\[ham\] debug node "A": computed/);
    expect(stderr).toMatch(/\[ham\] debug node "B": computed/);
  });

  it("HAM_LOG_LEVEL=info prints the summary line but no decisions", () => {
    const { stderr } = run("info", { HAM_LOG_LEVEL: "info" });
    expect(stderr).toMatch(/\[ham\] 2 nodes: .*2 computed/);
    expect(stderr).not.toMatch(/debug node/);
  });

  it("without either, nothing is printed", () => {
    expect(run("quiet", {}).stderr).toBe("");
  });
});
