import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { affineFrames, applyAffine, type AffineRanges } from '../../src/augment/affine-frames.ts';
import { SeededRandom } from '../../src/core/random.ts';
import type { Sample } from '../../src/core/sample.ts';
import { poseStream, videoStream, type PoseStream, type VideoStream } from '../../src/core/stream.ts';
import { fixtureSample, snapshot } from './sample-fixture.ts';

const videoOf = (s: Sample) => s.streams.find((x) => x.kind === 'video') as VideoStream;
const poseOf = (s: Sample) => s.streams.find((x) => x.kind === 'pose') as PoseStream;

const [H, W] = [64, 72];
const MARKS = [
  [20, 30],
  [45, 20],
  [18, 45],
  [33, 36],
] as const; // [row, col] of bright 3x3 blocks

/** Two frames of black with bright 3x3 marks, and a pose whose first joints sit on the marks. */
function markedSample(): Sample {
  const frames = new Uint8Array(2 * H * W * 3);
  for (let i = 0; i < 2; i++) {
    for (const [r, c] of MARKS) {
      for (let dr = -1; dr <= 1; dr++)
        frames.fill(255, ((i * H + r + dr) * W + c - 1) * 3, ((i * H + r + dr) * W + c + 2) * 3);
    }
  }
  const pose = new Float32Array(2 * 17 * 2).fill(-1);
  for (let i = 0; i < 2; i++) MARKS.forEach(([r, c], j) => pose.set([c, r], (i * 17 + j) * 2));
  const t = Float64Array.of(0, 1 / 30);
  return {
    id: 'marks',
    label: 'jump',
    meta: {},
    streams: [
      videoStream({ rate: 30, t, decoded: { frames, height: H, width: W, channels: 3 }, meta: {} }),
      poseStream({ rate: 30, t, joints: 'coco17', dims: 2, data: pose, score: new Float32Array(34).fill(0.9) }),
    ],
  };
}

/** Brightness-weighted centre (x, y) of frame i within `radius` pixels of (x, y). */
function centroidNear(video: VideoStream, i: number, x: number, y: number, radius: number): [number, number] {
  const { frames } = video.decoded!;
  let [sum, sx, sy] = [0, 0, 0];
  for (let r = Math.max(0, Math.floor(y - radius)); r <= Math.min(H - 1, Math.ceil(y + radius)); r++) {
    for (let c = Math.max(0, Math.floor(x - radius)); c <= Math.min(W - 1, Math.ceil(x + radius)); c++) {
      const v = frames[((i * H + r) * W + c) * 3] as number;
      [sum, sx, sy] = [sum + v, sx + v * c, sy + v * r];
    }
  }
  return [sx / sum, sy / sum];
}

function assertKeypointsOnMarks(moved: Sample, tolerancePx: number): void {
  const pose = poseOf(moved);
  for (let i = 0; i < 2; i++) {
    MARKS.forEach((_, j) => {
      const [x, y] = [pose.data[(i * 17 + j) * 2] as number, pose.data[(i * 17 + j) * 2 + 1] as number];
      const [cx, cy] = centroidNear(videoOf(moved), i, x, y, 6);
      assert.ok(
        Math.hypot(cx - x, cy - y) < tolerancePx,
        `frame ${i} mark ${j}: keypoint (${x.toFixed(2)}, ${y.toFixed(2)}), mark at (${cx.toFixed(2)}, ${cy.toFixed(2)})`,
      );
    });
  }
}

const Affine = suite('applyAffine');

Affine('a keypoint on a marked pixel stays on the moved mark', () => {
  const moved = applyAffine(markedSample(), { rotationDeg: 25, translate: [5.5, -3.25], scale: 1.2 }, 0);
  assertKeypointsOnMarks(moved, 0.25);
  // The marks did move: the second is nowhere near where it was.
  assert.ok(Math.hypot((poseOf(moved).data[2] as number) - 20, (poseOf(moved).data[3] as number) - 45) > 5);
});

Affine('the identity leaves frames and pose as they were, bit for bit', () => {
  const sample = fixtureSample();
  const same = applyAffine(sample, { rotationDeg: 0, translate: [0, 0], scale: 1 });
  assert.equal(videoOf(same).decoded!.frames, videoOf(sample).decoded!.frames);
  assert.equal(poseOf(same).data, poseOf(sample).data);
});

