import type * as tf from '@tensorflow/tfjs';
import type { NativeAddon } from '../../backend/native/native-addon.ts';

/** A tensor of a compiled forward: its preallocated buffer (shared by aliases such as Flatten) and its shape, batch included. */
export interface PlannedTensor {
  buffer: Float32Array;
  shape: number[];
}

/** One step of a compiled forward: a native call or a short loop on preallocated buffers; allocates nothing. */
export type InferenceStep = () => void;

/** What a layer compiler gets: the layer, its planned inputs and what follows it (for fusion). */
export interface LayerCompileInput {
  layer: tf.layers.Layer;
  inputs: PlannedTensor[];
  /** The layer's output shape, batch included. */
  outputShape: number[];
  /** The layers that alone consume this layer's output, then that one's, ... (up to 3): candidates to fuse. */
  next: tf.layers.Layer[];
  /** Output shape of any layer of the model, batch included. */
  shapeOf: (layer: tf.layers.Layer) => number[];
  addon: NativeAddon;
}

/** A compiled layer: its steps and output; `absorbed` of the `next` layers were fused into it. */
export interface LayerPlan {
  output: PlannedTensor;
  steps: InferenceStep[];
  absorbed?: number;
}

/** Compiles one layer kind, or says why it cannot (the reason names no layer: the caller adds it). */
export type LayerCompiler = (input: LayerCompileInput) => LayerPlan | string;

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A fresh output tensor of `shape`. */
export function plannedTensor(shape: number[]): PlannedTensor {
  return { buffer: new Float32Array(sizeOf(shape)), shape };
}

/** The layer's serialised config (what getConfig returns), for reading options. */
export function configOf(layer: tf.layers.Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

/** A config entry that tfjs stores as a number or a one-element array (kernelSize, strides, dilationRate). */
export function firstNumber(value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
  return fallback;
}
