// Finds the script a function was defined in, through the in-process inspector: the function's
// [[FunctionLocation]] names a script id; the debugger gives that script's URL and source text —
// the code as it runs (after tsx / vitest / a bundler transformed it), which is what toString shows.
import type { Session } from "node:inspector";
import { pathToFileURL } from "node:url";
import { requireHere } from "../require-here.js";

/** Where a function starts: script id and 0-based line/column. */
export interface FunctionLocation {
  readonly scriptId: string;
  readonly line: number;
  readonly column: number;
}

const PROBE = "__hamIdentityProbe";

/**
 * One debugger session, open for the duration of a build step. Enabling the debugger makes V8 report
 * every loaded script (and hash its text): ~10–50 ms per MB of loaded code the first time in a
 * process, a few ms after. So the session is opened only when a node needs its module's source, and
 * closed (debugger disabled) right after.
 */
export class ScriptLocator {
  /** Milliseconds spent enabling the debugger (for measurements). */
  readonly enableMs: number;
  readonly #session: Session;
  readonly #urls = new Map<string, string>();
  readonly #byUrl = new Map<string, string>();
  #closed = false;

  private constructor(session: Session) {
    this.#session = session;
    session.on("Debugger.scriptParsed", (message) => {
      const { scriptId } = message.params;
      const url = fileUrlOf(message.params.url);
      if (!url) return;
      this.#urls.set(scriptId, url);
      this.#byUrl.set(stripQuery(url), scriptId); // the latest script of a URL wins
    });
    const started = performance.now();
    this.#post("Debugger.enable");
    this.enableMs = performance.now() - started;
  }

  /** Opens a session, or returns undefined when the inspector cannot be used here (with the reason). */
  static open(): ScriptLocator | string {
    let session: Session | undefined;
    try {
      session = new (requireHere("node:inspector") as typeof import("node:inspector")).Session();
      session.connect();
      return new ScriptLocator(session);
    } catch (error) {
      try {
        session?.disconnect();
      } catch {
        // already gone
      }
      return error instanceof Error ? error.message : String(error);
    }
  }

  /** Where `fn` was defined, or undefined for native, bound or otherwise unlocatable functions. */
  locate(fn: Function): FunctionLocation | undefined {
    const global = globalThis as Record<string, unknown>;
    global[PROBE] = fn;
    try {
      const { result } = this.#post("Runtime.evaluate", {
        expression: `globalThis.${PROBE}`,
        objectGroup: "ham-identity",
      }) as {
        result: { objectId?: string };
      };
      if (!result.objectId) return undefined;
      const props = this.#post("Runtime.getProperties", { objectId: result.objectId, ownProperties: true }) as {
        internalProperties?: {
          name: string;
          value?: { value?: { scriptId: string; lineNumber: number; columnNumber: number } };
        }[];
      };
      const location = props.internalProperties?.find((p) => p.name === "[[FunctionLocation]]")?.value?.value;
      return location
        ? { scriptId: location.scriptId, line: location.lineNumber, column: location.columnNumber }
        : undefined;
    } catch {
      return undefined;
    } finally {
      delete global[PROBE];
      try {
        this.#post("Runtime.releaseObjectGroup", { objectGroup: "ham-identity" });
      } catch {
        // nothing to release
      }
    }
  }

  /** The URL a script was loaded from ("" when it has none). */
  url(scriptId: string): string {
    return this.#urls.get(scriptId) ?? "";
  }

  /** The most recently loaded script of a URL (query strings ignored). */
  scriptOf(url: string): string | undefined {
    return this.#byUrl.get(stripQuery(url));
  }

  /** A script's source text as V8 runs it. */
  source(scriptId: string): string | undefined {
    try {
      return (this.#post("Debugger.getScriptSource", { scriptId }) as { scriptSource: string }).scriptSource;
    } catch {
      return undefined;
    }
  }

  /** Disables the debugger and disconnects (the next build opens a fresh session). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#post("Debugger.disable");
    } finally {
      this.#session.disconnect();
    }
  }

  #post(method: string, params?: object): unknown {
    // An in-thread session answers synchronously: the callback has run when post returns.
    let failure: Error | null = null;
    let answer: unknown;
    this.#session.post(method, params as never, (error: Error | null, result: unknown) => {
      failure = error;
      answer = result;
    });
    if (failure) throw failure;
    return answer;
  }
}

function stripQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/**
 * tsx runs a TypeScript file it compiles to CommonJS, when an ES module imports it, as a `data:` URL
 * naming the file in a final `?filePath=` (the code itself is URI-encoded, so holds no bare `?`):
 * that script is the file's, so it goes by the file's URL.
 */
function fileUrlOf(url: string): string {
  if (!url.startsWith("data:")) return url;
  const named = /\?filePath=([^?#&]+)$/.exec(url);
  if (!named) return url;
  try {
    return pathToFileURL(decodeURIComponent(named[1] as string)).href;
  } catch {
    return url;
  }
}
