// The files `ham init` writes: the README's first example (a CSV report), a tsconfig.json that works
// for ESM and CommonJS projects alike, and the npm scripts and packages that run them.

export const DATAFLOW_TS = `// dataflow.ts — every exported function is a node; parameter names are dependencies
import { readFileSync } from "node:fs";
type Row = { amount: number; ok: boolean };

export const raw = (path: string): Row[] =>                          // \`path\` is an input
  readFileSync(path, "utf8").trim().split("\\n").slice(1).map((line) => {
    const [amount, ok] = line.split(",");
    return { amount: Number(amount), ok: ok === "yes" };
  });
export const cleaned = (raw: Row[]) => raw.filter((r) => r.ok);
export const total = (cleaned: Row[]) => cleaned.reduce((s, r) => s + r.amount, 0);
export const report = (total: number, currency = "EUR") => \`\${total.toFixed(2)} \${currency}\`;
`;

export const MAIN_TS = `// main.ts — runs the dataflow with the on-disk cache in .ham_cache/: run it twice, the second run is all hits.
// No top-level await, so it runs as CommonJS (npm init -y's default) and as an ES module alike.
import { Builder } from "@ham/core";
import * as dataflow from "./dataflow.js";

async function main() {
  const dr = await new Builder().withModules(dataflow).withCache().build();
  const out = await dr.execute(["report"], { inputs: { path: "sales.csv" } });
  console.log(out.report);
  console.log(await dr.cache.summary());                   // e.g. "4 nodes: 4 from cache, 0 computed"
  console.log(String(await dr.cache.explain("total")));    // why "total" ran or came from the cache
  await dr.close();
}

main();
`;

export const SALES_CSV = "amount,ok\n10,yes\n5,no\n2.5,yes\n";

/** Works for TypeScript 5.9 and 7, in "type": "module" and "type": "commonjs" projects (nodenext follows package.json). */
export const TSCONFIG = {
  compilerOptions: {
    target: "es2022",
    module: "nodenext",
    strict: true,
    skipLibCheck: true,
    types: ["node"],
  },
};

export const SCRIPTS: Readonly<Record<string, string>> = {
  start: "tsx main.ts",
  typecheck: "tsc --noEmit",
};

/** Packages the starter needs, with the version ranges `ham init` adds when package.json lacks them. */
export function starterPackages(cliVersion: string, nodeMajor: string) {
  return {
    dependencies: { "@ham/core": `^${cliVersion}` },
    devDependencies: { tsx: "^4.20.0", typescript: "^5.9.3 || ^7.0.2", "@types/node": `^${nodeMajor}` },
  };
}
