// The latency benchmark (`--only latency`): warm chain and wide runs over the file, Postgres and S3
// stores with a fixed delay added per round trip, counting repository and result round trips.
import { loadavg } from "node:os";
import { S3Client } from "@aws-sdk/client-s3";
import {
  type CacheOptions,
  FileFingerprintRepository,
  FileResultStore,
  type FingerprintRepository,
  type ResultStore,
} from "@ham/core";
import { PostgresFingerprintRepository, PostgresResultStore } from "@ham/store-postgres";
import { S3ResultStore } from "@ham/store-s3";
import pg from "pg";
import type { GoalRow } from "./goal-row.js";
import { type Shape, type Workdir, makeDataflow } from "./dataflows.js";
import { build, outcomes } from "./graphs.js";
import { type Delay, Traffic, addS3Latency, withLatency } from "./latency-stores.js";
import { ensureBucket, withTimeout } from "./stores.js";
import { median, timed } from "./timing.js";

/** One warm run's figures (median wall time over the reps; counts from the last rep). */
export interface LatencyRow {
  store: string;
  shape: Shape;
  N: number;
  depth: number;
  /** Milliseconds added to every round trip. */
  delay_ms: number;
  /** Why the row was not measured (services not configured, a failure…). */
  skipped?: string;
  /** Repository read round trips (get, getMany, getEntry, run history) of one warm run with a new driver. */
  repo_reads?: number;
  /** Repository writes of that run (the run record, progress snapshots). */
  repo_writes?: number;
  /** Result store read round trips (a getMany is one; on S3 each GET is one). */
  result_reads?: number;
  /** Results the cache loaded (on S3 a read pack brings many in one request). */
  results_read?: number;
  /** Most result reads in flight at once (a getMany of k keys counts k). */
  max_in_flight?: number;
  /** Wall time of the warm run, seconds. */
  warm_s?: number;
  /**
   * Postgres only: what a new connection to this server costs (TCP, start-up, the schema check; no
   * delay added), seconds. Not in `warm_s`: the rows' stores use a pool the program holds, as a
   * service would (opened again by each driver, one round trip).
   */
  connect_s?: number;
  /**
   * The first warm run after the cold one (first delay only): on S3 it reads the results one by one
   * and writes their read pack, which every later warm run reads instead. Its result read round
   * trips, most reads in flight, and wall time (seconds).
   */
  first_result_reads?: number;
  first_in_flight?: number;
  first_warm_s?: number;
  /** The machine's 1-minute load average when the row was measured (wall times depend on it). */
  load_1m?: number;
}

/** The stores of one measurement, wrapped: their delay can change, their traffic is counted. */
interface Stores {
  fingerprintStore: FingerprintRepository;
  resultStore: ResultStore;
  repository: Traffic;
  results: Traffic;
  /** Postgres: seconds a new connection takes (measured apart from the warm runs). */
  connect?: () => Promise<number>;
  dispose(): Promise<void>;
}

interface Kind {
  name: string;
  /** Undefined when usable; otherwise why not. */
  unavailable(): string | undefined;
  /** Fresh, empty stores (a new folder, table prefix or key prefix per call). */
  create(workdir: Workdir, id: string, delay: Delay): Stores | Promise<Stores>;
}

const SERVICES = "bash scripts/services/up.sh && source .services/env";

/** One schema for benchmarks, fresh tables per measurement (the services are throwaway servers). */
function postgresOptions(id: string, connection: { pool: pg.Pool } | { connectionString: string }) {
  return { ...connection, schema: "ham_bench", tablePrefix: `lat${id}_` };
}

/** The program's pool (the stores open and close their use of it; it stays connected between drivers). */
function postgresPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: process.env.HAM_PG_URL as string });
  pool.on("error", () => {});
  return pool;
}

/** Seconds a new connection takes: a repository with its own pool, opened (connect + schema check) and closed. */
async function newConnectionSeconds(id: string): Promise<number> {
  const repository = new PostgresFingerprintRepository(
    postgresOptions(id, { connectionString: process.env.HAM_PG_URL as string }),
  );
  const [seconds] = await timed(() => repository.open());
  await repository.close();
  return seconds;
}

