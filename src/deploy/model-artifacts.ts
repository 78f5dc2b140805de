import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { MODEL_FILES } from '../train/model-store.ts';
import { quantizeWeights, type NamedWeight, type Quantization, type StoredWeight } from './quantize-weights.ts';

/** A model's topology and float32 weights, as its save handler hands them over. */
export interface ModelArtifacts {
  topology: object;
  weights: NamedWeight[];
}

export async function modelArtifacts(model: tf.LayersModel): Promise<ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  const specs = artifacts?.weightSpecs;
  const data = artifacts?.weightData;
  if (specs === undefined || data === undefined || artifacts?.modelTopology === undefined)
    throw new Error('modelArtifacts(): the model gave no weights');
  const bytes = Array.isArray(data)
    ? new Uint8Array(tf.io.concatenateArrayBuffers(data))
    : new Uint8Array(data as ArrayBuffer);
  const weights: NamedWeight[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32') throw new Error(`modelArtifacts(): weight ${spec.name} is ${spec.dtype}`);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    weights.push({ spec, values: new Float32Array(bytes.slice(offset, offset + 4 * n).buffer) });
    offset += 4 * n;
  }
  return { topology: artifacts.modelTopology as object, weights };
}

/** What an exported model's files weigh. */
export interface ModelSize {
  /** model.json + weights.bin, bytes on disk. */
  bytes: number;
  weightsBytes: number;
  /** The same two files gzipped (level 9): what a server sends, and where pruned zeros pay off. */
  gzipBytes: number;
}

/**
 * Writes a model in TensorFlow.js's format (model.json, minified, + weights.bin, quantised as
 * asked) with the source model's preprocessing.json beside it: tf.loadLayersModel reads it in Node
 * (loadTrainedModel) and in a browser (over http).
 */
export async function writeExportedModel(
  dir: string,
  artifacts: ModelArtifacts,
  quantization: Quantization | 'float32',
  preprocessingFrom: string,
): Promise<{ size: ModelSize; stored: StoredWeight[] }> {
  await mkdir(dir, { recursive: true });
  const { specs, data, stored } = quantizeWeights(artifacts.weights, quantization);
  const json = JSON.stringify({
    modelTopology: artifacts.topology,
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: `motionfuse deploy (${quantization})`,
    weightsManifest: [{ paths: [MODEL_FILES.weights], weights: specs }],
  });
  await writeFileAtomic(join(dir, MODEL_FILES.weights), data);
  await writeFileAtomic(join(dir, MODEL_FILES.topology), json);
  await writeFileAtomic(
    join(dir, MODEL_FILES.preprocessing),
    await readFile(join(preprocessingFrom, MODEL_FILES.preprocessing)),
  );
  return { size: await modelSize(dir), stored };
}

export async function modelSize(dir: string): Promise<ModelSize> {
  const topology = await readFile(join(dir, MODEL_FILES.topology));
  const weights = await readFile(join(dir, MODEL_FILES.weights));
  const bytes = (await stat(join(dir, MODEL_FILES.topology))).size + (await stat(join(dir, MODEL_FILES.weights))).size;
  return {
    bytes,
    weightsBytes: weights.length,
    gzipBytes: gzipSync(topology, { level: 9 }).length + gzipSync(weights, { level: 9 }).length,
  };
}
