import { fingerprintValue, hashingReady } from "@ham/core";
import { bulkHashBackend } from "../packages/core/src/fingerprint/bytes.js";
await hashingReady();
const N = 64 << 20;
const floats = new Float64Array(N / 8); for (let i = 0; i < floats.length; i++) floats[i] = i * 0.5;
const src = Buffer.alloc(N, 7), dst = Buffer.alloc(N);
fingerprintValue(floats);
console.log(bulkHashBackend());
const t = (fn: () => unknown) => { const a = performance.now(); fn(); return performance.now() - a; };
const fp: number[] = [], cp: number[] = [];
for (let i = 0; i < 15; i++) { cp.push(t(() => src.copy(dst))); fp.push(t(() => fingerprintValue(floats))); }
const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1]!;
console.log(`copy ${med(cp).toFixed(1)} ms (${(N / 1e6 / med(cp) * 1e3).toFixed(0)} MB/s), fingerprint ${med(fp).toFixed(1)} ms (${(N / 1e6 / med(fp) * 1e3).toFixed(0)} MB/s), share ${(med(cp) / med(fp) * 100).toFixed(0)}%`);
