import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { convDims, forwardConvInfo, type ConvAttrs } from './native-conv.ts';
import { heapFloat32, type WasmBackend } from './wasm-heap.ts';

interface FusedConvAttrs extends ConvAttrs {
  activation?: string;
}

/**
 * FusedConv2D (conv + bias + activation: what tfjs-layers' conv2d runs outside gradients, e.g. in
 * predict) by the native convolution with bias and ReLU applied in the same pass. NHWC float32,
 * linear or ReLU, a bias of [outChannels] or none; anything else goes to `fallback` (the package's).
 */
export function nativeFusedConv2d(addon: NativeAddon, fallback: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined> & {
      x: TensorInfo;
      filter: TensorInfo;
    };
    const attrs = args.attrs as unknown as FusedConvAttrs;
    const activation = attrs.activation ?? 'linear';
    const outChannels = filter.shape[3] ?? 0;
    if (
      attrs.dataFormat === 'NCHW' ||
      (activation !== 'linear' && activation !== 'relu') ||
      preluActivationWeights !== undefined ||
      x.dtype !== 'float32' ||
      filter.dtype !== 'float32' ||
      (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== outChannels))
    )
      return fallback(args);
    const backend = args.backend as unknown as WasmBackend;
    const info = forwardConvInfo(x, filter, attrs);
    const y = backend.makeOutput(info.outShape, 'float32');
    if (info.outShape.reduce((a, b) => a * b, 1) === 0) return y;
    const out = heapFloat32(backend, y);
    const flags = (bias !== undefined ? 1 : 0) | (activation === 'relu' ? 2 : 0);
    const biasView = bias !== undefined ? heapFloat32(backend, bias) : out;
    addon.conv2dBiasRelu(heapFloat32(backend, x), heapFloat32(backend, filter), biasView, out, convDims(info), flags);
    return y;
  };
  Object.defineProperty(kernel, 'name', { value: 'FusedConv2DNative' });
  return kernel;
}
