// Starting the bundled worker as a child process and reading what it prints.
import { type ChildProcess, spawn } from "node:child_process";
import { workerBundle } from "./bundle.js";

export interface Child {
  readonly process: ChildProcess;
  /** Lines printed so far. */
  readonly lines: string[];
  /** Resolves when the child printed `line` (rejects if it exits first). */
  waitFor(line: string): Promise<void>;
  /** Resolves when the child has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export async function startWorker(args: readonly string[]): Promise<Child> {
  const file = await workerBundle();
  const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let partial = "";
  let stderr = "";
  const waiters: { line: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  child.stdout!.on("data", (data: Buffer) => {
    const parts = (partial + data.toString()).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((w) => w.line === line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr!.on("data", (data: Buffer) => void (stderr += data.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => {
      for (const w of waiters)
        w.reject(
          new Error(
            `worker exited (code ${String(code)}, signal ${String(signal)}) before printing "${w.line}": ${stderr}`,
          ),
        );
      resolve({ code, signal, stderr });
    }),
  );
  return {
    process: child,
    lines,
    exited,
    waitFor: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : new Promise((resolve, reject) => waiters.push({ line, resolve, reject })),
  };
}
