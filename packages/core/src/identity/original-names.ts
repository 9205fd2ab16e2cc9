// What a function's parameters were called before a compiler ran: read from the source map of the
// script the function runs from (inline, as tsx and vitest emit it, or a .map file next to it).
// This is the evidence graph/renamed-params.ts needs before it maps esbuild's `rate2` back to `rate`.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ModuleAnalysis } from "./module-analysis.js";
import type { EsNode } from "./scope.js";
import { ScriptLocator } from "./script-locator.js";
import { ScriptMap } from "./script-map.js";
import { readText } from "./source-reads.js";

/** A script as it runs, parsed, with its source map (undefined when it has none). */
interface MappedScript {
  readonly analysis: ModuleAnalysis;
  readonly map: ScriptMap | undefined;
}

/** Looks up original parameter names; opens the inspector only when asked, closed by close(). */
export class OriginalNames {
  readonly #sources: ReadonlyMap<object, string> | undefined;
  #locator: ScriptLocator | string | undefined;
  readonly #scripts = new Map<string, MappedScript | null>();

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
    return script.map.identifierAt(param.start);
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
      file = url.startsWith("file:")
        ? fileURLToPath(url.replace(/[?#].*$/, ""))
        : url.startsWith("/")
          ? url
          : undefined;
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
        script = { analysis: new ModuleAnalysis(source, file), map: ScriptMap.of(source, file) };
      } catch {
        script = null;
      }
    }
    this.#scripts.set(key, script);
    return script ?? undefined;
  }
}