const KINDS: Kind[] = [
  {
    name: "file",
    unavailable: () => undefined,
    create(workdir, _id, delay) {
      const path = workdir.newCacheDir("latency");
      const repository = new Traffic();
      const results = new Traffic();
      return {
        fingerprintStore: withLatency(new FileFingerprintRepository({ path }), delay, repository),
        resultStore: withLatency(new FileResultStore({ path }), delay, results),
        repository,
        results,
        dispose: async () => workdir.remove(path),
      };
    },
  },
  {
    name: "postgres",
    unavailable: () => (process.env.HAM_PG_URL ? undefined : `HAM_PG_URL is not set (${SERVICES})`),
    create(_workdir, id, delay) {
      const repository = new Traffic();
      const results = new Traffic();
      const pool = postgresPool();
      return {
        fingerprintStore: withLatency(
          new PostgresFingerprintRepository(postgresOptions(id, { pool })),
          delay,
          repository,
        ),
        resultStore: withLatency(new PostgresResultStore(postgresOptions(id, { pool })), delay, results),
        repository,
        results,
        connect: () => newConnectionSeconds(id),
        dispose: () => pool.end(),
      };
    },
  },
  {
    name: "s3 results + postgres repository",
    unavailable: () =>
      !process.env.HAM_S3_ENDPOINT
        ? `HAM_S3_ENDPOINT is not set (${SERVICES})`
        : !process.env.HAM_PG_URL
          ? `HAM_PG_URL is not set (${SERVICES})`
          : undefined,
    async create(_workdir, id, delay) {
      const endpoint = process.env.HAM_S3_ENDPOINT as string;
      const bucket = process.env.HAM_S3_BUCKET ?? "ham-bench";
      await ensureBucket(endpoint, bucket);
      const client = new S3Client({
        endpoint,
        region: process.env.HAM_S3_REGION ?? "us-east-1",
        forcePathStyle: true,
        credentials: {
          accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "test",
          secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "test",
        },
      });
      const repository = new Traffic();
      const results = new Traffic();
      addS3Latency(client, delay, results);
      const pool = postgresPool();
      return {
        fingerprintStore: withLatency(
          new PostgresFingerprintRepository(postgresOptions(id, { pool })),
          delay,
          repository,
        ),
        resultStore: new S3ResultStore({ bucket, prefix: `latency-${id}`, client }),
        repository,
        results,
        connect: () => newConnectionSeconds(id),
        dispose: async () => {
          client.destroy();
          await pool.end();
        },
      };
    },
  },
];

const quiet = { warn: (message: string) => console.warn(message) };

/** Fills a cache without delay, then times warm runs (a new driver each, as a new process) at each delay. */
async function measure(
  workdir: Workdir,
  kind: Kind,
  shape: Shape,
  n: number,
  delays: readonly number[],
  reps: number,
): Promise<LatencyRow[]> {
  const flow = await makeDataflow(workdir, shape, n);
  const delay: Delay = { ms: 0 };
  const id = `${shape}${n}_${Date.now().toString(36)}`;
  const stores = await kind.create(workdir, id, delay);
  const path = workdir.newCacheDir(`latency-memo-${id}`);
  const options = (): CacheOptions => ({
    path,
    logger: quiet,
    fingerprintStore: stores.fingerprintStore,
    resultStore: stores.resultStore,
  });
  try {
    const cold = await build(flow.module, options());
    await cold.execute(flow.outputs);
    await cold.close();
    const rows: LatencyRow[] = [];
    let first: Pick<LatencyRow, "first_result_reads" | "first_in_flight" | "first_warm_s"> | undefined;
    for (const ms of delays) {
      delay.ms = ms;
      const walls: number[] = [];
      let counts: Omit<LatencyRow, "store" | "shape" | "N" | "depth" | "delay_ms"> = {};
      for (let i = 0; i < reps; i++) {
        const dr = await build(flow.module, options());
        stores.repository.reset();
        stores.results.reset();
        const [wall] = await timed(() => dr.execute(flow.outputs));
        const o = outcomes(dr);
        if (o.hit !== n)
          throw new Error(`${kind.name} ${shape} ${n} +${ms} ms: warm run had ${o.hit} hits, ${o.computed} computed`);
        counts = {
          repo_reads: stores.repository.reads,
          repo_writes: stores.repository.writes,
          result_reads: stores.results.reads,
          results_read: dr.cache.stats.resultReads,
          max_in_flight: stores.results.maxInFlight,
        };
        first ??= {
          first_result_reads: stores.results.reads,
          first_in_flight: stores.results.maxInFlight,
          first_warm_s: wall,
        };
        await dr.close();
        walls.push(wall);
      }
      const load = Math.round((loadavg()[0] ?? 0) * 10) / 10;
      const connect = stores.connect ? await stores.connect() : undefined;
      rows.push({
        store: kind.name,
        shape,
        N: n,
        depth: flow.depth,
        delay_ms: ms,
        ...counts,
        ...(rows.length === 0 ? first : {}),
        warm_s: median(walls),
        ...(connect !== undefined ? { connect_s: connect } : {}),
        load_1m: load,
      });
    }
    return rows;
  } finally {
    await stores.dispose();
    workdir.remove(path);
  }
}

