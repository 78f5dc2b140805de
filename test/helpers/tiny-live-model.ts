import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { syntheticDeviceData } from '../../src/cli/synthetic-device-data.ts';
import type { Sample } from '../../src/core/sample.ts';
import { imuStream } from '../../src/core/stream.ts';
import type { InputSpec } from '../../src/inputs/input-spec.ts';
import { buildInputSet } from '../../src/inputs/model-inputs.ts';
import { inputTensors, type InputPipeline } from '../../src/train/batches.ts';
import { saveTrainedModel, type TrainedModel } from '../../src/train/model-store.ts';
import { fitStandardiser } from '../../src/train/standardiser.ts';

/** The simulator's program (src/cli/synthetic-device-data.ts): the first four actions. */
export const LIVE_CLASSES = ['jump', 'hop', 'squat', 'lunge'] as const;
export const LIVE_INPUTS: InputSpec = { imu: { placements: ['wrist'], rate: 50, window: 2 } };

/**
 * A tiny IMU-only network (flatten + dense logits) trained for 30 epochs (a dense layer on 20
 * rows: little CPU) on what the simulator's wrist sensor streams (syntheticDeviceData: one
 * synthetic athlete, 3 s of each of the four actions), cut into 2 s windows every 0.25 s, and saved
 * with saveTrainedModel to `dir`/model: what a run with run.saveModels leaves, small enough for a
 * test, and good enough that its predictions change with the action.
 */
export async function saveTinyLiveModel(dir: string): Promise<string> {
  // The WASM backend, once imported, is the default but initialises asynchronously: building a
  // layer before it is ready throws (seen in a full, loaded test run).
  await tf.ready();
  const rate = 100;
  const { data } = syntheticDeviceData(1, rate, 1);
  const takeRows = 3 * rate;
  const samples: Sample[] = LIVE_CLASSES.flatMap((action, a) =>
    [0, 0.25, 0.5, 0.75, 1].map((start) => {
      const from = a * takeRows + Math.round(start * rate);
      const rows = 2 * rate;
      return {
        id: `${action}-${start}`,
        label: action,
        streams: [
          imuStream({
            t: Float64Array.from({ length: rows }, (_, i) => i / rate),
            data: data[0]!.slice(from * 6, (from + rows) * 6),
            rate,
            sensorId: 'wrist',
            placement: 'wrist',
          }),
        ],
        meta: {},
      };
    }),
  );
  const classes = [...LIVE_CLASSES];
  const set = buildInputSet(samples, LIVE_INPUTS, classes);
  const rows = Array.from({ length: set.count }, (_, i) => i);
  const pipeline: InputPipeline = { modalities: ['imu'], standardisers: { imu: fitStandardiser(set.imu!, rows) } };
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: set.imu!.shape }), tf.layers.dense({ units: classes.length })],
  });
  model.compile({
    optimizer: tf.train.adam(0.01),
    loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits),
  });
  const [x] = inputTensors(set, rows, pipeline);
  const y = tf.oneHot(tf.tensor1d(Array.from(set.labels), 'int32'), classes.length);
  await model.fit(x!, y, { epochs: 30, batchSize: 8, verbose: 0 });
  tf.dispose([x!, y]);
  const trained: TrainedModel = { model, classes, inputs: LIVE_INPUTS, pipeline };
  const out = join(dir, 'model');
  await saveTrainedModel(out, trained);
  model.dispose();
  return out;
}
