// The build-time check: polars installed without flechette (which reads its IPC) fails build() with the install command.
import { Builder, ConfigurationError, MemoryFingerprintRepository, MemoryResultStore } from "@ham/core";
import { describe, expect, it } from "vitest";
import { arqueroFingerprinter, dataframeCaching, polarsFingerprinter } from "./index.js";
import { checkLibraries } from "./libraries.js";

/** A resolver that finds only these packages, as in a project folder where the others are not installed. */
const only =
  (...present: string[]) =>
  (name: string): string => {
    if (present.includes(name)) return `/project/node_modules/${name}/index.js`;
    throw Object.assign(new Error(`Cannot find module '${name}'`), { code: "MODULE_NOT_FOUND" });
  };

describe("checkLibraries", () => {
  it("polars without @uwdata/flechette: a ConfigurationError with the install command", () => {
    const check = () => checkLibraries({}, { polarsFingerprints: true }, only("nodejs-polars"));
    expect(check).toThrow(ConfigurationError);
    expect(check).toThrow(
      /needs "@uwdata\/flechette".*to fingerprint nodejs-polars frames.*npm install @ham\/fingerprint-dataframe @uwdata\/flechette/,
    );
    // A polars module handed in counts as installed.
    expect(() => checkLibraries({ polars: {} }, { polarsFingerprints: true }, only())).toThrow(
      /npm install @ham\/fingerprint-dataframe @uwdata\/flechette/,
    );
  });

  it("passes when flechette is there, not needed, or polars is absent; apache-arrow is not needed for polars", () => {
    expect(() =>
      checkLibraries({}, { polarsFingerprints: true }, only("nodejs-polars", "@uwdata/flechette")),
    ).not.toThrow();
    expect(() => checkLibraries({}, { polarsFingerprints: false }, only("nodejs-polars"))).not.toThrow();
    expect(() => checkLibraries({}, { polarsFingerprints: true }, only("arquero"))).not.toThrow();
  });
});

describe("build() runs the check", () => {
  it("the fingerprinters carry check(); in this workspace (both installed) build() succeeds", async () => {
    const { fingerprinters } = dataframeCaching();
    expect(typeof fingerprinters[0]?.check).toBe("function");
    expect(typeof polarsFingerprinter().check).toBe("function");
    const dr = await new Builder()
      .withModules({ n: () => 1 })
      .withCache({
        fingerprintStore: new MemoryFingerprintRepository(),
        resultStore: new MemoryResultStore(),
        ...dataframeCaching(),
      })
      .withProgress(false)
      .build();
    expect(await dr.execute(["n"])).toEqual({ n: 1 });
  });

  it("a failing check fails build(), before any node ran", async () => {
    const ran: string[] = [];
    const fingerprinter = arqueroFingerprinter();
    // The check dataframeCaching's fingerprinter runs, as in an install that lost flechette.
    fingerprinter.check = () => checkLibraries({}, { polarsFingerprints: true }, only("nodejs-polars"));
    const build = new Builder()
      .withModules({ n: () => (ran.push("n"), 1) })
      .withCache({
        fingerprintStore: new MemoryFingerprintRepository(),
        resultStore: new MemoryResultStore(),
        fingerprinters: [fingerprinter],
      })
      .build();
    await expect(build).rejects.toThrow(/npm install @ham\/fingerprint-dataframe @uwdata\/flechette/);
    expect(ran).toEqual([]);
  });
});
