// Public API of @ham/ui: start the `ham ui` server over opened stores (the `ham` command uses this).
export { startUi, DEFAULT_PORT, DEFAULT_PREVIEW_BYTES, type UiOptions, type UiServer } from "./server.js";
export { type UiDataOptions, type RunListItem, STALE_AFTER_MS } from "./data.js";
export { isLoopback } from "./guard.js";
