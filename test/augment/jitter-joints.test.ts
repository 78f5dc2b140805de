import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { jitterJoints } from '../../src/augment/jitter-joints.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { fixtureSample, snapshot } from './sample-fixture.ts';
import { skeletonOf, skeletonSample } from './skeleton-fixture.ts';

const Jitter = suite('jitterJoints');
Jitter('adds zero-mean noise of sd `sd` metres to every joint coordinate of every frame', () => {
  const sample = skeletonSample(200);
  const before = snapshot(sample);
  const out = jitterJoints(sample, 0.01, new SeededRandom(5));
  const [a, b] = [skeletonOf(sample).data, skeletonOf(out).data];
  const noise = Array.from(b, (v, k) => v - a[k]!);
  const mean = noise.reduce((s, v) => s + v, 0) / noise.length;
  const sd = Math.sqrt(noise.reduce((s, v) => s + (v - mean) ** 2, 0) / noise.length);
  assert.ok(Math.abs(mean) < 0.0005, `mean ${mean}`);
  assert.ok(sd > 0.0095 && sd < 0.0105, `sd ${sd}`);
  // Every coordinate moved, but for the odd draw under float32's step at 3 m (2e-7 m).
  assert.ok(noise.filter((v) => v === 0).length < 5);
  assert.is(out.streams[1], sample.streams[1], 'the IMU');
  assert.equal(snapshot(sample), before, 'the input is untouched');
});
Jitter('sd 0 changes nothing; 2-D keypoints pass unchanged', () => {
  const sample = skeletonSample();
  assert.equal(
    Array.from(skeletonOf(jitterJoints(sample, 0, new SeededRandom(1))).data),
    Array.from(skeletonOf(sample).data),
  );
  const image = fixtureSample();
  jitterJoints(image, 0.05, new SeededRandom(1)).streams.forEach((s, k) => assert.is(s, image.streams[k]));
});
Jitter('names a bad sd', () => {
  assert.throws(
    () => jitterJoints(skeletonSample(), -1, new SeededRandom(1)),
    /jitterJoints\(\): sd must be >= 0 metres, got -1/,
  );
});
Jitter.run();
