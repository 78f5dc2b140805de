import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ACTIONS } from '../../src/data/synthetic/actions.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTrial } from '../../src/data/synthetic/synthetic-trial.ts';
import { buildInputSet, inputShapes, prepareInputs, type InputSpec } from '../../src/train/model-inputs.ts';
import { resampleImu } from '../../src/imu/resample-imu.ts';
import type { ImuStream } from '../../src/core/stream.ts';

/** Samples to fixed-shape model inputs. */
const options = { ...SYNTHETIC_DEFAULTS, seed: 3 };
const spec: InputSpec = { imu: { placements: ['pelvis', 'wrist'], rate: 50, window: 2 }, video: { count: 6, size: 28, threshold: { kind: 'adaptive', k: 0.5 }, fill: 'sample' }, pose: { frames: 60 } };

const Inputs = suite('model inputs');
Inputs('stacks each modality at its fixed shape, with labels and subjects', () => {
  const subject = generateSubject(options, 0);
  const samples = [generateTrial(options, subject, 'jump', 0), generateTrial(options, subject, 'kick', 1)];
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
  const sample = generateTrial(options, generateSubject(options, 1), 'run', 0);
  assert.throws(() => buildInputSet([sample], { imu: { placements: ['thigh'], rate: 50, window: 1 } }, ACTIONS), /has no IMU at 'thigh'/);
});
Inputs('flow between consecutive key frames, once OpenCV is loaded; flow without video is refused', async () => {
  const withFlow: InputSpec = { video: { count: 4, size: 24, threshold: { kind: 'top', count: 4 }, fill: 'sample', crop: 'person' }, flow: { source: 'video-key-frames' } };
  const missing = await prepareInputs({ flow: { source: 'video-key-frames' } }).then(() => undefined, (e: unknown) => e);
  assert.match(String(missing), /inputs.flow needs inputs.video/);
  await prepareInputs(withFlow);
  const set = buildInputSet([generateTrial(options, generateSubject(options, 2), 'hop', 0)], withFlow, ACTIONS);
  assert.equal(set.flow?.shape, [3, 24, 24, 2]);
  assert.ok(set.flow!.data.some((v) => Math.abs(v) > 0.5), 'the athlete moves between key frames');
});
Inputs.run();
