import { buildLstmBaseline, buildSingleFrameCnn, buildTwoStreamCnn } from '../models/baselines/baseline-networks.ts';
import { svmFitPredict } from '../models/baselines/svm-classifier.ts';
import { buildFusionNetwork, DEFAULT_FUSION_SPEC, type Fusion } from '../models/fusion-network.ts';
import type { ModelRecipe } from './cross-validate.ts';
import type { Modality } from './model-inputs.ts';

/**
 * The models an evaluation compares, by name: the source paper's baselines (SVM, single-frame
 * CNN, two-stream CNN, LSTM), the fusion network on one sensor (the camera: key frames and the
 * optical flow between them; or the IMUs), and on both, with late concatenation or attention-LSTM
 * pooling.
 */
function fusion(name: string, modalities: Modality[], kind: Fusion): ModelRecipe {
  return { kind: 'network', name, modalities, build: (shapes, classes, seed) => buildFusionNetwork({ ...DEFAULT_FUSION_SPEC, modalities, fusion: kind }, shapes, classes, seed) };
}

export const MODEL_RECIPES: readonly ModelRecipe[] = [
  { kind: 'classic', name: 'svm', modalities: ['imu', 'video'], fitPredict: (set, train, test) => svmFitPredict(set, train, test) },
  { kind: 'network', name: 'single-frame-cnn', modalities: ['video'], build: (shapes, classes, seed) => buildSingleFrameCnn(shapes.video as number[], classes, seed) },
  { kind: 'network', name: 'two-stream-cnn', modalities: ['video', 'flow'], build: (shapes, classes, seed) => buildTwoStreamCnn(shapes.video as number[], shapes.flow as number[], classes, seed) },
  { kind: 'network', name: 'lstm', modalities: ['imu'], build: (shapes, classes, seed) => buildLstmBaseline(shapes.imu as number[], classes, seed) },
  fusion('video-only', ['video', 'flow'], 'attention-lstm'),
  fusion('imu-only', ['imu'], 'attention-lstm'),
  fusion('fused-concat', ['video', 'flow', 'imu'], 'concat'),
  fusion('fused-attention-lstm', ['video', 'flow', 'imu'], 'attention-lstm'),
  // The camera seen through a frozen pretrained network (features cached per clip) instead of
  // a CNN trained from scratch; alone and fused with the IMUs.
  fusion('pretrained-video', ['backbone'], 'attention-lstm'),
  fusion('fused-pretrained', ['backbone', 'imu'], 'attention-lstm'),
];

export function modelRecipe(name: string): ModelRecipe | undefined {
  return MODEL_RECIPES.find((r) => r.name === name);
}
