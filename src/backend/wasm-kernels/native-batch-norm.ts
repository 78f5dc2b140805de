import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../native/native-addon.ts';
import { checkFloat32, heapFloat32, type WasmBackend } from './wasm-heap.ts';

/**
 * Batch normalisation by the native addon, over x [rows, channels] (channels last):
 * - MotionfuseBatchNormTraining: {x, gamma, beta}, {epsilon} -> [y, batch mean, biased variance];
 * - MotionfuseBatchNormTrainingGrad: {dy, x, gamma, mean, variance}, {epsilon} -> [dx, dgamma, dbeta],
 *   linked to the first by a registered gradient (the moments carry none, as with batchNormTraining's ops);
 * - FusedBatchNorm (what tf.batchNorm runs, in inference) where every statistic is per channel;
 *   other broadcasts go to the package's kernel.
 * tfjs reaches the training numbers through moments, FusedBatchNorm and their taped gradients:
 * about 20 kernels each way, and the package's FusedBatchNorm divides by a square root per value.
 */
export const BATCH_NORM_TRAINING = 'MotionfuseBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD = 'MotionfuseBatchNormTrainingGrad';
/** Without the addon these are not registered: batchNormTraining then runs as tfjs ops. */
export const NATIVE_ONLY_BATCH_NORM_KERNELS: readonly string[] = [BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD];

function rowsAndChannels(kernel: string, x: TensorInfo): [number, number] {
  if (x.shape.length !== 2) throw new Error(`${kernel} (wasm): x must be [rows, channels], got [${x.shape}]`);
  return x.shape as [number, number];
}

function checkChannels(kernel: string, channels: number, inputs: Record<string, TensorInfo>): void {
  for (const [name, t] of Object.entries(inputs)) {
    checkFloat32(kernel, name, t);
    if (t.shape.length !== 1 || t.shape[0] !== channels)
      throw new Error(`${kernel} (wasm): ${name} must be [${channels}], got [${t.shape}]`);
  }
}

export function nativeBatchNormTrainingConfig(addon: NativeAddon): KernelConfig {
  const kernelFunc = (args: {
    inputs: { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
    attrs: { epsilon: number };
    backend: WasmBackend;
  }): TensorInfo[] => {
    const { x, gamma, beta } = args.inputs;
    const { backend } = args;
    checkFloat32(BATCH_NORM_TRAINING, 'x', x);
    const [rows, channels] = rowsAndChannels(BATCH_NORM_TRAINING, x);
    checkChannels(BATCH_NORM_TRAINING, channels, { gamma, beta });
    if (rows === 0) throw new Error(`${BATCH_NORM_TRAINING} (wasm): x has no rows`);
    const y = backend.makeOutput([rows, channels], 'float32');
    const mean = backend.makeOutput([channels], 'float32');
    const variance = backend.makeOutput([channels], 'float32');
    if (channels === 0) return [y, mean, variance];
    // Views only after every allocation: an allocation may grow (and so move) the heap.
    const view = (t: TensorInfo) => heapFloat32(backend, t);
    addon.batchNormTraining(
      view(x),
      view(gamma),
      view(beta),
      view(y),
      view(mean),
      view(variance),
      rows,
      channels,
      args.attrs.epsilon,
    );
    return [y, mean, variance];
  };
  return { kernelName: BATCH_NORM_TRAINING, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

export function nativeBatchNormTrainingGradConfig(addon: NativeAddon): KernelConfig {
  const kernelFunc = (args: {
    inputs: { dy: TensorInfo; x: TensorInfo; gamma: TensorInfo; mean: TensorInfo; variance: TensorInfo };
    attrs: { epsilon: number };
    backend: WasmBackend;
  }): TensorInfo[] => {
    const { dy, x, gamma, mean, variance } = args.inputs;
    const { backend } = args;
    checkFloat32(BATCH_NORM_TRAINING_GRAD, 'x', x);
    checkFloat32(BATCH_NORM_TRAINING_GRAD, 'dy', dy);
    const [rows, channels] = rowsAndChannels(BATCH_NORM_TRAINING_GRAD, x);
    if (dy.shape.length !== 2 || dy.shape[0] !== rows || dy.shape[1] !== channels)
      throw new Error(`${BATCH_NORM_TRAINING_GRAD} (wasm): dy must be [${x.shape}], got [${dy.shape}]`);
    checkChannels(BATCH_NORM_TRAINING_GRAD, channels, { gamma, mean, variance });
    const dx = backend.makeOutput([rows, channels], 'float32');
    const dgamma = backend.makeOutput([channels], 'float32');
    const dbeta = backend.makeOutput([channels], 'float32');
    if (rows * channels === 0) {
      for (const t of [dgamma, dbeta]) heapFloat32(backend, t).fill(0);
      return [dx, dgamma, dbeta];
    }
    const view = (t: TensorInfo) => heapFloat32(backend, t);
    addon.batchNormTrainingGrad(
      view(dy),
      view(x),
      view(gamma),
      view(mean),
      view(variance),
      view(dx),
      view(dgamma),
      view(dbeta),
      rows,
      channels,
      args.attrs.epsilon,
    );
    return [dx, dgamma, dbeta];
  };
  return { kernelName: BATCH_NORM_TRAINING_GRAD, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** dx, dgamma and dbeta from the gradient kernel; the batch moments (outputs 1 and 2) get none. */
export const batchNormTrainingGradConfig: GradConfig = {
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap | undefined) => {
    const dy = (dys as tf.Tensor[])[0] as tf.Tensor;
    const [x, gamma, mean, variance] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const [dx, dgamma, dbeta] = tf
      .engine()
      .runKernel(BATCH_NORM_TRAINING_GRAD, { dy, x, gamma, mean, variance }, attrs ?? {}) as tf.Tensor[];
    return { x: () => dx as tf.Tensor, gamma: () => dgamma as tf.Tensor, beta: () => dbeta as tf.Tensor };
  },
};

/**
 * FusedBatchNorm where mean, variance and the optional offset and scale are all [channels] of x's
 * last axis (the layers' case); anything else goes to `fallback`.
 */
export function nativeFusedBatchNorm(addon: NativeAddon, fallback: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { x, mean, variance, offset, scale } = args.inputs as {
      x: TensorInfo;
      mean: TensorInfo;
      variance: TensorInfo;
      offset?: TensorInfo | null;
      scale?: TensorInfo | null;
    };
    const { varianceEpsilon } = args.attrs as { varianceEpsilon: number };
    const channels = x.shape[x.shape.length - 1] ?? 0;
    const params = [mean, variance, offset, scale].filter((t): t is TensorInfo => t != null);
    const perChannel = params.every((t) => t.dtype === 'float32' && t.shape.length === 1 && t.shape[0] === channels);
    if (x.dtype !== 'float32' || x.shape.length === 0 || channels === 0 || !perChannel) return fallback(args);
    const backend = args.backend as unknown as WasmBackend;
    const y = backend.makeOutput(x.shape, 'float32');
    const rows = x.shape.reduce((a, b) => a * b, 1) / channels;
    if (rows === 0) return y;
    const view = (t: TensorInfo) => heapFloat32(backend, t);
    const m = view(mean);
    addon.batchNormInference(
      view(x),
      m,
      view(variance),
      offset == null ? m : view(offset),
      scale == null ? m : view(scale),
      view(y),
      rows,
      channels,
      varianceEpsilon,
      offset != null,
      scale != null,
    );
    return y;
  };
  Object.defineProperty(kernel, 'name', { value: 'FusedBatchNormNative' });
  return kernel;
}
