// What `ham cache` and `ham ui` share: where the command writes, and the parsing of their number and gc options.
import { ConfigurationError } from "@ham/core";
import { type GcOptions, parseDuration, parseSize } from "@ham/core/lifecycle";
import type { TextStream } from "./progress.js";

/** Where the command reads and writes; tests pass their own. */
export interface CliIo {
  readonly stdout: TextStream;
  readonly stderr: TextStream;
  readonly cwd: string;
}

/** The gc options as parseArgs gives them (strings and flags). */
export interface GcArgs {
  readonly "keep-runs"?: string | undefined;
  readonly "max-bytes"?: string | undefined;
  readonly "older-than"?: string | undefined;
  readonly grace?: string | undefined;
  readonly "dry-run"?: boolean | undefined;
}

export function wholeNumber(text: string, option: string): number {
  if (!/^\d+$/.test(text))
    throw new ConfigurationError(`${option} must be a whole number like 10, got ${JSON.stringify(text)}`);
  return Number(text);
}

export function gcOptionsOf(values: GcArgs): GcOptions {
  const options: GcOptions = {};
  if (values["keep-runs"] !== undefined) options.keepRuns = wholeNumber(values["keep-runs"], "--keep-runs");
  if (values["max-bytes"] !== undefined) options.maxBytes = parseSize(values["max-bytes"], "--max-bytes");
  if (values["older-than"] !== undefined) options.olderThan = parseDuration(values["older-than"], "--older-than");
  if (values.grace !== undefined) options.grace = parseDuration(values.grace, "--grace");
  if (values["dry-run"]) options.dryRun = true;
  return options;
}
