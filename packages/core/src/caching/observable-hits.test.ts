// Through a cached driver, a hit returns what a fresh run returns as far as JavaScript can observe
// (issue 16 cases 4, 5, 10, 12), and entries written under fingerprint spec v1 are misses.
import { beforeEach, describe, expect, it } from "vitest";
import { memoryCache } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { FINGERPRINT_METHOD } from "../fingerprint/index.js";
import { decodeDict, encodeDict } from "./encode-dict.js";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
beforeEach(() => {
  calls = {};
});

const outcomes = (dr: { cache: { lastRun: Record<string, { outcome: string }> } }) =>
  Object.fromEntries(Object.entries(dr.cache.lastRun).map(([name, record]) => [name, record.outcome]));

async function run(
  stores: ReturnType<typeof memoryCache>,
  module: Record<string, unknown>,
  outputs: string[],
  inputs: Record<string, unknown>,
) {
  const dr = await new Builder().withModules(module).withCache(stores).build();
  const result = await dr.execute(outputs, { inputs });
  return { dr, result };
}

describe("hits equal fresh runs", () => {
  const rows = {
    row: (cols: string[]) => (tick("row"), Object.fromEntries(cols.map((c) => [c, 0]))),
    header: (row: Record<string, number>) => (tick("header"), Object.keys(row).join()),
  };

  it("case 4: a node whose output differs only in key order recomputes what depends on it", async () => {
    const stores = memoryCache();
    const first = await run(stores, rows, ["row", "header"], { cols: ["x", "y"] });
    expect(first.result["header"]).toBe("x,y");
    calls = {};
    const second = await run(stores, rows, ["row", "header"], { cols: ["y", "x"] });
    expect(second.result["header"]).toBe("y,x");
    expect(calls).toEqual({ row: 1, header: 1 });
    expect(outcomes(second.dr)).toMatchObject({ row: "computed", header: "computed" });
    // A warm run now hits, and its values equal a fresh run's, key order included.
    calls = {};
    const warm = await run(stores, rows, ["row", "header"], { cols: ["y", "x"] });
    expect(calls).toEqual({});
    const fresh = await new Builder()
      .withModules(rows)
      .build()
      .then((dr) => dr.execute(["row", "header"], { inputs: { cols: ["y", "x"] } }));
    expect(outcomes(warm.dr)).toMatchObject({ row: "hit", header: "hit" });
    expect(Object.keys(warm.result["row"] as object)).toEqual(Object.keys(fresh["row"] as object));
    expect(Object.keys(warm.result["row"] as object)).toEqual(["y", "x"]);
    expect(warm.result["header"]).toBe(fresh["header"]);
  });

  it("case 5: an input array's extra property is part of the key", async () => {
    const labels = {
      label: (weights: number[] & { unit: string }) => (tick("label"), `${weights.length} ${weights.unit}`),
    };
    const stores = memoryCache();
    expect(
      (await run(stores, labels, ["label"], { weights: Object.assign([1, 2], { unit: "kg" }) })).result["label"],
    ).toBe("2 kg");
    const second = await run(stores, labels, ["label"], { weights: Object.assign([1, 2], { unit: "g" }) });
    expect(second.result["label"]).toBe("2 g");
    expect(calls).toEqual({ label: 2 });
  });

  it("case 10: a shared and a copied structure do not hit each other's results", async () => {
    const pairs = {
      pair: (shared: boolean) => (
        tick("pair"), shared ? ((x) => ({ a: x, b: x }))({ v: [1] }) : { a: { v: [1] }, b: { v: [1] } }
      ),
      aliased: (pair: { a: unknown; b: unknown }) => (tick("aliased"), pair.a === pair.b),
    };
    const stores = memoryCache();
    expect((await run(stores, pairs, ["aliased"], { shared: true })).result["aliased"]).toBe(true);
    const second = await run(stores, pairs, ["aliased"], { shared: false });
    expect(second.result["aliased"]).toBe(false);
    expect(outcomes(second.dr)).toMatchObject({ aliased: "computed" });
  });

  it("case 12: instances with #private state recompute (one warning); with FINGERPRINT_METHOD they hit correctly", async () => {
    class Account {
      readonly #balance: number;
      constructor(balance: number) {
        this.#balance = balance;
      }
      get balance(): number {
        return this.#balance;
      }
    }
    const flow = { doubled: (account: Account) => (tick("doubled"), account.balance * 2) };
    const stores = memoryCache();
    const accountWarnings = () => stores.logger.warnings.filter((w) => w.includes("class Account"));
    expect((await run(stores, flow, ["doubled"], { account: new Account(1) })).result["doubled"]).toBe(2);
    expect(accountWarnings()).toHaveLength(1);
    expect(accountWarnings()[0]).toContain('Symbol.for("ham.fingerprint")');
    expect((await run(stores, flow, ["doubled"], { account: new Account(2) })).result["doubled"]).toBe(4);
    expect(calls).toEqual({ doubled: 2 });
    expect(accountWarnings()).toHaveLength(2); // one per run

    class Ledger {
      readonly #balance: number;
      constructor(balance: number) {
        this.#balance = balance;
      }
      get balance(): number {
        return this.#balance;
      }
      [FINGERPRINT_METHOD](): unknown {
        return this.#balance;
      }
    }
    calls = {};
    const ledgers = { doubled: (ledger: Ledger) => (tick("doubled"), ledger.balance * 2) };
    const cached = memoryCache();
    expect((await run(cached, ledgers, ["doubled"], { ledger: new Ledger(1) })).result["doubled"]).toBe(2);
    expect((await run(cached, ledgers, ["doubled"], { ledger: new Ledger(2) })).result["doubled"]).toBe(4);
    expect((await run(cached, ledgers, ["doubled"], { ledger: new Ledger(2) })).result["doubled"]).toBe(4);
    expect(calls).toEqual({ doubled: 2 });
    expect(cached.logger.warnings).toEqual([]);
  });
});

