// Size strings ("5GB", "500MiB") and durations ("7d", "12h") for cache lifecycle options, and
// their human-readable forms (and counted nouns) for reports and the `ham` command.
import { ConfigurationError } from "../errors.js";

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  byte: 1,
  bytes: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  sec: 1_000,
  secs: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

const NUMBER_AND_UNIT = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i;

/**
 * Bytes of a size option: a number of bytes, or a string like "5GB", "500MiB", "1.5 GB", "800kb".
 * KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB powers of 1024; a bare number string is bytes.
 * `option` names the option in the error, e.g. `withCache({ maxBytes })` or `--max-bytes`.
 */
export function parseSize(value: unknown, option: string): number {
  const bytes = toAmount(value, SIZE_UNITS, "");
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
    throw new ConfigurationError(
      `${option} must be a size like "5GB", "500MiB", "1.5 GB" or a number of bytes, got ${describe(value)}` +
        " (KB, MB, GB, TB count in 1000s; KiB, MiB, GiB, TiB in 1024s)",
    );
  }
  return Math.floor(bytes);
}

/**
 * Milliseconds of a duration option: a number of milliseconds, or a string like "7d", "12h",
 * "30m", "90s", "500ms", "2w" (also "7 days", "12 hours"). `option` names the option in the error.
 */
export function parseDuration(value: unknown, option: string): number {
  const ms = toAmount(value, DURATION_UNITS, undefined);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    // Text needs a unit (a bare "3" could be days or seconds); only a JavaScript number means milliseconds.
    const bare = typeof value === "string" && /^\s*\d+(?:\.\d+)?\s*$/.test(value);
    throw new ConfigurationError(
      `${option} must be a duration like "7d", "12h", "30m", "90s", "500ms"${typeof value === "string" ? "" : " or a number of milliseconds"}, got ${describe(value)}` +
        (bare
          ? `: a bare number has no unit — write "${value.trim()}d" for ${value.trim()} days or "${value.trim()}h" for ${value.trim()} hours`
          : ""),
    );
  }
  return Math.round(ms);
}

/** Parses `value` with `units`; a string without a unit uses `bareUnit` ("" → factor 1; undefined → invalid). */
function toAmount(
  value: unknown,
  units: Readonly<Record<string, number>>,
  bareUnit: string | undefined,
): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  const match = NUMBER_AND_UNIT.exec(value.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? "").toLowerCase();
  // A bare "0" needs no unit; any other bare number is ambiguous for durations (seconds? ms?).
  if (unit === "" && bareUnit === undefined && Number(match[1]) !== 0) return undefined;
  const factor = unit === "" ? 1 : Object.hasOwn(units, unit) ? units[unit] : undefined;
  return factor === undefined ? undefined : Number(match[1]) * factor;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** "1 node", "3 nodes", "2 misses": a count with its noun, singular for exactly one. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : word.endsWith("s") ? "es" : "s"}`;
}

/** "0 B", "812 B", "4.2 KB", "1.53 GB" (powers of 1000, like `parseSize`'s GB). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = "B";
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${unit}`;
}

/** "45 ms", "3.2 s", "14 min", "5 h", "12 d": one unit, for tables. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}
