import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { augmentSample, resolveAugmentConfig, type AugmentConfigInput } from '../../src/augment/augment-sample.ts';
import { flipHorizontal } from '../../src/augment/flip-horizontal.ts';
import { UserError } from '../../src/core/errors.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { fixtureSample, snapshot } from './sample-fixture.ts';
import { skeletonOf, skeletonSample } from './skeleton-fixture.ts';

const Augment = suite('augmentSample');
const OFF: AugmentConfigInput = {
  flip: { p: 0 },
  affine: { p: 0 },
  rotateImu: { p: 0 },
  scaleImu: { p: 0 },
  timeWarpImu: { p: 0 },
  jitterImu: { p: 0 },
};

Augment('fills every default from the schema', () => {
  const config = resolveAugmentConfig({ affine: { rotationDeg: 5 } });
  assert.equal(config.affine, { p: 0.5, rotationDeg: 5, translate: [8, 8], scale: [0.9, 1.1], fill: 'edge' });
  assert.equal(config.jitterImu, { p: 0.5, sdAcc: 0.05, sdGyro: 0.01 });
  // The skeleton steps are absent unless written (a chain from before them resolves as it did).
  assert.equal(Object.keys(resolveAugmentConfig()), [
    'flip',
    'affine',
    'rotateImu',
    'scaleImu',
    'timeWarpImu',
    'jitterImu',
  ]);
});

Augment('runs a step with p 1, skips it with p 0, and lists what ran', () => {
  const sample = fixtureSample();
  const flipped = augmentSample(sample, { ...OFF, flip: { p: 1 } }, new SeededRandom(1));
  assert.equal(flipped.meta.augmentations, ['flip']);
  assert.equal(snapshot({ ...flipped, meta: {} }), snapshot({ ...flipHorizontal(sample), meta: {} }));
  const none = augmentSample(sample, OFF, new SeededRandom(1));
  assert.equal(none.meta.augmentations, []);
  assert.equal(none.streams, sample.streams);
  const all = augmentSample(
    sample,
    {
      flip: { p: 1 },
      affine: { p: 1 },
      rotateImu: { p: 1 },
      scaleImu: { p: 1 },
      timeWarpImu: { p: 1 },
      jitterImu: { p: 1 },
    },
    new SeededRandom(1),
  );
  assert.equal(all.meta.augmentations, ['flip', 'affine', 'rotateImu', 'scaleImu', 'timeWarpImu', 'jitterImu']);
});

Augment('applies each step with about its probability', () => {
  const sample = fixtureSample({ frames: 1, height: 4, width: 4, imuSamples: 4 });
  const rng = new SeededRandom(2);
  let flips = 0;
  for (let k = 0; k < 400; k++)
    if ((augmentSample(sample, { ...OFF, flip: { p: 0.3 } }, rng).meta.augmentations as string[]).includes('flip'))
      flips++;
  assert.ok(flips > 90 && flips < 150, `${flips} flips of 400 at p 0.3`);
});

Augment('the same seed gives the same result; successive calls differ; the input is untouched', () => {
  const sample = fixtureSample();
  const before = snapshot(sample);
  const a = augmentSample(sample, {}, new SeededRandom(5));
  assert.equal(snapshot(a), snapshot(augmentSample(sample, {}, new SeededRandom(5))));
  assert.equal(snapshot(sample), before);
  const rng = new SeededRandom(5);
  const first = snapshot(augmentSample(sample, { ...OFF, jitterImu: { p: 1 } }, rng));
  assert.not.equal(snapshot(augmentSample(sample, { ...OFF, jitterImu: { p: 1 } }, rng)), first);
});

Augment('the 3-D skeleton steps are off unless written; on, they change the skeleton and nothing else', () => {
  const config = resolveAugmentConfig();
  assert.equal(
    [config.rotateSkeleton, config.scaleSkeleton, config.shearSkeleton, config.jitterJoints],
    [undefined, undefined, undefined, undefined],
  );
  const written = resolveAugmentConfig({ rotateSkeleton: {}, scaleSkeleton: {}, shearSkeleton: {}, jitterJoints: {} });
  assert.equal(written.rotateSkeleton, { p: 0.5, maxDeg: 30 });
  assert.equal(written.scaleSkeleton, { p: 0.5, range: [0.9, 1.1] });
  assert.equal(written.shearSkeleton, { p: 0.5, max: 0.1 });
  assert.equal(written.jitterJoints, { p: 0.5, sd: 0.01 });
  const sample = skeletonSample();
  const none = augmentSample(sample, OFF, new SeededRandom(3));
  assert.equal(none.meta.augmentations, []);
  none.streams.forEach((s, k) => assert.is(s, sample.streams[k]));
  const steps = { rotateSkeleton: { p: 1 }, scaleSkeleton: { p: 1 }, shearSkeleton: { p: 1 }, jitterJoints: { p: 1 } };
  const all = augmentSample(sample, { ...OFF, ...steps }, new SeededRandom(3));
  assert.equal(all.meta.augmentations, ['rotateSkeleton', 'scaleSkeleton', 'shearSkeleton', 'jitterJoints']);
  assert.is(all.streams[1], sample.streams[1], 'the IMU');
  assert.not.equal(Array.from(skeletonOf(all).data), Array.from(skeletonOf(sample).data));
  // A sample with 2-D keypoints, video and IMUs passes them unchanged.
  const image = fixtureSample();
  augmentSample(image, { ...OFF, ...steps }, new SeededRandom(3)).streams.forEach((s, k) =>
    assert.is(s, image.streams[k]),
  );
});

Augment('a bad config is a UserError naming the field', () => {
  try {
    augmentSample(fixtureSample(), { flip: { p: 2 }, jitterImu: { sdAcc: -1 } }, new SeededRandom(1));
    assert.unreachable();
  } catch (err) {
    assert.instance(err, UserError);
    assert.match((err as Error).message, /flip\.p/);
    assert.match((err as Error).message, /jitterImu\.sdAcc/);
  }
  assert.throws(() => resolveAugmentConfig({ mixup: {} } as never), /augmentation config: .*mixup/);
  assert.throws(
    () => resolveAugmentConfig({ scaleImu: { range: [1.2, 0.8] } }),
    /must be \[low, high\] with low <= high/,
  );
});

Augment.run();
