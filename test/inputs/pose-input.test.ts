import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../src/core/errors.ts';
import { KINECT20_JOINTS } from '../../src/core/joint-sets.ts';
import type { Sample } from '../../src/core/sample.ts';
import { poseStream, type PoseStream, type VideoStream } from '../../src/core/stream.ts';
import { ACTIONS } from '../../src/data/synthetic/actions.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTake } from '../../src/data/synthetic/synthetic-take.ts';
import { utdMhadDataset } from '../../src/data/utd-mhad/utd-mhad-dataset.ts';
import { buildInputSet, inputShapes } from '../../src/inputs/model-inputs.ts';
import { poseInput, poseInputWidth } from '../../src/inputs/pose-input.ts';

// The pose inputs as they were before inputs.pose.features and normalise (model-inputs.ts at
// 89d0a8d): the defaults must give these bit for bit.

/**
 * A 3-D skeleton (Kinect v2-style 20 joints, metres) as [frames x 60]: each frame's joints
 * relative to its hip centre (where the person stands carries no class), `frames` frames taken
 * evenly over the whole recording, since real recordings differ in length.
 */
function oldSkeletonInput(sample: Sample, frames: number): Float32Array {
  const stream = sample.streams.find((s): s is PoseStream => s.kind === 'pose');
  if (stream === undefined || stream.joints !== 'kinect20' || stream.dims !== 3)
    throw new UserError(
      `sample ${sample.id} has no 3-D Kinect (20-joint) skeleton`,
      'Use inputs.pose.joints: coco17 for 2-D image keypoints.',
    );
  const names = stream.meta['jointNames'];
  const centre = Array.isArray(names) && names.includes('hip_center') ? names.indexOf('hip_center') : 0;
  const n = stream.t.length;
  const out = new Float32Array(frames * 60);
  for (let f = 0; f < frames && n > 0; f++) {
    const src = Math.min(n - 1, Math.floor(((f + 0.5) * n) / frames));
    const base = src * 60;
    for (let j = 0; j < 20; j++) {
      for (let d = 0; d < 3; d++)
        out[f * 60 + j * 3 + d] =
          (stream.data[base + j * 3 + d] as number) - (stream.data[base + centre * 3 + d] as number);
    }
  }
  return out;
}

function oldPoseInput(sample: Sample, frames: number): Float32Array {
  const stream = sample.streams.find((s): s is PoseStream => s.kind === 'pose');
  if (stream === undefined || stream.joints !== 'coco17' || stream.dims !== 2)
    throw new UserError(`sample ${sample.id} has no 2D COCO-17 pose stream`);
  const video = sample.streams.find((s): s is VideoStream => s.kind === 'video');
  const width = video?.decoded?.width ?? (typeof stream.meta['width'] === 'number' ? stream.meta['width'] : undefined);
  const height =
    video?.decoded?.height ?? (typeof stream.meta['height'] === 'number' ? stream.meta['height'] : undefined);
  if (width === undefined || height === undefined)
    throw new UserError(
      `sample ${sample.id}: the pose stream's frame size is unknown (no decoded video, no meta.width/height)`,
    );
  const out = new Float32Array(frames * 51);
  const n = Math.min(frames, stream.t.length);
  for (let f = 0; f < n; f++) {
    for (let j = 0; j < 17; j++) {
      const o = (f * 17 + j) * 3;
      out[o] = (stream.data[(f * 17 + j) * 2] as number) / width - 0.5;
      out[o + 1] = (stream.data[(f * 17 + j) * 2 + 1] as number) / width - (0.5 * height) / width;
      out[o + 2] = stream.score?.[f * 17 + j] ?? 1;
    }
  }
  return out;
}

const KINECT_NAMES = [...KINECT20_JOINTS];

/** A kinect20 stream: per frame, each joint's offset from a hip centre at (f, -0.1, 3); joints not given sit on the hip. */
function kinectSample(offsets: (f: number) => Record<number, [number, number, number]>, frames: number): Sample {
  const data = new Float32Array(frames * 60);
  for (let f = 0; f < frames; f++) {
    const given = offsets(f);
    for (let j = 0; j < 20; j++) {
      const [dx, dy, dz] = given[j] ?? [0, 0, 0];
      data.set([f + dx, -0.1 + dy, 3 + dz], f * 60 + j * 3);
    }
  }
  const t = Float64Array.from({ length: frames }, (_, f) => f / 30);
  const pose = poseStream({ rate: 30, t, joints: 'kinect20', dims: 3, data, meta: { jointNames: KINECT_NAMES } });
  return { id: 'k', label: 'jump', streams: [pose], meta: {} };
}

