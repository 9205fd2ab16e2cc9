// Later builds in one process give a node the code version its first build gave (no per-process
// cache may change what a version is made of), and an edited helper file still changes it.
import { describe, expect, it } from "vitest";
import { buildGraph } from "../graph/graph.js";
import { computeCodeIdentities } from "./code-identity.js";
import { sourceWork } from "./source-reads.js";
import { moduleFrom } from "./test-helpers.js";

const files = (divisor: string) => ({
  "dataflow.mjs":
    'import { scaled } from "./helpers.ts";\nexport const A = () => 10;\nexport const B = (A) => scaled(A);\n',
  "helpers.ts": `const RATE: number = 2;\nexport function scaled(x: number): number { return (x * RATE) / ${divisor}; }\nexport const unrelated = (): string => "not used by B";\n`,
});

const identitiesOf = (module: Record<string, unknown>) =>
  computeCodeIdentities(buildGraph([module], { allowOverride: false, config: {} }), { modules: [module] });

describe("code versions over repeated builds in one process", () => {
  it("a node importing a helper from a sibling file gets the same version on every build, made from the helper", async () => {
    const { module } = await moduleFrom(files("10"));
    const builds = [identitiesOf(module)];
    const before = { ...sourceWork };
    builds.push(identitiesOf(module), identitiesOf(module));
    // Later builds reuse what the first one read: no file or script is read or parsed again.
    expect({ reads: sourceWork.reads - before.reads, parses: sourceWork.parses - before.parses }).toEqual({
      reads: 0,
      parses: 0,
    });
    const versions = builds.map((b) => b.get("B")?.version);
    expect(versions[1]).toBe(versions[0]);
    expect(versions[2]).toBe(versions[0]);
    // Made from the helper it calls (followed into helpers.ts), on every build, never from the whole file.
    for (const identities of builds)
      expect(Object.keys(identities.get("B")?.parts ?? {})).toEqual([
        "own code",
        "helper `scaled` in helpers.ts",
        "constant `RATE` in helpers.ts",
      ]);
  });

  it("the same files loaded again give the same version; an edited helper file, loaded fresh, gives another", async () => {
    const first = await moduleFrom(files("10"));
    const before = [identitiesOf(first.module), identitiesOf(first.module)].map((b) => b.get("B")?.version);
    const again = await moduleFrom(files("10"));
    expect(identitiesOf(again.module).get("B")?.version).toBe(before[0]);
    const edited = await moduleFrom(files("5"));
    const after = [identitiesOf(edited.module), identitiesOf(edited.module)].map((b) => b.get("B")?.version);
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).toBe(after[0]);
    // A node that does not reach the helper keeps its version.
    expect(identitiesOf(edited.module).get("A")?.version).toBe(identitiesOf(first.module).get("A")?.version);
  });
});
