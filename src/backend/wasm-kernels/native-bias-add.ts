import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { heapFloat32, type WasmBackend } from './wasm-heap.ts';

/** Below this many elements the package's Add is as fast and the check is not worth a native call. */
const MIN_ELEMENTS = 4096;

/**
 * Add on the WASM backend where one operand is a bias (1-D, the other's last dimension): the
 * training path of a convolution with bias (tfjs fuses it only without gradients) adds it this way,
 * and the package broadcasts per element (17 ms for the video CNN's [256, 56, 56, 8] + [8]). Every
 * other Add goes to `fallback`. Sums are the same single float additions, so results are identical.
 */
export function nativeBiasAdd(addon: NativeAddon, fallback: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const [x, bias] = b.shape.length === 1 ? [a, b] : [b, a];
    const channels = bias.shape[0] ?? 0;
    if (
      bias.shape.length !== 1 ||
      x.shape.length < 2 ||
      x.shape[x.shape.length - 1] !== channels ||
      x.dtype !== 'float32' ||
      bias.dtype !== 'float32'
    )
      return fallback(args);
    const n = x.shape.reduce((p, d) => p * d, 1);
    if (n < MIN_ELEMENTS) return fallback(args);
    const backend = args.backend as unknown as WasmBackend;
    const y = backend.makeOutput(x.shape, 'float32');
    addon.biasAdd(heapFloat32(backend, x), heapFloat32(backend, bias), heapFloat32(backend, y), n / channels, channels);
    return y;
  };
  Object.defineProperty(kernel, 'name', { value: 'AddNative' });
  return kernel;
}
