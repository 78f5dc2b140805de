import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { shareInput } from './shared-identity.ts';

/**
 * Cast to the dtype a tensor already has, without a copy (the output shares the input's memory,
 * as in shared-identity.ts). tfjs-core casts float32 to float32 often: the ReLU gradient
 * (cast(step(x))), tf.moments, the losses; the package's Cast copies every time (18 calls and
 * ~1.2 ms of a RefNet training step). A real conversion goes to the package's kernel.
 */
export function sharedCast(fallback: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as { dtype: string };
    if (x.dtype !== dtype || x.dtype === 'string') return fallback(args);
    return shareInput(args.backend, x);
  };
  Object.defineProperty(kernel, 'name', { value: 'CastShared' });
  return kernel;
}

export function sharedCastConfig(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: sharedCast(original.kernelFunc) };
}
