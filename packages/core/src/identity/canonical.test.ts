// The canonical form: what compilers change about a function's text does not count; any edit that
// can change what the function does does.
import { parse, tokenizer } from "acorn";
import { describe, expect, it } from "vitest";
import { canonicalForm } from "./canonical.js";
import type { EsNode } from "./scope.js";

const canonical = (text: string): string => {
  const program = parse(`(${text})`, { ecmaVersion: "latest", sourceType: "module" }) as EsNode;
  return canonicalForm((program.body as EsNode[])[0]?.expression as EsNode);
};

describe("what compilers change does not count", () => {
  it.each([
    ["quotes and escapes", `(x) => x + 'a\\'b'`, `(x) => x + "a'b"`],
    ["parentheses, semicolons, trailing commas, spacing", "(a, b,) => { return ((a) * (b)); }", "(a,b)=>{return a*b}"],
    ["number spellings", "() => [0.10, 1_000, 0x10, 1e3, .5]", "() => [.1, 1000, 16, 1000, 0.5]"],
    ["`undefined` and `void 0`", "(x) => x === undefined ? undefined : x", "(x) => x === void 0 ? void 0 : x"],
    [
      "string constants folded into templates (esbuild)",
      '(t, n) => f(t) + ", " + "total " + `${n}` + "!"',
      "(t, n) => f(t) + `, total ${n}!`",
    ],
    ["a template without holes and a string", "() => `abc`", '() => "abc"'],
    [
      "esbuild's renames of shadowing parameters and locals",
      "(rate) => { const total = rate * 2; return total; }",
      "(rate2) => { const total2 = rate2 * 2; return total2; }",
    ],
    ["esbuild's keepNames wrapper", '() => __name((a) => a + 1, "inc")', "() => ((a) => a + 1)"],
    ["shorthand properties", "(a) => ({ a })", "(a) => ({ a: a })"],
    ["quoted keys", '() => ({ "a": 1, 2: "x" })', '() => ({ a: 1, "2": "x" })'],
    [
      "logical assignment, downlevelled (tsc ES2020)",
      "(a, b) => { a ??= b; return a; }",
      "(a, b) => { a ?? (a = b); return a; }",
    ],
    [
      "esbuild's keepNames statement for a local function",
      '(n) => { return twice(n); function twice(x) { return x * 2; } __name(twice, "twice"); }',
      "(n) => { return twice(n); function twice(x) { return x * 2; } }",
    ],
    [
      "a local function esbuild renamed, with the name it restores",
      '(n) => { const f2 = __name(() => n, "f"); return f2; }',
      "(n) => { const f = () => n; return f; }",
    ],
  ])("%s", (_, a, b) => {
    expect(canonical(a)).toBe(canonical(b));
  });
});

describe("what can change behaviour counts", () => {
  it.each([
    ["a free name is not a local", "() => { { let x = 1; } return x; }", "() => { { let y = 1; } return y; }"],
    ["which local is read", "(a, b) => a - b", "(a, b) => b - a"],
    ["a tagged template's raw text", "() => String.raw`a\\n`", "() => String.raw`a\\x0a`"],
    ["numeric addition vs concatenation", '(a, b) => a + b + "x"', '(a, b) => a + (b + "x")'],
    ["a regular expression's flags", "(s) => /a/g.test(s)", "(s) => /a/.test(s)"],
    ["`arguments`", "function () { return arguments[0]; }", "function () { return arguments[1]; }"],
    ["locals a direct eval reads by name", '(x) => eval("x")', '(y) => eval("x")'],
    ["a class field declared without a value", "() => class { x; }", "() => class {}"],
    [
      "a local function's name (`.name`)",
      "() => { function f() {} return f.name; }",
      "() => { function g() {} return g.name; }",
    ],
    [
      "the name a local gives its function (`.name`)",
      "() => { const f = () => 1; return f.name; }",
      "() => { const g = () => 1; return g.name; }",
    ],
    ["the name a default parameter gives its function", "(f = () => 1) => f.name", "(g = () => 1) => g.name"],
    [
      "the name an assignment gives its function",
      "() => { let f; f = () => 1; return f.name; }",
      "() => { let g; g = () => 1; return g.name; }",
    ],
  ])("%s", (_, a, b) => {
    expect(canonical(a)).not.toBe(canonical(b));
  });

  // Every single-token edit of these functions (a number, a string, a name, an operator) changes
  // behaviour (every local is used), so each must change the canonical form.
  const corpus = [
    '(rows) => rows.reduce((sum, row) => sum + row.qty * UNITS[row.unit ?? "g"], 0)',
    "async function taxed(capped) { const rate = await Promise.resolve(scale(1)); return capped * (1 + rate); }",
    '(taxed, total) => label("taxed", taxed) + ", " + `total ${normalize(total)}` + (taxed === undefined ? "?" : "")',
    "({ report, capped }) => ({ report, capped, note: capped > 2 ? 'high' : \"low\" })",
    "(total, limit = LIMIT) => Math.min(total, limit) >= 0 && total !== limit || !total",
    "(xs) => { let n = 0; for (const x of xs) { if (x?.ok) n += x.v; else n -= 1; } return n; }",
  ];
  const swaps: Record<string, string> = {
    "+": "-",
    "-": "+",
    "*": "/",
    "/": "*",
    ">": ">=",
    ">=": ">",
    "<": "<=",
    "===": "!==",
    "!==": "===",
    "&&": "||",
    "||": "&&",
    "??": "||",
    "+=": "-=",
    "-=": "+=",
    "?.": ".",
  };

  it.each(corpus)("each single-token edit of %s changes its canonical form", (source) => {
    const original = canonical(source);
    let edits = 0;
    for (const token of tokenizer(source, { ecmaVersion: "latest" })) {
      const text = source.slice(token.start, token.end);
      let replacement: string | undefined;
      if (token.type.label === "name") replacement = `${text}_`;
      else if (token.type.label === "num") replacement = String(Number(text) + 1);
      else if (token.type.label === "string") replacement = `${text.slice(0, -1)}x${text.slice(-1)}`;
      else if (token.type.label === "template" && text.length > 0) replacement = `${text}x`;
      else replacement = swaps[text];
      if (replacement === undefined) continue;
      const edited = source.slice(0, token.start) + replacement + source.slice(token.end);
      let after: string;
      try {
        after = canonical(edited);
      } catch {
        continue; // not JavaScript any more
      }
      edits++;
      expect(after, `edit "${text}" → "${replacement}" at ${token.start}: ${edited}`).not.toBe(original);
    }
    expect(edits).toBeGreaterThanOrEqual(8);
  });
});
