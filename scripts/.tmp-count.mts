import ts from "typescript";
const file = process.argv[2];
const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true });
const checker = program.getTypeChecker();
const sf = program.getSourceFile(file)!;
const sym = checker.getSymbolAtLocation(sf)!;
const exps = checker.getExportsOfModule(sym);
const vals: string[] = [], types: string[] = [];
for (const e of exps) {
  const t = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
  (t.flags & ts.SymbolFlags.Value ? vals : types).push(e.name);
}
console.log(exps.length, "values", vals.length, "types", types.length);
console.log("VALUES:", vals.sort().join(" "));
console.log("TYPES:", types.sort().join(" "));
