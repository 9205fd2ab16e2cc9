// `pnpm measure`: warm 100-node runs (chain and wide) with a new driver against each store, with repository round trips and SQL queries counted.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { Builder, type CacheOptions, type Driver } from "@ham/core";
import { LevelFingerprintRepository, LevelResultStore } from "@ham/store-level";
import { PostgresFingerprintRepository, PostgresResultStore } from "@ham/store-postgres";
import { S3ResultStore } from "@ham/store-s3";
import { Level } from "level";
import pg from "pg";
import {
  ensureBucket,
  missingServiceVariables,
  newRunSettings,
  removeRun,
  s3Client,
  startServices,
  type TeamCacheSettings,
} from "./settings.js";

// The AWS SDK warns on Node 20 that its 2027 releases will need Node 22: about future upgrades, not this run.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

type Shape = "chain" | "wide";
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const N = option("nodes", 100);
const RUNS = Math.max(5, option("runs", 7));

/** A pg.Pool that counts every statement sent to the server (pool.query and queries on checked-out clients alike). */
class CountingPool {
  readonly pool: pg.Pool;
  queries = 0;
  constructor(connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: 10 });
    this.pool.on("error", () => {});
    // pool.query runs client.query on a pooled client, so wrapping each client counts every statement once.
    this.pool.on("connect", (client) => {
      const query = client.query.bind(client) as (...a: unknown[]) => unknown;
      (client as { query: unknown }).query = (...a: unknown[]) => (this.queries++, query(...a));
    });
  }
}

/** A store pairing: makes the stores a new driver (as a new process would) opens. */
interface Kind {
  name: string;
  /** Points the kind at new, empty data (called once per shape, before its cold run). */
  fresh(): void;
  /** Store objects over the current data, as a new process would make them; `pools` are counted (repository first). */
  stores(): { cache: CacheOptions; pools: CountingPool[]; dispose: () => Promise<void> };
  /** Removes everything the kind wrote. */
  cleanup(): Promise<void>;
}

