import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '../core/random.ts';
import type { InputSet, Modality } from '../inputs/input-spec.ts';
import { standardiseInPlace, type Standardiser } from './standardiser.ts';

/** How a model's inputs are prepared from an InputSet: which modalities, in order, and their scaling. */
export interface InputPipeline {
  modalities: readonly Modality[];
  /** Fitted on the training rows (imu, pose, flow, backbone); video is scaled to 0-1; depth maps are 0-1 already. */
  standardisers: Partial<Record<Modality, Standardiser>>;
  /** Training batches only: a modality's raw values (rows x values per row) changed in place before scaling. */
  augment?: Partial<Record<Modality, (values: Float32Array, rows: number, rng: SeededRandom) => void>>;
}

/**
 * The model's input tensors for `rows`, in `pipeline.modalities` order. The caller disposes them.
 * With `augmentRng` (a training batch), `pipeline.augment` changes the raw values first.
 */
export function inputTensors(
  set: InputSet,
  rows: readonly number[],
  pipeline: InputPipeline,
  augmentRng?: SeededRandom,
): tf.Tensor[] {
  return pipeline.modalities.map((modality) => {
    const m = set[modality];
    if (m === undefined) throw new Error(`inputTensors(): the input set has no ${modality}`);
    const perRow = m.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(rows.length * perRow);
    rows.forEach((r, i) => {
      const row = m.data.subarray(r * perRow, (r + 1) * perRow);
      if (modality === 'video') {
        for (let k = 0; k < perRow; k++) values[i * perRow + k] = (row[k] as number) / 255;
      } else {
        values.set(row, i * perRow);
      }
    });
    const augment = pipeline.augment?.[modality];
    if (augment !== undefined && augmentRng !== undefined) augment(values, rows.length, augmentRng);
    const s = pipeline.standardisers[modality];
    if (s !== undefined) standardiseInPlace(values, s);
    return tf.tensor(values, [rows.length, ...m.shape]);
  });
}

/** One-hot labels for `rows`. */
export function labelTensor(set: InputSet, rows: readonly number[], classes: number): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.oneHot(
        tf.tensor1d(
          rows.map((r) => set.labels[r] as number),
          'int32',
        ),
        classes,
      ) as tf.Tensor2D,
  );
}
