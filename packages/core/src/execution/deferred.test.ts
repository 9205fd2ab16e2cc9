// materializeAll: deferred values load at once (so the cache can batch their reads), answers keep their order.
import { describe, expect, it } from "vitest";
import { deferredResult, materializeAll } from "./deferred.js";

describe("materializeAll", () => {
  it("starts every load before any finishes and answers in order, plain values as they are", async () => {
    const started: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const load = (name: string) =>
      deferredResult(async () => {
        started.push(name);
        await gate;
        return `${name}!`;
      });
    const all = materializeAll([load("a"), 7, load("b"), load("c")]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(["a", "b", "c"]);
    release();
    expect(await all).toEqual(["a!", 7, "b!", "c!"]);
  });

  it("waits for every load, then rejects with the first failing value's error in order", async () => {
    let lateDone = false;
    const late = deferredResult(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      lateDone = true;
      throw new Error("first in order, last to fail");
    });
    const early = deferredResult(async () => {
      throw new Error("second in order, first to fail");
    });
    await expect(materializeAll([late, "x", early])).rejects.toThrow("first in order, last to fail");
    expect(lateDone).toBe(true);
  });
});
