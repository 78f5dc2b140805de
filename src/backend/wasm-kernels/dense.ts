import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { heapFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * A dense layer's x . kernel + bias for training, x [M, K], kernel [K, N], bias [N], as one kernel
 * each way: tfjs's fused matMul reshapes every operand to 3-D and back around a BatchMatMul, so a
 * small head's dense layer was ~14 kernels a step (forward, saved copies, two products, the bias
 * sum and reshapes back), each with tfjs's per-kernel bookkeeping. The gradient kernel returns dx,
 * dkernel and dbias from the native GEMM and a column sum.
 */
export const DENSE = 'MotionfuseDense';
export const DENSE_GRAD = 'MotionfuseDenseGrad';
export const NATIVE_ONLY_DENSE_KERNELS: readonly string[] = [DENSE, DENSE_GRAD];

export function nativeDenseConfigs(addon: NativeAddon): KernelConfig[] {
  const forward: KernelFunc = (args) => {
    const { x, kernel, bias } = args.inputs as Record<'x' | 'kernel' | 'bias', TensorInfo>;
    const backend = args.backend as unknown as WasmBackend;
    const [M, K] = x.shape as [number, number];
    const N = kernel.shape[1] as number;
    if (kernel.shape[0] !== K || bias.shape[0] !== N)
      throw new Error(`${DENSE}: x [${x.shape}], kernel [${kernel.shape}], bias [${bias.shape}] do not fit`);
    const y = backend.makeOutput([M, N], 'float32');
    if (M * N === 0) return y;
    const out = heapFloat32(backend, y);
    if (K === 0) out.fill(0);
    else
      addon.matMul(heapFloat32(backend, x), heapFloat32(backend, kernel), out, 1, M, N, K, false, false, 0, 0, false);
    addon.biasAdd(out, heapFloat32(backend, bias), out, M, N);
    return y;
  };
  const backward: KernelFunc = (args) => {
    const { x, kernel, dy } = args.inputs as Record<'x' | 'kernel' | 'dy', TensorInfo>;
    const backend = args.backend as unknown as WasmBackend;
    const [M, K] = x.shape as [number, number];
    const N = kernel.shape[1] as number;
    const dx = backend.makeOutput([M, K], 'float32');
    const dkernel = backend.makeOutput([K, N], 'float32');
    const dbias = backend.makeOutput([N], 'float32');
    const [dxv, dkv, dbv] = [dx, dkernel, dbias].map((t) => heapFloat32(backend, t)) as [
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    if (M === 0 || N === 0) {
      dxv.fill(0);
      dkv.fill(0);
      dbv.fill(0);
      return [dx, dkernel, dbias];
    }
    const [xv, kv, dyv] = [x, kernel, dy].map((t) => heapFloat32(backend, t)) as [
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    if (K > 0) {
      addon.matMul(dyv, kv, dxv, 1, M, K, N, false, true, 0, 0, false); // dy . kernel^T
      addon.matMul(xv, dyv, dkv, 1, K, N, M, true, false, 0, 0, false); // x^T . dy
    }
    addon.reduceSum(dyv, dbv, M, N, true, 1);
    return [dx, dkernel, dbias];
  };
  return [
    { kernelName: DENSE, backendName: 'wasm', kernelFunc: forward },
    { kernelName: DENSE_GRAD, backendName: 'wasm', kernelFunc: backward },
  ];
}

export const denseGradConfig: GradConfig = {
  kernelName: DENSE,
  inputsToSave: ['x', 'kernel'],
  gradFunc: (dy, saved) => {
    const [x, kernel] = saved as [tf.Tensor2D, tf.Tensor2D];
    const [dx, dkernel, dbias] = tf
      .engine()
      .runKernel(DENSE_GRAD, { x, kernel, dy: dy as tf.Tensor }, {}) as tf.Tensor[];
    return { x: () => dx as tf.Tensor, kernel: () => dkernel as tf.Tensor, bias: () => dbias as tf.Tensor };
  },
};
