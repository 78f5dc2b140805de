import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { flipHorizontal } from '../../src/augment/flip-horizontal.ts';
import { COCO17_JOINTS, type Coco17Joint } from '../../src/core/joint-sets.ts';
import { SeededRandom } from '../../src/core/random.ts';
import type { Sample } from '../../src/core/sample.ts';
import { imuStream, poseStream, videoStream, type PoseStream, type VideoStream } from '../../src/core/stream.ts';
import { fixtureSample, imuOf, snapshot } from './sample-fixture.ts';

const Flip = suite('flipHorizontal');
const videoOf = (s: Sample) => s.streams.find((x) => x.kind === 'video') as VideoStream;
const poseOf = (s: Sample) => s.streams.find((x) => x.kind === 'pose') as PoseStream;

Flip("mirrors each video frame: pixel (r, c) is the original's (r, W-1-c)", () => {
  const sample = fixtureSample({ frames: 3, height: 5, width: 7 });
  const before = videoOf(sample).decoded!;
  const after = videoOf(flipHorizontal(sample)).decoded!;
  const { height: h, width: w } = before;
  for (let i = 0; i < 3; i++) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        for (let k = 0; k < 3; k++)
          assert.is(
            after.frames[((i * h + r) * w + c) * 3 + k],
            before.frames[((i * h + r) * w + (w - 1 - c)) * 3 + k],
          );
      }
    }
  }
});

Flip('mirrors pose x to W-1-x and swaps every left joint with its right twin, scores included', () => {
  const width = 50;
  const data = Float32Array.from({ length: 17 * 2 }, (_, k) => (k % 2 === 0 ? k / 2 : 100 + (k - 1) / 2));
  const score = Float32Array.from({ length: 17 }, (_, j) => j / 20);
  const sample: Sample = {
    id: 'hand',
    label: 'jump',
    meta: {},
    streams: [
      videoStream({
        rate: 30,
        t: Float64Array.of(0),
        decoded: { frames: new Uint8Array(width * 4 * 3), height: 4, width, channels: 3 },
      }),
      poseStream({ rate: 30, t: Float64Array.of(0), joints: 'coco17', dims: 2, data, score }),
    ],
  };
  const flipped = poseOf(flipHorizontal(sample));
  COCO17_JOINTS.forEach((name, j) => {
    const twin = name.startsWith('left_') ? name.replace('left_', 'right_') : name.replace('right_', 'left_');
    const from = COCO17_JOINTS.indexOf(twin as Coco17Joint);
    assert.is(flipped.data[j * 2], width - 1 - from, `${name} x`);
    assert.is(flipped.data[j * 2 + 1], 100 + from, `${name} y`);
    assert.is(flipped.score![j], score[from], `${name} score`);
  });
  assert.is(flipped.data[0], width - 1); // the nose stays the nose
});

Flip('mirrors IMUs as (fx, -fy, fz, -wx, wy, -wz) and swaps the side, keeping id and placement', () => {
  const sample: Sample = {
    id: 'hand',
    label: 'jump',
    meta: {},
    streams: [
      imuStream({
        rate: 100,
        t: Float64Array.of(0, 0.01),
        sensorId: 'S01-wrist',
        placement: 'wrist',
        data: Float32Array.of(1, 2, 3, 4, 5, 6, -1.5, 0, 9.81, 0.25, -0.5, 2),
        meta: { side: 'left' },
      }),
    ],
  };
  const [imu] = flipHorizontal(sample).streams;
  assert.ok(imu?.kind === 'imu');
  assert.equal(Array.from(imu.data), [1, -2, 3, -4, 5, -6, -1.5, -0, 9.81, -0.25, -0.5, -2].map(Math.fround));
  assert.is(imu.meta.side, 'right');
  assert.is(imu.sensorId, 'S01-wrist');
  assert.is(imu.placement, 'wrist');
  const fixture = flipHorizontal(fixtureSample());
  assert.is(imuOf(fixture, 'S01-ankle').meta.side, 'left');
  assert.ok(!('side' in imuOf(fixture, 'S01-pelvis').meta));
});

Flip('the IMU transform is the reflection of the body in any vertical plane, whatever the camera azimuth', () => {
  // A segment at orientation R (sensor to world) reads f_s = R^T f and w_s = R^T w. Reflected in the
  // vertical plane at azimuth phi (M_phi), it becomes M_phi R M (a rotation again) reading M_phi f and
  // -M_phi w (angular velocity is an axial vector).
  const rng = new SeededRandom(5);
  for (let trial = 0; trial < 20; trial++) {
    const r = randomRotation(rng);
    const f = [rng.normal(0, 5), rng.normal(0, 5), rng.normal(9.81, 2)];
    const w = [rng.normal(0, 3), rng.normal(0, 3), rng.normal(0, 3)];
    const phi = rng.uniform(-Math.PI, Math.PI);
    const mPhi = multiply(multiply(rotZ(phi), MIRROR_Y), rotZ(-phi));
    const mirroredFrame = multiply(multiply(mPhi, r), MIRROR_Y);
    const expected = [
      ...applyT(mirroredFrame, apply(mPhi, f)),
      ...applyT(
        mirroredFrame,
        apply(mPhi, w).map((v) => -v),
      ),
    ];
    const sample: Sample = {
      id: 'r',
      label: 'x',
      meta: {},
      streams: [
        imuStream({
          rate: 100,
          t: Float64Array.of(0),
          sensorId: 's',
          placement: 'chest',
          data: Float32Array.from([...applyT(r, f), ...applyT(r, w)]),
        }),
      ],
    };
    const [imu] = flipHorizontal(sample).streams;
    assert.ok(imu?.kind === 'imu');
    imu.data.forEach((v, k) =>
      assert.ok(Math.abs(v - (expected[k] as number)) < 1e-4, `channel ${k}: ${v} vs ${expected[k]}`),
    );
  }
});

