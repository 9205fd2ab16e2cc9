// The pipeline: generate a sales table, clean it, aggregate it per region. Every node passes Arrow tables.
import * as arrow from "apache-arrow";

const REGIONS = ["north", "south", "east", "west", "central"];

/** `rows` generated sales with a unique `id`, deterministic for a given `seed`. */
export function sales(rows: number, seed = 1): arrow.Table {
  const id = new Int32Array(rows);
  const amount = new Float64Array(rows);
  const region: string[] = new Array(rows);
  let state = seed >>> 0;
  for (let i = 0; i < rows; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0; // a small LCG: same seed, same table
    id[i] = i;
    amount[i] = ((state >>> 8) % 100_000) / 100 - 50; // some refunds (negative amounts)
    region[i] = REGIONS[state % REGIONS.length]!;
  }
  return new arrow.Table({
    id: arrow.makeVector(id),
    amount: arrow.makeVector(amount),
    region: arrow.vectorFromArray(region, new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8())),
  });
}

/** Sales without refunds, with a tax-inclusive amount. */
export function cleaned(sales: arrow.Table): arrow.Table {
  const amount = sales.getChild("amount")!.toArray() as Float64Array;
  const keep: number[] = [];
  for (let i = 0; i < amount.length; i++) if (amount[i]! > 0) keep.push(i);
  const ids = sales.getChild("id")!.toArray() as Int32Array;
  const region = sales.getChild("region")!;
  const id = new Int32Array(keep.length);
  const gross = new Float64Array(keep.length);
  const regions: string[] = new Array(keep.length);
  keep.forEach((row, j) => {
    id[j] = ids[row]!;
    gross[j] = amount[row]! * 1.2;
    regions[j] = region.get(row) as string;
  });
  return new arrow.Table({
    id: arrow.makeVector(id),
    gross: arrow.makeVector(gross),
    region: arrow.vectorFromArray(regions, new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8())),
  });
}

/** Revenue and order count per region, sorted by region. */
export function byRegion(cleaned: arrow.Table): arrow.Table {
  const gross = cleaned.getChild("gross")!.toArray() as Float64Array;
  const region = cleaned.getChild("region")!;
  const totals = new Map<string, { revenue: number; orders: number }>();
  for (let i = 0; i < gross.length; i++) {
    const key = region.get(i) as string;
    const entry = totals.get(key) ?? { revenue: 0, orders: 0 };
    entry.revenue += gross[i]!;
    entry.orders += 1;
    totals.set(key, entry);
  }
  const keys = [...totals.keys()].sort();
  return new arrow.Table({
    region: arrow.vectorFromArray(keys, new arrow.Utf8()),
    revenue: arrow.makeVector(Float64Array.from(keys, (k) => Math.round(totals.get(k)!.revenue * 100) / 100)),
    orders: arrow.makeVector(Int32Array.from(keys, (k) => totals.get(k)!.orders)),
  });
}

/** Total revenue, a plain number. */
export function revenue(byRegion: arrow.Table): number {
  const values = byRegion.getChild("revenue")!.toArray() as Float64Array;
  return Math.round(values.reduce((a, b) => a + b, 0) * 100) / 100;
}
