import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { heapFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * Conv2D and its two gradients on the WASM backend by the native addon (im2col in cache-sized
 * chunks + its GEMM, on all cores), reading and writing the heap in place. NHWC float32 only;
 * anything else goes to `fallback`, the kernel that was registered before.
 */
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
export interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The addon's dims array for a convolution: see cc/bindings-conv.cc. */
export function convDims(info: tf.backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}

const isFloat = (...ts: TensorInfo[]) => ts.every((t) => t.dtype === 'float32');
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** `kernel` with a name of its own (kernel stacks and profiles show it). */
export function named(kernel: KernelFunc, name: string): KernelFunc {
  Object.defineProperty(kernel, 'name', { value: name });
  return kernel;
}

/** The geometry of a forward NHWC convolution of x by filter (Conv2D's and FusedConv2D's attributes). */
export function forwardConvInfo(x: TensorInfo, filter: TensorInfo, attrs: ConvAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

export function nativeConv2d(addon: NativeAddon, fallback: KernelFunc): KernelFunc {
  return named((args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    if (attrs.dataFormat === 'NCHW' || !isFloat(x, filter)) return fallback(args);
    const backend = args.backend as unknown as WasmBackend;
    const info = forwardConvInfo(x, filter, attrs);
    const y = backend.makeOutput(info.outShape, 'float32');
    if (size(info.outShape) === 0) return y;
    addon.conv2d(heapFloat32(backend, x), heapFloat32(backend, filter), heapFloat32(backend, y), convDims(info));
    return y;
  }, 'Conv2DNative');
}

export function nativeConv2dBackpropFilter(addon: NativeAddon, fallback: KernelFunc): KernelFunc {
  return named((args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
    if (attrs.dataFormat === 'NCHW' || !isFloat(x, dy)) return fallback(args);
    const backend = args.backend as unknown as WasmBackend;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const dw = backend.makeOutput(attrs.filterShape, 'float32');
    if (size(attrs.filterShape) === 0) return dw;
    addon.conv2dBackpropFilter(
      heapFloat32(backend, x),
      heapFloat32(backend, dy),
      heapFloat32(backend, dw),
      convDims(info),
    );
    return dw;
  }, 'Conv2DBackpropFilterNative');
}

export function nativeConv2dBackpropInput(addon: NativeAddon, fallback: KernelFunc): KernelFunc {
  return named((args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
    if (attrs.dataFormat === 'NCHW' || !isFloat(dy, filter)) return fallback(args);
    const backend = args.backend as unknown as WasmBackend;
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
    const dx = backend.makeOutput(attrs.inputShape, 'float32');
    if (size(attrs.inputShape) === 0) return dx;
    addon.conv2dBackpropInput(
      heapFloat32(backend, dy),
      heapFloat32(backend, filter),
      heapFloat32(backend, dx),
      convDims(info),
    );
    return dx;
  }, 'Conv2DBackpropInputNative');
}

export function nativeConfig(original: KernelConfig, kernelFunc: KernelFunc): KernelConfig {
  // Keep setupFunc: the package binds its WASM function there, and the fallback may still need it.
  return { ...original, kernelFunc };
}
