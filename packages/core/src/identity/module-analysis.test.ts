// Scope analysis of module sources: what counts as module level, what is a closure, what a loader wrapped.
import { describe, expect, it } from "vitest";
import { ModuleAnalysis } from "./module-analysis.js";
import { resolveName } from "./scope.js";

/** Where each free name of the function with text `fn` resolves, in `source`. */
function resolutions(source: string, fn: string): Record<string, string> {
  const analysis = new ModuleAnalysis(source, "/project/dataflow.js");
  const sites = analysis.functionsWithText(fn);
  expect(sites, `function ${fn} found`).toHaveLength(1);
  const site = sites[0]!;
  return Object.fromEntries(
    [...analysis.freeNames(site.node).keys()].map((name) => [name, resolveName(name, site.outer)]),
  );
}

describe("free names of a node function", () => {
  it("module-level helpers and constants are module; parameters and locals are not free; unknown names are globals", () => {
    const source = `const RATE = 2;\nfunction helper(x) { return x * RATE; }\nexport const B = (A) => { const local = 1; return helper(A) + local + Math.max(A, 0); };\n`;
    expect(resolutions(source, "(A) => { const local = 1; return helper(A) + local + Math.max(A, 0); }")).toEqual({
      helper: "module",
      Math: "global",
    });
  });

  it("a factory's parameter is a closure, even when a module constant has the same name", () => {
    const source = `const k = 1;\nconst make = (k) => (x) => x * k;\nexport const double = make(2);\n`;
    expect(resolutions(source, "(x) => x * k")).toEqual({ k: "closure" });
  });

  it("property names, object keys and labels are not references", () => {
    const source = `const helper = 1;\nexport const B = (A) => ({ helper: A.helper, [A]: 1 });\n`;
    expect(resolutions(source, "(A) => ({ helper: A.helper, [A]: 1 })")).toEqual({});
  });

  it("hoisted vars and function declarations inside the function are local", () => {
    const source = `function helper() {}\nexport function B(A) { if (A) { var v = helper2(); } return v + helper2(); function helper2() { return 1; } }\n`;
    expect(
      resolutions(
        source,
        "function B(A) { if (A) { var v = helper2(); } return v + helper2(); function helper2() { return 1; } }",
      ),
    ).toEqual({});
  });

  it("a block-scoped name does not hide the module-level one outside its block", () => {
    const source = `const helper = () => 1;\nexport const B = (A) => { { const helper = 2; } return helper(); };\n`;
    expect(resolutions(source, "(A) => { { const helper = 2; } return helper(); }")).toEqual({ helper: "module" });
  });
});

describe("module declarations", () => {
  it("records imports of every form with their specifier and imported name", () => {
    const analysis = new ModuleAnalysis(
      `import d, { a as b } from "./x.js";\nimport * as ns from "pkg";\nconst r = require("./cjs.js");\nconst { p } = require("./cjs2.js");\nvar import_e = __toESM(require("./e.js"));\n`,
      "/project/dataflow.js",
    );
    const imports = Object.fromEntries([...analysis.declarations.values()].map((d) => [d.name, d.import]));
    expect(imports).toEqual({
      d: { spec: "./x.js", imported: "default" },
      b: { spec: "./x.js", imported: "a" },
      ns: { spec: "pkg", imported: "*" },
      r: { spec: "./cjs.js", imported: "*" },
      p: { spec: "./cjs2.js", imported: "p" },
      import_e: { spec: "./e.js", imported: "*" },
    });
  });

  it("sees through vitest's and tsx's wrapper functions: their body is the module level", () => {
    const vitest = `'use strict';async (__vite_ssr_exports__,__vite_ssr_import__)=>{{const __vite_ssr_import_0__ = await __vite_ssr_import__("/src/util.ts", {importedNames:["n"]});\nconst RATE = 2;\nconst B = (A) => (0, __vite_ssr_import_0__.n)(A) * RATE;\n}}`;
    expect(resolutions(vitest, "(A) => (0, __vite_ssr_import_0__.n)(A) * RATE")).toEqual({
      __vite_ssr_import_0__: "module",
      RATE: "module",
    });
    const analysis = new ModuleAnalysis(vitest, "/project/dataflow.js");
    expect(analysis.declarations.get("__vite_ssr_import_0__")?.import).toEqual({ spec: "/src/util.ts", imported: "*" });
    const tsx = `__filename="/p/flow.ts";(()=>{\nvar RATE=2;const B=__name(A2=>A2*RATE,"B");\n})()`;
    expect(resolutions(tsx, "A2=>A2*RATE")).toEqual({ RATE: "module" });
  });

  it("exported declarations are declarations, and export aliases are recorded", () => {
    const analysis = new ModuleAnalysis(
      `export const a = 1;\nexport function f() {}\nconst g = 2;\nexport { g as h };\nexport { x } from "./y.js";\n`,
      "/p/m.js",
    );
    expect([...analysis.declarations.keys()].sort()).toEqual(["a", "f", "g"]);
    expect(analysis.exportAliases.get("h")).toBe("g");
    expect(analysis.reExports.get("x")).toEqual({ spec: "./y.js", imported: "x" });
  });
});
