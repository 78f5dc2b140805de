import type * as tf from '@tensorflow/tfjs';
import { configOf, plannedTensor, type LayerCompiler, type InferenceStep } from './inference-plan.ts';
import type { NativeAddon } from '../../backend/native/native-addon.ts';

/** The activations compiled, numbered as the addon's denseForward takes them. */
export const ACTIVATION_CODES = { linear: 0, relu: 1, tanh: 2, sigmoid: 3, softmax: 4 } as const;
export type ActivationKind = keyof typeof ACTIVATION_CODES;

export function activationKind(name: unknown): ActivationKind | undefined {
  return typeof name === 'string' && name in ACTIVATION_CODES ? (name as ActivationKind) : undefined;
}

/** The activation a ReLU or Activation layer applies, or undefined when it is neither (or a ReLU with maxValue). */
export function activationOfLayer(layer: tf.layers.Layer): ActivationKind | undefined {
  const config = configOf(layer);
  if (layer.getClassName() === 'ReLU')
    return config['maxValue'] === undefined || config['maxValue'] === null ? 'relu' : undefined;
  if (layer.getClassName() === 'Activation') return activationKind(config['activation']);
  return undefined;
}

/** `kind` in place on `y`, viewed as rows of `width` (softmax is per row). */
export function activationStep(
  addon: NativeAddon,
  kind: ActivationKind,
  y: Float32Array,
  width: number,
): InferenceStep {
  switch (kind) {
    case 'linear':
      return () => {};
    case 'relu':
      return () => {
        for (let i = 0; i < y.length; i++) if ((y[i] as number) < 0) y[i] = 0;
      };
    case 'tanh':
      return () => addon.activation(0, y, y, y.length);
    case 'sigmoid':
      return () => addon.activation(1, y, y, y.length);
    case 'softmax':
      return () => {
        for (let r = 0; r < y.length; r += width) {
          let max = -Infinity;
          for (let j = 0; j < width; j++) max = Math.max(max, y[r + j] as number);
          let sum = 0;
          for (let j = 0; j < width; j++) sum += y[r + j] = Math.exp((y[r + j] as number) - max);
          for (let j = 0; j < width; j++) y[r + j] = (y[r + j] as number) / sum;
        }
      };
  }
}

/** A ReLU or Activation layer that was not fused into the layer before it. */
export const compileActivation: LayerCompiler = ({ layer, inputs, outputShape, addon }) => {
  const kind = activationOfLayer(layer);
  if (kind === undefined)
    return `activation '${String(configOf(layer)['activation'] ?? 'relu with maxValue')}' is not compiled`;
  const input = inputs[0]!;
  if (kind === 'linear') return { output: input, steps: [] };
  const output = plannedTensor(outputShape);
  const x = input.buffer;
  const y = output.buffer;
  return { output, steps: [() => y.set(x), activationStep(addon, kind, y, outputShape[outputShape.length - 1]!)] };
};
