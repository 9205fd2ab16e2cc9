// What a function's parameters were called before a compiler ran: read from the source map of the
// script the function runs from (inline, as tsx and vitest emit it, or a .map file next to it).
// This is the evidence graph/renamed-params.ts needs before it maps esbuild's `rate2` back to `rate`.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ModuleAnalysis } from "./module-analysis.js";
import type { EsNode } from "./scope.js";
import { ScriptLocator } from "./script-locator.js";

/** A script as it runs, parsed, with its source map (undefined when it has none). */
interface MappedScript {
  readonly analysis: ModuleAnalysis;
  readonly map: SourceMap | undefined;
  readonly lineStarts: number[];
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;

/** Looks up original parameter names; opens the inspector only when asked, closed by close(). */
export class OriginalNames {
  readonly #sources: ReadonlyMap<object, string> | undefined;
  #locator: ScriptLocator | string | undefined;
  readonly #scripts = new Map<string, MappedScript | null>();
  readonly #originals = new Map<string, string | null>();

  constructor(sources?: ReadonlyMap<object, string>) {
    this.#sources = sources;
  }

  /**
   * The name the source map gives the `index`-th parameter of `fn` (a plain identifier parameter,
   * possibly with a default), or undefined when there is no source map, the script cannot be read,
   * or the map has no entry at exactly that parameter.
   */
  paramName(fn: Function, module: object | undefined, index: number): string | undefined {
    const script = this.#scriptOf(fn, module);
    if (!script?.map) return undefined;
    const text = Function.prototype.toString.call(fn);
    const sites = script.analysis.functionsWithText(text);
    if (sites.length !== 1) return undefined; // two functions of the same text may map to different originals
    let param = ((sites[0]?.node.params ?? []) as EsNode[])[index];
    if (param?.type === "AssignmentPattern") param = param.left;
    if (param?.type !== "Identifier") return undefined;
    const line = lineOf(script.lineStarts, param.start);
    const column = param.start - (script.lineStarts[line] ?? 0);
    const entry = script.map.findEntry(line, column) as {
      generatedLine?: number;
      generatedColumn?: number;
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
      name?: string;
    };
    if (entry.generatedLine !== line || entry.generatedColumn !== column) return undefined;
    if (entry.name) return entry.name;
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    const original = this.#originalText(script, entry.originalSource);
    if (original === undefined) return undefined;
    const starts = lineStartsOf(original);
    const at = (starts[entry.originalLine] ?? Number.NaN) + entry.originalColumn;
    return Number.isNaN(at) ? undefined : IDENTIFIER.exec(original.slice(at))?.[0];
  }

  close(): void {
    if (this.#locator instanceof ScriptLocator) this.#locator.close();
  }

  #scriptOf(fn: Function, module: object | undefined): MappedScript | undefined {
    const given = module === undefined ? undefined : this.#sources?.get(module);
    if (given !== undefined) {
      const file = given.startsWith("file:") ? fileURLToPath(given) : path.resolve(given);
      const script = this.#mapped(`file:${file}`, () => readText(file), file);
      // A given TypeScript source is not what runs (and acorn cannot read it): ask the running script.
      if (script?.map !== undefined) return script;
    }
    if (this.#locator === undefined) this.#locator = ScriptLocator.open();
    const locator = this.#locator;
    if (typeof locator === "string") return undefined;
    const location = locator.locate(fn);
    if (!location) return undefined;
    const url = locator.url(location.scriptId);
    let file: string | undefined;
    try {
      file = url.startsWith("file:") ? fileURLToPath(url.replace(/[?#].*$/, "")) : url.startsWith("/") ? url : undefined;
    } catch {
      file = undefined;
    }
    return this.#mapped(`script:${location.scriptId}`, () => locator.source(location.scriptId), file);
  }

  #mapped(key: string, read: () => string | undefined, file: string | undefined): MappedScript | undefined {
    if (this.#scripts.has(key)) return this.#scripts.get(key) ?? undefined;
    let script: MappedScript | null = null;
    const source = read();
    if (source !== undefined) {
      try {
        script = { analysis: new ModuleAnalysis(source, file), map: sourceMapOf(source, file), lineStarts: lineStartsOf(source) };
      } catch {
        script = null;
      }
    }
    this.#scripts.set(key, script);
    return script ?? undefined;
  }

  /** The original file's text: embedded in the map (sourcesContent) or read from disk. */
  #originalText(script: MappedScript, source: string): string | undefined {
    if (this.#originals.has(source)) return this.#originals.get(source) ?? undefined;
    const payload = (script.map as SourceMap).payload as { sources?: string[]; sourcesContent?: (string | null)[] };
    const index = payload.sources?.findIndex((s) => source === s || source.endsWith(s.replace(/^(\.\.?\/)+/, ""))) ?? -1;
    let text = index >= 0 ? (payload.sourcesContent?.[index] ?? undefined) : undefined;
    if (text === undefined) {
      try {
        const dir = script.analysis.file === undefined ? process.cwd() : path.dirname(script.analysis.file);
        text = readText(source.startsWith("file:") ? fileURLToPath(source) : path.resolve(dir, source));
      } catch {
        text = undefined;
      }
    }
    this.#originals.set(source, text ?? null);
    return text;
  }
}

/** The script's source map: the last `sourceMappingURL` comment, a data: URL or a file beside the script. */
function sourceMapOf(source: string, file: string | undefined): SourceMap | undefined {
  const matches = [...source.matchAll(/\/\/[#@] sourceMappingURL=(\S+)/g)];
  const url = matches.at(-1)?.[1];
  if (url === undefined) return undefined;
  let json: string | undefined;
  const inline = /^data:application\/json(?:;charset=[\w-]+)?;base64,(.*)$/.exec(url);
  if (inline) json = Buffer.from(inline[1] as string, "base64").toString("utf8");
  else if (file !== undefined) json = readText(path.resolve(path.dirname(file), decodeURIComponent(url)));
  if (json === undefined) return undefined;
  try {
    return new SourceMap(JSON.parse(json) as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    return undefined;
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
