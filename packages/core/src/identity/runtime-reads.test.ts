// What a node's own code reads from the runtime (runtime-reads.ts): the clock, random numbers, the
// network, the command line, the environment and files, found only where the name is the global
// (or, for files, an import of node:fs).
import { parseExpressionAt } from "acorn";
import { describe, expect, it } from "vitest";
import { type NameSource, runtimeReadsOf } from "./runtime-reads.js";
import { type EsNode, freeNamesOf } from "./scope.js";

/** The reads of a function's text; `imports`: names the module imports (the rest are globals). */
function reads(text: string, imports: Record<string, NameSource> = {}) {
  const fn = parseExpressionAt(text, 0, { ecmaVersion: "latest" }) as EsNode;
  return runtimeReadsOf(fn, freeNamesOf(fn).keys(), (name) => (name in imports ? imports[name] : "global"));
}

describe("globalReadsOf", () => {
  it.each([
    ["() => Date.now()", "the clock (`Date.now()`)"],
    ["() => new Date().toISOString()", "the clock (`new Date()`)"],
    ["() => Date()", "the clock (`Date()`)"],
    ["() => Math.random()", "random numbers (`Math.random()`)"],
    ["() => crypto.randomUUID()", "random numbers (`crypto.randomUUID()`)"],
    ["async () => (await fetch('https://example.com/x')).json()", "the network (`fetch(…)`)"],
    ["() => process.argv[2]", "the command line (`process.argv`)"],
    ["(key) => process.env[key]", "the environment (`process.env[…]` with a computed name)"],
    ["() => ({ ...process.env })", "the environment (`process.env` as a whole)"],
    ["(rows) => rows.map((row) => ({ ...row, id: Math.random() }))", "random numbers (`Math.random()`)"],
    ["function f() { if (Date.now() > 0) return 1; return 2; }", "the clock (`Date.now()`)"],
  ])("%s reads %s", (text, what) => {
    expect(reads(text)).toEqual({ unseen: [what], env: [], files: [] });
  });

  it.each([
    "(s) => new Date(s)",
    "() => Date.UTC(2024, 0, 1)",
    "(s) => Date.parse(s)",
    "(a, b) => Math.max(a, b) + Math.PI",
    "(Date) => Date.now()",
    "() => { const Math = { random: () => 4 }; return Math.random(); }",
    "(rows) => rows.map((performance) => performance.now())",
    "(rows) => { const t0 = performance.now(); const out = rows.map(String); console.log(performance.now() - t0); return out; }",
    "() => process.hrtime.bigint() > 0n",
    "(x, t = Date.now()) => x + t",
    "(text) => `Date.now() and Math.random() in a string: ${text}`",
    "(process) => process.env.RATE",
  ])("%s reads nothing watched", (text) => {
    expect(reads(text)).toEqual({ unseen: [], env: [], files: [] });
  });

  it("finds environment variables named literally, in order, once each", () => {
    expect(
      reads("() => Number(process.env.RATE ?? 1) + Number(process.env['TAX_RATE']) + Number(process.env.RATE)"),
    ).toEqual({
      unseen: [],
      env: ["RATE", "TAX_RATE"],
      files: [],
    });
  });

  it("leaves a name that is not the global (a module binding) alone", () => {
    expect(reads("() => Date.now() + Math.random()", { Date: undefined })).toEqual({
      unseen: ["random numbers (`Math.random()`)"],
      env: [],
      files: [],
    });
  });

  const fs = { spec: "node:fs", imported: "*" };
  const readFileSync = { spec: "fs", imported: "readFileSync" };
  const readFile = { spec: "node:fs/promises", imported: "readFile" };
  it.each([
    ['() => readFileSync("rates.json", "utf8")', { readFileSync }, ["rates.json"]],
    ["async () => rf(`data/sales.csv`)", { rf: readFile }, ["data/sales.csv"]],
    ['() => fs.readdirSync("inbox").length', { fs }, ["inbox"]],
    ['() => fs.promises.readFile("a.txt")', { fs }, ["a.txt"]],
    ['() => (0, fs.readFileSync)("compiled.json")', { fs }, ["compiled.json"]],
    ['() => [fs.existsSync("flag"), fs.statSync("flag").size]', { fs }, ["flag"]],
  ])("%s reads the file(s) named literally", (text, imports, files) => {
    expect(reads(text, imports as Record<string, NameSource>)).toEqual({ unseen: [], env: [], files });
  });

  it("a path made from what the function declares is an input's (seen there); one made of module names and globals is unseen", () => {
    const none = { unseen: [], env: [], files: [] };
    const unseen = { unseen: ["a file named at run time (`readFileSync(…)`)"], env: [], files: [] };
    expect(reads("(path) => readFileSync(path)", { readFileSync })).toEqual(none);
    expect(reads("(dir) => readFileSync(`${dir}/x.csv`)", { readFileSync })).toEqual(none);
    const listing = "(dir) => fs.readdirSync(dir).map((e) => fs.readFileSync(join(dir, e)))";
    expect(reads(listing, { fs, join: undefined })).toEqual(none);
    expect(
      reads("() => readFileSync(join(DATA_DIR, 'x.csv'))", { readFileSync, join: undefined, DATA_DIR: undefined }),
    ).toEqual(unseen);
    expect(reads("() => readFileSync(process.cwd() + '/x.csv')", { readFileSync })).toEqual(unseen);
    // A node that lists its files (cache({ files })) said what it reads.
    const fn = parseExpressionAt("() => readFileSync(RATES)", 0, { ecmaVersion: "latest" }) as EsNode;
    const listed = runtimeReadsOf(
      fn,
      ["readFileSync", "RATES"],
      (name) => (name === "readFileSync" ? readFileSync : undefined),
      true,
    );
    expect(listed).toEqual(none);
  });

  it("ignores node:fs writes and other modules' functions of the same name", () => {
    expect(reads('() => fs.writeFileSync("out.txt", "x")', { fs })).toEqual({ unseen: [], env: [], files: [] });
    expect(
      reads('() => readFileSync("x")', { readFileSync: { spec: "./my-fs.js", imported: "readFileSync" } }),
    ).toEqual({ unseen: [], env: [], files: [] });
  });
});
