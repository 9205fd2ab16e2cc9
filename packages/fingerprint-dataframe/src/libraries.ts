// Lazy, synchronous loading of the optional table libraries (peer dependencies), only when needed.
//
// Fingerprinters and codecs are synchronous, so `import()` is not an option; createRequire is. When
// this package runs as ESM on a Node that can require ES modules (20.19+), apache-arrow's ES build is
// loaded, which is the same module instance as the user's `import "apache-arrow"`: its IPC writer
// checks `instanceof Table`, so a second copy (the CJS build) could not encode the user's tables.
// Users can also hand their own module objects in (`libraries` option), which always wins.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { ConfigurationError } from "@ham/core";
import type * as Flechette from "@uwdata/flechette";

/** Module objects to use instead of loading them (e.g. `{ arrow: await import("apache-arrow") }`). */
export interface DataframeLibraries {
  /** The `apache-arrow` module. */
  readonly arrow?: unknown;
  /** The `arquero` module. */
  readonly arquero?: unknown;
  /** The `nodejs-polars` module (its default export or the module itself). */
  readonly polars?: unknown;
}

type AnyRecord = Record<string, any>;

// In the CJS build esbuild empties `import.meta`, so a missing url means CommonJS. (Testing for
// `__filename` instead would be wrong under vitest, which defines it in ES modules.)
const esmUrl = (import.meta as { url?: string }).url;
const runningAsEsm = typeof esmUrl === "string";
const requireHere = createRequire(esmUrl ?? __filename);

const loaded = new Map<string, AnyRecord>();

/**
 * True when a loader (tsx) compiles required `.mjs` files itself: then requiring the ES build does
 * not reach the module your `import` loaded, but makes a compiled copy (measured 0.3–0.9 s for
 * apache-arrow under tsx, against 0.1–0.6 s for its CommonJS build), so the CommonJS build is taken.
 */
function mjsHooked(): boolean {
  return Object.getOwnPropertyDescriptor(requireHere.extensions, ".mjs") !== undefined;
}

function requireModule(name: string, purpose: string, preferEsmBuild: boolean): AnyRecord {
  const cached = loaded.get(name);
  if (cached) return cached;
  let module: AnyRecord;
  try {
    const path = requireHere.resolve(name);
    const esmPath = path.replace(/\.js$/, ".mjs");
    const canRequireEsm = (process.features as { require_module?: boolean }).require_module === true;
    module =
      preferEsmBuild && runningAsEsm && canRequireEsm && !mjsHooked() && esmPath !== path && existsSync(esmPath)
        ? (requireHere(esmPath) as AnyRecord)
        : (requireHere(path) as AnyRecord);
  } catch (cause) {
    throw new ConfigurationError(
      `@ham/fingerprint-dataframe needs "${name}" to ${purpose}, but it could not be loaded: install it (npm install ${name}) or pass it as dataframeCaching({ libraries: { … } })`,
      { cause },
    );
  }
  const resolved = (
    module.default && !module.tableFromIPC && !module.fromArrow && !module.readIPCStream ? module.default : module
  ) as AnyRecord;
  loaded.set(name, resolved);
  return resolved;
}

/** apache-arrow: the given module, else the installed one. */
export function arrowModule(libraries: DataframeLibraries, purpose: string): AnyRecord {
  return (libraries.arrow as AnyRecord | undefined) ?? requireModule("apache-arrow", purpose, true);
}

/** arquero: the given module, else the installed one (ESM only: needs Node 20.19+ to require it). */
export function arqueroModule(libraries: DataframeLibraries, purpose: string): AnyRecord {
  return (libraries.arquero as AnyRecord | undefined) ?? requireModule("arquero", purpose, true);
}

/**
 * @uwdata/flechette (a dependency of this package, Arquero's Arrow layer): reads the Arrow IPC that
 * nodejs-polars exports, so fingerprinting polars frames never loads apache-arrow (~100–900 ms
 * under tsx, against ~3 ms for flechette). Both give the same column buffers, hence the same fingerprint.
 */
export function flechetteModule(purpose: string): typeof Flechette {
  return requireModule("@uwdata/flechette", purpose, false) as typeof Flechette;
}

/** nodejs-polars: the given module, else the installed one. */
export function polarsModule(libraries: DataframeLibraries, purpose: string): AnyRecord {
  const given = libraries.polars as AnyRecord | undefined;
  if (given) return (given.readIPCStream ? given : given.default) as AnyRecord;
  return requireModule("nodejs-polars", purpose, false);
}

/** Finds an installed module's entry point, or throws (the default: resolved from this package). */
export type ModuleResolver = (name: string) => string;

const resolveHere: ModuleResolver = (name) => requireHere.resolve(name);

function installed(name: string, resolve: ModuleResolver): boolean {
  try {
    resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The build-time check (Fingerprinter.check): fingerprinting nodejs-polars frames reads their Arrow
 * IPC with @uwdata/flechette, a dependency of this package; an install that lost it (a bundler that
 * left it out, a pruned node_modules) fails at `build()` with the install command, not at run time
 * after the first node has read its data. Nothing is loaded here, only resolved.
 */
export function checkLibraries(
  libraries: DataframeLibraries,
  wants: { readonly polarsFingerprints: boolean },
  resolve: ModuleResolver = resolveHere,
): void {
  if (!wants.polarsFingerprints) return;
  const polars = libraries.polars !== undefined || installed("nodejs-polars", resolve);
  if (polars && !installed("@uwdata/flechette", resolve)) {
    throw new ConfigurationError(
      '@ham/fingerprint-dataframe needs "@uwdata/flechette" (one of its dependencies) to fingerprint nodejs-polars frames (it reads their Arrow IPC), but it cannot be found: reinstall, e.g. `npm install @ham/fingerprint-dataframe @uwdata/flechette`',
    );
  }
}
