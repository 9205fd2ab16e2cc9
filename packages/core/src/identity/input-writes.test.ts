// Whether a node's code provably changes none of its inputs (input-writes.ts): narrow on purpose —
// a read-only pipeline step passes; any write, delete, mutating method or outside function does not.
import { parseExpressionAt } from "acorn";
import { describe, expect, it } from "vitest";
import { cannotChangeInputs } from "./input-writes.js";
import type { EsNode } from "./scope.js";

/** Module-level names in these snippets: the rest are globals. */
const MODULE_NAMES = new Set(["normalize", "helper", "LIMIT"]);
const check = (text: string) =>
  cannotChangeInputs(
    parseExpressionAt(text, 0, { ecmaVersion: "latest" }) as EsNode,
    (name) => !MODULE_NAMES.has(name),
  );

describe("cannotChangeInputs", () => {
  it.each([
    "(rows) => rows.map((r) => ({ ...r, a: 1 }))",
    "(s1) => s1.filter((r) => r.id % 2 === 0)",
    "(s3) => s3.reduce((t, r) => t + r.w, 0)",
    "(cfg) => Object.keys(cfg).length + Object.entries(cfg).length",
    "(xs) => { let t = 0; for (const v of xs) t += v; return t; }",
    "(o) => { const out = []; for (const k in o) out.push(k); return out; }",
    "(a, b) => new Map([[a, b]])",
    "(rows) => JSON.stringify(rows) + String(rows.length) + Math.max(...rows)",
    "async (rows) => { const { a, ...rest } = rows; return [a, rest]; }",
    "(rows) => rows.slice(0, 3).join(',').toUpperCase()",
    "(m) => m.get('a') ?? m.has('b')",
    "(s) => 'a,b'.split(',').concat(s.split(',')).map((x) => x.trim())",
    "(o) => Object.keys(o).map((k) => k.toUpperCase()).join() + String(o.n).padStart(3)",
    "(rows) => { const out = {}; for (const r of rows) { out[r.k] = (out[r.k] ?? 0) + 1; out.n++; } return out; }",
    "(rows) => { const seen = new Set(); rows.forEach((r) => seen.add(r.id)); return seen.size; }",
  ])("%s changes none of its inputs", (text) => {
    expect(check(text)).toBe(true);
  });

  it.each([
    "(rows) => rows.sort()",
    "(rows) => [...rows].sort()", // a copy, but the rule does not follow values: a miss of the shortcut, never a wrong answer
    "(o) => { o.x = 1; return o; }",
    "(o) => { [o.a] = [1]; }",
    "(o) => Object.assign(o, { x: 1 })",
    "(o) => Object.freeze(o)",
    "(a) => a.push(1)",
    "(o) => { delete o.x; }",
    "(o) => o.n++",
    "(rows) => rows.map(normalize)",
    "(rows) => helper(rows)",
    "(rows) => { const f = (r) => r; return f(rows); }",
    "(m) => m.set('a', 1)",
    "(rows) => rows.forEach((r) => { r.seen = true; })",
    "(o) => { for (o.k in { a: 1 }); }",
    "(rows) => console.log(rows)",
    "(rows) => new Parser(rows)",
    "(rows) => rows.map(LIMIT.fn)",
    "(rows) => { const out = { rows }; out.rows.push(1); return out; }",
    "(rows) => { let out = []; out = rows; out.push(1); return out; }",
    "(rows) => { const out = []; { const out = rows; out.push(1); } return out; }",
    "(rows) => { const out = []; out.sort(normalize); return out; }",
    "(rows) => helper.replace(rows, 'a', 'b')",
    "(rows) => LIMIT.map((r) => r)",
    "(rows) => globalThis.utils.filter(rows)",
  ])("%s may change an input", (text) => {
    expect(check(text)).toBe(false);
  });
});
