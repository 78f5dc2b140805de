import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { checkFloat32, heapFloat32, zerosFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * DepthwiseConv2dNativeBackpropFilter for the WASM backend (absent from the package), needed to
 * train depthwise and separable convolutions (MobileNet-style encoders).
 * dW[kh, kw, c, m] = sum over (b, oh, ow) of x[b, oh*sh + kh*dh - top, ow*sw + kw*dw - left, c] * dy[b, oh, ow, c*M + m].
 * Direct loops over the heap: the work is as small as the forward pass, so no matrix product pays.
 * NHWC, as the WASM forward kernel; dilations supported.
 */
interface Attrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function depthwiseConv2dBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: Attrs;
}): TensorInfo {
  const {
    inputs: { x, dy },
    backend,
    attrs,
  } = args;
  checkFloat32('DepthwiseConv2dNativeBackpropFilter', 'x', x);
  checkFloat32('DepthwiseConv2dNativeBackpropFilter', 'dy', dy);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
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

  const out = zerosFloat32(backend, attrs.filterShape);
  const xv = heapFloat32(backend, x);
  const dyv = heapFloat32(backend, dy);
  const dw = heapFloat32(backend, out);
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const wBase = (kh * filterWidth + kw) * outChannels; // dW[kh, kw, c, m] at wBase + c*M + m
      for (let b = 0; b < batchSize; b++) {
        for (let oh = 0; oh < outHeight; oh++) {
          const h = oh * strideHeight + kh * dilationHeight - padInfo.top;
          if (h < 0 || h >= inHeight) continue;
          for (let ow = 0; ow < outWidth; ow++) {
            const w = ow * strideWidth + kw * dilationWidth - padInfo.left;
            if (w < 0 || w >= inWidth) continue;
            const xBase = ((b * inHeight + h) * inWidth + w) * inChannels;
            const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
            for (let c = 0; c < inChannels; c++) {
              const xval = xv[xBase + c] as number;
              const o = c * mult;
              for (let m = 0; m < mult; m++) {
                dw[wBase + o + m] = (dw[wBase + o + m] as number) + xval * (dyv[dyBase + o + m] as number);
              }
            }
          }
        }
      }
    }
  }
  return out;
}

export const depthwiseConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropFilterWasm as unknown as KernelFunc,
};
