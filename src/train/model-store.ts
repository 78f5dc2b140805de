import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-file.ts';
import { UserError } from '../core/errors.ts';
import type { InputPipeline } from './batches.ts';
import type { InputSpec, Modality } from '../inputs/input-spec.ts';
import '../models/layers/register-layers.ts';

/**
 * A trained model on disk, in TensorFlow.js's own format (model.json + weights.bin, loadable by
 * tf.loadLayersModel anywhere), with what it takes to feed it again (preprocessing.json: the
 * input spec, the class names, and the standardisers fitted on its training rows).
 */
export const MODEL_FILES = {
  topology: 'model.json',
  weights: 'weights.bin',
  preprocessing: 'preprocessing.json',
} as const;

export interface Preprocessing {
  format: 'motionfuse-model/1';
  classes: string[];
  inputs: InputSpec;
  modalities: Modality[];
  standardisers: Partial<Record<Modality, { mean: number[]; std: number[] }>>;
}

export interface TrainedModel {
  model: tf.LayersModel;
  classes: string[];
  inputs: InputSpec;
  pipeline: InputPipeline;
}

export async function saveTrainedModel(dir: string, trained: TrainedModel): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await trained.model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  if (artifacts?.weightData === undefined || artifacts.weightSpecs === undefined)
    throw new Error('saveTrainedModel(): the model gave no weights');
  const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
  await writeFileAtomic(join(dir, MODEL_FILES.weights), weights);
  await writeJsonAtomic(join(dir, MODEL_FILES.topology), {
    modelTopology: artifacts.modelTopology,
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    weightsManifest: [{ paths: [MODEL_FILES.weights], weights: artifacts.weightSpecs }],
  });
  const standardisers: Preprocessing['standardisers'] = {};
  for (const [m, s] of Object.entries(trained.pipeline.standardisers))
    standardisers[m as Modality] = { mean: Array.from(s.mean), std: Array.from(s.std) };
  const preprocessing: Preprocessing = {
    format: 'motionfuse-model/1',
    classes: trained.classes,
    inputs: trained.inputs,
    modalities: [...trained.pipeline.modalities],
    standardisers,
  };
  await writeJsonAtomic(join(dir, MODEL_FILES.preprocessing), preprocessing);
}

export async function loadTrainedModel(dir: string): Promise<TrainedModel> {
  const read = async (file: string) => {
    try {
      return await readFile(join(dir, file));
    } catch (err) {
      throw new UserError(
        `cannot read ${join(dir, file)}: ${err instanceof Error ? err.message : String(err)}`,
        'Is this a folder written by a motionfuse training run?',
        { cause: err },
      );
    }
  };
  const topology = JSON.parse((await read(MODEL_FILES.topology)).toString('utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weights = await read(MODEL_FILES.weights);
  const pre = JSON.parse((await read(MODEL_FILES.preprocessing)).toString('utf8')) as Preprocessing;
  if (pre.format !== 'motionfuse-model/1')
    throw new UserError(
      `${join(dir, MODEL_FILES.preprocessing)}: format ${JSON.stringify(pre.format)} is not motionfuse-model/1`,
    );
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: topology.modelTopology,
      weightSpecs: topology.weightsManifest.flatMap((m) => m.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  const pipeline: InputPipeline = { modalities: pre.modalities, standardisers: {} };
  for (const [m, s] of Object.entries(pre.standardisers))
    pipeline.standardisers[m as Modality] = { mean: Float32Array.from(s.mean), std: Float32Array.from(s.std) };
  return { model, classes: pre.classes, inputs: pre.inputs, pipeline };
}