/** Joint j's C channels in frame f of a [frames x J*C] input. */
function at(input: Float32Array, f: number, j: number, joints: number, c: number): number[] {
  return Array.from(input.slice((f * joints + j) * c, (f * joints + j + 1) * c));
}

function close(actual: number[], expected: number[], message: string): void {
  assert.is(actual.length, expected.length, message);
  actual.forEach((v, k) =>
    assert.ok(Math.abs(v - expected[k]!) < 1e-6, `${message}: [${actual.join(', ')}] vs [${expected.join(', ')}]`),
  );
}

const Body = suite("poseInput normalise 'body'");
Body('kinect20: hip-centred, divided by the median hip-centre to shoulder-centre distance', () => {
  // shoulder_center (1) 0.4, 0.5, 0.6 m above the hip in frames 0-2: body size 0.5 m.
  // head (0) at (0.1, 0.75, 0) from the hip: (0.2, 1.5, 0) body sizes.
  const sample = kinectSample((f) => ({ 1: [0, 0.4 + 0.1 * f, 0], 0: [0.1, 0.75, 0] }), 3);
  const input = poseInput(sample, {
    frames: 3,
    joints: 'kinect20',
    normalise: 'body',
    features: ['position', 'velocity'],
  });
  close(at(input, 0, 0, 20, 6), [0.2, 1.5, 0, 0, 0, 0], 'head, frame 0');
  // shoulder centre at 1.0 body sizes in frame 1, up 0.2 (0.1 m / 0.5 m) since frame 0.
  close(at(input, 1, 1, 20, 6), [0, 1, 0, 0, 0.2, 0], 'shoulder centre, frame 1');
  close(at(input, 2, 1, 20, 6), [0, 1.2, 0, 0, 0.2, 0], 'shoulder centre, frame 2');
  // The hip centre moves 1 m a frame in x, but every frame is centred on it.
  close(at(input, 2, 3, 20, 6), [0, 0, 0, 0, 0, 0], 'hip centre');
  // Unnormalised: metres from the hip, as before.
  const plain = poseInput(sample, { frames: 3, joints: 'kinect20' });
  close(at(plain, 0, 0, 20, 3), [0.1, 0.75, 0], 'head in metres');
});
Body('coco17: mid-hip-centred, divided by the torso length of the frames that saw the torso; scores kept', () => {
  // Hips at (100, 200) and (120, 200); shoulders T px above them, T = 100, 100, 120, and 1000 in
  // frame 3, whose hips score 0.1 (unseen): the torso is 100 px, the median of 100, 100, 120.
  const torso = [100, 100, 120, 1000];
  const data = new Float32Array(4 * 17 * 2);
  const score = new Float32Array(4 * 17).fill(0.9);
  for (let f = 0; f < 4; f++) {
    const T = torso[f]!;
    for (let j = 0; j < 17; j++) data.set([110, 200], (f * 17 + j) * 2);
    data.set([110, 200 - 1.4 * T], f * 17 * 2); // nose
    data.set([100, 200 - T, 120, 200 - T], (f * 17 + 5) * 2); // shoulders
    data.set([100, 200, 120, 200], (f * 17 + 11) * 2); // hips
  }
  score[3 * 17 + 11] = score[3 * 17 + 12] = 0.1;
  const t = Float64Array.from({ length: 4 }, (_, f) => f / 30);
  const pose = poseStream({ rate: 30, t, joints: 'coco17', dims: 2, data, score, meta: {} });
  const sample: Sample = { id: 'c', label: 'jump', streams: [pose], meta: {} };
  // No frame size is needed.
  const input = poseInput(sample, { frames: 4, normalise: 'body' });
  close(at(input, 0, 0, 17, 3), [0, -1.4, 0.9], 'nose, frame 0');
  close(at(input, 2, 0, 17, 3), [0, -1.68, 0.9], 'nose, frame 2 (a longer torso, the same scale)');
  close(at(input, 0, 11, 17, 3), [-0.1, 0, 0.9], 'left hip');
  close(at(input, 3, 11, 17, 3), [-0.1, 0, 0.1], 'left hip, unseen: its score kept');
  assert.throws(() => poseInput(sample, { frames: 4 }), /frame size is unknown/);
});
Body.run();

