/**
 * `@ham/core/visualize`: pictures of a dataflow and its runs — SVG/PNG files through Graphviz, and the
 * DOT of a recorded run with each node coloured by its outcome (what `ham ui` draws).
 * @packageDocumentation
 */
export { renderExecution, graphvizAvailable, type ImageFormat, type PictureFormat } from "../driver/render.js";
export { visualizeRun, OUTCOME_COLORS, type VisualizeOptions, type NodeRunFacts } from "../driver/visualize.js";
