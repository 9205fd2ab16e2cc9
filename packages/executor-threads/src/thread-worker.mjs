// Runs one node's function in a worker thread: imports the node's module by URL (once per thread) and
// calls the export with the arguments the driver sent. Plain JavaScript: a thread loads it as it is,
// from src/ or dist/. When the driver asks (`report`), the thread also fingerprints and encodes the
// value with @ham/core, so the driver records it without fingerprinting it again.
import { threadId } from "node:worker_threads";

const modules = new Map();
/** @ham/core's fingerprinter and codec in this thread, by the driver's probe; undefined when unusable. */
let hashing;

export default async function runNode({ moduleUrl, exportName, node, args, report }) {
  let loading = modules.get(moduleUrl);
  if (!loading) {
    loading = import(moduleUrl);
    modules.set(moduleUrl, loading);
  }
  const module = await loading;
  const fn = module[exportName];
  if (typeof fn !== "function") {
    throw new Error(
      `[ham] worker thread ${threadId}: module ${moduleUrl} has no exported function "${exportName}" for node "${node}"; is it the module the driver was built with?`,
    );
  }
  const started = performance.now();
  const value = await fn(...args);
  const durationMs = performance.now() - started;
  if (report) {
    const tools = await (hashing ??= loadHashing(report.probe));
    const reported = tools && encode(tools, value, node, report.mode);
    if (reported) return { ...reported, threadId, durationMs };
  }
  return { value, threadId, durationMs };
}

/** The value's fingerprint and bytes, or undefined when the driver must handle the value itself. */
function encode(tools, value, node, mode) {
  try {
    const fingerprint = tools.registry.fingerprint(value, { node, ...(mode !== undefined ? { mode } : {}) });
    // A value that cannot be fingerprinted goes back as it is: the driver warns about it.
    if (tools.core.isUniqueFingerprint(fingerprint)) return undefined;
    return { fingerprint, bytes: tools.codec.encode(value, undefined, fingerprint) };
  } catch {
    return undefined; // e.g. not encodable: the driver says so in its own words
  }
}

/**
 * @ham/core in this thread, used only if it fingerprints the driver's probe value as the driver does
 * (same version, same spec). Its TypeScript source (this repository's tests run with the
 * "@ham/source" condition) is loaded through tsx when tsx is installed.
 */
async function loadHashing(probe) {
  let core;
  try {
    const fingerprintUrl = import.meta.resolve("@ham/core/fingerprint");
    if (fingerprintUrl.endsWith(".ts")) (await import("tsx/esm/api")).register();
    const [hashing, codecs] = await Promise.all([
      import(fingerprintUrl),
      import(import.meta.resolve("@ham/core/codec")),
    ]);
    core = { ...hashing, ResultCodec: codecs.ResultCodec };
    await core.hashingReady();
  } catch {
    return undefined; // no usable @ham/core here: the driver fingerprints and encodes as before
  }
  const registry = new core.FingerprinterRegistry({ warn: () => {} });
  if (registry.fingerprint(probe.value, { node: "probe" }) !== probe.fingerprint) return undefined;
  return { core, registry, codec: new core.ResultCodec() };
}
