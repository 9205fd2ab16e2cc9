// The ham ui server without a browser: loopback binding, refusal of cross-origin and rebinding
// requests, gc only with allowGc, size-limited previews, and the JSON the page reads.
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Builder, FileFingerprintRepository, FileResultStore } from "@ham/core";
import { FINGERPRINT_SPEC_VERSION } from "@ham/core/fingerprint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type UiServer, startUi } from "../src/index.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-ui-server-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const flow = {
  rows: (size: number) => Array.from({ length: size }, (_, i) => ({ id: i, label: `<b>row ${i}</b>` })),
  total: (rows: { id: number }[]) => rows.reduce((sum, r) => sum + r.id, 0),
};

/** A file cache with three runs (sizes 10, 5000, 10): the second stores a big result. */
async function cacheIn(name: string) {
  const dir = path.join(root, name);
  const stores = () => ({
    fingerprintStore: new FileFingerprintRepository({ path: dir }),
    resultStore: new FileResultStore({ path: dir }),
  });
  for (const size of [10, 5000, 10]) {
    const dr = await new Builder()
      .withModules(flow)
      .withCache({ ...stores(), logger: {} })
      .build();
    await dr.execute(["total"], { inputs: { size } });
    await dr.close();
  }
  const opened = stores();
  await opened.fingerprintStore.open();
  await opened.resultStore.open();
  return opened;
}

