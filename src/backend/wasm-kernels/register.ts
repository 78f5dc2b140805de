import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { depthwiseConv2dBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.ts';
import { depthwiseConv2dBackpropInputConfig } from './depthwise-conv2d-backprop-input.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';
import { fusedAsComposite, transposeFree, transposeFreeConfig } from './transpose-free-mat-mul.ts';
import { nativeBatchMatMulConfig } from './native-mat-mul.ts';
import { nativeConfig, nativeConv2d, nativeConv2dBackpropFilter, nativeConv2dBackpropInput } from './native-conv.ts';
import { nativeMaxPool, nativeMaxPoolGrad } from './native-max-pool.ts';
import { nativeBiasAdd } from './native-bias-add.ts';
import { nativeFusedConv2d } from './native-fused-conv2d.ts';
import { sharedCastConfig } from './shared-cast.ts';
import { RELU_GRAD, registerReluGradient } from './relu-gradient.ts';
import { nativeReluGradConfig } from './native-relu.ts';
import { nativeActivation, nativeReduce } from './native-elementwise.ts';
import { conv2dBackpropInputWasm } from './conv2d-backprop-input.ts';
import { maxPoolGradWasm } from './max-pool-grad.ts';
import { nativeLstmBackwardConfig, nativeLstmForwardConfig } from './native-lstm-sequence.ts';
import {
  NATIVE_ONLY_ATTENTION_KERNELS,
  nativeAttentionPoolingConfig,
  nativeAttentionPoolingGradConfig,
} from './native-attention-pooling.ts';
import {
  NATIVE_ONLY_BATCH_NORM_KERNELS,
  batchNormTrainingGradConfig,
  nativeBatchNormTrainingConfig,
  nativeBatchNormTrainingGradConfig,
  nativeFusedBatchNorm,
} from './native-batch-norm.ts';
import { loadNativeAddon, type NativeAddon } from '../native/native-addon.ts';
import { tileConfig } from './tile.ts';
import { sharedIdentityConfig } from './shared-identity.ts';
import { ADAM_UPDATE, nativeAdamUpdateConfig } from './adam-update.ts';
import { maxPoolGradConfig } from './max-pool-grad.ts';
import { lstmSequenceForwardConfig } from './lstm-sequence-forward.ts';
import { lstmSequenceBackwardConfig } from './lstm-sequence-backward.ts';
import { movingAveragesConfig } from './moving-averages.ts';
import { CONV2D_BIAS_RELU, conv2dBiasReluConfig, conv2dBiasReluGradConfig } from './conv2d-bias-relu.ts';
import {
  conv2dBiasReluPoolGradConfig,
  NATIVE_ONLY_CONV_POOL_KERNELS,
  nativeConv2dBiasReluPoolConfigs,
} from './conv2d-bias-relu-pool.ts';
import { WORKSPACE, workspaceConfig } from './workspace.ts';
import { denseGradConfig, NATIVE_ONLY_DENSE_KERNELS, nativeDenseConfigs } from './dense.ts';
import {
  NATIVE_ONLY_TEMPORAL_BLOCK_KERNELS,
  nativeTemporalBlockConfigs,
  temporalBlockGradConfig,
} from './temporal-block.ts';
import { softmaxCrossEntropyConfig, softmaxCrossEntropyGradConfig } from './softmax-cross-entropy.ts';

/** Training kernels that `@tensorflow/tfjs-backend-wasm` 4.22 lacks and motionfuse adds. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseConv2dBackpropFilterConfig,
  depthwiseConv2dBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/** motionfuse's own fused kernels (no tfjs op maps to them; our layers call them), in JavaScript over the heap. */
export const WASM_FUSED_KERNELS: readonly KernelConfig[] = [
  lstmSequenceForwardConfig,
  lstmSequenceBackwardConfig,
  movingAveragesConfig,
  softmaxCrossEntropyConfig,
  softmaxCrossEntropyGradConfig,
];

/** The kernels we add, in the native addon's version where it has one (the JavaScript one is its fallback). */
function addedKernels(addon: NativeAddon | undefined): readonly KernelConfig[] {
  if (addon === undefined) return WASM_TRAINING_KERNELS;
  return WASM_TRAINING_KERNELS.map((config) =>
    config.kernelName === 'Conv2DBackpropFilter'
      ? { ...config, kernelFunc: nativeConv2dBackpropFilter(addon, config.kernelFunc) }
      : config,
  );
}

/** The same fused kernels computed by the native addon. */
export function nativeFusedKernels(addon: NativeAddon): KernelConfig[] {
  return [
    nativeLstmForwardConfig(addon),
    nativeLstmBackwardConfig(addon),
    nativeBatchNormTrainingConfig(addon),
    nativeBatchNormTrainingGradConfig(addon),
    nativeAttentionPoolingConfig(addon),
    nativeAttentionPoolingGradConfig(addon),
    nativeAdamUpdateConfig(addon),
    nativeReluGradConfig(addon),
    conv2dBiasReluConfig, // the native FusedConv2D and ReLU gradient underneath
    ...nativeConv2dBiasReluPoolConfigs(addon),
    ...nativeTemporalBlockConfigs(addon),
    ...nativeDenseConfigs(addon),
    workspaceConfig,
    // JavaScript in both sets: per-channel vectors and per-batch losses are small.
    movingAveragesConfig,
    softmaxCrossEntropyConfig,
    softmaxCrossEntropyGradConfig,
  ];
}

/**
 * Kernels the package has but runs far below its own speed elsewhere (see docs/performance.md);
 * each replacement is built around the original, which it keeps for the cases it does not speed up.
 * With the native addon, matrix products go to its GEMM.
 */
function wasmReplacements(addon: NativeAddon | undefined): Record<string, (original: KernelConfig) => KernelConfig> {
  if (addon !== undefined) {
    return {
      BatchMatMul: (original) =>
        nativeBatchMatMulConfig(addon, original, transposeFree('BatchMatMul', original.kernelFunc)),
      _FusedMatMul: (original) => ({ ...original, kernelFunc: fusedAsComposite }),
      Conv2D: (original) => nativeConfig(original, nativeConv2d(addon, original.kernelFunc)),
      FusedConv2D: (original) => nativeConfig(original, nativeFusedConv2d(addon, original.kernelFunc)),
      Add: (original) => nativeConfig(original, nativeBiasAdd(addon, original.kernelFunc)),
      Conv2DBackpropInput: (original) =>
        nativeConfig(original, nativeConv2dBackpropInput(addon, conv2dBackpropInputWasm(original.kernelFunc))),
      Tile: tileConfig,
      Identity: sharedIdentityConfig,
      MaxPoolGrad: (original) =>
        nativeConfig(original, nativeMaxPoolGrad(addon, maxPoolGradWasm as unknown as KernelFunc)),
      MaxPool: (original) => nativeConfig(original, nativeMaxPool(addon, original.kernelFunc)),
      Cast: sharedCastConfig,
      Tanh: (original) => nativeConfig(original, nativeActivation(addon, 'Tanh', original.kernelFunc)),
      Sigmoid: (original) => nativeConfig(original, nativeActivation(addon, 'Sigmoid', original.kernelFunc)),
      Sum: (original) => nativeConfig(original, nativeReduce(addon, 'Sum', original.kernelFunc)),
      Mean: (original) => nativeConfig(original, nativeReduce(addon, 'Mean', original.kernelFunc)),
      FusedBatchNorm: (original) => nativeConfig(original, nativeFusedBatchNorm(addon, original.kernelFunc)),
    };
  }
  return {
    BatchMatMul: (original) =>
      addon === undefined
        ? transposeFreeConfig('BatchMatMul', original)
        : nativeBatchMatMulConfig(addon, original, transposeFree('BatchMatMul', original.kernelFunc)),
    _FusedMatMul: (original) =>
      addon === undefined
        ? transposeFreeConfig('_FusedMatMul', original)
        : { ...original, kernelFunc: fusedAsComposite },
    Conv2DBackpropInput: conv2dBackpropInputConfig,
    Tile: tileConfig,
    Identity: sharedIdentityConfig,
    MaxPoolGrad: maxPoolGradConfig,
    Cast: sharedCastConfig,
  };
}

const ours = new WeakSet<object>();
/** The package's own kernels, as they were before we replaced them. */
const packageKernels = new Map<string, KernelConfig>();
/** Built replacements and fused kernels, per kernel set, so that registering again reuses them. */
const built = new Map<string, KernelConfig>();

export interface WasmKernelRegistration {
  /** Kernels we added because the package has none. */
  added: string[];
  /** Kernels of the package that we replaced with faster ones. */
  replaced: string[];
  /** The native addon's kernels in use ('avx2+fma, 2 threads'), or why not. */
  native: { used: boolean; reason: string };
}

export interface WasmKernelOptions {
  /**
   * Use the native addon's kernels (default: when it loads). false selects the JavaScript/WASM
   * kernels, e.g. to compare the two in one process (tests, benchmarks).
   */
  native?: boolean;
}

/**
 * Registers our kernels for the 'wasm' backend. Idempotent; calling it again with another
 * `native` option swaps the kernel set. A missing kernel that a future tfjs-backend-wasm ships
 * itself is left alone (theirs wins). MOTIONFUSE_WASM_REPLACE=off keeps the package's own matmul
 * and conv-input kernels (for comparison and bisecting); MOTIONFUSE_NATIVE=off keeps the native
 * addon out (see native-addon.ts).
 */
export function registerWasmTrainingKernels(options: WasmKernelOptions = {}): WasmKernelRegistration {
  const nativeStatus = loadNativeAddon();
  const addon = options.native === false ? undefined : nativeStatus.addon;
  const set = addon === undefined ? 'js' : 'native';
  const added: string[] = [];
  const replaced: string[] = [];
  for (const config of addedKernels(addon)) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing !== undefined && !ours.has(existing.kernelFunc)) continue; // the package has its own now
    install(`${set}:${config.kernelName}`, () => config);
    added.push(config.kernelName);
  }
  const fused = addon === undefined ? WASM_FUSED_KERNELS : nativeFusedKernels(addon);
  for (const config of fused) install(`${set}:${config.kernelName}`, () => config);
  registerReluGradient(); // global; uses RELU_GRAD where the backend has it
  // ReLU's gradient in JavaScript is slower than the package's Step and Mul: without the addon, tfjs's own.
  if (addon === undefined) uninstall(RELU_GRAD);
  if (addon === undefined) uninstall(CONV2D_BIAS_RELU);
  else tf.registerGradient(conv2dBiasReluGradConfig);
  if (addon === undefined) for (const name of NATIVE_ONLY_CONV_POOL_KERNELS) uninstall(name);
  else tf.registerGradient(conv2dBiasReluPoolGradConfig);
  if (addon === undefined) for (const name of NATIVE_ONLY_TEMPORAL_BLOCK_KERNELS) uninstall(name);
  else tf.registerGradient(temporalBlockGradConfig);
  if (addon === undefined) uninstall(WORKSPACE);
  if (addon === undefined) for (const name of NATIVE_ONLY_DENSE_KERNELS) uninstall(name);
  else tf.registerGradient(denseGradConfig);
  // Without the addon these have no kernel: their ops then run as stock tfjs ops.
  if (addon === undefined) for (const name of NATIVE_ONLY_ATTENTION_KERNELS) uninstall(name);
  // Adam in JavaScript is slower than the package's SIMD ops: without the addon, the optimizer's stock update.
  if (addon === undefined) uninstall(ADAM_UPDATE);
  if (addon === undefined) for (const name of NATIVE_ONLY_BATCH_NORM_KERNELS) uninstall(name);
  else tf.registerGradient(batchNormTrainingGradConfig);
  if (process.env['MOTIONFUSE_WASM_REPLACE'] !== 'off') {
    const replacements = wasmReplacements(addon);
    for (const [name, make] of Object.entries(replacements)) {
      const current = tf.getKernel(name, 'wasm');
      if (current === undefined) continue;
      if (!ours.has(current.kernelFunc)) packageKernels.set(name, current);
      const original = packageKernels.get(name) as KernelConfig;
      install(`${set}:${name}`, () => make(original));
      replaced.push(name);
    }
    // A kernel that only the other set replaces goes back to the package's own.
    for (const [name, original] of packageKernels) {
      if (!(name in replacements)) install(`package:${name}`, () => original);
    }
  }
  const native =
    options.native === false && nativeStatus.addon !== undefined
      ? { used: false, reason: 'not selected (native: false)' }
      : { used: addon !== undefined, reason: nativeStatus.reason };
  return { added, replaced, native };
}

/** Removes our kernel registered under `name`, if any. */
function uninstall(name: string): void {
  const current = tf.getKernel(name, 'wasm');
  if (current !== undefined && ours.has(current.kernelFunc)) tf.unregisterKernel(name, 'wasm');
}

/** Makes `key`'s kernel (built once) the registered one for its name, if it is not already. */
function install(key: string, make: () => KernelConfig): void {
  let config = built.get(key);
  if (config === undefined) {
    config = make();
    built.set(key, config);
    ours.add(config.kernelFunc);
  }
  const current = tf.getKernel(config.kernelName, 'wasm');
  if (current?.kernelFunc === config.kernelFunc) return;
  if (current !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}
