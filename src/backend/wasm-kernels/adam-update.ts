import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { checkFloat32, heapFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * Adam's step for every variable of an update as one kernel, where tfjs's AdamOptimizer runs ~15
 * a variable (see src/train/fused-adam.ts): a small network's 30 variables were 30 kernels a step,
 * each with tfjs's per-kernel bookkeeping. Inputs: for i < count, x{i} (the variable), m{i}, v{i}
 * (its moments) and grad{i}; the optimizer's accBeta1, accBeta2 scalars (beta^t); attrs:
 * AdamUpdateAttrs. Outputs: new x, m, v of each variable in turn ([x0, m0, v0, x1, ...]), in new
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
  /** How many variables the inputs hold (x0 ... x{count - 1}). */
  count: number;
}

// Reused across calls.
const params = new Float32Array(8);

/** The kernel, computed by the native addon (SSE; large variables split across its threads). */
export function nativeAdamUpdateConfig(addon: NativeAddon): KernelConfig {
  const kernel = (args: {
    inputs: Record<string, TensorInfo>;
    attrs: AdamUpdateAttrs;
    backend: WasmBackend;
  }): TensorInfo[] => {
    const { inputs, attrs, backend } = args;
    const { accBeta1, accBeta2 } = inputs;
    if (accBeta1 === undefined || accBeta2 === undefined)
      throw new Error(`${ADAM_UPDATE}: accBeta1 and accBeta2 are required`);
    const groups: [TensorInfo, TensorInfo, TensorInfo, TensorInfo][] = [];
    for (let i = 0; i < attrs.count; i++) {
      const [x, m, v, grad] = ['x', 'm', 'v', 'grad'].map((name) => {
        const t = inputs[`${name}${i}`];
        if (t === undefined) throw new Error(`${ADAM_UPDATE}: no input ${name}${i} (count ${attrs.count})`);
        checkFloat32(ADAM_UPDATE, `${name}${i}`, t);
        return t;
      }) as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
      const n = x.shape.reduce((a, b) => a * b, 1);
      for (const t of [m, v, grad]) {
        if (t.shape.reduce((a, b) => a * b, 1) !== n)
          throw new Error(
            `${ADAM_UPDATE}: x${i} [${x.shape}], m${i} [${m.shape}], v${i} [${v.shape}], grad${i} [${grad.shape}] differ`,
          );
      }
      groups.push([x, m, v, grad]);
    }
    checkFloat32(ADAM_UPDATE, 'accBeta1', accBeta1);
    checkFloat32(ADAM_UPDATE, 'accBeta2', accBeta2);
    const outs = groups.flatMap(([x, m, v]) => [x, m, v].map((t) => backend.makeOutput(t.shape, 'float32')));
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
    groups.forEach(([x, m, v, grad], i) => {
      const n = x.shape.reduce((a, b) => a * b, 1);
      if (n === 0) return;
      const [xOut, mOut, vOut] = outs.slice(3 * i, 3 * i + 3) as [TensorInfo, TensorInfo, TensorInfo];
      addon.adamUpdate(view(x), view(m), view(v), view(grad), view(xOut), view(mOut), view(vOut), n, params);
    });
    return outs;
  };
  Object.defineProperty(kernel, 'name', { value: 'AdamUpdateNative' });
  return { kernelName: ADAM_UPDATE, backendName: 'wasm', kernelFunc: kernel as unknown as KernelFunc };
}