/** A raw request, so Host, Origin and Sec-Fetch-Site can be anything a browser or attacker sends. */
function request(
  server: UiServer,
  pathname: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<{ status: number; body: unknown; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: server.port,
        path: pathname,
        method: options.method ?? "GET",
        headers: options.headers,
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: res.headers["content-type"]?.includes("json") ? JSON.parse(text || "null") : text,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("ham ui server", () => {
  let server: UiServer;
  let stores: Awaited<ReturnType<typeof cacheIn>>;
  beforeAll(async () => {
    stores = await cacheIn("main");
    server = await startUi({ stores, source: "test cache", port: 0, previewBytes: 2048 });
  });
  afterAll(async () => {
    await server.close();
  });

  it("listens on 127.0.0.1 only: the URL is loopback and another address of this machine is refused", async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    if (external) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = net.connect(
          { host: external, port: server.port },
          () => (socket.destroy(), resolve("connected")),
        );
        socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
      });
      expect(outcome).toBe("ECONNREFUSED");
    }
  });

  it("serves the page and the runs to a same-origin request, with a strict content security policy", async () => {
    const page = await request(server, "/", { headers: { Host: `127.0.0.1:${server.port}` } });
    expect(page.status).toBe(200);
    expect(page.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(page.headers["content-security-policy"]).toContain("connect-src 'self'");
    const runs = await request(server, "/api/runs", {
      headers: {
        Host: `localhost:${server.port}`,
        Origin: `http://localhost:${server.port}`,
        "Sec-Fetch-Site": "same-origin",
      },
    });
    expect(runs.status).toBe(200);
    const list = runs.body as { hits: number; computed: number; status: string; outputs: string[] }[];
    expect(list.map((r) => [r.hits, r.computed, r.status])).toEqual([
      [2, 0, "done"],
      [0, 2, "done"],
      [0, 2, "done"],
    ]);
  });

  it("refuses cross-origin requests, other Host names (DNS rebinding) and cross-site fetches", async () => {
    const host = `127.0.0.1:${server.port}`;
    const crossOrigin = await request(server, "/api/runs", { headers: { Host: host, Origin: "http://evil.example" } });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.body).toEqual({ error: "cross-origin request from http://evil.example refused" });
    const rebinding = await request(server, "/api/runs", { headers: { Host: `evil.example:${server.port}` } });
    expect(rebinding.status).toBe(403);
    expect((rebinding.body as { error: string }).error).toMatch(/DNS rebinding/);
    const crossSite = await request(server, "/api/runs", { headers: { Host: host, "Sec-Fetch-Site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    const put = await request(server, "/api/runs", { method: "PUT", headers: { Host: host } });
    expect(put.status).toBe(405);
  });

  it("refuses gc without --allow-gc, and removes nothing", async () => {
    const before = fs.readdirSync(path.join(root, "main", "runs")).length;
    const host = `127.0.0.1:${server.port}`;
    const refused = await request(server, "/api/gc", {
      method: "POST",
      headers: { Host: host, Origin: `http://${host}`, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: "gc from the page is off; start ham ui with --allow-gc to allow it" });
    expect(fs.readdirSync(path.join(root, "main", "runs")).length).toBe(before);
    const cache = await request(server, "/api/cache", { headers: { Host: host } });
    expect((cache.body as { allowGc: boolean; gc: { dryRun: boolean } }).gc.dryRun).toBe(true);
  });

  it("previews small results as text and never reads one over the limit", async () => {
    const host = `127.0.0.1:${server.port}`;
    const runs = (await request(server, "/api/runs", { headers: { Host: host } })).body as { runId: string }[];
    const [newest, big] = runs as [{ runId: string }, { runId: string }];
    const small = (await request(server, `/api/runs/${newest.runId}/nodes/rows`, { headers: { Host: host } })).body as {
      preview: { text: string; bytes: number };
    };
    expect(small.preview.text).toContain("label: '<b>row 9</b>'");
    const large = (await request(server, `/api/runs/${big.runId}/nodes/rows`, { headers: { Host: host } })).body as {
      preview: { text?: string; note: string; bytes: number };
    };
    expect(large.preview.text).toBeUndefined();
    expect(large.preview.note).toMatch(/^\d+ KB is over the preview limit of 2\.05 KB \(--preview-bytes\); not read$/);
    expect(large.preview.bytes).toBeGreaterThan(2048);
  });

  it("explains a node against the previous run and compares two runs", async () => {
    const host = `127.0.0.1:${server.port}`;
    const runs = (await request(server, "/api/runs", { headers: { Host: host } })).body as { runId: string }[];
    const [newest, middle] = runs as [{ runId: string }, { runId: string }];
    const node = (await request(server, `/api/runs/${middle.runId}/nodes/total`, { headers: { Host: host } })).body as {
      explanation: { reason: string; changedInputs: string[] };
      deps: string[];
      contextKey: string;
    };
    expect(node.explanation.reason).toMatch(/^computed: input "rows" changed since run /);
    expect(node.deps).toEqual(["rows"]);
    expect(node.contextKey).toMatch(new RegExp(`^f${FINGERPRINT_SPEC_VERSION}\\.`));
    const diff = (await request(server, `/api/diff?a=${middle.runId}&b=${newest.runId}`, { headers: { Host: host } }))
      .body as { rows: { node: string; a: string; b: string; changed: boolean; why: string[] }[] };
    expect(diff.rows.find((r) => r.node === "total")).toEqual({
      node: "total",
      a: "computed",
      b: "hit",
      changed: true,
      why: ["input rows changed", "result changed"],
    });
    expect(diff.rows.find((r) => r.node === "size")).toMatchObject({
      a: "input",
      b: "input",
      changed: true,
      why: ["value changed"],
    });
    const run = (await request(server, `/api/runs/${newest.runId}`, { headers: { Host: host } })).body as {
      svg: string;
    };
    expect(run.svg.startsWith("<svg")).toBe(true);
    expect(run.svg).toContain("<title>rows&#45;&gt;total</title>");
  });
});

describe("ham ui server with allowGc", () => {
  it("runs gc with the configured rules on a same-origin JSON POST, and only then", async () => {
    const stores = await cacheIn("gc");
    const server = await startUi({ stores, port: 0, allowGc: true, gc: { keepRuns: 1, grace: 0 } });
    try {
      const host = `127.0.0.1:${server.port}`;
      // A form post from another page (no Origin, text/plain) is refused before anything happens.
      expect(
        (
          await request(server, "/api/gc", {
            method: "POST",
            headers: { Host: host, "Content-Type": "text/plain" },
            body: "{}",
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await request(server, "/api/gc", {
            method: "POST",
            headers: { Host: host, Origin: `http://${host}`, "Content-Type": "text/plain" },
            body: "{}",
          })
        ).status,
      ).toBe(415);
      expect(await stores.fingerprintStore.listRuns()).toHaveLength(3);
      const done = await request(server, "/api/gc", {
        method: "POST",
        headers: { Host: host, Origin: `http://${host}`, "Content-Type": "application/json" },
        body: "{}",
      });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ dryRun: false, runsRemoved: 2, runsKept: 1 });
      expect(await stores.fingerprintStore.listRuns()).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("binds to another address only when asked, and says the port is in use", async () => {
    const stores = await cacheIn("busy");
    const first = await startUi({ stores, port: 0 });
    try {
      await expect(startUi({ stores, port: first.port })).rejects.toThrow(
        `ham ui: port ${first.port} on 127.0.0.1 is in use; pick another with --port`,
      );
    } finally {
      await first.close();
    }
  });
});
