// Service settings for the team-cache tests: without them tests skip locally (printing why) and fail in CI.
import { describe } from "vitest";

/** `describe` when every variable is set, else a skip whose title carries the reason (a throw in CI). */
export function describeWithEnv(
  name: string,
  variables: readonly string[],
  body: (env: Record<string, string>) => void,
): void {
  const missing = variables.filter((v) => !process.env[v]);
  if (missing.length === 0) {
    describe(name, () => body(Object.fromEntries(variables.map((v) => [v, process.env[v] as string]))));
    return;
  }
  const reason = `${missing.join(", ")} not set: run \`bash scripts/services/up.sh && source .services/env\``;
  if (process.env.CI === "true")
    throw new Error(`[ui tests] ${name}: ${reason}. CI must run these against real servers, never skip them.`);
  console.warn(`[ui tests] skipping ${name}: ${reason}`);
  describe.skip(`${name} (skipped: ${reason})`, () => body({}));
}
