// A deterministic flights-like nodejs-polars frame for benchmarks (no downloads): ids, times, delays, carriers, airports.
import pl from "nodejs-polars";

const CARRIERS = ["AA", "DL", "UA", "WN", "B6", "AS", "NK", "F9", "HA", "G4"];
const AIRPORTS = Array.from(
  { length: 120 },
  (_, i) => `A${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`,
);

/** `rows` flights; the same rows on every machine (a linear congruential generator seeded with 42). */
export function flightsFrame(rows: number): pl.DataFrame {
  let state = 42;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const day = new Int32Array(rows);
  const depTime = new Int32Array(rows);
  const depDelay = new Float64Array(rows);
  const arrDelay = new Float64Array(rows);
  const distance = new Float64Array(rows);
  const carrier: string[] = new Array(rows);
  const origin: string[] = new Array(rows);
  const dest: string[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    day[i] = Math.floor((i / rows) * 365);
    depTime[i] = Math.floor(next() * 1440);
    const delay = next() < 0.8 ? Math.round(next() * 20 - 5) : Math.round(next() * 240);
    depDelay[i] = delay;
    arrDelay[i] = delay + Math.round(next() * 30 - 15);
    distance[i] = Math.round(100 + next() * 2500);
    carrier[i] = CARRIERS[Math.floor(next() * CARRIERS.length)] as string;
    origin[i] = AIRPORTS[Math.floor(next() * AIRPORTS.length)] as string;
    dest[i] = AIRPORTS[Math.floor(next() * AIRPORTS.length)] as string;
  }
  return pl.DataFrame({
    flight_id: Int32Array.from({ length: rows }, (_, i) => i),
    day,
    dep_time: depTime,
    dep_delay: depDelay,
    arr_delay: arrDelay,
    distance,
    carrier,
    origin,
    dest,
  });
}
