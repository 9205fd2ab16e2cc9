// The team-cache dataflow: ten nodes that turn generated orders into a sales report, with real work in each.
import { createHash } from "node:crypto";

/** Orders as columns (typed arrays): cheap to fingerprint, encode and ship through the result store. */
export interface Orders {
  customer: Uint32Array;
  region: Uint8Array;
  day: Uint16Array;
  amount: Float64Array;
}

export const REGIONS = ["north", "south", "east", "west", "central"] as const;
const DAYS = 365;

/** `orderCount` pseudo-random orders from `seed` (deterministic: every machine generates the same ones). */
export function orders(seed: number, orderCount: number): Orders {
  let state = seed >>> 0 || 1;
  // xorshift32: fast, deterministic, good enough for test data.
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const out: Orders = {
    customer: new Uint32Array(orderCount),
    region: new Uint8Array(orderCount),
    day: new Uint16Array(orderCount),
    amount: new Float64Array(orderCount),
  };
  for (let i = 0; i < orderCount; i++) {
    // Low customer numbers order more often; every tenth customer buys big, so segments differ.
    const customer = Math.min(4999, Math.floor(5000 * (1 - Math.sqrt(next()))));
    const basket = customer % 10 === 0 ? 800 : customer % 10 < 4 ? 150 : 40;
    out.customer[i] = customer;
    out.region[i] = Math.floor(next() * REGIONS.length);
    // Weekends are busier: daily revenue has a rhythm for the moving average to follow.
    const day = Math.floor(next() * DAYS);
    out.day[i] = day % 7 >= 5 || next() < 0.8 ? day : (day + 2) % DAYS;
    // A few refunds and absurd amounts, so cleaning has something to do.
    const r = next();
    out.amount[i] = r < 0.01 ? -Math.round(next() * 100) : r > 0.999 ? 1e9 : Math.round(next() * basket * 200) / 100;
  }
  return out;
}

/** Orders with a plausible amount (no refunds, no data-entry errors). */
export function cleanOrders(orders: Orders): Orders {
  const keep: number[] = [];
  for (let i = 0; i < orders.amount.length; i++) {
    const amount = orders.amount[i] as number;
    if (amount > 0 && amount < 10_000) keep.push(i);
  }
  const pick = <T extends Uint32Array | Uint8Array | Uint16Array | Float64Array>(
    column: T,
    make: (n: number) => T,
  ): T => {
    const out = make(keep.length);
    keep.forEach((from, to) => (out[to] = column[from] as number));
    return out;
  };
  return {
    customer: pick(orders.customer, (n) => new Uint32Array(n)),
    region: pick(orders.region, (n) => new Uint8Array(n)),
    day: pick(orders.day, (n) => new Uint16Array(n)),
    amount: pick(orders.amount, (n) => new Float64Array(n)),
  };
}

/** Revenue per region, in cents. */
export function revenueByRegion(cleanOrders: Orders): Record<string, number> {
  const totals = new Float64Array(REGIONS.length);
  for (let i = 0; i < cleanOrders.amount.length; i++)
    totals[cleanOrders.region[i] as number]! += cleanOrders.amount[i] as number;
  return Object.fromEntries(REGIONS.map((name, i) => [name, Math.round((totals[i] as number) * 100)]));
}

/** Revenue per day of the year. */
export function revenueByDay(cleanOrders: Orders): Float64Array {
  const totals = new Float64Array(DAYS);
  for (let i = 0; i < cleanOrders.amount.length; i++)
    totals[cleanOrders.day[i] as number]! += cleanOrders.amount[i] as number;
  return totals;
}

/** Seven-day trailing average of daily revenue. */
export function movingAverage(revenueByDay: Float64Array): Float64Array {
  const out = new Float64Array(revenueByDay.length);
  let window = 0;
  for (let i = 0; i < revenueByDay.length; i++) {
    window += revenueByDay[i] as number;
    if (i >= 7) window -= revenueByDay[i - 7] as number;
    out[i] = window / Math.min(i + 1, 7);
  }
  return out;
}

