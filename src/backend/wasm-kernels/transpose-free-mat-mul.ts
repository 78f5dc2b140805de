import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm-heap.ts';
import { transposeLastTwo } from './mat-mul.ts';

/**
 * tfjs-backend-wasm 4.22 multiplies untransposed matrices with XNNPACK (20-30 GFLOP/s here) but
 * any `transposeA` / `transposeB` falls to a plain loop at 1-2 GFLOP/s. Matrix gradients are exactly
 * those variants (dA = dY . B^T, dB = A^T . dY), so training ran 10-25x slower than it should.
 * These wrappers transpose the flagged operands in memory first (the backend's Transpose kernel,
 * O(size) work) and call the original kernel untransposed (O(m n k) work, now fast).
 * The package's _FusedMatMul is also wrong (not only slow) whenever a transpose is set; calling it
 * untransposed avoids that too.
 */
export function transposeFree(kernelName: 'BatchMatMul' | '_FusedMatMul', original: KernelFunc): KernelFunc {
  const wrapped: KernelFunc = (args) => {
    const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (kernelName === '_FusedMatMul' && batchOf(args.inputs as Record<string, TensorInfo>) > 1)
      return fusedAsComposite(args);
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const backend = args.backend as unknown as WasmBackend;
    const inputs = { ...args.inputs } as Record<string, TensorInfo>;
    const temps: TensorInfo[] = [];
    for (const [name, flag] of [
      ['a', attrs.transposeA],
      ['b', attrs.transposeB],
    ] as const) {
      if (!flag) continue;
      const t = transposeLastTwo(inputs[name] as TensorInfo, backend);
      temps.push(t);
      inputs[name] = t;
    }
    try {
      return original({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  Object.defineProperty(wrapped, 'name', { value: `${kernelName}TransposeFree` });
  return wrapped;
}

function batchOf(inputs: Record<string, TensorInfo>): number {
  const size = (t: TensorInfo | undefined) => (t === undefined ? 1 : t.shape.slice(0, -2).reduce((p, q) => p * q, 1));
  return Math.max(size(inputs['a']), size(inputs['b']));
}

/**
 * The package's _FusedMatMul gives wrong results when the batch dimension exceeds 1 (seen on 4.22:
 * about 50% relative error even untransposed; tfjs-layers never calls it so, but tf.fused.matMul on
 * batched input does). For that case: BatchMatMul, then bias and activation as separate kernels.
 * With the native addon every _FusedMatMul goes this way, so the product runs in its GEMM.
 */
export const fusedAsComposite: KernelFunc = (args) => {
  const backend = args.backend;
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
  const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as {
    transposeA: boolean;
    transposeB: boolean;
    activation: string;
    leakyreluAlpha?: number;
  };
  const run = (name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}) => {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel === undefined) throw new Error(`_FusedMatMul (wasm): no ${name} kernel`);
    return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
  };
  let out = run('BatchMatMul', { a: a as TensorInfo, b: b as TensorInfo }, { transposeA, transposeB });
  const replace = (next: TensorInfo) => {
    (backend as unknown as WasmBackend).disposeData(out.dataId);
    out = next;
  };
  if (bias !== undefined) replace(run('Add', { a: out, b: bias }));
  switch (activation) {
    case 'linear':
      break;
    case 'relu':
      replace(run('Relu', { x: out }));
      break;
    case 'relu6':
      replace(run('Relu6', { x: out }));
      break;
    case 'elu':
      replace(run('Elu', { x: out }));
      break;
    case 'sigmoid':
      replace(run('Sigmoid', { x: out }));
      break;
    case 'leakyrelu':
      replace(run('LeakyRelu', { x: out }, { alpha: leakyreluAlpha ?? 0.2 }));
      break;
    case 'prelu':
      replace(run('Prelu', { x: out, alpha: preluActivationWeights as TensorInfo }));
      break;
    default:
      throw new Error(`_FusedMatMul (wasm): unknown activation '${activation}'`);
  }
  return out;
};

export function transposeFreeConfig(kernelName: 'BatchMatMul' | '_FusedMatMul', original: KernelConfig): KernelConfig {
  // Keep setupFunc/disposeFunc: the package's kernels bind their WASM functions there at backend init.
  return { ...original, kernelName, backendName: 'wasm', kernelFunc: transposeFree(kernelName, original.kernelFunc) };
}
