import { buildLstmBaseline, buildSingleFrameCnn, buildTwoStreamCnn } from '../models/baselines/baseline-networks.ts';
import { svmFitPredict } from '../models/baselines/svm-classifier.ts';
import { buildFusionNetwork, DEFAULT_FUSION_SPEC, type FusionNetworkSpec } from '../models/fusion-network.ts';
import type { ModelRecipe } from './cross-validate.ts';
import type { Modality } from '../inputs/model-inputs.ts';

/**
 * The models an evaluation compares, by name: the source paper's baselines (SVM, single-frame
 * CNN, two-stream CNN, LSTM), the fusion network on one sensor (the camera: key frames and the
 * optical flow between them; or the IMUs), and on both, with late concatenation or attention-LSTM
 * pooling. `motionfuse evaluate` and experiment files both build their models here.
 */

/** The named fusion models: which modalities each reads and how it pools them. */
export const FUSION_PRESETS = {
  'video-only': { use: ['video', 'flow'], fusion: 'attention-lstm' },
  'imu-only': { use: ['imu'], fusion: 'attention-lstm' },
  'fused-concat': { use: ['video', 'flow', 'imu'], fusion: 'concat' },
  'fused-attention-lstm': { use: ['video', 'flow', 'imu'], fusion: 'attention-lstm' },
  // The camera seen through a frozen pretrained network (features cached per clip) instead of
  // a CNN trained from scratch; alone and fused with the IMUs.
  'pretrained-video': { use: ['backbone'], fusion: 'attention-lstm' },
  'fused-pretrained': { use: ['backbone', 'imu'], fusion: 'attention-lstm' },
} as const satisfies Record<string, { use: readonly Modality[]; fusion: FusionNetworkSpec['fusion'] }>;

export type FusionPreset = keyof typeof FUSION_PRESETS;

/** A fusion network as a recipe: `spec.modalities` are the inputs it reads. */
export function fusionRecipe(name: string, spec: FusionNetworkSpec): ModelRecipe {
  return { kind: 'network', name, modalities: spec.modalities, build: (shapes, classes, seed) => buildFusionNetwork(spec, shapes, classes, seed) };
}

export const BASELINES = ['svm', 'single-frame-cnn', 'two-stream-cnn', 'lstm'] as const;
export type Baseline = (typeof BASELINES)[number];

/** The source paper's baselines; `svmCost` is the SVM's C. */
export function baselineRecipe(name: Baseline, options: { svmCost?: number } = {}): ModelRecipe {
  switch (name) {
    case 'svm': return { kind: 'classic', name, modalities: ['imu', 'video'], fitPredict: (set, train, test) => svmFitPredict(set, train, test, { cost: options.svmCost ?? 10 }) };
    case 'single-frame-cnn': return { kind: 'network', name, modalities: ['video'], build: (shapes, classes, seed) => buildSingleFrameCnn(shapes.video as number[], classes, seed) };
    case 'two-stream-cnn': return { kind: 'network', name, modalities: ['video', 'flow'], build: (shapes, classes, seed) => buildTwoStreamCnn(shapes.video as number[], shapes.flow as number[], classes, seed) };
    case 'lstm': return { kind: 'network', name, modalities: ['imu'], build: (shapes, classes, seed) => buildLstmBaseline(shapes.imu as number[], classes, seed) };
  }
}

export const MODEL_RECIPES: readonly ModelRecipe[] = [
  ...BASELINES.map((b) => baselineRecipe(b)),
  ...Object.entries(FUSION_PRESETS).map(([name, p]) => fusionRecipe(name, { ...DEFAULT_FUSION_SPEC, modalities: p.use, fusion: p.fusion })),
];

export function modelRecipe(name: string): ModelRecipe | undefined {
  return MODEL_RECIPES.find((r) => r.name === name);
}
