import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { checkFloat32, heapFloat32, zerosFloat32, type WasmBackend } from './wasm-heap.ts';
import { gatherPatchesTransposed, gatherRows, imageStrides, imagesPerChunk } from './im2col.ts';
import { matMulNN } from './mat-mul.ts';

/**
 * Conv2DBackpropFilter for the WASM backend, which does not ship one (so no convolution, conv1d
 * included, could train on it). dW = P^T . dy, where P is the im2col patch matrix. P^T is written
 * straight into the WASM heap and the product runs in the backend's untransposed BatchMatMul
 * (XNNPACK, SIMD), so the arithmetic stays in fast WASM code. Large inputs are processed in batch
 * chunks to bound the patch matrix's memory. NHWC and NCHW are both accepted, as on the CPU backend.
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

export function conv2dBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const {
    inputs: { x, dy },
    backend,
    attrs,
  } = args;
  checkFloat32('Conv2DBackpropFilter', 'x', x);
  checkFloat32('Conv2DBackpropFilter', 'dy', dy);
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } =
    info;
  const channelsLast = info.dataFormat === 'channelsLast';
  const xs = imageStrides(channelsLast, inHeight, inWidth, inChannels);
  const dys = imageStrides(channelsLast, outHeight, outWidth, outChannels);

  const patchLen = filterHeight * filterWidth * inChannels;
  const rowsPerImage = outHeight * outWidth;
  const chunk = imagesPerChunk(batchSize, patchLen * rowsPerImage, conv2dBackpropFilterLimits.maxPatchFloats);
  const filterSize = patchLen * outChannels;

  const result = zerosFloat32(backend, attrs.filterShape);
  for (let b0 = 0; b0 < batchSize; b0 += chunk) {
    const nImages = Math.min(chunk, batchSize - b0);
    const rows = nImages * rowsPerImage;
    const patchesT = backend.makeOutput([1, patchLen, rows], 'float32');
    // dy rows can be used in place when they are already [rows x outChannels] contiguous.
    const dyInPlace = channelsLast && nImages === batchSize;
    const dyRows: TensorInfo = dyInPlace
      ? { dataId: dy.dataId, shape: [1, rows, outChannels], dtype: dy.dtype }
      : backend.makeOutput([1, rows, outChannels], 'float32');
    gatherPatchesTransposed(heapFloat32(backend, x), heapFloat32(backend, patchesT), b0, nImages, info, xs);
    if (!dyInPlace)
      gatherRows(
        heapFloat32(backend, dy),
        heapFloat32(backend, dyRows),
        b0,
        nImages,
        outHeight,
        outWidth,
        outChannels,
        dys,
      );

    const product = matMulNN(patchesT, dyRows, backend);
    const acc = heapFloat32(backend, result);
    const pr = heapFloat32(backend, product);
    for (let i = 0; i < filterSize; i++) acc[i] = (acc[i] as number) + (pr[i] as number);

    backend.disposeData(product.dataId);
    backend.disposeData(patchesT.dataId);
    if (!dyInPlace) backend.disposeData(dyRows.dataId);
  }
  return result;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};
