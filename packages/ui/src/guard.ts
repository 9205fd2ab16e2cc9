// Who may talk to the `ham ui` server: requests for this host only (no DNS rebinding), from the page
// itself (no cross-origin requests, checked by Host, Origin and Sec-Fetch-Site), and writes only
// when the server was started with --allow-gc.
import type { IncomingMessage } from "node:http";

/** Why a request is refused (HTTP status and a one-line reason), or undefined when it may proceed. */
export interface Refusal {
  readonly status: number;
  readonly reason: string;
}

/** Host names a loopback server answers to. */
const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];

/** True for 127.0.0.0/8, ::1 and "localhost". */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Checks one request. `bound` is the --host the server listens on; on loopback only the loopback
 * names with this port are valid Host headers. Any Origin must be this server's own, and a browser's
 * Sec-Fetch-Site must be same-origin (or none: typed in the address bar).
 */
export function refusalOf(request: IncomingMessage, bound: { host: string; port: number }): Refusal | undefined {
  const method = request.method ?? "GET";
  if (!["GET", "HEAD", "POST"].includes(method)) return { status: 405, reason: `method ${method} is not allowed` };
  const host = request.headers.host;
  if (!host) return { status: 400, reason: "the request has no Host header" };
  if (isLoopback(bound.host)) {
    const allowed = LOOPBACK_NAMES.map((name) => `${name}:${bound.port}`).concat(`${bound.host}:${bound.port}`);
    if (!allowed.includes(host.toLowerCase()))
      return { status: 403, reason: `Host "${host}" is not this server (DNS rebinding is refused)` };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`)
    return { status: 403, reason: `cross-origin request from ${origin} refused` };
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none")
    return { status: 403, reason: `cross-site request (Sec-Fetch-Site: ${String(site)}) refused` };
  if (method === "POST") {
    // A write must say where it comes from: browsers always send Origin with a POST.
    if (origin === undefined) return { status: 403, reason: "a POST needs an Origin header from this page" };
    if (!String(request.headers["content-type"] ?? "").startsWith("application/json"))
      return { status: 415, reason: "a POST must be application/json" };
  }
  return undefined;
}

/** Headers on every response: nothing loads from elsewhere, nothing is cached or framed. */
export const SAFE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cross-Origin-Opener-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};
