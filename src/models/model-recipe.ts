import type * as tf from '@tensorflow/tfjs';
import type { InputSet, Modality } from '../inputs/input-spec.ts';

/**
 * A network: which inputs it reads and how to build it for given input shapes. Building is
 * asynchronous so that the builder (and TensorFlow.js) is loaded only when a model is built,
 * not with every experiment file that names one.
 */
export interface NetworkRecipe {
  kind: 'network';
  name: string;
  modalities: readonly Modality[];
  build(shapes: Partial<Record<Modality, number[]>>, classes: number, seed: number): Promise<tf.LayersModel>;
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