/** Days whose revenue is more than two standard deviations away from the trailing average. */
export function anomalies(revenueByDay: Float64Array, movingAverage: Float64Array): number[] {
  const residuals = Array.from(revenueByDay, (revenue, i) => revenue - (movingAverage[i] as number)).slice(7);
  const mean = residuals.reduce((s, r) => s + r, 0) / residuals.length;
  const deviation = Math.sqrt(residuals.reduce((s, r) => s + (r - mean) ** 2, 0) / residuals.length);
  return residuals.flatMap((r, i) => (Math.abs(r - mean) > 2 * deviation ? [i + 7] : []));
}

/** Spend per customer, then the ten biggest spenders. */
export function topCustomers(cleanOrders: Orders): { customer: number; spend: number }[] {
  const spend = new Map<number, number>();
  for (let i = 0; i < cleanOrders.amount.length; i++) {
    const customer = cleanOrders.customer[i] as number;
    spend.set(customer, (spend.get(customer) ?? 0) + (cleanOrders.amount[i] as number));
  }
  return [...spend]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 10)
    .map(([customer, total]) => ({ customer, spend: Math.round(total * 100) / 100 }));
}

/** Customers grouped by order count and average order (a small k-means, 3 clusters). */
export function customerSegments(cleanOrders: Orders): { size: number; orders: number; averageOrder: number }[] {
  const count = new Float64Array(5000);
  const total = new Float64Array(5000);
  for (let i = 0; i < cleanOrders.amount.length; i++) {
    const c = cleanOrders.customer[i] as number;
    count[c]!++;
    total[c]! += cleanOrders.amount[i] as number;
  }
  const points: [number, number][] = [];
  for (let c = 0; c < count.length; c++)
    if ((count[c] as number) > 0) points.push([count[c] as number, (total[c] as number) / (count[c] as number)]);
  // Start from spread-out points (sorted by spend) so the result is deterministic.
  points.sort((a, b) => a[0] * a[1] - b[0] * b[1]);
  let centres = [0.1, 0.5, 0.9].map(
    (q) => [...(points[Math.floor(q * (points.length - 1))] as [number, number])] as [number, number],
  );
  let members: number[] = [];
  for (let iteration = 0; iteration < 50; iteration++) {
    members = points.map(([x, y]) => {
      let best = 0;
      let bestDistance = Infinity;
      centres.forEach(([cx, cy], k) => {
        const d = ((x - cx) / 10) ** 2 + ((y - cy) / 100) ** 2;
        if (d < bestDistance) [best, bestDistance] = [k, d];
      });
      return best;
    });
    centres = centres.map((centre, k) => {
      const mine = points.filter((_, i) => members[i] === k);
      if (mine.length === 0) return centre;
      return [mine.reduce((s, p) => s + p[0], 0) / mine.length, mine.reduce((s, p) => s + p[1], 0) / mine.length];
    });
  }
  return centres
    .map(([orders, averageOrder], k) => ({
      size: members.filter((m) => m === k).length,
      orders: Math.round(orders * 10) / 10,
      averageOrder: Math.round(averageOrder * 100) / 100,
    }))
    .sort((a, b) => a.averageOrder - b.averageOrder);
}

/** A SHA-256 chain over the cleaned orders: stands in for an expensive checksum or signature step. */
export function auditDigest(cleanOrders: Orders): string {
  let digest = createHash("sha256")
    .update(Buffer.from(cleanOrders.amount.buffer, cleanOrders.amount.byteOffset, cleanOrders.amount.byteLength))
    .digest();
  for (let round = 0; round < 5_000; round++)
    digest = createHash("sha256").update(digest).update(String(round)).digest();
  return digest.toString("hex");
}

/** The report the team reads. */
export function report(
  revenueByRegion: Record<string, number>,
  topCustomers: { customer: number; spend: number }[],
  anomalies: number[],
  customerSegments: { size: number; orders: number; averageOrder: number }[],
  auditDigest: string,
): string {
  const money = (cents: number): string => (cents / 100).toFixed(2);
  return [
    `revenue by region: ${Object.entries(revenueByRegion)
      .map(([region, cents]) => `${region} ${money(cents)}`)
      .join(", ")}`,
    `top customer: #${topCustomers[0]?.customer} (${topCustomers[0]?.spend.toFixed(2)})`,
    `anomalous days: ${anomalies.length}`,
    `segments: ${customerSegments.map((s) => `${s.size} customers × ${s.orders} orders × ${s.averageOrder.toFixed(2)}`).join("; ")}`,
    `audit digest: ${auditDigest.slice(0, 16)}…`,
  ].join("\n");
}
