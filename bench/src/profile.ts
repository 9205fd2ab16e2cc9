// --profile: V8 CPU profiles (.cpuprofile) of warm 1000-node runs on new drivers (and of plain and cold
// runs, for the goals those miss), with their hot spots summarised.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Driver } from "@ham/core";
import { type Shape, type Workdir, makeDataflow } from "./dataflows.js";
import { build, fileCache } from "./graphs.js";
import { REPO_ROOT } from "./paths.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  /** file:function:line, file relative to the repo. */
  where: string;
  /** Share of sampled time spent in this function itself. */
  self: number;
  /** Share of sampled time with this function on the stack. */
  total: number;
}

/** warm: new driver over a full cache; cold: new driver, empty cache; plain: no cache, driver reused. */
export type ProfileMode = "warm" | "cold" | "plain" | "import+build";

export interface ProfileResult {
  mode: ProfileMode;
  shape: Shape;
  n: number;
  runs: number;
  file: string;
  /** Wall time of the profiled runs, ms (inflated by the profiler). */
  profiledMs: number;
  hotSpots: HotSpot[];
  /** Self time per source file. */
  byFile: { file: string; self: number }[];
}

function place(frame: ProfileNode["callFrame"]): string {
  let file = frame.url;
  if (file.startsWith("file://")) file = relative(REPO_ROOT, fileURLToPath(file));
  if (file === "") file = "(native)";
  return file;
}

/** Self and inclusive time per function, as shares of all samples. */
export function summarize(
  profile: CpuProfile,
  top = 25,
): { hotSpots: HotSpot[]; byFile: { file: string; self: number }[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Line 1 is what V8 reports for code tsx compiled without a usable position: leave it out.
  const key = (node: ProfileNode) => {
    const { functionName, lineNumber } = node.callFrame;
    return `${place(node.callFrame)}:${functionName || "(anonymous)"}${lineNumber > 0 ? `:${lineNumber + 1}` : ""}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const fileSelf = new Map<string, number>();
  let all = 0;
  // Samples taken while the inspector session itself works (Profiler.stop serialising the profile)
  // are the measurement, not the code measured: leave them out.
  const inInspector = (id: number) => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      if (byId.get(cur)?.callFrame.url === "node:inspector") return true;
    }
    return false;
  };
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node || inInspector(id)) return;
    all += dt;
    self.set(key(node), (self.get(key(node)) ?? 0) + dt);
    fileSelf.set(place(node.callFrame), (fileSelf.get(place(node.callFrame)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur) as ProfileNode);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  });
  const share = (v: number) => (all ? v / all : 0);
  const hotSpots = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, v]) => ({ where, self: share(v), total: share(total.get(where) ?? 0) }));
  const byFile = [...fileSelf.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([file, v]) => ({ file, self: share(v) }));
  return { hotSpots, byFile };
}

/** Profiles `runs` executes of an N-node dataflow in `mode`; drivers are built before profiling starts. */
/** The shortest profiled window for repeatable (plain, warm) runs, so a fast small graph still gives samples. */
const MIN_PROFILED_MS = 50;

export async function profileRuns(
  workdir: Workdir,
  mode: ProfileMode,
  shape: Shape,
  n: number,
  runs: number,
  outDir: string,
): Promise<ProfileResult> {
  const flow = await makeDataflow(workdir, shape, n);
  const dirs: string[] = [];
  const warmDir = workdir.newCacheDir("profile");
  dirs.push(warmDir);
  if (mode === "warm") {
    const first = await build(flow.module, fileCache(warmDir));
    await first.execute(flow.outputs);
    await first.close();
  }
  const drivers: Driver[] = [];
  for (let i = 0; i <= runs; i++) {
    if (mode === "plain") {
      drivers.push(drivers[0] ?? (await build(flow.module)));
    } else {
      const dir = mode === "warm" ? warmDir : workdir.newCacheDir("profile");
      dirs.push(dir);
      drivers.push(await build(flow.module, fileCache(dir)));
    }
  }
  await drivers[0]?.execute(flow.outputs); // JIT warm-up outside the profile
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 50 });
  await session.post("Profiler.start");
  const started = performance.now();
  let profiledRuns = 0;
  // Plain and warm runs repeat unchanged: go on until the window holds enough samples (fast small runs take ~0.1 ms).
  do {
    for (const dr of drivers.slice(1)) {
      await dr.execute(flow.outputs);
      profiledRuns++;
    }
  } while (mode !== "cold" && performance.now() - started < MIN_PROFILED_MS);
  const profiledMs = performance.now() - started;
  const { profile } = (await session.post("Profiler.stop")) as { profile: CpuProfile };
  await session.post("Profiler.disable");
  session.disconnect();
  if (mode !== "plain") for (const dr of drivers) await dr.close();
  for (const dir of dirs) workdir.remove(dir);
  const file = join(outDir, `profile-${mode}-${shape}-${n}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  return { mode, shape, n, runs: profiledRuns, file: relative(REPO_ROOT, file), profiledMs, ...summarize(profile) };
}
