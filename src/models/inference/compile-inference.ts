import type * as tf from '@tensorflow/tfjs';
import { loadNativeAddon } from '../../backend/native/native-addon.ts';
import { compileActivation } from './activation-kind.ts';
import { compileAttention } from './attention-step.ts';
import { compileBatchNorm } from './batch-norm-affine.ts';
import { compileConv1d } from './conv1d-step.ts';
import { compileConv2d } from './conv2d-step.ts';
import { compileBatchToFrames, compileFramesToBatch } from './frame-batching-steps.ts';
import { compileAveragePool2d, compileMaxPool2d } from './pooling2d-steps.ts';
import { compileDense } from './dense-step.ts';
import { IDENTITY_LAYERS, compileIdentity } from './identity-layers.ts';
import { compileAdd, compileConcatenate } from './merge-steps.ts';
import { compileMaxPool1d, compileGlobalAveragePool1d } from './pooling-steps.ts';
import { compileLstm } from './lstm-step.ts';
import { compileLogMeanProbabilities } from './log-mean-probabilities-step.ts';
import { plannedTensor, sizeOf, type InferenceStep, type LayerCompiler, type PlannedTensor } from './inference-plan.ts';

/** A model's forward compiled for one batch size. */
export interface CompiledInference {
  /**
   * The model's (first) output for `inputs` (one flat row-major array per model input, in model.inputs
   * order, each of inputSizes[i] floats). The returned array is the compiled plan's own output
   * buffer, overwritten by the next call: copy it to keep it. Nothing else is allocated per call.
   */
  predict(inputs: readonly Float32Array[]): Float32Array;
  readonly inputShapes: readonly (readonly number[])[];
  readonly outputShape: readonly number[];
  /** How many native calls and loops one forward runs. */
  readonly steps: number;
}

export type CompileInferenceResult =
  { compiled: CompiledInference; reason?: undefined } | { compiled: undefined; reason: string };

const COMPILERS: Record<string, LayerCompiler> = {
  Conv1D: compileConv1d,
  Conv2D: compileConv2d,
  MaxPooling2D: compileMaxPool2d,
  AveragePooling2D: compileAveragePool2d,
  FramesToBatch: compileFramesToBatch,
  BatchToFrames: compileBatchToFrames,
  Dense: compileDense,
  BatchNormalization: compileBatchNorm,
  FastBatchNormalization: compileBatchNorm,
  ReLU: compileActivation,
  Activation: compileActivation,
  MaxPooling1D: compileMaxPool1d,
  GlobalAveragePooling1D: compileGlobalAveragePool1d,
  FastLstm: compileLstm,
  LSTM: compileLstm,
  TemporalAttentionPooling: compileAttention,
  Concatenate: compileConcatenate,
  Add: compileAdd,
  LogMeanProbabilities: compileLogMeanProbabilities,
  ...Object.fromEntries([...IDENTITY_LAYERS].map((name) => [name, compileIdentity])),
};

/**
 * Compiles a tf.LayersModel's inference forward: walks its graph once, snapshots the weights
 * (later training does not reach the compiled forward: compile again), preallocates every
 * activation for `batch`, and fuses Conv1D + BatchNorm + ReLU + MaxPooling1D (and Dense +
 * BatchNorm + activation) into single native calls. The forward then runs as a short list of
 * native calls and loops, with no tfjs kernels, so no per-kernel bookkeeping and no garbage.
 * Only the first output is compiled (the prediction; auxiliary training heads are left out).
 * Returns the reason instead when the native addon did not load or a layer is not supported
 * (callers fall back to model.predict).
 */
