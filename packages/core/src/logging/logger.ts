// Turns the `logger` option (console, pino, winston, or any object with level methods) into one that
// filters by level and keeps the live progress line from garbling log output.
import type { Logger } from "../contracts.js";
import { ConfigurationError } from "../errors.js";
import { aroundLiveLines } from "../progress/live-line.js";

/** Levels, most verbose first; "silent" logs nothing. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
const METHODS = ["debug", "info", "warn", "error"] as const;

/** What every ham component logs through: each method is present, and a no-op below the level. */
export interface LevelLogger {
  readonly level: LogLevel;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** True when `level` messages are written (so costly debug text is built only when wanted). */
  enabled(level: Exclude<LogLevel, "silent">): boolean;
}

export interface LoggerSettings {
  /** The sink; default: the console's stderr, at "warn" unless HAM_DEBUG / HAM_LOG_LEVEL / logLevel say otherwise. */
  logger?: Logger | undefined;
  /** Lowest level written. HAM_DEBUG=1 means "debug" whatever this says; default: HAM_LOG_LEVEL, else the logger's own `level` (pino, winston), else "info" for a given logger and "warn" for the default one. */
  logLevel?: LogLevel | undefined;
  /** Environment to read HAM_DEBUG / HAM_LOG_LEVEL from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Without a logger: every level to stderr (stdout stays the program's own), filtered by the level above. */
const DEFAULT_SINK: Logger = {
  debug: (message: string) => console.error(message),
  info: (message: string) => console.error(message),
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/** Checks and resolves a logger option; throws ConfigurationError naming what is wrong. */
export function resolveLogger(settings: LoggerSettings = {}): LevelLogger {
  const env = settings.env ?? process.env;
  const given = settings.logger;
  if (given !== undefined && (typeof given !== "object" || given === null) && typeof given !== "function") {
    throw new ConfigurationError(
      `the logger option takes console or an object with info/warn/debug/error methods (pino, winston), got ${given === null ? "null" : typeof given}`,
    );
  }
  // An object with none of the methods (`logger: {}`) is a silent logger: nothing is written.
  if (settings.logLevel !== undefined && !Object.hasOwn(ORDER, settings.logLevel)) {
    throw new ConfigurationError(
      `logLevel must be one of ${Object.keys(ORDER).join(", ")}, got ${JSON.stringify(settings.logLevel)}`,
    );
  }
  // First match wins, as docs/progress-and-logging.md lists: HAM_DEBUG, logLevel, HAM_LOG_LEVEL, the logger's own.
  const level =
    debugFromEnv(env) ?? settings.logLevel ?? levelFromEnv(env) ?? ownLevel(given) ?? (given ? "info" : "warn");
  const sink: Logger = given ?? DEFAULT_SINK;
  const threshold = ORDER[level];
  const write = (method: (typeof METHODS)[number], message: string) => {
    if (ORDER[method] < threshold) return;
    // Winston and pino keep `this`; a level a logger lacks falls back to the nearest one it has.
    const fn = pick(sink, method);
    if (!fn) return;
    aroundLiveLines(() => fn.call(sink, message));
  };
  return {
    level,
    debug: (message) => write("debug", message),
    info: (message) => write("info", message),
    warn: (message) => write("warn", message),
    error: (message) => write("error", message),
    enabled: (at) => ORDER[at] >= threshold && pick(sink, at) !== undefined,
  };
}

function debugFromEnv(env: Readonly<Record<string, string | undefined>>): LogLevel | undefined {
  const debug = env.HAM_DEBUG;
  return debug !== undefined && debug !== "" && debug !== "0" && debug !== "false" ? "debug" : undefined;
}

function levelFromEnv(env: Readonly<Record<string, string | undefined>>): LogLevel | undefined {
  const named = env.HAM_LOG_LEVEL?.toLowerCase();
  return named !== undefined && named in ORDER ? (named as LogLevel) : undefined;
}

/** pino and winston carry their level as a string property; respect it when it is one of ours. */
function ownLevel(logger: Logger | undefined): LogLevel | undefined {
  const level = (logger as { level?: unknown } | undefined)?.level;
  if (typeof level !== "string") return undefined;
  const lower = level.toLowerCase();
  if (lower === "trace" || lower === "silly" || lower === "verbose") return "debug";
  if (lower === "fatal") return "error";
  return lower in ORDER ? (lower as LogLevel) : undefined;
}

function pick(sink: Logger, method: (typeof METHODS)[number]): ((message: string) => void) | undefined {
  const fallbacks: Record<(typeof METHODS)[number], readonly (typeof METHODS)[number][]> = {
    debug: ["debug"],
    info: ["info"],
    warn: ["warn", "error"],
    error: ["error", "warn"],
  };
  for (const name of fallbacks[method]) {
    const fn = (sink as Record<string, unknown>)[name];
    if (typeof fn === "function") return fn as (message: string) => void;
  }
  return undefined;
}
