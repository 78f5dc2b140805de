import type { LayerCompiler } from './inference-plan.ts';

/**
 * Layers that at inference change nothing in memory: dropouts and noise (identity when not
 * training; ModalityDropout too), and Flatten / Reshape (row-major data, new shape). Their output
 * shares the input's buffer.
 */
export const IDENTITY_LAYERS: ReadonlySet<string> = new Set([
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ModalityDropout',
  'Flatten',
  'Reshape',
]);

export const compileIdentity: LayerCompiler = ({ inputs, outputShape }) => ({
  output: { buffer: inputs[0]!.buffer, shape: outputShape },
  steps: [],
});
