import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { convDims } from './native-conv.ts';
import { heapFloat32, heapInt32, type WasmBackend } from './wasm-heap.ts';

/**
 * The temporal CNN's training block as one kernel each way (cc/temporal-block.h): conv1d without
 * bias -> BatchNorm with the batch's moments -> ReLU -> max pool of 2 over time (stride 2, valid).
 * x [batch, steps, inC], filter [k, inC, outC] (tf.layers.conv1d's kernel), gamma and beta [outC]
 * -> y [batch, floor(outSteps / 2), outC], and the batch's mean and biased variance [outC] (for
 * the moving averages; no gradient flows through them). `z` (float32 [batch, outSteps, outC], the
 * convolution before its BatchNorm) and `argmax` (int32, y's shape: the winning step of each pair)
 * are WORKSPACE inputs the kernel fills for the gradient. The input's gradient is its own kernel
 * (CONV1D_BACKPROP_INPUT), run only when asked (a network's first block takes none).
 */
export const TEMPORAL_BLOCK = 'MotionfuseTemporalBlock';
export const TEMPORAL_BLOCK_GRAD = 'MotionfuseTemporalBlockGrad';
export const CONV1D_BACKPROP_INPUT = 'MotionfuseConv1dBackpropInput';
export const NATIVE_ONLY_TEMPORAL_BLOCK_KERNELS: readonly string[] = [
  TEMPORAL_BLOCK,
  TEMPORAL_BLOCK_GRAD,
  CONV1D_BACKPROP_INPUT,
];

export interface TemporalBlockAttrs {
  pad: 'same' | 'valid';
  dilation: number;
  epsilon: number;
}

/** The convolution's geometry as a 2-D one over [batch, 1, steps, inC]. */
export function temporalConvInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Pick<TemporalBlockAttrs, 'pad' | 'dilation'>,
): tf.backend_util.Conv2DInfo {
  const [batch, steps, inC] = xShape as [number, number, number];
  const [k, , outC] = filterShape as [number, number, number];
  return tf.backend_util.computeConv2DInfo(
    [batch, 1, steps, inC],
    [1, k, inC, outC],
    [1, 1],
    [1, attrs.dilation],
    attrs.pad,
    undefined,
    false,
    'channelsLast',
  );
}

