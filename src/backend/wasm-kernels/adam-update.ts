import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { checkFloat32, heapFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * One variable's Adam step as one kernel, where tfjs's AdamOptimizer runs ~15 (see
 * src/train/fused-adam.ts). Inputs: x (the variable), m, v (its moments), grad, and the optimizer's
 * accBeta1, accBeta2 scalars (beta^t); attrs: AdamUpdateAttrs. Outputs: new x, m, v, in new
 * buffers (an input's buffer may be shared: our Identity shares, and weight snapshots hold them).
 * Arithmetic is tfjs's, op by op, each rounded to float32, so results equal the stock ops'. Only
 * the native kernel set has it: a JavaScript loop is slower than the package's SIMD ops.
 */
export const ADAM_UPDATE = 'MotionfuseAdamUpdate';

export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

// Reused across calls: the kernel runs ~25 times a training step.
const params = new Float32Array(8);

/** The kernel, computed by the native addon (SSE; large variables split across its threads). */
export function nativeAdamUpdateConfig(addon: NativeAddon): KernelConfig {
  const kernel = (args: {
    inputs: Record<'x' | 'm' | 'v' | 'grad' | 'accBeta1' | 'accBeta2', TensorInfo>;
    attrs: AdamUpdateAttrs;
    backend: WasmBackend;
  }): TensorInfo[] => {
    const { inputs, attrs, backend } = args;
    for (const [key, t] of Object.entries(inputs)) checkFloat32(ADAM_UPDATE, key, t);
    const { x, m, v, grad, accBeta1, accBeta2 } = inputs;
    const n = x.shape.reduce((a, b) => a * b, 1);
    for (const t of [m, v, grad]) {
      if (t.shape.reduce((a, b) => a * b, 1) !== n)
        throw new Error(`${ADAM_UPDATE}: x [${x.shape}], m [${m.shape}], v [${v.shape}], grad [${grad.shape}] differ`);
    }
    const outs = [x, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
    if (n === 0) return outs;
    // Views only after every allocation: an allocation may grow (and so move) the heap.
    const view = (t: TensorInfo) => heapFloat32(backend, t);
    // Each scalar as tfjs makes it: a JavaScript double rounded to a float32 tensor.
    params[0] = attrs.learningRate;
    params[1] = attrs.beta1;
    params[2] = attrs.beta2;
    params[3] = attrs.epsilon;
    params[4] = 1 - attrs.beta1;
    params[5] = 1 - attrs.beta2;
    params[6] = 1 - (view(accBeta1)[0] as number);
    params[7] = 1 - (view(accBeta2)[0] as number);
    const [xOut, mOut, vOut] = outs as [TensorInfo, TensorInfo, TensorInfo];
    addon.adamUpdate(view(x), view(m), view(v), view(grad), view(xOut), view(mOut), view(vOut), n, params);
    return outs;
  };
  Object.defineProperty(kernel, 'name', { value: 'AdamUpdateNative' });
  return { kernelName: ADAM_UPDATE, backendName: 'wasm', kernelFunc: kernel as unknown as KernelFunc };
}
