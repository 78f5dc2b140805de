import type { SeededRandom } from '../core/random.ts';
import type { InputSpec } from './input-spec.ts';
import { POSE_INPUT_LAYOUT } from './skeleton-features.ts';

/**
 * A fresh random view of every skeleton in a training batch, drawn anew each time the row is
 * batched (as skeleton models are usually trained), where train.augment's copies draw once
 * before training: a rotation about the vertical axis by an angle uniform in [-rotate, rotate]
 * degrees and a uniform scale in [scale[0], scale[1]].
 */
export interface PoseBatchAugment {
  rotate: number;
  scale: readonly [number, number];
}

/**
 * Transforms the pose inputs of `rows` rows in place (raw values, before standardisation). Every
 * feature of pose-input (position, velocity, bone) is linear in the positions, so rotating and
 * scaling each feature's coordinates is the feature of the rotated, scaled skeleton, exactly;
 * padding frames (all 0) stay 0. 3-D joints (kinect20: x right, y up, z depth) turn about y; 2-D
 * keypoints have no depth, so a turn of the body by the angle shortens x by its cosine (a flat
 * body's image). Scores are left alone.
 */
export function augmentPoseBatch(
  values: Float32Array,
  rows: number,
  spec: NonNullable<InputSpec['pose']>,
  augment: PoseBatchAugment,
  rng: SeededRandom,
): void {
  const joints = spec.joints ?? 'coco17';
  const { dims, score } = POSE_INPUT_LAYOUT[joints];
  const features = (spec.features ?? ['position']).length;
  const channels = dims * features + (score ? 1 : 0);
  const perRow = values.length / rows;
  const radians = (augment.rotate * Math.PI) / 180;
  for (let r = 0; r < rows; r++) {
    const angle = rng.uniform(-radians, radians);
    const s = rng.uniform(augment.scale[0], augment.scale[1]);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    for (let joint = r * perRow; joint < (r + 1) * perRow; joint += channels) {
      for (let f = 0; f < features; f++) {
        const o = joint + f * dims;
        const x = values[o] as number;
        if (dims === 3) {
          const z = values[o + 2] as number;
          values[o] = s * (cos * x + sin * z);
          values[o + 1] = s * (values[o + 1] as number);
          values[o + 2] = s * (cos * z - sin * x);
        } else {
          values[o] = s * cos * x;
          values[o + 1] = s * (values[o + 1] as number);
        }
      }
    }
  }
}
