import { COCO17_JOINTS, type Coco17Joint } from '../../core/joint-sets.ts';
import type { SeededRandom } from '../../core/random.ts';
import { poseStream, type PoseStream } from '../../core/stream.ts';
import type { BodyDimensions } from './anthropometry.ts';
import { BODY_JOINTS, offsetAlong, type BodyFrame } from './body-model.ts';
import { project, type Camera } from './camera.ts';
import type { Mat3, Vec3 } from './rotation.ts';

/**
 * The pose stream a 2D keypoint detector would give: COCO-17 keypoints in pixels with a
 * confidence each, projected from the body model. The face points (nose, eyes, ears) are placed
 * on the head from the trunk's orientation; detector noise is Gaussian in pixels, and a dropout
 * (a missed keypoint) gets a low score and a position anywhere near the body, as detectors give.
 */
export interface PoseNoiseSpec {
  /** Keypoint position noise, pixels (sd). */
  noisePx: number;
  /** Probability that a keypoint is missed in a frame. */
  dropout: number;
}

const J = (name: (typeof BODY_JOINTS)[number]) => BODY_JOINTS.indexOf(name);
const C = (name: Coco17Joint) => COCO17_JOINTS.indexOf(name);
const BODY_TO_COCO: [number, number][] = [
  [C('left_shoulder'), J('l_shoulder')],
  [C('right_shoulder'), J('r_shoulder')],
  [C('left_elbow'), J('l_elbow')],
  [C('right_elbow'), J('r_elbow')],
  [C('left_wrist'), J('l_wrist')],
  [C('right_wrist'), J('r_wrist')],
  [C('left_hip'), J('l_hip')],
  [C('right_hip'), J('r_hip')],
  [C('left_knee'), J('l_knee')],
  [C('right_knee'), J('r_knee')],
  [C('left_ankle'), J('l_ankle')],
  [C('right_ankle'), J('r_ankle')],
];

/** The 17 COCO keypoints of a body frame, world coordinates. */
export function cocoKeypoints(frame: BodyFrame, dims: BodyDimensions): Vec3[] {
  const out: Vec3[] = new Array(17);
  for (const [c, b] of BODY_TO_COCO) out[c] = frame.joints[b] as Vec3;
  const trunk = frame.segments[1] as Mat3;
  const neck = frame.joints[J('neck')] as Vec3;
  const r = 0.06 * dims.height; // head radius, about 11 cm at 1.8 m
  const centre = offsetAlong(neck, trunk, 0, 0, dims.neck + dims.head / 2);
  out[0] = offsetAlong(centre, trunk, r, 0, -0.2 * r);
  out[1] = offsetAlong(centre, trunk, 0.85 * r, 0.35 * r, 0.15 * r);
  out[2] = offsetAlong(centre, trunk, 0.85 * r, -0.35 * r, 0.15 * r);
  out[3] = offsetAlong(centre, trunk, 0, 0.9 * r, 0);
  out[4] = offsetAlong(centre, trunk, 0, -0.9 * r, 0);
  return out;
}

/** Project the keypoints of each camera frame, with detector noise and dropouts. */
export function simulatePose(
  frames: BodyFrame[],
  times: Float64Array,
  dims: BodyDimensions,
  cameras: Camera[],
  spec: PoseNoiseSpec,
  rng: SeededRandom,
): PoseStream {
  if (frames.length !== times.length || cameras.length !== times.length) {
    throw new Error(
      `simulatePose(): ${frames.length} frames, ${times.length} times and ${cameras.length} cameras must match`,
    );
  }
  const n = frames.length;
  const data = new Float32Array(n * 17 * 2);
  const score = new Float32Array(n * 17);
  for (let i = 0; i < n; i++) {
    const cam = cameras[i] as Camera;
    const kp = cocoKeypoints(frames[i] as BodyFrame, dims);
    for (let j = 0; j < 17; j++) {
      const [u, v] = project(cam, kp[j] as Vec3);
      // Draws happen for every keypoint in the same order whatever the outcome (reproducible).
      const missed = rng.bernoulli(spec.dropout);
      const nu = rng.normal(0, spec.noisePx);
      const nv = rng.normal(0, spec.noisePx);
      const jitter = rng.uniform(0, 1);
      const inside = u >= 0 && v >= 0 && u < cam.spec.width && v < cam.spec.heightPx;
      data[(i * 17 + j) * 2] = missed ? u + (jitter - 0.5) * 0.3 * cam.spec.width : u + nu;
      data[(i * 17 + j) * 2 + 1] = missed ? v + (jitter - 0.5) * 0.3 * cam.spec.heightPx : v + nv;
      score[i * 17 + j] = missed || !inside ? 0.05 + 0.2 * jitter : 0.6 + 0.4 * jitter;
    }
  }
  return poseStream({
    rate: n > 1 ? 1 / ((times[1] as number) - (times[0] as number) || 1) : 30,
    t: times,
    joints: 'coco17',
    dims: 2,
    data,
    score,
    // The frame the keypoints are measured in, for a take rendered without video.
    meta: {
      units: 'px',
      keypoints: COCO17_JOINTS,
      width: cameras[0]?.spec.width ?? 0,
      height: cameras[0]?.spec.heightPx ?? 0,
    },
  });
}
