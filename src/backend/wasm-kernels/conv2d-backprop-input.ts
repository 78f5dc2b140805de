import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { checkFloat32, heapFloat32, zerosFloat32, type WasmBackend } from './wasm-heap.ts';
import { imagesPerChunk, scatterPatches } from './im2col.ts';
import { matMulNN, transposeLastTwo } from './mat-mul.ts';

/**
 * Conv2DBackpropInput for the WASM backend, replacing the package's, which runs a direct loop at
 * about a tenth of the forward convolution's speed. dx = col2im(dy . W^T): the product runs in the
 * backend's untransposed BatchMatMul (XNNPACK), and the scatter back onto the input is a pass over
 * memory. NHWC only (the WASM forward convolution's only layout); NCHW goes to the package's kernel.
 */
export const conv2dBackpropInputLimits = { maxPatchFloats: 16 * 1024 * 1024 };

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

export function conv2dBackpropInputWasm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Attrs;
    const backend = args.backend as unknown as WasmBackend;
    if (attrs.dataFormat === 'NCHW') return fallback(args);
    checkFloat32('Conv2DBackpropInput', 'dy', dy);
    checkFloat32('Conv2DBackpropInput', 'filter', filter);
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const { batchSize, outHeight, outWidth, outChannels, filterHeight, filterWidth, inChannels } = info;
    const patchLen = filterHeight * filterWidth * inChannels;

    // W as a [K x outChannels] matrix, transposed once to [outChannels x K] for an untransposed product.
    const wT = transposeLastTwo({ dataId: filter.dataId, shape: [patchLen, outChannels], dtype: 'float32' }, backend);

    const dx = zerosFloat32(backend, attrs.inputShape);
    const rowsPerImage = outHeight * outWidth;
    const chunk = imagesPerChunk(batchSize, rowsPerImage * patchLen, conv2dBackpropInputLimits.maxPatchFloats);
    for (let b0 = 0; b0 < batchSize; b0 += chunk) {
      const nImages = Math.min(chunk, batchSize - b0);
      const rows = nImages * rowsPerImage;
      // NHWC dy is already [rows x outChannels]; a chunk is a contiguous slice of it.
      const whole = nImages === batchSize;
      const dyRows: TensorInfo = whole
        ? { dataId: dy.dataId, shape: [1, rows, outChannels], dtype: 'float32' }
        : backend.makeOutput([1, rows, outChannels], 'float32');
      if (!whole) {
        const src = heapFloat32(backend, dy);
        heapFloat32(backend, dyRows).set(
          src.subarray(b0 * rowsPerImage * outChannels, (b0 + nImages) * rowsPerImage * outChannels),
        );
      }
      const cols = matMulNN(dyRows, wT, backend);
      scatterPatches(heapFloat32(backend, cols), heapFloat32(backend, dx), b0, nImages, info);
      backend.disposeData(cols.dataId);
      if (!whole) backend.disposeData(dyRows.dataId);
    }
    backend.disposeData(wT.dataId);
    return dx;
  };
}

export function conv2dBackpropInputConfig(original: KernelConfig): KernelConfig {
  // Keep setupFunc/disposeFunc: the fallback (the package's kernel) binds its WASM function there.
  return {
    ...original,
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropInputWasm(original.kernelFunc),
  };
}
