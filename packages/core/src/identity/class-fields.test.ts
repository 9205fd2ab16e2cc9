// Class fields as compilers lower them read back as the source's fields — and only where the two
// spellings cannot behave differently.
import { describe, expect, it } from "vitest";
import { canonicalForm } from "./canonical.js";
import { ModuleAnalysis } from "./module-analysis.js";

/** The canonical form of class `C` in `source`, and the top-level statements said to write `C`. */
const classC = (source: string) => {
  const analysis = new ModuleAnalysis(source, "/project/m.js");
  const declaration = analysis.declarations.get("C");
  if (!declaration) throw new Error("no class C");
  return { form: canonicalForm(declaration.node), writes: analysis.writes().get("C")?.statements.length ?? 0 };
};

const ES2022 =
  "class C { value; static start = 1; constructor(value) { this.value = value; } static zero() { return new C(C.start - 1); } }";

describe("lowered class fields are the source's fields", () => {
  it.each([
    [
      "tsc for ES2020: statics assigned after the class, no parameter-property field",
      "class C { static zero() { return new C(C.start - 1); } constructor(value) { this.value = value; } }\nC.start = 1;",
    ],
    [
      "swc for ES2020: _define_property after the class and in the constructor",
      'class C { static zero() { return new C(C.start - 1); } constructor(value) { _define_property(this, "value", void 0); this.value = value; } }\n_define_property(C, "start", 1);',
    ],
    [
      "tsc's CommonJS export between the class and its statics",
      "class C { value; constructor(value) { this.value = value; } static zero() { return new C(C.start - 1); } }\nexports.C = C;\nC.start = 1;",
    ],
    [
      "Object.defineProperty with a field's descriptor",
      'class C { value; constructor(value) { this.value = value; } static zero() { return new C(C.start - 1); } }\nObject.defineProperty(C, "start", { enumerable: true, configurable: true, writable: true, value: 1 });',
    ],
  ])("%s", (_, lowered) => {
    const expected = classC(ES2022);
    const got = classC(lowered);
    expect(got.form).toBe(expected.form);
    expect(got.writes).toBe(0);
  });
});

describe("where an assignment and a field differ, nothing is folded", () => {
  it.each([
    ["a read-only key (`name`)", "class C {}\nC.name = 1;", "class C { static name = 1; }"],
    [
      "a class with a superclass (a static setter up the chain)",
      "class C extends B {}\nC.k = 1;",
      "class C extends B { static k = 1; }",
    ],
    [
      "a static accessor of that name",
      "class C { static set k(v) {} }\nC.k = 1;",
      "class C { static set k(v) {} static k = 1; }",
    ],
    ["a value that reads `this`", "class C {}\nC.k = this;", "class C { static k = this; }"],
    [
      "a class binding written elsewhere",
      "class C {}\nC.k = () => C;\nC = 5;",
      "class C { static k = () => C; }\nC = 5;",
    ],
    [
      "a field before other instance fields",
      "class C { a = 1; constructor(x) { this.x = x; } }",
      "class C { x; a = 1; constructor(x) { this.x = x; } }",
    ],
    [
      "a field a constructor does not fill from its parameter",
      "class C { constructor(x) { this.x = 2; } }",
      "class C { x; constructor(x) { this.x = 2; } }",
    ],
    [
      "a constructor value that reads a parameter",
      'class C { constructor(v) { _define_property(this, "k", v); } }',
      "class C { k = v; constructor(v) {} }",
    ],
  ])("%s", (_, a, b) => {
    expect(classC(a).form).not.toBe(classC(b).form);
  });

  it("`var C = class _C` is `class C` only when a source map says so", () => {
    for (const source of ["var C = class _C { static k = 1; };", "var C = class { static k = 1; };"]) {
      const analysis = new ModuleAnalysis(source, "/project/m.js");
      expect(analysis.declarations.get("C")?.node.type).toBe("VariableDeclarator");
    }
  });

  it("an assignment after the class stays a top-level write when it is not folded", () => {
    expect(classC("class C {}\nC.name = 1;").writes).toBe(1);
  });
});
