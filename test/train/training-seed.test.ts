import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { REPEAT_SEED_STRIDE, trainingSeed } from '../../src/train/training-seed.ts';

const TrainingSeed = suite('trainingSeed');

TrainingSeed('repeat 0 is the seed a fold trained with before repeats: seed + fold', () => {
  assert.is(trainingSeed(7, 0), 7);
  assert.is(trainingSeed(7, 3), 10);
  assert.is(trainingSeed(7, 3, 0), 10);
});

TrainingSeed('each repeat moves every fold a million seeds on, clear of the seeds a network takes per layer', () => {
  assert.is(REPEAT_SEED_STRIDE, 1_000_000);
  assert.is(trainingSeed(7, 3, 1), 1_000_010);
  assert.is(trainingSeed(7, 0, 2), 2_000_007);
  const seeds = [0, 1, 2].flatMap((repeat) => [0, 1, 2, 3, 4].map((fold) => trainingSeed(7, fold, repeat)));
  assert.is(new Set(seeds).size, 15, 'no two (fold, repeat) units share a seed');
});

TrainingSeed.run();