/** A measurement (all delays of one store, shape and size) that takes longer than this is reported as timed out. */
const MEASURE_TIMEOUT_MS = 900_000;

export interface LatencyOptions {
  sizes: readonly number[];
  delays: readonly number[];
  reps: number;
  log: (line: string) => void;
}

export async function benchLatency(
  workdir: Workdir,
  { sizes, delays, reps, log }: LatencyOptions,
): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  const skip = (store: string, shape: Shape, n: number, skipped: string) => {
    for (const ms of delays) rows.push({ store, shape, N: n, depth: shape === "chain" ? n : 3, delay_ms: ms, skipped });
  };
  for (const kind of KINDS) {
    const why = kind.unavailable();
    if (why) log(`  latency ${kind.name}: skipped, ${why}`);
    for (const shape of ["chain", "wide"] as const) {
      for (const n of sizes) {
        if (why) {
          skip(kind.name, shape, n, why);
          continue;
        }
        try {
          const measured = await withTimeout(
            measure(workdir, kind, shape, n, delays, reps),
            MEASURE_TIMEOUT_MS,
            `latency ${kind.name} ${shape} ${n}`,
          );
          rows.push(...measured);
          for (const row of measured) log(formatLatency([row])[1] as string);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          log(`  latency ${kind.name} ${shape} ${n}: skipped, ${message}`);
          skip(kind.name, shape, n, `failed: ${message}`);
        }
      }
    }
  }
  return rows;
}

const cell = (v: number | undefined, width: number) => (v === undefined ? "-" : String(v)).padStart(width);

/** Header line, then one line per row. */
export function formatLatency(rows: readonly LatencyRow[]): string[] {
  return [
    `${"store".padEnd(32)} ${"shape".padEnd(5)} ${"N".padStart(5)} ${"+ms".padStart(4)} | ${"repo_rd".padStart(7)} ${"repo_wr".padStart(7)} | ${"res_rt".padStart(6)} ${"res_n".padStart(5)} ${"inflt".padStart(5)} | ${"warm ms".padStart(9)} ${"conn ms".padStart(7)} ${"load".padStart(5)}`,
    ...rows.map((r) =>
      r.skipped !== undefined
        ? `${r.store.padEnd(32)} ${r.shape.padEnd(5)} ${String(r.N).padStart(5)} ${String(r.delay_ms).padStart(4)} | skipped: ${r.skipped}`
        : `${r.store.padEnd(32)} ${r.shape.padEnd(5)} ${String(r.N).padStart(5)} ${String(r.delay_ms).padStart(4)} | ${cell(r.repo_reads, 7)} ${cell(r.repo_writes, 7)} | ` +
          `${cell(r.result_reads, 6)} ${cell(r.results_read, 5)} ${cell(r.max_in_flight, 5)} | ${(((r.warm_s ?? 0) * 1e3).toFixed(1)).padStart(9)} ${(r.connect_s === undefined ? "-" : (r.connect_s * 1e3).toFixed(1)).padStart(7)} ${cell(r.load_1m, 5)}`,
    ),
  ];
}

