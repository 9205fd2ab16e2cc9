// LookupBatcher: lookups asked for in one tick go out as one getMany, whether asked one key at a time
// (get) or many at once (getAll); RunPrefetch answers a predicted hit without waiting once its batch came.
import { describe, expect, it } from "vitest";
import type { Fingerprint } from "../contracts.js";
import { MemoryFingerprintRepository } from "../stores/index.js";
import { LookupBatcher } from "./lookup-batcher.js";
import { RunPrefetch } from "./prefetch.js";

const meta = { node: "n", codeVersion: "c", createdAt: 0 };

async function repository(entries: Record<string, Fingerprint>) {
  const repo = new MemoryFingerprintRepository();
  for (const [key, fingerprint] of Object.entries(entries)) await repo.set(key, fingerprint, meta);
  const batches: string[][] = [];
  const getMany = repo.getMany.bind(repo);
  repo.getMany = (keys) => {
    batches.push([...keys]);
    return getMany(keys);
  };
  return { repo, batches };
}

describe("LookupBatcher", () => {
  it("sends get and getAll of one tick as one getMany and gives each caller its own answers in order", async () => {
    const { repo, batches } = await repository({ a: "fa", c: "fc", d: "fd" });
    const batcher = new LookupBatcher(repo);
    const [one, all, other] = await Promise.all([batcher.get("a"), batcher.getAll(["b", "c", "d"]), batcher.get("d")]);
    expect(one).toBe("fa");
    expect(all).toEqual([undefined, "fc", "fd"]);
    expect(other).toBe("fd");
    expect(batches).toEqual([["a", "b", "c", "d", "d"]]);
    expect(batcher.roundTrips).toBe(1);
  });

  it("getAll of no keys answers at once without a round trip", async () => {
    const { repo, batches } = await repository({});
    const batcher = new LookupBatcher(repo);
    expect(await batcher.getAll([])).toEqual([]);
    expect(batches).toEqual([]);
    expect(batcher.roundTrips).toBe(0);
  });

  it("a failed batch fails every caller in it", async () => {
    const { repo } = await repository({});
    repo.getMany = async () => {
      throw new Error("connection reset");
    };
    const batcher = new LookupBatcher(repo);
    const results = await Promise.allSettled([batcher.get("a"), batcher.getAll(["b", "c"])]);
    expect(results.map((r) => (r.status === "rejected" ? (r.reason as Error).message : r.status))).toEqual([
      "connection reset",
      "connection reset",
    ]);
  });
});

describe("RunPrefetch.answered", () => {
  const prediction = (keys: string[]) => Promise.resolve({ keys, results: [] });
  const noRead = { readResult: async () => undefined };

  it("knows a predicted key's fingerprint once the batch came, and nothing before", async () => {
    const { repo } = await repository({ a: "fa" });
    const prefetch = new RunPrefetch(new LookupBatcher(repo), () => undefined);
    prefetch.begin(prediction(["a", "b"]), noRead);
    expect(prefetch.answered("a")).toBeUndefined(); // asked, not answered yet
    expect(await prefetch.lookup("a")).toBe("fa");
    expect(prefetch.answered("a")).toBe("fa");
    expect(prefetch.answered("b")).toBeUndefined(); // a miss is looked up as usual
    expect(prefetch.answered("z")).toBeUndefined(); // not predicted
  });

  it("never answers a key this process wrote since the batch went out", async () => {
    const { repo } = await repository({ a: "fa" });
    const prefetch = new RunPrefetch(new LookupBatcher(repo), () => undefined);
    prefetch.begin(prediction(["a"]), noRead);
    expect(await prefetch.lookup("a")).toBe("fa");
    await repo.set("a", "fa2", meta);
    prefetch.forget("a");
    expect(prefetch.answered("a")).toBeUndefined();
    expect(await prefetch.lookup("a")).toBe("fa2");
  });

  it("after a failed batch answers nothing at once, and lookup asks again", async () => {
    const { repo } = await repository({ a: "fa" });
    const getMany = repo.getMany.bind(repo);
    let calls = 0;
    repo.getMany = async (keys) => {
      if (calls++ === 0) throw new Error("hiccup");
      return getMany(keys);
    };
    const prefetch = new RunPrefetch(new LookupBatcher(repo), () => undefined);
    prefetch.begin(prediction(["a", "b"]), noRead);
    expect(await prefetch.lookup("a")).toBe("fa");
    expect(prefetch.answered("a")).toBeUndefined();
  });
});
