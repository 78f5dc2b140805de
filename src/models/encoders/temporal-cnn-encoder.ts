import * as tf from '@tensorflow/tfjs';
import type { EncoderBuilder } from './encoder-builder.ts';
import type { TemporalCnnOptions } from './temporal-cnn-options.ts';
import { FastBatchNormalization } from '../layers/fast-batch-normalization.ts';
import { temporalConvBlock } from '../layers/temporal-block-layers.ts';

/**
 * A temporal CNN over any sequence input [T, D] (IMU [T, 7P], or a pose input [F, J*C] taken as
 * flat features per frame), as the plain PyTorch reference: per block conv1d (kernel k, 'same')
 * -> BatchNorm (momentum 0.9) -> ReLU -> max-pool 2; then global average pooling over time ->
 * vector [last width]. With `residual`, a 1x1 conv of the block's input is added to the conv's
 * BatchNorm output before the ReLU. The conv feeding a BatchNorm has no bias (the BN's offset is
 * the same parameter). BatchNorm is `FastBatchNormalization` (tfjs's numbers, fewer kernels: a
 * training step 20-30% shorter here). Dropout is the fusion head's, not the encoder's.
 */
export const buildTemporalCnnEncoder: EncoderBuilder<TemporalCnnOptions> = (input, options, context) => {
  const { modality, shape, nextSeed } = context;
  const { widths, kernel, residual } = options;
  const [steps] = shape;
  if (shape.length !== 2 || steps === undefined)
    throw new Error(
      `buildTemporalCnnEncoder(): ${modality} input must be [steps, features], got [${shape.join(', ')}]`,
    );
  if (widths.length === 0) throw new Error('buildTemporalCnnEncoder(): widths must name at least one block');
  if (steps < 2 ** widths.length)
    throw new Error(
      `buildTemporalCnnEncoder(): ${modality} input has ${steps} steps, too few for ${widths.length} max-pools of 2 (needs ${2 ** widths.length})`,
    );
  const name = (layer: string, block?: number) => `${modality}_${layer}${block ?? ''}`;
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(x) as tf.SymbolicTensor;
  const convArgs = (filters: number, size: number, layerName: string) => ({
    filters,
    kernelSize: size,
    padding: 'same' as const,
    useBias: false,
    kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
    name: layerName,
  });
  const conv = (filters: number, size: number, layerName: string) =>
    tf.layers.conv1d(convArgs(filters, size, layerName));
  const bnArgs = (layerName: string) => ({ momentum: 0.9, name: layerName });
  const bn = (layerName: string) => new FastBatchNormalization(bnArgs(layerName));

  let x = input;
  widths.forEach((filters, i) => {
    const block = i + 1;
    if (!residual) {
      // Linked: one kernel each way in training where the backend has it (temporalConvBlock).
      x = temporalConvBlock(x, {
        conv: convArgs(filters, kernel, name('conv', block)),
        batchNorm: bnArgs(name('bn', block)),
        relu: { name: name('relu', block) },
        pool: { poolSize: 2, name: name('pool', block) },
      });
      return;
    }
    let y = apply(bn(name('bn', block)), apply(conv(filters, kernel, name('conv', block)), x));
    if (residual) {
      const projection = apply(bn(name('res_bn', block)), apply(conv(filters, 1, name('res', block)), x));
      y = apply(tf.layers.add({ name: name('add', block) }), [y, projection]);
    }
    y = apply(tf.layers.reLU({ name: name('relu', block) }), y);
    x = apply(tf.layers.maxPooling1d({ poolSize: 2, name: name('pool', block) }), y);
  });
  return { kind: 'vector', tensor: apply(tf.layers.globalAveragePooling1d({ name: name('mean') }), x) };
};
