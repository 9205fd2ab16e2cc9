// build() asks the configured fingerprinters and codecs what they need, so a missing library fails before any node runs.
import { describe, expect, it } from "vitest";
import { Builder, ConfigurationError, MemoryFingerprintRepository, MemoryResultStore } from "../index.js";
import type { Codec, Fingerprinter } from "../index.js";

const missing = (what: string) => () => {
  throw new ConfigurationError(`${what} needs "some-lib": npm install some-lib`);
};

describe("build-time dependency check", () => {
  it("fails build() with the fingerprinter's or codec's error, before any node runs", async () => {
    const ran: string[] = [];
    const flow = { load: () => (ran.push("load"), 1) };
    const fingerprinter: Fingerprinter = {
      name: "needs-lib",
      accepts: () => false,
      fingerprint: () => "x",
      check: missing("fingerprinter"),
    };
    const codec: Codec = {
      name: "needs-lib",
      accepts: () => false,
      encode: () => new Uint8Array(),
      decode: () => 0,
      check: missing("codec"),
    };
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const build = (options: object) =>
      new Builder()
        .withModules(flow)
        .withCache({ ...stores, ...options })
        .withProgress(false)
        .build();
    await expect(build({ fingerprinters: [fingerprinter] })).rejects.toThrow(ConfigurationError);
    await expect(build({ fingerprinters: [fingerprinter] })).rejects.toThrow(
      'fingerprinter needs "some-lib": npm install some-lib',
    );
    await expect(build({ codecs: [codec] })).rejects.toThrow('codec needs "some-lib": npm install some-lib');
    expect(ran).toEqual([]);
    // Parts whose check passes (or that have none) build as before.
    const dr = await build({
      codecs: [{ ...codec, check: () => undefined }],
      fingerprinters: [{ ...fingerprinter, check: undefined }],
    });
    expect(await dr.execute(["load"])).toEqual({ load: 1 });
  });
});
