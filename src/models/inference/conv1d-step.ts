import { activationOfLayer, activationKind, activationStep } from './activation-kind.ts';
import { batchNormAffine, isLastAxisBatchNorm } from './batch-norm-affine.ts';
import { configOf, firstNumber, plannedTensor, type LayerCompiler, type InferenceStep } from './inference-plan.ts';
import { layerWeights, requiredWeight } from './layer-weights.ts';

/**
 * Conv1D, with what follows it fused into one native call (the addon's convBlock): a BatchNorm
 * (folded into the filter and bias: w * scale, b * scale + shift), a ReLU and a valid MaxPooling1D,
 * each when present and when it alone reads the output before it. Padding same or valid, any
 * stride and dilation.
 */
export const compileConv1d: LayerCompiler = ({ layer, inputs, outputShape, next, shapeOf, addon }) => {
  const config = configOf(layer);
  if (config['dataFormat'] !== undefined && config['dataFormat'] !== 'channelsLast')
    return 'only channelsLast is compiled';
  const act = activationKind(config['activation']);
  if (act === undefined) return `activation '${String(config['activation'])}' is not compiled`;
  const input = inputs[0]!;
  const [batch, inW, inC] = input.shape as [number, number, number];
  const [, convW, outC] = outputShape as [number, number, number];
  const kernel = firstNumber(config['kernelSize'], 1);
  const stride = firstNumber(config['strides'], 1);
  const dilation = firstNumber(config['dilationRate'], 1);
  const padding = config['padding'];
  let padLeft = 0;
  if (padding === 'same')
    padLeft = Math.floor(Math.max((convW - 1) * stride + (kernel - 1) * dilation + 1 - inW, 0) / 2);
  // tfjs 4.22's conv1d throws on 'causal' padding, so no model has it to compile.
  else if (padding !== 'valid') return `padding '${String(padding)}' is not compiled`;

  const weights = layerWeights(layer);
  const filter = requiredWeight(weights, 'kernel', layer);
  let bias = weights.get('bias');
  let absorbed = 0;
  let lastShape = outputShape;
  const following = next[absorbed];
  if (act === 'linear' && following !== undefined && isLastAxisBatchNorm(following, 3)) {
    const { scale, shift } = batchNormAffine(following);
    for (let i = 0; i < filter.length; i++) filter[i] = (filter[i] as number) * (scale[i % outC] as number);
    const folded = new Float32Array(outC);
    for (let c = 0; c < outC; c++) folded[c] = (bias?.[c] ?? 0) * (scale[c] as number) + (shift[c] as number);
    bias = folded;
    absorbed++;
  }
  let relu = act === 'relu';
  if (act === 'linear' && next[absorbed] !== undefined && activationOfLayer(next[absorbed]!) === 'relu') {
    relu = true;
    absorbed++;
  }
  let pool = 1;
  let poolStride = 1;
  const pooling = act === 'linear' || act === 'relu' ? next[absorbed] : undefined;
  if (pooling?.getClassName() === 'MaxPooling1D' && configOf(pooling)['padding'] === 'valid') {
    pool = firstNumber(configOf(pooling)['poolSize'], 2);
    poolStride = firstNumber(configOf(pooling)['strides'], pool);
    lastShape = shapeOf(pooling);
    absorbed++;
  } else if (absorbed > 0) {
    lastShape = shapeOf(next[absorbed - 1]!);
  }
  const output = plannedTensor(lastShape);
  const outW = lastShape[1]!;
  const dims = [batch, inW, inC, convW, outC, kernel, stride, dilation, padLeft, relu ? 1 : 0, pool, poolStride, outW];
  const x = input.buffer;
  const y = output.buffer;
  const b = bias ?? new Float32Array(0);
  const hasBias = bias !== undefined;
  const steps: InferenceStep[] = [() => addon.convBlock(x, filter, b, y, dims, hasBias)];
  if (act !== 'linear' && act !== 'relu') steps.push(activationStep(addon, act, y, outC));
  return { output, steps, absorbed };
};
