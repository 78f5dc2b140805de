import { KINECT20_BONES, KINECT20_JOINTS, type JointSet } from '../core/joint-sets.ts';
import type { PoseFeature } from './input-spec.ts';

/**
 * What a pose input's joint set gives per joint: coordinates per feature (3-D kinect20 joints in
 * metres, 2-D coco17 keypoints) and, for coco17, the keypoint's score as one more channel.
 */
export const POSE_INPUT_LAYOUT: Record<JointSet, { dims: 2 | 3; score: boolean }> = {
  coco17: { dims: 2, score: true },
  kinect20: { dims: 3, score: false },
};

/**
 * COCO-17's skeleton tree rooted at the nose (pyskl's 'coco' graph): COCO17_BONES is no tree (the
 * nose is joined to no shoulder, the torso is a ring), so bone features need this one.
 */
const COCO17_PARENTS: readonly number[] = [-1, 0, 0, 1, 2, 0, 0, 5, 6, 7, 8, 5, 6, 11, 12, 13, 14];

/** Each joint's parent in the skeleton tree, -1 for the root: kinect20's bones hung from the hip centre. */
export function jointParents(joints: JointSet): readonly number[] {
  return joints === 'coco17' ? COCO17_PARENTS : KINECT20_PARENTS;
}

const KINECT20_PARENTS = treeFrom(KINECT20_JOINTS.length, KINECT20_BONES, KINECT20_JOINTS.indexOf('hip_center'));

/** Parents by a walk from `root` over undirected bones; every joint must be reached. */
function treeFrom(count: number, bones: readonly (readonly [number, number])[], root: number): number[] {
  const parents = new Array<number>(count).fill(-2);
  parents[root] = -1;
  const queue = [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const [a, b] of bones) {
      const other = a === next ? b : b === next ? a : -1;
      if (other >= 0 && parents[other] === -2) {
        parents[other] = next;
        queue.push(other);
      }
    }
  }
  if (parents.includes(-2)) throw new Error(`treeFrom(): joint ${parents.indexOf(-2)} is on no bone from the root`);
  return parents;
}

/** Channels per joint: the coordinates of each feature, then (coco17) the score. */
export function poseChannels(joints: JointSet, features: readonly PoseFeature[]): number {
  const { dims, score } = POSE_INPUT_LAYOUT[joints];
  return dims * features.length + (score ? 1 : 0);
}

/**
 * The pose input of one trial, [frames x J*C], from its positions [frames x J x dims] (already
 * centred and scaled) and, for coco17, scores [frames x J]. Column j*C + c is joint j's channel
 * c: the features' coordinates in the order `features` lists them, then the score, so a graph
 * convolution reshapes a row to [J, C]. Per feature:
 * - position: the position itself;
 * - velocity: the position minus the previous input frame's (backward difference; 0 in the first
 *   frame), a change per input frame, not per second: frames are taken evenly over trials of any
 *   length, so it is the change over 1/frames of the trial;
 * - bone: the position minus its parent's (jointParents); the root's is 0.
 * Frames from `valid` on are padding (a stream shorter than the input) and stay 0, score too.
 */
export function skeletonFeatures(
  positions: Float32Array,
  score: Float32Array | undefined,
  options: { joints: JointSet; frames: number; valid: number; features: readonly PoseFeature[] },
): Float32Array {
  const { joints, frames, valid, features } = options;
  const { dims } = POSE_INPUT_LAYOUT[joints];
  const parents = jointParents(joints);
  const count = parents.length;
  const channels = poseChannels(joints, features);
  if (positions.length !== frames * count * dims)
    throw new Error(
      `skeletonFeatures(): positions has ${positions.length} values, expected ${frames} frames x ${count} joints x ${dims}`,
    );
  const out = new Float32Array(frames * count * channels);
  for (let f = 0; f < Math.min(valid, frames); f++) {
    for (let j = 0; j < count; j++) {
      const at = (f * count + j) * dims;
      let o = (f * count + j) * channels;
      for (const feature of features) {
        for (let d = 0; d < dims; d++) {
          const p = positions[at + d] as number;
          if (feature === 'position') out[o + d] = p;
          else if (feature === 'velocity') out[o + d] = f === 0 ? 0 : p - (positions[at - count * dims + d] as number);
          else {
            const parent = parents[j] as number;
            out[o + d] = parent < 0 ? 0 : p - (positions[(f * count + parent) * dims + d] as number);
          }
        }
        o += dims;
      }
      if (score !== undefined && POSE_INPUT_LAYOUT[joints].score) out[o] = score[f * count + j] as number;
    }
  }
  return out;
}