export function nativeTemporalBlockConfigs(addon: NativeAddon): KernelConfig[] {
  const forward: KernelFunc = (args) => {
    const { x, filter, gamma, beta, z, argmax } = args.inputs as Record<
      'x' | 'filter' | 'gamma' | 'beta' | 'z' | 'argmax',
      TensorInfo
    >;
    const attrs = args.attrs as unknown as TemporalBlockAttrs;
    const backend = args.backend as unknown as WasmBackend;
    const info = temporalConvInfo(x.shape, filter.shape, attrs);
    const pooled = [info.batchSize, Math.floor(info.outWidth / 2), info.outChannels];
    if (z.shape.join() !== [info.batchSize, info.outWidth, info.outChannels].join() || z.dtype !== 'float32')
      throw new Error(
        `${TEMPORAL_BLOCK}: z must be float32 [${info.batchSize}, ${info.outWidth}, ${info.outChannels}]`,
      );
    if (argmax.shape.join() !== pooled.join() || argmax.dtype !== 'int32')
      throw new Error(`${TEMPORAL_BLOCK}: argmax must be int32 [${pooled}]`);
    const y = backend.makeOutput(pooled, 'float32');
    const mean = backend.makeOutput([info.outChannels], 'float32');
    const variance = backend.makeOutput([info.outChannels], 'float32');
    addon.temporalBlock(
      heapFloat32(backend, x),
      heapFloat32(backend, filter),
      heapFloat32(backend, gamma),
      heapFloat32(backend, beta),
      heapFloat32(backend, z),
      heapFloat32(backend, mean),
      heapFloat32(backend, variance),
      heapFloat32(backend, y),
      heapInt32(backend, argmax),
      convDims(info),
      attrs.epsilon,
    );
    return [y, mean, variance];
  };
  const backward: KernelFunc = (args) => {
    const { x, gamma, z, mean, variance, y, argmax, dy } = args.inputs as Record<
      'x' | 'gamma' | 'z' | 'mean' | 'variance' | 'y' | 'argmax' | 'dy',
      TensorInfo
    >;
    const { dims, epsilon, filterShape } = args.attrs as unknown as {
      dims: number[];
      epsilon: number;
      filterShape: number[];
    };
    const backend = args.backend as unknown as WasmBackend;
    const dz = backend.makeOutput(z.shape, 'float32');
    const dfilter = backend.makeOutput(filterShape, 'float32');
    const dgamma = backend.makeOutput(gamma.shape, 'float32');
    const dbeta = backend.makeOutput(gamma.shape, 'float32');
    addon.temporalBlockGrad(
      heapFloat32(backend, x),
      heapFloat32(backend, gamma),
      heapFloat32(backend, z),
      heapFloat32(backend, mean),
      heapFloat32(backend, variance),
      heapFloat32(backend, y),
      heapInt32(backend, argmax),
      heapFloat32(backend, dy),
      heapFloat32(backend, dz),
      heapFloat32(backend, dfilter),
      heapFloat32(backend, dgamma),
      heapFloat32(backend, dbeta),
      dims,
      epsilon,
    );
    return [dz, dfilter, dgamma, dbeta];
  };
  const backpropInput: KernelFunc = (args) => {
    const { dz, filter } = args.inputs as Record<'dz' | 'filter', TensorInfo>;
    const { dims } = args.attrs as unknown as { dims: number[] };
    const backend = args.backend as unknown as WasmBackend;
    const [batch, , inW, inC] = dims as [number, number, number, number];
    const dx = backend.makeOutput([batch, inW, inC], 'float32');
    addon.conv2dBackpropInput(heapFloat32(backend, dz), heapFloat32(backend, filter), heapFloat32(backend, dx), dims);
    return dx;
  };
  return [
    { kernelName: TEMPORAL_BLOCK, backendName: 'wasm', kernelFunc: forward },
    { kernelName: TEMPORAL_BLOCK_GRAD, backendName: 'wasm', kernelFunc: backward },
    { kernelName: CONV1D_BACKPROP_INPUT, backendName: 'wasm', kernelFunc: backpropInput },
  ];
}

export const temporalBlockGradConfig: GradConfig = {
  kernelName: TEMPORAL_BLOCK,
  inputsToSave: ['x', 'filter', 'gamma', 'z', 'argmax'],
  outputsToSave: [true, true, true],
  gradFunc: (dys, saved, attrs) => {
    // dys: y's gradient, then the mean's and variance's (zeros: only the moving averages read them).
    const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
    const [x, filter, gamma, z, argmax, y, mean, variance] = saved as tf.Tensor[] as [
      tf.Tensor3D,
      tf.Tensor3D,
      tf.Tensor1D,
      tf.Tensor3D,
      tf.Tensor3D,
      tf.Tensor3D,
      tf.Tensor1D,
      tf.Tensor1D,
    ];
    const a = attrs as unknown as TemporalBlockAttrs;
    const dims = convDims(temporalConvInfo(x.shape, filter.shape, a));
    const [dz, dfilter, dgamma, dbeta] = tf
      .engine()
      .runKernel(TEMPORAL_BLOCK_GRAD, { x, gamma, z, mean, variance, y, argmax, dy }, {
        dims,
        epsilon: a.epsilon,
        filterShape: filter.shape,
      } as unknown as NamedAttrMap) as tf.Tensor[];
    return {
      x: () =>
        tf.engine().runKernel(CONV1D_BACKPROP_INPUT, { dz: dz as tf.Tensor, filter }, {
          dims,
        } as unknown as NamedAttrMap) as tf.Tensor,
      filter: () => dfilter as tf.Tensor,
      gamma: () => dgamma as tf.Tensor,
      beta: () => dbeta as tf.Tensor,
      // Workspaces: no function of a weight (the tape never asks); zero gradients for form.
      z: () => tf.zerosLike(z),
      argmax: () => tf.zerosLike(argmax),
    };
  },
};
