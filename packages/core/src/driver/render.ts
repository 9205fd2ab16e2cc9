// Renders DOT text to SVG or PNG with Graphviz's `dot` program, and writes execution pictures to files.
import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import { ConfigurationError, HamError } from "../errors.js";
import { requireHere } from "../require-here.js";
import type { ExecuteOptions } from "./execute-options.js";
import type { VisualizeOptions } from "./visualize.js";

/** child_process's spawnSync, loaded at the first render (importing @ham/core does not load it). */
function spawnSync(...args: Parameters<typeof import("node:child_process").spawnSync>) {
  return (requireHere("node:child_process") as typeof import("node:child_process")).spawnSync(...args);
}

/** Formats Graphviz renders. */
export type ImageFormat = "svg" | "png";

const INSTALL_HINT =
  "install Graphviz: apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS), choco install graphviz (Windows)";

/** True when Graphviz's `dot` runs on this machine (checked once per process). */
export function graphvizAvailable(): boolean {
  available ??= (() => {
    const probe = spawnSync(dotCommand(), ["-V"], { encoding: "utf8" });
    return probe.error === undefined && probe.status === 0;
  })();
  return available;
}
let available: boolean | undefined;

/** The `dot` program to run: HAM_GRAPHVIZ_DOT if set (a full path), else `dot` on PATH. */
function dotCommand(): string {
  return process.env.HAM_GRAPHVIZ_DOT || "dot";
}

/** DOT text → SVG text or PNG bytes. Throws HamError saying how to install Graphviz when `dot` is missing. */
export function renderDot(dot: string, format: "svg"): string;
export function renderDot(dot: string, format: "png"): Buffer;
export function renderDot(dot: string, format: ImageFormat): string | Buffer;
export function renderDot(dot: string, format: ImageFormat): string | Buffer {
  if (format !== "svg" && format !== "png") {
    throw new ConfigurationError(`renderDot() renders "svg" or "png", got ${JSON.stringify(format)}`);
  }
  const command = dotCommand();
  const result = spawnSync(command, [`-T${format}`], { input: dot, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new HamError(
      missing
        ? `rendering ${format} needs Graphviz's "${command}" program, which is not installed or not on PATH; ${INSTALL_HINT} — or use format "mermaid" (no install) or "dot"`
        : `running Graphviz's "${command}" to render ${format} failed: ${result.error.message}`,
      { cause: result.error },
    );
  }
  if (result.status !== 0) {
    throw new HamError(
      `Graphviz's "${command}" could not render the graph as ${format} (exit ${String(result.status)}): ${result.stderr.toString().trim().slice(0, 500)}`,
    );
  }
  return format === "svg" ? result.stdout.toString("utf8") : result.stdout;
}

/** Picture formats a file name can ask for, by extension. */
export type PictureFormat = "dot" | "mermaid" | ImageFormat;

/** The format a file's extension asks for: .svg, .png, .dot/.gv, .mmd/.mermaid. */
export function formatOfFile(file: string): PictureFormat {
  const ext = extname(file).toLowerCase();
  const byExt: Record<string, PictureFormat> = {
    ".svg": "svg",
    ".png": "png",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
  };
  const format = byExt[ext];
  if (!format) {
    throw new ConfigurationError(
      `cannot tell the picture format of "${file}": use a file ending in .svg, .png, .dot, .gv, .mmd or .mermaid, or pass { format }`,
    );
  }
  return format;
}

/** Anything with `visualizeExecution` (a Driver). */
interface Visualizable {
  visualizeExecution(outputs: readonly string[], options: ExecuteOptions & VisualizeOptions): string | Buffer;
}

/**
 * Writes the picture of what `execute(outputs)` would run (or ran, with `cache: true`) to `output`;
 * the format follows the extension unless `format` is given. Returns the file name.
 */
export function renderExecution(
  driver: Visualizable,
  outputs: readonly string[],
  options: ExecuteOptions & Omit<VisualizeOptions, "format"> & { output: string; format?: PictureFormat },
): string {
  if (typeof options?.output !== "string" || options.output === "") {
    throw new ConfigurationError(
      'renderExecution() needs { output: "graph.svg" } (a file name ending in .svg, .png, .dot or .mmd)',
    );
  }
  const { output, format, ...rest } = options;
  const picture = driver.visualizeExecution(outputs, { ...rest, format: format ?? formatOfFile(output) });
  writeFileSync(output, picture);
  return output;
}
