// Test support shared with other packages' tests (`@ham/core/testing`); not part of the public API.
export { firstDifference, observablyEqual } from "./observable.js";
