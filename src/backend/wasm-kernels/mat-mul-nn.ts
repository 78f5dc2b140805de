import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm-heap.ts';

/** a . b with neither transposed, by the wasm backend's BatchMatMul (XNNPACK). The caller owns the result. */
export function matMulNN(a: TensorInfo, b: TensorInfo, backend: WasmBackend): TensorInfo {
  const kernel = tf.getKernel('BatchMatMul', 'wasm');
  if (kernel === undefined) throw new Error('matMulNN: the wasm backend has no BatchMatMul kernel');
  return kernel.kernelFunc({ inputs: { a, b }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
}
