import ts from "typescript";
import { readFileSync } from "node:fs";
import { execSync } from "node:child_process";
const files = execSync("git ls-files", { encoding: "utf8" }).split("\n").filter((f) => f && !f.startsWith("packages/core/") && !f.includes("CHANGELOG") && /\.(ts|mts|tsx|js|mjs|cjs|md)$/.test(f));
const uses = new Map<string, Set<string>>();
for (const f of files) {
  const text = readFileSync(f, "utf8");
  const chunks = f.endsWith(".md") ? [...text.matchAll(/```(?:ts|js|typescript)[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]) : [text];
  for (const chunk of chunks) {
    const sf = ts.createSourceFile("x.ts", chunk, ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text.startsWith("@ham/core")) {
        const spec = n.moduleSpecifier.text;
        let names: string[] = [];
        if (ts.isImportDeclaration(n)) {
          const nb = n.importClause?.namedBindings;
          if (nb && ts.isNamedImports(nb)) names = nb.elements.map((e) => (e.propertyName ?? e.name).text);
          else if (nb) names = ["*ns"];
        } else if (n.exportClause && ts.isNamedExports(n.exportClause)) names = n.exportClause.elements.map((e) => (e.propertyName ?? e.name).text);
        for (const name of names) { const k = spec + ":" + name; if (!uses.has(k)) uses.set(k, new Set()); uses.get(k)!.add(f); }
      }
      if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) { const a = n.arguments[0]; if (a && ts.isStringLiteral(a) && a.text.startsWith("@ham/core")) { const k = a.text + ":*dyn"; if (!uses.has(k)) uses.set(k, new Set()); uses.get(k)!.add(f); } }
      if (ts.isImportTypeNode(n)) { /* import("@ham/core").X */ const a = n.argument; if (ts.isLiteralTypeNode(a) && ts.isStringLiteral(a.literal) && a.literal.text.startsWith("@ham/core")) { const k = a.literal.text + ":" + (n.qualifier?.getText() ?? "*"); if (!uses.has(k)) uses.set(k, new Set()); uses.get(k)!.add(f); } }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
}
const mode = process.argv[2];
for (const [k, fs] of [...uses].sort()) console.log(k, fs.size, mode === "-v" ? [...fs].map((f) => f.split("/").slice(0, 2).join("/")).filter((v, i, a) => a.indexOf(v) === i).join(",") : "");
