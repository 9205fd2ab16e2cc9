// Warm 100-node runs against each store (file, Level, Postgres, S3), with repository round trips counted.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CacheOptions, FingerprintRepository, ResultStore } from "@ham/core";
import { type Shape, type Workdir, makeDataflow } from "./dataflows.js";
import type { GoalRow } from "./goal-row.js";
import { build, outcomes } from "./graphs.js";
import { REPO_ROOT } from "./paths.js";
import { median, timed } from "./timing.js";

export interface StoreRow {
  store: string;
  shape: Shape;
  N: number;
  depth: number;
  /** Why the row was not measured (package missing, service not configured, …). */
  skipped?: string;
  cold?: number;
  warm_new?: number;
  warm_reuse?: number;
  us_per_node_warm_new?: number;
  us_per_node_warm_reuse?: number;
  /** Repository round trips of one warm run with a new driver. */
  warm_round_trips?: number;
  warm_result_reads?: number;
}

interface Stores {
  fingerprintStore?: FingerprintRepository;
  resultStore?: ResultStore;
}

interface StoreKind {
  name: string;
  /** Undefined when usable; otherwise why not. */
  unavailable(): Promise<string | undefined>;
  /** Fresh, empty stores (a new location, schema, table or key prefix per call). */
  create(workdir: Workdir, id: string): Promise<Stores>;
}

const silent = { warn: (message: string) => console.warn(message) };

function packageWritten(dir: string): boolean {
  return existsSync(join(REPO_ROOT, "packages", dir, "src", "index.ts"));
}

type Ctor = new (options: Record<string, unknown>) => unknown;

async function exportsOf(pkg: string): Promise<Record<string, unknown>> {
  return (await import(pkg)) as Record<string, unknown>;
}

function pick(mod: Record<string, unknown>, name: string): Ctor {
  const value = mod[name];
  if (typeof value !== "function") throw new Error(`does not export ${name}`);
  return value as Ctor;
}

const KINDS: StoreKind[] = [
  {
    name: "file",
    unavailable: async () => undefined,
    create: async () => ({}),
  },
  {
    name: "level",
    unavailable: async () =>
      packageWritten("store-level") ? undefined : "packages/store-level/src/index.ts does not exist yet",
    create: async (workdir, id) => {
      const mod = await exportsOf("@ham/store-level");
      const dir = workdir.newCacheDir(`level-${id}`);
      return {
        fingerprintStore: new (pick(mod, "LevelFingerprintRepository"))({
          location: join(dir, "fingerprints"),
        }) as FingerprintRepository,
        resultStore: new (pick(mod, "LevelResultStore"))({ location: join(dir, "results") }) as ResultStore,
      };
    },
  },
  {
    name: "postgres",
    unavailable: async () => {
      if (!packageWritten("store-postgres")) return "packages/store-postgres/src/index.ts does not exist yet";
      if (!process.env.HAM_PG_URL) return "HAM_PG_URL is not set (bash scripts/services/up.sh && source .services/env)";
      return undefined;
    },
    create: async (_workdir, id) => {
      const mod = await exportsOf("@ham/store-postgres");
      // One schema for benchmarks, fresh tables per measurement (the services are throwaway servers).
      const options = { connectionString: process.env.HAM_PG_URL, schema: "ham_bench", tablePrefix: `b${id}_` };
      return {
        fingerprintStore: new (pick(mod, "PostgresFingerprintRepository"))(options) as FingerprintRepository,
        resultStore: new (pick(mod, "PostgresResultStore"))(options) as ResultStore,
      };
    },
  },
  {
    name: "s3 (results) + file repository",
    unavailable: async () => {
      if (!packageWritten("store-s3")) return "packages/store-s3/src/index.ts does not exist yet";
      if (!process.env.HAM_S3_ENDPOINT)
        return "HAM_S3_ENDPOINT is not set (bash scripts/services/up.sh && source .services/env)";
      return undefined;
    },
    create: async (_workdir, id) => {
      const mod = await exportsOf("@ham/store-s3");
      const endpoint = process.env.HAM_S3_ENDPOINT as string;
      const bucket = process.env.HAM_S3_BUCKET ?? "ham-bench";
      await ensureBucket(endpoint, bucket);
      const options = {
        bucket,
        prefix: `bench-${id}`,
        clientConfig: {
          endpoint,
          region: process.env.HAM_S3_REGION ?? "us-east-1",
          forcePathStyle: true,
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "test",
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "test",
          },
        },
      };
      return { resultStore: new (pick(mod, "S3ResultStore"))(options) as ResultStore };
    },
  },
];

/**
 * Creates the benchmark bucket on the local S3 server (S3ResultStore never creates buckets). A plain
 * path-style PUT: the local test server (moto) does not check signatures; 409 means it exists.
 */
