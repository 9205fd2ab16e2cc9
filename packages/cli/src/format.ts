// Plain-text output of the `ham` command: aligned tables, key/value blocks, times, percentages and error lines.
import { isHamError, errorMessage } from "@ham/core";

/** Columns padded to their widest cell; numbers (and "%"/size cells) right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[-\d.,%\s]*(?:[kKMGT]?B|ms|s|min|h|d)?$/.test(r[i] ?? "")),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** `label  value` lines with the labels padded to one width. */
export function keyValues(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

/** "2026-11-25 17:20:01" in local time. */
export function dateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "just now", "5 min ago", "3 h ago", "12 d ago". */
export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, now - ms) / 1000;
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** "45 ms", "3.2 s", "14 min", "5 h" — a run's duration, in one unit. */
export function elapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** "87%" (or "-" when there is nothing to divide). */
export function percent(ratio: number | undefined): string {
  return ratio === undefined ? "-" : `${Math.round(ratio * 100)}%`;
}

/** The first line of an error's message, as the `ham` command prints it: one `[ham] …` line. */
export function errorLine(error: unknown): string {
  const message = errorMessage(error);
  const line = (message.split("\n")[0] ?? "").trim();
  return isHamError(error) || line.startsWith("[ham]") ? line : `[ham] ${line}`;
}
