import * as tf from '@tensorflow/tfjs';
import { relativeError } from './tf-backends.ts';

/** Saves a model to memory and loads it back, as a user's save/load would (custom layers must be registered). */
export async function saveAndReload(
  model: tf.LayersModel,
): Promise<{ reloaded: tf.LayersModel; artifacts: tf.io.ModelArtifacts }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (saved === undefined) throw new Error('saveAndReload(): the model saved nothing');
  return { reloaded: await tf.loadLayersModel(tf.io.fromMemory(saved)), artifacts: saved };
}

/**
 * The relative difference between a model's predictions on `x` and its reloaded copy's (0 when a
 * save and reload kept everything); then disposes `x`, the predictions and both models.
 */
export function reloadedDifference(model: tf.LayersModel, reloaded: tf.LayersModel, x: tf.Tensor): number {
  const a = model.predict(x) as tf.Tensor;
  const b = reloaded.predict(x) as tf.Tensor;
  const difference = relativeError(b.dataSync(), a.dataSync());
  tf.dispose([x, a, b]);
  model.dispose();
  reloaded.dispose();
  return difference;
}
