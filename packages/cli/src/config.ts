// Which cache the `ham` command works on: the default `.ham_cache` folder, `--cache-dir`, or the
// stores a `ham.config.{js,mjs,ts}` exports (`export default { fingerprintStore, resultStore }`).
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  ConfigurationError,
  FileFingerprintRepository,
  FileResultStore,
  type FingerprintRepository,
  type ResultStore,
} from "@ham/core";
import type { CacheStores } from "@ham/core/lifecycle";

/** Config file names looked for in the working directory, in this order. */
export const CONFIG_FILES = ["ham.config.js", "ham.config.mjs", "ham.config.ts"] as const;

/** What a config file may export as default (or a function returning it). */
export interface HamConfig {
  /** Folder of the default file stores (relative to the config file). */
  path?: string;
  fingerprintStore?: FingerprintRepository;
  resultStore?: ResultStore;
}

/** The stores to work on, where they came from, and how to release them. */
export interface OpenedCache {
  readonly stores: CacheStores;
  /** "ham.config.mjs", or the cache folder. */
  readonly source: string;
  close(): Promise<void>;
}

export interface LocateOptions {
  readonly cwd: string;
  readonly config?: string | undefined;
  readonly cacheDir?: string | undefined;
  /** Fail when the default cache folder does not exist (read-only commands): never create one by looking. */
  readonly mustExist: boolean;
}

/** Finds the config (or folder), builds the stores and opens them. */
export async function openCache(options: LocateOptions): Promise<OpenedCache> {
  const configFile = options.config !== undefined ? path.resolve(options.cwd, options.config) : findConfig(options.cwd);
  if (options.config !== undefined && !fs.existsSync(configFile as string)) {
    throw new ConfigurationError(`--config ${options.config}: no such file`);
  }
  let stores: CacheStores;
  let source: string;
  if (configFile !== undefined && options.cacheDir === undefined) {
    const config = await loadConfig(configFile);
    source = path.relative(options.cwd, configFile) || configFile;
    const folder = path.resolve(path.dirname(configFile), config.path ?? ".ham_cache");
    if (options.mustExist && (!config.fingerprintStore || !config.resultStore)) assertFolder(folder, source);
    stores = {
      fingerprintStore: config.fingerprintStore ?? new FileFingerprintRepository({ path: folder }),
      resultStore: config.resultStore ?? new FileResultStore({ path: folder }),
    };
  } else {
    const folder = path.resolve(options.cwd, options.cacheDir ?? ".ham_cache");
    source = path.relative(options.cwd, folder) || folder;
    if (options.mustExist) assertFolder(folder, undefined);
    stores = {
      fingerprintStore: new FileFingerprintRepository({ path: folder }),
      resultStore: new FileResultStore({ path: folder }),
    };
  }
  await stores.fingerprintStore.open?.();
  try {
    await stores.resultStore.open?.();
  } catch (error) {
    await stores.fingerprintStore.close?.().catch(() => undefined);
    throw error;
  }
  return {
    stores,
    source,
    close: async () => {
      await Promise.allSettled([stores.fingerprintStore.close?.(), stores.resultStore.close?.()]);
    },
  };
}

function findConfig(cwd: string): string | undefined {
  for (const name of CONFIG_FILES) {
    const file = path.join(cwd, name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

function assertFolder(folder: string, config: string | undefined): void {
  if (fs.existsSync(folder)) return;
  throw new ConfigurationError(
    `no cache at ${folder}${config ? ` (from ${config})` : ""}; run a cached dataflow first, or point to a cache with --cache-dir DIR or --config FILE`,
  );
}

/** Imports a config file and checks what it exports. `.ts` files load through tsx when it is installed. */
export async function loadConfig(file: string): Promise<HamConfig> {
  const name = path.basename(file);
  let loaded: { default?: unknown };
  try {
    loaded = file.endsWith(".ts")
      ? await importTypeScript(file)
      : ((await import(pathToFileURL(file).href)) as { default?: unknown });
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(
      `${name} failed to load: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      { cause: error },
    );
  }
  let value = loaded.default;
  if (typeof value === "function") value = await (value as () => unknown)();
  if (typeof value !== "object" || value === null) {
    throw new ConfigurationError(
      `${name} must export default the cache options, e.g. export default { fingerprintStore, resultStore } (or { path: ".ham_cache" })`,
    );
  }
  const config = value as Record<string, unknown>;
  if (config.path !== undefined && (typeof config.path !== "string" || config.path === "")) {
    throw new ConfigurationError(`${name}: "path" must be a folder name, got ${JSON.stringify(config.path)}`);
  }
  checkStore(name, "fingerprintStore", config.fingerprintStore, ["get", "set"]);
  checkStore(name, "resultStore", config.resultStore, ["has", "get", "set", "delete"]);
  return config as HamConfig;
}

function checkStore(file: string, key: string, store: unknown, methods: readonly string[]): void {
  if (store === undefined) return;
  const missing = methods.filter((m) => typeof (store as Record<string, unknown> | null)?.[m] !== "function");
  if (typeof store !== "object" || store === null || missing.length > 0) {
    throw new ConfigurationError(
      `${file}: "${key}" is not a ${key === "resultStore" ? "ResultStore" : "FingerprintRepository"} (missing ${missing.join(", ") || "an object"})`,
    );
  }
}

async function importTypeScript(file: string): Promise<{ default?: unknown }> {
  let manifest: string;
  try {
    manifest = createRequire(file).resolve("tsx/package.json");
  } catch {
    throw new ConfigurationError(
      `${path.basename(file)} is TypeScript and loading it needs tsx: install it (npm install --save-dev tsx), or write the config as ham.config.mjs`,
    );
  }
  // tsx's ESM API entry, found through its package.json: require() resolution would give the
  // CommonJS build, which cannot be imported everywhere (e.g. under vitest).
  const exports = (
    JSON.parse(fs.readFileSync(manifest, "utf8")) as {
      exports?: Record<string, { import?: { default?: string } | string }>;
    }
  ).exports;
  const entry = exports?.["./esm/api"];
  const relative =
    typeof entry === "object"
      ? entry.import && (typeof entry.import === "string" ? entry.import : entry.import.default)
      : undefined;
  type TsImport = (specifier: string, parent: string) => Promise<{ default?: unknown }>;
  const api = relative
    ? ((await import(pathToFileURL(path.join(path.dirname(manifest), relative)).href)) as { tsImport?: TsImport })
    : {};
  if (!api.tsImport)
    throw new ConfigurationError(
      `${path.basename(file)}: the installed tsx has no tsImport(); update tsx to 4.x or write ham.config.mjs`,
    );
  return api.tsImport(pathToFileURL(file).href, pathToFileURL(file).href);
}
