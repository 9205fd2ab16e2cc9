// Public API of @ham/cli, listed by name: run the `ham` command in-process, or load a ham.config.
export { runCli, USAGE } from "./main.js";
export type { CliIo } from "./options.js";
export { openCache, loadConfig, CONFIG_FILES, type HamConfig, type OpenedCache, type LocateOptions } from "./config.js";