function dataflowSource(shape: Shape, n: number): { source: string; outputs: string[]; depth: number } {
  // A little real work per node, so values are not all tiny constants.
  const body = (expr: string): string =>
    `{\n  let x = ${expr};\n  for (let i = 0; i < 200; i++) x = (x * 31 + i) % 1000003;\n  return x;\n}\n`;
  if (shape === "chain") {
    const lines = [`export function n0() ${body("1")}`];
    for (let i = 1; i < n; i++) lines.push(`export function n${i}(n${i - 1}) ${body(`n${i - 1} + ${i}`)}`);
    return { source: lines.join("\n"), outputs: [`n${n - 1}`], depth: n };
  }
  const lines = [`export function root() ${body("1")}`];
  for (let i = 1; i < n; i++) lines.push(`export function leaf${i}(root) ${body(`root + ${i}`)}`);
  return { source: lines.join("\n"), outputs: Array.from({ length: n - 1 }, (_, i) => `leaf${i + 1}`), depth: 2 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const quiet: NonNullable<CacheOptions["logger"]> = { warn: (message: string) => console.warn(message) };

interface Row {
  store: string;
  shape: Shape;
  depth: number;
  openMs: number;
  executeMs: number;
  roundTrips: number;
  repositoryQueries: number | undefined;
  resultQueries: number | undefined;
  openQueries: number | undefined;
  load: number;
}

async function measure(
  kind: Kind,
  shape: Shape,
  module: Record<string, unknown>,
  outputs: string[],
  depth: number,
): Promise<Row> {
  const build = (cache: CacheOptions, maxConcurrency = Number.POSITIVE_INFINITY): Promise<Driver> =>
    new Builder()
      .withModules(module)
      .withMaxConcurrency(maxConcurrency)
      .withCache({ logger: quiet, ...cache })
      .build();
  // Cold run: computes and stores every node. Bounded below the pool size: each computing node holds
  // a single-flight lock on a pool connection, and with every connection held by a lock the nodes'
  // writes would wait for a connection forever.
  {
    const { cache, dispose } = kind.stores();
    const dr = await build(cache, 8);
    await dr.execute(outputs);
    await dr.close();
    await dispose();
  }
  const opens: number[] = [];
  const executes: number[] = [];
  const loads: number[] = [];
  let roundTrips = 0;
  let repositoryQueries: number | undefined;
  let resultQueries: number | undefined;
  let openQueries: number | undefined;
  for (let run = 0; run <= RUNS; run++) {
    const { cache, pools, dispose } = kind.stores();
    const dr = await build(cache);
    const t0 = performance.now();
    await dr.cache.open();
    const t1 = performance.now();
    const afterOpen = pools.map((p) => p.queries);
    await dr.execute(outputs);
    const t2 = performance.now();
    const hits = Object.values(dr.cache.lastRun).filter((r) => r.outcome === "hit").length;
    if (hits !== N) throw new Error(`${kind.name} ${shape}: a warm run had ${hits} hits, expected ${N}`);
    roundTrips = dr.cache.stats.repositoryRoundTrips;
    if (pools.length > 0) {
      openQueries = afterOpen.reduce((s, q) => s + q, 0);
      repositoryQueries = (pools[0] as CountingPool).queries - (afterOpen[0] as number);
      resultQueries = pools[1] ? pools[1].queries - (afterOpen[1] as number) : undefined;
    }
    await dr.close();
    await dispose();
    // The first warm run warms the JIT and the servers' caches: not counted.
    if (run > 0) {
      opens.push(t1 - t0);
      executes.push(t2 - t1);
      loads.push(loadavg()[0] as number);
    }
  }
  return {
    store: kind.name,
    shape,
    depth,
    openMs: median(opens),
    executeMs: median(executes),
    roundTrips,
    repositoryQueries,
    resultQueries,
    openQueries,
    load: median(loads),
  };
}

function kinds(scratch: string, settings: TeamCacheSettings): Kind[] {
  let fresh = 0;
  let path = "";
  let db: Level<string, unknown> | undefined;
  const levels: Level<string, unknown>[] = [];
  let schema = "";
  let prefix = "";
  const runs: TeamCacheSettings[] = [];
  const newRun = (): void => {
    schema = `${settings.schema}_${++fresh}`;
    prefix = `${settings.prefix}/${fresh}`;
    runs.push({ ...settings, schema, prefix });
  };
  const repository = (pool: CountingPool): PostgresFingerprintRepository =>
    new PostgresFingerprintRepository({ pool: pool.pool, schema });
  const endPools = async (pools: CountingPool[]): Promise<void> =>
    void (await Promise.all(pools.map((p) => p.pool.end())));
  return [
    {
      name: "file (core)",
      fresh: () => void (path = join(scratch, `file-${++fresh}`)),
      stores: () => ({ cache: { path }, pools: [], dispose: async () => {} }),
      cleanup: async () => {},
    },
    {
      name: "Level (one db, both classes)",
      fresh: () => {
        db = new Level(join(scratch, `level-${++fresh}`));
        levels.push(db);
      },
      stores: () => {
        const options = { db: db as Level<string, unknown> };
        return {
          cache: {
            fingerprintStore: new LevelFingerprintRepository(options),
            resultStore: new LevelResultStore(options),
          },
          pools: [],
          dispose: async () => {},
        };
      },
      cleanup: async () => void (await Promise.all(levels.map((l) => l.close()))),
    },
    {
      name: "Postgres repository + Postgres results",
      fresh: newRun,
      stores: () => {
        const pools = [new CountingPool(settings.pgUrl), new CountingPool(settings.pgUrl)] as const;
        return {
          cache: {
            fingerprintStore: repository(pools[0]),
            resultStore: new PostgresResultStore({ pool: pools[1].pool, schema }),
          },
          pools: [...pools],
          dispose: () => endPools([...pools]),
        };
      },
      cleanup: async () => {},
    },
    {
      name: "Postgres repository + S3 results",
      fresh: newRun,
      stores: () => {
        const pool = new CountingPool(settings.pgUrl);
        const client = s3Client(settings);
        return {
          cache: {
            fingerprintStore: repository(pool),
            resultStore: new S3ResultStore({ bucket: settings.bucket, prefix, client }),
          },
          pools: [pool],
          dispose: async () => {
            await endPools([pool]);
            client.destroy();
          },
        };
      },
      // Drops every schema and prefix the Postgres kinds made.
      cleanup: async () => {
        for (const run of runs) await removeRun(run);
      },
    },
  ];
}

async function main(): Promise<void> {
  if (missingServiceVariables().length > 0) startServices();
  const settings = newRunSettings();
  await ensureBucket(settings);
  const scratch = mkdtempSync(join(tmpdir(), "ham-measure-"));
  const rows: Row[] = [];
  const loadBefore = loadavg();
  try {
    const list = kinds(scratch, settings);
    let modules = 0;
    for (const shape of ["chain", "wide"] as const) {
      const { source, outputs, depth } = dataflowSource(shape, N);
      for (const kind of list) {
        // A fresh module file per measurement: import() caches by URL, and every store starts empty.
        const file = join(scratch, `${shape}-${++modules}.mjs`);
        writeFileSync(file, source);
        const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
        kind.fresh();
        const row = await measure(kind, shape, module, outputs, depth);
        rows.push(row);
        console.log(
          `${row.store.padEnd(40)} ${shape.padEnd(5)} depth ${String(depth).padStart(3)}  open ${row.openMs.toFixed(1).padStart(6)} ms  warm execute ${row.executeMs.toFixed(1).padStart(7)} ms  round trips ${String(row.roundTrips).padStart(3)}` +
            (row.repositoryQueries === undefined ? "" : `  repository SQL ${row.repositoryQueries}`) +
            (row.resultQueries === undefined ? "" : `  result SQL ${row.resultQueries}`) +
            (row.openQueries === undefined ? "" : `  SQL in open ${row.openQueries}`) +
            `  load ${row.load.toFixed(1)}`,
        );
      }
    }
    for (const kind of list) await kind.cleanup();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const loadAfter = loadavg();
  console.log(
    `\n${N} nodes, median of ${RUNS} warm runs each (a new driver and new store objects per run, stores opened before the clock starts)`,
  );
  console.log(
    `load average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(1)).join("/")}, after ${loadAfter.map((l) => l.toFixed(1)).join("/")}, ${cpus().length} cores\n`,
  );
  console.log(
    "| store | shape (depth) | warm execute, ms | open, ms | repositoryRoundTrips | SQL to repository | SQL to result store | SQL in open |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.store} | ${r.shape} (${r.depth}) | ${r.executeMs.toFixed(1)} | ${r.openMs.toFixed(1)} | ${r.roundTrips} | ${r.repositoryQueries ?? "—"} | ${r.resultQueries ?? "—"} | ${r.openQueries ?? "—"} |`,
    );
  }
}

await main();
