// Test support shared with other packages' tests, not part of the public API (the root export does
// not include it): import it by relative path, e.g. "../../core/src/testing/index.js".
export { firstDifference, observablyEqual } from "./observable.js";
export { crossCheck, tableContents, type CrossCheckOptions, type CrossCheckReport } from "./cross-check.js";
export {
  DISTURBANCES,
  chainModule,
  countingRepository,
  runPath,
  type Disturbance,
  type PathReport,
  type StorePair,
} from "./prediction.js";
