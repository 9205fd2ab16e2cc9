/**
 * `@ham/core/testing`: check the first invariant on your own dataflows — a cached run returns what a
 * fresh run would (`crossCheck`), compared as strictly as JavaScript can observe (`firstDifference`).
 *
 * @experimental Made for ham's own tests and examples; its options may change in a minor release.
 * @packageDocumentation
 */
export {
  firstDifference,
  observablyEqual,
  crossCheck,
  tableContents,
  type CrossCheckOptions,
  type CrossCheckReport,
} from "../testing/index.js";
