import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { RELU_GRAD } from './relu-gradient.ts';

/**
 * relu(conv2d(x, filter) + bias), NHWC, as one kernel for training: tfjs's fused conv2d refuses
 * to fuse a non-linear activation while gradients are recorded, so a layer's conv, bias Add and
 * Relu each make a full pass over the output (the frame CNN's [256, 56, 56, 8] maps are 25 MB)
 * and Add and Relu add their gradients' passes. The forward is the FusedConv2D kernel registered
 * for the backend (ours: the native convolution with bias and ReLU in its epilogue); the gradient
 * one ReLU-gradient pass on the output (y > 0 exactly where the pre-activation is > 0), then the
 * bias's sum and the two convolution gradients, each only when that input needs it (a network's
 * first layer takes no gradient for its input).
 */
export const CONV2D_BIAS_RELU = 'MotionfuseConv2dBiasRelu';

export interface Conv2dBiasReluAttrs {
  strides: [number, number];
  pad: 'valid' | 'same';
  dilations: [number, number];
  relu: boolean;
}

const fusedAttrs = (a: Conv2dBiasReluAttrs) =>
  ({
    strides: a.strides,
    pad: a.pad,
    dataFormat: 'NHWC',
    dilations: a.dilations,
    dimRoundingMode: undefined,
    activation: a.relu ? 'relu' : 'linear',
  }) as unknown as NamedAttrMap;

export const conv2dBiasReluConfig: KernelConfig = {
  kernelName: CONV2D_BIAS_RELU,
  backendName: 'wasm',
  kernelFunc: ((args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Conv2dBiasReluAttrs }) => {
    const fused = tf.getKernel('FusedConv2D', 'wasm');
    if (fused === undefined) throw new Error(`${CONV2D_BIAS_RELU}: the wasm backend has no FusedConv2D kernel`);
    return fused.kernelFunc({ ...args, attrs: fusedAttrs(args.attrs) } as Parameters<KernelFunc>[0]);
  }) as unknown as KernelFunc,
};

export const conv2dBiasReluGradConfig: GradConfig = {
  kernelName: CONV2D_BIAS_RELU,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as Conv2dBiasReluAttrs;
    const grad = a.relu
      ? (tf.engine().runKernel(RELU_GRAD, { dy: dy as tf.Tensor, x: y }) as tf.Tensor4D)
      : (dy as tf.Tensor4D);
    return {
      ...convGradients(x, filter, grad, a),
      bias: () => tf.sum(grad, [0, 1, 2]),
    };
  },
};

/**
 * The input's and the filter's gradients of an NHWC conv2d from the gradient at its output, each
 * computed only when the tape asks for it (a network's first layer takes none for its input).
 */
export function convGradients(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: Pick<Conv2dBiasReluAttrs, 'strides' | 'pad' | 'dilations'>,
): { x: () => tf.Tensor; filter: () => tf.Tensor } {
  const conv = {
    strides: attrs.strides,
    pad: attrs.pad,
    dataFormat: 'NHWC',
    dilations: attrs.dilations,
    dimRoundingMode: undefined,
  };
  return {
    x: () =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, {
        ...conv,
        inputShape: x.shape,
      } as unknown as NamedAttrMap) as tf.Tensor,
    filter: () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        ...conv,
        filterShape: filter.shape,
      } as unknown as NamedAttrMap) as tf.Tensor,
  };
}
