import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { heapFloat32, type WasmBackend } from './wasm-heap.ts';
import { named } from './native-conv.ts';

/**
 * MaxPool and MaxPoolGrad on the WASM backend by the native addon (NHWC float32; tfjs's 1-D
 * pooling layers call these with a unit axis). The package's MaxPool took 0.3-0.6 ms on RefNet's
 * [32, 200, 1, 64] activations; the addon's is one pass over memory. Both follow the CPU backend:
 * NaN never wins a window, and the gradient goes to the window's first maximum. Other dtypes go to
 * `fallback`, the kernel registered before.
 */
interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The addon's dims array for a pool (cc/pool.h) from tfjs's pool geometry. */
export function poolInfoDims(info: ReturnType<typeof tf.backend_util.computePool2DInfo>): number[] {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}

/** The addon's dims array and the output shape for a pool kernel's input and attributes. */
function poolDims(x: TensorInfo, attrs: PoolAttrs): { dims: number[]; outShape: number[] } {
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return { dims: poolInfoDims(info), outShape: info.outShape };
}

const isEmpty = (shape: readonly number[]) => shape.some((d) => d === 0);

export function nativeMaxPool(addon: NativeAddon, fallback: KernelFunc): KernelFunc {
  return named((args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32' || x.shape.length !== 4) return fallback(args);
    const backend = args.backend as unknown as WasmBackend;
    const { dims, outShape } = poolDims(x, args.attrs as unknown as PoolAttrs);
    const y = backend.makeOutput(outShape, 'float32');
    if (isEmpty(outShape) || isEmpty(x.shape)) return y;
    addon.maxPool(heapFloat32(backend, x), heapFloat32(backend, y), dims);
    return y;
  }, 'MaxPoolNative');
}

/** MaxPoolGrad: each window's gradient to its first maximum (the CPU backend's rule). */
export function nativeMaxPoolGrad(addon: NativeAddon, fallback: KernelFunc): KernelFunc {
  return named((args) => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    if (dy.dtype !== 'float32' || input.dtype !== 'float32') return fallback(args);
    const backend = args.backend as unknown as WasmBackend;
    const { dims } = poolDims(input, args.attrs as unknown as PoolAttrs);
    const dx = backend.makeOutput(input.shape, 'float32');
    if (isEmpty(input.shape)) return dx;
    addon.maxPoolBackprop(heapFloat32(backend, input), heapFloat32(backend, dy), heapFloat32(backend, dx), dims);
    return dx;
  }, 'MaxPoolGradNative');
}