/** The section of docs/benchmarks.md. */
export function latencyMarkdown(rows: readonly LatencyRow[]): string[] {
  const out = [
    "## Latency: warm runs with a delay per round trip",
    "",
    "Loopback hides what a team cache pays over a network, so this section wraps the stores in a delay of 1, 5 or 20 ms " +
      "per round trip (`bench/src/latency-stores.ts`): every store method call is one round trip for the file and Postgres " +
      "stores (Postgres runs one statement per method), and every HTTP request is one for S3 (a client middleware). The cache " +
      "is filled without delay, then each row is a warm run with a new driver (every node a hit). Repo reads/writes = " +
      "fingerprint repository round trips; result trips = result store read round trips (a `getMany` is one; on S3 each GET " +
      "is one); results read = results the cache loaded; in flight = most result reads at once. The chain is deep (depth N), the wide dataflow shallow (depth 3) with " +
      "N − 1 outputs to load. Repo writes include the run record, which is written while `execute` returns when it waits on the network " +
      "(docs/stores.md, Round trips), so it is counted here but not in the warm time. The Postgres stores use a `pg.Pool` the program holds, as a " +
      "long-running service would (each new driver still opens the stores: one round trip); new connection = what opening a store with " +
      "its own pool costs on this server instead (TCP, start-up, the schema check; no delay added), not in the warm time. " +
      "Load = the machine's 1-minute load average at the row (2 cores; other work ran alongside).",
    "",
    "| store | shape | N | depth | +ms per trip | repo reads | repo writes | result trips | results read | in flight | warm ms | new connection ms | load |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    if (r.skipped !== undefined)
      out.push(
        `| ${r.store} | ${r.shape} | ${r.N} | ${r.depth} | ${r.delay_ms} | skipped: ${r.skipped} | | | | | | | |`,
      );
    else
      out.push(
        `| ${r.store} | ${r.shape} | ${r.N} | ${r.depth} | ${r.delay_ms} | ${r.repo_reads} | ${r.repo_writes} | ${r.result_reads} | ${r.results_read} | ${r.max_in_flight} | ${((r.warm_s ?? 0) * 1e3).toFixed(1)} | ${r.connect_s === undefined ? "—" : (r.connect_s * 1e3).toFixed(1)} | ${r.load_1m ?? "—"} |`,
      );
  }
  const firsts = rows.filter((r) => r.skipped === undefined && /^s3/.test(r.store) && r.first_warm_s !== undefined);
  if (firsts.length) {
    out.push(
      "",
      "On S3 the rows above are warm runs after the first one: the first warm run after the cold run reads its results one " +
        "by one (with at most `concurrency` in flight) and writes them into a read pack, which later warm runs read with " +
        "one GET (docs/stores.md). That first run, at the first delay:",
      "",
      "| store | shape | N | +ms per trip | result trips | in flight | warm ms |",
      "|---|---|---:|---:|---:|---:|---:|",
      ...firsts.map(
        (r) =>
          `| ${r.store} | ${r.shape} | ${r.N} | ${r.delay_ms} | ${r.first_result_reads} | ${r.first_in_flight} | ${((r.first_warm_s ?? 0) * 1e3).toFixed(1)} |`,
      ),
    );
  }
  return out;
}

/** Issue 20's goals that the latency rows measure (none when the section did not run). */
export function latencyGoals(rows: readonly LatencyRow[]): GoalRow[] {
  const ran = rows.filter((r) => r.skipped === undefined);
  const find = (store: string | RegExp, shape: Shape, n: number, delay?: number) =>
    ran.filter(
      (r) =>
        (typeof store === "string" ? r.store === store : store.test(r.store)) &&
        r.shape === shape &&
        r.N === n &&
        (delay === undefined || r.delay_ms === delay),
    );
  const goals: GoalRow[] = [];
  const chains = [100, 1000].map((n) => find("file", "chain", n, ran[0]?.delay_ms)[0]).filter((r) => r !== undefined);
  if (chains.length) {
    goals.push({
      measure: `repository round trips, warm run, nothing changed, chain ${chains.map((r) => r.N).join(" / ")}`,
      goal: "≤ 2",
      reached: chains.map((r) => String(r.repo_reads)).join(" / "),
      met: chains.every((r) => (r.repo_reads ?? Infinity) <= 2),
    });
  }
  const slow = find(/./, "chain", 100, 5);
  if (slow.length) {
    goals.push({
      measure: "warm chain 100, 5 ms added per round trip",
      goal: "≤ 25 ms",
      reached: slow.map((r) => `${r.store}: ${((r.warm_s ?? 0) * 1e3).toFixed(0)} ms`).join("; "),
      met: slow.every((r) => (r.warm_s ?? Infinity) <= 0.025),
    });
  }
  const s3 = find(/^s3/, "wide", 100);
  const s3firsts = s3.filter((r) => r.first_in_flight !== undefined);
  if (s3.length) {
    goals.push({
      measure: "result GETs of a warm wide 100 run on S3, in flight at once",
      goal: "≥ 16 (bounded, configurable)",
      // Only the first warm run reads the results one by one; later ones read their read pack (one GET).
      reached: `${Math.min(...s3firsts.map((r) => r.first_in_flight ?? 0))} (the first warm run; later runs: ${s3
        .map((r) => `${r.result_reads} GET`)
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(", ")} of the read pack)`,
      met: s3firsts.length > 0 && s3firsts.every((r) => (r.first_in_flight ?? 0) >= 16),
    });
  }
  return goals;
}
