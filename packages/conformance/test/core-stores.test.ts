// The core's built-in stores (memory and file) pass the conformance suites, as a third party's would.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeFingerprintRepository, describeResultStore } from "@ham/conformance";
import { afterAll } from "vitest";
import { FileFingerprintRepository, FileResultStore, MemoryFingerprintRepository, MemoryResultStore } from "@ham/core";

const root = mkdtempSync(join(tmpdir(), "ham-conformance-core-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const inMemory = "in-memory store: every instance starts empty, nothing persists";

describeResultStore("MemoryResultStore", () => new MemoryResultStore(), {
  skip: { persistence: inMemory, sharedAccess: inMemory },
});
describeFingerprintRepository("MemoryFingerprintRepository", () => new MemoryFingerprintRepository(), {
  skip: { persistence: inMemory, sharedAccess: inMemory },
});

describeResultStore("FileResultStore", ({ namespace }) => new FileResultStore({ path: join(root, namespace) }), {
  cleanup: ({ namespace }) => rmSync(join(root, namespace), { recursive: true, force: true }),
});
describeFingerprintRepository(
  "FileFingerprintRepository",
  ({ namespace }) => new FileFingerprintRepository({ path: join(root, namespace) }),
  { cleanup: ({ namespace }) => rmSync(join(root, namespace), { recursive: true, force: true }) },
);
