import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scaleImu } from '../../src/augment/scale-imu.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { fixtureSample, imuOf, snapshot } from './sample-fixture.ts';

const Scale = suite('scaleImu');

Scale('multiplies acc and gyro of each sensor by one factor each, within the range', () => {
  const sample = fixtureSample();
  const scaled = scaleImu(sample, [0.8, 1.25], new SeededRandom(3));
  const factors: number[] = [];
  for (const id of ['S01-wrist', 'S01-ankle', 'S01-pelvis']) {
    const [before, after] = [imuOf(sample, id).data, imuOf(scaled, id).data];
    for (const channels of [
      [0, 1, 2],
      [3, 4, 5],
    ]) {
      const ratios = Array.from(before.keys())
        .filter((k) => channels.includes(k % 6))
        .map((k) => (after[k] as number) / (before[k] as number));
      const f = ratios[0] as number;
      assert.ok(f >= 0.8 && f <= 1.25, `${id} factor ${f}`);
      assert.ok(
        ratios.every((r) => Math.abs(r - f) < 1e-5),
        `${id}: one factor for channels ${channels}`,
      );
      factors.push(f);
    }
  }
  assert.is(new Set(factors).size, 6);
});

Scale('is deterministic by seed, leaves the input untouched, names a bad range', () => {
  const sample = fixtureSample();
  const before = snapshot(sample);
  assert.equal(
    snapshot(scaleImu(sample, [0.9, 1.1], new SeededRandom(4))),
    snapshot(scaleImu(sample, [0.9, 1.1], new SeededRandom(4))),
  );
  assert.equal(snapshot(sample), before);
  assert.throws(
    () => scaleImu(sample, [1.1, 0.9], new SeededRandom(4)),
    /scaleImu\(\): range must be \[low, high\] with 0 < low <= high, got \[1.1, 0.9\]/,
  );
});

Scale.run();
