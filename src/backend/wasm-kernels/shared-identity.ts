import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/**
 * Identity without a copy: the output shares the input's memory and raises its reference count,
 * as the CPU backend's Identity and the WASM backend's own Reshape do. The package's Identity
 * copies the whole tensor; tfjs calls it ~150 times per RefNet training step (the tape, custom
 * gradients, the optimizer), about 4 ms of copying. Safe because kernels never write into inputs,
 * and Variable.assign swaps data rather than writing in place.
 */
interface RefCountingBackend {
  incRef(dataId: object): void;
}

/** An output that is `x` itself: its memory shared, its reference count raised. */
export function shareInput(backend: unknown, x: TensorInfo): TensorInfo {
  (backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function sharedIdentity(fallback: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return fallback(args);
    return shareInput(args.backend, x);
  };
  Object.defineProperty(kernel, 'name', { value: 'IdentityShared' });
  return kernel;
}

export function sharedIdentityConfig(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: sharedIdentity(original.kernelFunc) };
}
