import { loadNativeAddon } from '../src/backend/native/native-addon.ts';

/**
 * The native GEMM alone, on RefNet's product shapes: milliseconds per product (median of timed
 * batches) and GFLOP/s, on the addon's thread pool (MOTIONFUSE_THREADS sets its size).
 */
export interface GemmResult {
  shape: string;
  ms: number;
  gflops: number;
}

export const GEMM_SHAPES: readonly [number, number, number][] = [
  [32, 512, 128], // an LSTM step at batch 32: h U
  [1600, 512, 64], // the IMU LSTM's input projection
  [64, 512, 1600], // its kernel gradient X^T dZ (transposed A in the model)
  [6400, 64, 90], // the first conv as im2col . W
  [1, 512, 128], // an LSTM step at batch 1
];

export function benchGemm(repeats: number): { impl: string; results: GemmResult[] } {
  const { addon, reason } = loadNativeAddon();
  if (addon === undefined) throw new Error(`native addon unavailable: ${reason}`);
  const results: GemmResult[] = [];
  for (const [M, N, K] of GEMM_SHAPES) {
    const a = Float32Array.from({ length: M * K }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const b = Float32Array.from({ length: K * N }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
    const c = new Float32Array(M * N);
    const run = () => addon.matMul(a, b, c, 1, M, N, K, false, false, 0, 0, false);
    // Enough products per timing to last ~2 ms, so timer resolution does not matter.
    const perBatch = Math.max(1, Math.round(2e-3 / Math.max(1e-7, (2 * M * N * K) / 50e9)));
    for (let i = 0; i < perBatch * 3; i++) run();
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t = performance.now();
      for (let i = 0; i < perBatch; i++) run();
      times.push((performance.now() - t) / perBatch);
    }
    times.sort((p, q) => p - q);
    const ms = times[Math.floor(times.length / 2)] as number;
    results.push({
      shape: `[${M}x${K}].[${K}x${N}]`,
      ms: Number(ms.toFixed(4)),
      gflops: Number(((2 * M * N * K) / ms / 1e6).toFixed(1)),
    });
  }
  return { impl: `motionfuse native gemm ${reason}`, results };
}
