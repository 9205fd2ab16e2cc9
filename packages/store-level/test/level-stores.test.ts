// Behaviour specific to the LevelDB stores: one database for both, options, the one-process lock.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError, StoreError } from "@ham/core";
import { LevelFingerprintRepository, LevelResultStore } from "@ham/store-level";
import { Level } from "level";
import { afterAll, describe, expect, it } from "vitest";

const root = mkdtempSync(join(tmpdir(), "ham-store-level-unit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const meta = { node: "F", codeVersion: "v1", createdAt: 1 };

describe("one LevelDB database holds both stores", () => {
  it("the repository and the result store share a Level instance without seeing each other's keys", async () => {
    const db = new Level(join(root, "both"));
    const repository = new LevelFingerprintRepository({ db });
    const results = new LevelResultStore({ db });
    await repository.set("sameKey", "fp1", meta);
    await results.set("sameKey", new Uint8Array([1, 2, 3]));
    expect(await repository.get("sameKey")).toBe("fp1");
    expect([...((await results.get("sameKey")) ?? [])]).toEqual([1, 2, 3]);
    expect(await repository.getMany(["sameKey"])).toEqual(["fp1"]);
    const repositoryKeys: string[] = [];
    for await (const entry of repository.entries()) repositoryKeys.push(entry.contextKey);
    expect(repositoryKeys).toEqual(["sameKey"]);

    // Closing the stores leaves a database they did not open open for its owner.
    await repository.close();
    await results.close();
    expect(db.status).toBe("open");
    await db.close();

    const reopened = new Level(join(root, "both"));
    const again = new LevelResultStore({ db: reopened });
    expect([...((await again.get("sameKey")) ?? [])]).toEqual([1, 2, 3]);
    expect(await new LevelFingerprintRepository({ db: reopened }).get("sameKey")).toBe("fp1");
    await reopened.close();
  });

  it("a store opens lazily on first use, without open()", async () => {
    const store = new LevelResultStore({ location: join(root, "lazy") });
    expect(await store.has("k")).toBe(false);
    await store.set("k", new Uint8Array([9]));
    expect(await store.has("k")).toBe(true);
    await store.close();
  });

  it("the store name says where the data lives", () => {
    expect(new LevelResultStore({ location: "/data/cache" }).name).toBe("level:/data/cache");
    expect(new LevelFingerprintRepository({ db: new Level(join(root, "named")) }).name).toBe(
      `level:${join(root, "named")}`,
    );
  });
});

describe("options are validated when constructed", () => {
  it("missing options, an empty location, both options or a non-Level db are configuration errors", () => {
    expect(() => new LevelResultStore(undefined as never)).toThrow(ConfigurationError);
    expect(() => new LevelResultStore({ location: "" })).toThrow(
      /option "location" must be a non-empty directory path/,
    );
    expect(() => new LevelFingerprintRepository({ location: "x", db: new Level(join(root, "x")) } as never)).toThrow(
      /either \{ location \} or \{ db \}, not both/,
    );
    expect(() => new LevelFingerprintRepository({ db: {} as never })).toThrow(/option "db" must be a Level instance/);
  });
});

describe("LevelDB allows one process at a time", () => {
  it("opening a location another process holds fails with a StoreError that says what to use instead", async () => {
    const location = join(root, "locked");
    const holder = await holdLock(location);
    try {
      const store = new LevelResultStore({ location });
      const error = await store.open().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).store).toBe(`level:${location}`);
      expect((error as StoreError).message).toMatch(/already open in another process/);
      expect((error as StoreError).message).toMatch(/LevelDB allows one process at a time/);
      expect((error as StoreError).message).toMatch(/@ham\/store-postgres or @ham\/store-s3/);
      expect((error as StoreError).cause).toBeDefined();
    } finally {
      holder.kill();
    }
  });

  it("two stores given the same location in one process: the second gets the same clear error", async () => {
    const location = join(root, "twice");
    const repository = new LevelFingerprintRepository({ location });
    await repository.open();
    await expect(new LevelResultStore({ location }).get("k")).rejects.toThrow(/pass \{ db \} to both/);
    await repository.close();
  });

  it("a closed store fails with a StoreError, and open() after close() reopens with the data intact", async () => {
    const repository = new LevelFingerprintRepository({ location: join(root, "reopen") });
    await repository.set("k", "fp", meta);
    await repository.close();
    await expect(repository.get("k")).rejects.toThrow(/the store is closed; call open\(\)/);
    await repository.open();
    expect(await repository.get("k")).toBe("fp");
    await repository.close();
  });
});

/** Starts a separate Node process that opens `location` and keeps it open until killed. */
async function holdLock(location: string): Promise<ChildProcess> {
  const script = `import("level").then(async ({ Level }) => { await new Level(${JSON.stringify(location)}).open(); process.stdout.write("ready\\n"); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: new URL("..", import.meta.url),
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the lock-holding process exited early (code ${code})`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve();
    });
  });
  return child;
}
