import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { imuStream } from '../../src/core/stream.ts';
import { imuCoverage, resampleImu } from '../../src/imu/resample-imu.ts';

/** Resampling an IMU stream onto a regular grid. */
const Resample = suite('resampleImu');
Resample(
  "interpolates linearly between the stream's own timestamps, bridging a lost sample and holding the ends",
  () => {
    // Channel values = 10 x time; the sample at t = 0.2 is lost.
    const t = Float64Array.from([0.0, 0.1, 0.3, 0.4]);
    const data = new Float32Array(4 * 6);
    t.forEach((time, i) => data.fill(10 * time, i * 6, i * 6 + 6));
    const s = imuStream({ rate: 10, t, data, sensorId: 'a', placement: 'wrist' });
    const out = resampleImu(s, { start: -0.1, rate: 20, count: 12 });
    const ch0 = Array.from({ length: 12 }, (_, i) => Number((out[i * 6] as number).toFixed(5)));
    // Grid times -0.1, -0.05, 0, 0.05, ..., 0.45.
    assert.equal(ch0, [0, 0, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4]);
  },
);
Resample('the coverage mask is 0 only across a gap longer than 1.5 sample periods', () => {
  // 100 Hz with a lost connection from 0.3 to 0.6 s, one single lost sample at 0.8 s.
  const t = Float64Array.from(
    Array.from({ length: 100 }, (_, i) => i / 100).filter(
      (x) => !(x > 0.295 && x < 0.605) && Math.abs(x - 0.8) > 0.001,
    ),
  );
  const s = imuStream({ rate: 100, t, data: new Float32Array(t.length * 6), sensorId: 'a', placement: 'ankle' });
  const mask = imuCoverage(s, { start: 0, rate: 100, count: 100 });
  const zeros = Array.from(mask).flatMap((m, i) => (m === 0 ? [i] : []));
  assert.equal(
    zeros,
    [
      31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58,
      59,
    ],
  );
});
Resample.run();
