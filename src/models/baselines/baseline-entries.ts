import { z } from 'zod';
import { modelEntry, type ModelEntry } from '../model-entry.ts';

/** The source paper's network baselines as models an experiment can name (they take no options). */

// The builders import TensorFlow.js: loaded when a network is built, not with the experiment schema.
const networks = () => import('./baseline-networks.ts');

export const SINGLE_FRAME_CNN_ENTRY: ModelEntry = modelEntry({
  type: 'single-frame-cnn',
  describe: 'a CNN on the middle key frame alone (no motion over time)',
  options: z.strictObject({}),
  build: () => ({
    kind: 'network',
    name: 'single-frame-cnn',
    modalities: ['video'],
    build: async (shapes, classes, seed) =>
      (await networks()).buildSingleFrameCnn(shapes.video as number[], classes, seed),
  }),
});

export const TWO_STREAM_CNN_ENTRY: ModelEntry = modelEntry({
  type: 'two-stream-cnn',
  describe: 'a CNN on the middle key frame and one on the optical flow, fused late',
  options: z.strictObject({}),
  build: () => ({
    kind: 'network',
    name: 'two-stream-cnn',
    modalities: ['video', 'flow'],
    build: async (shapes, classes, seed) =>
      (await networks()).buildTwoStreamCnn(shapes.video as number[], shapes.flow as number[], classes, seed),
  }),
});

export const LSTM_ENTRY: ModelEntry = modelEntry({
  type: 'lstm',
  describe: 'an LSTM over the raw IMU',
  options: z.strictObject({}),
  build: () => ({
    kind: 'network',
    name: 'lstm',
    modalities: ['imu'],
    build: async (shapes, classes, seed) => (await networks()).buildLstmBaseline(shapes.imu as number[], classes, seed),
  }),
});
