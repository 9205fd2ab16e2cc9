// Data-size experiment: seed → frame (rows × 4 float64) → total, only `total` requested. A warm run
// that loads intermediates grows with the frame; one that leaves them in the store does not.
import { dataSource, type Workdir } from "./dataflows.js";
import { build, dirStats, fileCache, outcomes } from "./graphs.js";
import { median, medianOf, timed } from "./timing.js";

export interface DataRow {
  rows: number;
  plain: number;
  cold: number;
  warm_new: number;
  warm_reuse: number;
  /** Direct resultStore.get + decode of the stored frame, for scale. */
  frame_result_store_get: number;
  frame_file_bytes: number;
  cache_files: number;
  cache_bytes: number;
  /** Results read on a warm run (1 = only `total`; the frame stayed in the store). */
  warm_result_reads: number;
  frame_result_loaded_on_hit: boolean;
}

export async function benchData(workdir: Workdir, rows: number, reps: number): Promise<DataRow> {
  const module = await workdir.loadModule(`data${rows}`, dataSource(rows));
  const outputs = ["total"];
  const dr = await build(module);
  const ref = (await dr.execute(outputs)).total;
  const plain = await medianOf(reps, () => dr.execute(outputs));

  let warmDir = "";
  const cold: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const dir = workdir.newCacheDir();
    const drc = await build(module, fileCache(dir));
    const [t, out] = await timed(() => drc.execute(outputs));
    if (out.total !== ref) throw new Error(`data ${rows}: cold total ${String(out.total)} != ${String(ref)}`);
    await drc.close();
    if (i === 0) {
      warmDir = dir;
      continue;
    }
    cold.push(t);
    workdir.remove(dir);
  }
  const files = dirStats(warmDir);

  const warmNew: number[] = [];
  let reads = 0;
  for (let i = 0; i <= reps; i++) {
    const drw = await build(module, fileCache(warmDir));
    const [t, out] = await timed(() => drw.execute(outputs));
    if (out.total !== ref) throw new Error(`data ${rows}: warm total ${String(out.total)} != ${String(ref)}`);
    const o = outcomes(drw);
    if (o.computed !== 0 || o.hit !== 3)
      throw new Error(`data ${rows}: warm run had ${o.computed} computed, ${o.hit} hits`);
    reads = drw.cache.stats.resultReads;
    await drw.close();
    if (i) warmNew.push(t);
  }

  const drr = await build(module, fileCache(warmDir));
  await drr.execute(outputs);
  const warmReuse = await medianOf(reps, () => drr.execute(outputs));
  const frameFingerprint = drr.cache.lastRun.frame?.fingerprint;
  if (frameFingerprint === undefined) throw new Error(`data ${rows}: no fingerprint recorded for frame`);
  const getFrame = await medianOf(reps, () => drr.cache.getResult(frameFingerprint));
  const frameBytes = (await drr.cache.resultStore.get(frameFingerprint))?.byteLength ?? 0;
  await drr.close();
  workdir.remove(warmDir);
  return {
    rows,
    plain,
    cold: median(cold),
    warm_new: median(warmNew),
    warm_reuse: warmReuse,
    frame_result_store_get: getFrame,
    frame_file_bytes: frameBytes,
    cache_files: files.files,
    cache_bytes: files.bytes,
    warm_result_reads: reads,
    frame_result_loaded_on_hit: reads > 1,
  };
}
