import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { heapFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * BatchMatMul on the WASM backend computed by the native addon's GEMM (AVX2/FMA, all cores),
 * reading and writing the WASM heap in place; transposes are handled by packing, so they cost
 * nothing extra. Batch shapes that are neither equal nor broadcast from one matrix (e.g. [2, 1]
 * against [1, 3]) go to `fallback`, the previous kernel.
 */
export function nativeBatchMatMul(addon: NativeAddon, fallback: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2)
      return fallback(args);
    const backend = args.backend as unknown as WasmBackend;
    const ra = a.shape.length;
    const rb = b.shape.length;
    const M = transposeA ? (a.shape[ra - 1] as number) : (a.shape[ra - 2] as number);
    const K = transposeA ? (a.shape[ra - 2] as number) : (a.shape[ra - 1] as number);
    const kB = transposeB ? (b.shape[rb - 1] as number) : (b.shape[rb - 2] as number);
    const N = transposeB ? (b.shape[rb - 2] as number) : (b.shape[rb - 1] as number);
    if (K !== kB) {
      throw new Error(
        `BatchMatMul: inner dimensions differ (${K} and ${kB}) for a [${a.shape}] and b [${b.shape}] with transposeA=${transposeA}, transposeB=${transposeB}`,
      );
    }
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = outerA.reduce((p, q) => p * q, 1);
    const batchB = outerB.reduce((p, q) => p * q, 1);
    const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
    const batch = outer.reduce((p, q) => p * q, 1);
    if (!((batchA === batch || batchA === 1) && (batchB === batch || batchB === 1))) return fallback(args);
    const out = backend.makeOutput([...outer, M, N], 'float32');
    if (batch * M * N === 0) return out;
    addon.matMul(
      heapFloat32(backend, a),
      heapFloat32(backend, b),
      heapFloat32(backend, out),
      batch,
      M,
      N,
      K,
      transposeA,
      transposeB,
      batchA === 1 ? 0 : M * K,
      batchB === 1 ? 0 : K * N,
      false,
    );
    return out;
  };
  Object.defineProperty(kernel, 'name', { value: 'BatchMatMulNative' });
  return kernel;
}

export function nativeBatchMatMulConfig(
  addon: NativeAddon,
  original: KernelConfig,
  fallback: KernelFunc,
): KernelConfig {
  // Keep setupFunc: the package binds its WASM function there, and the fallback still needs it.
  return {
    ...original,
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: nativeBatchMatMul(addon, fallback),
  };
}
