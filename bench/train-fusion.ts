import * as tf from '@tensorflow/tfjs';
import { ACTIONS } from '../src/data/synthetic/actions.ts';
import { syntheticDataset } from '../src/data/synthetic/synthetic-dataset.ts';
import { buildFusionNetwork } from '../src/models/fusion-network.ts';
import { DEFAULT_FUSION_SPEC, type Fusion } from '../src/models/fusion-network-spec.ts';
import { trainModel } from '../src/train/fit.ts';
import { PAPER_TRAINING } from '../src/train/paper-training.ts';
import { inputShapes } from '../src/inputs/model-inputs.ts';
import { SYNTHETIC_INPUTS, type InputSet, type Modality } from '../src/inputs/input-spec.ts';
import { buildInputSets } from '../src/inputs/build-input-sets.ts';
import { fitStandardiser, type Standardiser } from '../src/train/standardiser.ts';

/**
 * Trains the fusion network (video key frames + optical flow + IMU, attention-LSTM unless told otherwise) on `clips`
 * synthetic takes for `epochs` epochs at the paper's settings (batch 32, Adam 0.001), every clip
 * a training clip (no validation, no early stopping): seconds to prepare the inputs and to train.
 */
export async function benchTrainFusion(args: {
  clips: number;
  epochs: number;
  fusion: Fusion;
  modalities: Modality[];
  backendLabel: string;
}) {
  const perCell = Math.ceil(args.clips / (12 * ACTIONS.length));
  const data = syntheticDataset({ subjects: 12, clipsPerClass: perCell });
  // Take by take (every athlete's first take of each action, then the second...), so that fewer clips still cover every athlete and action.
  const refs = (await data.list())
    .sort((a, b) => (a.meta['take'] as number) - (b.meta['take'] as number))
    .slice(0, args.clips);
  const started = performance.now();
  const [set] = (await buildInputSets(data, refs, [SYNTHETIC_INPUTS])).sets as [InputSet];
  const prepareSeconds = (performance.now() - started) / 1000;
  const rows = [...set.ids.keys()];
  // As cross-validation does: every float input standardised (video is scaled to 0-1).
  const standardisers: Partial<Record<Modality, Standardiser>> = {};
  for (const m of args.modalities) {
    const arr = set[m];
    if (m !== 'video' && arr !== undefined && arr.data instanceof Float32Array)
      standardisers[m] = fitStandardiser({ data: arr.data, shape: arr.shape }, rows);
  }
  const model = buildFusionNetwork(
    { ...DEFAULT_FUSION_SPEC, modalities: args.modalities, fusion: args.fusion },
    inputShapes(SYNTHETIC_INPUTS),
    ACTIONS.length,
    1,
  );
  const trainStart = performance.now();
  const result = await trainModel(
    model,
    set,
    { train: rows, validation: [] },
    { modalities: args.modalities, standardisers },
    ACTIONS.length,
    { ...PAPER_TRAINING, epochs: args.epochs, patience: args.epochs + 1 },
  );
  const trainSeconds = (performance.now() - trainStart) / 1000;
  model.dispose();
  const last = result.history[result.history.length - 1];
  return {
    impl: `motionfuse tfjs-${tf.version.tfjs} ${args.backendLabel}`,
    model: `fusion ${args.fusion} (${args.modalities.join(' + ')})`,
    clips: refs.length,
    epochs: result.history.length,
    batch: PAPER_TRAINING.batchSize,
    prepare_s: Number(prepareSeconds.toFixed(1)),
    train_s: Number(trainSeconds.toFixed(1)),
    train_samples_per_s: Number(((refs.length * result.history.length) / trainSeconds).toFixed(1)),
    final_loss: Number((last?.loss ?? Number.NaN).toFixed(4)),
  };
}
