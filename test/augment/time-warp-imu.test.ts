import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { timeWarpImu } from '../../src/augment/time-warp-imu.ts';
import { SeededRandom } from '../../src/core/random.ts';
import type { Sample } from '../../src/core/sample.ts';
import { imuStream } from '../../src/core/stream.ts';
import { fixtureSample, imuOf, snapshot } from './sample-fixture.ts';

const Warp = suite('timeWarpImu');

/** One IMU whose every channel reads its own timestamp (a ramp), with uneven steps and a gap. */
function rampSample(): Sample {
  const t = Float64Array.from({ length: 300 }, (_, i) => 10 + i * 0.01 + (i > 150 ? 0.2 : 0) + (i % 3) * 0.002);
  const data = Float32Array.from({ length: 300 * 6 }, (_, k) => (t[Math.floor(k / 6)] as number) - 10);
  return {
    id: 'ramp',
    label: 'x',
    meta: {},
    streams: [imuStream({ rate: 100, t, data, sensorId: 'r', placement: 'wrist' })],
  };
}

Warp('keeps the timestamps and the first and last samples exactly', () => {
  const sample = fixtureSample();
  const warped = timeWarpImu(sample, 0.3, new SeededRandom(1));
  for (const id of ['S01-wrist', 'S01-ankle', 'S01-pelvis']) {
    const [before, after] = [imuOf(sample, id), imuOf(warped, id)];
    assert.equal(after.t, before.t);
    const n = before.t.length;
    assert.equal(after.data.subarray(0, 6), before.data.subarray(0, 6));
    assert.equal(after.data.subarray((n - 1) * 6), before.data.subarray((n - 1) * 6));
    assert.not.equal(after.data, before.data);
  }
});

Warp('maps time monotonically: a ramp stays increasing, and is really warped', () => {
  for (const seed of [1, 2, 3, 4]) {
    const sample = rampSample();
    const [stream] = timeWarpImu(sample, 0.5, new SeededRandom(seed)).streams;
    assert.ok(stream?.kind === 'imu');
    const source = Array.from({ length: 300 }, (_, i) => stream.data[i * 6] as number);
    for (let i = 1; i < 300; i++)
      assert.ok(
        (source[i] as number) >= (source[i - 1] as number),
        `seed ${seed}: sample ${i} reads ${source[i]} after ${source[i - 1]}`,
      );
    const shift = Math.max(...source.map((s, i) => Math.abs(s - ((stream.t[i] as number) - 10))));
    assert.ok(shift > 0.05, `seed ${seed}: largest time shift ${shift} s`);
  }
});

Warp('strength 0 resamples at the original times (values kept to float32 rounding)', () => {
  const sample = fixtureSample();
  const same = timeWarpImu(sample, 0, new SeededRandom(1));
  const [a, b] = [imuOf(sample, 'S01-wrist').data, imuOf(same, 'S01-wrist').data];
  a.forEach((v, k) => assert.ok(Math.abs((b[k] as number) - v) < 1e-4 * (1 + Math.abs(v)), `value ${k}`));
});

Warp('is deterministic by seed, leaves the input untouched, names a bad strength', () => {
  const sample = fixtureSample();
  const before = snapshot(sample);
  assert.equal(
    snapshot(timeWarpImu(sample, 0.2, new SeededRandom(7))),
    snapshot(timeWarpImu(sample, 0.2, new SeededRandom(7))),
  );
  assert.equal(snapshot(sample), before);
  assert.throws(
    () => timeWarpImu(sample, -0.1, new SeededRandom(7)),
    /timeWarpImu\(\): strength must be >= 0 \(sd of the log playback speed\), got -0.1/,
  );
});

Warp.run();
