import { z } from 'zod';
import { modelEntry, type ModelEntry } from '../model-entry.ts';
import { buildLstmBaseline, buildSingleFrameCnn, buildTwoStreamCnn } from './baseline-networks.ts';

/** The source paper's network baselines as models an experiment can name (they take no options). */

export const SINGLE_FRAME_CNN_ENTRY: ModelEntry = modelEntry({
  type: 'single-frame-cnn',
  describe: 'a CNN on the middle key frame alone (no motion over time)',
  options: z.strictObject({}),
  build: () => ({
    kind: 'network',
    name: 'single-frame-cnn',
    modalities: ['video'],
    build: (shapes, classes, seed) => buildSingleFrameCnn(shapes.video as number[], classes, seed),
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
    build: (shapes, classes, seed) =>
      buildTwoStreamCnn(shapes.video as number[], shapes.flow as number[], classes, seed),
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
    build: (shapes, classes, seed) => buildLstmBaseline(shapes.imu as number[], classes, seed),
  }),
});
