// Under tsx (which compiles required .mjs files itself), apache-arrow is loaded from its CommonJS build, not compiled a second time.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const tsx = join(here, "../../../node_modules/tsx/dist/loader.mjs");
// Inside the package, so the child resolves apache-arrow as a user of this package does.
const workDir = mkdtempSync(join(here, "..", ".tsx-test-"));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("loading apache-arrow under tsx", () => {
  it("decoding a stored Arrow table takes the CommonJS build (tsx would compile the ES build into another copy)", async () => {
    const script = join(workDir, "child.mts");
    writeFileSync(
      script,
      `import { createRequire } from "node:module";
import * as arrow from "apache-arrow";
import { arrowIpcCodec } from ${JSON.stringify(join(here, "index.ts"))};
const codec = arrowIpcCodec({ libraries: {} });
const stored = codec.encode(new arrow.Table({ x: arrow.makeVector(Float64Array.of(1, 2, 3)) }));
const table = codec.decode(stored) as arrow.Table;
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /apache-arrow\\/Arrow\\.node\\.m?js$/.test(k)).map((k) => k.split("/").pop());
console.log(JSON.stringify({ values: Array.from(table.getChild("x")!.toArray() as Float64Array), loaded }));
`,
    );
    const { stdout } = await run(process.execPath, ["--import", tsx, "--conditions=@ham/source", script], {
      cwd: join(here, ".."),
    });
    expect(JSON.parse(stdout)).toEqual({ values: [1, 2, 3], loaded: ["Arrow.node.js"] });
  });
});
