// The team-cache example end to end: two processes in different folders, one Postgres repository and one S3 bucket.
import { describe, expect, it } from "vitest";
import { NODES } from "../src/protocol.js";
import { missingServiceVariables, newRunSettings } from "../src/settings.js";
import { runTeamCache } from "../src/team-cache.js";

const missing = missingServiceVariables();
if (missing.length > 0) {
  const hint = "bash scripts/services/up.sh && source .services/env";
  // CI starts the services (.ci/run): there, a missing variable is a broken setup, never a skip.
  if (process.env["CI"])
    throw new Error(
      `[example-team-cache] ${missing.join(", ")} not set in CI: .ci/run must start the services (${hint})`,
    );
  console.warn(`[example-team-cache] skipping: ${missing.join(", ")} not set (${hint})`);
}

describe.skipIf(missing.length > 0)("examples/team-cache", () => {
  it("the first process computes every node; the second, in another folder, gets every node from the shared cache with equal outputs", async () => {
    const lines: string[] = [];
    const { first, second } = await runTeamCache({ settings: newRunSettings(), print: (line) => lines.push(line) });

    expect(first.cwd).not.toBe(second.cwd);
    expect(Object.values(first.outcomes)).toEqual(NODES.map(() => "computed"));
    expect(first.resultWrites).toBe(NODES.length);
    expect(Object.values(second.outcomes)).toEqual(NODES.map(() => "hit"));
    expect(second.resultWrites).toBe(0);
    expect(second.digests).toEqual(first.digests);
    expect(second.report).toBe(first.report);
    expect(second.report).toMatch(/^revenue by region: north \d+\.\d\d/);
    // Nothing was cached in either working folder: all sharing went through Postgres and S3.
    expect(first.cwdFiles).toEqual([]);
    expect(second.cwdFiles).toEqual([]);
    expect(lines.join("\n")).toMatch(/^ {2}auditDigest +hit /m);
  }, 180_000);
});
