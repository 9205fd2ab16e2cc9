// The Arrow IPC bytes a fingerprint was read from, kept per value for the codec: each table is serialised once.
//
// The cache fingerprints a node's result, then encodes it. For nodejs-polars the fingerprint reads
// the frame's Arrow IPC export, so the codec takes those bytes instead of writing them again. The
// bytes are the ones the fingerprint was computed from, so what is stored is what was fingerprinted
// even if the frame changed in between. An entry is taken once (a later store serialises afresh)
// and dropped after a short while when no encode comes (an input, or a result already stored).

/** How long unclaimed bytes are kept: the cache encodes right after fingerprinting (one store lookup between). */
const KEEP_MS = 5000;

import type { FramedIpc } from "./polars-ipc.js";

const memo = new WeakMap<object, FramedIpc>();

/** Remembers the IPC stream `value` was fingerprinted from. */
export function rememberIpc(value: object, ipc: FramedIpc): void {
  memo.set(value, ipc);
  const timer = setTimeout(() => {
    if (memo.get(value) === ipc) memo.delete(value);
  }, KEEP_MS);
  timer.unref?.();
}

/** The remembered IPC stream of `value`, once; undefined when there is none. */
export function takeIpc(value: object): FramedIpc | undefined {
  const ipc = memo.get(value);
  if (ipc !== undefined) memo.delete(value);
  return ipc;
}
