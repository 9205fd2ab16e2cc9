// Size and duration options: the accepted spellings, and errors that name the option and show examples.
import { describe, expect, it } from "vitest";
import { Builder } from "../driver/builder.js";
import { ConfigurationError } from "../errors.js";
import { formatBytes, parseDuration, parseSize, plural } from "./parse.js";

describe("parseSize", () => {
  it.each([
    ["5GB", 5e9],
    ["500MiB", 500 * 1024 ** 2],
    ["1.5 GB", 1.5e9],
    ["800kb", 800_000],
    ["2 TiB", 2 * 1024 ** 4],
    ["42", 42],
    ["0", 0],
    [1234, 1234],
  ])("%j is %d bytes", (input, bytes) => {
    expect(parseSize(input, "--max-bytes")).toBe(bytes);
  });

  it.each(["5 gigs", "-1GB", "GB", "", "5G", "1e9"])(
    "rejects %j, naming the option and showing valid sizes",
    (input) => {
      const error = (() => {
        try {
          parseSize(input, "withCache({ maxBytes })");
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(String((error as Error).message)).toMatch(
        /withCache\(\{ maxBytes \}\) must be a size like "5GB", "500MiB"/,
      );
      expect((error as Error).message).toContain(JSON.stringify(input));
    },
  );

  it("rejects negative numbers and non-numbers", () => {
    expect(() => parseSize(-5, "gc({ maxBytes })")).toThrow(/gc\(\{ maxBytes \}\) must be a size.*got -5/);
    expect(() => parseSize({}, "gc({ maxBytes })")).toThrow(/got an object/);
    expect(() => parseSize(Number.NaN, "x")).toThrow(ConfigurationError);
  });
});

describe("plural", () => {
  it("is singular for exactly one", () => {
    expect([0, 1, 2].map((n) => plural(n, "node"))).toEqual(["0 nodes", "1 node", "2 nodes"]);
    expect(plural(2, "miss")).toBe("2 misses");
  });
});

describe("parseDuration", () => {
  it.each([
    ["7d", 7 * 86_400_000],
    ["12h", 12 * 3_600_000],
    ["30m", 30 * 60_000],
    ["90s", 90_000],
    ["500ms", 500],
    ["2w", 14 * 86_400_000],
    ["7 days", 7 * 86_400_000],
    ["1.5h", 5_400_000],
    ["0", 0],
    [60_000, 60_000],
  ])("%j is %d ms", (input, ms) => {
    expect(parseDuration(input, "--older-than")).toBe(ms);
  });

  it.each(["7", "soon", "7y", "-1d", "d", "5 valueOf", "5constructor"])(
    "rejects %j with examples of valid durations",
    (input) => {
      expect(() => parseDuration(input, "--older-than")).toThrow(
        /--older-than must be a duration like "7d", "12h", "30m", "90s"/,
      );
    },
  );

  it("a bare number in text has no unit: the message names the problem, without offering milliseconds", () => {
    let message = "";
    try {
      parseDuration("3", "--older-than");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/got "3": a bare number has no unit — write "3d" for 3 days or "3h" for 3 hours$/);
    expect(message).not.toMatch(/milliseconds/);
    expect(() => parseDuration({}, "withCache({ maxAge })")).toThrow(/or a number of milliseconds, got an object$/);
  });

  it("rejects negative milliseconds", () => {
    expect(() => parseDuration(-1, "withCache({ maxAge })")).toThrow(/withCache\(\{ maxAge \}\).*got -1/);
  });
});

describe("options given to withCache()", () => {
  it("a bad maxBytes fails when the cache is configured, before anything runs", () => {
    expect(() => new Builder().withModules({ A: () => 1 }).withCache({ maxBytes: "lots" })).toThrow(
      /withCache\(\{ maxBytes \}\) must be a size like "5GB".*got "lots"/,
    );
  });

  it("a bad maxAge or gcGrace names its option", () => {
    expect(() => new Builder().withCache({ maxAge: "a week" })).toThrow(/withCache\(\{ maxAge \}\) must be a duration/);
    expect(() => new Builder().withCache({ gcGrace: "-5m" })).toThrow(/withCache\(\{ gcGrace \}\) must be a duration/);
  });
});

describe("formatBytes", () => {
  it("prints sizes in powers of 1000 with three significant digits", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(4200)).toBe("4.20 KB");
    expect(formatBytes(15_300_000)).toBe("15.3 MB");
    expect(formatBytes(1.53e9)).toBe("1.53 GB");
  });
});
