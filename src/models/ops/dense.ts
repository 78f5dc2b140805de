import * as tf from '@tensorflow/tfjs';
import { DENSE } from '../../backend/wasm-kernels/dense.ts';

/** x [M, K] . kernel [K, N] + bias [N] as one kernel with its gradient (DENSE: why, there); see denseAvailable. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.engine().runKernel(DENSE, { x, kernel, bias }, {}) as tf.Tensor2D;
}

/** Whether dense can run on the current backend. */
export function denseAvailable(): boolean {
  return tf.getKernel(DENSE, tf.getBackend()) !== undefined;
}