Flip('applied twice gives the original back: frames, IMUs, scores and meta exactly, pose x to float32 rounding', () => {
  const sample = fixtureSample();
  const twice = flipHorizontal(flipHorizontal(sample));
  assert.equal(videoOf(twice).decoded!.frames, videoOf(sample).decoded!.frames);
  for (const id of ['S01-wrist', 'S01-ankle', 'S01-pelvis']) {
    assert.equal(imuOf(twice, id).data, imuOf(sample, id).data);
    assert.equal(imuOf(twice, id).meta, imuOf(sample, id).meta);
  }
  const [p0, p2] = [poseOf(sample), poseOf(twice)];
  assert.equal(p2.score, p0.score);
  p0.data.forEach((v, k) =>
    assert.ok(k % 2 === 1 ? p2.data[k] === v : Math.abs((p2.data[k] as number) - v) < 1e-5, `value ${k}`),
  );
  // Coordinates on a 1/64 px grid come back bit for bit.
  const gridded = fixtureSample();
  const pose = poseOf(gridded);
  pose.data.forEach((v, k) => (pose.data[k] = Math.round(v * 64) / 64));
  assert.equal(poseOf(flipHorizontal(flipHorizontal(gridded))).data, pose.data);
});

Flip('returns a new sample and leaves the input untouched', () => {
  const sample = fixtureSample();
  const before = snapshot(sample);
  const flipped = flipHorizontal(sample);
  assert.equal(snapshot(sample), before);
  assert.is.not(flipped, sample);
  assert.is(flipped.id, sample.id);
  assert.equal(flipped.events, sample.events);
});

Flip('names what it cannot flip', () => {
  const lazy: Sample = {
    id: 'lazy',
    label: 'x',
    meta: {},
    streams: [
      videoStream({ rate: 30, t: Float64Array.of(0, 0.1), source: { path: 'clip.mkv', startFrame: 0, endFrame: 2 } }),
    ],
  };
  assert.throws(
    () => flipHorizontal(lazy),
    /flipHorizontal\(\): sample 'lazy' has a video still on disk \(clip.mkv\); decode its frames/,
  );
  const poseOnly: Sample = { ...fixtureSample(), streams: fixtureSample().streams.filter((s) => s.kind !== 'video') };
  assert.throws(() => flipHorizontal(poseOnly), /has pose keypoints but no decoded video/);
  // A pose stream that says its frame size (a synthetic take rendered without frames) flips as with the video.
  const video = fixtureSample().streams.find((s) => s.kind === 'video');
  const sized: Sample = {
    ...poseOnly,
    streams: poseOnly.streams.map((s) =>
      s.kind === 'pose' && video?.kind === 'video'
        ? { ...s, meta: { ...s.meta, width: video.decoded?.width, height: video.decoded?.height } }
        : s,
    ),
  };
  const pose = (x: Sample) => x.streams.find((s) => s.kind === 'pose');
  assert.equal(pose(flipHorizontal(sized))?.data, pose(flipHorizontal(fixtureSample()))?.data);
  const kinect: Sample = {
    id: 'k',
    label: 'x',
    meta: {},
    streams: [
      videoStream({
        rate: 30,
        t: Float64Array.of(0),
        decoded: { frames: new Uint8Array(12), height: 2, width: 2, channels: 3 },
      }),
      poseStream({ rate: 30, t: Float64Array.of(0), joints: 'kinect20', dims: 2, data: new Float32Array(40) }),
    ],
  };
  assert.throws(() => flipHorizontal(kinect), /pose joint set 'kinect20' has no left\/right map here/);
});

Flip.run();

type Mat = number[][];
const MIRROR_Y: Mat = [
  [1, 0, 0],
  [0, -1, 0],
  [0, 0, 1],
];
const rotZ = (a: number): Mat => [
  [Math.cos(a), -Math.sin(a), 0],
  [Math.sin(a), Math.cos(a), 0],
  [0, 0, 1],
];
const multiply = (a: Mat, b: Mat): Mat =>
  a.map((row) => [0, 1, 2].map((j) => row.reduce((s, v, k) => s + v * (b[k]![j] as number), 0)));
const apply = (m: Mat, v: number[]) => m.map((row) => row.reduce((s, x, k) => s + x * (v[k] as number), 0));
const applyT = (m: Mat, v: number[]) =>
  [0, 1, 2].map((j) => m.reduce((s, row, k) => s + (row[j] as number) * (v[k] as number), 0));
function randomRotation(rng: SeededRandom): Mat {
  const [a, b, c] = [rng.uniform(-Math.PI, Math.PI), rng.uniform(-1.5, 1.5), rng.uniform(-Math.PI, Math.PI)];
  const rx: Mat = [
    [1, 0, 0],
    [0, Math.cos(c), -Math.sin(c)],
    [0, Math.sin(c), Math.cos(c)],
  ];
  const ry: Mat = [
    [Math.cos(b), 0, Math.sin(b)],
    [0, 1, 0],
    [-Math.sin(b), 0, Math.cos(b)],
  ];
  return multiply(multiply(rotZ(a), ry), rx);
}
