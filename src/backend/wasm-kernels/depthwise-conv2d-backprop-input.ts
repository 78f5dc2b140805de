import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { checkFloat32, heapFloat32, zerosFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * DepthwiseConv2dNativeBackpropInput for the WASM backend (absent from the package).
 * Each output gradient dy[b, oh, ow, c*M + m] flows back, through W[kh, kw, c, m], to the input
 * position it was computed from: a scatter over the forward pass's index map. NHWC; dilations
 * supported.
 */
interface Attrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

export function depthwiseConv2dBackpropInputWasm(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: Attrs;
}): TensorInfo {
  const {
    inputs: { dy, filter },
    backend,
    attrs,
  } = args;
  checkFloat32('DepthwiseConv2dNativeBackpropInput', 'dy', dy);
  checkFloat32('DepthwiseConv2dNativeBackpropInput', 'filter', filter);
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padInfo,
  } = info;
  const mult = outChannels / inChannels;

  const out = zerosFloat32(backend, attrs.inputShape);
  const dx = heapFloat32(backend, out);
  const dyv = heapFloat32(backend, dy);
  const wv = heapFloat32(backend, filter);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let kh = 0; kh < filterHeight; kh++) {
        const h = oh * strideHeight + kh * dilationHeight - padInfo.top;
        if (h < 0 || h >= inHeight) continue;
        for (let ow = 0; ow < outWidth; ow++) {
          const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
          for (let kw = 0; kw < filterWidth; kw++) {
            const w = ow * strideWidth + kw * dilationWidth - padInfo.left;
            if (w < 0 || w >= inWidth) continue;
            const dxBase = ((b * inHeight + h) * inWidth + w) * inChannels;
            const wBase = (kh * filterWidth + kw) * outChannels;
            for (let c = 0; c < inChannels; c++) {
              const o = c * mult;
              let sum = 0;
              for (let m = 0; m < mult; m++) sum += (dyv[dyBase + o + m] as number) * (wv[wBase + o + m] as number);
              dx[dxBase + c] = (dx[dxBase + c] as number) + sum;
            }
          }
        }
      }
    }
  }
  return out;
}

export const depthwiseConv2dBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInputWasm as unknown as KernelFunc,
};
