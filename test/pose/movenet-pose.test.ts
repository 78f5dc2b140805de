import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { isUserError } from '../../src/core/errors.ts';
import { COCO17_JOINTS } from '../../src/core/joint-sets.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import {
  estimateVideoPoses,
  loadMoveNetPose,
  movenetLetterbox,
  videoPoseStream,
  type MoveNetPose,
  type VideoPose,
} from '../../src/pose/movenet-pose.ts';
import { decodeVideoFrames } from '../../src/video/decode-video.ts';
import { locateFfmpeg } from '../../src/video/ffmpeg-binary.ts';

/**
 * MoveNet Lightning from node_modules: the letterbox geometry, the mapping back to the frame's
 * pixels, tensor hygiene, and plausible poses on the real NTU RGB+D clip in ../shared/data/video
 * (those skipped, saying so, when the folder is absent).
 */
const VIDEO_DIR = fileURLToPath(new URL('../../../shared/data/video', import.meta.url));
const NTU = join(VIDEO_DIR, 'tools_data_skeleton_S001C001P001R001A001_rgb.avi');
const present = existsSync(NTU);
if (!present) console.log(`MoveNet pose tests on real video: skipped (no real clip: ${NTU} is absent)`);

const J = COCO17_JOINTS.length;
const joint = (name: (typeof COCO17_JOINTS)[number]) => COCO17_JOINTS.indexOf(name);
let estimator: MoveNetPose;
let ffmpeg = '';

const Letterbox = suite('movenetLetterbox');
Letterbox('fits the longer side to the square, centres the other, and maps back by source / scaled size', () => {
  assert.equal(movenetLetterbox(1920, 1080, 192), {
    size: 192,
    width: 192,
    height: 108,
    offsetX: 0,
    offsetY: 42,
    scaleX: 10,
    scaleY: 10,
  });
  assert.equal(movenetLetterbox(320, 240, 192), {
    size: 192,
    width: 192,
    height: 144,
    offsetX: 0,
    offsetY: 24,
    scaleX: 320 / 192,
    scaleY: 240 / 144,
  });
  assert.equal(movenetLetterbox(100, 300, 192), {
    size: 192,
    width: 64,
    height: 192,
    offsetX: 64,
    offsetY: 0,
    scaleX: 100 / 64,
    scaleY: 300 / 192,
  });
  // Rounding is undone exactly: 341 / 192 * 192 px = 341 px.
  const odd = movenetLetterbox(341, 257, 192);
  assert.is(odd.width * odd.scaleX, 341);
  assert.is(odd.height * odd.scaleY, 257);
  assert.is(odd.offsetY, Math.floor((192 - odd.height) / 2));
});
Letterbox('names the bad argument', () => {
  assert.throws(() => movenetLetterbox(0, 10, 192), /movenetLetterbox\(\): width must be a whole number/);
  assert.throws(() => movenetLetterbox(10, 10.5, 192), /movenetLetterbox\(\): height/);
});
Letterbox.run();

const Estimate = suite('MoveNetPose.estimate');
Estimate.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
  estimator = await loadMoveNetPose();
  ffmpeg = (await locateFfmpeg()).path;
});

