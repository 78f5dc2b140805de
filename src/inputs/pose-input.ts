import { UserError } from '../core/errors.ts';
import { JOINT_SETS } from '../core/joint-sets.ts';
import type { Sample } from '../core/sample.ts';
import type { PoseStream, VideoStream } from '../core/stream.ts';
import type { InputSpec, PoseFeature } from './input-spec.ts';
import { poseChannels, skeletonFeatures } from './skeleton-features.ts';

export type PoseInputSpec = NonNullable<InputSpec['pose']>;

const POSITION_ONLY: readonly PoseFeature[] = ['position'];
/** A keypoint with a lower score counts as unseen when measuring the torso. */
const SEEN = 0.3;

/** Values per frame of the pose input: joints x channels per joint. */
export function poseInputWidth(spec: PoseInputSpec): number {
  const joints = spec.joints ?? 'coco17';
  return JOINT_SETS[joints].names.length * poseChannels(joints, spec.features ?? POSITION_ONLY);
}

/**
 * A sample's pose input, [frames x J*C]: its positions read (and with normalise 'body' centred
 * and scaled) below, then the features of skeletonFeatures. The defaults (features ['position'],
 * normalise 'none') give the inputs of before those options, bit for bit.
 */
export function poseInput(sample: Sample, spec: PoseInputSpec): Float32Array {
  const joints = spec.joints ?? 'coco17';
  const body = spec.normalise === 'body';
  const read =
    joints === 'kinect20' ? skeletonPositions(sample, spec.frames, body) : keypointPositions(sample, spec.frames, body);
  return skeletonFeatures(read.positions, read.score, {
    joints,
    frames: spec.frames,
    valid: read.valid,
    features: spec.features ?? POSITION_ONLY,
  });
}

/** Positions [frames x J x dims], scores [frames x J] where the joint set has them, and how many frames are real. */
interface ReadPositions {
  positions: Float32Array;
  score?: Float32Array;
  valid: number;
}

/**
 * A 3-D skeleton (Kinect v1's 20 joints, metres): `frames` frames taken evenly over the whole
 * recording, since real recordings differ in length; each frame's joints relative to its hip
 * centre (where the person stands carries no class). body: also divided by the trial's body size,
 * the median over all its frames of the hip-centre to shoulder-centre distance (0.30-0.43 m over
 * UTD-MHAD's subjects 1-4), so tall and short athletes look alike.
 */
function skeletonPositions(sample: Sample, frames: number, body: boolean): ReadPositions {
  const stream = sample.streams.find((s): s is PoseStream => s.kind === 'pose');
  if (stream === undefined || stream.joints !== 'kinect20' || stream.dims !== 3)
    throw new UserError(
      `sample ${sample.id} has no 3-D Kinect (20-joint) skeleton`,
      'Use inputs.pose.joints: coco17 for 2-D image keypoints.',
    );
  const names = stream.meta['jointNames'];
  // Joint 0 when the stream names no joints: what this input has always taken, kept so inputs do not change.
  const centre = Array.isArray(names) && names.includes('hip_center') ? names.indexOf('hip_center') : 0;
  const n = stream.t.length;
  const size = body ? bodySize(stream, centre, jointIndex(stream, 'shoulder_center')) : 1;
  const positions = new Float32Array(frames * 60);
  for (let f = 0; f < frames && n > 0; f++) {
    const src = Math.min(n - 1, Math.floor(((f + 0.5) * n) / frames));
    const base = src * 60;
    for (let j = 0; j < 20; j++) {
      for (let d = 0; d < 3; d++) {
        const relative = (stream.data[base + j * 3 + d] as number) - (stream.data[base + centre * 3 + d] as number);
        // x / 1 is x exactly: unscaled inputs are those of before the option.
        positions[f * 60 + j * 3 + d] = relative / size;
      }
    }
  }
  return { positions, valid: n > 0 ? frames : 0 };
}

/** A joint's index by the stream's own joint names, else by its joint set's order. */
function jointIndex(stream: PoseStream, name: string): number {
  const names = stream.meta['jointNames'];
  if (Array.isArray(names) && names.includes(name)) return names.indexOf(name);
  return JOINT_SETS[stream.joints].names.indexOf(name);
}

