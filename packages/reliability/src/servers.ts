// Throwaway servers of one test file, started with the repo's service scripts in a private state
// folder (so the shared servers are never disturbed), and a TCP proxy that can cut a connection.
import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const SCRIPTS = fileURLToPath(new URL("../../../scripts/services/", import.meta.url));

export interface Server {
  /** Connection string or endpoint. */
  readonly url: string;
  readonly port: number;
  /** The script's state (PG_BIN, PG_DIR, …). */
  readonly state: Record<string, string>;
  stop(): Promise<void>;
}

async function start(kind: "postgres" | "s3"): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ham-own-${kind}-`));
  // Durable commits: the fault tests restart Postgres immediately (like a crash) and check that
  // nothing committed before was lost, which a throwaway cluster with synchronous_commit off may lose.
  const env = { ...process.env, HAM_SERVICES_DIR: dir, HAM_SERVICES_LOCKED: "", HAM_PG_DURABLE: "1" };
  await run("bash", [path.join(SCRIPTS, `${kind}.sh`), "start"], { env });
  const state = Object.fromEntries(
    fs
      .readFileSync(path.join(dir, `${kind}.state`), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("=", 2) as [string, string]),
  );
  const settings = fs.readFileSync(path.join(dir, `${kind}.env`), "utf8");
  const url = /(?:HAM_PG_URL|HAM_S3_ENDPOINT)=(\S+)/.exec(settings)?.[1] ?? "";
  const port = Number(kind === "postgres" ? state.PG_PORT : state.S3_PORT);
  return {
    url,
    port,
    state,
    stop: async () => {
      await run("bash", [path.join(SCRIPTS, `${kind}.sh`), "stop"], { env }).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const startPostgres = (): Promise<Server> => start("postgres");
export const startS3 = (): Promise<Server> => start("s3");

/** Restarts a cluster started by startPostgres (immediate shutdown: like a crash), keeping its data. */
export async function restartPostgres(server: Server): Promise<void> {
  const { PG_BIN, PG_DIR, PG_USER } = server.state;
  const args = [
    `${PG_BIN}/pg_ctl`,
    "-D",
    `${PG_DIR}/data`,
    "-l",
    `${PG_DIR}/server.log`,
    "-w",
    "-t",
    "30",
    "-m",
    "immediate",
    "restart",
  ];
  if (process.getuid?.() === 0) await run("runuser", ["-u", PG_USER as string, "--", ...args]);
  else await run(args[0] as string, args.slice(1));
}

/** A TCP proxy on 127.0.0.1 to `targetPort` that can go down (refusing and cutting connections) and come back on the same port. */
export class TcpProxy {
  port = 0;
  #server: net.Server | undefined;
  readonly #sockets = new Set<net.Socket>();
  constructor(private readonly targetPort: number) {}

  async up(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("close", () => this.#sockets.delete(s));
        s.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