/** A light frame with a dark upright bar, like a standing figure. */
function figure(width: number, height: number): Uint8Array {
  const f = new Uint8Array(width * height * 3).fill(200);
  for (let y = Math.floor(height * 0.15); y < Math.floor(height * 0.9); y++) {
    for (let x = Math.floor(width * 0.45); x < Math.floor(width * 0.55); x++)
      f.fill(40, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return f;
}

Estimate(
  'gives 17 (x, y) keypoints and 17 scores in [0, 1] for a frame of any size, from the installed package',
  () => {
    assert.is(estimator.model, 'movenet-lightning');
    assert.is(estimator.inputSize, 192);
    for (const [w, h] of [
      [192, 192],
      [192, 108],
      [640, 360],
      [90, 160],
    ] as const) {
      const { keypoints, scores } = estimator.estimate(figure(w, h), w, h);
      assert.is(keypoints.length, J * 2);
      assert.is(scores.length, J);
      assert.ok(keypoints.every(Number.isFinite), `${w}x${h}`);
      assert.ok(
        scores.every((s) => s >= 0 && s <= 1),
        `${w}x${h}`,
      );
    }
  },
);

Estimate('leaks no tensor, whether the frame is padded only or resized first', () => {
  estimator.estimate(figure(640, 360), 640, 360);
  const n = tf.memory().numTensors;
  estimator.estimate(figure(640, 360), 640, 360);
  estimator.estimate(figure(192, 108), 192, 108);
  assert.is(tf.memory().numTensors, n);
});

Estimate(
  'undoes the letterbox: a frame padded by hand to the square gives the same keypoints shifted by the padding',
  () => {
    const w = 192;
    const h = 108;
    const inner = figure(w, h);
    const square = new Uint8Array(192 * 192 * 3);
    square.set(inner, 42 * 192 * 3);
    const a = estimator.estimate(inner, w, h);
    const b = estimator.estimate(square, 192, 192);
    for (let j = 0; j < J; j++) {
      assert.ok(
        Math.abs((a.keypoints[2 * j] as number) - (b.keypoints[2 * j] as number)) < 1e-3,
        `x of ${COCO17_JOINTS[j]}`,
      );
      assert.ok(
        Math.abs((a.keypoints[2 * j + 1] as number) + 42 - (b.keypoints[2 * j + 1] as number)) < 1e-3,
        `y of ${COCO17_JOINTS[j]}`,
      );
      assert.is(a.scores[j], b.scores[j]);
    }
  },
);

Estimate('names the bad frame', () => {
  assert.throws(
    () => estimator.estimate(new Uint8Array(10), 192, 108),
    /MoveNetPose\.estimate\(\): frame must be 192 x 108 x 3 = 62208 RGB bytes, got 10/,
  );
});

const Video = suite('estimateVideoPoses');
const videoTest = present ? Video : Video.skip;
Video.after(() => {
  estimator.dispose();
});
let ntuPoses: VideoPose[] = [];

videoTest(
  'NTU RGB+D (one person, full body, 1080p): mean keypoint score > 0.3 on most frames, a plausible standing pose inside the frame, no tensor leak',
  async () => {
    const before = tf.memory().numTensors;
    for await (const p of estimateVideoPoses(estimator, ffmpeg, NTU, { frames: { every: 3 } })) ntuPoses.push(p);
    assert.is(tf.memory().numTensors, before);
    assert.equal(
      ntuPoses.map((p) => p.index),
      Array.from({ length: 35 }, (_, k) => 3 * k),
    );
    // The file's own timestamps (this AVI's first frame is at 2/30 s), 30 fps.
    ntuPoses.forEach((p) =>
      assert.ok(Math.abs(p.t - (ntuPoses[0] as VideoPose).t - p.index / 30) < 1e-6, `frame ${p.index} at ${p.t}`),
    );
    const means = ntuPoses.map((p) => p.scores.reduce((s, x) => s + x, 0) / J);
    const good = means.filter((m) => m > 0.3).length;
    assert.ok(good >= 0.8 * ntuPoses.length, `mean score > 0.3 on ${good} of ${ntuPoses.length} frames`);
    const overall = means.reduce((s, m) => s + m, 0) / means.length;
    assert.ok(overall > 0.35, `mean keypoint score ${overall}`);
    for (const p of ntuPoses) {
      const x = (name: (typeof COCO17_JOINTS)[number]) => p.keypoints[2 * joint(name)] as number;
      const y = (name: (typeof COCO17_JOINTS)[number]) => p.keypoints[2 * joint(name) + 1] as number;
      COCO17_JOINTS.forEach((name) =>
        assert.ok(
          x(name) >= 0 && x(name) <= 1920 && y(name) >= 0 && y(name) <= 1080,
          `frame ${p.index}: ${name} outside the frame`,
        ),
      );
      const at = `frame ${p.index}`;
      // Head above shoulders above hips above knees above ankles (image y grows downwards).
      assert.ok(y('nose') < Math.min(y('left_shoulder'), y('right_shoulder')), `${at}: nose below a shoulder`);
      assert.ok(
        Math.max(y('left_shoulder'), y('right_shoulder')) < Math.min(y('left_hip'), y('right_hip')),
        `${at}: shoulders below hips`,
      );
      assert.ok(
        Math.max(y('left_hip'), y('right_hip')) < Math.min(y('left_knee'), y('right_knee')),
        `${at}: hips below knees`,
      );
      assert.ok(
        Math.max(y('left_knee'), y('right_knee')) < Math.min(y('left_ankle'), y('right_ankle')),
        `${at}: knees below ankles`,
      );
      // One person of a plausible size: the body spans 250-600 px of 1080 and is narrower than tall.
      const height = Math.max(y('left_ankle'), y('right_ankle')) - y('nose');
      const xs = Array.from({ length: J }, (_, j) => p.keypoints[2 * j] as number);
      const width = Math.max(...xs) - Math.min(...xs);
      assert.ok(height > 250 && height < 600, `${at}: nose to ankle ${height} px`);
      assert.ok(width < height / 2, `${at}: keypoints spread ${width} px wide`);
      // The shoulders sit on the person, either side of the trunk's centre line, about a head apart.
      const centre = (x('left_hip') + x('right_hip')) / 2;
      const span = x('left_shoulder') - x('right_shoulder');
      assert.ok(
        Math.abs((x('left_shoulder') + x('right_shoulder')) / 2 - centre) < 40,
        `${at}: shoulders off the trunk`,
      );
      assert.ok(Math.abs(span) > 15 && Math.abs(span) < 120, `${at}: shoulders ${span} px apart`);
      assert.ok(
        (p.scores[joint('left_shoulder')] as number) > 0.3 && (p.scores[joint('right_shoulder')] as number) > 0.3,
        `${at}: shoulders not found`,
      );
    }
  },
);

videoTest(
  'a full-size frame resized by the estimator gives the pose decoded at the letterbox size, in the same pixels',
  async () => {
    const ref = ntuPoses[10] as VideoPose;
    let full: Uint8Array | undefined;
    for await (const f of decodeVideoFrames(ffmpeg, NTU, { frames: { indices: [ref.index] } })) full = f.frame;
    const before = tf.memory().numTensors;
    const own = estimator.estimate(full as Uint8Array, 1920, 1080);
    assert.is(tf.memory().numTensors, before);
    // Two resizers (ffmpeg's area filter, box + bilinear here) see slightly different pixels: a few source pixels apart.
    const sure = COCO17_JOINTS.map((_, j) => j).filter((j) => (ref.scores[j] as number) > 0.3);
    assert.ok(sure.length >= 12, `${sure.length} confident keypoints`);
    const distances = sure
      .map((j) =>
        Math.hypot(
          (own.keypoints[2 * j] as number) - (ref.keypoints[2 * j] as number),
          (own.keypoints[2 * j + 1] as number) - (ref.keypoints[2 * j + 1] as number),
        ),
      )
      .sort((a, b) => a - b);
    assert.ok((distances[Math.floor(distances.length / 2)] as number) < 12, `median distance ${distances.join(', ')}`);
  },
);

videoTest('the poses make a COCO-17 2D pose stream with scores', () => {
  const stream = videoPoseStream(ntuPoses, 10);
  assert.is(stream.joints, 'coco17');
  assert.is(stream.dims, 2);
  assert.is(stream.t.length, ntuPoses.length);
  assert.is(stream.data[2 * J], ntuPoses[1]?.keypoints[0]);
  assert.is(stream.score?.[J + 3], ntuPoses[1]?.scores[3]);
  assert.equal(stream.meta['keypoints'], [...COCO17_JOINTS]);
});

Video('a missing video is a UserError naming the file', async () => {
  const missing = join(VIDEO_DIR, 'no such clip.mp4');
  try {
    for await (const p of estimateVideoPoses(estimator, ffmpeg, missing)) assert.unreachable(`gave frame ${p.index}`);
    assert.unreachable('no error');
  } catch (err) {
    assert.ok(isUserError(err), String(err));
    assert.match((err as Error).message, `video file not found: ${missing}`);
  }
});

Estimate.run();
Video.run();
