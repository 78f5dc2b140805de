import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm-heap.ts';

/**
 * Matrix products and transposes for our WASM kernels, through the backend's own kernels so the
 * arithmetic runs in XNNPACK. The caller owns every result.
 */

/** a . b (optionally transposed) by the wasm BatchMatMul kernel; ours turns transposes into memory transposes. */
export function matMul(
  a: TensorInfo,
  b: TensorInfo,
  backend: WasmBackend,
  transposeA = false,
  transposeB = false,
): TensorInfo {
  const kernel = tf.getKernel('BatchMatMul', 'wasm');
  if (kernel === undefined) throw new Error('matMul: the wasm backend has no BatchMatMul kernel');
  return kernel.kernelFunc({
    inputs: { a, b },
    backend: backend as never,
    attrs: { transposeA, transposeB },
  }) as TensorInfo;
}

/** a . b with neither transposed: the fast XNNPACK path. */
export function matMulNN(a: TensorInfo, b: TensorInfo, backend: WasmBackend): TensorInfo {
  return matMul(a, b, backend);
}

/** Swaps the last two axes in memory, by the wasm Transpose kernel. */
export function transposeLastTwo(x: TensorInfo, backend: WasmBackend): TensorInfo {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (transpose === undefined) throw new Error('transposeLastTwo: the wasm backend has no Transpose kernel');
  const r = x.shape.length;
  const perm = [...Array(r - 2).keys(), r - 1, r - 2];
  return transpose.kernelFunc({ inputs: { x }, backend: backend as never, attrs: { perm } }) as TensorInfo;
}
