// A run's DAG as SVG, laid out on the server by Graphviz compiled to WebAssembly (@viz-js/viz):
// no system Graphviz, and the page receives finished SVG (no script or WebAssembly to ship).
import type { RunRecord } from "@ham/core";
import { visualizeRun } from "@ham/core/visualize";
import { type Viz, instance } from "@viz-js/viz";

let viz: Promise<Viz> | undefined;

/** SVG of `run`, each node coloured by outcome with its time and result size. */
export async function runSvg(run: RunRecord, bytes: (fingerprint: string) => number | undefined): Promise<string> {
  viz ??= instance();
  const svg = (await viz).renderString(visualizeRun(run, bytes), { format: "svg" });
  // The XML prolog and doctype are not needed inside the page.
  return svg.slice(svg.indexOf("<svg"));
}
