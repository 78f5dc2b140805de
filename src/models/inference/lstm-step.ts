import { configOf, plannedTensor, type LayerCompiler } from './inference-plan.ts';
import { layerWeights, requiredWeight } from './layer-weights.ts';

/**
 * FastLstm, or a tf.layers.lstm computing the same (tanh, logistic-sigmoid gates, bias, no state
 * options), as the addon's lstmInfer: nothing saved for a backward pass, the recurrent product
 * of batch 1 as a matrix-vector product.
 */
export const compileLstm: LayerCompiler = ({ layer, inputs, outputShape, addon }) => {
  const config = configOf(layer);
  if (layer.getClassName() === 'LSTM') {
    const unsupported = [
      config['activation'] !== 'tanh' && 'activation other than tanh',
      config['recurrentActivation'] !== 'sigmoid' && 'recurrentActivation other than sigmoid',
      config['useBias'] !== true && 'no bias',
      config['returnState'] === true && 'returnState',
      config['goBackwards'] === true && 'goBackwards',
      config['stateful'] === true && 'stateful',
    ].filter((x) => x !== false);
    if (unsupported.length > 0) return `LSTM with ${unsupported.join(', ')} is not compiled`;
  }
  const sequences = config['returnSequences'] === true;
  const input = inputs[0]!;
  const [B, T, I] = input.shape as [number, number, number];
  const H = outputShape[outputShape.length - 1]!;
  const w = layerWeights(layer);
  const kernel = requiredWeight(w, 'kernel', layer);
  const recurrent = requiredWeight(w, 'recurrent_kernel', layer);
  const bias = requiredWeight(w, 'bias', layer);
  const output = plannedTensor(outputShape);
  const x = input.buffer;
  const h = output.buffer;
  return { output, steps: [() => addon.lstmInfer(x, kernel, recurrent, bias, h, B, T, I, H, sequences)] };
};
