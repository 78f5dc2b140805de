import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ACTIONS } from '../../src/data/synthetic/actions.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTake } from '../../src/data/synthetic/synthetic-take.ts';
import { buildInputSet, inputShapes, prepareInputs } from '../../src/inputs/model-inputs.ts';
import { type InputSpec } from '../../src/inputs/input-spec.ts';
import { resampleImu } from '../../src/imu/resample-imu.ts';
import type { ImuStream } from '../../src/core/stream.ts';

/** Samples to fixed-shape model inputs. */
const options = { ...SYNTHETIC_DEFAULTS, seed: 3 };
const spec: InputSpec = {
  imu: { placements: ['pelvis', 'wrist'], rate: 50, window: 2 },
  video: { count: 6, size: 28, threshold: { kind: 'adaptive', k: 0.5 }, fill: 'sample' },
  pose: { frames: 60 },
};

const Inputs = suite('model inputs');
Inputs('stacks each modality at its fixed shape, with labels and subjects', () => {
  const subject = generateSubject(options, 0);
  const samples = [generateTake(options, subject, 'jump', 0), generateTake(options, subject, 'kick', 1)];
  const set = buildInputSet(samples, spec, ACTIONS);
  assert.equal(inputShapes(spec), { imu: [100, 14], video: [6, 28, 28, 3], pose: [60, 51] });
  assert.equal(Array.from(set.labels), [0, ACTIONS.indexOf('kick')]);
  assert.equal(set.subjects, ['S01', 'S01']);
  assert.is(set.imu?.data.length, 2 * 100 * 14);
  assert.is(set.video?.data.length, 2 * 6 * 28 * 28 * 3);
  // IMU channels: pelvis first, then wrist (6 signals and a coverage mask each), each on its own
  // device clock from its first sample.
  const wrist = samples[1]!.streams.find((s): s is ImuStream => s.kind === 'imu' && s.placement === 'wrist')!;
  const grid = resampleImu(wrist, { start: wrist.t[0]!, rate: 50, count: 100 });
  for (const step of [0, 37, 99]) {
    for (let c = 0; c < 6; c++) assert.is(set.imu!.data[100 * 14 + step * 14 + 7 + c], grid[step * 6 + c]);
    assert.is(set.imu!.data[100 * 14 + step * 14 + 13], 1);
  }
  // Pose: x relative to the frame centre in frame widths, score last.
  const x = set.pose!.data[0]!;
  assert.ok(x > -0.5 && x < 0.5, `x ${x}`);
  // The video input is not blank.
  assert.ok(set.video!.data.some((v) => v > 0));
});
Inputs('a missing placement is a clear error', () => {
  const sample = generateTake(options, generateSubject(options, 1), 'run', 0);
  assert.throws(
    () => buildInputSet([sample], { imu: { placements: ['thigh'], rate: 50, window: 1 } }, ACTIONS),
    /has no IMU at 'thigh'/,
  );
});
Inputs('flow between consecutive key frames, once OpenCV is loaded; flow without video is refused', async () => {
  const withFlow: InputSpec = {
    video: { count: 4, size: 24, threshold: { kind: 'top', count: 4 }, fill: 'sample', crop: 'person' },
    flow: { source: 'video-key-frames' },
  };
  const missing = await prepareInputs({ flow: { source: 'video-key-frames' } }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.match(String(missing), /inputs.flow needs inputs.video/);
  await prepareInputs(withFlow);
  const set = buildInputSet([generateTake(options, generateSubject(options, 2), 'hop', 0)], withFlow, ACTIONS);
  assert.equal(set.flow?.shape, [3, 24, 24, 2]);
  assert.ok(
    set.flow!.data.some((v) => Math.abs(v) > 0.5),
    'the athlete moves between key frames',
  );
});
Inputs("'any' takes the sample's one IMU wherever it is worn", () => {
  const sample = generateTake(options, generateSubject(options, 1), 'run', 0);
  const thighOnly = {
    ...sample,
    streams: sample.streams
      .filter((s) => s.kind !== 'imu' || s.placement === 'ankle')
      .map((s) => (s.kind === 'imu' ? { ...s, placement: 'thigh' as const } : s)),
  };
  const set = buildInputSet([thighOnly], { imu: { placements: ['any'], rate: 50, window: 1 } }, ACTIONS);
  const ankle = sample.streams.find((s): s is ImuStream => s.kind === 'imu' && s.placement === 'ankle')!;
  const grid = resampleImu(ankle, { start: ankle.t[0]!, rate: 50, count: 50 });
  assert.is(set.imu!.data[7 * 7 + 2], grid[7 * 6 + 2]);
  assert.throws(
    () =>
      buildInputSet(
        [{ ...sample, streams: sample.streams.filter((s) => s.kind !== 'imu') }],
        { imu: { placements: ['any'], rate: 50, window: 1 } },
        ACTIONS,
      ),
    /has no IMU$|has no IMU\b/,
  );
});

Inputs('a 3-D skeleton: joints relative to the hip centre, frames taken evenly over the trial', () => {
  // 10 frames of 20 joints; joint j of frame f at (f + j, 2j, 3), the hip centre is joint 3.
  const n = 10;
  const data = new Float32Array(n * 60);
  for (let f = 0; f < n; f++) for (let j = 0; j < 20; j++) data.set([f + j, 2 * j, 3], f * 60 + j * 3);
  const names = Array.from({ length: 20 }, (_, j) => (j === 3 ? 'hip_center' : `j${j}`));
  const pose = {
    kind: 'pose' as const,
    rate: 30,
    t: Float64Array.from({ length: n }, (_, f) => f / 30),
    joints: 'kinect20' as const,
    dims: 3 as const,
    data,
    meta: { jointNames: names },
  };
  const sample = { id: 'x', label: 'jump', streams: [pose], events: [], meta: {} };
  const spec5: InputSpec = { pose: { frames: 5, joints: 'kinect20' } };
  assert.equal(inputShapes(spec5), { pose: [5, 60] });
  const set = buildInputSet([sample], spec5, ACTIONS);
  // Input frame k is source frame floor((k + 0.5) * 10 / 5) = 1, 3, 5, 7, 9: relative values do not depend on it.
  for (let k = 0; k < 5; k++) {
    assert.equal(Array.from(set.pose!.data.slice(k * 60, k * 60 + 3)), [-3, -6, 0], 'joint 0 relative to joint 3');
    assert.equal(Array.from(set.pose!.data.slice(k * 60 + 9, k * 60 + 12)), [0, 0, 0], 'the hip centre itself');
  }
  assert.throws(() => buildInputSet([sample], { pose: { frames: 5 } }, ACTIONS), /no 2D COCO-17 pose stream/);
});

Inputs('grey video (a depth camera) becomes three equal channels', () => {
  const frames = Uint8Array.from({ length: 4 * 8 * 8 }, (_, i) => (i * 7) % 256);
  const video = {
    kind: 'video' as const,
    rate: 30,
    t: Float64Array.from([0, 1, 2, 3]),
    decoded: { frames, height: 8, width: 8, channels: 1 as const },
    meta: {},
  };
  const set = buildInputSet(
    [{ id: 'g', label: 'jump', streams: [video], events: [], meta: {} }],
    { video: { count: 4, size: 8, threshold: { kind: 'top', count: 4 }, fill: 'sample', crop: 'frame' } },
    ACTIONS,
  );
  assert.equal(set.video!.shape, [4, 8, 8, 3]);
  const rgb = set.video!.data;
  for (let p = 0; p < 4 * 64; p += 37) {
    assert.is(rgb[3 * p], frames[p]);
    assert.is(rgb[3 * p + 1], frames[p]);
    assert.is(rgb[3 * p + 2], frames[p]);
  }
});

Inputs.run();
