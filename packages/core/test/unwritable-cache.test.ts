// A warm cache folder that cannot be written (read-only mount, another user's folder): a run whose
// nodes all hit still returns its outputs with onStoreError "warn", and otherwise fails with a
// StoreError saying the folder is not writable and pointing at readOnly — not a bare EROFS.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Builder } from "../src/driver/builder.js";
import { StoreError } from "../src/errors.js";
import * as flow from "./fixtures/two-nodes.js";
import { RecordingLogger, tempFolder } from "./support.js";

async function runIn(dir: string, onStoreError?: "warn") {
  const logger = new RecordingLogger();
  const dr = await new Builder()
    .withModules(flow)
    .withCache({ path: dir, logger, ...(onStoreError ? { onStoreError } : {}) })
    .build();
  try {
    const out = await dr.execute(["B"], { inputs: { x: 1 } });
    return { out, warnings: logger.warnings, outcomes: Object.values(dr.cache.lastRun).map((r) => r.outcome) };
  } finally {
    await dr.close();
  }
}

describe("saveRun on a read-only file system (EROFS injected at the fs layer)", () => {
  let folder: ReturnType<typeof tempFolder>;
  beforeEach(async () => {
    folder = tempFolder("ham-erofs-");
    await runIn(folder.path); // warm: every node hits from now on
    const openSync = fs.openSync;
    // Every new file is refused, as on a read-only mount (reads still work).
    vi.spyOn(fs, "openSync").mockImplementation(((file: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
      // Numeric flags without a write bit (the result store opens with O_RDONLY | O_NONBLOCK) are reads too.
      const writes =
        typeof flags === "number"
          ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT)) !== 0
          : flags !== "r";
      if (flags !== undefined && writes) {
        throw Object.assign(new Error(`EROFS: read-only file system, open '${String(file)}'`), {
          code: "EROFS",
          errno: -30,
          syscall: "open",
        });
      }
      return openSync(file, flags ?? "r", mode);
    }) as typeof fs.openSync);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    folder.cleanup();
  });

  it('with onStoreError "warn", an all-hit run warns and returns its outputs', async () => {
    const warm = await runIn(folder.path, "warn");
    expect(warm.out).toEqual({ B: 4 });
    expect(warm.outcomes).toEqual(["input", "hit", "hit"]);
    expect(warm.warnings).toHaveLength(1);
    expect(warm.warnings[0]).toMatch(
      /failed to save run: .*EROFS.* the cache folder .* is not writable; .*withCache\(\{ readOnly: true \}\).*continuing without the cache/,
    );
  });

  it("by default, the run fails with a StoreError saying the folder is not writable and suggesting readOnly", async () => {
    const failure = await runIn(folder.path).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toContain(`the cache folder ${folder.path} is not writable`);
    expect((failure as Error).message).toContain("pass withCache({ readOnly: true })");
  });

  it("with readOnly: true the same folder serves every node and writes nothing", async () => {
    const logger = new RecordingLogger();
    const dr = await new Builder().withModules(flow).withCache({ path: folder.path, logger, readOnly: true }).build();
    expect(await dr.execute(["B"], { inputs: { x: 1 } })).toEqual({ B: 4 });
    expect(logger.warnings).toEqual([]);
    await dr.close();
  });
});

// The real thing: another user (nobody) runs on a warm cache folder owned by root. Needs root (to
// switch users) and runuser; tests run as root in CI and in the dev container.
const canSwitchUser = process.getuid?.() === 0 && fs.existsSync("/usr/sbin/runuser");
const TSX = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
const coreEntry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
const flowFile = fileURLToPath(new URL("./fixtures/two-nodes.ts", import.meta.url));

describe.skipIf(!canSwitchUser)("a warm cache folder another user cannot write (EACCES, runuser -u nobody)", () => {
  let folder: ReturnType<typeof tempFolder>;
  beforeEach(() => {
    folder = tempFolder("ham-eacces-");
    fs.chmodSync(folder.path, 0o755); // readable by nobody, writable by root only
  });
  afterEach(() => folder.cleanup());

  it('"warn" returns the outputs with a warning; the default fails naming the folder and readOnly', async () => {
    const cache = path.join(folder.path, "cache");
    const script = path.join(folder.path, "other-user.mts");
    fs.writeFileSync(
      script,
      `import { Builder } from ${JSON.stringify(coreEntry)};
import * as flow from ${JSON.stringify(flowFile)};
const warnings = [];
const onStoreError = process.argv[3];
const dr = await new Builder().withModules(flow).withCache({ path: process.argv[2], logger: { warn: (m) => warnings.push(m) }, ...(onStoreError === "warn" ? { onStoreError } : {}) }).build();
try {
  const out = await dr.execute(["B"], { inputs: { x: 1 } });
  process.stdout.write(JSON.stringify({ out, warnings, outcomes: Object.values(dr.cache.lastRun).map((r) => r.outcome) }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: error.name, message: error.message }));
}
`,
    );
    // Child processes on both sides: tsx and vitest transpile the fixture's source differently.
    const child = (user: "root" | "nobody", mode: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const command = [TSX, "--conditions=@ham/source", script, cache, mode];
        const child =
          user === "root"
            ? spawn(TSX, command.slice(1), { stdio: ["ignore", "pipe", "pipe"] })
            : spawn("runuser", ["-u", "nobody", "--", ...command], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("close", () => {
          try {
            resolve(JSON.parse(out) as Record<string, unknown>);
          } catch {
            reject(new Error(`child printed no JSON: ${out}\n${err}`));
          }
        });
      });
    expect((await child("root", "default")).outcomes).toEqual(["input", "computed", "computed"]);
    const warned = await child("nobody", "warn");
    expect(warned.out).toEqual({ B: 4 });
    expect(warned.outcomes).toEqual(["input", "hit", "hit"]);
    expect(warned.warnings).toEqual([
      expect.stringMatching(/failed to save run: .*EACCES.* the cache folder .* is not writable; .*readOnly: true/),
    ]);
    const failed = await child("nobody", "default");
    expect(failed.error).toBe("StoreError");
    expect(failed.message).toContain(`the cache folder ${cache} is not writable`);
    expect(failed.message).toContain("withCache({ readOnly: true })");
  }, 60_000);
});
