// LineEncoder writes a run record's JSON in pieces into a kept buffer (issue 19: no flattened copy of
// a big record per save). Its bytes must be exactly JSON.stringify's, for any record, and a line
// must not change when a later one reuses the buffer.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { NodeRunRecord, RunRecord } from "../contracts.js";
import { FileFingerprintRepository } from "./file-repository.js";
import { readRun } from "./run-history.js";
import { LineEncoder } from "./run-line.js";

const RUNS = Number(process.env.HAM_PROPERTY_RUNS ?? 60);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-runline-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");
const expected = (head: string, body?: object): string => `${head}${body === undefined ? "" : JSON.stringify(body)}}\n`;

/** A node record, with strings of any UTF-16 (lone surrogates and non-ASCII included) and optional fields. */
const nodeRecord = fc.record(
  {
    node: fc.string({ unit: "binary" }),
    outcome: fc.constantFrom("hit", "computed", "failed"),
    durationMs: fc.double({ noNaN: true, noDefaultInfinity: true }),
    contextKey: fc.string(),
    inputFingerprints: fc.dictionary(fc.string({ unit: "binary" }), fc.string()),
    deps: fc.array(fc.string({ unit: "grapheme" }), { maxLength: 4 }),
    fingerprint: fc.option(fc.string(), { nil: undefined }),
    reason: fc.option(fc.string({ unit: "binary" }), { nil: undefined }),
  },
  { requiredKeys: ["node", "outcome", "durationMs"] },
);

const runRecord = fc.record(
  {
    runId: fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
    startedAt: fc.integer({ min: 0 }),
    durationMs: fc.double({ noNaN: true, noDefaultInfinity: true }),
    outputs: fc.array(fc.string({ unit: "binary" }), { maxLength: 3 }),
    // Up to a few pieces of nodes (a piece is 128 nodes), around the piece boundaries.
    nodes: fc.oneof(
      fc.array(nodeRecord, { maxLength: 3 }),
      fc.integer({ min: 120, max: 400 }).chain((n) => fc.array(nodeRecord, { minLength: n, maxLength: n })),
    ),
    running: fc.option(fc.constant(true as const), { nil: undefined }),
  },
  { requiredKeys: ["runId", "startedAt", "durationMs", "outputs", "nodes"] },
);

describe("LineEncoder", () => {
  it("writes exactly JSON.stringify's bytes for any run record, one line after another in the kept buffer", () => {
    const lines = new LineEncoder();
    fc.assert(
      fc.property(fc.array(runRecord, { minLength: 1, maxLength: 2 }), (runs) => {
        const written: [Uint8Array, string][] = [];
        for (const run of runs) {
          let told = -1;
          const bytes = lines.line((bodyBytes) => {
            told = bodyBytes;
            return `{"b":${bodyBytes},"run":`;
          }, run);
          const body = JSON.stringify(run);
          expect(told).toBe(Buffer.byteLength(body));
          written.push([bytes, expected(`{"b":${told},"run":`, run)]);
          expect(text(bytes)).toBe(expected(`{"b":${told},"run":`, run));
          expect(JSON.parse(text(bytes).slice(`{"b":${told},"run":`.length, -2))).toEqual(JSON.parse(body));
        }
        // The last line's bytes are intact (earlier ones may share the buffer: the log writes each before the next).
        const [last, want] = written.at(-1) as [Uint8Array, string];
        expect(text(last)).toBe(want);
      }),
      { numRuns: RUNS, seed: 19 },
    );
  });

  it("leaves out what JSON.stringify leaves out, and stringifies a record with its own toJSON as a whole", () => {
    const lines = new LineEncoder();
    const nodes = Array.from({ length: 300 }, (_, i) => ({
      node: `n${i}`,
      outcome: "hit",
      durationMs: i,
      gone: undefined,
    }));
    const odd = { runId: "r", skip: undefined, fn: () => 1, nodes, [Symbol("s")]: 1, after: [undefined, 1] };
    expect(text(lines.line(() => "{", odd))).toBe(expected("{", odd));
    const custom = { runId: "r", nodes, toJSON: () => ({ replaced: true }) };
    expect(text(lines.line(() => "{", custom))).toBe(`{{"replaced":true}}\n`);
    const withHoles = { runId: "r", nodes: [...nodes] as unknown[] };
    (withHoles.nodes as unknown[])[200] = undefined;
    delete (withHoles.nodes as unknown[])[150];
    expect(text(lines.line(() => "{", withHoles))).toBe(expected("{", withHoles));
    expect(text(lines.line(() => `{"del":1`))).toBe(`{"del":1}\n`);
  });

  it("grows its buffer for a record of several MB and keeps the head right before the body", () => {
    const lines = new LineEncoder();
    const big = "é".repeat(2000);
    const nodes = Array.from({ length: 3000 }, (_, i) => ({
      node: `n${i}`,
      outcome: "hit",
      durationMs: 0,
      reason: big,
    }));
    const run = { runId: "big", nodes };
    const bytes = lines.line((n) => `{"n":${n},"run":`, run);
    const body = JSON.stringify(run);
    expect(bytes.byteLength).toBe(
      Buffer.byteLength(`{"n":${Buffer.byteLength(body)},"run":`) + Buffer.byteLength(body) + 2,
    );
    expect(text(bytes)).toBe(expected(`{"n":${Buffer.byteLength(body)},"run":`, run));
  });
});

describe("the file repository's run history through LineEncoder", () => {
  it("reads back big runs saved one after another as they were saved", async () => {
    const dir = path.join(root, "history");
    const repo = new FileFingerprintRepository({ path: dir });
    await repo.open();
    const nodes = (tag: string): NodeRunRecord[] =>
      Array.from({ length: 1000 }, (_, i) => ({
        node: `n${i}`,
        outcome: "hit",
        durationMs: i / 7,
        contextKey: `k-${tag}-${i}`,
        inputFingerprints: i === 0 ? {} : { [`n${i - 1}`]: `f-${tag}-${i - 1}` },
        deps: i === 0 ? [] : [`n${i - 1}`],
        fingerprint: `f-${tag}-${i}`,
      }));
    const runs: RunRecord[] = ["a", "b", "ü"].map((tag, i) => ({
      runId: `run-${tag}`,
      startedAt: 1000 + i,
      durationMs: 3,
      outputs: ["n999"],
      nodes: nodes(tag),
    }));
    for (const run of runs) await repo.saveRun(run);
    await repo.close();
    const reader = new FileFingerprintRepository({ path: dir });
    await reader.open();
    for (const run of runs) expect(await readRun(reader, run.runId)).toEqual(run);
    await reader.close();
  });
});
