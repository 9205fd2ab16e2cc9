// Values whose encoding is larger than the encoder's buffer (hashed in pieces as it fills) keep the
// fingerprints of the one-buffer encoder they were pinned with (pinned again for spec v3, which
// hashes a long encoding by blocks), as does sharing first met after many objects and a large value
// inside a custom fingerprinter's ctx.fingerprint.
import { beforeAll, expect, it } from "vitest";
import type { FingerprintContext, Fingerprinter } from "../contracts.js";
import { FingerprinterRegistry, fingerprintValue, hashingReady } from "./index.js";

beforeAll(async () => {
  await hashingReady();
});

const records = Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `user-${i}`, pair: [i * 0.5, `t${i}`] }));
const rows = Array.from({ length: 100_000 }, (_, i) => ({ i }));
const shared = { s: 1 };

class Box {
  constructor(readonly inner: unknown) {}
}

const boxes: Fingerprinter = {
  name: "wrapper",
  accepts: (value) => value instanceof Box,
  fingerprint: (value, ctx: FingerprintContext) => ctx.fingerprint((value as Box).inner),
};

it.each([
  ["1e5 records", () => records, "874YfR9DqeFCAl-BhezMSw"],
  ["3e5 numbers", () => Array.from({ length: 300_000 }, (_, i) => i / 7), "llzw1qbSDIXQSCUbUGwa-g"],
  ["a 300 000-character string", () => "ab\u00e9".repeat(100_000), "N3D1yR8tinIsBYeT2QwdkQ"],
  [
    "a Map of 2e4 entries",
    () => new Map(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, { v: [i] }])),
    "jsok9TeILyDBbIvJreJFrA",
  ],
  [
    "rows sharing one object",
    () => Array.from({ length: 50_000 }, (_, i) => (i % 3 === 0 ? shared : { i, shared })),
    "ZPfq9ltnckfFr3BwDvL5bA",
  ],
  ["sharing first met after 1e5 objects", () => [...rows, rows[5], rows[99_999], [rows[7]]], "VzKVdi9E2P4kexF8c6rwGg"],
])("%s keeps its fingerprint", (_, make, expected) => {
  expect(fingerprintValue(make())).toBe(expected);
});

it("a large value inside a custom fingerprinter's ctx.fingerprint keeps its fingerprint", () => {
  const registry = new FingerprinterRegistry({ fingerprinters: [boxes] });
  expect(registry.fingerprint([records, new Box(records), new Box([rows[1], rows[1]])])).toBe("t85aY59vaS3LO_XiQbaY0Q");
});
