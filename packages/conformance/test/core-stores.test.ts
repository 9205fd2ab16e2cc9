// The core's built-in stores (memory and file) pass the conformance suites, as a third party's would.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeFingerprintRepository, describeResultStore, folderSnapshot } from "@ham/conformance";
import { afterAll } from "vitest";
import { FileFingerprintRepository, FileResultStore, MemoryFingerprintRepository, MemoryResultStore } from "@ham/core";

const root = mkdtempSync(join(tmpdir(), "ham-conformance-core-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const inMemory = "in-memory store: every instance starts empty, nothing persists";

// The instance is the whole medium of a memory store: its snapshot is what a plain open lists.
describeResultStore("MemoryResultStore", () => new MemoryResultStore(), {
  skip: { persistence: inMemory, sharedAccess: inMemory },
  snapshot: async ({ instance }) => {
    await instance.open?.();
    const entries: unknown[] = [];
    for await (const entry of instance.list!()) entries.push(entry);
    await instance.close?.();
    return entries;
  },
});
describeFingerprintRepository("MemoryFingerprintRepository", () => new MemoryFingerprintRepository(), {
  skip: { persistence: inMemory, sharedAccess: inMemory },
  snapshot: async ({ instance }) => {
    await instance.open?.();
    const entries: unknown[] = [];
    for await (const entry of instance.entries!()) entries.push(entry);
    const runs = await instance.listRuns!();
    await instance.close?.();
    return { entries, runs };
  },
});

const folderOf = ({ namespace }: { namespace: string }) => join(root, namespace);
const cleanup = (ctx: { namespace: string }) => rmSync(folderOf(ctx), { recursive: true, force: true });
const snapshot = (ctx: { namespace: string }) => folderSnapshot(folderOf(ctx));

describeResultStore("FileResultStore", (ctx) => new FileResultStore({ path: folderOf(ctx) }), { cleanup, snapshot });
describeFingerprintRepository(
  "FileFingerprintRepository",
  (ctx) => new FileFingerprintRepository({ path: folderOf(ctx) }),
  { cleanup, snapshot },
);