describe("entries of earlier fingerprint specs (v1, v2)", () => {
  /** The key a spec-v1 ham wrote for the same dicts: the `f1.` prefix outside and inside. */
  const asV1Key = (contextKey: string): string => {
    const v1 = (dict: Record<string, string>) =>
      `f1.${Buffer.from(JSON.stringify(Object.entries(dict).flat())).toString("base64url")}`;
    const outer = decodeDict(contextKey);
    return v1(
      Object.fromEntries(Object.entries(outer).map(([codeVersion, inner]) => [codeVersion, v1(decodeDict(inner))])),
    );
  };

  /** The key a spec-v2 ham wrote: the same dicts under the `f2.` prefix outside and inside. */
  const asV2Key = (contextKey: string): string => {
    const outer = decodeDict(contextKey);
    const v2 = (encoded: string) => `f2.${encoded.slice(encoded.indexOf(".") + 1)}`;
    return v2(
      encodeDict(Object.fromEntries(Object.entries(outer).map(([codeVersion, inner]) => [codeVersion, v2(inner)]))),
    );
  };

  it.each([
    ["v1", asV1Key],
    ["v2", asV2Key],
  ])("%s entries are misses, never hits returning the value they point at", async (_, oldKey) => {
    const flow = { total: (n: number) => (tick("total"), { n }) };
    // The keys a run with n = 2 uses, and a store holding n = 1's result.
    const probe = await run(memoryCache(), flow, ["total"], { n: 2 });
    const keyForTwo = probe.dr.cache.lastRun["total"]!.contextKey!;
    expect(keyForTwo.startsWith("f3.")).toBe(true);
    const stores = memoryCache();
    const one = await run(stores, flow, ["total"], { n: 1 });
    const fingerprintOfOne = one.dr.cache.runFingerprints["total"]!;
    const meta = { node: "total", codeVersion: one.dr.cache.codeVersions["total"]!, createdAt: Date.now() };

    // An old entry for n = 2's context pointing at n = 1's result: a miss.
    await stores.fingerprintStore.set(oldKey(keyForTwo), fingerprintOfOne, meta);
    calls = {};
    const afterOld = await run(stores, flow, ["total"], { n: 2 });
    expect(afterOld.result["total"]).toEqual({ n: 2 });
    expect(outcomes(afterOld.dr)).toMatchObject({ total: "computed" });
    expect(calls).toEqual({ total: 1 });

    // Control: the same entry under the v3 key would be read (so the prefix is what protects).
    const control = memoryCache();
    await run(control, flow, ["total"], { n: 1 });
    await control.fingerprintStore.set(keyForTwo, fingerprintOfOne, meta);
    expect((await run(control, flow, ["total"], { n: 2 })).result["total"]).toEqual({ n: 1 });
  });
});
