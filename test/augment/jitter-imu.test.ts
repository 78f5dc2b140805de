import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { jitterImu } from '../../src/augment/jitter-imu.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { fixtureSample, imuOf, snapshot } from './sample-fixture.ts';

const Jitter = suite('jitterImu');

Jitter('adds noise with the stated sd on acc and on gyro channels', () => {
  const sample = fixtureSample({ imuSamples: 2000 });
  const noisy = jitterImu(sample, 0.3, 0.02, new SeededRandom(8));
  for (const id of ['S01-wrist', 'S01-ankle']) {
    const [before, after] = [imuOf(sample, id).data, imuOf(noisy, id).data];
    const sd = (channels: number[]) => {
      const d = Array.from(after.keys())
        .filter((k) => channels.includes(k % 6))
        .map((k) => (after[k] as number) - (before[k] as number));
      const mean = d.reduce((a, b) => a + b, 0) / d.length;
      assert.ok(Math.abs(mean) < 0.1 * Math.sqrt(d.reduce((a, b) => a + b * b, 0) / d.length), `${id} mean ${mean}`);
      return Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    };
    const [acc, gyro] = [sd([0, 1, 2]), sd([3, 4, 5])];
    assert.ok(Math.abs(acc / 0.3 - 1) < 0.05, `${id} acc sd ${acc}`);
    assert.ok(Math.abs(gyro / 0.02 - 1) < 0.05, `${id} gyro sd ${gyro}`);
  }
});

Jitter('is deterministic by seed and leaves the input untouched', () => {
  const sample = fixtureSample();
  const before = snapshot(sample);
  const a = jitterImu(sample, 0.1, 0.01, new SeededRandom(5));
  assert.equal(snapshot(sample), before);
  assert.equal(snapshot(a), snapshot(jitterImu(sample, 0.1, 0.01, new SeededRandom(5))));
  assert.not.equal(
    imuOf(a, 'S01-wrist').data,
    imuOf(jitterImu(sample, 0.1, 0.01, new SeededRandom(6)), 'S01-wrist').data,
  );
  assert.equal(imuOf(jitterImu(sample, 0, 0, new SeededRandom(5)), 'S01-wrist').data, imuOf(sample, 'S01-wrist').data);
});

Jitter('names a bad sd', () => {
  assert.throws(
    () => jitterImu(fixtureSample(), -1, 0, new SeededRandom(1)),
    /jitterImu\(\): sdAcc must be >= 0 m\/s\^2, got -1/,
  );
  assert.throws(
    () => jitterImu(fixtureSample(), 0, Number.NaN, new SeededRandom(1)),
    /jitterImu\(\): sdGyro must be >= 0 rad\/s, got NaN/,
  );
});

Jitter.run();
