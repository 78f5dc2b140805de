import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '../../src/core/sample.ts';
import { imuStream } from '../../src/core/stream.ts';
import type { InputSpec } from '../../src/inputs/input-spec.ts';
import { inputShapes } from '../../src/inputs/model-inputs.ts';
import { buildModel } from '../../src/models/model-registry.ts';
import { saveTrainedModel, type TrainedModel } from '../../src/train/model-store.ts';

export const TINY_CLASSES = ['jump', 'squat', 'run'];
export const TINY_SPEC: InputSpec = { imu: { placements: ['wrist'], rate: 25, window: 1 } };

/** The real imu-only network of the registry, untrained (seeded weights), on a 1 s window at 25 Hz. */
export async function tinyImuModel(seed = 3): Promise<TrainedModel> {
  const recipe = buildModel({ type: 'imu-only' });
  if (recipe.kind !== 'network') throw new Error('imu-only is a network');
  const model = await recipe.build(inputShapes(TINY_SPEC), TINY_CLASSES.length, seed, TINY_SPEC);
  const mean = Float32Array.from([0.5, -0.2, 9.8, 0, 0.1, 0, 1]);
  const std = Float32Array.from([3, 2, 4, 1, 1.5, 0.5, 0.1]);
  return {
    model,
    classes: TINY_CLASSES,
    inputs: TINY_SPEC,
    pipeline: { modalities: ['imu'], standardisers: { imu: { mean, std } } },
  };
}

/** The tiny model saved as a training run saves it (model.json + weights.bin + preprocessing.json). */
export async function savedTinyModel(seed = 3): Promise<{ dir: string; trained: TrainedModel }> {
  const trained = await tinyImuModel(seed);
  const dir = mkdtempSync(join(tmpdir(), 'mf-deploy-'));
  await saveTrainedModel(dir, trained);
  return { dir, trained };
}

/** A synthetic wrist IMU take: 1.2 s at 50 Hz (resampled to the model's 25 Hz by the input code). */
export function wristTake(id: string, phase: number): Sample {
  const n = 60;
  const t = Float64Array.from({ length: n }, (_, i) => 10 + i / 50);
  const data = new Float32Array(n * 6);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 6; c++) data[i * 6 + c] = (c === 2 ? 9.8 : 0) + 3 * Math.sin(phase + i * 0.3 + c * 1.1);
  return {
    id,
    label: 'jump',
    streams: [imuStream({ t, data, rate: 50, sensorId: 'wrist-1', placement: 'wrist' })],
    meta: {},
  };
}
