// S3ResultStore option validation, checked in the constructor before any request.
import { ConfigurationError } from "@ham/core";
import { S3ResultStore } from "@ham/store-s3";
import { describe, expect, it } from "vitest";

describe("S3ResultStore options", () => {
  it.each([["Upper-Case"], ["ab"], ["has space"], ["a..b"], ["-leading"], [""], ["x".repeat(64)]])(
    "rejects bucket %j with a ConfigurationError naming options.bucket",
    (bucket) => {
      expect(() => new S3ResultStore({ bucket })).toThrow(ConfigurationError);
      expect(() => new S3ResultStore({ bucket })).toThrow(/options\.bucket/);
    },
  );

  it.each([["/abs"], ["a//b"], ["a/../b"], ["./a"]])("rejects prefix %j", (prefix) => {
    expect(() => new S3ResultStore({ bucket: "my-bucket", prefix })).toThrow(/options\.prefix/);
  });

  it("rejects a part size below S3's 5 MiB minimum and non-integer limits", () => {
    expect(() => new S3ResultStore({ bucket: "my-bucket", partSize: 1024 })).toThrow(/at least 5 MiB/);
    expect(() => new S3ResultStore({ bucket: "my-bucket", concurrency: 0 })).toThrow(/options\.concurrency/);
    expect(() => new S3ResultStore({ bucket: "my-bucket", multipartThreshold: 1.5 })).toThrow(
      /options\.multipartThreshold/,
    );
  });

  it("names itself after the bucket and prefix (a trailing slash is dropped)", () => {
    expect(new S3ResultStore({ bucket: "team-cache", prefix: "ham/v1/" }).name).toBe("s3:team-cache/ham/v1");
    expect(new S3ResultStore({ bucket: "team-cache" }).name).toBe("s3:team-cache");
  });
});
