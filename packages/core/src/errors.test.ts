// The error helpers: isHamError by class, brand and name chain (never by message), StoreError.wrap, errorMessage.
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { ConfigurationError, HamError, StoreError, errorMessage, isHamError } from "./errors.js";

describe("isHamError", () => {
  it("is true for HamError and its subclasses", () => {
    expect(isHamError(new HamError("x"))).toBe(true);
    expect(isHamError(new StoreError("file", "get", "boom"))).toBe(true);
    expect(isHamError(new ConfigurationError("bad option"))).toBe(true);
  });

  it("is false for a user's error whose message merely starts with [ham]", () => {
    expect(isHamError(new Error("[ham] looks like ours"))).toBe(false);
    expect(isHamError({ message: "[ham] a plain object" })).toBe(false);
    expect(isHamError("[ham] a string")).toBe(false);
    expect(isHamError(null)).toBe(false);
  });

  it("recognises a HamError from another realm or a second copy of @ham/core by its class name chain", () => {
    const foreign = runInNewContext(`
      class HamError extends Error {}
      class StoreError extends HamError {}
      new StoreError("store failed")
    `) as unknown;
    expect(foreign instanceof HamError).toBe(false);
    expect(isHamError(foreign)).toBe(true);
    const lookalike = runInNewContext(`class NotHam extends Error {}; new NotHam("[ham] x")`) as unknown;
    expect(isHamError(lookalike)).toBe(false);
  });

  it("recognises a minified copy (classes renamed) by the brand every HamError carries", () => {
    const minified = runInNewContext(`
      class a extends Error {}
      Object.defineProperty(a.prototype, Symbol.for("ham.error"), { value: true });
      class b extends a {}
      new b("m")
    `) as unknown;
    expect(isHamError(minified)).toBe(true);
  });
});

describe("StoreError.wrap", () => {
  it("passes a StoreError through unchanged", () => {
    const original = new StoreError("s3:bucket", "get", "denied");
    expect(StoreError.wrap("other", "set", original, "detail")).toBe(original);
  });

  it("wraps anything else naming the store, the operation and the detail, keeping the cause", () => {
    const cause = new Error("EACCES: permission denied");
    const wrapped = StoreError.wrap("file:.ham_cache", "open", cause, "creating folders under .ham_cache");
    expect(wrapped).toBeInstanceOf(StoreError);
    expect(wrapped.store).toBe("file:.ham_cache");
    expect(wrapped.operation).toBe("open");
    expect(wrapped.cause).toBe(cause);
    expect(wrapped.message).toBe(
      '[ham] store "file:.ham_cache" failed to open: creating folders under .ham_cache: EACCES: permission denied',
    );
    expect(StoreError.wrap("memory", "get", "a thrown string").message).toBe(
      '[ham] store "memory" failed to get: a thrown string',
    );
  });
});

describe("errorMessage", () => {
  it("is an Error's message, or anything else as a string", () => {
    expect(errorMessage(new TypeError("bad type"))).toBe("bad type");
    expect(errorMessage("plain")).toBe("plain");
    expect(errorMessage(42)).toBe("42");
    expect(errorMessage(undefined)).toBe("undefined");
  });
});
