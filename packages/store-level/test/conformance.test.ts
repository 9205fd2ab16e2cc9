// LevelResultStore and LevelFingerprintRepository pass @ham/conformance, called as a third party would.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeFingerprintRepository, describeResultStore, folderSnapshot } from "@ham/conformance";
import { LevelFingerprintRepository, LevelResultStore } from "@ham/store-level";
import { Level } from "level";
import { afterAll } from "vitest";

const root = mkdtempSync(join(tmpdir(), "ham-store-level-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cleanup = ({ namespace }: { namespace: string }) =>
  rmSync(join(root, namespace), { recursive: true, force: true });
// A read-only { location } store reads a private copy: the folder itself must not change at all.
const snapshot = ({ namespace }: { namespace: string }) => folderSnapshot(join(root, namespace));
const oneProcess = "LevelDB locks its directory: one open instance (one process) at a time";

describeResultStore(
  "LevelResultStore { location }",
  ({ namespace }) => new LevelResultStore({ location: join(root, namespace) }),
  {
    cleanup,
    snapshot,
    skip: { sharedAccess: oneProcess },
  },
);

describeFingerprintRepository(
  "LevelFingerprintRepository { location }",
  ({ namespace }) => new LevelFingerprintRepository({ location: join(root, namespace) }),
  { cleanup, snapshot, skip: { sharedAccess: oneProcess } },
);

// Both classes on one shared database: each namespace is a sublevel of it, so both suites write
// into the same LevelDB at once — proof that the two stores' sublevels do not interfere.
const shared = new Level(join(root, "shared"));
afterAll(() => shared.close());

/** Every key and value under the namespace's sublevel (the stores' own sublevels nest inside it). */
async function sublevelSnapshot({ namespace }: { namespace: string }): Promise<string[]> {
  const out: string[] = [];
  const sublevel = shared.sublevel<Uint8Array, Uint8Array>(namespace, { keyEncoding: "view", valueEncoding: "view" });
  for await (const [key, value] of sublevel.iterator())
    out.push(`${Buffer.from(key).toString("hex")}=${Buffer.from(value).toString("hex")}`);
  return out;
}

// Here two instances may be open at once (they share the in-process database), so sharedAccess runs.
describeResultStore(
  "LevelResultStore { db } (shared database)",
  ({ namespace }) => new LevelResultStore({ db: shared.sublevel(namespace) as unknown as Level }),
  {
    snapshot: sublevelSnapshot,
  },
);
describeFingerprintRepository(
  "LevelFingerprintRepository { db } (shared database)",
  ({ namespace }) => new LevelFingerprintRepository({ db: shared.sublevel(namespace) as unknown as Level }),
  { snapshot: sublevelSnapshot },
);
