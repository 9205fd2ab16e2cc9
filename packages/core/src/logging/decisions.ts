// One debug line per cache decision (HAM_DEBUG=1 or logLevel "debug"): node, outcome, key prefix, reason.
import type { NodeRunRecord } from "../contracts.js";

const DEFAULT_REASONS: Partial<Record<NodeRunRecord["outcome"], string>> = {
  hit: "same code version and input fingerprints as a stored result",
  computed: "no stored result for this code version and these inputs",
};

/** `[ham] debug node "F": hit · key f3.eyJhYmMi… · same code version and input fingerprints as a stored result · 0.1ms` */
export function decisionLine(record: NodeRunRecord): string {
  const parts = [`[ham] debug node "${record.node}": ${record.outcome}`];
  if (record.contextKey !== undefined)
    parts.push(`key ${record.contextKey.length > 24 ? `${record.contextKey.slice(0, 24)}…` : record.contextKey}`);
  const reason = record.reason ?? DEFAULT_REASONS[record.outcome];
  if (reason !== undefined) parts.push(reason);
  parts.push(`${record.durationMs.toFixed(1)}ms`);
  return parts.join(" · ");
}
