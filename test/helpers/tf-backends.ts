import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { suite } from 'uvu';
import { registerWasmTrainingKernels } from '../../src/backend/wasm-kernels/register.ts';
import { loadNativeAddon } from '../../src/backend/native/native-addon.ts';
import { registerReductionGradients } from '../../src/backend/reduction-gradients.ts';

registerWasmTrainingKernels();
registerReductionGradients();

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

/**
 * The WASM kernel sets to test: the native addon's (when it loads) and the JavaScript ones, which
 * are the fallback where it does not. Suites that run per set select theirs in a `before` hook.
 */
export type WasmKernelSet = 'native' | 'js';
export const WASM_KERNEL_SETS: readonly WasmKernelSet[] =
  loadNativeAddon().addon === undefined ? ['js'] : ['native', 'js'];

export function useWasmKernelSet(set: WasmKernelSet): void {
  registerWasmTrainingKernels({ native: set === 'native' });
}

/** A uvu suite whose tests run with `set`'s kernels registered (the default set again after it). */
export function kernelSetSuite(name: string, set: WasmKernelSet) {
  const s = suite(`${name} [${set} kernels]`);
  s.before(() => useWasmKernelSet(set));
  s.after(() => {
    registerWasmTrainingKernels();
  });
  return s;
}

/**
 * The kernels `model` runs on the current backend, by name: a training pass with its input's
 * gradient, the same with training false (how Grad-CAM records gradients) and predict.
 */
export async function kernelsByMode(
  model: tf.LayersModel,
  x: tf.Tensor,
): Promise<{ training: string[]; explaining: string[]; predicting: string[] }> {
  const names = async (f: () => void) => (await tf.profile(f)).kernels.map((k) => k.name);
  const gradient = (training: boolean) => () => {
    tf.dispose(tf.grad((xi: tf.Tensor) => tf.sum(model.apply(xi, { training }) as tf.Tensor))(x));
  };
  return {
    training: await names(gradient(true)),
    explaining: await names(gradient(false)),
    predicting: await names(() => {
      tf.dispose(model.predict(x));
    }),
  };
}
