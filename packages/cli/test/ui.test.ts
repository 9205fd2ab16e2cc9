// `ham ui`: options, the cache it opens (like the other commands) and its lifetime; the page
// itself is tested in @ham/ui (in Chromium).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Builder } from "@ham/core";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/main.js";
import { UI_USAGE, runUi } from "../src/ui.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-cli-ui-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function captured() {
  const io = { out: "", err: "" };
  return {
    io,
    cli: {
      cwd: root,
      stdout: { write: (t: string) => (io.out += t) },
      stderr: { write: (t: string) => (io.err += t) },
    },
  };
}

describe("ham ui", () => {
  it("--help prints its options, and ham --help lists it", async () => {
    const help = captured();
    expect(await runCli(["ui", "--help"], help.cli)).toBe(0);
    expect(help.io.out).toBe(UI_USAGE);
    const top = captured();
    expect(await runCli(["--help"], top.cli)).toBe(0);
    expect(top.io.out).toContain("ham ui [ui options]");
  });

  it("serves the cache of --cache-dir on 127.0.0.1, prints the URL, and stops when told", async () => {
    const cacheDir = path.join(root, "cache");
    const dr = await new Builder()
      .withModules({ double: (x: number) => x * 2 })
      .withCache({ path: cacheDir, logger: {} })
      .build();
    await dr.execute(["double"], { inputs: { x: 2 } });
    await dr.close();
    const { io, cli } = captured();
    const stop = new AbortController();
    const exit = runUi(["--cache-dir", cacheDir, "--port", "0", "--keep-runs", "5"], cli, stop.signal);
    await expect
      .poll(() => io.out, { timeout: 15_000 })
      .toMatch(/^ham ui: http:\/\/127\.0\.0\.1:\d+\/ {2}\(cache: cache; Ctrl-C stops\)\n$/);
    const url = /http:\/\/\S+/.exec(io.out)?.[0] as string;
    const runs = (await (await fetch(`${url}api/runs`)).json()) as { outputs: string[]; computed: number }[];
    expect(runs.map((r) => [r.outputs, r.computed])).toEqual([[["double"], 1]]);
    const meta = (await (await fetch(`${url}api/meta`)).json()) as { allowGc: boolean; gc: object };
    expect(meta).toMatchObject({ allowGc: false, gc: { keepRuns: 5 } });
    stop.abort();
    expect(await exit).toBe(0);
    await expect(fetch(`${url}api/runs`)).rejects.toThrow();
  });

  it("fails with one line for a bad option or a missing cache", async () => {
    const badPort = captured();
    expect(await runUi(["--port", "eighty"], badPort.cli, AbortSignal.abort())).toBe(1);
    expect(badPort.io.err).toBe('[ham] --port must be a whole number like 10, got "eighty"\n');
    const unknown = captured();
    expect(await runUi(["--bogus"], unknown.cli, AbortSignal.abort())).toBe(2);
    expect(unknown.io.err).toMatch(/^ham: Unknown option '--bogus'/);
    const missing = captured();
    expect(await runUi(["--cache-dir", "nowhere"], missing.cli, AbortSignal.abort())).toBe(1);
    expect(missing.io.err).toMatch(/^\[ham\] no cache at .*nowhere; run a cached dataflow first/);
  });
});