export async function ensureBucket(endpoint: string, bucket: string): Promise<void> {
  const response = await fetch(`${endpoint.replace(/\/$/, "")}/${bucket}`, { method: "PUT" });
  if (!response.ok && response.status !== 409) {
    throw new Error(`could not create bucket "${bucket}" at ${endpoint}: HTTP ${response.status}`);
  }
}

async function closeStores(stores: Stores): Promise<void> {
  await stores.fingerprintStore?.close?.();
  await stores.resultStore?.close?.();
}

async function measure(workdir: Workdir, kind: StoreKind, shape: Shape, n: number, reps: number): Promise<StoreRow> {
  const flow = await makeDataflow(workdir, shape, n);
  const base: StoreRow = { store: kind.name, shape, N: n, depth: flow.depth };
  const id = `${shape}${n}_${Date.now().toString(36)}`;
  const stores = await kind.create(workdir, id);
  const path = workdir.newCacheDir(`store-${id}`);
  // Stores are shared by drivers here (a new driver on the same database, as a new process would open it).
  const options = (): CacheOptions => ({ path, logger: silent, ...stores });
  try {
    const drc = await build(flow.module, options());
    const [cold] = await timed(() => drc.execute(flow.outputs));
    const reuse: number[] = [];
    for (let i = 0; i <= reps; i++) {
      const [t] = await timed(() => drc.execute(flow.outputs));
      if (i) reuse.push(t);
    }
    await drc.close();
    const warmNew: number[] = [];
    let trips = 0;
    let reads = 0;
    for (let i = 0; i <= reps; i++) {
      // A new driver opens the stores again in its first execute, as a new process would.
      const drw = await build(flow.module, options());
      const [t] = await timed(() => drw.execute(flow.outputs));
      const o = outcomes(drw);
      if (o.hit !== n)
        throw new Error(`${kind.name} ${shape} ${n}: warm run had ${o.hit} hits, ${o.computed} computed`);
      trips = drw.cache.stats.repositoryRoundTrips;
      reads = drw.cache.stats.resultReads;
      await drw.close();
      if (i) warmNew.push(t);
    }
    const wn = median(warmNew);
    const wr = median(reuse);
    return {
      ...base,
      cold,
      warm_new: wn,
      warm_reuse: wr,
      us_per_node_warm_new: (wn * 1e6) / n,
      us_per_node_warm_reuse: (wr * 1e6) / n,
      warm_round_trips: trips,
      warm_result_reads: reads,
    };
  } finally {
    await closeStores(stores);
    workdir.remove(path);
  }
}

/** A store row that takes longer than this is reported as timed out (a hung store must not hang the bench). */
const STORE_ROW_TIMEOUT_MS = 180_000;

export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${ms / 1000} s (${what} did not finish; the store may be stuck)`)),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function benchStores(
  workdir: Workdir,
  n: number,
  reps: number,
  log: (line: string) => void,
): Promise<StoreRow[]> {
  const rows: StoreRow[] = [];
  for (const kind of KINDS) {
    const why = await kind.unavailable();
    for (const shape of ["chain", "wide"] as const) {
      if (why) {
        rows.push({ store: kind.name, shape, N: n, depth: shape === "chain" ? n : 3, skipped: why });
        continue;
      }
      try {
        rows.push(
          await withTimeout(measure(workdir, kind, shape, n, reps), STORE_ROW_TIMEOUT_MS, `${kind.name} ${shape} ${n}`),
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`  store ${kind.name} ${shape} ${n}: skipped, ${message}`);
        rows.push({ store: kind.name, shape, N: n, depth: shape === "chain" ? n : 3, skipped: `failed: ${message}` });
      }
    }
  }
  return rows;
}

/** The figure for a warm wide 100 run with S3 results and a new driver, before batched reads (99 GETs in a row). */
const S3_WIDE_BEFORE_MS = 644;

/** Issue 20's goal that the stores table measures: a warm wide 100 run on S3 results, new driver. */
export function storeGoals(rows: readonly StoreRow[]): GoalRow[] {
  const wide = rows.filter((r) => r.skipped === undefined && /^s3/.test(r.store) && r.shape === "wide" && r.N === 100);
  if (!wide.length) return [];
  const ms = (r: StoreRow) => (r.warm_new ?? Infinity) * 1e3;
  return [
    {
      measure: "warm wide 100 on S3 results (moto), new driver",
      goal: `≤ 1/5 of the issue's ${S3_WIDE_BEFORE_MS} ms (${(S3_WIDE_BEFORE_MS / 5).toFixed(0)} ms)`,
      reached: wide
        .map((r) => `${r.store}: ${ms(r).toFixed(0)} ms (1/${(S3_WIDE_BEFORE_MS / ms(r)).toFixed(1)})`)
        .join("; "),
      met: wide.every((r) => ms(r) <= S3_WIDE_BEFORE_MS / 5),
    },
  ];
}
