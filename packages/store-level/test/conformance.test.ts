// LevelResultStore and LevelFingerprintRepository pass @ham/conformance, called as a third party would.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeFingerprintRepository, describeResultStore } from "@ham/conformance";
import { LevelFingerprintRepository, LevelResultStore } from "@ham/store-level";
import { Level } from "level";
import { afterAll } from "vitest";

const root = mkdtempSync(join(tmpdir(), "ham-store-level-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cleanup = ({ namespace }: { namespace: string }) => rmSync(join(root, namespace), { recursive: true, force: true });
const oneProcess = "LevelDB locks its directory: one open instance (one process) at a time";

describeResultStore("LevelResultStore { location }", ({ namespace }) => new LevelResultStore({ location: join(root, namespace) }), {
  cleanup,
  skip: { sharedAccess: oneProcess },
});

describeFingerprintRepository(
  "LevelFingerprintRepository { location }",
  ({ namespace }) => new LevelFingerprintRepository({ location: join(root, namespace) }),
  { cleanup, skip: { sharedAccess: oneProcess } },
);

// Both classes on one shared database: each namespace is a sublevel of it, so both suites write
// into the same LevelDB at once — proof that the two stores' sublevels do not interfere.
const shared = new Level(join(root, "shared"));
afterAll(() => shared.close());

// Here two instances may be open at once (they share the in-process database), so sharedAccess runs.
describeResultStore("LevelResultStore { db } (shared database)", ({ namespace }) => new LevelResultStore({ db: shared.sublevel(namespace) as unknown as Level }));
describeFingerprintRepository(
  "LevelFingerprintRepository { db } (shared database)",
  ({ namespace }) => new LevelFingerprintRepository({ db: shared.sublevel(namespace) as unknown as Level }),
);