/** Median over the stream's frames of the distance from joint `a` to joint `b`; 1 where that is 0 (no skeleton). */
function bodySize(stream: PoseStream, a: number, b: number): number {
  const count = JOINT_SETS[stream.joints].names.length;
  const frameValues = count * stream.dims;
  const lengths = Array.from({ length: stream.t.length }, (_, f) => {
    let sum = 0;
    for (let d = 0; d < stream.dims; d++) {
      const delta =
        (stream.data[f * frameValues + a * stream.dims + d] as number) -
        (stream.data[f * frameValues + b * stream.dims + d] as number);
      sum += delta * delta;
    }
    return Math.sqrt(sum);
  });
  const size = median(lengths);
  return size > 0 ? size : 1;
}

/**
 * 2-D COCO-17 keypoints: the stream's first `frames` frames (zeros after a shorter stream), x and
 * y relative to the frame's centre in frame widths, and the scores (1 where the stream has none).
 * body: instead centred on the mid-hip (between the hip keypoints) in every frame and divided by
 * the trial's torso length, the median over its frames of mid-shoulder to mid-hip, over the frames
 * that saw all four (score >= 0.3), or all frames where none did; no frame size is needed.
 */
function keypointPositions(sample: Sample, frames: number, body: boolean): ReadPositions {
  const stream = sample.streams.find((s): s is PoseStream => s.kind === 'pose');
  if (stream === undefined || stream.joints !== 'coco17' || stream.dims !== 2)
    throw new UserError(`sample ${sample.id} has no 2D COCO-17 pose stream`);
  const data = stream.data;
  const toInput = body ? torsoFrame(stream) : imageFrame(sample, stream);
  const positions = new Float32Array(frames * 34);
  const score = new Float32Array(frames * 17);
  const n = Math.min(frames, stream.t.length);
  for (let f = 0; f < n; f++) {
    for (let j = 0; j < 17; j++) {
      const o = (f * 17 + j) * 2;
      const [x, y] = toInput(f, data[o] as number, data[o + 1] as number);
      positions[o] = x;
      positions[o + 1] = y;
      score[f * 17 + j] = stream.score?.[f * 17 + j] ?? 1;
    }
  }
  return { positions, score, valid: n };
}

type ToInput = (frame: number, x: number, y: number) => [number, number];

/** Pixels to frame widths from the frame's centre. */
function imageFrame(sample: Sample, stream: PoseStream): ToInput {
  const video = sample.streams.find((s): s is VideoStream => s.kind === 'video');
  const width = video?.decoded?.width ?? (typeof stream.meta['width'] === 'number' ? stream.meta['width'] : undefined);
  const height =
    video?.decoded?.height ?? (typeof stream.meta['height'] === 'number' ? stream.meta['height'] : undefined);
  if (width === undefined || height === undefined)
    throw new UserError(
      `sample ${sample.id}: the pose stream's frame size is unknown (no decoded video, no meta.width/height)`,
    );
  return (_, x, y) => [x / width - 0.5, y / width - (0.5 * height) / width];
}

/** Pixels to torso lengths from the frame's mid-hip. */
function torsoFrame(stream: PoseStream): ToInput {
  const { data, score } = stream;
  const [leftShoulder, rightShoulder, leftHip, rightHip] = [5, 6, 11, 12];
  const mid = (f: number, a: number, b: number, d: number) =>
    ((data[(f * 17 + a) * 2 + d] as number) + (data[(f * 17 + b) * 2 + d] as number)) / 2;
  const torso = (f: number) =>
    Math.hypot(
      mid(f, leftShoulder, rightShoulder, 0) - mid(f, leftHip, rightHip, 0),
      mid(f, leftShoulder, rightShoulder, 1) - mid(f, leftHip, rightHip, 1),
    );
  const all = Array.from({ length: stream.t.length }, (_, f) => f);
  const seen = all.filter((f) =>
    [leftShoulder, rightShoulder, leftHip, rightHip].every((j) => (score?.[f * 17 + j] ?? 1) >= SEEN),
  );
  const length = median((seen.length > 0 ? seen : all).map(torso));
  const size = length > 0 ? length : 1;
  return (f, x, y) => [(x - mid(f, leftHip, rightHip, 0)) / size, (y - mid(f, leftHip, rightHip, 1)) / size];
}

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[half] as number)
    : ((sorted[half - 1] as number) + (sorted[half] as number)) / 2;
}
