import type { Modality } from '../inputs/input-spec.ts';
import type { EncoderChoice } from './encoders/encoder-entries.ts';

// The fusion network's spec and defaults, apart from its builder (fusion-network.ts), so that the
// experiment schema can take them without loading TensorFlow.js.

/** How each modality's sequence is pooled: 'attention-lstm' (the source paper's) or 'concat' (the mean over time). */
export type Fusion = 'concat' | 'attention-lstm';

/** A fusion network: the modalities it reads, its pooling, sizes and regularisation. */
export interface FusionNetworkSpec {
  modalities: readonly Modality[];
  fusion: Fusion;
  lstmUnits: number;
  dropout: number;
  /** Filters of the per-frame CNN's conv layers (each followed by a 2x2 max-pool). */
  videoFilters: readonly number[];
  frameFeatures: number;
  /**
   * The flow is smooth at the scale of a limb, so its CNN starts from an average-pooled field
   * (factor `flowPool`) with one conv stage fewer: a quarter of the pixels for the same map
   * size at the flatten. Measured: the table's fused model trains 600 clips x 20 epochs in
   * ~1.5x less time than with flow at full size.
   */
  flowPool: number;
  flowFilters: readonly number[];
  imuFilters: readonly number[];
  /** Probability that a training sample loses one sensor's features (camera or IMU); 0 turns it off. */
  modalityDropout: number;
  /** Per modality, an encoder instead of the built-in one. */
  encoders: Partial<Record<Modality, EncoderChoice>>;
  /**
   * 'joint': one classifier on the concatenated features (with `auxiliaryLoss` > 0, also a
   * classifier per modality whose losses, times that weight, join the fused one's: every encoder
   * must learn on its own, so none rides on another); 'late': a classifier per modality, trained
   * on its own loss, their probabilities averaged (late fusion, in one network: the heads share
   * no weights, so the sum of their losses trains each as if alone).
   */
  heads: 'joint' | 'late';
  auxiliaryLoss: number;
}

export const DEFAULT_FUSION_SPEC: FusionNetworkSpec = {
  modalities: ['video', 'imu'],
  fusion: 'attention-lstm',
  lstmUnits: 64,
  dropout: 0.5,
  // No BatchNorm inside the frame CNN: on the WASM backend it runs op by op over every pixel
  // and costs more than the convolutions (measured: 385 vs 144 ms a batch of 256 frames).
  videoFilters: [8, 16, 32, 32],
  frameFeatures: 64,
  flowPool: 2,
  flowFilters: [8, 16, 32],
  imuFilters: [64, 64],
  modalityDropout: 0.25,
  encoders: {},
  heads: 'joint',
  auxiliaryLoss: 0,
};

/** The weight of each of the network's outputs in the training loss, in output order; undefined: one output. */
export function lossWeights(spec: FusionNetworkSpec): number[] | undefined {
  if (spec.heads === 'late') return [0, ...spec.modalities.map(() => 1)];
  return spec.auxiliaryLoss > 0 && spec.modalities.length > 1
    ? [1, ...spec.modalities.map(() => spec.auxiliaryLoss)]
    : undefined;
}
