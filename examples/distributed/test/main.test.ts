// The distributed example runs end to end: two workers share the nodes and the summary is right.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const dir = fileURLToPath(new URL("..", import.meta.url));
const canRun = Boolean(process.env["HAM_REDIS_URL"]) || Boolean(process.env["CI"]);
if (!canRun)
  console.warn(
    "[example-distributed] skipping: HAM_REDIS_URL is not set (bash scripts/services/up.sh && source .services/env)",
  );

describe.skipIf(!canRun)("examples/distributed", () => {
  it("prints which worker ran each node and the summary of an in-process run", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--conditions=@ham/source", "src/main.ts"],
      { cwd: dir, timeout: 80_000 },
    );
    for (const node of ["orders", "revenue", "largest", "average", "bigOrders", "summary"]) {
      expect(stdout).toMatch(new RegExp(`^${node} +ran on worker-[12] `, "m"));
    }
    expect(stdout).toContain("summary: revenue 2475, largest 100, average 49.50, big orders 9 17 28 36 44");
  }, 90_000);
});
