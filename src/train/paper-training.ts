// The training settings, apart from the training loop (fit.ts), so that the experiment schema and
// the CLI can take their defaults without loading TensorFlow.js.

import type { PoseBatchAugment } from '../inputs/pose-batch-augment.ts';

/**
 * The source paper's training: Adam, learning rate 0.001 halved every 10 epochs, batches of 32,
 * cross-entropy, early stopping after 10 epochs without a better validation loss, with the best
 * epoch's weights restored. Batches are shuffled by a seeded generator, so a run repeats exactly.
 */
export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Step decay: the rate is multiplied by `decayFactor` every `decayEvery` epochs. */
  decayEvery: number;
  decayFactor: number;
  /** Epochs without a lower validation loss before stopping (the best weights are then restored). */
  patience: number;
  /** 'balanced': each class's loss weighted by n / (classes x its count in the training rows). */
  classWeights: 'none' | 'balanced';
  seed: number;
  /** A network with several outputs: each one's weight in the loss (the model's, not the paper's). */
  lossWeights?: readonly number[];
  /** Skeletons turned and scaled anew in every training batch (inputs/pose-batch-augment.ts); absent: none. */
  poseBatchAugment?: PoseBatchAugment;
}

export const PAPER_TRAINING: TrainOptions = {
  epochs: 60,
  batchSize: 32,
  learningRate: 0.001,
  decayEvery: 10,
  decayFactor: 0.5,
  patience: 10,
  classWeights: 'none',
  seed: 0,
};
