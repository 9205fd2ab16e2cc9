// Test helpers: a real cache made by the seed walkthrough, the real `ham` command started as a
// process, and headless Chromium (Debian's package) driven by playwright-core.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { describe } from "vitest";

export const TSX = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
export const CLI = fileURLToPath(new URL("../../cli/src/cli.ts", import.meta.url));
export const CHROMIUM = "/usr/bin/chromium";
export const DOCS_IMAGES = fileURLToPath(new URL("../../../docs/images/", import.meta.url));

/** `describe` when Chromium is installed; else a skip locally and a failure in CI (scripts/test.sh installs it). */
export function describeWithBrowser(name: string, body: () => void): void {
  if (fs.existsSync(CHROMIUM)) return void describe(name, body);
  const reason = `${CHROMIUM} is missing: apt-get install chromium`;
  if (process.env.CI === "true")
    throw new Error(`[ui tests] ${name}: ${reason}. CI must run the browser tests, never skip them.`);
  console.warn(`[ui tests] skipping ${name}: ${reason}`);
  describe.skip(`${name} (skipped: ${reason})`, body);
}

/** Headless Chromium with a fresh profile, no network of its own (no sync, updates or background requests). */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ham-ui-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A running `ham ui` process and its URL. */
export interface HamUi {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts the real `ham ui` (source, through tsx) in `cwd` and waits for the URL it prints. */
export function startHamUi(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<HamUi> {
  const child = spawn(TSX, ["--conditions=@ham/source", CLI, "ui", ...args], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ham ui printed no URL in 30s:\n${out}`)), 30_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /ham ui: (http:\/\/\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({
          url,
          child,
          output: () => out,
          stop: async () => {
            if (child.exitCode === null) child.kill("SIGTERM");
            return exited;
          },
        });
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`ham ui exited (${String(code)}) before printing a URL:\n${out}`));
    });
  });
}

/** Runs the seed walkthrough (README's example: three cached runs, the last after a code change) into `dir`. */
export async function seedCache(dir: string): Promise<void> {
  const { runWalkthrough } = await import("../../../examples/seed-walkthrough/src/walkthrough.js");
  await runWalkthrough({ path: dir, print: () => undefined });
}

/** Writes docs/images/<name> when CI=true or HAM_UPDATE_DOCS_IMAGES=1, else into `scratch` (a local run leaves the tree clean). */
export function imagePath(name: string, scratch: string): string {
  const update = process.env.CI === "true" || process.env.HAM_UPDATE_DOCS_IMAGES === "1";
  return path.join(update ? DOCS_IMAGES : scratch, name);
}
