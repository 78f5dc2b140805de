import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../src/backend/wasm-kernels/register.ts';

registerWasmTrainingKernels();

/** Runs `fn` on `backend` and returns plain copies of its outputs; nothing it made outlives it. */
export async function onBackend(backend: 'cpu' | 'wasm', fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = fn();
    return (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync()));
  });
}

/** Norm-wise relative error ||a - b|| / max(||b||, tiny). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeError(): lengths differ (${a.length} vs ${b.length})`);
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    diff += d * d;
    ref += (b[i] as number) ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(ref), 1e-12);
}
