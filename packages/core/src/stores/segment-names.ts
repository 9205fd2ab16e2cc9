// Names of append-only segment files shared by processes: who wrote one, and whether it is sealed.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { errorCode } from "./fs-util.js";

/** Segments of another host count as sealed once idle this long (their writer's liveness is unknown). */
const FOREIGN_SEGMENT_MAX_IDLE_MS = 24 * 60 * 60 * 1000;

/** This host's tag in segment names. */
export const HOST_TAG = createHash("sha1").update(os.hostname()).digest("hex").slice(0, 8);

/** Segments this process wrote and closed: it never appends to them again, so they are sealed. */
const closedHere = new Set<string>();

/** A segment name matcher for extension `ext` (e.g. "log"): own segments and compacted ones. */
export function segmentPattern(ext: string): RegExp {
  return new RegExp(`^[0-9a-z]{9}-(?:compact|[0-9a-f]{8}-\\d+)-[0-9a-f]{8}\\.${ext}$`);
}

/** A fresh name for this process's own segment: `<time>-<host>-<pid>-<random>.<ext>`. */
export function ownSegmentName(ext: string): string {
  return `${segmentTime()}-${HOST_TAG}-${process.pid}-${randomBytes(4).toString("hex")}.${ext}`;
}

/** A fresh name for a compacted segment: `<time>-compact-<random>.<ext>`. */
export function compactSegmentName(ext: string): string {
  return `${segmentTime()}-compact-${randomBytes(4).toString("hex")}.${ext}`;
}

/** Records that this process closed its segment `name` in `dir` and will not append to it again. */
export function markSegmentClosed(dir: string, name: string): void {
  closedHere.add(path.join(dir, name));
}

/** True when no live process can still append to segment `name` in `dir`. */
export function isSealedSegment(dir: string, name: string): boolean {
  const parts = name.split("-");
  if (parts[1] === "compact") return true;
  const pid = Number(parts[2]);
  if (parts[1] === HOST_TAG) {
    return pid === process.pid ? closedHere.has(path.join(dir, name)) : !processIsAlive(pid);
  }
  // Another host (shared network folder): its liveness is unknown, so wait until it is idle.
  const stat = fs.statSync(path.join(dir, name), { throwIfNoEntry: false });
  return stat !== undefined && Date.now() - stat.mtimeMs > FOREIGN_SEGMENT_MAX_IDLE_MS;
}

/** Millisecond time in fixed-width base 36, so segment names sort by creation time. */
function segmentTime(): string {
  return Date.now().toString(36).padStart(9, "0");
}

function processIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
}
