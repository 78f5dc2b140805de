import type * as tf from '@tensorflow/tfjs';
import type { InputSet, Modality } from '../inputs/model-inputs.ts';

/** A network: which inputs it reads and how to build it for given input shapes. */
export interface NetworkRecipe {
  kind: 'network';
  name: string;
  modalities: readonly Modality[];
  build(shapes: Partial<Record<Modality, number[]>>, classes: number, seed: number): tf.LayersModel;
}

/** A classical model (the SVM): trained on the training rows, it predicts a class per test row. */
export interface ClassicRecipe {
  kind: 'classic';
  name: string;
  modalities: readonly Modality[];
  fitPredict(set: InputSet, train: readonly number[], test: readonly number[]): number[];
}

/** A model as cross-validation runs it: what it reads, and how it is built or fitted. */
export type ModelRecipe = NetworkRecipe | ClassicRecipe;
