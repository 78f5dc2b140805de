import { ACTIVATION_CODES, activationKind, activationOfLayer } from './activation-kind.ts';
import { batchNormAffine, isLastAxisBatchNorm } from './batch-norm-affine.ts';
import { configOf, plannedTensor, sizeOf, type LayerCompiler } from './inference-plan.ts';
import { layerWeights, requiredWeight } from './layer-weights.ts';

/**
 * Dense on inputs of any rank (the product is over the last axis, rows are everything before),
 * as one native call with its bias and activation; a linear Dense also absorbs a BatchNorm that
 * follows (folded: W * scale, b * scale + shift) and then a ReLU or Activation layer.
 */
export const compileDense: LayerCompiler = ({ layer, inputs, outputShape, next, shapeOf, addon }) => {
  const config = configOf(layer);
  let act = activationKind(config['activation']);
  if (act === undefined) return `activation '${String(config['activation'])}' is not compiled`;
  const input = inputs[0]!;
  const K = input.shape[input.shape.length - 1]!;
  const N = outputShape[outputShape.length - 1]!;
  const M = sizeOf(input.shape) / K;
  const weights = layerWeights(layer);
  const kernel = requiredWeight(weights, 'kernel', layer);
  let bias = weights.get('bias');
  let absorbed = 0;
  if (act === 'linear' && next[0] !== undefined && isLastAxisBatchNorm(next[0], outputShape.length)) {
    const { scale, shift } = batchNormAffine(next[0]);
    for (let i = 0; i < kernel.length; i++) kernel[i] = (kernel[i] as number) * (scale[i % N] as number);
    const folded = new Float32Array(N);
    for (let c = 0; c < N; c++) folded[c] = (bias?.[c] ?? 0) * (scale[c] as number) + (shift[c] as number);
    bias = folded;
    absorbed++;
  }
  const following = next[absorbed];
  const fusedAct = act === 'linear' && following !== undefined ? activationOfLayer(following) : undefined;
  if (fusedAct !== undefined) {
    act = fusedAct;
    absorbed++;
  }
  const output = plannedTensor(absorbed > 0 ? shapeOf(next[absorbed - 1]!) : outputShape);
  const x = input.buffer;
  const y = output.buffer;
  const b = bias ?? new Float32Array(0);
  const hasBias = bias !== undefined;
  const code = ACTIVATION_CODES[act];
  return { output, steps: [() => addon.denseForward(x, kernel, b, y, M, K, N, code, hasBias)], absorbed };
};
