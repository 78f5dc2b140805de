import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { checkFloat32, heapFloat32, zerosFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * Conv2DBackpropFilter for the WASM backend, which does not ship one (so no convolution, conv1d
 * included, could train on it). dW = im2col(x)^T . dy: the patches are gathered into the WASM heap
 * here, and the product runs in the backend's own BatchMatMul kernel (XNNPACK-backed, SIMD), so
 * the arithmetic stays in WASM. Large inputs are processed in batch chunks to bound the patch
 * matrix's memory. NHWC and NCHW are both accepted, as on the CPU backend.
 */

/** Upper bound on the patch matrix, in floats (default 64 MiB); tests lower it to exercise chunking. */
export const conv2dBackpropFilterLimits = { maxPatchFloats: 16 * 1024 * 1024 };

interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilterWasm(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: WasmBackend; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs: { x, dy }, backend, attrs } = args;
  checkFloat32('Conv2DBackpropFilter', 'x', x);
  checkFloat32('Conv2DBackpropFilter', 'dy', dy);
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad,
    attrs.dimRoundingMode, false, dataFormat);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const channelsLast = info.dataFormat === 'channelsLast';

  // Element strides of x and dy in their memory layout.
  const xs = channelsLast
    ? { b: inHeight * inWidth * inChannels, h: inWidth * inChannels, w: inChannels, c: 1 }
    : { b: inChannels * inHeight * inWidth, h: inWidth, w: 1, c: inHeight * inWidth };
  const dys = channelsLast
    ? { b: outHeight * outWidth * outChannels, h: outWidth * outChannels, w: outChannels, c: 1 }
    : { b: outChannels * outHeight * outWidth, h: outWidth, w: 1, c: outHeight * outWidth };

  const patchLen = filterHeight * filterWidth * inChannels;
  const rowsPerImage = outHeight * outWidth;
  const imagesPerChunk = Math.max(1, Math.min(batchSize, Math.floor(conv2dBackpropFilterLimits.maxPatchFloats / Math.max(1, patchLen * rowsPerImage))));
  const filterSize = patchLen * outChannels;

  const result = zerosFloat32(backend, attrs.filterShape);
  for (let b0 = 0; b0 < batchSize; b0 += imagesPerChunk) {
    const nImages = Math.min(imagesPerChunk, batchSize - b0);
    const rows = nImages * rowsPerImage;
    const patches = backend.makeOutput([1, rows, patchLen], 'float32');
    // dy rows can be used in place when they are already [rows x outChannels] contiguous.
    const dyInPlace = channelsLast && nImages === batchSize;
    const dyRows = dyInPlace ? { dataId: dy.dataId, shape: [1, rows, outChannels], dtype: dy.dtype } : backend.makeOutput([1, rows, outChannels], 'float32');

    const xv = heapFloat32(backend, x);
    const pv = heapFloat32(backend, patches);
    gatherPatches(xv, pv, b0, nImages, info, xs);
    if (!dyInPlace) {
      gatherRows(heapFloat32(backend, dy), heapFloat32(backend, dyRows), b0, nImages, outHeight, outWidth, outChannels, dys);
    }

    const product = matMulKernel({ inputs: { a: patches, b: dyRows }, backend, attrs: { transposeA: true, transposeB: false } }) as TensorInfo;
    const acc = heapFloat32(backend, result);
    const pr = heapFloat32(backend, product);
    for (let i = 0; i < filterSize; i++) acc[i] = (acc[i] as number) + (pr[i] as number);

    backend.disposeData(product.dataId);
    backend.disposeData(patches.dataId);
    if (!dyInPlace) backend.disposeData(dyRows.dataId);
  }
  return result;
}

/** im2col: row (image, oh, ow) holds the receptive field in (kh, kw, c) order, zeros where padded. */
function gatherPatches(
  xv: Float32Array, out: Float32Array, b0: number, nImages: number,
  info: tf.backend_util.Conv2DInfo, xs: { b: number; h: number; w: number; c: number },
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  let o = 0;
  for (let b = b0; b < b0 + nImages; b++) {
    const xb = b * xs.b;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * strideHeight - padInfo.top;
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * strideWidth - padInfo.left;
        for (let kh = 0; kh < filterHeight; kh++) {
          const h = h0 + kh;
          for (let kw = 0; kw < filterWidth; kw++) {
            const w = w0 + kw;
            if (h < 0 || h >= inHeight || w < 0 || w >= inWidth) {
              out.fill(0, o, o + inChannels);
              o += inChannels;
              continue;
            }
            const base = xb + h * xs.h + w * xs.w;
            if (xs.c === 1) {
              out.set(xv.subarray(base, base + inChannels), o);
              o += inChannels;
            } else {
              for (let c = 0; c < inChannels; c++) out[o++] = xv[base + c * xs.c] as number;
            }
          }
        }
      }
    }
  }
}

/** Copies dy for images [b0, b0 + nImages) into contiguous rows of outChannels values. */
function gatherRows(
  dyv: Float32Array, out: Float32Array, b0: number, nImages: number,
  outHeight: number, outWidth: number, outChannels: number, s: { b: number; h: number; w: number; c: number },
): void {
  let o = 0;
  for (let b = b0; b < b0 + nImages; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const base = b * s.b + oh * s.h + ow * s.w;
        for (let c = 0; c < outChannels; c++) out[o++] = dyv[base + c * s.c] as number;
      }
    }
  }
}

const matMulKernel: KernelFunc = (params) => {
  const kernel = tf.getKernel('BatchMatMul', 'wasm');
  if (kernel === undefined) throw new Error('Conv2DBackpropFilter (wasm): the wasm backend has no BatchMatMul kernel');
  return kernel.kernelFunc(params) as TensorInfo;
};

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};
