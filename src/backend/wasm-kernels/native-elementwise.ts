import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { heapFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * Tanh and Sigmoid (the package computes them one libm call at a time, ~15 ns a value) and
 * Sum/Mean over a leading, trailing or middle block of axes (the package transposes first) by the
 * native addon. Other dtypes and axis patterns go to `fallback`.
 */
export function nativeActivation(addon: NativeAddon, kind: 'Tanh' | 'Sigmoid', fallback: KernelFunc): KernelFunc {
  const code = kind === 'Tanh' ? 0 : 1;
  const kernel: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') return fallback(args);
    const backend = args.backend as unknown as WasmBackend;
    const y = backend.makeOutput(x.shape, 'float32');
    const n = x.shape.reduce((a, b) => a * b, 1);
    if (n > 0) addon.activation(code, heapFloat32(backend, x), heapFloat32(backend, y), n);
    return y;
  };
  Object.defineProperty(kernel, 'name', { value: `${kind}Native` });
  return kernel;
}

export function nativeReduce(addon: NativeAddon, kind: 'Sum' | 'Mean', fallback: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    if (x.dtype !== 'float32') return fallback(args);
    const rank = x.shape.length;
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
    if (axes.length === 0 || (axes.length === rank && rank === 0)) return fallback(args);
    const leading = axes.every((a, i) => a === i);
    const trailing = axes.every((a, i) => a === rank - axes.length + i);
    // A block of axes in the middle (a global average pooling over time: [batch, time, channels]
    // over axis 1) is a leading reduction of each outer slice; the package's transposes first.
    const contiguous = axes.every((a, i) => a === (axes[0] as number) + i);
    if (!leading && !trailing && !contiguous) return fallback(args);
    const reduced = axes.reduce((p, a) => p * (x.shape[a] as number), 1);
    const kept = x.shape.reduce((p, d) => p * d, 1) / Math.max(reduced, 1);
    if (reduced === 0 || kept === 0) return fallback(args);
    const outShape = keepDims
      ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !axes.includes(i));
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(outShape, 'float32');
    const scale = kind === 'Mean' ? 1 / reduced : 1;
    if (leading || trailing) {
      const [outer, inner] = leading ? [reduced, kept] : [kept, reduced];
      addon.reduceSum(heapFloat32(backend, x), heapFloat32(backend, out), outer, inner, leading, scale);
      return out;
    }
    const slices = x.shape.slice(0, axes[0]).reduce((p, d) => p * d, 1);
    const inner = kept / slices;
    const xs = heapFloat32(backend, x);
    const ys = heapFloat32(backend, out);
    for (let o = 0; o < slices; o++)
      addon.reduceSum(
        xs.subarray(o * reduced * inner, (o + 1) * reduced * inner),
        ys.subarray(o * inner, (o + 1) * inner),
        reduced,
        inner,
        true,
        scale,
      );
    return out;
  };
  Object.defineProperty(kernel, 'name', { value: `${kind}Native` });
  return kernel;
}
