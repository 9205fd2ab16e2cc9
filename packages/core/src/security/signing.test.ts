// Signed caches: entries carry an HMAC over what they claim; a missing or wrong one is a miss with a
// warning, never a result. Keys rotate (first signs, all verify) and come from HAM_SIGNING_KEY.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RecordingLogger } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { ConfigurationError } from "../errors.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../stores/index.js";
import { resolveSigningKeys, SIGNING_KEY_ENV } from "./signing-keys.js";

const KEY = "k1-0123456789abcdef-signing";
const OTHER = "k2-fedcba9876543210-signing";
let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const flow = {
  A: (x: number) => (tick("A"), { x, list: [x, x * 2] }),
  B: (A: { x: number }) => (tick("B"), `B of ${A.x}`),
};
let stores: { fingerprintStore: MemoryFingerprintRepository; resultStore: MemoryResultStore };
beforeEach(() => {
  calls = {};
  stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
});

async function run(signingKey: string | readonly string[] | undefined, logger = new RecordingLogger(), x = 1) {
  const dr = await new Builder()
    .withModules(flow)
    .withCache({ ...stores, logger, ...(signingKey === undefined ? { signingKey: false as const } : { signingKey }) })
    .build();
  const out = await dr.execute(["B"], { inputs: { x } });
  return {
    out,
    dr,
    logger,
    outcomes: Object.fromEntries(Object.entries(dr.cache.lastRun).map(([n, r]) => [n, r.outcome])),
  };
}

