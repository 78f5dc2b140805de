import * as tf from '@tensorflow/tfjs';

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
