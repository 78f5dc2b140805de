import * as tf from '@tensorflow/tfjs';
import type { EncoderBuilder } from './encoder-builder.ts';
import type { StgcnOptions } from './stgcn-options.ts';
import { GraphConvolution } from '../layers/graph-convolution.ts';
import { TemporalConvolution } from '../layers/temporal-convolution.ts';
import { FastBatchNormalization } from '../layers/fast-batch-normalization.ts';
import { skeletonGraph, spatialPartitions } from '../graph/skeleton-graph.ts';

/**
 * ST-GCN (Yan, Xiong and Lin, AAAI 2018) over a pose input [F, J*C] (joint j's C channels at
 * columns j*C .. j*C+C-1):
 *   BatchNorm per joint and channel (the reference's data_bn) -> [F, J, C]
 *   per block: graph conv (spatial configuration partitions) -> BN -> ReLU -> temporal conv
 *     [k x 1], stride s -> BN -> + residual -> ReLU (-> dropout)
 *   global average over time and joints -> vector [channels of the last block]
 * As the reference: the first block has no residual (its input is raw coordinates); later ones add
 * their input, through a 1x1 conv (stride s) + BN where the channels or the length change.
 * Convolutions feeding a BatchNorm have no bias (the BN's offset is the same parameter).
 * BatchNorm momentum 0.9, as the fusion network's (its moving statistics settle within the few
 * batches an epoch of a small training set), as `FastBatchNormalization`: tfjs's numbers with
 * fewer kernels, a training step about 28% shorter here, where BatchNorm passes over
 * [batch, time, joints, channels] had been 40% of it.
 */
export const buildStgcnEncoder: EncoderBuilder<StgcnOptions> = (input, options, context) => {
  const { modality, shape, joints, nextSeed } = context;
  if (joints === undefined) throw new Error(`buildStgcnEncoder(): ${modality} input has no joint set`);
  const graph = skeletonGraph(joints);
  const [frames, width] = shape;
  if (shape.length !== 2 || frames === undefined || width === undefined || width % graph.joints !== 0)
    throw new Error(
      `buildStgcnEncoder(): ${modality} input must be [frames, ${graph.joints} joints x channels], got [${shape.join(', ')}]`,
    );
  const { channels, strides, temporalKernel, edgeImportance, dropout } = options;
  if (channels.length === 0 || strides.length !== channels.length)
    throw new Error(
      `buildStgcnEncoder(): needs one stride per block, got channels [${channels.join(', ')}] and strides [${strides.join(', ')}]`,
    );
  const partitions = spatialPartitions(graph);
  const name = (layer: string, block?: number) => `${modality}_${layer}${block ?? ''}`;
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(x) as tf.SymbolicTensor;
  const bn = (layerName: string) => new FastBatchNormalization({ momentum: 0.9, name: layerName });

  let x = apply(bn(name('data_bn')), input);
  x = apply(tf.layers.reshape({ targetShape: [frames, graph.joints, width / graph.joints], name: name('joints') }), x);
  let inChannels = width / graph.joints;
  channels.forEach((out, i) => {
    const block = i + 1;
    const stride = strides[i] as number;
    const blockInput = x;
    let y = apply(
      new GraphConvolution({
        filters: out,
        partitions,
        edgeImportance,
        useBias: false,
        seed: nextSeed(),
        name: name('gcn', block),
      }),
      x,
    );
    y = apply(bn(name('gcn_bn', block)), y);
    y = apply(tf.layers.reLU({ name: name('gcn_relu', block) }), y);
    y = apply(
      new TemporalConvolution({
        filters: out,
        kernelSize: temporalKernel,
        stride,
        useBias: false,
        seed: nextSeed(),
        name: name('tcn', block),
      }),
      y,
    );
    y = apply(bn(name('tcn_bn', block)), y);
    if (i > 0) {
      let residual = blockInput;
      if (inChannels !== out || stride !== 1) {
        residual = apply(
          new TemporalConvolution({
            filters: out,
            kernelSize: 1,
            stride,
            useBias: false,
            seed: nextSeed(),
            name: name('res', block),
          }),
          residual,
        );
        residual = apply(bn(name('res_bn', block)), residual);
      }
      y = apply(tf.layers.add({ name: name('add', block) }), [y, residual]);
    }
    y = apply(tf.layers.reLU({ name: name('relu', block) }), y);
    // tfjs's seeded dropout, as the fusion head's: reproducible, but one mask repeated every batch.
    if (dropout > 0) y = apply(tf.layers.dropout({ rate: dropout, seed: nextSeed(), name: name('dropout', block) }), y);
    x = y;
    inChannels = out;
  });
  return { kind: 'vector', tensor: apply(tf.layers.globalAveragePooling2d({ name: name('pool') }), x) };
};
