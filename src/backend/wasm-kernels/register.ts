import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { depthwiseConv2dBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.ts';
import { depthwiseConv2dBackpropInputConfig } from './depthwise-conv2d-backprop-input.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';
import { transposeFreeConfig } from './transpose-free-mat-mul.ts';
import { tileConfig } from './tile.ts';
import { maxPoolGradConfig } from './max-pool-grad.ts';
import { lstmSequenceForwardConfig } from './lstm-sequence-forward.ts';
import { lstmSequenceBackwardConfig } from './lstm-sequence-backward.ts';

/** Training kernels that `@tensorflow/tfjs-backend-wasm` 4.22 lacks and motionfuse adds. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseConv2dBackpropFilterConfig,
  depthwiseConv2dBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/** motionfuse's own fused kernels (no tfjs op maps to them; our layers call them). */
export const WASM_FUSED_KERNELS: readonly KernelConfig[] = [lstmSequenceForwardConfig, lstmSequenceBackwardConfig];

/**
 * Kernels the package has but runs far below its own speed elsewhere (see docs/performance.md);
 * each replacement is built around the original, which it keeps for the cases it does not speed up.
 */
const WASM_REPLACEMENTS: Record<string, (original: KernelConfig) => KernelConfig> = {
  BatchMatMul: (original) => transposeFreeConfig('BatchMatMul', original),
  _FusedMatMul: (original) => transposeFreeConfig('_FusedMatMul', original),
  Conv2DBackpropInput: conv2dBackpropInputConfig,
  Tile: tileConfig,
  MaxPoolGrad: maxPoolGradConfig,
};

const ours = new WeakSet<object>();

export interface WasmKernelRegistration {
  /** Kernels we added because the package has none. */
  added: string[];
  /** Kernels of the package that we replaced with faster ones. */
  replaced: string[];
}

/**
 * Registers our kernels for the 'wasm' backend. Idempotent. A missing kernel that a future
 * tfjs-backend-wasm ships itself is left alone (theirs wins). MOTIONFUSE_WASM_REPLACE=off keeps the
 * package's own matmul and conv-input kernels (for comparison and bisecting).
 */
export function registerWasmTrainingKernels(): WasmKernelRegistration {
  const added: string[] = [];
  const replaced: string[] = [];
  for (const config of WASM_TRAINING_KERNELS) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing === undefined) {
      tf.registerKernel(config);
      ours.add(config.kernelFunc);
      added.push(config.kernelName);
    } else if (ours.has(existing.kernelFunc)) {
      added.push(config.kernelName);
    }
  }
  for (const config of WASM_FUSED_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) tf.registerKernel(config);
  }
  if (process.env['MOTIONFUSE_WASM_REPLACE'] !== 'off') {
    for (const [name, make] of Object.entries(WASM_REPLACEMENTS)) {
      const original = tf.getKernel(name, 'wasm');
      if (original === undefined) continue;
      if (!ours.has(original.kernelFunc)) {
        const replacement = make(original);
        tf.unregisterKernel(name, 'wasm');
        tf.registerKernel(replacement);
        ours.add(replacement.kernelFunc);
      }
      replaced.push(name);
    }
  }
  return { added, replaced };
}
