import * as tf from '@tensorflow/tfjs';
import type { NativeAddon } from '../../backend/native/native-addon.ts';
import { poolInfoDims } from '../../backend/wasm-kernels/native-max-pool.ts';
import { configOf, plannedTensor, type InferenceStep, type LayerCompiler } from './inference-plan.ts';

type Pair = [number, number];
const pair = (v: unknown, fallback: number): Pair =>
  typeof v === 'number' ? [v, v] : Array.isArray(v) ? [v[0] as number, (v[1] ?? v[0]) as number] : [fallback, fallback];

/** The addon's maxPool dims (cc/pool.h) and the output shape for a pooling layer on an NHWC input. */
export function pool2dDims(
  layer: tf.layers.Layer,
  inShape: readonly number[],
): { dims: number[]; outShape: number[] } | string {
  const config = configOf(layer);
  if (config['dataFormat'] !== undefined && config['dataFormat'] !== 'channelsLast')
    return 'only channelsLast is compiled';
  const padding = config['padding'];
  if (padding !== 'valid' && padding !== 'same') return `padding '${String(padding)}' is not compiled`;
  const size = pair(config['poolSize'], 2);
  const strides = config['strides'] === null || config['strides'] === undefined ? size : pair(config['strides'], 1);
  const info = tf.backend_util.computePool2DInfo(
    inShape as [number, number, number, number],
    size,
    strides,
    1,
    padding,
  );
  const dims = poolInfoDims(info);
  return { dims, outShape: info.outShape };
}

/** Max pooling of `x` into `y` by the addon (padding never wins a window, as in tfjs). */
export function maxPool2dStep(addon: NativeAddon, x: Float32Array, y: Float32Array, dims: number[]): InferenceStep {
  return () => addon.maxPool(x, y, dims);
}

/** MaxPooling2D not fused into a convolution. */
export const compileMaxPool2d: LayerCompiler = ({ layer, inputs, addon }) => {
  const pool = pool2dDims(layer, inputs[0]!.shape);
  if (typeof pool === 'string') return pool;
  const output = plannedTensor(pool.outShape);
  return { output, steps: [maxPool2dStep(addon, inputs[0]!.buffer, output.buffer, pool.dims)] };
};

/** AveragePooling2D with valid padding (the flow branch's downsampling): each window's mean. */
export const compileAveragePool2d: LayerCompiler = ({ layer, inputs }) => {
  const pool = pool2dDims(layer, inputs[0]!.shape);
  if (typeof pool === 'string') return pool;
  const [B, H, W, C, outH, outW, fH, fW, sH, sW, padTop, padLeft] = pool.dims as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // tfjs divides 'same' windows by their in-image count; only valid (no padding) is compiled.
  if (padTop !== 0 || padLeft !== 0 || configOf(layer)['padding'] !== 'valid') return 'only valid padding is compiled';
  const output = plannedTensor(pool.outShape);
  const x = inputs[0]!.buffer;
  const y = output.buffer;
  const count = fH * fW;
  const step: InferenceStep = () => {
    for (let b = 0; b < B; b++)
      for (let oh = 0; oh < outH; oh++)
        for (let ow = 0; ow < outW; ow++) {
          const o = ((b * outH + oh) * outW + ow) * C;
          for (let c = 0; c < C; c++) {
            let sum = 0;
            for (let i = 0; i < fH; i++)
              for (let j = 0; j < fW; j++) sum += x[((b * H + oh * sH + i) * W + ow * sW + j) * C + c] as number;
            y[o + c] = sum / count;
          }
        }
  };
  return { output, steps: [step] };
};
