// Tampering with every store: stored result bytes flipped, truncated or swapped with another
// entry's, and a record pointed at another result. Checksums catch damage and the envelope's
// fingerprint catches swaps; signing also catches re-pointed records (see docs/security.md).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  Builder,
  type FingerprintRepository,
  MemoryFingerprintRepository,
  MemoryResultStore,
  type ResultStore,
} from "@ham/core";
import { afterAll, describe, expect, it } from "vitest";
import { missing, PG_URL, RUN_TAG, S3_ENDPOINT } from "../src/env.js";
import { s3Store, storesOf } from "../src/stores.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-tamper-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const KEY = "tamper-test-signing-key-0123456789";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const flow = {
  A: (x: number) => (tick("A"), { kind: "A", values: Array.from({ length: 50 }, (_, i) => i * x) }),
  B: (A: { values: number[] }) => (tick("B"), { kind: "B", total: A.values.reduce((s, v) => s + v, 0) }),
  C: (B: { total: number }, x: number) => (tick("C"), `C=${B.total + x}`),
};
const expected = (x: number) => ({ B: { kind: "B", total: 1225 * x }, C: `C=${1225 * x + x}` });

interface Pair {
  fingerprintStore: FingerprintRepository;
  resultStore: ResultStore;
}

let counter = 0;
const unique = () => `${RUN_TAG}${counter++}`;
const s3Reason = S3_ENDPOINT ? undefined : missing("s3");
const storeKinds: { name: string; skip: string | undefined; make: () => Promise<Pair> }[] = [
  {
    name: "memory",
    skip: undefined,
    make: async () => ({ fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() }),
  },
  { name: "file", skip: undefined, make: () => storesOf({ kind: "file", path: path.join(root, unique()) }) },
  { name: "level", skip: undefined, make: () => storesOf({ kind: "level", path: path.join(root, unique()) }) },
  {
    name: "postgres",
    skip: missing("postgres"),
    make: () => storesOf({ kind: "postgres", url: PG_URL ?? "", tablePrefix: `ham_tamper_${unique()}_` }),
  },
  {
    name: "s3 (results) + memory (records)",
    skip: s3Reason,
    make: async () => ({
      fingerprintStore: new MemoryFingerprintRepository(),
      resultStore: await s3Store(S3_ENDPOINT ?? "", `ham-tamper-${unique()}`, "t/"),
    }),
  },
];

/** Replaces the stored bytes under `key` through the store's own API, as anyone with write access could. */
async function overwrite(store: ResultStore, key: string, bytes: Uint8Array): Promise<void> {
  await store.delete(key);
  await store.set(key, bytes);
}

async function scenario(stores: Pair, signed: boolean) {
  const warnings: string[] = [];
  const options = {
    ...stores,
    logger: { warn: (m: string) => void warnings.push(m) },
    ...(signed ? { signingKey: KEY } : { signingKey: false as const }),
  };
  const cold = await new Builder().withModules(flow).withCache(options).build();
  expect(await cold.execute(["B", "C"], { inputs: { x: 1 } })).toEqual(expected(1));
  const facts = cold.cache!.lastRun;
  const rerun = async () => {
    calls = {};
    warnings.length = 0;
    const dr = await new Builder().withModules(flow).withCache(options).build();
    const out = await dr.execute(["B", "C"], { inputs: { x: 1 } });
    return {
      out,
      outcomes: Object.fromEntries(Object.entries(dr.cache!.lastRun).map(([n, r]) => [n, r.outcome])),
      warnings: [...warnings],
    };
  };
  return {
    fpA: facts.A!.fingerprint as string,
    fpB: facts.B!.fingerprint as string,
    keyA: facts.A!.contextKey as string,
    keyB: facts.B!.contextKey as string,
    rerun,
  };
}

