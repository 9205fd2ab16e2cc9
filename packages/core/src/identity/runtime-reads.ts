// What a node's own code reads from the runtime that neither its inputs nor its code version show:
// the clock (`Date.now()`, `new Date()`), random numbers (`Math.random()`), the network (`fetch`),
// the command line, environment variables and files. What can be followed is: an environment
// variable named literally (`process.env.RATE`) puts its value into the node's key, and a file
// named literally (`readFileSync("rates.json")`, through an import of node:fs) its content, as
// cache({ files }) does. The rest cannot: the node recomputes on every run (a miss, never a stale
// hit), with a build-time warning.
import { type EsNode, forEachChild, walkOwnReferences } from "./scope.js";

export interface RuntimeReads {
  /** What no key can cover, described for the warning (`the clock (\`Date.now()\`)`); empty when none. */
  readonly unseen: readonly string[];
  /** Environment variables read by a literal name, in the order first met. */
  readonly env: readonly string[];
  /** Files (or folders) read by a literal path through node:fs, in the order first met. */
  readonly files: readonly string[];
}

/** Where a name the function does not declare comes from: the global, an import (its module and export), or elsewhere. */
export type NameSource = "global" | { readonly spec: string; readonly imported: string } | undefined;

const NONE: RuntimeReads = Object.freeze({ unseen: [], env: [], files: [] });
// performance.now() and process.hrtime() are not watched: they time work (durations) far more often
// than they make data, and a node timing itself would otherwise never be cached.
const WATCHED = new Set(["Date", "Math", "crypto", "process", "fetch"]);
const FS_MODULES = new Set(["fs", "node:fs", "fs/promises", "node:fs/promises"]);
/** node:fs functions whose first argument names what they read. */
const FS_READS = new Set([
  "readFileSync",
  "readFile",
  "createReadStream",
  "readdirSync",
  "readdir",
  "opendirSync",
  "opendir",
  "statSync",
  "stat",
  "lstatSync",
  "lstat",
  "existsSync",
  "accessSync",
  "access",
  "openSync",
  "open",
  "readlinkSync",
  "readlink",
]);

/**
 * The runtime reads of function `fn` (its body and the functions inside it; parameter defaults are
 * volatile-default.ts's). `free`: the names it does not declare; `source(name)` says where one comes
 * from. `filesListed`: the node lists the files it reads (cache({ files })), so a path computed from
 * module-level names is taken to be one of them.
 */
export function runtimeReadsOf(
  fn: EsNode,
  free: Iterable<string>,
  source: (name: string) => NameSource,
  filesListed = false,
): RuntimeReads {
  const watched = new Map<string, Exclude<NameSource, undefined>>();
  for (const name of free) {
    const from = source(name);
    if (from === undefined) continue;
    if (from === "global" ? WATCHED.has(name) : FS_MODULES.has(from.spec)) watched.set(name, from);
  }
  if (watched.size === 0) return NONE;
  const references = new Map<EsNode, Exclude<NameSource, undefined>>();
  /** Identifiers naming what the function declares (its parameters, an inner callback's, its variables). */
  const locals = new Set<EsNode>();
  walkOwnReferences(fn, (name, node, declared) => {
    if (declared) locals.add(node);
    else {
      const from = watched.get(name);
      if (from !== undefined) references.set(node, from);
    }
  });
  if (references.size === 0) return NONE;
  const unseen = new Set<string>();
  const env = new Set<string>();
  const files = new Set<string>();
  const visit = (node: EsNode, parents: EsNode[]): void => {
    const from = references.get(node);
    if (from !== undefined) {
      const read =
        from === "global"
          ? classify(node, parents)
          : fileRead(node, from.imported, parents, filesListed ? undefined : locals);
      if (read?.env !== undefined) env.add(read.env);
      else if (read?.file !== undefined) files.add(read.file);
      else if (read?.unseen !== undefined) unseen.add(read.unseen);
      return;
    }
    parents.push(node);
    forEachChild(node, (child) => visit(child, parents));
    parents.pop();
  };
  visit(fn.body as EsNode, []);
  return unseen.size + env.size + files.size === 0 ? NONE : { unseen: [...unseen], env: [...env], files: [...files] };
}

interface Read {
  readonly unseen?: string;
  readonly env?: string;
  readonly file?: string;
}

/**
 * A call of a node:fs reading function through the import `id` (`readFileSync(…)`, `fs.readFile(…)`,
 * `fs.promises.readFile(…)`): its literal path; nothing when the path is made from what the
 * function declares (its parameters, or names derived from them: an input, which run-inputs.ts
 * sees, as file(path) or as a string naming a file); else (made only of module-level names and
 * globals, `join(DATA_DIR, "x.csv")`) unseen, unless `locals` is undefined (the node lists its files).
 */