describe("signed caches", () => {
  it("a signed cache hits its own entries, which are stored with signatures", async () => {
    await run(KEY);
    calls = {};
    const warm = await run(KEY);
    expect(warm.out).toEqual({ B: "B of 1" });
    expect(calls).toEqual({});
    expect(warm.logger.warnings).toEqual([]);
    for await (const entry of stores.fingerprintStore.entries())
      expect(entry.fingerprint).toMatch(/_s2[A-Za-z0-9_-]{65}$/);
    for await (const item of stores.resultStore.list()) {
      const bytes = (await stores.resultStore.get(item.key))!;
      expect(Buffer.from(bytes.subarray(-8)).toString("latin1")).toBe("HAMSIG01");
    }
  });

  it("entries written without signing are misses with a warning naming the store and key, then replaced", async () => {
    await run(undefined);
    calls = {};
    const signed = await run(KEY);
    expect(signed.out).toEqual({ B: "B of 1" });
    expect(calls).toEqual({ A: 1, B: 1 });
    const warning = signed.logger.warnings.find((w) => w.includes("has no signature"));
    expect(warning).toContain(`store "${stores.fingerprintStore.name}"`);
    expect(warning).toContain("context key");
    // The signed run rewrote the records: the next signed run is all hits, silently.
    calls = {};
    const again = await run(KEY);
    expect(calls).toEqual({});
    expect(again.logger.warnings).toEqual([]);
  });

  it("entries signed with a key the cache does not accept are misses; a rotated list still verifies the old key", async () => {
    await run(OTHER);
    calls = {};
    const wrong = await run(KEY);
    expect(wrong.out).toEqual({ B: "B of 1" });
    expect(calls).toEqual({ A: 1, B: 1 });
    expect(wrong.logger.warnings.some((w) => w.includes("wrong signature"))).toBe(true);

    // Rotation: a new key first, the old one still accepted.
    stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    await run(OTHER);
    calls = {};
    const rotated = await run([KEY, OTHER]);
    expect(calls).toEqual({});
    expect(rotated.logger.warnings).toEqual([]);
    // Entries the rotated cache writes are signed with the first key: a cache with only KEY accepts them.
    await run([KEY, OTHER], new RecordingLogger(), 2);
    calls = {};
    const onlyNew = await run(KEY, new RecordingLogger(), 2);
    expect(calls).toEqual({});
    expect(onlyNew.logger.warnings).toEqual([]);
  });

  it("a result whose bytes were replaced is recomputed, and the recomputed result repairs the entry", async () => {
    const cold = await run(KEY);
    const fpB = cold.dr.cache.runFingerprints.B as string;
    const stored = (await stores.resultStore.get(fpB))!;
    const flipped = Uint8Array.from(stored);
    flipped[30] = (flipped[30] as number) ^ 0xff;
    await stores.resultStore.delete(fpB);
    await stores.resultStore.set(fpB, flipped);
    calls = {};
    const warm = await run(KEY);
    expect(warm.out).toEqual({ B: "B of 1" });
    expect(warm.outcomes.B).toBe("recomputed");
    expect(warm.logger.warnings.some((w) => w.includes(`result "${fpB}" has a wrong signature`))).toBe(true);
    calls = {};
    const repaired = await run(KEY);
    expect(repaired.logger.warnings).toEqual([]);
    expect(repaired.outcomes.B).toBe("hit");
  });

  it("HAM_SIGNING_KEY supplies comma-separated keys when the option is absent; false turns signing off", () => {
    const env = { [SIGNING_KEY_ENV]: `${KEY}, ${OTHER}` };
    expect(resolveSigningKeys(undefined, env)?.map((k) => k.bytes.toString())).toEqual([KEY, OTHER]);
    expect(resolveSigningKeys(false, env)).toBeUndefined();
    expect(resolveSigningKeys(undefined, {})).toBeUndefined();
    expect(resolveSigningKeys(KEY, env)?.map((k) => k.bytes.toString())).toEqual([KEY]);
  });

  it("short, empty or non-string keys are configuration errors that never show the key", () => {
    expect(() => new Builder().withCache({ signingKey: "short-secret" })).toThrow(ConfigurationError);
    expect(() => new Builder().withCache({ signingKey: "short-secret" })).not.toThrow(/short-secret/);
    expect(() => new Builder().withCache({ signingKey: [] })).toThrow(/empty list/);
    expect(() => new Builder().withCache({ signingKey: [KEY, 5 as never] })).toThrow(/key 2/);
    expect(() => resolveSigningKeys(undefined, { [SIGNING_KEY_ENV]: "tiny" })).toThrow(/HAM_SIGNING_KEY/);
  });

  it("HAM_SIGNING_KEY set but empty or blank is a configuration error, never signing turned off", () => {
    expect(() => resolveSigningKeys(undefined, { [SIGNING_KEY_ENV]: "" })).toThrow(ConfigurationError);
    expect(() => resolveSigningKeys(undefined, { [SIGNING_KEY_ENV]: "" })).toThrow(
      /HAM_SIGNING_KEY environment variable is set but empty/,
    );
    expect(() => resolveSigningKeys(undefined, { [SIGNING_KEY_ENV]: " \t\n" })).toThrow(/is set but blank.*unset it/);
  });

  it("a malformed HAM_SIGNING_KEY list is a configuration error naming the empty entry", () => {
    expect(() => resolveSigningKeys(undefined, { [SIGNING_KEY_ENV]: "," })).toThrow(
      /2 comma-separated keys and key 1 is empty/,
    );
    expect(() => resolveSigningKeys(undefined, { [SIGNING_KEY_ENV]: `${KEY},,${OTHER}` })).toThrow(/key 2 is empty/);
    expect(() => resolveSigningKeys(undefined, { [SIGNING_KEY_ENV]: `${KEY},` })).toThrow(/key 2 is empty/);
    expect(() => resolveSigningKeys(undefined, { [SIGNING_KEY_ENV]: `${KEY},short` })).toThrow(
      /key 2, is 5 bytes long/,
    );
    expect(() => resolveSigningKeys(undefined, { [SIGNING_KEY_ENV]: `${KEY},` })).not.toThrow(KEY);
  });
});

describe("signed caches through the environment", () => {
  const saved = process.env[SIGNING_KEY_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[SIGNING_KEY_ENV];
    else process.env[SIGNING_KEY_ENV] = saved;
  });

  it("a cache built while HAM_SIGNING_KEY is set signs its entries", async () => {
    process.env[SIGNING_KEY_ENV] = KEY;
    const dr = await new Builder()
      .withModules(flow)
      .withCache({ ...stores, logger: new RecordingLogger() })
      .build();
    await dr.execute(["B"], { inputs: { x: 3 } });
    for await (const entry of stores.fingerprintStore.entries()) expect(entry.fingerprint).toMatch(/_s2/);
  });

  it("withCache() fails at build time when HAM_SIGNING_KEY is set but empty or a list with an empty key", () => {
    for (const value of ["", "   ", ","]) {
      process.env[SIGNING_KEY_ENV] = value;
      expect(() => new Builder().withModules(flow).withCache({ ...stores })).toThrow(ConfigurationError);
    }
    // Turning signing off stays possible, explicitly.
    process.env[SIGNING_KEY_ENV] = "";
    expect(() => new Builder().withModules(flow).withCache({ ...stores, signingKey: false })).not.toThrow();
  });
});