export function compileInference(model: tf.LayersModel, options: { batch?: number } = {}): CompileInferenceResult {
  const batch = options.batch ?? 1;
  const { addon, reason: addonReason } = loadNativeAddon();
  if (addon === undefined) return { compiled: undefined, reason: `the native addon is not loaded: ${addonReason}` };

  const withBatch = (shape: readonly (number | null)[], what: string): number[] => {
    const rest = shape.slice(1);
    if (rest.some((d) => d === null))
      throw new UnsupportedLayer(`${what} has an unknown dimension [${shape.join(', ')}]`);
    return [batch, ...(rest as number[])];
  };
  const shapeOf = (layer: tf.layers.Layer) => withBatch((layer.output as tf.SymbolicTensor).shape, layer.name);

  try {
    const planned = new Map<number, PlannedTensor>();
    const inputs = model.inputs.map((t) => {
      const tensor = plannedTensor(withBatch(t.shape, `input ${t.name}`));
      planned.set(t.id, tensor);
      return tensor;
    });
    const consumers = new Map<number, tf.layers.Layer[]>();
    const outputIds = new Set(model.outputs.map((t) => t.id));
    for (const layer of model.layers) {
      if (layer.inboundNodes.length !== 1) throw new UnsupportedLayer(`${describe(layer)} is applied more than once`);
      for (const t of inputsOf(layer)) consumers.set(t.id, [...(consumers.get(t.id) ?? []), layer]);
    }
    // The layer that alone reads `layer`'s output (and the output is no model output), for fusion.
    const soleConsumer = (layer: tf.layers.Layer): tf.layers.Layer | undefined => {
      const out = layer.output as tf.SymbolicTensor;
      const readers = consumers.get(out.id) ?? [];
      return readers.length === 1 && !outputIds.has(out.id) ? readers[0] : undefined;
    };

    const steps: InferenceStep[] = [];
    const absorbed = new Set<tf.layers.Layer>();
    // Only what the first output (the prediction) needs: training-only heads are left out.
    const needed = new Set<tf.layers.Layer>();
    const stack = [model.outputs[0]!.sourceLayer as tf.layers.Layer];
    while (stack.length > 0) {
      const layer = stack.pop()!;
      if (needed.has(layer)) continue;
      needed.add(layer);
      if (layer.getClassName() !== 'InputLayer')
        for (const t of inputsOf(layer)) stack.push(t.sourceLayer as tf.layers.Layer);
    }
    let pending = model.layers.filter((l) => needed.has(l) && l.getClassName() !== 'InputLayer');
    while (pending.length > 0) {
      const ready = pending.filter((l) => !absorbed.has(l) && inputsOf(l).every((t) => planned.has(t.id)));
      if (ready.length === 0)
        throw new UnsupportedLayer(`the graph of ${pending.map((l) => l.name).join(', ')} could not be ordered`);
      const layer = ready[0]!;
      const compiler = COMPILERS[layer.getClassName()];
      if (compiler === undefined) throw new UnsupportedLayer(`${describe(layer)} is not supported`);
      const next: tf.layers.Layer[] = [];
      for (let l: tf.layers.Layer | undefined = soleConsumer(layer); l !== undefined && next.length < 3;) {
        next.push(l);
        l = soleConsumer(l);
      }
      const layerInputs = inputsOf(layer).map((t) => planned.get(t.id)!);
      // Leading dimension from the planned input, not `batch`: after FramesToBatch it is batch x frames.
      const lead = layerInputs[0]?.shape[0] ?? batch;
      const shapeAt = (l: tf.layers.Layer) => [lead, ...shapeOf(l).slice(1)];
      const plan = compiler({ layer, inputs: layerInputs, outputShape: shapeAt(layer), next, shapeOf: shapeAt, addon });
      if (typeof plan === 'string') throw new UnsupportedLayer(`${describe(layer)}: ${plan}`);
      steps.push(...plan.steps);
      const fused = next.slice(0, plan.absorbed ?? 0);
      for (const l of fused) absorbed.add(l);
      planned.set(((fused.at(-1) ?? layer).output as tf.SymbolicTensor).id, plan.output);
      pending = pending.filter((l) => l !== layer && !fused.includes(l));
    }
    const result = planned.get(model.outputs[0]!.id);
    if (result === undefined) throw new UnsupportedLayer('the output was not reached');
    const sizes = inputs.map((t) => t.buffer.length);
    const compiled: CompiledInference = {
      predict(xs) {
        if (xs.length !== inputs.length)
          throw new Error(`compiled predict(): expected ${inputs.length} inputs, got ${xs.length}`);
        for (let i = 0; i < inputs.length; i++) {
          const x = xs[i]!;
          if (x.length !== sizes[i])
            throw new Error(
              `compiled predict(): input ${i} holds ${x.length} floats, expected ${sizes[i]} ([${inputs[i]!.shape.join(', ')}])`,
            );
          inputs[i]!.buffer.set(x);
        }
        for (const step of steps) step();
        return result.buffer;
      },
      inputShapes: inputs.map((t) => t.shape),
      outputShape: result.shape,
      steps: steps.length,
    };
    return { compiled };
  } catch (err) {
    if (err instanceof UnsupportedLayer) return { compiled: undefined, reason: err.message };
    throw err;
  }
}

class UnsupportedLayer extends Error {}

function describe(layer: tf.layers.Layer): string {
  return `layer '${layer.name}' (${layer.getClassName()})`;
}

function inputsOf(layer: tf.layers.Layer): tf.SymbolicTensor[] {
  const input = layer.input as tf.SymbolicTensor | tf.SymbolicTensor[];
  return Array.isArray(input) ? input : [input];
}

/** Floats in a compiled model's output for its batch (for callers sizing their copies). */
export function outputSize(compiled: CompiledInference): number {
  return sizeOf(compiled.outputShape);
}
