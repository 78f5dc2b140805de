import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { checkFloat32, heapFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * A BatchNorm layer's two moving averages in one kernel: moving <- moving - (moving - batch) (1 -
 * momentum), for the mean and the variance, each step rounded to float32 as tfjs's Sub, Mul, Sub
 * are (bit-identical). As ops they were 6 kernels and a scalar a layer each training step; the
 * vectors are per channel (tens to hundreds of floats), so plain JavaScript over the heap is enough.
 */
export const MOVING_AVERAGES = 'MotionfuseMovingAverages';

export interface MovingAveragesAttrs {
  momentum: number;
}

const kernelFunc = (args: {
  inputs: { movingMean: TensorInfo; movingVariance: TensorInfo; mean: TensorInfo; variance: TensorInfo };
  attrs: MovingAveragesAttrs;
  backend: WasmBackend;
}): TensorInfo[] => {
  const { inputs, backend } = args;
  for (const [name, t] of Object.entries(inputs)) checkFloat32(MOVING_AVERAGES, name, t);
  const n = inputs.movingMean.shape.reduce((a, b) => a * b, 1);
  for (const [name, t] of Object.entries(inputs)) {
    if (t.shape.reduce((a, b) => a * b, 1) !== n)
      throw new Error(
        `${MOVING_AVERAGES}: ${name} [${t.shape}] does not match movingMean [${inputs.movingMean.shape}]`,
      );
  }
  const outMean = backend.makeOutput([...inputs.movingMean.shape], 'float32');
  const outVariance = backend.makeOutput([...inputs.movingVariance.shape], 'float32');
  const decay = Math.fround(1 - args.attrs.momentum);
  const view = (t: TensorInfo) => heapFloat32(backend, t);
  for (const [moving, batch, out] of [
    [inputs.movingMean, inputs.mean, outMean],
    [inputs.movingVariance, inputs.variance, outVariance],
  ] as const) {
    const [m, b, o] = [view(moving), view(batch), view(out)];
    for (let i = 0; i < n; i++) {
      const old = m[i] as number;
      o[i] = old - Math.fround(Math.fround(old - (b[i] as number)) * decay);
    }
  }
  return [outMean, outVariance];
};

export const movingAveragesConfig: KernelConfig = {
  kernelName: MOVING_AVERAGES,
  backendName: 'wasm',
  kernelFunc: kernelFunc as unknown as KernelFunc,
};