const Shapes = suite('pose input shapes');
Shapes('[frames, joints x channels]: 3 a feature for kinect20, 2 a feature and the score for coco17', () => {
  const all = ['position', 'velocity', 'bone'] as const;
  assert.equal(inputShapes({ pose: { frames: 30, joints: 'kinect20', features: all } }), { pose: [30, 180] });
  assert.equal(inputShapes({ pose: { frames: 30, features: ['position', 'velocity'] } }), { pose: [30, 85] });
  assert.equal(inputShapes({ pose: { frames: 30, joints: 'kinect20' } }), { pose: [30, 60] });
  assert.is(poseInputWidth({ frames: 1, joints: 'coco17' }), 51);
  const sample = kinectSample((f) => ({ 0: [0.1 * f, 0.7, 0] }), 12);
  const set = buildInputSet(
    [sample],
    { pose: { frames: 8, joints: 'kinect20', features: all, normalise: 'body' } },
    ACTIONS,
  );
  assert.equal(set.pose!.shape, [8, 180]);
  assert.is(set.pose!.data.length, 8 * 180);
});
Shapes.run();

const Unchanged = suite('pose input defaults');
Unchanged('coco17: bit for bit the input of before, shorter and longer than the stream', () => {
  const options = { ...SYNTHETIC_DEFAULTS, seed: 3 };
  const sample = generateTake(options, generateSubject(options, 0), 'jump', 0);
  const length = (sample.streams.find((s) => s.kind === 'pose') as PoseStream).t.length;
  for (const frames of [10, length + 7]) {
    const now = poseInput(sample, { frames });
    assert.ok(Buffer.from(now.buffer).equals(Buffer.from(oldPoseInput(sample, frames).buffer)), `${frames} frames`);
    const explicit = poseInput(sample, { frames, joints: 'coco17', features: ['position'], normalise: 'none' });
    assert.ok(Buffer.from(explicit.buffer).equals(Buffer.from(now.buffer)), 'the defaults written out');
  }
});
Unchanged('kinect20: bit for bit the input of before, on a made-up skeleton', () => {
  const sample = kinectSample(
    (f) =>
      Object.fromEntries(KINECT_NAMES.map((_, j) => [j, [Math.sin(f + j) / 3, Math.cos(f * j) / 2, 0.1 * j - f / 7]])),
    45,
  );
  for (const frames of [30, 7, 64]) {
    const now = poseInput(sample, { frames, joints: 'kinect20' });
    assert.ok(Buffer.from(now.buffer).equals(Buffer.from(oldSkeletonInput(sample, frames).buffer)), `${frames} frames`);
  }
});

const root = join(fileURLToPath(new URL('../../', import.meta.url)), '../shared/data/utd-mhad-sample');
if (!existsSync(root)) console.log(`pose input tests on UTD-MHAD: skipped (${root} absent)`);
else {
  Unchanged(
    'kinect20: bit for bit the input of before on real UTD-MHAD takes; body size about 1 after body',
    async () => {
      const dataset = utdMhadDataset({ root, modalities: ['skeleton'], subjects: [1] });
      const refs = await dataset.list();
      for (const ref of [refs[0]!, refs[50]!, refs[100]!]) {
        const sample = await dataset.load(ref);
        for (const frames of [30, 128]) {
          const now = poseInput(sample, { frames, joints: 'kinect20' });
          const before = oldSkeletonInput(sample, frames);
          assert.ok(Buffer.from(now.buffer).equals(Buffer.from(before.buffer)), `${ref.id}, ${frames} frames`);
        }
        // hip centre (3) to shoulder centre (1), over the 30 input frames: about one body size.
        const body = poseInput(sample, { frames: 30, joints: 'kinect20', normalise: 'body' });
        const lengths = Array.from({ length: 30 }, (_, f) => Math.hypot(...at(body, f, 1, 20, 3))).sort(
          (a, b) => a - b,
        );
        assert.ok(Math.abs(lengths[15]! - 1) < 0.1, `${ref.id}: median ${lengths[15]}`);
      }
    },
  );
}
Unchanged.run();
