// The input fingerprints of a node in one run: its dependencies' (nodes of this run, inputs and
// overrides by value), its bound values', its absent defaults' and the files it names in cache({ files }).
import type { Fingerprint, NodeInfo, NodeRunRecord, ParamInfo } from "../contracts.js";
import { containsFileInput, file } from "../files/index.js";
import { hashString } from "../fingerprint/bytes.js";
import { hasName, named, setNamed } from "../graph/names.js";
import type { CacheParts } from "./cache-parts.js";
import type { GraphBinding, LiteralReads } from "./graph-binding.js";

/** What input fingerprinting reads and fills in of a run. */
export interface RunValues {
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly overrides: Readonly<Record<string, unknown>>;
  /** Data fingerprint of every node and used input, by name (an input's is added when first used). */
  readonly fingerprints: Record<string, Fingerprint>;
  /** Each node's outcome, by name (a used input or override gets its record here). */
  readonly records: Record<string, NodeRunRecord>;
  /** Fingerprints of input and override values, by name, also before (or without) their use. */
  readonly valueFingerprints: Map<string, Fingerprint>;
}

export function inputFingerprintsOf(
  parts: CacheParts,
  binding: GraphBinding,
  run: RunValues,
  node: NodeInfo,
  provided: readonly string[],
): Record<string, Fingerprint> {
  const out: Record<string, Fingerprint> = {};
  for (const param of node.params) {
    if (param.dep === undefined) {
      setNamed(out, param.name, parts.fingerprint(named(node.boundValues, param.name), node.name));
    } else if (provided.includes(param.dep)) {
      const upstream = binding.node(param.dep);
      if (upstream && binding.behavior(upstream) === "ignore" && !hasName(run.overrides, param.dep)) continue;
      setNamed(out, param.name, dependencyFingerprint(parts, run, param.dep));
    } else {
      setNamed(out, param.name, defaultFingerprint(parts, node, param));
    }
  }
  const listed = node.cache?.files;
  const reads = binding.literalReadsOf(node);
  if (listed !== undefined || reads !== undefined) addFixedReads(parts, node, listed, reads, out);
  return out;
}

/**
 * Files a node reads by a fixed path (cache({ files }), and the literal paths its code reads) and
 * environment variables its code reads by name, as they are now. "file:" and "env:" cannot start a
 * parameter name.
 */
function addFixedReads(
  parts: CacheParts,
  node: NodeInfo,
  listed: readonly (string | URL)[] | undefined,
  reads: LiteralReads | undefined,
  out: Record<string, Fingerprint>,
): void {
  const addFile = (path: string | URL): void => {
    const label = `file:${String(path)}`;
    if (!hasName(out, label))
      setNamed(out, label, parts.inputFingerprinter.fingerprint(file(path), { node: node.name }));
  };
  for (const path of listed ?? []) addFile(path);
  if (reads === undefined) return;
  for (const path of reads.files) addFile(path);
  for (const name of reads.env) {
    const value = process.env[name];
    setNamed(out, `env:${name}`, hashString(value === undefined ? "env-unset" : `env\u0000${value}`));
  }
}

/** Fingerprint of a dependency: a node's from this run, an input's or override's from its value. */
function dependencyFingerprint(parts: CacheParts, run: RunValues, name: string): Fingerprint {
  const known = named(run.fingerprints, name);
  if (known !== undefined) return known;
  const fingerprint = valueFingerprint(parts, run, name);
  const outcome = hasName(run.overrides, name) ? "override" : "input";
  setNamed(run.fingerprints, name, fingerprint);
  setNamed(run.records, name, { node: name, outcome, fingerprint, durationMs: 0 });
  return fingerprint;
}

/** Fingerprint of the input or override `name` by its value (once per run; the run records it only when a node uses it). */
export function valueFingerprint(parts: CacheParts, run: RunValues, name: string): Fingerprint {
  const known = run.valueFingerprints.get(name);
  if (known !== undefined) return known;
  const isOverride = hasName(run.overrides, name);
  const value = isOverride ? run.overrides[name] : named(run.inputs, name);
  if (typeof value === "string") parts.checkPath(name, value, isOverride ? "override" : "input");
  // Only values holding a file() go through the file fingerprinter: a custom fingerprinter turns
  // off the default one's fast paths (a large array of numbers takes twice as long).
  const fingerprint = containsFileInput(value)
    ? parts.inputFingerprinter.fingerprint(value, { node: name })
    : parts.fingerprint(value, name);
  run.valueFingerprints.set(name, fingerprint);
  return fingerprint;
}

/** An absent optional parameter: its literal default fingerprints like the same value given. */
function defaultFingerprint(parts: CacheParts, node: NodeInfo, param: ParamInfo): Fingerprint {
  const def = param.defaultValue;
  if (def?.literal) return parts.fingerprint(def.value, node.name);
  return hashString(`default-expression\u0000${def?.text ?? ""}`);
}
