import * as tf from '@tensorflow/tfjs';
import { FastBatchNormalization } from '../layers/fast-batch-normalization.ts';
import type { EncoderBuilder } from './encoder-builder.ts';
import type { DepthMapsEncoderOptions } from './depth-maps-options.ts';

/**
 * A small 2-D CNN over the depth motion maps [S, S, 3] (front, side and top as channels): per
 * block conv2d 3x3 ('same', no bias: the BatchNorm's offset is that parameter) -> BatchNorm
 * (`FastBatchNormalization`, momentum 0.9) -> ReLU, halving the map either by the conv's stride of
 * 2 or by a 2x2 max-pool after it; then the last map flattened (or averaged) -> vector. The maps
 * are one image per take, so the encoder gives a vector and the fusion's temporal pooling has
 * nothing to do.
 */
export const buildDepthMapsEncoder: EncoderBuilder<DepthMapsEncoderOptions> = (input, options, context) => {
  const { modality, shape, nextSeed } = context;
  const { widths, downsample, pooling } = options;
  const [height, width, channels] = shape;
  if (shape.length !== 3 || height === undefined || width === undefined || channels === undefined)
    throw new Error(
      `buildDepthMapsEncoder(): ${modality} input must be [height, width, channels], got [${shape.join(', ')}]`,
    );
  if (widths.length === 0) throw new Error('buildDepthMapsEncoder(): widths must name at least one block');
  if (downsample !== 'stride' && downsample !== 'max-pool')
    throw new Error(`buildDepthMapsEncoder(): downsample must be 'stride' or 'max-pool', got ${String(downsample)}`);
  if (pooling !== 'flatten' && pooling !== 'mean')
    throw new Error(`buildDepthMapsEncoder(): pooling must be 'flatten' or 'mean', got ${String(pooling)}`);
  if (Math.min(height, width) < 2 ** widths.length)
    throw new Error(
      `buildDepthMapsEncoder(): ${modality} input is ${height} x ${width}, too small for ${widths.length} halvings (needs ${2 ** widths.length})`,
    );
  const name = (layer: string, block?: number) => `${modality}_${layer}${block ?? ''}`;
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor) => layer.apply(x) as tf.SymbolicTensor;
  let x = input;
  widths.forEach((filters, i) => {
    const block = i + 1;
    x = apply(
      tf.layers.conv2d({
        filters,
        kernelSize: 3,
        strides: downsample === 'stride' ? 2 : 1,
        padding: 'same',
        useBias: false,
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
        name: name('conv', block),
      }),
      x,
    );
    x = apply(new FastBatchNormalization({ momentum: 0.9, name: name('bn', block) }), x);
    x = apply(tf.layers.reLU({ name: name('relu', block) }), x);
    if (downsample === 'max-pool') x = apply(tf.layers.maxPooling2d({ poolSize: 2, name: name('pool', block) }), x);
  });
  const vector =
    pooling === 'flatten'
      ? tf.layers.flatten({ name: name('flatten') })
      : tf.layers.globalAveragePooling2d({ name: name('mean') });
  return { kind: 'vector', tensor: apply(vector, x) };
};
