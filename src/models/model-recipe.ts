import type * as tf from '@tensorflow/tfjs';
import type { InputSet, InputSpec, Modality } from '../inputs/input-spec.ts';

/**
 * A network: which inputs it reads and how to build it for given input shapes. Building is
 * asynchronous so that the builder (and TensorFlow.js) is loaded only when a model is built,
 * not with every experiment file that names one.
 */
export interface NetworkRecipe {
  kind: 'network';
  name: string;
  modalities: readonly Modality[];
  /** `inputs`: the spec the shapes come from (a graph encoder takes its joint set from it). */
  build(
    shapes: Partial<Record<Modality, number[]>>,
    classes: number,
    seed: number,
    inputs?: InputSpec,
  ): Promise<tf.LayersModel>;
  /**
   * A network with several outputs (auxiliary or late-fusion heads): each output's weight in the
   * training loss. The first output is always the prediction's logits.
   */
  lossWeights?: readonly number[];
  /**
   * Late fusion weighted on the validation group: after training, the weights of the heads
   * (outputs 1..M) in the prediction (output 0, a LogMeanProbabilities layer named 'logits') are
   * fitted on the validation rows (train/late-fusion-weights.ts).
   */
  fitHeadWeights?: boolean;
}

/** A classical model (the SVM): trained on the training rows, it predicts a class per test row (its library loaded then). */
export interface ClassicRecipe {
  kind: 'classic';
  name: string;
  modalities: readonly Modality[];
  fitPredict(set: InputSet, train: readonly number[], test: readonly number[]): Promise<number[]>;
}

/** A model as cross-validation runs it: what it reads, and how it is built or fitted. */
export type ModelRecipe = NetworkRecipe | ClassicRecipe;