for (const kind of storeKinds) {
  describe.skipIf(kind.skip !== undefined)(`tampering with the ${kind.name} store`, () => {
    for (const signed of [false, true]) {
      const mode = signed ? "signed" : "unsigned";
      it(`(${mode}) a flipped byte in a stored result is detected: recomputed with a warning, never returned`, async () => {
        const stores = await kind.make();
        const s = await scenario(stores, signed);
        const bytes = Uint8Array.from((await stores.resultStore.get(s.fpB))!);
        bytes[bytes.length - (signed ? 60 : 5)]! ^= 0x01;
        await overwrite(stores.resultStore, s.fpB, bytes);
        const r = await s.rerun();
        expect(r.out).toEqual(expected(1));
        expect(r.outcomes.B).toBe("recomputed");
        expect(r.warnings.some((w) => w.includes(signed ? "wrong signature" : "checksum"))).toBe(true);
      });

      it(`(${mode}) a truncated stored result is detected and recomputed`, async () => {
        const stores = await kind.make();
        const s = await scenario(stores, signed);
        const bytes = (await stores.resultStore.get(s.fpB))!;
        await overwrite(stores.resultStore, s.fpB, bytes.slice(0, Math.floor(bytes.length / 2)));
        const r = await s.rerun();
        expect(r.out).toEqual(expected(1));
        expect(r.outcomes.B).toBe("recomputed");
        expect(r.warnings.length).toBeGreaterThan(0);
      });
    }

    it("(unsigned) a result swapped with another entry's bytes is detected (the envelope names its fingerprint) and recomputed", async () => {
      const stores = await kind.make();
      const s = await scenario(stores, false);
      await overwrite(stores.resultStore, s.fpB, (await stores.resultStore.get(s.fpA))!);
      const r = await s.rerun();
      expect(r.out).toEqual(expected(1));
      expect(r.outcomes.B).toBe("recomputed");
      expect(
        r.warnings.some((w) => w.includes(`cached result ${s.fpB}`) && w.includes(`was written for "${s.fpA}"`)),
      ).toBe(true);
      const again = await s.rerun();
      expect(again.outcomes.B).toBe("hit");
      expect(again.warnings).toEqual([]);
    });

    it("(signed) a result swapped with another entry's validly signed bytes is detected and recomputed", async () => {
      const stores = await kind.make();
      const s = await scenario(stores, true);
      await overwrite(stores.resultStore, s.fpB, (await stores.resultStore.get(s.fpA))!);
      const r = await s.rerun();
      expect(r.out).toEqual(expected(1));
      expect(r.outcomes.B).toBe("recomputed");
      expect(
        r.warnings.some(
          (w) =>
            w.includes(`result "${s.fpB}" has a wrong signature`) && w.includes(`store "${stores.resultStore.name}"`),
        ),
      ).toBe(true);
      // The recomputed result replaced the bad bytes: the next run hits, silently.
      const again = await s.rerun();
      expect(again.outcomes.B).toBe("hit");
      expect(again.warnings).toEqual([]);
    });

    it("(signed) a record pointed at another entry's result (with that entry's signature) is a miss, never that result", async () => {
      const stores = await kind.make();
      const s = await scenario(stores, true);
      const signedA = (await stores.fingerprintStore.get(s.keyA))!;
      await stores.fingerprintStore.set(s.keyB, signedA, { node: "B", codeVersion: "x", createdAt: Date.now() });
      const r = await s.rerun();
      expect(r.out).toEqual(expected(1));
      expect(r.outcomes.B).toBe("computed");
      expect(r.warnings.some((w) => w.includes("wrong signature") && w.includes("context key"))).toBe(true);
    });

    it("(signed) an unsigned record planted by someone without the key is a miss", async () => {
      const stores = await kind.make();
      const s = await scenario(stores, true);
      await stores.fingerprintStore.set(s.keyB, s.fpA, { node: "B", codeVersion: "x", createdAt: Date.now() });
      const r = await s.rerun();
      expect(r.out).toEqual(expected(1));
      expect(r.outcomes.B).toBe("computed");
      expect(r.warnings.some((w) => w.includes("has no signature"))).toBe(true);
    });
  });
}
