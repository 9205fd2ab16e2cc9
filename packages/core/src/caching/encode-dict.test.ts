// encodeDict/decodeDict: reversible, deterministic (key order does not matter), url-safe, strict on bad input.
import { describe, expect, it } from "vitest";
import { memoryCache } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { HamError } from "../errors.js";
import { defaultContextKey } from "./context-key-memo.js";
import { KEY_FORMAT, decodeDict, encodeDict } from "./encode-dict.js";

/** The encoding as first specified (context keys are stored: any change to the bytes is a miss for every cache). */
function reference(dict: Readonly<Record<string, string>>): string {
  const pairs: string[] = [];
  for (const key of Object.keys(dict).sort()) pairs.push(key, dict[key] as string);
  return KEY_FORMAT + Buffer.from(JSON.stringify(pairs)).toString("base64url");
}

describe("encodeDict", () => {
  it("round-trips through decodeDict", () => {
    const dicts = [
      {},
      { a: "1" },
      { B: "pbtIUiKb474I4CQeDdsa6A", D: "MSZY1NMsuhHTLLoR0yy6EQ" },
      { "key with spaces": "välue ✓", "": "empty key", z: "" },
      JSON.parse('{"__proto__": "not a prototype", "constructor": "x"}') as Record<string, string>,
    ];
    for (const dict of dicts) {
      const back = decodeDict(encodeDict(dict));
      expect(Object.entries(back)).toEqual(Object.entries(dict).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });

  it("is deterministic: the same entries in any order give the same string", () => {
    expect(encodeDict({ a: "1", b: "2", c: "3" })).toBe(encodeDict({ c: "3", a: "1", b: "2" }));
    expect(encodeDict({ a: "1", b: "2" })).not.toBe(encodeDict({ a: "2", b: "1" }));
    expect(encodeDict({ ab: "c" })).not.toBe(encodeDict({ a: "bc" }));
  });

  it("nests: the seed's context key encodes a dict inside a dict and decodes back", () => {
    const inputs = { B: "fpB", D: "fpD" };
    const key = encodeDict({ codeVersion1: encodeDict(inputs) });
    const outer = decodeDict(key);
    expect(Object.keys(outer)).toEqual(["codeVersion1"]);
    expect(decodeDict(outer.codeVersion1 as string)).toEqual(inputs);
  });

  it("gives the same bytes as the reference encoding, and a known key stays the same string", () => {
    const long = "ü".repeat(30_000); // longer than the scratch buffer encoding reuses
    const dicts: Record<string, string>[] = [
      {},
      { a: "1" },
      { "10": "a", "9": "b", b: "c", B: "d" },
      { "é✓": "x\ud800y", "\u0000": '"quoted"\\', emoji: "😀" },
      JSON.parse('{"__proto__": "p", "constructor": "x"}') as Record<string, string>,
      { [long]: long, short: "s" },
    ];
    for (const dict of dicts) {
      expect(encodeDict(dict)).toBe(reference(dict));
      for (const version of ["c3.abc", "__proto__", long])
        expect(defaultContextKey(version, dict)).toBe(reference({ [version]: reference(dict) }));
    }
    expect(encodeDict({})).toBe("f3.W10");
    expect(defaultContextKey("c3.abc", { B: "pbtIUiKb474I4CQeDdsa6A", "é✓": "x\ud800y", "10": "a", "9": "b" })).toBe(
      "f3.WyJjMy5hYmMiLCJmMy5XeUl4TUNJc0ltRWlMQ0k1SWl3aVlpSXNJa0lpTENKd1luUkpWV2xMWWpRM05FazBRMUZsUkdSellUWkJJaXdpdzZuaW5KTWlMQ0o0WEhWa09EQXdlU0pkIl0",
    );
  });

  it("produces only url-safe characters", () => {
    expect(encodeDict({ "/+=?&": "é\u0000\n" })).toMatch(/^[A-Za-z0-9_.:~-]+$/);
  });

  it.each([
    ["a string without the format prefix", "hello"],
    ["the prefix with garbage", "f1.@@@"],
    [
      "valid base64 of something that is not pairs",
      `f1.${Buffer.from(JSON.stringify({ a: 1 })).toString("base64url")}`,
    ],
    ["an odd number of items", `f1.${Buffer.from(JSON.stringify(["a"])).toString("base64url")}`],
    ["non-string items", `f1.${Buffer.from(JSON.stringify(["a", 1])).toString("base64url")}`],
    ["a number", 42],
  ])("decodeDict refuses %s with a HamError", (_, encoded) => {
    expect(() => decodeDict(encoded as string)).toThrow(HamError);
  });

  it("reproduces a node's context key by hand, as the seed does", async () => {
    const stores = memoryCache();
    const dr = await new Builder()
      .withModules({ B: () => 7, C: (B: number, D = true) => B !== Number(D) })
      .withCache(stores)
      .build();
    await dr.execute(["C"]);
    const { runFingerprints, codeVersions } = dr.cache;
    const defaultD = dr.cache.fingerprinter.fingerprint(true, { node: "C" });
    const key = encodeDict({ [codeVersions.C as string]: encodeDict({ B: runFingerprints.B as string, D: defaultD }) });
    expect(key).toBe(dr.cache.lastRun.C?.contextKey);
    expect(await stores.fingerprintStore.get(key)).toBe(runFingerprints.C);
    expect(await dr.cache.getResult(runFingerprints.C as string)).toBe(true);
  });
});
