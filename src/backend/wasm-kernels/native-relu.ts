import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { RELU_GRAD } from './relu-gradient.ts';
import { heapFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * ReLU's gradient (relu-gradient.ts) by the native addon: one vectorised pass. (The package's
 * Relu itself is already at memory speed; an addon version measured slower, so it stays.)
 */
export function nativeReluGradConfig(addon: NativeAddon): KernelConfig {
  const kernel: KernelFunc = (args) => {
    const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
    const backend = args.backend as unknown as WasmBackend;
    const dx = backend.makeOutput(x.shape, 'float32');
    const n = x.shape.reduce((a, b) => a * b, 1);
    if (n > 0) addon.reluGrad(heapFloat32(backend, dy), heapFloat32(backend, x), heapFloat32(backend, dx), n);
    return dx;
  };
  Object.defineProperty(kernel, 'name', { value: 'ReluGradNative' });
  return { kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: kernel };
}
