import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rotateImu } from '../../src/augment/rotate-imu.ts';
import { SeededRandom } from '../../src/core/random.ts';
import type { ImuStream } from '../../src/core/stream.ts';
import { fixtureSample, imuOf, snapshot } from './sample-fixture.ts';

const Rotate = suite('rotateImu');
const SENSORS = ['S01-wrist', 'S01-ankle', 'S01-pelvis'];
const vector = (s: ImuStream, i: number, at: 0 | 3) => [0, 1, 2].map((k) => s.data[i * 6 + at + k] as number);
const dot = (a: number[], b: number[]) => a.reduce((sum, v, k) => sum + v * (b[k] as number), 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

Rotate('keeps |acc| and |gyro| of every sample, and the angle between them', () => {
  const sample = fixtureSample();
  const turned = rotateImu(sample, 15, new SeededRandom(4));
  for (const id of SENSORS) {
    const [before, after] = [imuOf(sample, id), imuOf(turned, id)];
    for (let i = 0; i < before.t.length; i++) {
      const [a0, g0, a1, g1] = [vector(before, i, 0), vector(before, i, 3), vector(after, i, 0), vector(after, i, 3)];
      assert.ok(Math.abs(norm(a1) - norm(a0)) < 1e-5 * (1 + norm(a0)), `${id} sample ${i} |acc|`);
      assert.ok(Math.abs(norm(g1) - norm(g0)) < 1e-5 * (1 + norm(g0)), `${id} sample ${i} |gyro|`);
      assert.ok(Math.abs(dot(a1, g1) - dot(a0, g0)) < 1e-4 * (1 + norm(a0) * norm(g0)), `${id} sample ${i} acc . gyro`);
    }
  }
});

Rotate('turns each sensor by its own angle, at most maxDeg, the same for all its samples', () => {
  const sample = fixtureSample();
  const turned = rotateImu(sample, 15, new SeededRandom(4));
  const angles = SENSORS.map((id) => {
    const [before, after] = [imuOf(sample, id), imuOf(turned, id)];
    const perSample = Array.from({ length: 20 }, (_, i) => {
      const [a0, a1] = [vector(before, i, 0), vector(after, i, 0)];
      return Math.acos(Math.min(1, dot(a0, a1) / (norm(a0) * norm(a1)))) * (180 / Math.PI);
    });
    assert.ok(
      perSample.every((a) => a <= 15 + 1e-3),
      `${id}: ${Math.max(...perSample)} deg`,
    );
    return Math.max(...perSample);
  });
  assert.is(new Set(angles.map((a) => a.toFixed(3))).size, 3);
});

Rotate('maxDeg 0 changes nothing; the same seed gives the same rotation', () => {
  const sample = fixtureSample();
  assert.equal(imuOf(rotateImu(sample, 0, new SeededRandom(1)), 'S01-wrist').data, imuOf(sample, 'S01-wrist').data);
  assert.equal(
    imuOf(rotateImu(sample, 10, new SeededRandom(2)), 'S01-ankle').data,
    imuOf(rotateImu(sample, 10, new SeededRandom(2)), 'S01-ankle').data,
  );
  assert.not.equal(
    imuOf(rotateImu(sample, 10, new SeededRandom(2)), 'S01-ankle').data,
    imuOf(rotateImu(sample, 10, new SeededRandom(3)), 'S01-ankle').data,
  );
});

Rotate('leaves the input, video and pose untouched', () => {
  const sample = fixtureSample();
  const before = snapshot(sample);
  const turned = rotateImu(sample, 10, new SeededRandom(2));
  assert.equal(snapshot(sample), before);
  assert.is(turned.streams[0], sample.streams[0]);
  assert.is(turned.streams[1], sample.streams[1]);
  assert.throws(
    () => rotateImu(sample, -5, new SeededRandom(1)),
    /rotateImu\(\): maxDeg must be within 0-180 degrees, got -5/,
  );
});

Rotate.run();