function fileRead(
  id: EsNode,
  imported: string,
  parents: readonly EsNode[],
  locals: ReadonlySet<EsNode> | undefined,
): Read | undefined {
  let callee: EsNode = id;
  let name = imported;
  let depth = parents.length - 1;
  // Down a namespace or default import: fs.readFileSync, fs.promises.readFile.
  while (depth >= 0 && parents[depth]?.type === "MemberExpression" && parents[depth]?.object === callee) {
    const member = memberName(parents[depth] as EsNode);
    if (member === undefined) return undefined;
    callee = parents[depth] as EsNode;
    name = member;
    depth--;
  }
  // `(0, fs.readFileSync)(…)`: how compilers call an imported function (vite, esbuild, tsc for CommonJS).
  const sequence = parents[depth];
  if (sequence?.type === "SequenceExpression" && (sequence.expressions as EsNode[]).at(-1) === callee) {
    callee = sequence;
    depth--;
  }
  const call = parents[depth];
  if (!FS_READS.has(name) || call?.type !== "CallExpression" || call.callee !== callee) return undefined;
  const target = (call.arguments as EsNode[])[0];
  const path = literalText(target);
  if (path !== undefined) return { file: path };
  if (target === undefined || locals === undefined || mentions(target, locals)) return undefined;
  return { unseen: `a file named at run time (\`${name}(…)\`)` };
}

/** Whether `node` contains one of the identifiers `among`. */
function mentions(node: EsNode, among: ReadonlySet<EsNode>): boolean {
  if (among.has(node)) return true;
  let found = false;
  forEachChild(node, (child) => {
    if (!found && mentions(child, among)) found = true;
  });
  return found;
}

/** A string literal's or a template literal's (without substitutions) text. */
function literalText(node: EsNode | undefined): string | undefined {
  if (node?.type === "Literal" && typeof node.value === "string") return node.value;
  if (node?.type === "TemplateLiteral" && (node.expressions as EsNode[]).length === 0)
    return (node.quasis as EsNode[])[0]?.value?.cooked as string | undefined;
  return undefined;
}

/** What the global identifier `id` (its ancestors in `parents`, nearest last) reads, if anything watched. */
function classify(id: EsNode, parents: readonly EsNode[]): Read | undefined {
  const name = id.name as string;
  const parent = parents[parents.length - 1];
  const grand = parents[parents.length - 2];
  const member = parent?.type === "MemberExpression" && parent.object === id ? memberName(parent) : undefined;
  switch (name) {
    case "Date":
      if (parent?.type === "NewExpression" && parent.callee === id && (parent.arguments as EsNode[]).length === 0)
        return { unseen: "the clock (`new Date()`)" };
      if (parent?.type === "CallExpression" && parent.callee === id) return { unseen: "the clock (`Date()`)" };
      if (member === "now") return { unseen: "the clock (`Date.now()`)" };
      return undefined; // Date.UTC, Date.parse, new Date(x): decided by their arguments
    case "Math":
      return member === "random" ? { unseen: "random numbers (`Math.random()`)" } : undefined;
    case "crypto":
      return member === "randomUUID" || member === "getRandomValues"
        ? { unseen: `random numbers (\`crypto.${member}()\`)` }
        : undefined;
    case "fetch":
      return parent?.type === "CallExpression" && parent.callee === id
        ? { unseen: "the network (`fetch(…)`)" }
        : undefined;
    case "process":
      if (member === "argv") return { unseen: "the command line (`process.argv`)" };
      if (member !== "env") return undefined;
      if (grand?.type === "MemberExpression" && grand.object === parent) {
        const variable = memberName(grand);
        if (variable !== undefined) return { env: variable };
        return { unseen: "the environment (`process.env[…]` with a computed name)" };
      }
      return { unseen: "the environment (`process.env` as a whole)" };
    default:
      return undefined;
  }
}

/** `o.name` or `o["name"]`: the name; undefined for a computed member. */
function memberName(member: EsNode): string | undefined {
  const property = member.property as EsNode;
  if (!member.computed) return property.type === "Identifier" ? (property.name as string) : undefined;
  return property.type === "Literal" && typeof property.value === "string" ? property.value : undefined;
}

/** Several functions' reads as one (each read once, in order). */
export function mergeReads(all: readonly RuntimeReads[]): RuntimeReads {
  const nonEmpty = all.filter((reads) => reads !== NONE);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? NONE;
  const unique = (pick: (reads: RuntimeReads) => readonly string[]) => [...new Set(nonEmpty.flatMap(pick))];
  return { unseen: unique((r) => r.unseen), env: unique((r) => r.env), files: unique((r) => r.files) };
}
