import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { depthwiseConv2dBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.ts';
import { depthwiseConv2dBackpropInputConfig } from './depthwise-conv2d-backprop-input.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';

/** The training kernels that `@tensorflow/tfjs-backend-wasm` 4.22 lacks and motionfuse provides. */
export const WASM_TRAINING_KERNELS = [
  conv2dBackpropFilterConfig,
  depthwiseConv2dBackpropFilterConfig,
  depthwiseConv2dBackpropInputConfig,
  unsortedSegmentSumConfig,
] as const;

/**
 * Registers our kernels for the 'wasm' backend. Idempotent. A kernel that a future
 * tfjs-backend-wasm ships itself is left alone (theirs wins), and the names we did register are
 * returned.
 */
export function registerWasmTrainingKernels(): string[] {
  const registered: string[] = [];
  for (const config of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) {
      if (ours.has(config.kernelName)) registered.push(config.kernelName);
      continue;
    }
    tf.registerKernel(config);
    ours.add(config.kernelName);
    registered.push(config.kernelName);
  }
  return registered;
}

const ours = new Set<string>();
