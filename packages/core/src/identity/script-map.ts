// A running script's source map (inline, as tsx, vitest and esbuild's `sourcemap: "inline"` write it,
// or a .map file beside the script): which original file and which original identifier a position
// of the script came from. The evidence for reading a parameter's or a declaration's source name.
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readText } from "./source-reads.js";

/** Where a position of the script came from. */
export interface OriginalPosition {
  /** The original file as the map names it (`../src/util.ts`). */
  readonly source: string;
  /** That file's path, resolved against the script's folder (undefined for a non-file source). */
  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;

export class ScriptMap {
  readonly #map: SourceMap;
  readonly #lineStarts: number[];
  readonly #dir: string;
  readonly #originals = new Map<string, string | null>();
  readonly #originalStarts = new Map<string, number[]>();

  private constructor(map: SourceMap, source: string, file: string | undefined) {
    this.#map = map;
    this.#lineStarts = lineStartsOf(source);
    this.#dir = file === undefined ? process.cwd() : path.dirname(file);
  }

  /** The map of `source` (the script at `file`), or undefined when it has none or it cannot be read. */
  static of(source: string, file: string | undefined): ScriptMap | undefined {
    const matches = [...source.matchAll(/\/\/[#@] sourceMappingURL=(\S+)/g)];
    const url = matches.at(-1)?.[1];
    if (url === undefined) return undefined;
    let json: string | undefined;
    const inline = /^data:application\/json(?:;charset=[\w-]+)?;base64,(.*)$/.exec(url);
    if (inline) json = Buffer.from(inline[1] as string, "base64").toString("utf8");
    else if (file !== undefined) json = readText(path.resolve(path.dirname(file), decodeURIComponent(url)));
    if (json === undefined) return undefined;
    try {
      return new ScriptMap(new SourceMap(JSON.parse(json) as ConstructorParameters<typeof SourceMap>[0]), source, file);
    } catch {
      return undefined;
    }
  }

  /** The original files the map names. */
  get sources(): readonly string[] {
    return ((this.#map.payload as { sources?: string[] }).sources ?? []) as string[];
  }

  /** The original position of the script's `offset`, only when the map has an entry exactly there. */
  originalAt(offset: number): OriginalPosition | undefined {
    return this.#entryAt(offset)?.position;
  }

  /** The original file of the code at `offset`: the map's nearest entry at or before it. */
  fileAt(offset: number): string | undefined {
    const line = lineOf(this.#lineStarts, offset);
    const entry = this.#map.findEntry(line, offset - (this.#lineStarts[line] ?? 0)) as { originalSource?: string };
    return entry.originalSource === undefined ? undefined : this.#fileOf(entry.originalSource);
  }

  /**
   * The identifier the source had at the script's `offset` (an identifier there): the map's name
   * for it, or the identifier at its original position in the original text. Undefined when the
   * map has no entry exactly there or the original text cannot be read.
   */
  identifierAt(offset: number): string | undefined {
    const entry = this.#entryAt(offset);
    if (!entry) return undefined;
    if (entry.name) return entry.name;
    const original = this.#originalText(entry.position.source);
    if (original === undefined) return undefined;
    let starts = this.#originalStarts.get(entry.position.source);
    if (!starts) this.#originalStarts.set(entry.position.source, (starts = lineStartsOf(original)));
    const at = (starts[entry.position.line] ?? Number.NaN) + entry.position.column;
    return Number.isNaN(at) ? undefined : IDENTIFIER.exec(original.slice(at))?.[0];
  }

  /** The original text at `offset`'s original position, `length` characters (for "does the source say `class C` here"). */
  originalTextAt(offset: number, length: number): string | undefined {
    const position = this.originalAt(offset);
    const original = position === undefined ? undefined : this.#originalText(position.source);
    if (position === undefined || original === undefined) return undefined;
    let starts = this.#originalStarts.get(position.source);
    if (!starts) this.#originalStarts.set(position.source, (starts = lineStartsOf(original)));
    const at = starts[position.line];
    return at === undefined ? undefined : original.slice(at + position.column, at + position.column + length);
  }

  #entryAt(offset: number): { position: OriginalPosition; name: string | undefined } | undefined {
    const line = lineOf(this.#lineStarts, offset);
    const column = offset - (this.#lineStarts[line] ?? 0);
    const entry = this.#map.findEntry(line, column) as {
      generatedLine?: number;
      generatedColumn?: number;
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
      name?: string;
    };
    if (entry.generatedLine !== line || entry.generatedColumn !== column) return undefined;
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined)
      return undefined;
    return {
      position: {
        source: entry.originalSource,
        file: this.#fileOf(entry.originalSource),
        line: entry.originalLine,
        column: entry.originalColumn,
      },
      name: entry.name,
    };
  }

  #fileOf(source: string): string | undefined {
    try {
      if (source.startsWith("file:")) return fileURLToPath(source);
      if (/^[a-z][\w+.-]*:/i.test(source)) return undefined;
      const root = (this.#map.payload as { sourceRoot?: string }).sourceRoot ?? "";
      return path.resolve(this.#dir, root, source);
    } catch {
      return undefined;
    }
  }

  /** The original file's text: embedded in the map (sourcesContent) or read from disk. */
  #originalText(source: string): string | undefined {
    if (this.#originals.has(source)) return this.#originals.get(source) ?? undefined;
    const payload = this.#map.payload as { sources?: string[]; sourcesContent?: (string | null)[] };
    const index =
      payload.sources?.findIndex((s) => source === s || source.endsWith(s.replace(/^(\.\.?\/)+/, ""))) ?? -1;
    let text = index >= 0 ? (payload.sourcesContent?.[index] ?? undefined) : undefined;
    if (text === undefined) {
      const file = this.#fileOf(source);
      text = file === undefined ? undefined : readText(file);
    }
    this.#originals.set(source, text ?? null);
    return text;
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
