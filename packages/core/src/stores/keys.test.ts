// File names of result keys and run ids: reversible, and case twins never share a name.
import { describe, expect, it } from "vitest";
import { resultFileName, resultKeyOfFileName, runFileStem, runIdOfFileStem, shardOf } from "./keys.js";

describe("result file names", () => {
  const keys = [
    "abc",
    "ABC",
    "aBc",
    "AbC",
    "-_x",
    "Z",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".repeat(3).slice(0, 200),
  ];

  it("every key maps back from its file name", () => {
    for (const key of keys) expect(resultKeyOfFileName(resultFileName(key))).toBe(key);
  });

  it("case twins get names that differ even when compared case-insensitively", () => {
    const folded = new Set(keys.slice(0, 4).map((key) => resultFileName(key).toLowerCase()));
    expect(folded.size).toBe(4);
  });

  it("names stay within 255 bytes for the longest keys", () => {
    expect(resultFileName("A".repeat(200)).length).toBeLessThanOrEqual(255);
  });

  it("temp files and foreign names are not result files", () => {
    for (const name of [".tmp-1-2-abcd", "abc.tmp", "ABC", "abc.", "abc.zz", "a/b", "ABC.8"]) {
      expect(resultKeyOfFileName(name), name).toBeUndefined();
    }
  });

  it("the shard is the first two characters in lower case", () => {
    expect(shardOf("AbCdef")).toBe("ab");
    expect(shardOf("x")).toBe("x");
  });
});

describe("run file names", () => {
  it("plain run ids are kept readable; any other id is encoded and decodes back", () => {
    expect(runFileStem("run-2024_01")).toBe("run-2024_01");
    for (const id of ["run-2024_01", "Run/With Caps", "../up", "~tilde", "ünï"]) {
      expect(runIdOfFileStem(runFileStem(id))).toBe(id);
    }
    expect(runFileStem("../up")).not.toContain("/");
  });
});
