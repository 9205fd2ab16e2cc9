// The `ham ui` HTTP server (node:http, no framework): the page's three static files and a small
// JSON API over the stores. Loopback only unless a host is given; see guard.ts for what is refused.
import fs from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { ConfigurationError, isHamError } from "@ham/core";
import { NotFound, UiData, type UiDataOptions } from "./data.js";
import { SAFE_HEADERS, refusalOf } from "./guard.js";

/** Options of startUi. */
export interface UiOptions extends Partial<Omit<UiDataOptions, "stores">> {
  readonly stores: UiDataOptions["stores"];
  /** Port to listen on (default 4477; 0 picks a free one). */
  readonly port?: number;
  /** Address to listen on (default 127.0.0.1: this machine only). Anything else exposes the cache to the network. */
  readonly host?: string;
}

/** A running `ham ui` server. */
export interface UiServer {
  /** The page's address, e.g. http://127.0.0.1:4477/ */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops the server (the stores stay open: the caller opened them). */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4477;
/** Largest stored result the node view previews by default. */
export const DEFAULT_PREVIEW_BYTES = 64 * 1024;

// dist/page/ in the published package (the build copies it there); page/ beside src/ in the repository.
const PAGE_DIR =
  [new URL("./page/", import.meta.url), new URL("../page/", import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((dir) => fs.existsSync(dir)) ?? fileURLToPath(new URL("../page/", import.meta.url));
const STATIC: Readonly<Record<string, [file: string, type: string]>> = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/app.js": ["app.js", "text/javascript; charset=utf-8"],
  "/style.css": ["style.css", "text/css; charset=utf-8"],
};

/** Starts the server; resolves once it listens. */
export async function startUi(options: UiOptions): Promise<UiServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigurationError(`ham ui: port must be a whole number from 0 to 65535, got ${String(port)}`);
  const data = new UiData({
    stores: options.stores,
    source: options.source ?? options.stores.fingerprintStore.name,
    allowGc: options.allowGc === true,
    gc: options.gc ?? {},
    previewBytes: options.previewBytes ?? DEFAULT_PREVIEW_BYTES,
  });
  const bound = { host, port };
  const server = http.createServer((request, response) => {
    void handle(request, response, data, bound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new ConfigurationError(`ham ui: port ${port} on ${host} is in use; pick another with --port`, {
              cause: error,
            })
          : error,
      ),
    );
    server.listen(port, host, resolve);
  });
  bound.port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound.port}/`,
    host,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  data: UiData,
  bound: { host: string; port: number },
): Promise<void> {
  const refusal = refusalOf(request, bound);
  if (refusal) return send(response, refusal.status, { error: refusal.reason });
  const url = new URL(request.url ?? "/", "http://ui.invalid");
  const page = STATIC[url.pathname];
  try {
    if (page && request.method !== "POST") {
      response.writeHead(200, { ...SAFE_HEADERS, "Content-Type": page[1] });
      return void response.end(request.method === "HEAD" ? undefined : fs.readFileSync(PAGE_DIR + page[0]));
    }
    if (url.pathname === "/favicon.ico") return void response.writeHead(204, SAFE_HEADERS).end();
    const parts = url.pathname.split("/").slice(1).map(decodeURIComponent);
    if (parts[0] !== "api") return send(response, 404, { error: `no page ${url.pathname}` });
    if (request.method === "POST") {
      if (url.pathname !== "/api/gc") return send(response, 404, { error: `nothing to POST at ${url.pathname}` });
      if (!data.meta().allowGc)
        return send(response, 403, { error: "gc from the page is off; start ham ui with --allow-gc to allow it" });
      return send(response, 200, await data.gc());
    }
    const [, what, id, sub, name] = parts;
    if (what === "meta" && parts.length === 2) return send(response, 200, data.meta());
    if (what === "runs" && parts.length === 2) return send(response, 200, await data.runs());
    if (what === "runs" && id && parts.length === 3) return send(response, 200, await data.run(id));
    if (what === "runs" && id && sub === "nodes" && name && parts.length === 5)
      return send(response, 200, await data.node(id, name));
    if (what === "diff" && parts.length === 2) {
      const a = url.searchParams.get("a");
      const b = url.searchParams.get("b");
      if (!a || !b) return send(response, 400, { error: "diff needs two runs: /api/diff?a=RUN&b=RUN" });
      return send(response, 200, await data.diff(a, b));
    }
    if (what === "cache" && parts.length === 2) return send(response, 200, await data.cache());
    return send(response, 404, { error: `no endpoint ${url.pathname}` });
  } catch (error) {
    if (error instanceof NotFound) return send(response, 404, { error: error.message });
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return send(response, isHamError(error) ? 400 : 500, { error: message });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...SAFE_HEADERS, "Content-Type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}
