// Test support shared with other packages' tests (`@ham/core/testing`); not part of the public API.
export { firstDifference, observablyEqual } from "./observable.js";
export { crossCheck, tableContents, type CrossCheckOptions, type CrossCheckReport } from "./cross-check.js";