Affine('a whole-pixel shift moves pixels exactly, filling what it uncovers', () => {
  const sample = fixtureSample({ frames: 2, height: 6, width: 8 });
  const src = videoOf(sample).decoded!.frames;
  const out = videoOf(applyAffine(sample, { rotationDeg: 0, translate: [2, 1], scale: 1 }, 7)).decoded!.frames;
  const edge = videoOf(applyAffine(sample, { rotationDeg: 0, translate: [2, 1], scale: 1 }, 'edge')).decoded!.frames;
  for (let i = 0; i < 2; i++) {
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c < 8; c++) {
        const at = ((i * 6 + r) * 8 + c) * 3;
        const from = ((i * 6 + Math.max(0, r - 1)) * 8 + Math.max(0, c - 2)) * 3;
        assert.is(out[at], r >= 1 && c >= 2 ? src[from] : 7, `fill, frame ${i} (${r}, ${c})`);
        assert.is(edge[at], src[from], `edge, frame ${i} (${r}, ${c})`);
      }
    }
  }
});

Affine('a positive angle turns the picture counter-clockwise on screen', () => {
  const frames = new Uint8Array(9 * 9);
  frames[4 * 9 + 7] = 200; // right of the centre (4, 4)
  const sample: Sample = {
    id: 'turn',
    label: 'x',
    meta: {},
    streams: [videoStream({ rate: 30, t: Float64Array.of(0), decoded: { frames, height: 9, width: 9, channels: 1 } })],
  };
  const out = videoOf(applyAffine(sample, { rotationDeg: 90, translate: [0, 0], scale: 1 }, 0)).decoded!.frames;
  assert.is(out[1 * 9 + 4], 200); // now above the centre
  assert.is(
    out.reduce((a, b) => a + b, 0),
    200,
  );
});

Affine('changes no IMU and leaves the input untouched', () => {
  const sample = fixtureSample();
  const before = snapshot(sample);
  const moved = applyAffine(sample, { rotationDeg: -12, translate: [1.5, 2], scale: 0.9 });
  assert.equal(snapshot(sample), before);
  sample.streams.forEach((s, k) =>
    s.kind === 'imu' ? assert.is(moved.streams[k], s) : assert.is.not(moved.streams[k], s),
  );
});

Affine('names a bad transform or fill', () => {
  assert.throws(
    () => applyAffine(fixtureSample(), { rotationDeg: 0, translate: [0, 0], scale: 0 }),
    /applyAffine\(\): need a finite rotationDeg and translate and a scale > 0/,
  );
  assert.throws(
    () => applyAffine(fixtureSample(), { rotationDeg: 0, translate: [0, 0], scale: 1 }, 300),
    /applyAffine\(\): fill must be 'edge' or a grey level 0-255, got 300/,
  );
});

Affine.run();

const Random = suite('affineFrames');
const RANGES: AffineRanges = { rotationDeg: 20, translate: [6, 4], scale: [0.85, 1.15], fill: 0 };

Random('keeps keypoints on the marks for every drawn transform', () => {
  const rng = new SeededRandom(3);
  for (let k = 0; k < 6; k++) assertKeypointsOnMarks(affineFrames(markedSample(), RANGES, rng), 0.3);
});

Random('is deterministic by seed', () => {
  const a = affineFrames(fixtureSample(), RANGES, new SeededRandom(9));
  const b = affineFrames(fixtureSample(), RANGES, new SeededRandom(9));
  const c = affineFrames(fixtureSample(), RANGES, new SeededRandom(10));
  assert.equal(videoOf(a).decoded!.frames, videoOf(b).decoded!.frames);
  assert.equal(poseOf(a).data, poseOf(b).data);
  assert.not.equal(poseOf(a).data, poseOf(c).data);
});

Random('names a bad range', () => {
  const rng = new SeededRandom(1);
  assert.throws(
    () => affineFrames(fixtureSample(), { ...RANGES, rotationDeg: -1 }, rng),
    /affineFrames\(\): rotationDeg must be within 0-180 degrees, got -1/,
  );
  assert.throws(
    () => affineFrames(fixtureSample(), { ...RANGES, scale: [1.2, 1.1] }, rng),
    /scale must be \[low, high\] with 0 < low <= high, got \[1.2, 1.1\]/,
  );
  assert.throws(
    () => affineFrames(fixtureSample(), { ...RANGES, translate: [-1, 0] }, rng),
    /translate must be \[dx, dy\] >= 0 pixels/,
  );
});

Random.run();
