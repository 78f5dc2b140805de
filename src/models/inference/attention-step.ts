import { plannedTensor, type LayerCompiler } from './inference-plan.ts';
import { layerWeights, requiredWeight } from './layer-weights.ts';

/** TemporalAttentionPooling as one native call (the addon's attentionPool): [B, T, F] -> [B, F]. */
export const compileAttention: LayerCompiler = ({ layer, inputs, outputShape, addon }) => {
  const input = inputs[0]!;
  const [B, T, F] = input.shape as [number, number, number];
  const w = layerWeights(layer);
  const kernel = requiredWeight(w, 'kernel', layer);
  const bias = requiredWeight(w, 'bias', layer);
  const context = requiredWeight(w, 'context', layer);
  const U = bias.length;
  const output = plannedTensor(outputShape);
  const x = input.buffer;
  const y = output.buffer;
  return { output, steps: [() => addon.attentionPool(x, kernel, bias, context, y, B, T, F, U)] };
};
