import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { convDims, forwardConvInfo } from './native-conv.ts';
import { convGradients } from './conv2d-bias-relu.ts';
import { heapFloat32, heapInt32, type WasmBackend } from './wasm-heap.ts';

/**
 * maxPool2x2(relu(conv2d(x, filter) + bias)) (or without the ReLU), NHWC, as one kernel for
 * training, where a frame CNN's conv layer is followed by its 2x2 max pooling: the native addon
 * keeps each pair of conv rows in a per-thread buffer and writes only the pooled map and which
 * window position won (cc/conv-pool.h). Stock, the conv writes the full map (the frame CNN's
 * [256, 56, 56, 8] is 25 MB), MaxPool reads it, and the gradient makes three more full passes
 * (MaxPoolGrad, ReLU's gradient, the bias's sum); here one pass writes the conv's pre-activation
 * gradient from the pooled one.
 *
 * The winners go in `argmax`, an int32 input of the pooled shape that the kernel fills (a
 * WORKSPACE made just before: why, there).
 */
export const CONV2D_BIAS_RELU_POOL = 'MotionfuseConv2dBiasReluPool';
export const CONV2D_BIAS_RELU_POOL_GRAD = 'MotionfuseConv2dBiasReluPoolGrad';
export const NATIVE_ONLY_CONV_POOL_KERNELS: readonly string[] = [CONV2D_BIAS_RELU_POOL, CONV2D_BIAS_RELU_POOL_GRAD];

export interface Conv2dBiasReluPoolAttrs {
  strides: [number, number];
  pad: 'valid' | 'same';
  dilations: [number, number];
  relu: boolean;
}

interface PoolGradAttrs {
  /** The convolution's dims (convDims). */
  dims: number[];
  relu: boolean;
}

const convAttrs = (a: Conv2dBiasReluPoolAttrs) => ({
  strides: a.strides,
  pad: a.pad,
  dataFormat: 'NHWC' as const,
  dilations: a.dilations,
});

/** The pooled output's shape for x and filter: the conv's [batch, outH, outW, outC] halved (floor) in space. */
export function conv2dBiasReluPoolShape(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Conv2dBiasReluPoolAttrs,
): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    undefined,
    false,
    'channelsLast',
  );
  return [info.batchSize, Math.floor(info.outHeight / 2), Math.floor(info.outWidth / 2), info.outChannels];
}

export function nativeConv2dBiasReluPoolConfigs(addon: NativeAddon): KernelConfig[] {
  const forward: KernelFunc = (args) => {
    const { x, filter, bias, argmax } = args.inputs as Record<'x' | 'filter' | 'bias' | 'argmax', TensorInfo>;
    const attrs = args.attrs as unknown as Conv2dBiasReluPoolAttrs;
    const backend = args.backend as unknown as WasmBackend;
    const info = forwardConvInfo(x, filter, convAttrs(attrs));
    const shape = [info.batchSize, Math.floor(info.outHeight / 2), Math.floor(info.outWidth / 2), info.outChannels];
    if (argmax.shape.join() !== shape.join() || argmax.dtype !== 'int32')
      throw new Error(
        `${CONV2D_BIAS_RELU_POOL}: argmax must be int32 [${shape}], got ${argmax.dtype} [${argmax.shape}]`,
      );
    const y = backend.makeOutput(shape, 'float32');
    if (shape.every((d) => d > 0)) {
      const out = heapFloat32(backend, y);
      addon.conv2dBiasReluPool(
        heapFloat32(backend, x),
        heapFloat32(backend, filter),
        heapFloat32(backend, bias),
        out,
        heapInt32(backend, argmax),
        convDims(info),
        1 | (attrs.relu ? 2 : 0),
      );
    }
    return y;
  };
  const backward: KernelFunc = (args) => {
    const { y, dy, argmax } = args.inputs as Record<'y' | 'dy' | 'argmax', TensorInfo>;
    const { dims, relu } = args.attrs as unknown as PoolGradAttrs;
    const backend = args.backend as unknown as WasmBackend;
    const [batch, , , , outH, outW, outC] = dims as [number, number, number, number, number, number, number];
    const dpre = backend.makeOutput([batch, outH, outW, outC], 'float32');
    const dbias = backend.makeOutput([outC], 'float32');
    const dbiasView = heapFloat32(backend, dbias);
    if (batch * outH * outW * outC === 0) dbiasView.fill(0);
    else
      addon.conv2dBiasReluPoolGrad(
        heapFloat32(backend, y),
        heapFloat32(backend, dy),
        heapInt32(backend, argmax),
        heapFloat32(backend, dpre),
        heapFloat32(backend, dbias),
        dims,
        1 | (relu ? 2 : 0),
      );
    return [dpre, dbias];
  };
  return [
    { kernelName: CONV2D_BIAS_RELU_POOL, backendName: 'wasm', kernelFunc: forward },
    { kernelName: CONV2D_BIAS_RELU_POOL_GRAD, backendName: 'wasm', kernelFunc: backward },
  ];
}

export const conv2dBiasReluPoolGradConfig: GradConfig = {
  kernelName: CONV2D_BIAS_RELU_POOL,
  inputsToSave: ['x', 'filter', 'argmax'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, argmax, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as Conv2dBiasReluPoolAttrs;
    const info = forwardConvInfo(x, filter, convAttrs(a));
    const [dpre, dbias] = tf.engine().runKernel(CONV2D_BIAS_RELU_POOL_GRAD, { y, dy: dy as tf.Tensor, argmax }, {
      dims: convDims(info),
      relu: a.relu,
    } as unknown as NamedAttrMap) as [tf.Tensor4D, tf.Tensor1D];
    return {
      ...convGradients(x, filter, dpre, a),
      bias: () => dbias,
      // The winners are no function of a weight (the tape never asks); a zero gradient for form.
      argmax: () => tf.zerosLike(argmax),
    };
  },
};
