import * as tf from '@tensorflow/tfjs';
import { convDims } from '../../backend/wasm-kernels/native-conv.ts';
import { activationKind, activationStep } from './activation-kind.ts';
import { configOf, plannedTensor, type InferenceStep, type LayerCompiler } from './inference-plan.ts';
import { layerWeights, requiredWeight } from './layer-weights.ts';
import { maxPool2dStep, pool2dDims } from './pooling2d-steps.ts';

const pair = (v: unknown): [number, number] =>
  typeof v === 'number' ? [v, v] : Array.isArray(v) ? [v[0] as number, (v[1] ?? v[0]) as number] : [1, 1];

/**
 * Conv2D (NHWC) as the addon's convolution with bias and ReLU in the same pass (the direct kernel
 * for few output channels), then a MaxPooling2D that alone reads it, when one does. Other
 * activations run as a step after it.
 */
export const compileConv2d: LayerCompiler = ({ layer, inputs, next, addon }) => {
  const config = configOf(layer);
  if (config['dataFormat'] !== undefined && config['dataFormat'] !== 'channelsLast')
    return 'only channelsLast is compiled';
  const act = activationKind(config['activation']);
  if (act === undefined || act === 'softmax') return `activation '${String(config['activation'])}' is not compiled`;
  const padding = config['padding'];
  if (padding !== 'valid' && padding !== 'same') return `padding '${String(padding)}' is not compiled`;
  const input = inputs[0]!;
  const weights = layerWeights(layer);
  const filter = requiredWeight(weights, 'kernel', layer);
  const bias = weights.get('bias');
  const [fH, fW] = pair(config['kernelSize']);
  const outC = filter.length / (fH * fW * input.shape[3]!);
  const info = tf.backend_util.computeConv2DInfo(
    input.shape as [number, number, number, number],
    [fH, fW, input.shape[3]!, outC],
    pair(config['strides']),
    pair(config['dilationRate']),
    padding,
  );
  const dims = convDims(info);
  const conv = plannedTensor(info.outShape);
  const x = input.buffer;
  const y = conv.buffer;
  const b = bias ?? y;
  const flags = (bias !== undefined ? 1 : 0) | (act === 'relu' ? 2 : 0);
  const steps: InferenceStep[] = [() => addon.conv2dBiasRelu(x, filter, b, y, dims, flags)];
  if (act !== 'linear' && act !== 'relu') steps.push(activationStep(addon, act, y, outC));
  const following = next[0];
  if (following?.getClassName() !== 'MaxPooling2D') return { output: conv, steps };
  const pool = pool2dDims(following, conv.shape);
  if (typeof pool === 'string') return { output: conv, steps };
  const output = plannedTensor(pool.outShape);
  steps.push(maxPool2dStep(addon, y, output.buffer, pool.dims));
  return { output, steps, absorbed: 1 };
};
