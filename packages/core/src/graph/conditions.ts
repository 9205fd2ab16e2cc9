// How config.when / config.whenNot conditions read in messages: `region is "eu" and tier is not 1`.
import type { ConfigCondition } from "./node-spec.js";

export function describeCondition(condition: ConfigCondition): string {
  return Object.entries(condition.values)
    .map(([key, values]) => `${key} is ${condition.kind === "whenNot" ? "not " : ""}${values.map(show).join(" or ")}`)
    .join(" and ");
}

export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "[…]" : "{…}";
  return String(value);
}
